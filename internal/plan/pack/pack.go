// Package pack sizes the node group of `refit plan`: given the pods a cluster
// runs and the instance types it may use, it finds the cheapest homogeneous
// managed node group that holds them, by bin packing, and bounds how far from
// optimal that plan can be with a linear-programming relaxation.
//
// A managed node group is homogeneous for scheduling purposes, so a plan is
// one group of Nodes nodes. With Problem.GroupTypes = N > 1 (spot
// diversification) the group names N instance types of one architecture; the
// smallest of them, the anchor, must be no larger than any other in cpu,
// memory and pods, the group is planned as Nodes nodes of the anchor's
// capacity and priced at the mean of the N types' hourly prices.
//
// Nodes = max(MinNodes, bins), where bins is the number of nodes a bin packing
// of the pods needs on the anchor's usable capacity: allocatable × (1 −
// Headroom), rounded down, less the DaemonSet pods' requests, in cpu and
// memory, and the max pods less the number of DaemonSet pods. The packing
// works on groups of identical pods: the bin-centric DotProduct heuristic
// (each node filled with the pods that best match its remaining capacity,
// node patterns repeated), then First Fit Decreasing in a few sort orders if
// that misses a lower bound, keeping the best; tiny problems (up to 10 pods)
// are packed exactly. Instance types are searched by branch and bound on a
// per-type lower bound. See Solve, and LowerBound for the bound on any mix of
// types that shows how good a plan is.
//
// The package is pure algorithm: no I/O, no prices of its own.
package pack

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// HoursPerMonth is the month refit prices with (365 × 24 / 12).
const HoursPerMonth = 730

// Capacity is what one node offers pods.
type Capacity struct {
	MilliCPU    int64
	MemoryBytes int64
	Pods        int
}

// Pod is Count identical pods with the given requests.
type Pod struct {
	Name        string
	MilliCPU    int64
	MemoryBytes int64
	Count       int
}

// NodeType is one candidate instance type, priced for one purchase option.
type NodeType struct {
	Name, Arch string
	// Capacity is the node's allocatable capacity (see Allocatable).
	Capacity  Capacity
	HourlyUSD float64
}

// Problem is one node group to size.
type Problem struct {
	Pods     []Pod      // pods to place (Count identical pods each)
	PerNode  []Pod      // DaemonSet pods: one of each on every node (Count ignored)
	Types    []NodeType // candidates, already filtered and priced for one purchase option
	MinNodes int        // at least this many nodes (availability)
	// Headroom is the fraction of each node's allocatable cpu and memory kept
	// free, in [0, 1), e.g. 0.2. It does not apply to pod slots.
	Headroom float64
	// GroupTypes is how many instance types the group must name (spot
	// diversification); 0 and 1 both mean one type.
	GroupTypes int
}

// Solution is the cheapest group found.
type Solution struct {
	// Types are the group's instance types; Types[0] is the anchor, the
	// smallest, whose capacity the nodes are planned on. The others follow
	// in order of price.
	Types      []string
	Nodes      int
	HourlyUSD  float64 // per node: the mean of the group's types' prices
	MonthlyUSD float64 // Nodes × HourlyUSD × HoursPerMonth
	// LowerBoundMonthlyUSD is LowerBound of the problem: no mix of the
	// candidate types can cost less.
	LowerBoundMonthlyUSD float64
	// Utilization of the planned capacity (Nodes × the anchor's allocatable)
	// by requests, workload and DaemonSet pods together (0..1).
	CPU, Memory, PodSlots float64
	// Allocatable is the anchor's allocatable capacity; Usable is what each
	// node offers workload pods after Headroom and the DaemonSet pods.
	Allocatable, Usable Capacity
	// GroupLowerBoundMonthlyUSD bounds any single group of GroupTypes
	// types: no such group holds the pods for less. Its gap to MonthlyUSD
	// is what better bin packing could still save; the gap from
	// LowerBoundMonthlyUSD to it is the price of one homogeneous group.
	GroupLowerBoundMonthlyUSD float64
	// BinPackNodes is the node count the bin packing needed (Nodes is at
	// least MinNodes), BinLowerBound a lower bound on it for the anchor.
	BinPackNodes, BinLowerBound int
}

// item is a set of identical pods (same requests) to pack.
type item struct {
	cpu, mem int64
	count    int
}

// demand is the total of what the pods request.
type demand struct {
	cpu, mem float64
	pods     int
}

// prepared is a validated problem with its derived figures.
type prepared struct {
	p        Problem
	items    []item // distinct requests, merged across pods
	dem      demand
	maxCPU   int64 // largest single pod request
	maxMem   int64
	dsCPU    int64 // one of each DaemonSet pod
	dsMem    int64
	usable   []Capacity // per type, after headroom and DaemonSets
	usableOK []bool     // the DaemonSets fit and nothing is negative
}

// Solve finds the cheapest group (Nodes × mean price) of GroupTypes instance
// types from p.Types that holds every pod. Anchor types are searched in order
// of a lower bound on their cost (group price × max(MinNodes, ⌈demand /
// per-node capacity⌉ over cpu, memory and pods, and the count of pods bigger
// than half a node)); the search stops once that bound exceeds the best plan
// found, and types of equal usable capacity are packed once. Ties in cost go
// to fewer nodes, then to the type met first (bound, price, name).
//
// Errors name the pod that fits on no candidate type (with the largest usable
// capacity on offer), and report no candidate types, a GroupTypes no set of
// candidates can meet, and negative or otherwise malformed values.
func Solve(p Problem) (Solution, error) {
	pr, err := prepare(p)
	if err != nil {
		return Solution{}, err
	}
	host := pr.hostsAll()
	if len(host) == 0 {
		return Solution{}, pr.noHostError()
	}
	anchors, err := pr.anchors(host)
	if err != nil {
		return Solution{}, err
	}
	type cand struct {
		a     anchor
		lb    int
		bound float64
	}
	cands := make([]cand, len(anchors))
	for i, a := range anchors {
		lb := pr.binLowerBound(pr.usable[a.t])
		cands[i] = cand{a, lb, float64(max(lb, p.MinNodes)) * a.price}
	}
	slices.SortStableFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(x.bound, y.bound), cmp.Compare(x.a.price, y.a.price),
			strings.Compare(p.Types[x.a.t].Name, p.Types[y.a.t].Name))
	})

	var (
		best      *cand
		bestNodes int
		bestBins  int
		bestCost  = math.Inf(1)
		cache     = map[Capacity]int{} // usable capacity -> bins
		pk        packer
	)
	for i := range cands {
		c := &cands[i]
		if c.bound > bestCost*(1+1e-12) {
			break
		}
		u := pr.usable[c.a.t]
		bins, ok := cache[u]
		if !ok {
			bins = pk.bestPack(pr.items, u, max(c.lb, p.MinNodes))
			cache[u] = bins
		}
		nodes := max(bins, p.MinNodes)
		cost := float64(nodes) * c.a.price
		if cost < bestCost*(1-1e-12) || (cost <= bestCost*(1+1e-12) && nodes < bestNodes) {
			best, bestNodes, bestBins, bestCost = c, nodes, bins, cost
		}
	}
	a := best.a
	s := Solution{
		Nodes:                bestNodes,
		HourlyUSD:            a.price,
		MonthlyUSD:           float64(bestNodes) * a.price * HoursPerMonth,
		LowerBoundMonthlyUSD: pr.lowerBound(),
		Allocatable:          p.Types[a.t].Capacity,
		Usable:               pr.usable[a.t],
		BinPackNodes:         bestBins,
		BinLowerBound:        best.lb,
		// cands is sorted by bound, so the first is the least of them.
		GroupLowerBoundMonthlyUSD: cands[0].bound * HoursPerMonth,
	}
	for _, t := range a.group {
		s.Types = append(s.Types, p.Types[t].Name)
	}
	if n := float64(bestNodes); n > 0 {
		c := s.Allocatable
		s.CPU = ratio(pr.dem.cpu+n*float64(pr.dsCPU), n*float64(c.MilliCPU))
		s.Memory = ratio(pr.dem.mem+n*float64(pr.dsMem), n*float64(c.MemoryBytes))
		s.PodSlots = ratio(float64(pr.dem.pods)+n*float64(len(p.PerNode)), n*float64(c.Pods))
	}
	return s, nil
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// prepare validates p and derives what Solve and LowerBound need.
func prepare(p Problem) (*prepared, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(p.Types) == 0 {
		bad("no candidate instance types")
	}
	if p.MinNodes < 0 {
		bad("MinNodes %d is negative", p.MinNodes)
	}
	if p.GroupTypes < 0 {
		bad("GroupTypes %d is negative", p.GroupTypes)
	}
	if !(p.Headroom >= 0 && p.Headroom < 1) {
		bad("headroom %v must be in [0, 1)", p.Headroom)
	}
	for _, t := range p.Types {
		c := t.Capacity
		if c.MilliCPU < 0 || c.MemoryBytes < 0 || c.Pods < 0 {
			bad("instance type %s: negative capacity (cpu %dm, memory %d bytes, %d pods)", t.Name, c.MilliCPU, c.MemoryBytes, c.Pods)
		}
		if !(t.HourlyUSD >= 0) || math.IsInf(t.HourlyUSD, 1) {
			bad("instance type %s: hourly price %v must be a non-negative number", t.Name, t.HourlyUSD)
		}
	}
	for _, q := range p.Pods {
		if q.MilliCPU < 0 || q.MemoryBytes < 0 || q.Count < 0 {
			bad("pod %q: negative request or count (cpu %dm, memory %d bytes, count %d)", q.Name, q.MilliCPU, q.MemoryBytes, q.Count)
		}
	}
	for _, q := range p.PerNode {
		if q.MilliCPU < 0 || q.MemoryBytes < 0 {
			bad("DaemonSet pod %q: negative request (cpu %dm, memory %d bytes)", q.Name, q.MilliCPU, q.MemoryBytes)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	pr := &prepared{p: p}
	merged := map[[2]int64]int{} // requests -> index in items
	for _, q := range p.Pods {
		if q.Count == 0 {
			continue
		}
		k := [2]int64{q.MilliCPU, q.MemoryBytes}
		if i, ok := merged[k]; ok {
			pr.items[i].count += q.Count
		} else {
			merged[k] = len(pr.items)
			pr.items = append(pr.items, item{q.MilliCPU, q.MemoryBytes, q.Count})
		}
		pr.dem.cpu += float64(q.MilliCPU) * float64(q.Count)
		pr.dem.mem += float64(q.MemoryBytes) * float64(q.Count)
		pr.dem.pods += q.Count
		pr.maxCPU = max(pr.maxCPU, q.MilliCPU)
		pr.maxMem = max(pr.maxMem, q.MemoryBytes)
	}
	for _, q := range p.PerNode {
		pr.dsCPU += q.MilliCPU
		pr.dsMem += q.MemoryBytes
	}
	pr.usable = make([]Capacity, len(p.Types))
	pr.usableOK = make([]bool, len(p.Types))
	keep := 1 - p.Headroom
	for i, t := range p.Types {
		c := t.Capacity
		u := Capacity{
			MilliCPU:    int64(math.Floor(float64(c.MilliCPU)*keep)) - pr.dsCPU,
			MemoryBytes: int64(math.Floor(float64(c.MemoryBytes)*keep)) - pr.dsMem,
			Pods:        c.Pods - len(p.PerNode),
		}
		pr.usable[i] = u
		pr.usableOK[i] = u.MilliCPU >= 0 && u.MemoryBytes >= 0 && u.Pods >= 0
	}
	return pr, nil
}

// hostsAll lists the types on which every pod fits.
func (pr *prepared) hostsAll() []int {
	var out []int
	for i, u := range pr.usable {
		if pr.usableOK[i] && pr.fitsAll(u) {
			out = append(out, i)
		}
	}
	return out
}

func (pr *prepared) fitsAll(u Capacity) bool {
	return len(pr.items) == 0 || (u.Pods >= 1 && pr.maxCPU <= u.MilliCPU && pr.maxMem <= u.MemoryBytes)
}

// noHostError explains why no type can host every pod.
func (pr *prepared) noHostError() error {
	p := pr.p
	var (
		bestCPU, bestMem = -1, -1
	)
	for i, u := range pr.usable {
		if !pr.usableOK[i] || u.Pods < 1 {
			continue
		}
		if bestCPU < 0 || u.MilliCPU > pr.usable[bestCPU].MilliCPU {
			bestCPU = i
		}
		if bestMem < 0 || u.MemoryBytes > pr.usable[bestMem].MemoryBytes {
			bestMem = i
		}
	}
	after := fmt.Sprintf("%s headroom and %d DaemonSet pods (cpu %dm, memory %s)",
		pct(p.Headroom), len(p.PerNode), pr.dsCPU, formatBytes(pr.dsMem))
	if bestCPU < 0 {
		return fmt.Errorf("no candidate instance type has room for pods after %s", after)
	}
	largest := fmt.Sprintf("the largest usable capacity after %s is cpu %dm (%s) and memory %s (%s)",
		after, pr.usable[bestCPU].MilliCPU, p.Types[bestCPU].Name, formatBytes(pr.usable[bestMem].MemoryBytes), p.Types[bestMem].Name)
	for _, q := range p.Pods {
		if q.Count == 0 {
			continue
		}
		fits := false
		for i, u := range pr.usable {
			if pr.usableOK[i] && u.Pods >= 1 && q.MilliCPU <= u.MilliCPU && q.MemoryBytes <= u.MemoryBytes {
				fits = true
				break
			}
		}
		if !fits {
			return fmt.Errorf("pod %q (cpu %dm, memory %s) fits on no candidate instance type: %s",
				q.Name, q.MilliCPU, formatBytes(q.MemoryBytes), largest)
		}
	}
	// Every pod fits somewhere, but no type fits them all.
	var big, fat Pod
	for _, q := range p.Pods {
		if q.Count > 0 && q.MilliCPU == pr.maxCPU && big.Name == "" {
			big = q
		}
		if q.Count > 0 && q.MemoryBytes == pr.maxMem && fat.Name == "" {
			fat = q
		}
	}
	return fmt.Errorf("no candidate instance type can host every pod: pod %q needs cpu %dm and pod %q needs memory %s, and no type offers both after %s",
		big.Name, big.MilliCPU, fat.Name, formatBytes(fat.MemoryBytes), after)
}

func pct(f float64) string { return fmt.Sprintf("%g%%", math.Round(f*1000)/10) }

// formatBytes renders a memory quantity as Kubernetes would, in Mi or Gi.
func formatBytes(b int64) string {
	const gi = 1 << 30
	switch {
	case b >= gi && b%gi == 0:
		return fmt.Sprintf("%dGi", b/gi)
	case b >= gi:
		return fmt.Sprintf("%.2fGi", float64(b)/gi)
	case b%MiB == 0:
		return fmt.Sprintf("%dMi", b/MiB)
	default:
		return fmt.Sprintf("%.2fMi", float64(b)/MiB)
	}
}

// anchor is a candidate group: the anchor type t and the group it heads.
type anchor struct {
	t     int
	group []int // t first, then the other types by price
	price float64
}

// anchors lists the groups of GroupTypes types that Solve chooses among: for
// each type able to host every pod, it with the cheapest GroupTypes−1 other
// types of its architecture that are at least as large in cpu, memory and
// pods. For one anchor Nodes is fixed, so the cheapest companions are best.
func (pr *prepared) anchors(host []int) ([]anchor, error) {
	p := pr.p
	n := max(p.GroupTypes, 1)
	if n == 1 {
		out := make([]anchor, len(host))
		for i, t := range host {
			out[i] = anchor{t, []int{t}, p.Types[t].HourlyUSD}
		}
		return out, nil
	}
	if n > len(host) {
		return nil, fmt.Errorf("GroupTypes %d: only %d candidate instance types can host every pod", n, len(host))
	}
	byPrice := slices.Clone(host)
	slices.SortStableFunc(byPrice, func(a, b int) int {
		return cmp.Or(cmp.Compare(p.Types[a].HourlyUSD, p.Types[b].HourlyUSD), strings.Compare(p.Types[a].Name, p.Types[b].Name))
	})
	var out []anchor
	for _, t := range host {
		ct := p.Types[t].Capacity
		group := []int{t}
		sum := p.Types[t].HourlyUSD
		for _, o := range byPrice {
			if len(group) == n {
				break
			}
			co := p.Types[o].Capacity
			if o != t && p.Types[o].Arch == p.Types[t].Arch &&
				co.MilliCPU >= ct.MilliCPU && co.MemoryBytes >= ct.MemoryBytes && co.Pods >= ct.Pods {
				group = append(group, o)
				sum += p.Types[o].HourlyUSD
			}
		}
		if len(group) == n {
			out = append(out, anchor{t, group, sum / float64(n)})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("GroupTypes %d: %d candidate instance types can host every pod, but no %d of them share an architecture with one type no larger than all the others in cpu, memory and pods",
			n, len(host), n)
	}
	return out, nil
}

// binLowerBound is a lower bound on the nodes of usable capacity u that the
// pods need: the largest of ⌈demand/absorb⌉ over cpu, memory and pod slots
// (absorb: what one node can take, see prepared.absorb), and the number of
// pods requesting more than half of u's cpu (no two of which share a node),
// likewise for memory.
func (pr *prepared) binLowerBound(u Capacity) int {
	ab := pr.absorb(u)
	ceilDiv := func(d, c float64) int {
		if d <= 0 || c <= 0 {
			return 0
		}
		// Guard against d/c landing a hair above an integer.
		return int(math.Ceil(d/c - 1e-9))
	}
	lb := max(ceilDiv(pr.dem.cpu, ab[0]), ceilDiv(pr.dem.mem, ab[1]), ceilDiv(float64(pr.dem.pods), ab[2]))
	var bigCPU, bigMem int
	for _, it := range pr.items {
		if 2*it.cpu > u.MilliCPU {
			bigCPU += it.count
		}
		if 2*it.mem > u.MemoryBytes {
			bigMem += it.count
		}
	}
	return max(lb, bigCPU, bigMem)
}
