package benchdata

import (
	"fmt"
	"testing"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/source"
)

// BenchmarkCost loads and prices generated estates of growing size; the
// objects/s metric should stay flat (linear time).
func BenchmarkCost(b *testing.B) {
	cat, err := pricing.Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{2000, 20000} {
		dir := b.TempDir()
		if err := Generate(dir, n, n/20); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e, err := source.Load([]string{dir}, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := cost.Estimate(e, cat, cost.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "objects/s")
		})
	}
}

func TestGenerateLoads(t *testing.T) {
	dir := t.TempDir()
	if err := Generate(dir, 250, 150); err != nil {
		t.Fatal(err)
	}
	e, err := source.Load([]string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.NodeGroups) != 150 {
		t.Errorf("node groups = %d, want 150", len(e.NodeGroups))
	}
	if len(e.Workloads) == 0 || len(e.Claims) == 0 || len(e.LoadBalancers) == 0 {
		t.Errorf("generated estate is missing kinds: %d workloads, %d claims, %d LBs", len(e.Workloads), len(e.Claims), len(e.LoadBalancers))
	}
}
