package pack

import "math"

// LowerBound is a lower bound on the monthly cost of any set of nodes of the
// candidate types, mixed in any way, that holds the pods: HoursPerMonth times
// the optimum of the linear program
//
//	minimise   Σ_t x_t · price_t
//	subject to Σ_t x_t · a_t,r ≥ demand_r   for r in cpu, memory, pod slots
//	           Σ_t x_t ≥ MinNodes
//	           x_t ≥ 0
//
// where demand is the pods' total requests and a_t,r what one node of type t
// can hold of resource r: its usable capacity after Headroom and the
// DaemonSet pods (types the DaemonSets do not fit on are left out), with cpu
// and memory capped at its free pod slots × the largest request among the
// pods that fit on it, and pod slots capped at what its cpu and memory allow
// of the smallest such request. Every real node satisfies these caps, so the
// bound stays valid while a burstable with one free slot counts for one pod,
// not for its nominal vCPUs. It
// relaxes the real problem (whole nodes, pods that must each fit on one node,
// one group of one type), so no plan, Solve's included, costs less; with the
// node-count row it is at least MinNodes × the cheapest price.
//
// The program has four rows and one column per type. It is solved exactly
// (up to float64 rounding) by the dual simplex method on a dense tableau,
// starting from the all-surplus basis, which is dual feasible because prices
// are ≥ 0; an optimal basis holds at most four types. (Its dual has four
// variables, one price per resource and per node, but enumerating its
// vertices would take O(types⁴) solves; a few simplex pivots take O(types)
// each.) It returns 0 for a problem Solve would reject as malformed (negative
// values, no types) and +Inf when no candidate type offers a resource the
// pods need.
func LowerBound(p Problem) float64 {
	pr, err := prepare(p)
	if err != nil {
		return 0
	}
	return pr.lowerBound()
}

func (pr *prepared) lowerBound() float64 {
	rhs := []float64{pr.dem.cpu, pr.dem.mem, float64(pr.dem.pods), float64(pr.p.MinNodes)}
	var cost []float64
	var cols [][]float64
	for i, u := range pr.usable {
		if !pr.usableOK[i] {
			continue
		}
		cost = append(cost, pr.p.Types[i].HourlyUSD)
		cols = append(cols, pr.absorb(u))
	}
	v, ok := minCover(cost, cols, rhs)
	if !ok {
		return math.Inf(1)
	}
	return v * HoursPerMonth
}

// absorb is the column of a type with usable capacity u: the most cpu,
// memory and pods one node can take from these pods, and 1 (the node). A
// node holds only pods that fit on it, at most u.Pods of them, so it absorbs
// no more of a resource than u.Pods × the largest such request, nor more pods
// than its cpu and memory allow of the smallest; a type too small for some
// pods, such as a burstable with one free pod slot, is counted for what it can
// really hold rather than its nominal capacity. This tightens the relaxation
// and keeps it valid: every feasible set of nodes satisfies these rows.
func (pr *prepared) absorb(u Capacity) []float64 {
	var maxC, maxM int64
	minC, minM := int64(math.MaxInt64), int64(math.MaxInt64)
	fits := false
	for _, it := range pr.items {
		if it.cpu <= u.MilliCPU && it.mem <= u.MemoryBytes {
			fits = true
			maxC, maxM = max(maxC, it.cpu), max(maxM, it.mem)
			minC, minM = min(minC, it.cpu), min(minM, it.mem)
		}
	}
	if !fits || u.Pods == 0 {
		return []float64{0, 0, 0, 1}
	}
	slots := float64(u.Pods)
	if minC > 0 {
		slots = min(slots, float64(u.MilliCPU/minC))
	}
	if minM > 0 {
		slots = min(slots, float64(u.MemoryBytes/minM))
	}
	return []float64{
		min(float64(u.MilliCPU), slots*float64(maxC)),
		min(float64(u.MemoryBytes), slots*float64(maxM)),
		slots,
		1,
	}
}

// minCover solves min c·x subject to Σ_j x_j·cols[j] ≥ b, x ≥ 0, for c ≥ 0
// and b ≥ 0, by the dual simplex method on a dense tableau. ok is false when
// the program is infeasible.
func minCover(c []float64, cols [][]float64, b []float64) (v float64, ok bool) {
	// Keep the rows with positive demand, scaled so that each demand is 1.
	var rows []int
	for r, d := range b {
		if d > 0 {
			rows = append(rows, r)
		}
	}
	m, n := len(rows), len(c)
	if m == 0 {
		return 0, true
	}
	// Tableau of the system −A'x + s = −1 (A' = A scaled by 1/b), with the
	// reduced costs in row m: columns 0..n−1 are x, n..n+m−1 are s, the
	// last is the right-hand side.
	w := n + m + 1
	t := make([]float64, (m+1)*w)
	at := func(i, j int) *float64 { return &t[i*w+j] }
	basis := make([]int, m)
	for i, r := range rows {
		for j := range n {
			*at(i, j) = -cols[j][r] / b[r]
		}
		*at(i, n+i) = 1
		*at(i, w-1) = -1
		basis[i] = n + i
	}
	for j := range n {
		*at(m, j) = c[j]
	}
	const eps = 1e-12
	for iter := 0; iter < 50*(n+m)+100; iter++ {
		// Leaving row: the most negative basic value.
		lr, lv := -1, -eps
		for i := range m {
			if v := *at(i, w-1); v < lv {
				lr, lv = i, v
			}
		}
		if lr < 0 {
			break // primal feasible, hence optimal
		}
		// Entering column: the smallest ratio of reduced cost to −entry
		// (ties to the lowest index, Bland's rule against cycling).
		ec, best := -1, math.Inf(1)
		for j := range n + m {
			if a := *at(lr, j); a < -eps {
				if ratio := *at(m, j) / -a; ratio < best-eps {
					ec, best = j, ratio
				}
			}
		}
		if ec < 0 {
			return 0, false // the row cannot be satisfied: infeasible
		}
		piv := *at(lr, ec)
		for j := range w {
			*at(lr, j) /= piv
		}
		for i := range m + 1 {
			if i == lr {
				continue
			}
			f := *at(i, ec)
			if f == 0 {
				continue
			}
			for j := range w {
				*at(i, j) -= f * *at(lr, j)
			}
		}
		basis[lr] = ec
	}
	// c_B·x_B is the dual objective of a dual-feasible point, so it is a
	// valid lower bound even if the iteration limit stopped the search.
	for i, j := range basis {
		if j < n {
			v += c[j] * *at(i, w-1)
		}
	}
	return max(v, 0), true
}
