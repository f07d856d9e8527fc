package waste

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
)

var now = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// monthlyOf prices a small estate with the cost engine, for expectations.
func monthlyOf(t *testing.T, e *estate.Estate) decimal.Decimal {
	t.Helper()
	e.Region = region
	b, err := cost.Estimate(e, catalog(t), cost.Options{Region: region, At: now, Usage: cost.DefaultUsage()})
	if err != nil {
		t.Fatal(err)
	}
	return b.Total()
}

func TestStoppedInstances(t *testing.T) {
	cat := catalog(t)
	gp2 := price(t, cat, "ebs", "gp2_storage")
	gp3 := price(t, cat, "ebs", "gp3_storage")
	ipHour := price(t, cat, "vpc_public_ipv4", "in_use_address_hour")
	arn := estate.Origin{Ref: "arn:aws:ec2:us-east-1:1:instance/i-1"}
	vols := []estate.Volume{
		{Name: "vol-root", Type: "gp2", SizeGiB: 8, Purpose: "root", Attached: ptr(true), Instance: "i-1"},
		{Name: "vol-data", Type: "gp3", SizeGiB: 50, Purpose: "data", Attached: ptr(true), Instance: "i-1"},
		{Name: "vol-other", Type: "gp3", SizeGiB: 500, Purpose: "data", Attached: ptr(true), Instance: "i-2"},
	}
	eip := estate.PublicIP{Name: "eipalloc-1", Attached: true, Instance: "i-1"}
	tests := []struct {
		name    string
		in      estate.StoppedInstance
		ips     []estate.PublicIP
		vols    []estate.Volume
		n       int
		saving  decimal.Decimal
		conf    string
		whyHas  string
		fixHas  []string
		noneGP2 bool
	}{
		{name: "stopped for months, with an Elastic IP", vols: vols, ips: []estate.PublicIP{eip},
			in: estate.StoppedInstance{Name: "i-1", Label: "legacy", Type: "t2.micro", StoppedSince: now.AddDate(0, -3, 0), Origin: arn},
			n:  1, saving: gp2.Mul(d(8)).Add(gp3.Mul(d(50))).Add(ipHour.Mul(hours)), conf: High, whyHas: "for 92 days (since 2026-08-26)",
			fixHas: []string{"aws ec2 create-image --instance-id i-1", "aws ec2 terminate-instances --instance-ids i-1",
				"describe-volumes --volume-ids vol-root vol-data", "aws ec2 release-address --allocation-id eipalloc-1"}, noneGP2: true},
		{name: "stopped last week", vols: vols,
			in: estate.StoppedInstance{Name: "i-1", StoppedSince: now.AddDate(0, 0, -7), Origin: arn},
			n:  1, saving: gp2.Mul(d(8)).Add(gp3.Mul(d(50))), conf: Medium, whyHas: "for 7 days", fixHas: []string{"terminate-instances --instance-ids i-1"}},
		{name: "stopped since an unknown date", vols: vols,
			in: estate.StoppedInstance{Name: "i-1", Reason: "Server.ScheduledStop", Cluster: "prod", Origin: arn},
			n:  1, saving: gp2.Mul(d(8)).Add(gp3.Mul(d(50))), conf: Medium, whyHas: "tagged for cluster prod"},
		{name: "nothing of it bills", vols: vols[2:], in: estate.StoppedInstance{Name: "i-1", StoppedSince: now.AddDate(-1, 0, 0)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &estate.Estate{Region: region, Volumes: tc.vols, PublicIPs: tc.ips, StoppedInstances: []estate.StoppedInstance{tc.in}}
			found, err := Find(e, cat, Options{Cost: cost.Options{At: now}})
			if err != nil {
				t.Fatal(err)
			}
			var got []Finding
			for _, f := range found {
				switch f.Rule {
				case RuleStoppedInstance:
					got = append(got, f)
				case RuleGP2Volume:
					if tc.noneGP2 && strings.Contains(f.Resource, "vol-root") {
						t.Errorf("a stopped instance's volume is also a gp2 finding: %+v", f)
					}
				}
			}
			if len(got) != tc.n {
				t.Fatalf("%d findings, want %d: %+v", len(got), tc.n, found)
			}
			if tc.n == 0 {
				return
			}
			f := got[0]
			if !f.MonthlySaving.Equal(tc.saving) || f.Confidence != tc.conf || !strings.Contains(f.Why, tc.whyHas) || f.Origin != tc.in.Origin.String() {
				t.Errorf("finding %+v\nwant saving %s, confidence %s, why with %q", f, tc.saving, tc.conf, tc.whyHas)
			}
			for _, s := range tc.fixHas {
				if !strings.Contains(f.Fix, s) {
					t.Errorf("fix %q lacks %q", f.Fix, s)
				}
			}
		})
	}
}

// node is a live node of 2 cpu and 8 GiB with the given requests.
func node(name string, milli int64, gib int64, dsOnly bool) estate.NodeUsage {
	return estate.NodeUsage{Name: name, Allocatable: estate.Resources{MilliCPU: 2000, MemoryBytes: 8 << 30},
		Requested: estate.Resources{MilliCPU: milli, MemoryBytes: gib << 30}, Pods: 3, DaemonSetOnly: dsOnly}
}

func liveGroup(p estate.Purchase, nodes ...estate.NodeUsage) estate.NodeGroup {
	return estate.NodeGroup{Name: "m5.large " + string(p), Cluster: "prod", Role: estate.RoleNode, InstanceTypes: []string{"m5.large"},
		Count: len(nodes), Purchase: p, Nodes: nodes, Origin: estate.Origin{Ref: "kube:prod/nodegroup/m5.large-" + string(p)}}
}

func TestIdleNodes(t *testing.T) {
	one := func(p estate.Purchase, n int) decimal.Decimal {
		return monthlyOf(t, &estate.Estate{NodeGroups: []estate.NodeGroup{{Name: "x", Role: estate.RoleNode, InstanceTypes: []string{"m5.large"}, Count: n, Purchase: p}}})
	}
	eks := func(n estate.NodeUsage, group string) estate.NodeUsage {
		n.Group, n.GroupKind = group, "eks"
		return n
	}
	tests := []struct {
		name      string
		g         estate.NodeGroup
		threshold int
		remove    int
		conf      string
		whyHas    string
		fixHas    string
	}{
		{name: "two idle nodes of four: requests need two", remove: 2, conf: Medium, fixHas: "kubectl drain $n",
			g: liveGroup(estate.OnDemand, node("a", 1600, 6, false), node("b", 1500, 5, false), node("c", 200, 1, false), node("d", 100, 1, false)),
			// 3.4 cpu / 2 = 2 nodes, 13 GiB / 8 = 2 nodes.
			whyHas: "2 node(s) can go (c, d)"},
		{name: "memory is the tighter resource", remove: 1, conf: Medium,
			g: liveGroup(estate.OnDemand, node("a", 400, 7, false), node("b", 400, 7, false), node("c", 100, 2, false), node("d", 100, 1, false)),
			// cpu 1 → 1 node; memory 17 GiB → 3 nodes: one goes.
			whyHas: "which 3 node(s)"},
		{name: "no idle node", remove: 0,
			g: liveGroup(estate.OnDemand, node("a", 1000, 1, false), node("b", 100, 4, false))},
		{name: "an idle node the others cannot absorb", remove: 0,
			g: liveGroup(estate.OnDemand, node("a", 1950, 7, false), node("b", 1950, 7, false), node("c", 200, 1, false))},
		{name: "one idle node alone stays", remove: 0,
			g: liveGroup(estate.OnDemand, node("a", 100, 1, false))},
		{name: "group minimum", remove: 1, conf: Medium, whyHas: "the group's minimum 2",
			g: func() estate.NodeGroup {
				g := liveGroup(estate.OnDemand, node("a", 100, 1, false), node("b", 100, 1, false), node("c", 100, 1, false))
				g.MinSize = 2
				return g
			}()},
		{name: "spot group is low confidence", remove: 2, conf: Low, whyHas: "the group is spot",
			g: liveGroup(estate.Spot, node("a", 100, 1, false), node("b", 100, 1, false), node("c", 100, 1, false))},
		{name: "DaemonSet-only nodes are low confidence", remove: 1, conf: Low, whyHas: "run only DaemonSet pods",
			g: liveGroup(estate.OnDemand, node("a", 300, 1, false), node("b", 100, 1, true))},
		{name: "a higher threshold finds more", threshold: 80, remove: 1, conf: Medium,
			g: liveGroup(estate.OnDemand, node("a", 1000, 4, false), node("b", 800, 3, false))},
		{name: "EKS managed node group", remove: 2, conf: Medium, fixHas: "eksctl scale nodegroup --cluster prod --name ng-1 --nodes 1",
			g: liveGroup(estate.OnDemand, eks(node("a", 100, 1, false), "ng-1"), eks(node("b", 100, 1, false), "ng-1"), eks(node("c", 100, 1, false), "ng-1"))},
		{name: "masters are not counted", remove: 0,
			g: func() estate.NodeGroup {
				g := liveGroup(estate.OnDemand, node("a", 100, 1, false), node("b", 100, 1, false))
				g.Role = estate.RoleMaster
				return g
			}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &estate.Estate{Region: region, NodeGroups: []estate.NodeGroup{tc.g}}
			found, err := Find(e, catalog(t), Options{Cost: cost.Options{At: now}, IdleThresholdPercent: tc.threshold})
			if err != nil {
				t.Fatal(err)
			}
			var got []Finding
			for _, f := range found {
				if f.Rule == RuleIdleNodes {
					got = append(got, f)
				}
			}
			if tc.remove == 0 {
				if len(got) != 0 {
					t.Errorf("unexpected %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("findings %+v, want one", found)
			}
			f := got[0]
			if want := one(tc.g.Purchase, tc.remove); !f.MonthlySaving.Equal(want) {
				t.Errorf("saving %s, want %s (%d nodes)", f.MonthlySaving, want, tc.remove)
			}
			if f.Confidence != tc.conf || !strings.Contains(f.Why, tc.whyHas) || !strings.Contains(f.Fix, tc.fixHas) {
				t.Errorf("finding %+v\nwant confidence %s, why with %q, fix with %q", f, tc.conf, tc.whyHas, tc.fixHas)
			}
		})
	}
}

func TestClusterShortName(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:eks:us-east-1:123456789012:cluster/prod": "prod",
		"admin@prod.us-east-1.eksctl.io":                  "prod",
		"k.example.com":                                   "k.example.com",
	} {
		if got := clusterShortName(in); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}

// Live claims: bound, priced at their volume; compared with the pods even
// when no workload runs.
func TestLiveUnmountedClaims(t *testing.T) {
	cat := catalog(t)
	gp3 := price(t, cat, "ebs", "gp3_storage")
	claim := func(name, policy string) estate.Claim {
		return estate.Claim{Namespace: "db", Name: name, StorageClass: "ebs", SizeGiB: 20, Count: 1, Volume: "pv-" + name,
			ReclaimPolicy: policy, VolumeID: "vol-" + name, Origin: estate.Origin{Ref: "kube:prod/pvc/db/" + name}}
	}
	classes := []estate.StorageClass{{Name: "ebs", EBSType: "gp3"}}
	tests := []struct {
		name      string
		workloads []estate.Workload
		claim     estate.Claim
		found     bool
		fixHas    []string
	}{
		{name: "Retain leaves the volume", claim: claim("old", "Retain"), found: true,
			fixHas: []string{"kubectl delete pvc -n db old", "kubectl delete pv pv-old && aws ec2 delete-volume --volume-id vol-old"}},
		{name: "Delete takes the volume", claim: claim("old", "Delete"), found: true,
			fixHas: []string{"aws ec2 create-snapshot --volume-id vol-old", "kubectl delete pvc -n db old", "reclaimPolicy Delete"}},
		{name: "unknown policy", claim: func() estate.Claim { c := claim("old", ""); c.VolumeID = ""; return c }(), found: true,
			fixHas: []string{"if its PersistentVolume pv-old has reclaimPolicy Retain", "kubectl get pv pv-old"}},
		{name: "mounted by a running pod", claim: claim("data", "Delete"),
			workloads: []estate.Workload{{Kind: "StatefulSet", Namespace: "db", Name: "pg", Replicas: 1, Claims: []string{"data"}}}},
		{name: "same name in another namespace", claim: claim("data", "Delete"), found: true,
			workloads: []estate.Workload{{Kind: "StatefulSet", Namespace: "other", Name: "pg", Replicas: 1, Claims: []string{"data"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &estate.Estate{Region: region, StorageClasses: classes, Workloads: tc.workloads, Claims: []estate.Claim{tc.claim}}
			found, err := Find(e, cat, Options{Cost: cost.Options{At: now}})
			if err != nil {
				t.Fatal(err)
			}
			var got []Finding
			for _, f := range found {
				if f.Rule == RuleUnmountedClaim {
					got = append(got, f)
				}
			}
			if !tc.found {
				if len(got) != 0 {
					t.Errorf("unexpected %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("findings %+v", found)
			}
			f := got[0]
			if !f.MonthlySaving.Equal(gp3.Mul(d(20))) || f.Confidence != Medium || !strings.Contains(f.Why, "no pod that is running or pending") {
				t.Errorf("finding %+v", f)
			}
			for _, s := range tc.fixHas {
				if !strings.Contains(f.Fix, s) {
					t.Errorf("fix %q lacks %q", f.Fix, s)
				}
			}
		})
	}
}

// A gp2 claim whose EBS volume the account lists too (--aws with
// --kubeconfig) is reported once, as the volume.
func TestGP2ClaimListedByAccount(t *testing.T) {
	cat := catalog(t)
	attached := true
	claim := estate.Claim{Namespace: "db", Name: "data", StorageClass: "gp2", SizeGiB: 20, Count: 1, VolumeID: "vol-1",
		Origin: estate.Origin{Ref: "kube:prod/pvc/db/data"}}
	vol := estate.Volume{Name: "vol-1", Type: "gp2", SizeGiB: 20, Attached: &attached, Purpose: "data", Origin: estate.Origin{Ref: "arn:aws:ec2:us-east-1:1:volume/vol-1"}}
	classes := []estate.StorageClass{{Name: "gp2", EBSType: "gp2"}}
	workloads := []estate.Workload{{Kind: "StatefulSet", Namespace: "db", Name: "pg", Replicas: 1, Claims: []string{"data"}}}
	for _, tc := range []struct {
		name    string
		volumes []estate.Volume
		want    []string
	}{
		{"cluster only", nil, []string{"claim db/data: 1 × 20 GiB gp2"}},
		{"cluster and account", []estate.Volume{vol}, []string{"volume vol-1: 1 × 20 GiB gp2"}},
	} {
		e := &estate.Estate{Region: region, StorageClasses: classes, Workloads: workloads, Claims: []estate.Claim{claim}, Volumes: tc.volumes}
		found, err := Find(e, cat, Options{Cost: cost.Options{At: now}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range found {
			if f.Rule == RuleGP2Volume {
				got = append(got, f.Resource)
			}
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: gp2 findings %q, want %q", tc.name, got, tc.want)
		}
	}
}

// With --aws too, a cluster group whose nodes are exactly an account group's
// instances keeps at least that group's minimum size.
func TestIdleNodesAccountMinimum(t *testing.T) {
	withID := func(n estate.NodeUsage, id string) estate.NodeUsage {
		n.InstanceID = id
		return n
	}
	kube := liveGroup(estate.OnDemand, withID(node("a", 1600, 6, false), "i-a"), withID(node("b", 100, 1, false), "i-b"),
		withID(node("c", 100, 1, false), "i-c"), withID(node("d", 100, 1, false), "i-d"))
	acct := func(min int, ids ...string) estate.NodeGroup {
		return estate.NodeGroup{Name: "ng-1", Cluster: "prod", Role: estate.RoleNode, InstanceTypes: []string{"m5.large"}, Count: len(ids),
			MinSize: min, Purchase: estate.OnDemand, InstanceIDs: ids, Origin: estate.Origin{Ref: "arn:aws:eks:us-east-1:1:nodegroup/prod/ng-1"}}
	}
	for _, tc := range []struct {
		name   string
		acct   estate.NodeGroup
		remove int
	}{
		{"cluster only: requests need two nodes", estate.NodeGroup{}, 2},
		{"the account group's minimum is 3", acct(3, "i-a", "i-b", "i-c", "i-d"), 1},
		{"the account group holds other instances too", acct(3, "i-a", "i-b", "i-c", "i-d", "i-e"), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &estate.Estate{Region: region, NodeGroups: []estate.NodeGroup{kube}}
			if tc.acct.Name != "" {
				e.NodeGroups = append(e.NodeGroups, tc.acct)
			}
			found, err := Find(e, catalog(t), Options{Cost: cost.Options{At: now}})
			if err != nil {
				t.Fatal(err)
			}
			var got []Finding
			for _, f := range found {
				if f.Rule == RuleIdleNodes {
					got = append(got, f)
				}
			}
			want := monthlyOf(t, &estate.Estate{NodeGroups: []estate.NodeGroup{{Name: "x", Role: estate.RoleNode, InstanceTypes: []string{"m5.large"}, Count: tc.remove, Purchase: estate.OnDemand}}})
			if len(got) != 1 || !got[0].MonthlySaving.Equal(want) {
				t.Fatalf("findings %+v, want one saving %s (%d nodes)", got, want, tc.remove)
			}
		})
	}
}
