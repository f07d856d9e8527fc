package pricing

import (
	"errors"
	"slices"
	"testing"
	"testing/fstest"
)

func TestNearestRegions(t *testing.T) {
	tests := []struct {
		region string
		first  string
	}{
		{"us-east-2", "us-east-1"},
		{"us-east-1", "us-east-2"},
		{"ca-west-1", "us-east-1"},
		{"mx-central-1", "us-east-1"},
		{"sa-east-1", "us-east-1"},
		{"eu-south-2", "eu-west-1"},
		{"eu-west-1", "eu-central-1"},
		{"il-central-1", "me-south-1"},
		{"me-south-1", "me-central-1"},
		{"af-south-1", "eu-west-1"},
		{"ap-southeast-7", "ap-southeast-1"},
		{"ap-southeast-1", "ap-northeast-1"},
		{"us-gov-east-1", "us-gov-west-1"},
		{"xx-nowhere-1", "us-east-1"},
	}
	for _, tt := range tests {
		got := NearestRegions(tt.region)
		if len(got) == 0 || got[0] != tt.first {
			t.Errorf("NearestRegions(%s) = %v, want %s first", tt.region, got, tt.first)
		}
		if slices.Contains(got, tt.region) {
			t.Errorf("NearestRegions(%s) = %v holds the region itself", tt.region, got)
		}
		if !slices.Contains(got, "us-east-1") && tt.region != "us-east-1" {
			t.Errorf("NearestRegions(%s) = %v lacks us-east-1", tt.region, got)
		}
	}
}

func TestEstimated(t *testing.T) {
	c, err := Load(fstest.MapFS{
		FileEC2OnDemand:   {Data: []byte("region,instance_type,usd_per_hour\nus-east-1,t3.small,0.0208\neu-west-1,t3.small,0.0228\neu-south-2,t3.small,0.0236\n")},
		FileInstanceTypes: {Data: []byte("instance_type,vcpu,memory_mib,arch,max_pods_eni,burstable\nt3.small,2,2048,amd64,11,true\n")},
		FileServices: {Data: []byte("service,item,region,unit,usd,source\n" +
			"nat_gateway,gateway_hour,us-east-1,usd_per_hour,0.045,a\n" +
			"nat_gateway,gateway_hour,eu-west-1,usd_per_hour,0.048,b\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	nat := func(region string) (Price, error) { return c.Service("nat_gateway", "gateway_hour", region) }

	p, err := c.Estimated("eu-south-2", nat)
	if err != nil {
		t.Fatal(err)
	}
	if p.EstimatedFrom != "eu-west-1" || p.Region != "eu-south-2" || p.USD.String() != "0.048" {
		t.Errorf("eu-south-2: got %+v, want eu-west-1's price", p)
	}
	if p, err := c.Estimated("eu-west-1", nat); err != nil || p.EstimatedFrom != "" {
		t.Errorf("eu-west-1: got %+v, %v, want the region's own price", p, err)
	}
	// Nothing anywhere: the region's own error.
	_, err = c.Estimated("eu-south-2", func(region string) (Price, error) { return c.Service("eks", "cluster_standard_support", region) })
	var mp *MissingPriceError
	if !errors.As(err, &mp) || mp.Region != "eu-south-2" {
		t.Errorf("err = %v, want a missing price in eu-south-2", err)
	}
	// An unknown region is not estimated.
	if _, err := c.Estimated("xx-nowhere-1", nat); err == nil {
		t.Error("unknown region: want an error")
	}
}

func TestUnitLabel(t *testing.T) {
	for unit, want := range map[string]string{"usd_per_hour": "hour", "usd_per_gb": "GB", "usd_per_gb_month": "GB-month", "usd_per_lcu_hour": "LCU-hour"} {
		if got := UnitLabel(unit); got != want {
			t.Errorf("UnitLabel(%q) = %q, want %q", unit, got, want)
		}
	}
}
