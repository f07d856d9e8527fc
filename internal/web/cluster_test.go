package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	corev1 "k8s.io/api/core/v1"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/source/kubelive"
)

// testCluster is a live cluster as kubelive reads one: on-demand and spot
// nodes, one Fargate node, namespaces pods, a claim and a LoadBalancer
// Service in the first namespace. Three pods of each namespace (a
// Deployment's two and a DaemonSet's one) go round the EC2 nodes.
func testCluster(namespaces, nodes int) *estate.Estate {
	s := &kubelive.Snapshot{Context: "test"}
	for i := 0; i < nodes; i++ {
		n := kubelive.Node{Name: fmt.Sprintf("ip-10-0-%d-%d", i/250, i%250), InstanceType: "m5.xlarge", Zone: "us-east-1a", Region: "us-east-1",
			Purchase: estate.OnDemand, Allocatable: estate.Resources{MilliCPU: 3920, MemoryBytes: 15 << 30}}
		if i%3 != 0 {
			n.Purchase, n.InstanceType = estate.Spot, "m5.large"
			n.Allocatable = estate.Resources{MilliCPU: 1930, MemoryBytes: 7 << 30}
		}
		n.Capacity = n.Allocatable
		s.Nodes = append(s.Nodes, n)
	}
	s.Nodes = append(s.Nodes, kubelive.Node{Name: "fargate-ip-10-1-0-1", Zone: "us-east-1a", Region: "us-east-1", Fargate: true,
		Labels: map[string]string{"eks.amazonaws.com/compute-type": "fargate"}, Allocatable: estate.Resources{MilliCPU: 250, MemoryBytes: 512 << 20}})
	k := 0
	for i := 0; i < namespaces; i++ {
		ns := fmt.Sprintf("team-%04d", i)
		cpu := int64(50 + (i*37)%400)
		for j := 0; j < 3; j++ {
			p := kubelive.Pod{Namespace: ns, Name: fmt.Sprintf("web-%d", j), Node: s.Nodes[k%nodes].Name, Phase: corev1.PodRunning,
				Requests: estate.Resources{MilliCPU: cpu, MemoryBytes: cpu << 21}, OwnerKind: "Deployment", OwnerName: "web", Labels: map[string]string{"app": "web"}}
			if j == 2 {
				p.OwnerKind, p.OwnerName = "DaemonSet", "agent"
			}
			if i == 0 && j == 0 {
				p.Claims = []string{"data"}
			}
			s.Pods = append(s.Pods, p)
			k++
		}
	}
	s.StorageClasses = []kubelive.StorageClass{{Name: "gp3", Provisioner: "ebs.csi.aws.com", EBSType: "gp3", Default: true}}
	s.Claims = []kubelive.Claim{{Namespace: "team-0000", Name: "data", StorageClass: "gp3", SizeGiB: 100, Phase: corev1.ClaimBound, Volume: "pv-1"}}
	s.Services = []kubelive.Service{{Namespace: "team-0000", Name: "web", Type: estate.NLB, Selector: map[string]string{"app": "web"}}}
	return s.Estate()
}

// clusterData is the Data of testCluster, loaded as refit serve
// --kubeconfig does.
func clusterData(t testing.TB, namespaces, nodes int) *Data {
	t.Helper()
	cat, copt, err := cost.Settings{}.Open()
	if err != nil {
		t.Fatal(err)
	}
	e := testCluster(namespaces, nodes)
	d, err := Load(t.Context(), Sources{Cluster: e, Catalog: cat, Cost: copt})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestClusterPage renders the Cluster page: its figures are the JSON's
// (refit cost --by namespace -o json) to the cent, every namespace is in
// the table, the chart draws the top ones, __idle__ and "other".
func TestClusterPage(t *testing.T) {
	d := clusterData(t, 30, 6)
	h := Handler(d, "", "test")
	r := get(t, h, "GET", "/cluster", nil)
	page := body(t, r)
	if r.StatusCode != 200 {
		t.Fatalf("/cluster: %d %s", r.StatusCode, page)
	}
	var v report.AllocView
	if err := json.Unmarshal([]byte(body(t, get(t, h, "GET", "/api/cluster-namespace.json", nil))), &v); err != nil {
		t.Fatal(err)
	}
	var idle, total report.Number
	total.Decimal = v.NodesMonthlyCost.Decimal
	for _, a := range v.Allocations {
		if a.Name == "__idle__" {
			idle = a.MonthlyCost
		}
	}
	for _, ls := range [][]report.AllocItem{v.ClaimsByOwner, v.LoadBalancers} {
		for _, a := range ls {
			total.Decimal = total.Add(a.MonthlyCost.Decimal)
		}
	}
	if idle.IsZero() || len(v.ClaimsByOwner) == 0 || len(v.LoadBalancers) == 0 {
		t.Fatalf("the test cluster should have idle cost, a claim and a load balancer: %+v", v)
	}
	want := map[string]string{"nodes": v.NodesMonthlyCost.StringFixed(2), "idle": idle.StringFixed(2), "cluster": total.StringFixed(2)}
	got := totals(page)
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s shows %q, the JSON says %q", k, got[k], w)
		}
	}
	if n := strings.Count(page, `data-namespace="team-`); n != 30 {
		t.Errorf("the table lists %d namespaces, want 30", n)
	}
	for _, s := range []string{"__idle__, idle (requested by no pod): $" + idle.StringFixed(2), "other (10 namespaces)", "spot (4 nodes)", "on-demand (2 nodes)", "fargate (1 nodes)", `href="/api/cluster-workload.csv"`} {
		if !strings.Contains(page, s) {
			t.Errorf("/cluster has no %q", s)
		}
	}
	// The namespace CSV adds up to the page's total.
	rows, err := csv.NewReader(strings.NewReader(body(t, get(t, h, "GET", "/api/cluster-namespace.csv", nil)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+30+1 || rows[0][5] != "monthlyCost" {
		t.Fatalf("cluster-namespace.csv has %d rows, want a header, 30 namespaces and __idle__: %q", len(rows), rows[0])
	}
	var sum decimal.Decimal
	for _, r := range rows[1:] {
		sum = sum.Add(decimal.RequireFromString(r[5]))
	}
	if sum.StringFixed(2) != got["cluster"] {
		t.Errorf("cluster-namespace.csv adds up to %s, the page shows %s", sum, got["cluster"])
	}
	// Without a cluster the page says how to get one.
	if p := body(t, get(t, Handler(&Data{}, "", "test"), "GET", "/cluster", nil)); !strings.Contains(p, "No cluster: give --kubeconfig") {
		t.Error("/cluster without a cluster should say which flag gives it")
	}
}

// TestThousandNamespaces renders the Cluster page of 1,000 namespaces
// quickly: the chart draws 20 of them and "other", the table lists all.
func TestThousandNamespaces(t *testing.T) {
	h := Handler(clusterData(t, 1000, 200), "", "test")
	start := time.Now()
	r := get(t, h, "GET", "/cluster", nil)
	page := body(t, r)
	took := time.Since(start)
	if r.StatusCode != 200 || strings.Count(page, `data-namespace="team-`) != 1000 || !strings.Contains(page, "other (980 namespaces)") {
		t.Fatalf("%d: %d namespaces in the table", r.StatusCode, strings.Count(page, `data-namespace="team-`))
	}
	if svg := page[strings.Index(page, "<svg"):strings.Index(page, "</svg>")]; strings.Count(svg, `text-anchor="end"`) != 22 {
		t.Errorf("the namespace chart has %d rows, want 20, other and __idle__", strings.Count(svg, `text-anchor="end"`))
	}
	if took > 3*time.Second || len(page) > 400<<10 {
		t.Errorf("1,000 namespaces: %v, %d KB", took, len(page)>>10)
	}
	t.Logf("1,000 namespaces: %v, %d KB", took, len(page)>>10)
}
