package awslive

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/awslive/awstest"
)

// newFakeAWS serves the fixtures of one account under testdata.
func newFakeAWS(t *testing.T, account string) (*awstest.Fake, *httptest.Server) {
	return awstest.New(t, filepath.Join("testdata", account))
}

// testEnv is awstest.Env with the retries' backoff cut to a millisecond.
func testEnv(t *testing.T, region string) {
	awstest.Env(t, region)
	old := maxBackoff
	maxBackoff = time.Millisecond
	t.Cleanup(func() { maxBackoff = old })
}

func load(t *testing.T, srv string, regions ...string) (*Inventory, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return Load(ctx, Options{Regions: regions, EndpointURL: srv, Concurrency: 3})
}

// TestLoadWaste reads an account with planted waste in us-east-1, while
// eu-west-1 denies everything and a few calls are throttled once.
func TestLoadWaste(t *testing.T) {
	testEnv(t, "us-east-1")
	fake, srv := newFakeAWS(t, "waste")
	fake.Deny["eu-west-1"] = true
	for _, id := range []string{
		"us-east-1/ec2.DescribeVolumes", "us-east-1/elbv2.DescribeTargetHealth",
		"us-east-1/eks.ListClusters", "us-east-1/rds.DescribeDBInstances",
	} {
		fake.Throttle[id] = 2
	}
	inv, err := load(t, srv.URL, "us-east-1", "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}

	if inv.Account != "123456789012" || inv.Partition != "aws" {
		t.Errorf("account %q partition %q", inv.Account, inv.Partition)
	}
	// Throttled calls were retried by the SDK and succeeded.
	for id := range map[string]bool{"us-east-1/ec2.DescribeVolumes": true, "us-east-1/eks.ListClusters": true, "us-east-1/rds.DescribeDBInstances": true} {
		if n := fake.Calls(id); n != 3 {
			t.Errorf("%s: %d requests, want 3 (two throttled, one answered)", id, n)
		}
	}
	// Both pages were read.
	if n := fake.Calls("us-east-1/ec2.DescribeInstances"); n != 2 {
		t.Errorf("DescribeInstances: %d requests, want 2 pages", n)
	}
	for _, want := range []string{
		"eu-west-1: access denied for ec2:DescribeInstances",
		"eu-west-1: access denied for ec2:DescribeSnapshots",
		"eu-west-1: access denied for eks:ListClusters",
		"eu-west-1: access denied for elasticloadbalancing:DescribeLoadBalancers",
		"eu-west-1: access denied for elasticbeanstalk:DescribeEnvironments",
		"eu-west-1: access denied for rds:DescribeDBInstances",
	} {
		if !slices.Contains(inv.Partial, want) {
			t.Errorf("Partial lacks %q: %q", want, inv.Partial)
		}
	}
	for _, p := range inv.Partial {
		if !strings.HasPrefix(p, "eu-west-1: access denied for ") {
			t.Errorf("unexpected partial entry %q", p)
		}
	}

	var ids []string
	for _, i := range inv.Instances {
		ids = append(ids, i.ID+":"+i.State)
	}
	if want := []string{"i-0aaa000000000001:running", "i-0aaa000000000002:running", "i-0aaa000000000003:running", "i-0bbb000000000001:running", "i-0ccc000000000001:stopped"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("instances %q, want %q", ids, want)
	}
	if i := inv.Instances[2]; !i.Spot || i.RootVolumeID != "vol-0root0000000003" || i.ARN != "arn:aws:ec2:us-east-1:123456789012:instance/i-0aaa000000000003" {
		t.Errorf("spot instance: %+v", i)
	}

	// Planted waste, as the inventory has it.
	snaps := map[string]Snapshot{}
	for _, s := range inv.Snapshots {
		snaps[s.ID] = s
	}
	if s := snaps["snap-0old000000000001"]; s.SourceVolumeExists || s.Created.Year() != 2019 || s.ARN != "arn:aws:ec2:us-east-1::snapshot/snap-0old000000000001" {
		t.Errorf("old snapshot: %+v", s)
	}
	if s := snaps["snap-0new000000000001"]; !s.SourceVolumeExists || !s.Archive {
		t.Errorf("new snapshot: %+v", s)
	}
	lbs := map[string]LoadBalancer{}
	for _, lb := range inv.LoadBalancers {
		lbs[lb.Name] = lb
	}
	if lb := lbs["idle-alb"]; lb.Type != "application" || lb.Targets != 2 || lb.HealthyTargets != 0 || lb.Listeners != 1 {
		t.Errorf("idle ALB: %+v", lb)
	}
	if lb := lbs["api-nlb"]; lb.Type != "network" || !lb.Internal || lb.Targets != 2 || lb.HealthyTargets != 2 {
		t.Errorf("NLB (second page): %+v", lb)
	}
	if lb := lbs["legacy-clb"]; lb.Type != "classic" || lb.Targets != 1 || lb.HealthyTargets != 0 || lb.ARN != "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/legacy-clb" {
		t.Errorf("CLB: %+v", lb)
	}
	if len(inv.Environments) != 1 {
		t.Fatalf("environments %+v, want the one not terminated", inv.Environments)
	}
	if e := inv.Environments[0]; e.Name != "legacy-php" || e.Type != "SingleInstance" || e.Tier != "WebServer" || e.Health != "Grey" || e.Updated.Year() != 2017 || !strings.Contains(e.Platform, "2016.09") {
		t.Errorf("environment: %+v", e)
	}
	if len(inv.Clusters) != 1 || inv.Clusters[0].SupportType != "EXTENDED" || inv.Clusters[0].Version != "1.28" {
		t.Errorf("clusters: %+v", inv.Clusters)
	}
	if len(inv.NodeGroups) != 1 || inv.NodeGroups[0].DesiredSize != 3 || !reflect.DeepEqual(inv.NodeGroups[0].Taints, []string{"dedicated=web:NoSchedule"}) {
		t.Errorf("node groups: %+v", inv.NodeGroups)
	}
	if len(inv.NATGateways) != 1 || inv.NATGateways[0].Zone != "us-east-1b" {
		t.Errorf("NAT gateways %+v, want the available one, in its subnet's zone", inv.NATGateways)
	}
	if i := inv.Instances[4]; !i.Stopped() || !i.StoppedSince.Equal(time.Date(2025, 9, 15, 8, 30, 0, 0, time.UTC)) || i.StateReason != "User initiated (2025-09-15 08:30:00 GMT)" {
		t.Errorf("stopped instance: %+v", i)
	}

	e := inv.Estate()
	if e.Region != "" {
		t.Errorf("two regions read, estate region %q", e.Region)
	}
	e = inv.RegionEstate("us-east-1")
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	checkWasteEstate(t, e)
}

func checkWasteEstate(t *testing.T, e *estate.Estate) {
	t.Helper()
	var clusters []string
	for _, c := range e.Clusters {
		clusters = append(clusters, c.Name+"/"+string(c.ControlPlane)+"/"+c.KubernetesVersion)
	}
	if want := []string{"prod/eks/1.28", "k.example.com/self-managed/"}; !reflect.DeepEqual(clusters, want) {
		t.Errorf("clusters %q, want %q", clusters, want)
	}

	groups := map[string]estate.NodeGroup{}
	for _, g := range e.NodeGroups {
		groups[g.Name] = g
	}
	if len(groups) != 2 {
		t.Errorf("node groups %+v, want ng-1 and the kops control plane (the stopped instance has none)", e.NodeGroups)
	}
	ng := groups["ng-1"]
	if ng.Count != 3 || ng.OnDemandCount() != 2 || ng.SpotCount() != 1 || !ng.Managed || ng.Cluster != "prod" ||
		ng.MaxSize != 6 || ng.RootVolume.SizeGiB != 20 || ng.RootVolume.Type != "gp3" ||
		!reflect.DeepEqual(ng.Zones, []string{"us-east-1a", "us-east-1b", "us-east-1c"}) ||
		!strings.HasPrefix(ng.Origin.Ref, "arn:aws:eks:us-east-1:123456789012:nodegroup/prod/ng-1/") {
		t.Errorf("ng-1: %+v", ng)
	}
	cp := groups["control-plane-us-east-1a"]
	if cp.Role != estate.RoleMaster || cp.Cluster != "k.example.com" || cp.Count != 1 || !cp.PublicIP || cp.RootVolume.Type != "gp2" {
		t.Errorf("kops control plane: %+v", cp)
	}

	vols := map[string]estate.Volume{}
	for _, v := range e.Volumes {
		vols[v.Name] = v
	}
	if len(vols) != 3 {
		t.Errorf("volumes %+v, want the unattached one and the stopped instance's root and data (running roots are in their groups)", e.Volumes)
	}
	if v := vols["vol-0unattached00001"]; v.Attached == nil || *v.Attached || v.SizeGiB != 100 || v.Origin.Ref != "arn:aws:ec2:us-east-1:123456789012:volume/vol-0unattached00001" {
		t.Errorf("unattached volume: %+v", v)
	}
	if v := vols["vol-0root0000000005"]; v.Attached == nil || !*v.Attached || v.Purpose != "root" || v.Instance != "i-0ccc000000000001" {
		t.Errorf("stopped instance's root volume: %+v", v)
	}
	if v := vols["vol-0data0000000005"]; v.Purpose != "data" || v.Instance != "i-0ccc000000000001" || v.SizeGiB != 50 {
		t.Errorf("stopped instance's data volume: %+v", v)
	}
	want := []estate.StoppedInstance{{Name: "i-0ccc000000000001", Label: "legacy-web", Type: "t2.micro",
		StoppedSince: time.Date(2025, 9, 15, 8, 30, 0, 0, time.UTC), Reason: "User initiated (2025-09-15 08:30:00 GMT)",
		Origin: estate.Origin{Ref: "arn:aws:ec2:us-east-1:123456789012:instance/i-0ccc000000000001"}}}
	if !reflect.DeepEqual(e.StoppedInstances, want) {
		t.Errorf("stopped instances %+v, want %+v", e.StoppedInstances, want)
	}

	ips := map[string]estate.PublicIP{}
	for _, ip := range e.PublicIPs {
		ips[ip.Name] = ip
	}
	if ip, ok := ips["eipalloc-0lonely0000000001"]; !ok || ip.Attached {
		t.Errorf("lonely EIP: %+v", ip)
	}
	if ip := ips["of NAT gateway nat-0a1b2c3d4e5f00001"]; !ip.Attached || ip.Purpose != "nat" {
		t.Errorf("NAT EIP: %+v", ip)
	}
	if ip := ips["eipalloc-0legacyweb000001"]; !ip.Attached || ip.Instance != "i-0ccc000000000001" {
		t.Errorf("stopped instance's EIP: %+v", ip)
	}
	if len(e.NATGateways) != 1 || e.NATGateways[0].Name != "nat-0a1b2c3d4e5f00001" || e.NATGateways[0].Zone != "us-east-1b" {
		t.Errorf("NAT gateways: %+v", e.NATGateways)
	}

	var lbs []string
	for _, lb := range e.LoadBalancers {
		lbs = append(lbs, lb.Name+":"+string(lb.Type))
	}
	slices.Sort(lbs)
	if want := []string{"api-nlb:nlb", "idle-alb:alb", "legacy-clb:clb"}; !reflect.DeepEqual(lbs, want) {
		t.Errorf("load balancers %q, want %q", lbs, want)
	}
	if len(e.Databases) != 1 || e.Databases[0].Name != "orders" || !e.Databases[0].MultiAZ || e.Databases[0].StorageGiB != 200 {
		t.Errorf("databases %+v, want the running one", e.Databases)
	}
	if len(e.Snapshots) != 2 || len(e.FargateProfiles) != 1 || e.FargateProfiles[0].Selectors[0].Namespace != "batch" {
		t.Errorf("snapshots %+v, fargate %+v", e.Snapshots, e.FargateProfiles)
	}
}

// TestLoadClean reads every enabled region (one) of an account with
// nothing wasted.
func TestLoadClean(t *testing.T) {
	testEnv(t, "us-west-2")
	fake, srv := newFakeAWS(t, "clean")
	inv, err := load(t, srv.URL, "all")
	if err != nil {
		t.Fatal(err)
	}
	if fake.Calls("us-west-2/ec2.DescribeRegions") != 1 || !reflect.DeepEqual(inv.Regions, []string{"us-west-2"}) {
		t.Errorf("regions %q", inv.Regions)
	}
	if len(inv.Partial) != 0 {
		t.Errorf("partial: %q", inv.Partial)
	}
	e := inv.Estate()
	if e.Region != "us-west-2" {
		t.Errorf("region %q", e.Region)
	}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, v := range e.Volumes {
		t.Errorf("volume %+v: every volume is a running node's root", v)
	}
	if len(e.StoppedInstances) != 0 {
		t.Errorf("stopped instances %+v", e.StoppedInstances)
	}
	for _, ip := range e.PublicIPs {
		if !ip.Attached {
			t.Errorf("idle address %+v", ip)
		}
	}
	for _, lb := range inv.LoadBalancers {
		if lb.HealthyTargets == 0 {
			t.Errorf("load balancer without healthy targets: %+v", lb)
		}
	}
	// The node with an Elastic IP pays no auto-assigned address; the other
	// does, so the group is split in two.
	var names []string
	count := 0
	for _, g := range e.NodeGroups {
		names = append(names, g.Name)
		count += g.Count
		if g.Cluster != "shop" || g.Role != estate.RoleNode || g.RootVolume.SizeGiB != 40 {
			t.Errorf("group %+v", g)
		}
	}
	slices.Sort(names)
	if want := []string{"workers (no public IPv4)", "workers (public IPv4)"}; !reflect.DeepEqual(names, want) || count != 2 {
		t.Errorf("groups %q (%d nodes), want %q", names, count, want)
	}
	if len(e.Clusters) != 1 || e.Clusters[0].KubernetesVersion != "1.33" {
		t.Errorf("clusters %+v", e.Clusters)
	}
}

// TestLoadExpiredCredentials fails the whole load with one error.
func TestLoadExpiredCredentials(t *testing.T) {
	testEnv(t, "us-east-1")
	fake, srv := newFakeAWS(t, "waste")
	fake.Expired = true
	_, err := load(t, srv.URL)
	if !errors.Is(err, ErrCredentials) || !strings.Contains(err.Error(), "ExpiredToken") {
		t.Fatalf("err = %v, want ErrCredentials with ExpiredToken", err)
	}
}

// TestLoadNoCredentials fails before any request.
func TestLoadNoCredentials(t *testing.T) {
	testEnv(t, "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	fake, srv := newFakeAWS(t, "waste")
	_, err := load(t, srv.URL)
	if !errors.Is(err, ErrCredentials) {
		t.Fatalf("err = %v, want ErrCredentials", err)
	}
	if n := fake.Calls("us-east-1/sts.GetCallerIdentity"); n != 0 {
		t.Errorf("%d requests sent without credentials", n)
	}
}

// TestLoadAllDenied fails when not a single call succeeds.
func TestLoadAllDenied(t *testing.T) {
	testEnv(t, "us-east-1")
	fake, srv := newFakeAWS(t, "waste")
	fake.Deny["us-east-1"] = true
	_, err := load(t, srv.URL)
	if err == nil || !strings.Contains(err.Error(), "access denied for ec2:DescribeInstances") {
		t.Fatalf("err = %v, want nothing could be read", err)
	}
}

func TestEnvironmentType(t *testing.T) {
	for _, tc := range []struct{ tier, endpoint, want string }{
		{"WebServer", "3.80.0.99", "SingleInstance"},
		{"WebServer", "awseb-e-a-AWSEBLoa-1ABCDEF-123456789.us-east-1.elb.amazonaws.com", "LoadBalanced"},
		{"Worker", "", ""},
		{"WebServer", "", ""},
	} {
		if got := environmentType(tc.tier, tc.endpoint); got != tc.want {
			t.Errorf("environmentType(%q, %q) = %q, want %q", tc.tier, tc.endpoint, got, tc.want)
		}
	}
}

func TestTransitionDate(t *testing.T) {
	tests := []struct {
		reason string
		want   time.Time
		ok     bool
	}{
		{"User initiated (2026-10-01 12:00:00 GMT)", time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC), true},
		{"User initiated (2019-04-08 14:29:07 UTC)", time.Date(2019, 4, 8, 14, 29, 7, 0, time.UTC), true},
		{"Server.ScheduledStop", time.Time{}, false},
		{"", time.Time{}, false},
		{"User initiated (2026-13-45 99:00:00 GMT)", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := transitionDate(tt.reason)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("%q: %v %v, want %v %v", tt.reason, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzTransitionDate(f *testing.F) {
	f.Add("User initiated (2026-10-01 12:00:00 GMT)")
	f.Fuzz(func(t *testing.T, reason string) {
		if got, ok := transitionDate(reason); ok && got.Location() != time.UTC {
			t.Errorf("%q: %v not in UTC", reason, got)
		}
	})
}

func TestChunks(t *testing.T) {
	for _, tt := range []struct {
		n, size int
		want    []int
	}{{0, 100, nil}, {3, 100, []int{3}}, {100, 100, []int{100}}, {250, 100, []int{100, 100, 50}}} {
		s := make([]string, tt.n)
		var got []int
		for _, c := range chunks(s, tt.size) {
			got = append(got, len(c))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%d by %d: %v, want %v", tt.n, tt.size, got, tt.want)
		}
	}
}

// The estate carries what lets a cluster's view merge with the account's:
// each group's instance ids and each load balancer's DNS name.
func TestEstateReconcileKeys(t *testing.T) {
	testEnv(t, "us-east-1")
	_, srv := newFakeAWS(t, "waste")
	inv, err := load(t, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	e := inv.Estate()
	ids := 0
	for _, g := range e.NodeGroups {
		if len(g.InstanceIDs) != g.Count {
			t.Errorf("group %s: %d instance ids for %d instances", g.Name, len(g.InstanceIDs), g.Count)
		}
		ids += len(g.InstanceIDs)
	}
	if ids == 0 {
		t.Error("no instance ids")
	}
	dns := map[string]string{}
	for _, lb := range e.LoadBalancers {
		dns[lb.Name] = lb.DNSName
	}
	if dns["legacy-clb"] != "legacy-clb-1234567890.us-east-1.elb.amazonaws.com" || dns["idle-alb"] != "idle-alb-1234567890.us-east-1.elb.amazonaws.com" {
		t.Errorf("dns names %v", dns)
	}
}
