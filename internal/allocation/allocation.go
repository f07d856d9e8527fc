// Package allocation splits what a live cluster's nodes cost among the pods
// that run on them, and sums the shares by namespace, workload or a pod label.
// It reads the cluster's estate (estate.Estate's Nodes, Pods, Claims and
// LoadBalancers, as internal/source/kubelive fills them), never a source's
// own types.
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
package allocation

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
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
// Ingresses' ALB ("alb/<IngressGroup or ns/name>", the estate.LoadBalancer's
// name).
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
func keyer(by Dimension) func(p *estate.Pod) string {
	switch by.Kind {
	case ByWorkload:
		return func(p *estate.Pod) string { return p.Namespace + "/" + p.OwnerKind + "/" + p.OwnerName }
	case ByLabel:
		return func(p *estate.Pod) string {
			if v, ok := p.Labels[by.Label]; ok {
				return v
			}
			return Unlabelled
		}
	default:
		return func(p *estate.Pod) string { return p.Namespace }
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
// e is one live cluster's estate (its Nodes and Pods). A negative price is
// an error; a node with no price is listed in Result.Unpriced.
func Allocate(e *estate.Estate, prices Prices, by Dimension) (*Result, error) {
	if by.Kind == "" {
		by.Kind = ByNamespace
	}
	if by.Kind != ByNamespace && by.Kind != ByWorkload && !(by.Kind == ByLabel && by.Label != "") {
		return nil, fmt.Errorf("unknown allocation dimension %q: want namespace, workload or label:KEY", by.String())
	}
	key := keyer(by)
	res := &Result{Dimension: by, By: by.String(), NodesMonthlyCost: decimal.Zero, IdleCost: decimal.Zero}

	onNode := map[string][]int{}
	for i := range e.Pods {
		p := &e.Pods[i]
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
	for _, n := range e.Nodes {
		price, ok := prices.Nodes[n.Name]
		if !ok {
			res.Unpriced = append(res.Unpriced, n.Name)
			continue
		}
		if price.IsNegative() {
			return nil, n.Origin.Errorf("node %s: negative price %s", n.Name, price)
		}
		res.NodesMonthlyCost = res.NodesMonthlyCost.Add(price)
		idle := splitNode(e, n, price, onNode[n.Name], key, out)
		res.IdleCost = res.IdleCost.Add(idle)
	}
	if !res.IdleCost.IsZero() {
		out.add(Idle, res.IdleCost, 0, estate.Resources{})
	}
	res.Allocations = out.sorted()
	sort.Strings(res.Unpriced)

	res.Claims = allocateClaims(e, prices.Claims, by, key)
	res.LoadBalancers = allocateLBs(e, prices.LoadBalancers, by, key)
	return res, nil
}

// splitNode adds the node's shares to out and returns its idle cost.
func splitNode(e *estate.Estate, n estate.Node, price decimal.Decimal, pods []int, key func(*estate.Pod) string, out lines) decimal.Decimal {
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
		p := &e.Pods[i]
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
func allocateClaims(e *estate.Estate, prices map[string]decimal.Decimal, by Dimension, key func(*estate.Pod) string) []Allocation {
	if len(prices) == 0 {
		return nil
	}
	// The first (by name) unfinished pod mounting each claim.
	users := map[string]*estate.Pod{}
	for i := range e.Pods {
		p := &e.Pods[i]
		if p.Finished() {
			continue
		}
		for _, c := range p.Claims {
			k := p.Namespace + "/" + c
			if u, ok := users[k]; !ok || p.Name < u.Name {
				users[k] = p
			}
		}
	}
	out := lines{}
	for _, c := range e.Claims {
		price, ok := prices[c.Namespace+"/"+c.Name]
		if !ok {
			continue
		}
		name := ""
		switch {
		case by.Kind == ByNamespace:
			name = c.Namespace
		default:
			if p, ok := users[c.Namespace+"/"+c.Name]; ok {
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
func allocateLBs(e *estate.Estate, prices map[string]decimal.Decimal, by Dimension, key func(*estate.Pod) string) []Allocation {
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
	for _, lb := range e.LoadBalancers {
		if !lb.Service {
			continue
		}
		price, ok := prices[LoadBalancerKey("service", lb.Name)]
		if !ok {
			continue
		}
		ns, name, _ := strings.Cut(lb.Name, "/")
		switch by.Kind {
		case ByNamespace:
			out.add(ns, price, 1, estate.Resources{})
		case ByLabel:
			out.add(label(lb.Labels), price, 1, estate.Resources{})
		default:
			names := selected(e, ns, lb.Selector, key)
			if len(names) == 0 {
				names = []string{ns + "/Service/" + name}
			}
			splitEven(out, price, names)
		}
	}
	for _, lb := range e.LoadBalancers {
		if lb.Service || lb.Type != estate.ALB {
			continue
		}
		price, ok := prices[LoadBalancerKey("alb", lb.Name)]
		if !ok {
			continue
		}
		var names []string
		for _, m := range lb.Members {
			ns, name, _ := strings.Cut(m, "/")
			switch by.Kind {
			case ByNamespace:
				names = append(names, ns)
			case ByLabel:
				names = append(names, label(lb.MemberLabels[m]))
			default:
				names = append(names, ns+"/Ingress/"+name)
			}
		}
		splitEven(out, price, names)
	}
	return out.sorted()
}

// selected lists the distinct lines of the unfinished pods in namespace
// that a Service's selector picks, sorted.
func selected(e *estate.Estate, namespace string, selector map[string]string, key func(*estate.Pod) string) []string {
	if len(selector) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var names []string
	for i := range e.Pods {
		p := &e.Pods[i]
		if p.Namespace != namespace || p.Finished() {
			continue
		}
		match := true
		for k, v := range selector {
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

// PricesFromBreakdown reads the prices of a live cluster's nodes, claims and
// load balancers from the cost engine's estimate of its estate e (alone or
// merged with others): each node costs its node group's hourly instance
// price × 730 hours; each claim and load balancer costs the sum of the items
// with its origin.
func PricesFromBreakdown(e *estate.Estate, b *cost.Breakdown) Prices {
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
	type groupKey struct{ cluster, name string }
	groups := map[groupKey]estate.Origin{}
	for _, g := range e.NodeGroups {
		groups[groupKey{g.Cluster, g.Name}] = g.Origin
	}
	for _, n := range e.Nodes {
		if n.NodeGroup == "" {
			continue
		}
		o, ok := groups[groupKey{n.Cluster, n.NodeGroup}]
		if !ok {
			continue
		}
		if h, ok := hourly[o.String()]; ok {
			p.Nodes[n.Name] = h.Mul(hours)
		}
	}
	for _, c := range e.Claims {
		if m, ok := monthly[c.Origin.String()]; ok {
			p.Claims[c.Namespace+"/"+c.Name] = m
		}
	}
	for _, lb := range e.LoadBalancers {
		kind := "service"
		switch {
		case lb.Service:
		case lb.Type == estate.ALB:
			kind = "alb"
		default:
			continue
		}
		if m, ok := monthly[lb.Origin.String()]; ok {
			p.LoadBalancers[LoadBalancerKey(kind, lb.Name)] = m
		}
	}
	return p
}

// AllocateBreakdown allocates the cost of the cluster's nodes, as b prices
// them, by the dimension named by (--by).
func AllocateBreakdown(cluster *estate.Estate, b *cost.Breakdown, by string) (*Result, error) {
	dim, err := ParseDimension(by)
	if err != nil {
		return nil, fmt.Errorf("--by: %w", err)
	}
	return Allocate(cluster, PricesFromBreakdown(cluster, b), dim)
}
