package plan

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/examples"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/plan/eksctlcfg"
	"github.com/refit-dev/refit/internal/plan/eksctlcfg/eksctltest"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/source"
)

var at = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func load(t *testing.T, name string) *estate.Estate {
	t.Helper()
	l := &source.Loader{FS: source.Prefixed(examples.Dir, examples.FS())}
	e, err := l.Load([]string{examples.Dir + "/" + name})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func catalog(t *testing.T) *pricing.Catalog {
	t.Helper()
	c, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The founding story: from the kops cluster, the plan recommends an EKS
// design under $5 a day that saves over 60%.
func TestFoundingStory(t *testing.T) {
	r, err := Make(load(t, "kops-before"), catalog(t), Options{Options: cost.Options{At: at}})
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := r.Scenario(r.Recommended)
	if !ok {
		t.Fatalf("recommended %q is not a scenario", r.Recommended)
	}
	daily := cost.Daily(rec.Monthly())
	if !daily.LessThan(decimal.NewFromInt(5)) {
		t.Errorf("recommended %s costs %s a day, want under $5", rec.Name, daily.StringFixed(2))
	}
	today := r.Current.Monthly()
	saving := today.Sub(rec.Monthly()).Div(today)
	if !saving.GreaterThan(decimal.NewFromFloat(0.6)) {
		t.Errorf("saving %s%%, want over 60%%", saving.Mul(decimal.NewFromInt(100)).StringFixed(1))
	}
	if rec.Eksctl == nil || rec.Estate.Clusters[0].ControlPlane != estate.ControlPlaneEKS {
		t.Errorf("recommended %s is not an EKS design", rec.Name)
	}
	for _, want := range []string{"today", "today-tuned", "kops-one-master", "eks-on-demand", "eks-spot", "eks-fargate", "eks-spot-nat-per-zone", "eks-spot-public-nodes", "eks-spot-vpc-endpoints"} {
		if _, ok := r.Scenario(want); !ok {
			t.Errorf("scenario %s missing (have %v)", want, r.Names())
		}
	}
	pub, _ := r.Scenario("eks-spot-public-nodes")
	if pub.Eligible {
		t.Error("public nodes must not be eligible without --allow-public-nodes")
	}
	if len(r.KopsGroups) != 1 || len(r.Unmapped) == 0 {
		t.Errorf("kops mapping: %d groups, %d unmapped", len(r.KopsGroups), len(r.Unmapped))
	}
}

// Every scenario is a full Breakdown from the cost engine, and the node cost
// the packer planned is the one the engine prices.
func TestScenariosArePricedByTheEngine(t *testing.T) {
	r, err := Make(load(t, "kops-before"), catalog(t), Options{Options: cost.Options{At: at}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Scenarios {
		if s.Breakdown == nil || len(s.Breakdown.Items) == 0 {
			t.Fatalf("%s: no breakdown", s.Name)
		}
		if s.LowerBoundMonthly.GreaterThan(s.Monthly().Add(decimal.NewFromFloat(0.01))) {
			t.Errorf("%s: lower bound %s above the plan %s", s.Name, s.LowerBoundMonthly, s.Monthly())
		}
		for _, n := range s.Nodes {
			if n.MonthlyCost.IsZero() || n.Purchase == estate.Fargate {
				continue
			}
			comp := cost.ComputeOnDemand
			if n.Purchase == estate.Spot {
				comp = cost.ComputeSpot
			}
			if got := componentCost(s.Breakdown, comp); got.Round(2).Sub(n.MonthlyCost.Round(2)).Abs().GreaterThan(decimal.NewFromFloat(0.02)) {
				t.Errorf("%s: engine prices the nodes at %s, the packer at %s", s.Name, got.StringFixed(2), n.MonthlyCost.StringFixed(2))
			}
		}
	}
}

func TestConstraints(t *testing.T) {
	e := load(t, "kops-before")
	tests := []struct {
		name  string
		opt   Options
		check func(t *testing.T, r *Result)
	}{
		{"no spot", Options{NoSpot: true}, func(t *testing.T, r *Result) {
			rec, _ := r.Scenario(r.Recommended)
			for _, n := range rec.Nodes {
				if n.Purchase == estate.Spot {
					t.Errorf("recommended %s buys spot", rec.Name)
				}
			}
		}},
		{"public nodes allowed", Options{AllowPublicNodes: true}, func(t *testing.T, r *Result) {
			if !strings.HasSuffix(r.Recommended, "-public-nodes") {
				t.Errorf("recommended %s, want the public-nodes design (cheapest)", r.Recommended)
			}
		}},
		{"min nodes", Options{MinNodes: 4}, func(t *testing.T, r *Result) {
			s, _ := r.Scenario("eks-on-demand")
			if s.Nodes[0].Count < 4 {
				t.Errorf("eks-on-demand has %d nodes, want ≥ 4", s.Nodes[0].Count)
			}
		}},
		{"families", Options{Families: []string{"m7i"}}, func(t *testing.T, r *Result) {
			s, _ := r.Scenario("eks-on-demand")
			for _, typ := range s.Nodes[0].InstanceTypes {
				if !strings.HasPrefix(typ, "m7i.") {
					t.Errorf("type %s is not m7i", typ)
				}
			}
		}},
		{"arm64", Options{Arch: []string{"arm64"}}, func(t *testing.T, r *Result) {
			s, _ := r.Scenario("eks-on-demand")
			it, err := catalog(t).InstanceType(s.Nodes[0].InstanceTypes[0])
			if err != nil || it.Arch != "arm64" {
				t.Errorf("type %v is not arm64", s.Nodes[0].InstanceTypes)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.At = at
			r, err := Make(e, catalog(t), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, r)
		})
	}
}

func TestBadInput(t *testing.T) {
	big := &estate.Estate{Region: "us-east-1", Workloads: []estate.Workload{{
		Kind: "Deployment", Namespace: "a", Name: "huge", Replicas: 1,
		Requests: estate.Resources{MilliCPU: 10_000_000, MemoryBytes: 1 << 30}, Origin: estate.Origin{File: "w.yaml", Line: 3},
	}}}
	_, err := Make(big, catalog(t), Options{Options: cost.Options{At: at}})
	if err == nil || !strings.Contains(err.Error(), "huge") {
		t.Errorf("err = %v, want one naming the pod that fits nowhere", err)
	}
	_, err = Make(&estate.Estate{}, catalog(t), Options{Options: cost.Options{At: at}, Headroom: 1.5})
	if err == nil || !strings.Contains(err.Error(), "headroom") {
		t.Errorf("err = %v, want a headroom error", err)
	}
	_, err = Make(&estate.Estate{}, catalog(t), Options{Options: cost.Options{At: at}, Families: []string{"zz9"}})
	if err == nil || !strings.Contains(err.Error(), "no instance type") {
		t.Errorf("err = %v, want no instance type", err)
	}
}

func TestDemandOf(t *testing.T) {
	e := &estate.Estate{
		Claims: []estate.Claim{{Namespace: "db", Name: "data-redis"}},
		Workloads: []estate.Workload{
			{Kind: "Deployment", Namespace: "app", Name: "web", Replicas: 2, Requests: estate.Resources{MilliCPU: 100, MemoryBytes: 1 << 20}},
			{Kind: "Deployment", Namespace: "app", Name: "bare", Replicas: 1},
			{Kind: "DaemonSet", Namespace: "kube-system", Name: "agent", PerNode: true, Requests: estate.Resources{MilliCPU: 10}},
			{Kind: "StatefulSet", Namespace: "db", Name: "redis", Replicas: 1, Claims: []string{"data-redis"}, Requests: estate.Resources{MilliCPU: 10}},
			{Kind: "Deployment", Namespace: "net", Name: "cni", Replicas: 1, HostNetwork: true, Requests: estate.Resources{MilliCPU: 10}},
			{Kind: "Deployment", Namespace: "sec", Name: "priv", Replicas: 1, Privileged: true, Requests: estate.Resources{MilliCPU: 10}},
			{Kind: "CronJob", Namespace: "app", Name: "backup", Replicas: 1},
		},
	}
	d := DemandOf(e, 100, 128<<20, false)
	want := map[string]string{
		"Deployment app/web":          "",
		"Deployment app/bare":         "",
		"DaemonSet kube-system/agent": "a DaemonSet",
		"StatefulSet db/redis":        "an EBS volume (data-redis)",
		"Deployment net/cni":          "host network",
		"Deployment sec/priv":         "privileged containers",
	}
	if len(d.Groups) != len(want) {
		t.Fatalf("groups = %d, want %d", len(d.Groups), len(want))
	}
	for _, g := range d.Groups {
		if w, ok := want[g.ID()]; !ok || g.NotFargate != w {
			t.Errorf("%s: notFargate %q, want %q", g.ID(), g.NotFargate, w)
		}
		if g.Name == "bare" && (!g.Defaulted || g.MilliCPU != 100 || g.MemoryBytes != 128<<20) {
			t.Errorf("bare: %+v, want the default requests", g)
		}
	}
	all := strings.Join(d.Assumptions, "\n")
	for _, w := range []string{"Deployment app/bare", "100m CPU and 128 MiB", "app/backup"} {
		if !strings.Contains(all, w) {
			t.Errorf("assumptions %q lack %q", all, w)
		}
	}
}

// The recommended design's eksctl config is one eksctl itself accepts:
// strict decoding into its ClusterConfig type, then its defaulting and
// validation.
func TestWriteEksctlAccepted(t *testing.T) {
	for _, example := range []string{"kops-before", "eks-after"} {
		r, err := Make(load(t, example), catalog(t), Options{Options: cost.Options{At: at}})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range r.Scenarios {
			if s.Eksctl == nil {
				continue
			}
			var buf bytes.Buffer
			if err := eksctlcfg.Write(&buf, *s.Eksctl); err != nil {
				t.Fatalf("%s/%s: %v", example, s.Name, err)
			}
			cfg, err := eksctltest.Load(buf.Bytes())
			if err != nil {
				t.Fatalf("%s/%s: eksctl rejects the config: %v\n%s", example, s.Name, err, buf.String())
			}
			if len(s.Nodes) > 0 && s.Nodes[0].Purchase != estate.Fargate {
				ng := cfg.ManagedNodeGroups[0]
				if *ng.DesiredCapacity != s.Nodes[0].Count || len(ng.InstanceTypes) != len(s.Nodes[0].InstanceTypes) ||
					ng.Spot != (s.Nodes[0].Purchase == estate.Spot) {
					t.Errorf("%s/%s: eksctl reads %d × %v spot=%v, the plan says %+v", example, s.Name, *ng.DesiredCapacity, ng.InstanceTypes, ng.Spot, s.Nodes[0])
				}
			}
		}
	}
}

func TestEachScenario(t *testing.T) {
	r, err := Make(load(t, "kops-before"), catalog(t), Options{Options: cost.Options{At: at}})
	if err != nil {
		t.Fatal(err)
	}
	get := func(name string) Scenario {
		s, ok := r.Scenario(name)
		if !ok {
			t.Fatalf("no scenario %s", name)
		}
		return s
	}
	count := func(s Scenario, f func(*estate.Estate) int) int { return f(s.Estate) }
	nats := func(e *estate.Estate) int { return len(e.NATGateways) }
	tests := []struct {
		name  string
		check func(t *testing.T, s Scenario)
	}{
		{"today-tuned", func(t *testing.T, s Scenario) {
			if count(s, nats) != 1 {
				t.Errorf("NAT gateways = %d, want 1", count(s, nats))
			}
			for _, g := range s.Estate.NodeGroups {
				if g.RootVolume.Type != "gp3" || (g.Role == estate.RoleNode && g.RootVolume.SizeGiB != 20) {
					t.Errorf("%s root volume %s %g GiB", g.Name, g.RootVolume.Type, g.RootVolume.SizeGiB)
				}
			}
			if !s.Monthly().LessThan(r.Current.Monthly()) {
				t.Error("tuning saves nothing")
			}
		}},
		{"kops-one-master", func(t *testing.T, s Scenario) {
			masters, etcd := 0, 0
			for _, g := range s.Estate.NodeGroups {
				if g.Role == estate.RoleMaster {
					masters += g.Count
				}
			}
			for _, v := range s.Estate.Volumes {
				if v.Purpose == "etcd" {
					etcd++
				}
			}
			if masters != 1 || etcd != 2 {
				t.Errorf("masters %d, etcd volumes %d; want 1 and 2", masters, etcd)
			}
		}},
		{"eks-fargate", func(t *testing.T, s Scenario) {
			if componentCost(s.Breakdown, cost.ComputeFargate).IsZero() || len(s.Estate.FargateProfiles) == 0 {
				t.Error("no Fargate pods priced")
			}
			for _, p := range s.Estate.FargateProfiles {
				for _, sel := range p.Selectors {
					if sel.Namespace == "argocd" && sel.Labels["app.kubernetes.io/name"] == "argocd-redis" {
						t.Error("Redis (an EBS claim) must not go to Fargate")
					}
				}
			}
		}},
		{"eks-spot-nat-per-zone", func(t *testing.T, s Scenario) {
			if count(s, nats) != 3 {
				t.Errorf("NAT gateways = %d, want 3 (one per zone)", count(s, nats))
			}
		}},
		{"eks-spot-public-nodes", func(t *testing.T, s Scenario) {
			if count(s, nats) != 0 || !s.Estate.NodeGroups[0].PublicIP || s.Eksctl.NAT != "Disable" {
				t.Errorf("public design: %d NATs, public IP %v, eksctl NAT %s", count(s, nats), s.Estate.NodeGroups[0].PublicIP, s.Eksctl.NAT)
			}
		}},
		{"eks-spot-vpc-endpoints", func(t *testing.T, s Scenario) {
			if len(s.Estate.VPCEndpoints) != 3 || componentCost(s.Breakdown, cost.VPCEndpoint).IsZero() {
				t.Errorf("endpoints %d, cost %s", len(s.Estate.VPCEndpoints), componentCost(s.Breakdown, cost.VPCEndpoint))
			}
			if !strings.Contains(strings.Join(s.Explain, " "), "pay off above") {
				t.Errorf("explain %q lacks the break-even", s.Explain)
			}
		}},
		{"eks-on-demand", func(t *testing.T, s Scenario) {
			if s.Nodes[0].Purchase != estate.OnDemand || s.Nodes[0].Count < 2 {
				t.Errorf("nodes %+v", s.Nodes[0])
			}
		}},
		{"eks-spot", func(t *testing.T, s Scenario) {
			if s.Nodes[0].Purchase != estate.Spot || len(s.Nodes[0].InstanceTypes) != 3 {
				t.Errorf("nodes %+v, want a spot group of 3 types", s.Nodes[0])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, get(tt.name)) })
	}
}

// Every eksctl config plan writes, for every scenario of every example and
// architecture choice, names only instance types the EKS-optimized AMIs run
// (eksami.go): no t1.micro, no A1.
func TestWrittenInstanceTypesRunTheEKSAMI(t *testing.T) {
	cat := catalog(t)
	for _, example := range examples.Names() {
		for _, arch := range [][]string{{"amd64"}, {"amd64", "arm64"}, {"arm64"}} {
			r, err := Make(load(t, example), cat, Options{Options: cost.Options{At: at}, Arch: arch})
			if err != nil {
				t.Fatalf("%s %v: %v", example, arch, err)
			}
			written := 0
			for _, s := range r.Scenarios {
				if s.Eksctl == nil {
					continue
				}
				var buf bytes.Buffer
				if err := eksctlcfg.Write(&buf, *s.Eksctl); err != nil {
					t.Fatalf("%s/%s: %v", example, s.Name, err)
				}
				cfg, err := eksctltest.Load(buf.Bytes())
				if err != nil {
					t.Fatalf("%s/%s: %v", example, s.Name, err)
				}
				var types []string
				for _, ng := range cfg.ManagedNodeGroups {
					types = append(append(types, ng.InstanceTypes...), ng.InstanceType)
				}
				for _, ng := range cfg.NodeGroups {
					types = append(types, ng.InstanceType)
					if ng.InstancesDistribution != nil {
						types = append(types, ng.InstancesDistribution.InstanceTypes...)
					}
				}
				for _, typ := range types {
					if typ == "" {
						continue
					}
					written++
					it, err := cat.InstanceType(typ)
					if err != nil {
						t.Errorf("%s %v/%s: %s: %v", example, arch, s.Name, typ, err)
						continue
					}
					if ok, why := EKSAMISupports(it); !ok {
						t.Errorf("%s %v/%s writes %s, which the EKS-optimized AMIs do not run: %s", example, arch, s.Name, typ, why)
					}
				}
			}
			if written == 0 {
				t.Errorf("%s %v: no instance type written, nothing checked", example, arch)
			}
		}
	}
}

func TestEKSAMISupports(t *testing.T) {
	cat := catalog(t)
	for typ, want := range map[string]bool{
		"t1.micro": false, "m1.small": false, "m3.medium": false, "c3.large": false, "r3.large": false, "i2.xlarge": false,
		"a1.large": false, "p2.xlarge": false,
		"t2.micro": true, "t3.small": true, "t3a.medium": true, "m4.large": true, "c4.large": true, "m5.large": true,
		"t4g.small": true, "m6g.large": true, "m7i.large": true, "m5.metal": true,
	} {
		it, err := cat.InstanceType(typ)
		if err != nil {
			t.Fatal(err)
		}
		if got, why := EKSAMISupports(it); got != want {
			t.Errorf("%s: supported = %v (%s), want %v", typ, got, why, want)
		}
	}
}

// "today" places pods as the cost engine does: the pods a Fargate profile
// selects run on Fargate, not on the nodes; and a node group's
// maxPodsPerNode caps its pod slots.
func TestTodayPlacesPodsLikeCost(t *testing.T) {
	loadDir := func(t *testing.T, dir string) *estate.Estate {
		t.Helper()
		e, err := (&source.Loader{FS: source.OS}).Load([]string{"testdata/" + dir})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	t.Run("fargate profiles", func(t *testing.T) {
		e := loadDir(t, "fargate-today")
		r, err := Make(e, catalog(t), Options{Options: cost.Options{At: at}})
		if err != nil {
			t.Fatal(err)
		}
		today, _ := r.Scenario("today")
		if !today.Eligible {
			t.Errorf("today is not eligible: %s", today.WhyNot)
		}
		if fg := componentCost(today.Breakdown, cost.ComputeFargate); fg.IsZero() {
			t.Fatal("cost prices no pod on Fargate")
		}
		var fargatePods int
		for _, n := range today.Nodes {
			if n.Purchase == estate.Fargate {
				fargatePods += n.Pods
			}
		}
		if fargatePods != 15 {
			t.Errorf("today shows %d pods on Fargate, want the 15 cost prices there (nodes %+v)", fargatePods, today.Nodes)
		}
	})
	t.Run("maxPodsPerNode", func(t *testing.T) {
		e := loadDir(t, "max-pods")
		if e.NodeGroups[0].MaxPods != 4 {
			t.Fatalf("node group max pods = %d, want 4 from maxPodsPerNode", e.NodeGroups[0].MaxPods)
		}
		r, err := Make(e, catalog(t), Options{Options: cost.Options{At: at}})
		if err != nil {
			t.Fatal(err)
		}
		today, _ := r.Scenario("today")
		if today.Eligible || !strings.Contains(today.WhyNot, "4 pod slots") {
			t.Errorf("today eligible=%v (%q), want it to break the 4 pod slots maxPodsPerNode leaves", today.Eligible, today.WhyNot)
		}
	})
}
