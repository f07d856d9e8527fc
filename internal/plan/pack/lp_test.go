package pack

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteCover solves min c·x, Σ x_j·cols[j] ≥ b, x ≥ 0 by enumerating every
// basic solution: choose as many columns (types or surplus variables) as
// there are rows with positive demand, solve the square system, keep the
// cheapest non-negative solution.
func bruteCover(c []float64, cols [][]float64, b []float64) (float64, bool) {
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
	// column j < n is type j; j ≥ n is the surplus of row j−n (entry −1).
	entry := func(i, j int) float64 {
		if j < n {
			return cols[j][rows[i]]
		}
		if j-n == i {
			return -1
		}
		return 0
	}
	best, found := math.Inf(1), false
	choose := make([]int, 0, m)
	var rec func(start int)
	rec = func(start int) {
		if len(choose) == m {
			a := make([][]float64, m)
			for i := range m {
				a[i] = make([]float64, m+1)
				for k, j := range choose {
					if j < n {
						a[i][k] = entry(i, j) / b[rows[i]]
					} else {
						a[i][k] = entry(i, j) // surplus in units of the demand
					}
				}
				a[i][m] = 1
			}
			x, ok := gauss(a)
			if !ok {
				return
			}
			v := 0.0
			for k, j := range choose {
				if x[k] < -1e-9 {
					return
				}
				if j < n {
					v += c[j] * x[k]
				}
			}
			best, found = min(best, v), true
			return
		}
		for j := start; j < n+m; j++ {
			choose = append(choose, j)
			rec(j + 1)
			choose = choose[:len(choose)-1]
		}
	}
	rec(0)
	return best, found
}

// gauss solves the augmented system a (m × m+1) by elimination with partial
// pivoting; ok is false when it is singular.
func gauss(a [][]float64) ([]float64, bool) {
	m := len(a)
	for col := range m {
		p := col
		for r := col + 1; r < m; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-12 {
			return nil, false
		}
		a[col], a[p] = a[p], a[col]
		for r := range m {
			if r == col {
				continue
			}
			f := a[r][col] / a[col][col]
			for k := col; k <= m; k++ {
				a[r][k] -= f * a[col][k]
			}
		}
	}
	x := make([]float64, m)
	for i := range m {
		x[i] = a[i][m] / a[i][i]
	}
	return x, true
}

func TestMinCoverBrute(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 2000 {
		n := 1 + r.IntN(7)
		c := make([]float64, n)
		cols := make([][]float64, n)
		for j := range n {
			c[j] = float64(r.IntN(500)) / 100
			cols[j] = []float64{float64(r.IntN(64000)), float64(r.IntN(256)) * gib, float64(r.IntN(250)), 1}
		}
		b := []float64{float64(r.IntN(500000)), float64(r.IntN(2000)) * gib, float64(r.IntN(3000)), float64(r.IntN(5))}
		for k := range b {
			if r.IntN(5) == 0 {
				b[k] = 0
			}
		}
		got, ok := minCover(c, cols, b)
		want, wok := bruteCover(c, cols, b)
		if ok != wok || (ok && math.Abs(got-want) > 1e-7*max(1, want)) {
			t.Fatalf("case %d: minCover = %v, %v; brute force %v, %v\nc=%v\ncols=%v\nb=%v", i, got, ok, want, wok, c, cols, b)
		}
	}
}

func TestLowerBound(t *testing.T) {
	// cpu-bound and memory-bound types: the LP mixes them.
	p := Problem{
		Pods: []Pod{pod("cpu", 1000, 0, 8), pod("mem", 0, 1024, 8)},
		Types: []NodeType{
			nt("c", 4000, 2048, 100, 1),
			nt("r", 1000, 8192, 100, 1),
		},
	}
	// 8000m, 8Gi: x_c·4000 + x_r·1000 ≥ 8000, x_c·2048 + x_r·8192 ≥ 8192 →
	// x_c = 28/15, x_r = 8/15 (×730 per month).
	if got, want := LowerBound(p), (28.0+8.0)/15*HoursPerMonth; !approx(got, want) {
		t.Errorf("LowerBound = %v, want %v", got, want)
	}
	s, err := Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.LowerBoundMonthlyUSD > s.MonthlyUSD {
		t.Errorf("bound %v above solution %v", s.LowerBoundMonthlyUSD, s.MonthlyUSD)
	}
	// No type offers memory: infeasible.
	p.Types = []NodeType{nt("c", 4000, 0, 100, 1)}
	if got := LowerBound(p); !math.IsInf(got, 1) {
		t.Errorf("LowerBound without memory = %v, want +Inf", got)
	}
	// Nothing to place.
	if got := LowerBound(Problem{Types: p.Types}); got != 0 {
		t.Errorf("LowerBound of nothing = %v", got)
	}
}
