package cost

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/estate"
)

// EBS volumes: GB-months of storage by volume type, gp3 IOPS and throughput
// above what gp3 includes, io1/io2 provisioned IOPS. Node groups' root
// volumes and claims are priced here too.
const (
	svcEBS             = "ebs"
	itemGP3IOPS        = "gp3_iops_above_3000"
	itemGP3Throughput  = "gp3_throughput_above_125mibps"
	itemIO1IOPS        = "io1_iops"
	itemIO2IOPSTier1   = "io2_iops_tier1_first_32000"
	ebsVolumeTypesHelp = "gp2, gp3, io1, io2, st1, sc1, standard"
)

// ebsStorageItem maps a volume type to its catalog storage item.
var ebsStorageItem = map[string]string{
	"gp2": "gp2_storage", "gp3": "gp3_storage", "io1": "io1_storage", "io2": "io2_storage",
	"st1": "st1_storage", "sc1": "sc1_storage", "standard": "standard_magnetic_storage",
}

// gp3 includes 3,000 IOPS and 125 MiB/s; more is billed per IOPS-month and
// per MiB/s-month (AWS EBS pricing page).
const (
	gp3FreeIOPS       = 3000
	gp3FreeThroughput = 125
)

func (p *pricer) volumes(e *estate.Estate) {
	for _, v := range e.Volumes {
		p.volume(v, fmt.Sprintf("volume %s: %d × %g GiB %s", v.Name, v.N(), v.SizeGiB, v.Type))
	}
}

func (p *pricer) volume(v estate.Volume, resource string) {
	item, ok := ebsStorageItem[v.Type]
	if !ok {
		p.fail(v.Origin, fmt.Errorf("volume %q: unknown EBS volume type %q (%s)", v.Name, v.Type, ebsVolumeTypesHelp))
		return
	}
	n := v.N()
	if pr, ok := p.service(v.Origin, svcEBS, item); ok {
		p.add(resource, StorageEBS, num(v.SizeGiB).Mul(decimal.NewFromInt(int64(n))), "GB-months", pr, v.Origin, "")
	}
	switch v.Type {
	case "gp3":
		if extra := v.IOPS - gp3FreeIOPS; extra > 0 {
			if pr, ok := p.service(v.Origin, svcEBS, itemGP3IOPS); ok {
				p.add(resource+": IOPS above 3000", StorageEBS, decimal.NewFromInt(int64(extra*n)), "IOPS-months", pr, v.Origin, "")
			}
		}
		if extra := v.ThroughputMiBps - gp3FreeThroughput; extra > 0 {
			if pr, ok := p.service(v.Origin, svcEBS, itemGP3Throughput); ok {
				// The catalog prices it per GiBps-month; the bill per MiBps-month.
				pr.USD = pr.USD.Div(decimal.NewFromInt(1024))
				p.add(resource+": throughput above 125 MiB/s", StorageEBS, decimal.NewFromInt(int64(extra*n)), "MiBps-months", pr, v.Origin, "")
			}
		}
	case "io1", "io2":
		iopsItem := itemIO1IOPS
		if v.Type == "io2" {
			iopsItem = itemIO2IOPSTier1
		}
		if v.IOPS > 0 {
			if pr, ok := p.service(v.Origin, svcEBS, iopsItem); ok {
				p.add(resource+": provisioned IOPS", StorageEBS, decimal.NewFromInt(int64(v.IOPS*n)), "IOPS-months", pr, v.Origin, "")
			}
		}
	}
}
