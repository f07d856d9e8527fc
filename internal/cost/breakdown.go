// Package cost prices an Estate with a price Catalog into a Breakdown of line
// items, each with its component, quantity, unit, unit price, monthly cost
// and origin. A month is 730 hours, as AWS prices it.
package cost

import (
	"sort"

	"github.com/shopspring/decimal"
)

// HoursPerMonth is AWS's month.
const HoursPerMonth = 730

var (
	hoursPerMonth = decimal.NewFromInt(HoursPerMonth)
	hoursPerDay   = decimal.NewFromInt(24)
)

// Item is one priced line.
type Item struct {
	Resource    string          `json:"resource"`
	Component   Component       `json:"component"`
	Quantity    decimal.Decimal `json:"quantity"`
	Unit        string          `json:"unit"`
	UnitPrice   decimal.Decimal `json:"unitPrice"`
	MonthlyCost decimal.Decimal `json:"monthlyCost"`
	Origin      string          `json:"origin"`
	// Note qualifies the price, for example "spot estimate".
	Note string `json:"note,omitempty"`
	// Estimated is true when the unit price is not in the catalog for the
	// region and was taken from the nearest region that has it (the
	// breakdown's assumptions say which).
	Estimated bool `json:"estimated,omitempty"`
}

// ComponentTotal is the monthly cost of one component.
type ComponentTotal struct {
	Name        Component       `json:"name"`
	MonthlyCost decimal.Decimal `json:"monthlyCost"`
	Items       int             `json:"items"`
}

// Breakdown is the priced estate.
type Breakdown struct {
	Currency    string   `json:"currency"`
	Region      string   `json:"region"`
	Items       []Item   `json:"items"`
	Assumptions []string `json:"assumptions"`
	// Notes are facts worth knowing that are not priced (capacity, skipped objects).
	Notes []string `json:"notes,omitempty"`
	// Estimates names each price estimated from another region (each is
	// also an assumption).
	Estimates []string `json:"estimates,omitempty"`
	// NotPriced lists, with their origins, the items no region of the
	// catalog has a price for (only with AllowMissingPrices; the total
	// leaves them out).
	NotPriced []string `json:"notPriced,omitempty"`
	// Partial is true when some input could not be read; Unread lists
	// each as "file: reason". The rest was priced.
	Partial bool     `json:"partial,omitempty"`
	Unread  []string `json:"unread,omitempty"`
}

// Incomplete is true when items were left out of the total for want of a
// price.
func (b *Breakdown) Incomplete() bool { return len(b.NotPriced) > 0 }

// Total is the monthly total.
func (b *Breakdown) Total() decimal.Decimal {
	t := decimal.Zero
	for _, it := range b.Items {
		t = t.Add(it.MonthlyCost)
	}
	return t
}

// Daily converts a monthly figure to a daily one (24 of 730 hours).
func Daily(monthly decimal.Decimal) decimal.Decimal {
	return monthly.Mul(hoursPerDay).Div(hoursPerMonth)
}

// ComponentTotals sums items by component, in report order, leaving out
// components with no items.
func (b *Breakdown) ComponentTotals() []ComponentTotal {
	sums := map[Component]*ComponentTotal{}
	for _, it := range b.Items {
		t := sums[it.Component]
		if t == nil {
			t = &ComponentTotal{Name: it.Component}
			sums[it.Component] = t
		}
		t.MonthlyCost = t.MonthlyCost.Add(it.MonthlyCost)
		t.Items++
	}
	out := make([]ComponentTotal, 0, len(sums))
	for _, t := range sums {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Name.Rank() < out[j].Name.Rank() || (out[i].Name.Rank() == out[j].Name.Rank() && out[i].Name < out[j].Name)
	})
	return out
}

// SortItems orders items by component, then by monthly cost (largest first),
// then by resource name, so that output is stable.
func (b *Breakdown) SortItems() {
	sort.SliceStable(b.Items, func(i, j int) bool {
		a, c := b.Items[i], b.Items[j]
		if a.Component.Rank() != c.Component.Rank() {
			return a.Component.Rank() < c.Component.Rank()
		}
		if !a.MonthlyCost.Equal(c.MonthlyCost) {
			return a.MonthlyCost.GreaterThan(c.MonthlyCost)
		}
		return a.Resource < c.Resource
	})
}
