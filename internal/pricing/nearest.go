package pricing

import (
	"errors"
	"fmt"
	"strings"
)

// geographies orders, for each AWS geography, the regions whose prices stand
// in for a region of that geography when the catalog lacks one of its
// prices: the geography's largest region first. A region's own geography is
// tried first, then us-east-1, the region with the most published prices.
// The rule is written down in docs/pricing.md ("When a price is missing").
var geographies = []struct {
	prefixes []string
	regions  []string
}{
	{[]string{"us-gov-"}, []string{"us-gov-west-1", "us-gov-east-1"}},
	{[]string{"us-", "ca-", "mx-"}, []string{"us-east-1", "us-east-2", "us-west-2", "us-west-1", "ca-central-1"}},
	{[]string{"sa-"}, []string{"us-east-1"}},
	{[]string{"eu-"}, []string{"eu-west-1", "eu-central-1", "eu-west-2", "eu-west-3", "eu-north-1"}},
	{[]string{"me-", "il-"}, []string{"me-south-1", "me-central-1", "il-central-1", "eu-central-1", "eu-west-1"}},
	{[]string{"af-"}, []string{"eu-west-1", "eu-central-1"}},
	{[]string{"ap-"}, []string{"ap-southeast-1", "ap-northeast-1", "ap-southeast-2", "ap-south-1", "ap-northeast-2"}},
}

// fallbackRegion ends every list: the region AWS publishes every price for.
const fallbackRegion = "us-east-1"

// NearestRegions lists, nearest first, the regions whose price of an item
// may stand in for region's when the catalog has none: the other regions of
// its geography (the largest first), then us-east-1. The region itself is
// not in the list.
func NearestRegions(region string) []string {
	var out []string
	seen := map[string]bool{region: true}
	addAll := func(rs ...string) {
		for _, r := range rs {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	for _, g := range geographies {
		for _, p := range g.prefixes {
			if strings.HasPrefix(region, p) {
				addAll(g.regions...)
				break
			}
		}
		if len(out) > 0 {
			break
		}
	}
	addAll(fallbackRegion)
	return out
}

// Estimated looks a price up with look in region. When the catalog has no
// price for the item there (a *MissingPriceError), it takes the same item's
// price from the nearest region that has one (NearestRegions) and returns it
// marked: EstimatedFrom names that region, Region stays region. Any other
// error, or no region with a price, returns look's first error.
func (c *Catalog) Estimated(region string, look func(region string) (Price, error)) (Price, error) {
	p, err := look(region)
	var mp *MissingPriceError
	if err == nil || !errors.As(err, &mp) {
		return p, err
	}
	for _, r := range NearestRegions(region) {
		if c.ec2[r] == nil && !c.hasServiceRegion(r) {
			continue
		}
		q, err2 := look(r)
		if err2 != nil {
			continue
		}
		q.EstimatedFrom = r
		q.Region = region
		q.Source = fmt.Sprintf("estimated from %s (no %s price in the catalog): %s", r, region, q.Source)
		return q, nil
	}
	return p, err
}

func (c *Catalog) hasServiceRegion(region string) bool {
	for k := range c.services {
		if k.region == region {
			return true
		}
	}
	return false
}

// UnitLabel turns a catalog unit ("usd_per_hour", "usd_per_gb_month") into
// what follows a dollar amount ("hour", "GB-month").
func UnitLabel(unit string) string {
	u := strings.TrimPrefix(unit, "usd_per_")
	parts := strings.Split(u, "_")
	for i, p := range parts {
		switch p {
		case "gb", "lcu", "nlcu", "iops", "mibps":
			parts[i] = strings.ToUpper(p)
		}
	}
	return strings.Join(parts, "-")
}
