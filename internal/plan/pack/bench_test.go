package pack

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/refit-dev/refit/internal/pricing"
)

// catalogTypes builds candidates from the embedded catalog: every type with a
// known max pods and a us-east-1 on-demand price, burstables (t2, t3, t3a,
// t4g) optionally.
func catalogTypes(tb testing.TB, burstable bool) []NodeType {
	cat, err := pricing.Default()
	if err != nil {
		tb.Fatal(err)
	}
	var out []NodeType
	for _, it := range cat.InstanceTypes() {
		if it.MaxPodsENI == 0 || (it.Burstable && !burstable) {
			continue
		}
		price, err := cat.OnDemand("us-east-1", it.Name)
		if err != nil {
			continue
		}
		c, err := Allocatable(it)
		if err != nil {
			continue
		}
		out = append(out, NodeType{Name: it.Name, Arch: it.Arch, Capacity: c, HourlyUSD: price.USD.InexactFloat64()})
	}
	return out
}

// workload is a plausible cluster of n pods: deployments of 1–50 replicas
// whose requests are round numbers, as people write them: cpu in the usual
// steps, memory 0.5–12 GiB per core rounded to a common size.
func workload(n int, seed uint64) []Pod {
	r := rand.New(rand.NewPCG(seed, 42))
	cpus := []int64{50, 100, 100, 200, 250, 250, 500, 500, 750, 1000, 1000, 1500, 2000, 4000}
	mems := []int64{64, 128, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288, 16384, 24576, 32768}
	ratios := []float64{1, 2, 2, 4, 4, 4, 8}
	replicas := []int{1, 2, 2, 3, 3, 3, 5, 6, 10, 20, 50}
	var pods []Pod
	for total := 0; total < n; {
		cpu := cpus[r.IntN(len(cpus))]
		want := float64(cpu) / 1000 * ratios[r.IntN(len(ratios))] * 1024 * (0.5 + r.Float64())
		mem := mems[0]
		for _, m := range mems {
			if math.Abs(float64(m)-want) < math.Abs(float64(mem)-want) {
				mem = m
			}
		}
		count := min(replicas[r.IntN(len(replicas))], n-total)
		pods = append(pods, Pod{Name: fmt.Sprintf("deploy-%d", len(pods)), MilliCPU: cpu, MemoryBytes: mem * MiB, Count: count})
		total += count
	}
	return pods
}

// daemonSets are the usual EKS add-ons' DaemonSet pods (illustrative requests).
var daemonSets = []Pod{
	{Name: "aws-node", MilliCPU: 25},
	{Name: "kube-proxy", MilliCPU: 100},
	{Name: "ebs-csi-node", MilliCPU: 30, MemoryBytes: 120 * MiB},
}

func BenchmarkSolve(b *testing.B) {
	types := catalogTypes(b, true)
	for _, n := range []int{100, 1000, 10000, 20000, 50000} {
		for _, g := range []int{1, 3} {
			p := Problem{Pods: workload(n, uint64(n)), PerNode: daemonSets, Types: types, MinNodes: 2, Headroom: 0.2, GroupTypes: g}
			b.Run(fmt.Sprintf("pods=%d/types=%d/group=%d", n, len(types), g), func(b *testing.B) {
				var s Solution
				for b.Loop() {
					var err error
					if s, err = Solve(p); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pods/s")
				b.ReportMetric((s.MonthlyUSD/s.LowerBoundMonthlyUSD-1)*100, "lp-gap%")
				b.ReportMetric((s.MonthlyUSD/s.GroupLowerBoundMonthlyUSD-1)*100, "group-gap%")
				b.ReportMetric(float64(s.Nodes), "nodes")
			})
		}
	}
}

// TestSolveCatalog runs benchmark-like problems once, as a test: the plan is
// within a few percent of the bound for any one group, and the bounds are
// ordered LP ≤ group bound ≤ plan.
func TestSolveCatalog(t *testing.T) {
	for _, burstable := range []bool{true, false} {
		types := catalogTypes(t, burstable)
		if len(types) < 500 {
			t.Fatalf("only %d candidate types", len(types))
		}
		for _, n := range []int{100, 10000} {
			for _, g := range []int{1, 3} {
				p := Problem{Pods: workload(n, uint64(n)), PerNode: daemonSets, Types: types, MinNodes: 2, Headroom: 0.2, GroupTypes: g}
				s, err := Solve(p)
				if err != nil {
					t.Fatal(err)
				}
				lpGap := s.MonthlyUSD/s.LowerBoundMonthlyUSD - 1
				groupGap := s.MonthlyUSD/s.GroupLowerBoundMonthlyUSD - 1
				t.Logf("%d types (burstable %v), %d pods, group of %d: %v × %d, $%.0f/month; LP bound $%.0f (gap %.1f%%), group bound $%.0f (gap %.1f%%); cpu %.0f%% memory %.0f%% slots %.0f%%",
					len(types), burstable, n, g, s.Types, s.Nodes, s.MonthlyUSD, s.LowerBoundMonthlyUSD, lpGap*100, s.GroupLowerBoundMonthlyUSD, groupGap*100, s.CPU*100, s.Memory*100, s.PodSlots*100)
				if s.LowerBoundMonthlyUSD > s.GroupLowerBoundMonthlyUSD*(1+1e-9) || groupGap < -1e-9 || groupGap > 0.1 {
					t.Errorf("bounds out of order or gap too wide: %+v", s)
				}
			}
		}
	}
}
