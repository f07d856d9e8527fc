package pricing

import "sort"

// Closest returns up to n candidates nearest to name by edit distance,
// nearest first; ties are broken alphabetically. Candidates further than
// half the name's length are left out.
func Closest(name string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	limit := max(len(name)/2, 2)
	var best []scored
	for _, c := range candidates {
		if d := levenshtein(name, c); d <= limit {
			best = append(best, scored{c, d})
		}
	}
	sort.Slice(best, func(i, j int) bool {
		if best[i].d != best[j].d {
			return best[i].d < best[j].d
		}
		return best[i].s < best[j].s
	})
	out := []string{}
	for i := 0; i < len(best) && i < n; i++ {
		out = append(out, best[i].s)
	}
	return out
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
