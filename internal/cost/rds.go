package cost

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
)

// RDS instances: instance-hours by class, engine and deployment (the
// catalog's RDS rows), and GB-months of storage (twice for Multi-AZ, which
// stores a standby copy).
const (
	svcRDS            = "rds"
	rdsStorageSuffix  = "_storage" // rds <type>_storage: gp2_storage, gp3_storage
	rdsDefaultStorage = "gp2"
	rdsSingleAZ       = "single-az"
	rdsMultiAZ        = "multi-az"
)

func (p *pricer) databases(e *estate.Estate) {
	for _, d := range e.Databases {
		dep := rdsSingleAZ
		if d.MultiAZ {
			dep = rdsMultiAZ
		}
		engine := normalizeEngine(d.Engine)
		if pr, ok := p.lookup(d.Origin, func(region string) (pricing.Price, error) { return p.cat.RDS(region, d.InstanceClass, engine, dep) }); ok {
			p.add(fmt.Sprintf("RDS %s: %s %s %s", d.Name, d.InstanceClass, engine, dep), Database, hours(1), "instance-hours", pr, d.Origin, "")
		}
		if d.StorageGiB > 0 {
			st := d.StorageType
			if st == "" {
				st = rdsDefaultStorage
			}
			if pr, ok := p.service(d.Origin, svcRDS, st+rdsStorageSuffix); ok {
				qty := num(d.StorageGiB)
				if d.MultiAZ {
					qty = qty.Mul(decimal.NewFromInt(2)) // Multi-AZ stores a standby copy
				}
				p.add(fmt.Sprintf("RDS %s: %g GiB %s storage", d.Name, d.StorageGiB, st), Database, qty, "GB-months", pr, d.Origin, "")
			}
		}
	}
}

// normalizeEngine maps Terraform and RDS engine names to the catalog's
// ("postgresql" is "postgres").
func normalizeEngine(e string) string {
	e = strings.ToLower(e)
	if e == "postgresql" {
		return "postgres"
	}
	return e
}
