package report

import (
	"strings"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/plan"
)

// Views read back from saved JSON reports, so that a report saved with
// -o json can be rendered again (refit comment renders them as Markdown
// for pull requests) with the same renderers as the live command.

// Diff turns a decoded `cost diff -o json` view back into the diff and
// the two sides WriteDiff renders. The sides carry what the view keeps of
// them (region, estimated prices, items not priced, unread files), not
// their items.
func (v DiffView) Diff() (cost.Diff, *cost.Breakdown, *cost.Breakdown) {
	d := cost.Diff{Before: v.BeforeMonthlyCost.Decimal, After: v.AfterMonthlyCost.Decimal}
	conv := func(c ChangeView) cost.Change {
		return cost.Change{Name: c.Name, Component: cost.Component(c.Component), Kind: c.Kind,
			Before: c.BeforeMonthly.Decimal, After: c.AfterMonthly.Decimal}
	}
	for _, c := range v.Components {
		d.Components = append(d.Components, conv(c))
	}
	for _, c := range v.Items {
		d.Items = append(d.Items, conv(c))
	}
	before := &cost.Breakdown{Currency: v.Currency, Region: v.BeforeRegion}
	after := &cost.Breakdown{Currency: v.Currency, Region: v.AfterRegion, Unread: v.Unread, Partial: v.Partial}
	split := func(list []string, b, a *[]string) {
		for _, s := range list {
			if rest, ok := strings.CutPrefix(s, "before: "); ok {
				*b = append(*b, rest)
			} else {
				*a = append(*a, strings.TrimPrefix(s, "after: "))
			}
		}
	}
	split(v.Estimates, &before.Estimates, &after.Estimates)
	split(v.NotPriced, &before.NotPriced, &after.NotPriced)
	return d, before, after
}

// Result turns a decoded `plan -o json` view back into a plan result,
// enough for WritePlan's Markdown: each scenario's breakdown holds one
// item per component, and the demand keeps no workload groups.
func (v PlanView) Result() *plan.Result {
	cur := v.Current.Breakdown()
	if v.Partial {
		cur.Partial, cur.Unread = true, v.Unread
	}
	r := &plan.Result{
		Current:     plan.Scenario{Name: "current", Breakdown: cur},
		Recommended: v.Recommended,
		Assumptions: v.Assumptions,
	}
	if v.KopsMapping != nil {
		r.KopsGroups, r.Unmapped = v.KopsMapping.NodeGroups, v.KopsMapping.Unmapped
	}
	for _, sv := range v.Scenarios {
		b := &cost.Breakdown{Currency: v.Current.Currency, Region: v.Current.Region, Estimates: sv.Estimates}
		for _, c := range sv.Components {
			b.Items = append(b.Items, cost.Item{Resource: c.Name, Component: cost.Component(c.Name), MonthlyCost: c.MonthlyCost.Decimal})
		}
		// Components are rounded one by one; keep the scenario's total exact.
		if diff := sv.TotalMonthlyCost.Decimal.Sub(b.Total()); !diff.IsZero() {
			b.Items = append(b.Items, cost.Item{Resource: "rounding", Component: "rounding", MonthlyCost: diff})
		}
		s := plan.Scenario{
			Name: sv.Name, Title: sv.Title, Breakdown: b, LowerBoundMonthly: sv.LowerBoundMonthly.Decimal,
			Risks: sv.Risks, Explain: sv.Explain, Eligible: sv.Eligible, WhyNot: sv.WhyNot, NotPriced: sv.NotPriced,
		}
		for _, n := range sv.Nodes {
			np := plan.NodePlan{InstanceTypes: n.InstanceTypes, Count: n.Count, Purchase: estate.Purchase(n.Purchase)}
			if len(np.InstanceTypes) == 0 && n.InstanceType != "" {
				np.InstanceTypes = []string{n.InstanceType}
			}
			if n.MonthlyCost != nil {
				np.MonthlyCost = n.MonthlyCost.Decimal
			}
			s.Nodes = append(s.Nodes, np)
		}
		r.Scenarios = append(r.Scenarios, s)
	}
	return r
}
