package waste

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/examples"
	"github.com/refit-dev/refit/internal/awslb"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/source"
)

const region = "us-east-1"

func catalog(t *testing.T) *pricing.Catalog {
	t.Helper()
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// price reads a unit price from the catalog, so that expectations are not
// constants.
func price(t *testing.T, cat *pricing.Catalog, service, item string) decimal.Decimal {
	t.Helper()
	p, err := cat.Service(service, item, region)
	if err != nil {
		t.Fatal(err)
	}
	return p.USD
}

func d(f float64) decimal.Decimal { return decimal.NewFromFloat(f) }

var hours = decimal.NewFromInt(cost.HoursPerMonth)

func ptr[T any](v T) *T { return &v }

func line(n int) estate.Origin { return estate.Origin{File: "in.yaml", Line: n} }

func TestRules(t *testing.T) {
	cat := catalog(t)
	gp2 := price(t, cat, "ebs", "gp2_storage")
	gp3 := price(t, cat, "ebs", "gp3_storage")
	iops := price(t, cat, "ebs", "gp3_iops_above_3000")
	mibps := price(t, cat, "ebs", "gp3_throughput_above_125mibps").Div(decimal.NewFromInt(1024))
	natHour := price(t, cat, "nat_gateway", "gateway_hour")
	ipHour := price(t, cat, "vpc_public_ipv4", "in_use_address_hour")
	idleHour := price(t, cat, "vpc_public_ipv4", "idle_address_hour")
	clb := price(t, cat, "elb_classic", "load_balancer_hour")
	nlb := price(t, cat, "elb_network", "load_balancer_hour")
	extended := price(t, cat, "eks", "cluster_extended_support_total")
	standard := price(t, cat, "eks", "cluster_standard_support")
	workers := func(n int, root estate.Volume) estate.NodeGroup {
		return estate.NodeGroup{Name: "workers", Role: estate.RoleNode, InstanceTypes: []string{"t3.medium"}, Count: n, Purchase: estate.OnDemand, RootVolume: root, Origin: line(1)}
	}
	nats := func(n int) ([]estate.NATGateway, []estate.PublicIP) {
		var gws []estate.NATGateway
		var ips []estate.PublicIP
		for _, z := range []string{"a", "b", "c"}[:n] {
			gws = append(gws, estate.NATGateway{Name: z, Origin: line(2)})
			ips = append(ips, estate.PublicIP{Name: "of NAT gateway " + z, Attached: true, Purpose: "nat", Origin: line(2)})
		}
		return gws, ips
	}
	gws3, ips3 := nats(3)
	gws1, ips1 := nats(1)

	tests := []struct {
		name    string
		e       estate.Estate
		opt     Options
		rule    string
		count   int
		saving  decimal.Decimal
		conf    string
		fixHas  string
		whyHas  string
		noneFor string // rule that must not fire
	}{
		{name: "unattached volume", rule: RuleUnattachedVolume, count: 1, conf: High, fixHas: "aws ec2 delete-volume --volume-id vol-1",
			e:      estate.Estate{Volumes: []estate.Volume{{Name: "vol-1", Type: "gp3", SizeGiB: 100, Attached: ptr(false), Origin: line(3)}}},
			saving: gp3.Mul(d(100))},
		{name: "unattached gp2 volume is not also a gp2 finding", noneFor: RuleGP2Volume,
			e: estate.Estate{Volumes: []estate.Volume{{Name: "vol-1", Type: "gp2", SizeGiB: 100, Attached: ptr(false), Origin: line(3)}}}},
		{name: "attached volume", noneFor: RuleUnattachedVolume,
			e: estate.Estate{Volumes: []estate.Volume{{Name: "v", Type: "gp3", SizeGiB: 100, Attached: ptr(true)}}}},
		{name: "idle Elastic IP", rule: RuleIdleElasticIP, count: 1, conf: High, fixHas: "aws ec2 release-address --allocation-id eipalloc-1",
			e:      estate.Estate{PublicIPs: []estate.PublicIP{{Name: "eipalloc-1", Origin: line(4)}}},
			saving: idleHour.Mul(hours)},
		{name: "attached Elastic IP", noneFor: RuleIdleElasticIP,
			e: estate.Estate{PublicIPs: []estate.PublicIP{{Name: "ip", Attached: true}}}},
		{name: "gp2 volume", rule: RuleGP2Volume, count: 1, conf: High, fixHas: "aws ec2 modify-volume --volume-type gp3 --volume-id vol-2",
			e:      estate.Estate{Volumes: []estate.Volume{{Name: "vol-2", Type: "gp2", SizeGiB: 100, Count: 2}}},
			saving: gp2.Sub(gp3).Mul(d(200))},
		{name: "large gp2 volume keeps its IOPS and throughput on gp3", rule: RuleGP2Volume, count: 1, conf: High,
			fixHas: "--volume-type gp3 --iops 6000 --throughput 250",
			e:      estate.Estate{Volumes: []estate.Volume{{Name: "big", Type: "gp2", SizeGiB: 2000}}},
			saving: gp2.Sub(gp3).Mul(d(2000)).Sub(iops.Mul(d(3000))).Sub(mibps.Mul(d(125)))},
		{name: "gp2 root volumes", rule: RuleGP2Volume, count: 1, conf: High, fixHas: "modify-volume --volume-type gp3",
			e:      estate.Estate{NodeGroups: []estate.NodeGroup{workers(3, estate.Volume{Type: "gp2", SizeGiB: 40})}},
			saving: gp2.Sub(gp3).Mul(d(120))},
		{name: "claim of a gp2 class", rule: RuleGP2Volume, count: 1, conf: High, fixHas: "for pvc in data",
			e: estate.Estate{
				StorageClasses: []estate.StorageClass{{Name: "standard", EBSType: "gp2", Default: true}},
				Claims:         []estate.Claim{{Namespace: "db", Name: "data", SizeGiB: 10, Count: 1, Origin: line(5)}}},
			saving: gp2.Sub(gp3).Mul(d(10))},
		{name: "claim of an unknown class is assumed gp2", rule: RuleGP2Volume, count: 1, conf: Medium, whyHas: "not in the input",
			e:      estate.Estate{Claims: []estate.Claim{{Namespace: "db", Name: "data", StorageClass: "fast", SizeGiB: 10}}},
			saving: gp2.Sub(gp3).Mul(d(10))},
		{name: "claim of a gp3 class", noneFor: RuleGP2Volume,
			e: estate.Estate{Claims: []estate.Claim{{Namespace: "db", Name: "data", StorageClass: "gp3", SizeGiB: 10}}}},
		{name: "oversized root", rule: RuleOversizedRoot, count: 1, conf: Medium, fixHas: "",
			e:      estate.Estate{NodeGroups: []estate.NodeGroup{workers(2, estate.Volume{Type: "gp3", SizeGiB: 200})}},
			saving: gp3.Mul(d(300))},
		{name: "oversized gp2 root is priced after the gp3 change", rule: RuleOversizedRoot, count: 1, conf: Medium, whyHas: "priced as gp3",
			e:      estate.Estate{NodeGroups: []estate.NodeGroup{workers(2, estate.Volume{Type: "gp2", SizeGiB: 200})}},
			saving: gp3.Mul(d(300))},
		{name: "root under a raised threshold", noneFor: RuleOversizedRoot, opt: Options{MinRootVolumeGiB: 250},
			e: estate.Estate{NodeGroups: []estate.NodeGroup{workers(2, estate.Volume{Type: "gp3", SizeGiB: 200})}}},
		{name: "EKS in extended support", rule: RuleEKSExtended, count: 1, conf: High,
			fixHas: "eksctl upgrade cluster --name c --version 1.30 --approve && eksctl upgrade cluster --name c --version 1.31 --approve && eksctl upgrade cluster --name c --version 1.32 --approve",
			opt:    Options{Cost: cost.Options{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
			e:      estate.Estate{Clusters: []estate.Cluster{{Name: "c", ControlPlane: estate.ControlPlaneEKS, KubernetesVersion: "1.29", Source: "eksctl", Origin: line(6)}}},
			saving: extended.Sub(standard).Mul(hours)},
		{name: "EKS in standard support", noneFor: RuleEKSExtended,
			opt: Options{Cost: cost.Options{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
			e:   estate.Estate{Clusters: []estate.Cluster{{Name: "c", ControlPlane: estate.ControlPlaneEKS, KubernetesVersion: "1.33"}}}},
		{name: "three NAT gateways for three nodes", rule: RuleExtraNAT, count: 1, conf: Low, whyHas: "risk",
			e:      estate.Estate{NATGateways: gws3, PublicIPs: ips3, NodeGroups: []estate.NodeGroup{workers(3, estate.Volume{})}},
			saving: natHour.Add(ipHour).Mul(hours).Mul(d(2))},
		{name: "NAT gateways for a large cluster", noneFor: RuleExtraNAT,
			e: estate.Estate{NATGateways: gws3, PublicIPs: ips3, NodeGroups: []estate.NodeGroup{workers(30, estate.Volume{})}}},
		{name: "NAT gateways with no cluster", noneFor: RuleExtraNAT, e: estate.Estate{NATGateways: gws3}},
		{name: "one NAT gateway", noneFor: RuleExtraNAT,
			e: estate.Estate{NATGateways: gws1, PublicIPs: ips1, NodeGroups: []estate.NodeGroup{workers(3, estate.Volume{})}}},
		{name: "unmounted claims", rule: RuleUnmountedClaim, count: 2, conf: Medium, fixHas: "kubectl delete pvc -n ",
			e: estate.Estate{
				StorageClasses: []estate.StorageClass{{Name: "gp3", EBSType: "gp3", Default: true}},
				Workloads: []estate.Workload{
					{Kind: "Deployment", Namespace: "app", Name: "web", Replicas: 1, Claims: []string{"used"}},
					{Kind: "StatefulSet", Namespace: "app", Name: "db", Replicas: 2, Claims: []string{"data-db"}},
				},
				Claims: []estate.Claim{
					{Namespace: "app", Name: "used", SizeGiB: 5, Count: 1},
					{Namespace: "app", Name: "data-db", SizeGiB: 5, Count: 2},
					{Namespace: "app", Name: "orphan", SizeGiB: 30, Count: 1, Origin: line(7)},
					{Namespace: "other", Name: "used", SizeGiB: 1, Count: 1, StorageClass: "gp3"},
				}},
			saving: gp3.Mul(d(30)).Add(gp3)},
		{name: "claims with no workloads in the input", noneFor: RuleUnmountedClaim,
			e: estate.Estate{Claims: []estate.Claim{{Namespace: "app", Name: "orphan", StorageClass: "gp3", SizeGiB: 30}}}},
		{name: "internet-facing Classic ELB", rule: RuleClassicELB, count: 1, conf: Low, fixHas: "aws-load-balancer-type: nlb",
			e:      estate.Estate{LoadBalancers: []estate.LoadBalancer{{Name: "web/ingress", Type: estate.CLB, Origin: line(8)}}},
			saving: clb.Sub(nlb).Mul(hours)},
		{name: "internal Classic ELB", noneFor: RuleClassicELB,
			e: estate.Estate{LoadBalancers: []estate.LoadBalancer{{Name: "web/ingress", Type: estate.CLB, Internal: true}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.e.Region = region
			found, err := Find(&tc.e, cat, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if tc.noneFor != "" {
				for _, f := range found {
					if f.Rule == tc.noneFor {
						t.Errorf("unexpected %s finding: %+v", f.Rule, f)
					}
				}
				return
			}
			var got []Finding
			total := decimal.Zero
			for _, f := range found {
				if f.Rule == tc.rule {
					got = append(got, f)
					total = total.Add(f.MonthlySaving)
				}
			}
			if len(got) != tc.count {
				t.Fatalf("%d %s findings, want %d: %+v", len(got), tc.rule, tc.count, found)
			}
			if !total.Equal(tc.saving) {
				t.Errorf("saving %s, want %s", total, tc.saving)
			}
			for _, f := range got {
				if f.Confidence != tc.conf {
					t.Errorf("confidence %s, want %s", f.Confidence, tc.conf)
				}
				if !strings.Contains(f.Fix, tc.fixHas) {
					t.Errorf("fix %q does not contain %q", f.Fix, tc.fixHas)
				}
				if !strings.Contains(f.Why, tc.whyHas) {
					t.Errorf("why %q does not contain %q", f.Why, tc.whyHas)
				}
				if f.Why == "" || f.Fix == "" || f.Resource == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
		})
	}
}

func TestCleanEstateFindsNothing(t *testing.T) {
	e := &estate.Estate{
		Region:         region,
		Clusters:       []estate.Cluster{{Name: "c", ControlPlane: estate.ControlPlaneEKS, KubernetesVersion: "1.33", Source: "eksctl"}},
		NodeGroups:     []estate.NodeGroup{{Name: "ng", Role: estate.RoleNode, InstanceTypes: []string{"t3.medium"}, Count: 3, Purchase: estate.OnDemand, RootVolume: estate.Volume{Type: "gp3", SizeGiB: 20}}},
		StorageClasses: []estate.StorageClass{{Name: "gp3", EBSType: "gp3", Default: true}},
		Workloads:      []estate.Workload{{Kind: "StatefulSet", Namespace: "db", Name: "pg", Replicas: 1, Claims: []string{"data-pg"}}},
		Claims:         []estate.Claim{{Namespace: "db", Name: "data-pg", SizeGiB: 10, Count: 1}},
		Volumes:        []estate.Volume{{Name: "v", Type: "gp3", SizeGiB: 10, Attached: ptr(true)}},
		NATGateways:    []estate.NATGateway{{Name: "a"}},
		PublicIPs:      []estate.PublicIP{{Name: "of NAT gateway a", Attached: true, Purpose: "nat"}},
		LoadBalancers:  []estate.LoadBalancer{{Name: "alb", Type: estate.ALB}},
	}
	found, err := Find(e, catalog(t), Options{Cost: cost.Options{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 0 {
		t.Errorf("found %+v", found)
	}
}

// TestFoundingStory checks the bundled kops cluster: gp2 everywhere, 200 GB
// roots on six hosts, a NAT gateway per zone for three workers, and two
// internet-facing Classic ELBs, with savings from the catalog's prices.
func TestFoundingStory(t *testing.T) {
	cat := catalog(t)
	l := &source.Loader{FS: source.Prefixed(examples.Dir, examples.FS())}
	e, err := l.Load([]string{examples.Dir + "/kops-before"})
	if err != nil {
		t.Fatal(err)
	}
	found, err := Find(e, cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	saving := map[string]decimal.Decimal{}
	for _, f := range found {
		count[f.Rule]++
		saving[f.Rule] = saving[f.Rule].Add(f.MonthlySaving)
	}
	gp2 := price(t, cat, "ebs", "gp2_storage")
	gp3 := price(t, cat, "ebs", "gp3_storage")
	// 6 hosts × 200 GB roots, 6 etcd volumes × 20 GB, one 10 GB claim.
	gp2GiB := d(6*200 + 6*20 + 10)
	want := map[string]struct {
		n      int
		saving decimal.Decimal
	}{
		RuleGP2Volume:     {4 + 6 + 1, gp2.Sub(gp3).Mul(gp2GiB)},
		RuleOversizedRoot: {4, gp3.Mul(d(6 * 150))},
		RuleExtraNAT: {1, price(t, cat, "nat_gateway", "gateway_hour").
			Add(price(t, cat, "vpc_public_ipv4", "in_use_address_hour")).Mul(hours).Mul(d(2))},
		RuleClassicELB: {2, price(t, cat, "elb_classic", "load_balancer_hour").
			Sub(price(t, cat, "elb_network", "load_balancer_hour")).Mul(hours).Mul(d(2))},
	}
	total := decimal.Zero
	for rule, w := range want {
		if count[rule] != w.n {
			t.Errorf("%s: %d findings, want %d", rule, count[rule], w.n)
		}
		if !saving[rule].Equal(w.saving) {
			t.Errorf("%s: saving %s, want %s", rule, saving[rule], w.saving)
		}
		total = total.Add(w.saving)
	}
	if len(count) != len(want) {
		t.Errorf("rules fired: %v, want only %d rules", count, len(want))
	}
	if !Total(found).Equal(total) {
		t.Errorf("total %s, want %s", Total(found), total)
	}
	for i := 1; i < len(found); i++ {
		if found[i].MonthlySaving.GreaterThan(found[i-1].MonthlySaving) {
			t.Errorf("not sorted by saving at %d", i)
		}
	}
	for _, f := range found {
		if !strings.HasPrefix(f.Origin, "examples/kops-before/") {
			t.Errorf("%s %s: origin %q", f.Rule, f.Resource, f.Origin)
		}
	}
}

func TestBadEstate(t *testing.T) {
	e := &estate.Estate{Volumes: []estate.Volume{{Name: "v", Type: "gp2", SizeGiB: -1, Origin: line(9)}}}
	if _, err := Find(e, catalog(t), Options{}); err == nil || !strings.HasPrefix(err.Error(), "in.yaml:9: ") {
		t.Errorf("err = %v, want one at in.yaml:9", err)
	}
	e = &estate.Estate{Region: "mars-1", RegionOrigin: line(1)}
	if _, err := Find(e, catalog(t), Options{}); err == nil || !strings.HasPrefix(err.Error(), "in.yaml:1: ") {
		t.Errorf("err = %v, want one at in.yaml:1", err)
	}
}

func TestRulesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if r.ID == "" || r.Title == "" || r.Doc == "" || seen[r.ID] {
			t.Errorf("bad rule %+v", r)
		}
		seen[r.ID] = true
		if (r.check == nil) != (r.Requires != "") {
			t.Errorf("rule %s: a rule needs a check or the field it requires", r.ID)
		}
	}
	if len(NotChecked()) != 0 {
		t.Errorf("NotChecked = %v", NotChecked())
	}
}

// Live sources know targets and snapshot ages: the rules use them.
func TestLiveOnlyRules(t *testing.T) {
	zero, two := 0, 2
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	e := &estate.Estate{Region: "us-east-1",
		LoadBalancers: []estate.LoadBalancer{
			{Name: "idle", Type: estate.ALB, Targets: &two, HealthyTargets: &zero, Origin: estate.Origin{Ref: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/idle/1"}},
			{Name: "busy", Type: estate.ALB, Targets: &two, HealthyTargets: &two},
			{Name: "from-files", Type: estate.ALB},
		},
		Snapshots: []estate.Snapshot{
			{Name: "snap-old", SizeGiB: 100, Created: old},
			{Name: "snap-new", SizeGiB: 100, Created: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
			{Name: "snap-orphan", SizeGiB: 10, Created: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), SourceGone: true},
			{Name: "snap-files", SizeGiB: 10},
		},
	}
	fs, err := Find(e, catalog(t), Options{Cost: cost.Options{At: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range fs {
		got[f.Rule+" "+f.Resource] = true
		if !f.MonthlySaving.IsPositive() {
			t.Errorf("%s: saving %s", f.Resource, f.MonthlySaving)
		}
	}
	for _, want := range []string{"idle-load-balancer ALB idle", "old-snapshot snapshot snap-old", "old-snapshot snapshot snap-orphan"} {
		if !got[want] {
			t.Errorf("missing %q in %v", want, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("findings %v, want exactly 3", got)
	}
}

// A Classic ELB is fixed where it is defined: a Kubernetes Service's (from a
// kustomization, a manifest or a live cluster) by the NLB annotation, with the
// hourly prices behind the saving; a Terraform one by an aws_lb.
func TestClassicELBAdviceByOrigin(t *testing.T) {
	cat := catalog(t)
	built, err := (&source.Loader{FS: source.OS}).Load([]string{"testdata/kustomize-service"})
	if err != nil {
		t.Fatal(err)
	}
	if len(built.LoadBalancers) != 1 || built.LoadBalancers[0].Type != estate.CLB || built.LoadBalancers[0].Origin.Ref == "" {
		t.Fatalf("kustomize build: load balancers %+v, want one Classic ELB with a Ref", built.LoadBalancers)
	}
	clbHour := price(t, cat, "elb_classic", "load_balancer_hour")
	nlbHour := price(t, cat, "elb_network", "load_balancer_hour")
	service := []string{"annotate the Service shop/mqtt with " + awslb.AnnLBType + ": nlb", `(or "external" with the AWS Load Balancer Controller)`}
	serviceWhy := []string{"an NLB passes the Service's TCP traffic", "$" + clbHour.String() + " an hour in us-east-1", "$" + nlbHour.String() + " for an NLB"}
	tests := []struct {
		name            string
		lb              estate.LoadBalancer
		fixHas, whyHas  []string
		fixNot, whyNot  []string
		wantReplacement estate.LoadBalancerType
	}{
		{name: "kustomized Service", lb: built.LoadBalancers[0], fixHas: service, whyHas: serviceWhy,
			fixNot: []string{"aws_lb"}, whyNot: []string{"ALB"}, wantReplacement: estate.NLB},
		{name: "live Service", lb: estate.LoadBalancer{Name: "shop/mqtt", Type: estate.CLB, Service: true, Origin: estate.Origin{Ref: "kube:prod/service/shop/mqtt"}},
			fixHas: service, whyHas: serviceWhy, fixNot: []string{"aws_lb"}, whyNot: []string{"ALB"}, wantReplacement: estate.NLB},
		{name: "manifest Service", lb: estate.LoadBalancer{Name: "shop/mqtt", Type: estate.CLB, Service: true, Origin: estate.Origin{File: "svc.yaml", Line: 1}},
			fixHas: append(service, "(svc.yaml:1)"), whyHas: serviceWhy, fixNot: []string{"aws_lb"}, whyNot: []string{"ALB"}, wantReplacement: estate.NLB},
		{name: "Terraform", lb: estate.LoadBalancer{Name: "web", Type: estate.CLB, Origin: estate.Origin{File: "plan.json", Ref: "aws_elb.web"}},
			fixHas: []string{"replace aws_elb.web with an aws_lb"}, fixNot: []string{awslb.AnnLBType}, wantReplacement: estate.ALB},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &estate.Estate{Region: region, LoadBalancers: []estate.LoadBalancer{tt.lb}}
			found, err := Find(e, cat, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var f *Finding
			for i := range found {
				if found[i].Rule == RuleClassicELB {
					f = &found[i]
				}
			}
			if f == nil {
				t.Fatalf("no %s finding in %+v", RuleClassicELB, found)
			}
			for _, w := range tt.fixHas {
				if !strings.Contains(f.Fix, w) {
					t.Errorf("fix %q lacks %q", f.Fix, w)
				}
			}
			for _, w := range tt.fixNot {
				if strings.Contains(f.Fix, w) {
					t.Errorf("fix %q has %q", f.Fix, w)
				}
			}
			for _, w := range tt.whyHas {
				if !strings.Contains(f.Why, w) {
					t.Errorf("why %q lacks %q", f.Why, w)
				}
			}
			for _, w := range tt.whyNot {
				if strings.Contains(f.Why, w) {
					t.Errorf("why %q has %q", f.Why, w)
				}
			}
			// The saving is the engine's price of the Classic ELB less the replacement's.
			repl := tt.lb
			repl.Type = tt.wantReplacement
			before, _ := cost.Estimate(&estate.Estate{Region: region, LoadBalancers: []estate.LoadBalancer{tt.lb}}, cat, cost.Options{Region: region})
			after, _ := cost.Estimate(&estate.Estate{Region: region, LoadBalancers: []estate.LoadBalancer{repl}}, cat, cost.Options{Region: region})
			if want := before.Total().Sub(after.Total()); !f.MonthlySaving.Equal(want) || !want.IsPositive() {
				t.Errorf("saving %s, want %s (%s → %s)", f.MonthlySaving, want, tt.lb.Type, tt.wantReplacement)
			}
		})
	}
}
