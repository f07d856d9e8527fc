package rightsize

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/plan"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/rightsize/promtest"
	"github.com/refit-dev/refit/internal/source"
)

// The tests here run the real Prometheus through promtest; they skip
// when prometheus or promtool is missing.

func TestRecommendationsFromRealPrometheus(t *testing.T) {
	end := time.Now().Add(-time.Hour).Truncate(time.Hour)
	window := 2 * 24 * time.Hour
	start := end.Add(-window)
	r := rand.New(rand.NewPCG(1, 2))
	web := []*promtest.Series{
		promtest.Gen(r, "shop", "web-5d8f7b9c6-x7k2p", "app", start.Add(-time.Hour), end, 400, 200<<20),
		promtest.Gen(r, "shop", "web-5d8f7b9c6-q4w9z", "app", start.Add(-time.Hour), end, 400, 200<<20),
	}
	db := promtest.Gen(r, "shop", "db-0", "postgres", start.Add(-time.Hour), end, 1500, 900<<20)
	fresh := promtest.Gen(r, "shop", "fresh-6b7c8d9f5-m2n4p", "app", end.Add(-12*time.Hour), end, 50, 50<<20)
	all := append(append([]*promtest.Series{}, web...), db, fresh)
	om := filepath.Join(t.TempDir(), "usage.om")
	ksm := fmt.Sprintf("# TYPE kube_pod_owner gauge\nkube_pod_owner{namespace=\"shop\",pod=\"db-0\",owner_kind=\"StatefulSet\",owner_name=\"db\"} 1 %d\n", end.Add(-time.Hour).Unix()) +
		fmt.Sprintf("kube_pod_owner{namespace=\"shop\",pod=\"web-5d8f7b9c6-x7k2p\",owner_kind=\"ReplicaSet\",owner_name=\"web-5d8f7b9c6\"} 1 %d\n", end.Add(-time.Hour).Unix()) +
		fmt.Sprintf("# TYPE kube_replicaset_owner gauge\nkube_replicaset_owner{namespace=\"shop\",replicaset=\"web-5d8f7b9c6\",owner_kind=\"Deployment\",owner_name=\"web\"} 1 %d\n", end.Add(-time.Hour).Unix())
	promtest.WriteOpenMetrics(t, om, all, ksm)
	url := promtest.Start(t, om)
	p := &Prometheus{URL: url}
	ctx := context.Background()

	owners, err := OwnersFromKubeStateMetrics(ctx, p, end, window)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join((&Owners{Pods: owners}).sortedOwners(), " "), "shop/db-0=StatefulSet/db shop/web-5d8f7b9c6-x7k2p=Deployment/web"; got != want {
		t.Errorf("owners from kube-state-metrics = %s, want %s", got, want)
	}

	uo := UsageOptions{Window: window, End: end, Chunk: 6 * time.Hour, Owners: &Owners{}}
	res, err := Run(ctx, p, uo, nil, Policy{CPUPercentile: 95, MemoryMargin: 0.15})
	if err != nil {
		t.Fatal(err)
	}
	// The independent computation: the slopes of the segments ending at
	// each step of (start, end], and the largest working set in [start, end].
	raw := map[string][2]int64{} // the percentile and peak before margin and rounding
	expect := func(name string, ss []*promtest.Series) (cpuMilli, memBytes int64, samples int) {
		var cpu []float64
		peak := 0.0
		for _, s := range ss {
			for ts := start.Add(5 * time.Minute); !ts.After(end); ts = ts.Add(5 * time.Minute) {
				if v, ok := s.Slopes[ts.Unix()]; ok {
					cpu = append(cpu, v*1000)
				}
			}
			for ts, v := range s.Memory {
				if ts >= start.Unix() && ts <= end.Unix() {
					peak = max(peak, v)
				}
			}
		}
		p95 := int64(math.Round(promtest.NearestRank(cpu, 95)))
		raw[name] = [2]int64{p95, int64(math.Ceil(peak))}
		return RoundCPU(max(p95, 10)), RoundMemory(int64(math.Ceil(peak * 1.15))), len(cpu)
	}
	want := map[string][3]int64{}
	for name, ss := range map[string][]*promtest.Series{"Deployment/web/app": web, "StatefulSet/db/postgres": {db}} {
		c, m, n := expect(name, ss)
		want[name] = [3]int64{c, m, int64(n)}
	}
	got := map[string]Workload{}
	for _, w := range res.Workloads {
		got[w.Kind+"/"+w.Name+"/"+w.Container] = w
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: not in the result (%v)", name, res.Workloads)
			continue
		}
		if g.Recommended == nil {
			t.Errorf("%s: not sized: %s", name, g.Reason)
			continue
		}
		t.Logf("%s: cpu p95 %dm -> %s, peak %d -> %s, %d samples", name, g.CPUPercentileMilli, FormatCPU(g.Recommended.CPUMilli), g.PeakMemoryBytes, FormatMemory(g.Recommended.MemoryBytes), g.Samples)
		if g.CPUPercentileMilli != raw[name][0] || g.PeakMemoryBytes != raw[name][1] {
			t.Errorf("%s: p95 %dm peak %d, want p95 %dm peak %d", name, g.CPUPercentileMilli, g.PeakMemoryBytes, raw[name][0], raw[name][1])
		}
		if g.Recommended.CPUMilli != w[0] || g.Recommended.MemoryBytes != w[1] || int64(g.Samples) != w[2] {
			t.Errorf("%s: cpu %dm memory %d samples %d, want cpu %dm memory %d samples %d",
				name, g.Recommended.CPUMilli, g.Recommended.MemoryBytes, g.Samples, w[0], w[1], w[2])
		}
	}
	if f := got["Deployment/fresh/app"]; f.Recommended != nil || !strings.HasPrefix(f.Reason, "not enough history") {
		t.Errorf("fresh: recommended %v reason %q, want not enough history", f.Recommended, f.Reason)
	}
	if len(res.Assumptions) != 1 || !strings.Contains(res.Assumptions[0], "4 pods was read from the pod's name") {
		t.Errorf("assumptions = %q", res.Assumptions)
	}

	// --fix on a tree with no requests, then refit plan on the result.
	dir := t.TempDir()
	tree := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        # serves the shop\n        - name: app\n          image: web:1\n" +
		"---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: postgres # the database\n          image: postgres:16\n"
	if err := os.WriteFile(filepath.Join(dir, "shop.yaml"), []byte(tree), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifests([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	res, err = Run(ctx, p, uo, m, Policy{CPUPercentile: 95, MemoryMargin: 0.15})
	if err != nil {
		t.Fatal(err)
	}
	e, err := source.LoadPaths([]string{dir}, false, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Plans(e, m, cat, plan.Options{}); err != nil {
		t.Fatal(err)
	}
	if res.PlanBefore == nil || res.PlanAfter == nil || !res.PlanAfter.Monthly.GreaterThan(res.PlanBefore.Monthly) {
		t.Errorf("plans before %+v after %+v: want a dearer design for the real usage than for the defaulted requests", res.PlanBefore, res.PlanAfter)
	}
	if _, err := res.Fix(m, FixOptions{Mode: InPlace}); err != nil {
		t.Fatal(err)
	}
	fixed, _ := os.ReadFile(filepath.Join(dir, "shop.yaml"))
	for _, want := range []string{"# serves the shop", "- name: postgres # the database", "cpu: " + FormatCPU(want["Deployment/web/app"][0]), "memory: " + FormatMemory(want["StatefulSet/db/postgres"][1])} {
		if !strings.Contains(string(fixed), want) {
			t.Errorf("fixed file lacks %q:\n%s", want, fixed)
		}
	}
	// refit plan on the fixed tree plans for those requests.
	e2, err := source.LoadPaths([]string{dir}, false, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	pr, err := plan.Make(e2, cat, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := pr.Scenario(pr.Recommended); !s.Monthly().Equal(res.PlanAfter.Monthly) {
		t.Errorf("plan of the fixed tree %s, want %s (planAfter)", s.Monthly(), res.PlanAfter.Monthly)
	}
	t.Logf("plan before %s %s, after %s %s", res.PlanBefore.Scenario, res.PlanBefore.Monthly.StringFixed(2), res.PlanAfter.Scenario, res.PlanAfter.Monthly.StringFixed(2))
}

// sortedOwners lists the owners of Pods.
func (o *Owners) sortedOwners() []string {
	var out []string
	for k, v := range o.Pods {
		out = append(out, k+"="+v.Kind+"/"+v.Name)
	}
	sort.Strings(out)
	return out
}
