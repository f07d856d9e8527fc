package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/plan"
	"github.com/refit-dev/refit/internal/plan/eksctlcfg"
)

// PlanView is the JSON contract of `refit plan -o json`.
type PlanView struct {
	Current     CostView       `json:"current"`
	Scenarios   []ScenarioView `json:"scenarios"`
	Recommended string         `json:"recommended"`
	Demand      DemandView     `json:"demand"`
	KopsMapping *KopsMapping   `json:"kopsMapping,omitempty"`
	Assumptions []string       `json:"assumptions"`
	// Partial is true when some input could not be read; Unread lists
	// each as "file: reason".
	Partial bool     `json:"partial,omitempty"`
	Unread  []string `json:"unread,omitempty"`
}

// ScenarioView is one priced design.
type ScenarioView struct {
	Name              string          `json:"name"`
	Title             string          `json:"title"`
	TotalMonthlyCost  Number          `json:"totalMonthlyCost"`
	TotalDailyCost    Number          `json:"totalDailyCost"`
	SavingMonthly     Number          `json:"savingMonthly"`
	SavingPercent     Number          `json:"savingPercent"`
	Nodes             []NodeView      `json:"nodes"`
	LowerBoundMonthly Number          `json:"lowerBoundMonthly"`
	Risks             []string        `json:"risks"`
	Explain           []string        `json:"explain"`
	Eligible          bool            `json:"eligible"`
	WhyNot            string          `json:"whyNot,omitempty"`
	Components        []ComponentView `json:"components"`
	// NotPriced says why the scenario could not be priced (its figures
	// are then zero and it is never recommended).
	NotPriced string `json:"notPriced,omitempty"`
	// Estimates names the prices taken from another region.
	Estimates []string `json:"estimates,omitempty"`
}

// NodeView is the capacity a scenario buys.
type NodeView struct {
	InstanceType  string   `json:"instanceType"`
	InstanceTypes []string `json:"instanceTypes"`
	Count         int      `json:"count"`
	Purchase      string   `json:"purchase"`
	// MonthlyCost of these nodes; LowerBoundMonthly no node group can beat;
	// AnyMixBoundMonthly no mix of instance types can beat.
	MonthlyCost        *Number `json:"monthlyCost,omitempty"`
	LowerBoundMonthly  *Number `json:"lowerBoundMonthly,omitempty"`
	AnyMixBoundMonthly *Number `json:"anyMixBoundMonthly,omitempty"`
}

// DemandView sums the workloads.
type DemandView struct {
	Pods        int      `json:"pods"`
	DaemonSets  int      `json:"daemonSets"`
	MilliCPU    int64    `json:"milliCPU"`
	MemoryBytes int64    `json:"memoryBytes"`
	FargateOK   int      `json:"fargateEligiblePods"`
	NotFargate  []string `json:"notFargate"`
}

// KopsMapping maps kops instance groups to managed node groups.
type KopsMapping struct {
	NodeGroups []eksctlcfg.NodeGroup `json:"nodeGroups"`
	Unmapped   []string              `json:"unmapped"`
}

// NewPlanView builds the JSON view of a plan.
func NewPlanView(r *plan.Result) PlanView {
	today := r.Current.Monthly()
	v := PlanView{Current: NewCostView(r.Current.Breakdown), Recommended: r.Recommended, Assumptions: r.Assumptions}
	if v.Assumptions == nil {
		v.Assumptions = []string{}
	}
	if b := r.Current.Breakdown; b != nil {
		v.Partial, v.Unread = b.Partial, b.Unread
	}
	for _, s := range r.Scenarios {
		total := s.Monthly()
		saving := today.Sub(total)
		pct := decimal.Zero
		if !today.IsZero() {
			pct = saving.Mul(decimal.NewFromInt(100)).Div(today).Round(2)
		}
		sv := ScenarioView{
			Name: s.Name, Title: s.Title, TotalMonthlyCost: money(total), TotalDailyCost: money(cost.Daily(total)),
			SavingMonthly: money(saving), SavingPercent: Number{pct}, LowerBoundMonthly: money(s.LowerBoundMonthly),
			Risks: nonNil(s.Risks), Explain: nonNil(s.Explain), Eligible: s.Eligible, WhyNot: s.WhyNot, Nodes: []NodeView{},
			Components: NewCostView(s.Breakdown).Components,
			NotPriced:  s.NotPriced, Estimates: s.Breakdown.Estimates,
		}
		for _, n := range s.Nodes {
			nv := NodeView{InstanceTypes: nonNil(n.InstanceTypes), Count: n.Count, Purchase: string(n.Purchase)}
			if len(n.InstanceTypes) > 0 {
				nv.InstanceType = n.InstanceTypes[0]
			}
			if !n.MonthlyCost.IsZero() {
				m, lb, mix := money(n.MonthlyCost), money(n.LowerBoundMonthly), money(n.AnyMixBoundMonthly)
				nv.MonthlyCost, nv.LowerBoundMonthly, nv.AnyMixBoundMonthly = &m, &lb, &mix
			}
			sv.Nodes = append(sv.Nodes, nv)
		}
		v.Scenarios = append(v.Scenarios, sv)
	}
	for _, g := range r.Demand.Groups {
		if g.PerNode {
			v.Demand.DaemonSets++
			continue
		}
		v.Demand.Pods += g.Count
		v.Demand.MilliCPU += int64(g.Count) * g.MilliCPU
		v.Demand.MemoryBytes += int64(g.Count) * g.MemoryBytes
		if g.FargateOK() && !g.System {
			v.Demand.FargateOK += g.Count
		} else if !g.System {
			v.Demand.NotFargate = append(v.Demand.NotFargate, fmt.Sprintf("%s: %s", g.ID(), g.NotFargate))
		}
	}
	v.Demand.NotFargate = nonNil(v.Demand.NotFargate)
	if r.KopsGroups != nil || r.Unmapped != nil {
		v.KopsMapping = &KopsMapping{NodeGroups: r.KopsGroups, Unmapped: nonNil(r.Unmapped)}
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WritePlan renders a plan.
func WritePlan(w io.Writer, r *plan.Result, f Format, explain bool) error {
	switch f {
	case JSON:
		return WriteJSON(w, NewPlanView(r))
	case YAML:
		return WriteYAML(w, NewPlanView(r))
	case Markdown:
		return planMarkdown(w, r, explain)
	default:
		return planTable(w, r, explain)
	}
}

func nodesText(ns []plan.NodePlan) string {
	var parts []string
	for _, n := range ns {
		if n.Purchase == "fargate" {
			parts = append(parts, fmt.Sprintf("%d pods on Fargate", n.Count))
			continue
		}
		parts = append(parts, fmt.Sprintf("%d × %s %s", n.Count, strings.Join(n.InstanceTypes, "|"), n.Purchase))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " + ")
}

func planTable(w io.Writer, r *plan.Result, explain bool) error {
	today := r.Current.Monthly()
	pods, cpu, mem := 0, int64(0), int64(0)
	for _, g := range r.Demand.Groups {
		if !g.PerNode {
			pods += g.Count
			cpu += int64(g.Count) * g.MilliCPU
			mem += int64(g.Count) * g.MemoryBytes
		}
	}
	fmt.Fprintf(w, "Workloads: %d pods requesting %.2f vCPU and %.2f GiB (with EKS system pods). Today: %s a month, %s a day.\n\n",
		pods, float64(cpu)/1000, float64(mem)/(1<<30), usd(today), usd(cost.Daily(today)))
	if b := r.Current.Breakdown; b != nil && b.Partial {
		fmt.Fprintf(w, "%s\n\n", PartialLine(b.Unread))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tSCENARIO\tMONTHLY\tDAILY\tSAVING\tLOWER BOUND\tNODES")
	for _, s := range r.Scenarios {
		mark := " "
		if s.Name == r.Recommended {
			mark = "*"
		} else if !s.Eligible {
			mark = "x"
		}
		if s.NotPriced != "" {
			fmt.Fprintf(tw, "%s\t%s\tnot priced\t-\t-\t-\t-\n", mark, s.Name)
			continue
		}
		saving := today.Sub(s.Monthly())
		pct := "0%"
		if !today.IsZero() {
			pct = saving.Mul(decimal.NewFromInt(100)).Div(today).StringFixed(0) + "%"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s (%s)\t%s\t%s\n", mark, s.Name, scenarioMark(s)+usd(s.Monthly()), usd(cost.Daily(s.Monthly())), usd(saving), pct, usd(s.LowerBoundMonthly), nodesText(s.Nodes))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n* recommended: %s (the cheapest that meets the constraints); x breaks a constraint\n", r.Recommended)
	if anyEstimated(r) {
		fmt.Fprintln(w, "~ includes prices estimated from another region (see Assumptions)")
	}
	for _, s := range r.Scenarios {
		if s.NotPriced != "" {
			fmt.Fprintf(w, "not priced: %s: %s\n", s.Name, s.NotPriced)
		}
	}
	for _, s := range r.Scenarios {
		if !explain && s.Name != r.Recommended {
			continue
		}
		fmt.Fprintf(w, "\n%s — %s\n", s.Name, s.Title)
		if s.WhyNot != "" {
			fmt.Fprintf(w, "  not recommended: %s\n", s.WhyNot)
		}
		for _, e := range s.Explain {
			fmt.Fprintf(w, "  why: %s\n", e)
		}
		for _, risk := range s.Risks {
			fmt.Fprintf(w, "  risk: %s\n", risk)
		}
		if explain {
			for _, c := range s.Breakdown.ComponentTotals() {
				fmt.Fprintf(w, "  %-22s %s\n", c.Name, usd(c.MonthlyCost))
			}
		}
	}
	if len(r.Unmapped) > 0 || len(r.KopsGroups) > 0 {
		fmt.Fprintln(w, "\nFrom kops to EKS:")
		for _, g := range r.KopsGroups {
			fmt.Fprintf(w, "  instance group %s -> managed node group %s (%s, %d-%d nodes)\n", g.Name, g.Name, strings.Join(g.InstanceTypes, "|"), g.Min, g.Max)
		}
		for _, u := range r.Unmapped {
			fmt.Fprintf(w, "  no EKS counterpart: %s\n", u)
		}
	}
	writeList(w, "Assumptions", r.Assumptions)
	if b := r.Current.Breakdown; b != nil {
		WriteUnread(w, b.Unread)
	}
	return nil
}

func scenarioMark(s plan.Scenario) string {
	if len(s.Breakdown.Estimates) > 0 {
		return "~"
	}
	return ""
}

func anyEstimated(r *plan.Result) bool {
	for _, s := range r.Scenarios {
		if len(s.Breakdown.Estimates) > 0 {
			return true
		}
	}
	return false
}

func planMarkdown(w io.Writer, r *plan.Result, explain bool) error {
	today := r.Current.Monthly()
	fmt.Fprintf(w, "### refit plan: %s recommended\n\n", r.Recommended)
	if b := r.Current.Breakdown; b != nil && b.Partial {
		fmt.Fprintf(w, "**%s**\n\n", PartialLine(b.Unread))
	}
	fmt.Fprintln(w, "| | Scenario | Monthly | Daily | Saving | Nodes |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---|")
	for _, s := range r.Scenarios {
		mark := ""
		if s.Name == r.Recommended {
			mark = "✅"
		} else if !s.Eligible {
			mark = "⛔"
		}
		if s.NotPriced != "" {
			fmt.Fprintf(w, "| %s | %s | not priced: %s | - | - | - |\n", mark, s.Name, mdEscape(s.NotPriced))
			continue
		}
		saving := today.Sub(s.Monthly())
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", mark, s.Name, scenarioMark(s)+usd(s.Monthly()), usd(cost.Daily(s.Monthly())), usd(saving), mdEscape(nodesText(s.Nodes)))
	}
	if anyEstimated(r) {
		fmt.Fprintln(w, "\n~ includes prices estimated from another region:")
		for _, a := range r.Assumptions {
			if strings.Contains(a, ": not in the catalog, estimated from ") {
				fmt.Fprintf(w, "- %s\n", mdEscape(a))
			}
		}
	}
	for _, s := range r.Scenarios {
		if !explain && s.Name != r.Recommended {
			continue
		}
		fmt.Fprintf(w, "\n**%s** — %s\n", s.Name, s.Title)
		for _, e := range s.Explain {
			fmt.Fprintf(w, "- %s\n", mdEscape(e))
		}
		for _, risk := range s.Risks {
			fmt.Fprintf(w, "- ⚠️ %s\n", mdEscape(risk))
		}
	}
	return nil
}
