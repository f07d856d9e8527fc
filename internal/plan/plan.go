// Package plan prices alternative designs of a cluster for the workloads it
// really runs, finds the cheapest node design by bin packing them, and says
// why each choice won. Each scenario is a full Estate priced by the cost
// engine, so a plan and `refit cost` never disagree.
package plan

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/plan/eksctlcfg"
	"github.com/refit-dev/refit/internal/pricing"
)

// Options are the constraints and assumptions of a plan. The embedded
// cost.Options price every scenario exactly as `refit cost` prices an estate
// (region, date, usage, catalog, estimated and missing prices): plan takes
// the same pricing options as cost, never a copy of some of them.
type Options struct {
	cost.Options
	// MinNodes is the least number of EC2 nodes (availability), default 2.
	MinNodes int
	// Headroom is the fraction of each node's cpu and memory left free.
	Headroom float64
	// SpotTypes is how many instance types a spot group must name.
	SpotTypes int
	// Families limits instance families ("t3", "m7g"); empty allows all.
	Families []string
	// Arch lists the allowed architectures (default amd64 only).
	Arch []string
	// NoSpot leaves spot designs out of the recommendation.
	NoSpot bool
	// AllowPublicNodes lets the no-NAT design (nodes in public subnets) be
	// recommended.
	AllowPublicNodes bool
	// RootVolumeGiB is the gp3 root volume of planned nodes.
	RootVolumeGiB int
	// Zones is how many zones an HA design spans (default 3, or the zones
	// seen in the estate).
	Zones int
	// DefaultMilliCPU and DefaultMemory are assumed for pods with no requests.
	DefaultMilliCPU int64
	DefaultMemory   int64
}

// Defaults fills unset options.
func (o *Options) Defaults() {
	if o.MinNodes == 0 {
		o.MinNodes = 2
	}
	if o.SpotTypes == 0 {
		o.SpotTypes = 3
	}
	if len(o.Arch) == 0 {
		o.Arch = []string{"amd64"}
	}
	if o.RootVolumeGiB == 0 {
		o.RootVolumeGiB = 20
	}
	if o.DefaultMilliCPU == 0 {
		o.DefaultMilliCPU = 100
	}
	if o.DefaultMemory == 0 {
		o.DefaultMemory = 128 << 20
	}
	if o.At.IsZero() {
		o.At = time.Now()
	}
	if o.Usage.Storage.DefaultVolumeType == "" {
		o.Usage = cost.DefaultUsage()
	}
}

// NodePlan is the capacity a scenario buys.
type NodePlan struct {
	InstanceTypes []string        `json:"instanceTypes"`
	Count         int             `json:"count"`
	Purchase      estate.Purchase `json:"purchase"`
	// MonthlyCost of the nodes alone. LowerBoundMonthly is the fractional
	// relaxation of one node group: no group of the candidate types holds
	// these pods for less. AnyMixBoundMonthly is the LP over cpu, memory
	// and pods for any mix of types: no design at all can cost less.
	MonthlyCost        decimal.Decimal `json:"monthlyCost"`
	LowerBoundMonthly  decimal.Decimal `json:"lowerBoundMonthly"`
	AnyMixBoundMonthly decimal.Decimal `json:"anyMixBoundMonthly"`
	// Pods placed on this capacity.
	Pods int `json:"pods"`
}

// Scenario is one priced design.
type Scenario struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	// Estate is the design; Breakdown its price.
	Estate    *estate.Estate  `json:"-"`
	Breakdown *cost.Breakdown `json:"-"`
	Nodes     []NodePlan      `json:"nodes"`
	// LowerBoundMonthly is the total with the node cost replaced by its
	// lower bound: no plan for these pods can cost less.
	LowerBoundMonthly decimal.Decimal `json:"lowerBoundMonthly"`
	Risks             []string        `json:"risks"`
	Explain           []string        `json:"explain"`
	// Eligible is false when the scenario breaks a constraint (WhyNot says
	// which); it is then shown but not recommended.
	Eligible bool   `json:"eligible"`
	WhyNot   string `json:"whyNot,omitempty"`
	// NotPriced says why the scenario could not be priced (it is then
	// listed with an empty breakdown and never recommended).
	NotPriced string `json:"notPriced,omitempty"`
	// Eksctl is the ClusterConfig of an EKS design (nil otherwise).
	Eksctl *eksctlcfg.Config `json:"-"`
}

// Monthly is the scenario's total.
func (s Scenario) Monthly() decimal.Decimal { return s.Breakdown.Total() }

// Result is a whole plan.
type Result struct {
	Current     Scenario   `json:"-"`
	Demand      Demand     `json:"demand"`
	Scenarios   []Scenario `json:"scenarios"`
	Recommended string     `json:"recommended"`
	// KopsGroups maps the current kops instance groups to managed node
	// groups; Unmapped names what has no EKS counterpart.
	KopsGroups  []eksctlcfg.NodeGroup `json:"kopsGroups,omitempty"`
	Unmapped    []string              `json:"unmapped,omitempty"`
	Assumptions []string              `json:"assumptions"`
}

// Scenario returns the scenario with that name.
func (r *Result) Scenario(name string) (Scenario, bool) {
	for _, s := range r.Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// Names lists the scenario names.
func (r *Result) Names() []string {
	out := make([]string, len(r.Scenarios))
	for i, s := range r.Scenarios {
		out[i] = s.Name
	}
	return out
}

// Make plans the estate; the result's assumptions end with the estate's.
func Make(e *estate.Estate, cat *pricing.Catalog, opt Options) (*Result, error) {
	opt.Defaults()
	if opt.Headroom < 0 || opt.Headroom >= 1 {
		return nil, fmt.Errorf("headroom %g%% must be at least 0%% and below 100%%", opt.Headroom*100)
	}
	if opt.MinNodes < 0 || opt.SpotTypes < 1 {
		return nil, fmt.Errorf("min nodes must be ≥ 0 and spot types ≥ 1")
	}
	region := opt.Region
	if region == "" {
		region = e.Region
	}
	if region == "" {
		region = cost.DefaultRegion
	}
	if err := cat.CheckRegion(region); err != nil {
		return nil, err
	}
	opt.Region = region
	if opt.Zones == 0 {
		opt.Zones = zonesOf(e)
	}
	p := &planner{e: e, cat: cat, opt: opt}
	res, err := p.run()
	if err != nil {
		return nil, err
	}
	res.AddAssumptions(e.Assumptions)
	return res, nil
}

// zonesOf counts the zones an estate uses (NAT gateways per zone, node group
// zones), 3 when it names none.
func zonesOf(e *estate.Estate) int {
	zones := map[string]bool{}
	for _, g := range e.NodeGroups {
		for _, z := range g.Zones {
			zones[z] = true
		}
	}
	for _, n := range e.NATGateways {
		if n.Zone != "" {
			zones[n.Zone] = true
		}
	}
	if len(zones) >= 2 {
		return len(zones)
	}
	return 3
}

type planner struct {
	e      *estate.Estate
	cat    *pricing.Catalog
	opt    Options
	demand Demand
	res    *Result
}

func (p *planner) price(name, title string, e *estate.Estate) (Scenario, error) {
	b, err := cost.Estimate(e, p.cat, p.opt.Options)
	if err != nil {
		return Scenario{}, &notPricedError{scenario: name, err: err}
	}
	return Scenario{Name: name, Title: title, Estate: e, Breakdown: b, Eligible: true, LowerBoundMonthly: b.Total(), Risks: []string{}, Explain: []string{}}, nil
}

// notPricedError is a scenario the cost engine could not price (a price
// or an instance type the catalog lacks): the plan lists it and goes on.
// Any other error (a pod that fits no instance type, a flag that leaves no
// candidate) is the input's and stops the plan.
type notPricedError struct {
	scenario string
	err      error // the cost engine's: the reason
}

func (e *notPricedError) Error() string { return "scenario " + e.scenario + ": " + e.err.Error() }
func (e *notPricedError) Unwrap() error { return e.err }

// add appends a scenario; a scenario that could not be priced is listed
// with the reason and never recommended, and the others are still
// compared. It reports whether the scenario was priced.
func (p *planner) add(name, title string, s Scenario, err error) (bool, error) {
	var np *notPricedError
	if errors.As(err, &np) {
		reason := np.err.Error()
		p.res.Scenarios = append(p.res.Scenarios, Scenario{Name: name, Title: title,
			Breakdown: &cost.Breakdown{Currency: "USD", Region: p.opt.Region, Items: []cost.Item{}},
			Risks:     []string{}, Explain: []string{}, NotPriced: reason, WhyNot: "not priced: " + reason})
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if s.Name != "" {
		p.res.Scenarios = append(p.res.Scenarios, s)
	}
	return true, nil
}

func (p *planner) run() (*Result, error) {
	p.res = &Result{}
	current, err := p.price("today", "What you run today", p.e)
	if err != nil {
		return nil, err
	}
	current.Risks = currentRisks(p.e)
	p.demand = DemandOf(p.e, p.opt.DefaultMilliCPU, p.opt.DefaultMemory, true)
	p.res.Demand = p.demand
	current.Nodes = p.withFargate(p.e, currentNodes(p.e, current.Breakdown))
	p.res.Current = current
	if why := p.fitsToday(p.e); why != "" {
		current.Eligible, current.WhyNot = false, why
	}
	p.res.Assumptions = append(p.res.Assumptions, p.demand.Assumptions...)
	p.res.Scenarios = append(p.res.Scenarios, current)

	if isKops(p.e) {
		p.res.KopsGroups, p.res.Unmapped = eksctlcfg.FromKops(p.e)
		if s, ok, err := p.kopsOneMaster(); ok || err != nil {
			if _, err := p.add("kops-one-master", "kops with one master", s, err); err != nil {
				return nil, err
			}
		}
	}
	tuned, err := p.tuned()
	if _, err := p.add("today-tuned", "Today's platform, tuned", tuned, err); err != nil {
		return nil, err
	}

	// The EKS designs: the cheapest eligible one of on-demand and spot is
	// the base of the Fargate, NAT and endpoint variants.
	var best *Scenario
	od, err := p.eks("eks-on-demand", "EKS, on-demand managed nodes", estate.OnDemand, false)
	ok, err := p.add("eks-on-demand", "EKS, on-demand managed nodes", od, err)
	if err != nil {
		return nil, err
	}
	if ok {
		best = &od
	}
	spot, err := p.eks("eks-spot", "EKS, spot managed nodes", estate.Spot, false)
	if err == nil && p.opt.NoSpot {
		spot.Eligible, spot.WhyNot = false, "spot excluded (--no-spot)"
	}
	if ok, err = p.add("eks-spot", "EKS, spot managed nodes", spot, err); err != nil {
		return nil, err
	}
	if ok && spot.Eligible && (best == nil || spot.Monthly().LessThan(best.Monthly())) {
		best = &spot
	}
	purchase := estate.OnDemand
	if best != nil {
		purchase = purchaseOf(*best)
	}
	fg, err := p.eks("eks-fargate", "EKS, Fargate for what may run there, nodes for the rest", purchase, true)
	if _, err := p.add("eks-fargate", "EKS, Fargate for what may run there, nodes for the rest", fg, err); err != nil {
		return nil, err
	}

	if best != nil {
		for _, v := range []struct {
			suffix, title string
			make          func(Scenario) (Scenario, error)
		}{
			{"-nat-per-zone", ", one NAT gateway per zone", p.natPerZone},
			{"-public-nodes", ", nodes in public subnets, no NAT gateway", p.publicNodes},
			{"-vpc-endpoints", ", VPC endpoints for ECR and STS", p.vpcEndpoints},
		} {
			s, err := v.make(*best)
			if _, err := p.add(best.Name+v.suffix, best.Title+v.title, s, err); err != nil {
				return nil, err
			}
		}
	}
	p.estimateAssumptions()
	sortScenarios(p.res.Scenarios)
	p.recommend()
	return p.res, nil
}

// estimateAssumptions adds, once each, the prices any scenario estimated
// from another region.
func (p *planner) estimateAssumptions() {
	for _, s := range p.res.Scenarios {
		p.res.AddAssumptions(s.Breakdown.Estimates)
	}
}

func purchaseOf(s Scenario) estate.Purchase {
	if len(s.Nodes) > 0 {
		return s.Nodes[0].Purchase
	}
	return estate.OnDemand
}

func isKops(e *estate.Estate) bool {
	for _, c := range e.Clusters {
		if c.Source == "kops" {
			return true
		}
	}
	return false
}

// recommend picks the cheapest eligible scenario.
func (p *planner) recommend() {
	var best *Scenario
	for i := range p.res.Scenarios {
		s := &p.res.Scenarios[i]
		if !s.Eligible {
			continue
		}
		if best == nil || s.Monthly().LessThan(best.Monthly()) {
			best = s
		}
	}
	if best != nil {
		p.res.Recommended = best.Name
	}
}

// currentNodes summarises the node groups of today's estate, one entry per
// instance types and purchase option.
func currentNodes(e *estate.Estate, b *cost.Breakdown) []NodePlan {
	var out []NodePlan
	index := map[string]int{}
	for _, g := range e.NodeGroups {
		if g.Role != estate.RoleNode && g.Role != estate.RoleMaster {
			continue
		}
		key := joinTypes(g.InstanceTypes) + " " + string(g.Purchase)
		if i, ok := index[key]; ok {
			out[i].Count += g.Count
			continue
		}
		index[key] = len(out)
		out = append(out, NodePlan{InstanceTypes: g.InstanceTypes, Count: g.Count, Purchase: g.Purchase})
	}
	return out
}

func currentRisks(e *estate.Estate) []string {
	var risks []string
	masters := 0
	for _, g := range e.NodeGroups {
		if g.Role == estate.RoleMaster {
			masters += g.Count
		}
	}
	if isKops(e) && masters < 3 {
		risks = append(risks, fmt.Sprintf("%d master(s): no control-plane high availability", masters))
	}
	if len(e.NATGateways) == 1 {
		risks = append(risks, "one NAT gateway: nodes in other zones lose egress if its zone fails")
	}
	return risks
}

func usd(d decimal.Decimal) string { return "$" + d.StringFixed(2) }

func monthlyOf(f float64) decimal.Decimal { return decimal.NewFromFloat(f).Round(6) }

func joinTypes(ts []string) string { return strings.Join(ts, "|") }
