package pack

import (
	"cmp"
	"math"
	"slices"
)

// Bin packing of groups of identical pods onto nodes of one capacity.
//
// First Fit places each pod on the first open node it fits on. For a group of
// identical pods that is the same as filling the first node that takes one
// copy with as many copies as fit, then the next, and so on, so a group is
// placed a node at a time. Nodes are further kept as runs of identical nodes
// (same free capacity): a group fills a whole run at once, splitting it when
// it runs out part way. The number of runs grows by at most three per group,
// so the cost of a packing depends on the number of distinct pod shapes, not
// on the number of pods or nodes. Runs that can take none of the pods still to
// come are closed and dropped from the scan.

// order is a sort order for First Fit Decreasing.
type order int

const (
	byMaxShare order = iota // largest share of the node in any resource first
	bySumShare              // largest sum of shares of cpu and memory first
	byCPU                   // most cpu first
	byMemory                // most memory first
	numOrders
)

// exactLimit is the number of pods up to which bestPack searches for an
// optimal packing when First Fit Decreasing misses its lower bound.
const exactLimit = 10

// run is n nodes with the same free capacity.
type run struct {
	cpu, mem int64
	pods     int
	n        int
}

// packer holds scratch space reused across packings.
type packer struct {
	runs   []run
	sorted []item
	minCPU []int64
	minMem []int64
	// trace, if set, sees each node pattern dotProduct fills (pods per
	// item) and how many nodes repeat it; for tests.
	trace func(pattern []int, nodes int)
}

// bestPack returns the fewest nodes of usable capacity u that the
// DotProduct heuristic or First Fit Decreasing (in each sort order) packs
// items onto, stopping early at target (a lower bound, or a node count that
// is required anyway). Tiny problems that miss target are solved exactly.
func (pk *packer) bestPack(items []item, u Capacity, target int) int {
	if len(items) == 0 {
		return 0
	}
	best := pk.dotProduct(items, u)
	if best <= target {
		return best
	}
	for o := order(0); o < numOrders; o++ {
		pk.sort(items, u, o)
		best = min(best, pk.firstFit(pk.sorted, u))
		if best <= target {
			return best
		}
	}
	total := 0
	for _, it := range items {
		total += it.count
	}
	if total <= exactLimit {
		for best > target && fitsExactly(items, u, best-1) {
			best--
		}
	}
	return best
}

// sort fills pk.sorted with items in order o for nodes of capacity u.
func (pk *packer) sort(items []item, u Capacity, o order) {
	pk.sorted = append(pk.sorted[:0], items...)
	share := func(v, c int64) float64 {
		if c <= 0 {
			return 0
		}
		return float64(v) / float64(c)
	}
	key := func(it item) float64 {
		c, m := share(it.cpu, u.MilliCPU), share(it.mem, u.MemoryBytes)
		switch o {
		case byMaxShare:
			return max(c, m)
		case bySumShare:
			return c + m
		case byCPU:
			return c
		default:
			return m
		}
	}
	slices.SortStableFunc(pk.sorted, func(a, b item) int {
		return cmp.Or(cmp.Compare(key(b), key(a)), cmp.Compare(b.cpu, a.cpu), cmp.Compare(b.mem, a.mem))
	})
}

// copies is how many pods of it fit in free capacity (cpu, mem, pods).
func copies(cpu, mem int64, pods int, it item) int {
	k := pods
	if it.cpu > 0 {
		k = min(k, int(min(cpu/it.cpu, int64(k))))
	}
	if it.mem > 0 {
		k = min(k, int(min(mem/it.mem, int64(k))))
	}
	return max(k, 0)
}

// firstFit packs items, in the order given, by First Fit onto nodes of
// capacity u, every item fitting on an empty node, and returns the node count.
func (pk *packer) firstFit(items []item, u Capacity) int {
	// Suffix minima of the requests still to come, to close dead runs.
	pk.minCPU = slices.Grow(pk.minCPU[:0], len(items)+1)[:len(items)+1]
	pk.minMem = slices.Grow(pk.minMem[:0], len(items)+1)[:len(items)+1]
	pk.minCPU[len(items)], pk.minMem[len(items)] = 1<<62, 1<<62
	for i := len(items) - 1; i >= 0; i-- {
		pk.minCPU[i] = min(pk.minCPU[i+1], items[i].cpu)
		pk.minMem[i] = min(pk.minMem[i+1], items[i].mem)
	}
	runs := pk.runs[:0]
	closed := 0
	for gi, it := range items {
		left := it.count
		for i := 0; i < len(runs) && left > 0; i++ {
			r := runs[i]
			k := copies(r.cpu, r.mem, r.pods, it)
			if k == 0 {
				continue
			}
			take := func(r run, k, n int) run {
				return run{r.cpu - int64(k)*it.cpu, r.mem - int64(k)*it.mem, r.pods - k, n}
			}
			if left >= k*r.n {
				runs[i] = take(r, k, r.n)
				left -= k * r.n
				continue
			}
			// The group runs out inside this run: q nodes take k pods,
			// one node takes the rest, the others are untouched.
			q, rest := left/k, left%k
			var parts [3]run
			np := 0
			if q > 0 {
				parts[np] = take(r, k, q)
				np++
			}
			untouched := r.n - q
			if rest > 0 {
				parts[np] = take(r, rest, 1)
				np++
				untouched--
			}
			if untouched > 0 {
				parts[np] = run{r.cpu, r.mem, r.pods, untouched}
				np++
			}
			runs[i] = parts[0]
			runs = slices.Insert(runs, i+1, parts[1:np]...)
			left = 0
		}
		if left > 0 {
			k := copies(u.MilliCPU, u.MemoryBytes, u.Pods, it)
			if k == 0 {
				panic("pack: item does not fit an empty node") // callers check fitsAll
			}
			if full := left / k; full > 0 {
				runs = append(runs, run{u.MilliCPU - int64(k)*it.cpu, u.MemoryBytes - int64(k)*it.mem, u.Pods - k, full})
			}
			if rest := left % k; rest > 0 {
				runs = append(runs, run{u.MilliCPU - int64(rest)*it.cpu, u.MemoryBytes - int64(rest)*it.mem, u.Pods - rest, 1})
			}
		}
		// Close runs no later pod fits on; merge equal neighbours.
		mc, mm := pk.minCPU[gi+1], pk.minMem[gi+1]
		w := 0
		for _, r := range runs {
			switch {
			case r.pods <= 0 || r.cpu < mc || r.mem < mm:
				closed += r.n
			case w > 0 && runs[w-1].cpu == r.cpu && runs[w-1].mem == r.mem && runs[w-1].pods == r.pods:
				runs[w-1].n += r.n
			default:
				runs[w] = r
				w++
			}
		}
		runs = runs[:w]
	}
	pk.runs = runs
	for _, r := range runs {
		closed += r.n
	}
	return closed
}

// fitsExactly reports whether items fit on n nodes of capacity u, by
// exhaustive search (for a handful of pods only).
func fitsExactly(items []item, u Capacity, n int) bool {
	var pods []item
	for _, it := range items {
		for range it.count {
			pods = append(pods, item{it.cpu, it.mem, 1})
		}
	}
	slices.SortFunc(pods, func(a, b item) int { return cmp.Or(cmp.Compare(b.cpu, a.cpu), cmp.Compare(b.mem, a.mem)) })
	free := make([]run, n)
	for i := range free {
		free[i] = run{u.MilliCPU, u.MemoryBytes, u.Pods, 1}
	}
	var place func(i, used int) bool
	place = func(i, used int) bool {
		if i == len(pods) {
			return true
		}
		q := pods[i]
		for b := 0; b < min(used+1, n); b++ {
			f := free[b]
			if f.cpu < q.cpu || f.mem < q.mem || f.pods < 1 {
				continue
			}
			// Nodes in the same state are interchangeable: try one.
			dup := false
			for c := range b {
				if free[c] == f {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
			free[b] = run{f.cpu - q.cpu, f.mem - q.mem, f.pods - 1, 1}
			ok := place(i+1, max(used, b+1))
			free[b] = f
			if ok {
				return true
			}
		}
		return false
	}
	return place(0, 0)
}

// dotProduct packs items bin by bin: each node is filled by repeatedly adding
// the pod whose requests, as shares of the node, have the largest dot product
// with the node's remaining capacity (the bin-centric DotProduct heuristic of
// Panigrahy et al., "Heuristics for Vector Bin Packing", 2011). A node's
// contents depend only on which groups still have pods, so once a node is
// filled the same pattern is repeated for as many nodes as the groups allow.
func (pk *packer) dotProduct(items []item, u Capacity) int {
	rem := make([]int, len(items))
	cnt := make([]int, len(items))
	for i, it := range items {
		rem[i] = it.count
	}
	wc, wm, wp := inv(u.MilliCPU), inv(u.MemoryBytes), inv(int64(u.Pods))
	sc := make([]float64, len(items)) // shares of the node
	sm := make([]float64, len(items))
	for i, it := range items {
		sc[i], sm[i] = float64(it.cpu)*wc, float64(it.mem)*wm
	}
	var used []int
	bins, left := 0, 0
	for _, it := range items {
		left += it.count
	}
	for left > 0 {
		r := run{u.MilliCPU, u.MemoryBytes, u.Pods, 1}
		used = used[:0]
		for r.pods > 0 {
			rc, rm, rp := float64(r.cpu)*wc, float64(r.mem)*wm, float64(r.pods)*wp
			best, bestScore := -1, -1.0
			for i, it := range items {
				if rem[i] == cnt[i] || it.cpu > r.cpu || it.mem > r.mem {
					continue
				}
				if s := sc[i]*rc + sm[i]*rm + wp*rp; s > bestScore {
					best, bestScore = i, s
				}
			}
			if best < 0 {
				break
			}
			if cnt[best] == 0 {
				used = append(used, best)
			}
			cnt[best]++
			r.cpu -= items[best].cpu
			r.mem -= items[best].mem
			r.pods--
		}
		if len(used) == 0 {
			panic("pack: item does not fit an empty node") // callers check fitsAll
		}
		m := math.MaxInt
		for _, i := range used {
			m = min(m, rem[i]/cnt[i])
		}
		if pk.trace != nil {
			pk.trace(slices.Clone(cnt), m)
		}
		for _, i := range used {
			rem[i] -= m * cnt[i]
			left -= m * cnt[i]
			cnt[i] = 0
		}
		bins += m
	}
	return bins
}

func inv(v int64) float64 {
	if v <= 0 {
		return 0
	}
	return 1 / float64(v)
}
