package allocation

import (
	"reflect"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
)

const gi = 1 << 30

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func node(name string, mcpu, memGi int64) estate.Node {
	return estate.Node{Name: name, NodeGroup: "m5.xlarge on-demand",
		Allocatable: estate.Resources{MilliCPU: mcpu, MemoryBytes: memGi * gi}}
}

func pod(ns, name, nodeName string, mcpu, memGi int64, labels map[string]string) estate.Pod {
	return estate.Pod{Namespace: ns, Name: name, Node: nodeName, Phase: "Running",
		Requests:  estate.Resources{MilliCPU: mcpu, MemoryBytes: memGi * gi},
		OwnerKind: "Deployment", OwnerName: name, Labels: labels}
}

func sum(as []Allocation) decimal.Decimal {
	t := decimal.Zero
	for _, a := range as {
		t = t.Add(a.MonthlyCost)
	}
	return t
}

func byName(as []Allocation) map[string]string {
	m := map[string]string{}
	for _, a := range as {
		m[a.Name] = a.MonthlyCost.String()
	}
	return m
}

func TestAllocate(t *testing.T) {
	team := func(v string) map[string]string { return map[string]string{"team": v} }
	tests := []struct {
		name   string
		snap   estate.Estate
		prices NodePrices
		by     string
		want   map[string]string
		idle   string
	}{
		{
			name: "half the cpu and a quarter of the memory",
			snap: estate.Estate{
				Nodes: []estate.Node{node("n1", 4000, 16)},
				Pods:  []estate.Pod{pod("a", "p1", "n1", 2000, 4, nil)},
			},
			prices: NodePrices{"n1": d("100")},
			by:     "namespace",
			// ½·2000/4000 + ½·4/16 = 0.375
			want: map[string]string{"a": "37.5", Idle: "62.5"},
			idle: "62.5",
		},
		{
			name: "two namespaces on two nodes, finished and unscheduled pods ignored",
			snap: estate.Estate{
				Nodes: []estate.Node{node("n1", 4000, 16), node("n2", 2000, 8)},
				Pods: []estate.Pod{
					pod("a", "p1", "n1", 1000, 4, nil),
					pod("b", "p2", "n1", 1000, 4, nil),
					pod("b", "p3", "n2", 2000, 8, nil),
					{Namespace: "c", Name: "done", Node: "n2", Phase: estate.PodSucceeded, Requests: estate.Resources{MilliCPU: 2000}},
					pod("c", "pending", "", 500, 1, nil),
				},
			},
			prices: NodePrices{"n1": d("140.16"), "n2": d("70.08")},
			by:     "namespace",
			want:   map[string]string{"a": "35.04", "b": "105.12", Idle: "70.08"},
			idle:   "70.08",
		},
		{
			name: "overcommitted node is normalised, no idle",
			snap: estate.Estate{
				Nodes: []estate.Node{node("n1", 1000, 4)},
				Pods: []estate.Pod{
					pod("a", "p1", "n1", 1000, 4, nil),
					pod("b", "p2", "n1", 1000, 4, nil),
					pod("c", "p3", "n1", 1000, 4, nil),
				},
			},
			prices: NodePrices{"n1": d("100")},
			by:     "namespace",
			// thirds truncated to micro-dollars; the remainder goes to the
			// largest share (first by name on a tie).
			want: map[string]string{"a": "33.333334", "b": "33.333333", "c": "33.333333"},
			idle: "0",
		},
		{
			name: "by label with unlabelled pods",
			snap: estate.Estate{
				Nodes: []estate.Node{node("n1", 4000, 16)},
				Pods: []estate.Pod{
					pod("a", "p1", "n1", 1000, 4, team("x")),
					pod("b", "p2", "n1", 1000, 4, team("x")),
					pod("b", "p3", "n1", 1000, 4, nil),
				},
			},
			prices: NodePrices{"n1": d("100")},
			by:     "label:team",
			want:   map[string]string{"x": "50", Unlabelled: "25", Idle: "25"},
			idle:   "25",
		},
		{
			name: "by workload",
			snap: estate.Estate{
				Nodes: []estate.Node{node("n1", 3000, 3)},
				Pods: []estate.Pod{
					pod("a", "web", "n1", 1000, 1, nil),
					pod("a", "api", "n1", 1000, 1, nil),
				},
			},
			prices: NodePrices{"n1": d("10")},
			by:     "workload",
			want:   map[string]string{"a/Deployment/web": "3.333333", "a/Deployment/api": "3.333333", Idle: "3.333334"},
			idle:   "3.333334",
		},
		{
			name: "node without price is skipped; node without allocatable is idle",
			snap: estate.Estate{
				Nodes: []estate.Node{node("n1", 0, 0), node("n2", 1000, 1)},
				Pods:  []estate.Pod{pod("a", "p1", "n1", 1000, 1, nil), pod("a", "p2", "n2", 1000, 1, nil)},
			},
			prices: NodePrices{"n1": d("5")},
			by:     "namespace",
			want:   map[string]string{"a": "0", Idle: "5"},
			idle:   "5",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			by, err := ParseDimension(tt.by)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Allocate(&tt.snap, Prices{Nodes: tt.prices}, by)
			if err != nil {
				t.Fatal(err)
			}
			total := decimal.Zero
			for _, n := range tt.snap.Nodes {
				if p, ok := tt.prices[n.Name]; ok {
					total = total.Add(p)
				}
			}
			if !r.NodesMonthlyCost.Equal(total) {
				t.Errorf("NodesMonthlyCost = %s, want %s", r.NodesMonthlyCost, total)
			}
			if !sum(r.Allocations).Equal(total) {
				t.Errorf("allocations sum to %s, want exactly %s", sum(r.Allocations), total)
			}
			if !r.IdleCost.Equal(d(tt.idle)) {
				t.Errorf("idle = %s, want %s", r.IdleCost, tt.idle)
			}
			got := byName(r.Allocations)
			for k, v := range tt.want {
				if got[k] != v && !(v == "0" && got[k] == "") {
					t.Errorf("%s = %q, want %s (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

// TestAllocateExactSums checks the exact-sum invariant on awkward prices
// and requests.
func TestAllocateExactSums(t *testing.T) {
	snap := estate.Estate{}
	prices := NodePrices{}
	total := decimal.Zero
	for i := range 7 {
		n := node(string(rune('a'+i))+"-node", int64(1930+i*7), int64(7+i))
		snap.Nodes = append(snap.Nodes, n)
		p := d("70.08").Add(decimal.New(int64(i)*37, -3))
		prices[n.Name] = p
		total = total.Add(p)
		for j := range 5 + i {
			snap.Pods = append(snap.Pods, pod([]string{"x", "y", "z"}[j%3], n.Name+"-p"+string(rune('0'+j)), n.Name, int64(113*(j+1)), int64(j%3+1), nil))
		}
	}
	for _, by := range []string{"namespace", "workload", "label:none"} {
		dim, _ := ParseDimension(by)
		r, err := Allocate(&snap, Prices{Nodes: prices}, dim)
		if err != nil {
			t.Fatal(err)
		}
		if !sum(r.Allocations).Equal(total) || !r.NodesMonthlyCost.Equal(total) {
			t.Errorf("%s: allocations %s, nodes %s, want %s", by, sum(r.Allocations), r.NodesMonthlyCost, total)
		}
		if r.IdleCost.IsNegative() {
			t.Errorf("%s: negative idle %s", by, r.IdleCost)
		}
	}
}

func TestClaimsAndLoadBalancers(t *testing.T) {
	snap := estate.Estate{
		Nodes: []estate.Node{node("n1", 4000, 16)},
		Pods: []estate.Pod{
			func() estate.Pod {
				p := pod("db", "pg-0", "n1", 1000, 4, map[string]string{"app": "pg", "team": "data"})
				p.OwnerKind, p.OwnerName, p.Claims = "StatefulSet", "pg", []string{"data-pg-0"}
				return p
			}(),
			pod("web", "front", "n1", 1000, 4, map[string]string{"app": "front"}),
		},
		Claims: []estate.Claim{
			{Namespace: "db", Name: "data-pg-0", SizeGiB: 100},
			{Namespace: "db", Name: "orphan", SizeGiB: 10},
		},
		LoadBalancers: []estate.LoadBalancer{
			{Name: "web/front", Type: estate.NLB, Service: true, Selector: map[string]string{"app": "front"}, Labels: map[string]string{"team": "web"}},
			// The ALB of the IngressGroup "shared".
			{Name: "shared", Type: estate.ALB, Members: []string{"db/b", "web/a"}},
		},
	}
	prices := Prices{
		Nodes:  NodePrices{"n1": d("100")},
		Claims: map[string]decimal.Decimal{"db/data-pg-0": d("8"), "db/orphan": d("0.8")},
		LoadBalancers: map[string]decimal.Decimal{
			LoadBalancerKey("service", "web/front"): d("16.43"),
			LoadBalancerKey("alb", "shared"):        d("16.43"),
		},
	}
	tests := []struct {
		by          string
		claims, lbs map[string]string
	}{
		{"namespace", map[string]string{"db": "8.8"}, map[string]string{"web": "24.645", "db": "8.215"}},
		{"workload", map[string]string{"db/StatefulSet/pg": "8", "db/" + Unmounted: "0.8"},
			map[string]string{"web/Deployment/front": "16.43", "web/Ingress/a": "8.215", "db/Ingress/b": "8.215"}},
		{"label:team", map[string]string{"data": "8", Unmounted: "0.8"}, map[string]string{"web": "16.43", Unlabelled: "16.43"}},
	}
	for _, tt := range tests {
		t.Run(tt.by, func(t *testing.T) {
			dim, _ := ParseDimension(tt.by)
			r, err := Allocate(&snap, prices, dim)
			if err != nil {
				t.Fatal(err)
			}
			if !sum(r.Allocations).Equal(d("100")) {
				t.Errorf("node allocations sum to %s", sum(r.Allocations))
			}
			if got := byName(r.Claims); !equalMaps(got, tt.claims) {
				t.Errorf("claims = %v, want %v", got, tt.claims)
			}
			if got := byName(r.LoadBalancers); !equalMaps(got, tt.lbs) {
				t.Errorf("load balancers = %v, want %v", got, tt.lbs)
			}
			if want := d("100").Add(d("8.8")).Add(d("32.86")); !r.Total().Equal(want) {
				t.Errorf("total = %s, want %s", r.Total(), want)
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !d(v).Equal(d(b[k])) {
			return false
		}
	}
	return true
}

func TestParseDimension(t *testing.T) {
	for _, s := range []string{"namespace", "workload", "label:team", "label:app.kubernetes.io/name"} {
		dim, err := ParseDimension(s)
		if err != nil || dim.String() != s {
			t.Errorf("ParseDimension(%q) = %v, %v", s, dim, err)
		}
	}
	for _, s := range []string{"", "label", "label:", "node", "Namespace"} {
		if _, err := ParseDimension(s); err == nil {
			t.Errorf("ParseDimension(%q): no error", s)
		}
	}
}

func TestNegativePrice(t *testing.T) {
	n := node("n1", 1000, 1)
	n.Origin = estate.Origin{Ref: "kube:c/node/n1"}
	snap := estate.Estate{Nodes: []estate.Node{n}}
	_, err := Allocate(&snap, Prices{Nodes: NodePrices{"n1": d("-1")}}, Dimension{Kind: ByNamespace})
	if err == nil || err.Error() != "kube:c/node/n1: node n1: negative price -1" {
		t.Errorf("err = %v", err)
	}
}

func FuzzParseDimension(f *testing.F) {
	f.Add("namespace")
	f.Add("label:team")
	f.Fuzz(func(t *testing.T, s string) {
		dim, err := ParseDimension(s)
		if err == nil && dim.String() != s {
			t.Errorf("round trip %q -> %q", s, dim.String())
		}
	})
}

// TestPricesFromBreakdown prices a cluster's estate, as kubelive makes it,
// with the cost engine and reads each node's, claim's and load balancer's
// price back by origin.
func TestPricesFromBreakdown(t *testing.T) {
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	o := func(ref string) estate.Origin { return estate.Origin{Ref: "kube:c/" + ref} }
	group := "m5.xlarge on-demand" // node's NodeGroup
	n1, n2 := node("n1", 4000, 16), node("n2", 4000, 16)
	n1.Cluster, n2.Cluster = "c", "c"
	fargate := estate.Node{Name: "fargate-ip-1", Cluster: "c", Origin: o("node/fargate-ip-1")}
	e := &estate.Estate{
		Region:     "us-east-1",
		Clusters:   []estate.Cluster{{Name: "c", ControlPlane: estate.ControlPlaneEKS, Source: "kube", Origin: o("cluster/c")}},
		NodeGroups: []estate.NodeGroup{{Name: group, Cluster: "c", Role: estate.RoleNode, InstanceTypes: []string{"m5.xlarge"}, Count: 2, Purchase: estate.OnDemand, Origin: o("nodegroup/m5.xlarge-on-demand")}},
		Nodes:      []estate.Node{n1, n2, fargate},
		Pods: []estate.Pod{
			func() estate.Pod {
				p := pod("db", "pg-0", "n1", 1000, 4, nil)
				p.OwnerKind, p.OwnerName, p.Claims = "StatefulSet", "pg", []string{"data"}
				return p
			}(),
			pod("web", "front", "n2", 1000, 4, map[string]string{"app": "front"}),
		},
		StorageClasses: []estate.StorageClass{{Name: "gp3", EBSType: "gp3", Default: true}},
		Claims:         []estate.Claim{{Namespace: "db", Name: "data", StorageClass: "gp3", SizeGiB: 100, Count: 1, Origin: o("pvc/db/data")}},
		LoadBalancers: []estate.LoadBalancer{
			{Name: "web/front", Type: estate.NLB, Service: true, Selector: map[string]string{"app": "front"}, Origin: o("service/web/front")},
			{Name: "shared", Type: estate.ALB, Members: []string{"db/b", "web/a"}, Origin: o("ingress/db/b")},
		},
	}
	b, err := cost.Estimate(e, cat, cost.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var hourly decimal.Decimal
	for _, it := range b.Items {
		if it.Origin == "kube:c/nodegroup/m5.xlarge-on-demand" && it.Unit == "instance-hours" {
			hourly = it.UnitPrice
		}
	}
	if !hourly.IsPositive() {
		t.Fatalf("no instance-hour price for the node group in %+v", b.Items)
	}
	p := PricesFromBreakdown(e, b)
	want := hourly.Mul(decimal.NewFromInt(cost.HoursPerMonth))
	if len(p.Nodes) != 2 || !p.Nodes["n1"].Equal(want) || !p.Nodes["n2"].Equal(want) {
		t.Errorf("node prices %v, want n1 and n2 at %s", p.Nodes, want)
	}
	if c := p.Claims["db/data"]; !c.IsPositive() || len(p.Claims) != 1 {
		t.Errorf("claim prices %v", p.Claims)
	}
	for _, k := range []string{LoadBalancerKey("service", "web/front"), LoadBalancerKey("alb", "shared")} {
		if !p.LoadBalancers[k].IsPositive() {
			t.Errorf("no price for %s in %v", k, p.LoadBalancers)
		}
	}
	if len(p.LoadBalancers) != 2 {
		t.Errorf("load balancer prices %v", p.LoadBalancers)
	}
	r, err := Allocate(e, p, Dimension{Kind: ByNamespace})
	if err != nil {
		t.Fatal(err)
	}
	if !sum(r.Allocations).Equal(want.Mul(decimal.NewFromInt(2))) || !reflect.DeepEqual(r.Unpriced, []string{"fargate-ip-1"}) {
		t.Errorf("allocations %v (sum %s), unpriced %v", byName(r.Allocations), sum(r.Allocations), r.Unpriced)
	}
	if got := byName(r.Claims); len(got) != 1 || got["db"] != p.Claims["db/data"].String() {
		t.Errorf("claims %v", got)
	}
}
