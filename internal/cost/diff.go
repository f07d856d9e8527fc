package cost

import (
	"sort"

	"github.com/shopspring/decimal"
)

// Diff compares two breakdowns, as a reviewer of a cluster change wants:
// per component and per resource, before and after.
type Diff struct {
	Before, After decimal.Decimal
	Components    []Change
	Items         []Change
}

// Change is one row of a diff. Kind is "added", "removed", "changed" or
// "unchanged".
type Change struct {
	Name      string
	Component Component
	Before    decimal.Decimal
	After     decimal.Decimal
	Kind      string
}

// Delta is After − Before.
func (c Change) Delta() decimal.Decimal { return c.After.Sub(c.Before) }

// Delta is the change of the monthly total.
func (d Diff) Delta() decimal.Decimal { return d.After.Sub(d.Before) }

// Percent is the change as a percentage of Before (0 when Before is zero).
func (d Diff) Percent() decimal.Decimal {
	if d.Before.IsZero() {
		return decimal.Zero
	}
	return d.Delta().Mul(decimal.NewFromInt(100)).Div(d.Before)
}

// Compare diffs before against after. Items match by resource name and
// component.
func Compare(before, after *Breakdown) Diff {
	d := Diff{Before: before.Total(), After: after.Total()}
	comps := map[Component]*Change{}
	for _, side := range []struct {
		b     *Breakdown
		after bool
	}{{before, false}, {after, true}} {
		for _, ct := range side.b.ComponentTotals() {
			c := comps[ct.Name]
			if c == nil {
				c = &Change{Name: string(ct.Name), Component: ct.Name}
				comps[ct.Name] = c
			}
			if side.after {
				c.After = ct.MonthlyCost
			} else {
				c.Before = ct.MonthlyCost
			}
		}
	}
	for _, c := range comps {
		c.Kind = kindOf(c.Before, c.After)
		d.Components = append(d.Components, *c)
	}
	sort.Slice(d.Components, func(i, j int) bool { return d.Components[i].Component.Rank() < d.Components[j].Component.Rank() })

	type key struct {
		c Component
		r string
	}
	items := map[key]*Change{}
	var order []key
	get := func(it Item) *Change {
		k := key{it.Component, it.Resource}
		c := items[k]
		if c == nil {
			c = &Change{Name: it.Resource, Component: it.Component}
			items[k] = c
			order = append(order, k)
		}
		return c
	}
	for _, it := range before.Items {
		c := get(it)
		c.Before = c.Before.Add(it.MonthlyCost)
	}
	for _, it := range after.Items {
		c := get(it)
		c.After = c.After.Add(it.MonthlyCost)
	}
	for _, k := range order {
		c := items[k]
		c.Kind = kindOf(c.Before, c.After)
		d.Items = append(d.Items, *c)
	}
	sort.SliceStable(d.Items, func(i, j int) bool {
		a, b := d.Items[i], d.Items[j]
		if a.Component.Rank() != b.Component.Rank() {
			return a.Component.Rank() < b.Component.Rank()
		}
		return a.Delta().Abs().GreaterThan(b.Delta().Abs())
	})
	return d
}

func kindOf(before, after decimal.Decimal) string {
	switch {
	case before.IsZero() && !after.IsZero():
		return "added"
	case !before.IsZero() && after.IsZero():
		return "removed"
	case before.Equal(after):
		return "unchanged"
	default:
		return "changed"
	}
}
