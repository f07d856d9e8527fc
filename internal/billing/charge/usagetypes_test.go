package charge

import (
	"testing"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/pricing"
)

// TestUsageTypesAgree checks that billing classifies a bill line of each
// usage type in pricing's usage-type table (internal/pricing/usagetypes.csv)
// in the component the table gives it: the usage types refit prices from
// the Price List line up with the bill, with or without a region prefix.
func TestUsageTypesAgree(t *testing.T) {
	for _, u := range pricing.UsageTypes() {
		want := cost.Component(u.Component)
		if want.Rank() == len(cost.Components) {
			t.Errorf("%s: component %q is not one of cost.Components", u.UsageType, u.Component)
			continue
		}
		for _, ut := range []string{u.UsageType, "USE2-" + u.UsageType} {
			c := &Charge{Service: u.Product, UsageType: ut, LineItemType: "Usage"}
			if got, reason := ClassifyReason(c); got != want {
				t.Errorf("%s (%s): classified %s (%s), the usage-type table says %s", ut, u.Product, got, reason, want)
			}
		}
	}
}
