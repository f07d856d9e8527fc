// Package alloc splits what a live cluster's nodes cost among the pods that
// run on them, and sums the shares by namespace, workload or a pod label.
//
// Per node, with monthly price C and allocatable cpu A_cpu and memory A_mem,
// each group g of the node's pods (pods with the same namespace, workload or
// label value) weighs
//
//	w_g = ½·cpu_g/A_cpu + ½·mem_g/A_mem
//
// where cpu_g and mem_g are the group's summed requests (by the scheduler's
// rule). The group gets C·w_g; what no pod requested, C·(1 − Σw), is the
// node's idle cost, reported as the line "__idle__". When the requests exceed
// the allocatable (Σw > 1) the weights are normalised to Σw = 1 and the node
// has no idle cost. Shares are truncated to micro-dollars (6 decimals); the
// node's remainder goes to "__idle__", or to its largest share when the node
// is overcommitted, so the lines of every node add up to C exactly and all
// lines add up to Result.NodesMonthlyCost exactly. See docs/live.md.
//
// Claims and load balancers are priced apart from nodes and reported as
// their own lines (Result.Claims, Result.LoadBalancers).
package alloc

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/kubelive"
)

// Names of the lines that no namespace, workload or label owns.
const (
	// Idle is the share of the nodes' cost that no pod requested.
	Idle = "__idle__"
	// Unlabelled collects pods (or objects) without the label.
	Unlabelled = "__unlabelled__"
	// Unmounted collects claims that no running pod mounts.
	Unmounted = "__unmounted__"
)

// microDollars is the precision of each share: remainders go to one line.
const microDollars = 6

// Dimension is what allocations are summed by.
type Dimension struct {
	// Kind is "namespace", "workload" or "label".
	Kind string
	// Label is the label key for Kind "label".
	Label string
}

// Dimension kinds.
const (
	ByNamespace = "namespace"
	ByWorkload  = "workload"
	ByLabel     = "label"
)

// ParseDimension reads "namespace", "workload" or "label:KEY".
func ParseDimension(s string) (Dimension, error) {
	switch {
	case s == ByNamespace || s == ByWorkload:
		return Dimension{Kind: s}, nil
	case strings.HasPrefix(s, ByLabel+":") && len(s) > len(ByLabel)+1:
		return Dimension{Kind: ByLabel, Label: s[len(ByLabel)+1:]}, nil
	}
	return Dimension{}, fmt.Errorf("unknown allocation dimension %q: want namespace, workload or label:KEY", s)
}

// String is the dimension as ParseDimension reads it.
func (d Dimension) String() string {
	if d.Kind == ByLabel {
		return ByLabel + ":" + d.Label
	}
	return d.Kind
}

// NodePrices is the monthly price of each node, by node name.
type NodePrices map[string]decimal.Decimal

// Prices are the monthly prices allocation splits.
type Prices struct {
	Nodes NodePrices
	// Claims is the monthly price of each PVC, by "namespace/name".
	Claims map[string]decimal.Decimal
	// LoadBalancers is the monthly price of each load balancer, by
	// LoadBalancerKey.
	LoadBalancers map[string]decimal.Decimal
}

// LoadBalancerKey names a Service's load balancer ("service/ns/name") or an
// ALB ("alb/<IngressGroup or ns/name>", as Snapshot.ALBGroups names it).
func LoadBalancerKey(kind, name string) string { return kind + "/" + name }

// Allocation is one line of a result.
type Allocation struct {
	Name        string          `json:"name"`
	MonthlyCost decimal.Decimal `json:"monthlyCost"`
	// Pods counts the pods (node lines), claims or load balancers behind it.
	Pods int `json:"count"`
	// Requests sums the pods' requests (node lines only).
	Requests estate.Resources `json:"requests"`
}

// Result is an allocation.
type Result struct {
	Dimension Dimension `json:"-"`
	By        string    `json:"by"`
	// NodesMonthlyCost is the monthly price of all priced nodes; Allocations
	// (Idle included) add up to it exactly.
	NodesMonthlyCost decimal.Decimal `json:"nodesMonthlyCost"`
	// Allocations split NodesMonthlyCost, largest first; the Idle line is
	// among them when non-zero.
	Allocations []Allocation    `json:"allocations"`
	IdleCost    decimal.Decimal `json:"idleCost"`
	// Claims are the PVCs' prices by the dimension of the pods mounting them.
	Claims []Allocation `json:"claims,omitempty"`
	// LoadBalancers are the load balancers' prices by the dimension of
	// their Services or Ingresses.
	LoadBalancers []Allocation `json:"loadBalancers,omitempty"`
	// Unpriced names nodes with no price; their pods are not allocated.
	Unpriced []string `json:"unpriced,omitempty"`
	// Unscheduled counts unfinished pods bound to no node.
	Unscheduled int `json:"unscheduled,omitempty"`
}

// Total is NodesMonthlyCost plus the claims and load balancers.
func (r *Result) Total() decimal.Decimal {
	t := r.NodesMonthlyCost
	for _, a := range r.Claims {
		t = t.Add(a.MonthlyCost)
	}
	for _, a := range r.LoadBalancers {
		t = t.Add(a.MonthlyCost)
	}
	return t
}

// keyer names the line a pod belongs to.
func keyer(by Dimension) func(p *kubelive.Pod) string {
	switch by.Kind {
	case ByWorkload:
		return func(p *kubelive.Pod) string { return p.Namespace + "/" + p.OwnerKind + "/" + p.OwnerName }
	case ByLabel:
		return func(p *kubelive.Pod) string {
			if v, ok := p.Labels[by.Label]; ok {
				return v
			}
			return Unlabelled
		}
	default:
		return func(p *kubelive.Pod) string { return p.Namespace }
	}
}

type acc struct {
	cost decimal.Decimal
	n    int
	req  estate.Resources
}

// lines accumulates allocation lines by name.
type lines map[string]*acc

func (l lines) add(name string, c decimal.Decimal, n int, req estate.Resources) {
	a, ok := l[name]
	if !ok {
		a = &acc{cost: decimal.Zero}
		l[name] = a
	}
	a.cost = a.cost.Add(c)
	a.n += n
	a.req.MilliCPU += req.MilliCPU
	a.req.MemoryBytes += req.MemoryBytes
}

// sorted lists the lines largest first, then by name.
func (l lines) sorted() []Allocation {
	out := make([]Allocation, 0, len(l))
	for name, a := range l {
		out = append(out, Allocation{Name: name, MonthlyCost: a.cost, Pods: a.n, Requests: a.req})
	}
	sort.Slice(out, func(i, j int) bool {
		if c := out[i].MonthlyCost.Cmp(out[j].MonthlyCost); c != 0 {
			return c > 0
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Allocate splits the nodes' prices among their pods and sums them by the
// dimension; claims and load balancers in prices become their own lines.
// A negative price is an error; a node with no price is listed in
// Result.Unpriced.
func Allocate(snap *kubelive.Snapshot, prices Prices, by Dimension) (*Result, error) {
	if by.Kind == "" {
		by.Kind = ByNamespace
	}
	if by.Kind != ByNamespace && by.Kind != ByWorkload && !(by.Kind == ByLabel && by.Label != "") {
		return nil, fmt.Errorf("unknown allocation dimension %q: want namespace, workload or label:KEY", by.String())
	}
	key := keyer(by)
	res := &Result{Dimension: by, By: by.String(), NodesMonthlyCost: decimal.Zero, IdleCost: decimal.Zero}

	onNode := map[string][]int{}
	for i := range snap.Pods {
		p := &snap.Pods[i]
		if p.Finished() {
			continue
		}
		if p.Node == "" {
			res.Unscheduled++
			continue
		}
		onNode[p.Node] = append(onNode[p.Node], i)
	}

	out := lines{}
	for _, n := range snap.Nodes {
		price, ok := prices.Nodes[n.Name]
		if !ok {
			res.Unpriced = append(res.Unpriced, n.Name)
			continue
		}
		if price.IsNegative() {
			return nil, snap.Origin("node", "", n.Name).Errorf("node %s: negative price %s", n.Name, price)
		}
		res.NodesMonthlyCost = res.NodesMonthlyCost.Add(price)
		idle := splitNode(snap, n, price, onNode[n.Name], key, out)
		res.IdleCost = res.IdleCost.Add(idle)
	}
	if !res.IdleCost.IsZero() {
		out.add(Idle, res.IdleCost, 0, estate.Resources{})
	}
	res.Allocations = out.sorted()
	sort.Strings(res.Unpriced)

	res.Claims = allocateClaims(snap, prices.Claims, by, key)
	res.LoadBalancers = allocateLBs(snap, prices.LoadBalancers, by, key)
	return res, nil
}

// splitNode adds the node's shares to out and returns its idle cost.
func splitNode(snap *kubelive.Snapshot, n kubelive.Node, price decimal.Decimal, pods []int, key func(*kubelive.Pod) string, out lines) decimal.Decimal {
	type group struct {
		name string
		n    int
		req  estate.Resources
		w    decimal.Decimal
		cost decimal.Decimal
	}
	byName := map[string]*group{}
	var groups []*group
	for _, i := range pods {
		p := &snap.Pods[i]
		k := key(p)
		g, ok := byName[k]
		if !ok {
			g = &group{name: k}
			byName[k] = g
			groups = append(groups, g)
		}
		g.n++
		g.req.MilliCPU += p.Requests.MilliCPU
		g.req.MemoryBytes += p.Requests.MemoryBytes
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].name < groups[j].name })

	a := n.Allocatable
	half := decimal.NewFromFloat(0.5)
	sum := decimal.Zero
	for _, g := range groups {
		switch {
		case a.MilliCPU > 0 && a.MemoryBytes > 0:
			g.w = ratio(g.req.MilliCPU, a.MilliCPU).Add(ratio(g.req.MemoryBytes, a.MemoryBytes)).Mul(half)
		case a.MilliCPU > 0:
			g.w = ratio(g.req.MilliCPU, a.MilliCPU)
		case a.MemoryBytes > 0:
			g.w = ratio(g.req.MemoryBytes, a.MemoryBytes)
		default:
			g.w = decimal.Zero // no allocatable reported: all idle
		}
		sum = sum.Add(g.w)
	}
	over := sum.GreaterThan(decimal.NewFromInt(1))
	spent := decimal.Zero
	var largest *group
	for _, g := range groups {
		c := price.Mul(g.w)
		if over {
			c = c.Div(sum)
		}
		g.cost = c.Truncate(microDollars)
		spent = spent.Add(g.cost)
		if largest == nil || g.cost.GreaterThan(largest.cost) {
			largest = g
		}
	}
	rest := price.Sub(spent)
	if over && largest != nil {
		largest.cost = largest.cost.Add(rest)
		rest = decimal.Zero
	}
	for _, g := range groups {
		out.add(g.name, g.cost, g.n, g.req)
	}
	return rest
}

func ratio(a, b int64) decimal.Decimal {
	return decimal.NewFromInt(a).Div(decimal.NewFromInt(b))
}

// splitEven adds c to the names in equal shares (micro-dollars), the
// remainder to the first name, so the shares add up to c exactly.
func splitEven(out lines, c decimal.Decimal, names []string) {
	if len(names) == 0 {
		return
	}
	share := c.Div(decimal.NewFromInt(int64(len(names)))).Truncate(microDollars)
	rest := c.Sub(share.Mul(decimal.NewFromInt(int64(len(names) - 1))))
	for i, name := range names {
		if i == 0 {
			out.add(name, rest, 1, estate.Resources{})
			continue
		}
		out.add(name, share, 1, estate.Resources{})
	}
}

// allocateClaims puts each priced claim on the line of the pods that mount
// it: its namespace; the workload of its first (by name) pod; that pod's
// label. A claim no unfinished pod mounts goes to its namespace under
// namespace, else to "<namespace>/__unmounted__" or "__unmounted__".
func allocateClaims(snap *kubelive.Snapshot, prices map[string]decimal.Decimal, by Dimension, key func(*kubelive.Pod) string) []Allocation {
	if len(prices) == 0 {
		return nil
	}
	pods := map[string]*kubelive.Pod{}
	for i := range snap.Pods {
		p := &snap.Pods[i]
		pods[p.Namespace+"/"+p.Name] = p
	}
	out := lines{}
	for _, c := range snap.Claims {
		price, ok := prices[c.Namespace+"/"+c.Name]
		if !ok {
			continue
		}
		name := ""
		switch {
		case by.Kind == ByNamespace:
			name = c.Namespace
		case len(c.Pods) > 0:
			users := append([]string(nil), c.Pods...)
			sort.Strings(users)
			if p, ok := pods[c.Namespace+"/"+users[0]]; ok {
				name = key(p)
			}
		}
		if name == "" {
			name = Unmounted
			if by.Kind == ByWorkload {
				name = c.Namespace + "/" + Unmounted
			}
		}
		out.add(name, price, 1, estate.Resources{})
	}
	return out.sorted()
}

// allocateLBs puts each priced load balancer on a line. A Service's: its
// namespace; the workloads of the pods its selector picks, in equal shares
// ("<ns>/Service/<name>" when it picks none); its own label. An ALB's is
// split equally among its Ingresses: their namespaces; "<ns>/Ingress/<name>";
// their own labels.
func allocateLBs(snap *kubelive.Snapshot, prices map[string]decimal.Decimal, by Dimension, key func(*kubelive.Pod) string) []Allocation {
	if len(prices) == 0 {
		return nil
	}
	out := lines{}
	label := func(l map[string]string) string {
		if v, ok := l[by.Label]; ok {
			return v
		}
		return Unlabelled
	}
	for _, s := range snap.Services {
		price, ok := prices[LoadBalancerKey("service", s.Namespace+"/"+s.Name)]
		if !ok {
			continue
		}
		switch by.Kind {
		case ByNamespace:
			out.add(s.Namespace, price, 1, estate.Resources{})
		case ByLabel:
			out.add(label(s.Labels), price, 1, estate.Resources{})
		default:
			names := selected(snap, s, key)
			if len(names) == 0 {
				names = []string{s.Namespace + "/Service/" + s.Name}
			}
			splitEven(out, price, names)
		}
	}
	groups, members := snap.ALBGroups()
	for _, g := range groups {
		price, ok := prices[LoadBalancerKey("alb", g)]
		if !ok {
			continue
		}
		var names []string
		for _, i := range members[g] {
			switch by.Kind {
			case ByNamespace:
				names = append(names, i.Namespace)
			case ByLabel:
				names = append(names, label(i.Labels))
			default:
				names = append(names, i.Namespace+"/Ingress/"+i.Name)
			}
		}
		splitEven(out, price, names)
	}
	return out.sorted()
}

// selected lists the distinct lines of the unfinished pods a Service's
// selector picks, sorted.
func selected(snap *kubelive.Snapshot, s kubelive.Service, key func(*kubelive.Pod) string) []string {
	if len(s.Selector) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var names []string
	for i := range snap.Pods {
		p := &snap.Pods[i]
		if p.Namespace != s.Namespace || p.Finished() {
			continue
		}
		match := true
		for k, v := range s.Selector {
			if p.Labels[k] != v {
				match = false
				break
			}
		}
		if match && !seen[key(p)] {
			seen[key(p)] = true
			names = append(names, key(p))
		}
	}
	sort.Strings(names)
	return names
}

// PricesFromBreakdown reads the prices of a snapshot's nodes, claims and
// load balancers from the cost engine's estimate of snap.Estate(): each
// node costs its group's hourly instance price × 730 hours; each claim and
// load balancer costs the sum of the items with its origin.
func PricesFromBreakdown(snap *kubelive.Snapshot, b *cost.Breakdown) Prices {
	hourly := map[string]decimal.Decimal{}  // node group origin → price per instance-hour
	monthly := map[string]decimal.Decimal{} // any origin → summed monthly cost
	for _, it := range b.Items {
		switch it.Component {
		case cost.ComputeOnDemand, cost.ComputeSpot, cost.ControlPlane:
			if it.Unit == "instance-hours" {
				hourly[it.Origin] = it.UnitPrice
			}
		}
		m, ok := monthly[it.Origin]
		if !ok {
			m = decimal.Zero
		}
		monthly[it.Origin] = m.Add(it.MonthlyCost)
	}
	p := Prices{Nodes: NodePrices{}, Claims: map[string]decimal.Decimal{}, LoadBalancers: map[string]decimal.Decimal{}}
	hours := decimal.NewFromInt(cost.HoursPerMonth)
	for _, n := range snap.Nodes {
		if kubelive.NodeGroupName(n) == "" {
			continue
		}
		if h, ok := hourly[snap.NodeGroupOrigin(n).String()]; ok {
			p.Nodes[n.Name] = h.Mul(hours)
		}
	}
	for _, c := range snap.Claims {
		if m, ok := monthly[snap.ClaimOrigin(c).String()]; ok {
			p.Claims[c.Namespace+"/"+c.Name] = m
		}
	}
	for _, s := range snap.Services {
		if m, ok := monthly[snap.ServiceOrigin(s).String()]; ok {
			p.LoadBalancers[LoadBalancerKey("service", s.Namespace+"/"+s.Name)] = m
		}
	}
	groups, members := snap.ALBGroups()
	for _, g := range groups {
		if m, ok := monthly[snap.IngressOrigin(members[g][0]).String()]; ok {
			p.LoadBalancers[LoadBalancerKey("alb", g)] = m
		}
	}
	return p
}
