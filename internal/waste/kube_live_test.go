package waste_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/source/kubelive"
	"github.com/refit-dev/refit/internal/source/kubelive/clientset"
	"github.com/refit-dev/refit/internal/source/kubelive/kubetest"
	"github.com/refit-dev/refit/internal/waste"
)

func quantities(cpu, mem string) corev1.ResourceList {
	return corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)}
}

// findings runs the waste rules over a snapshot's estate, priced in
// us-east-1, and keeps those of one rule.
func findings(t *testing.T, snap *kubelive.Snapshot, rule string) []waste.Finding {
	t.Helper()
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := snap.Estate()
	e.Region = "us-east-1"
	found, err := waste.Find(e, cat, waste.Options{Cost: cost.Options{At: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	var out []waste.Finding
	for _, f := range found {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// Edge cases of the waste rules on estates that kubelive reads through the
// fake clientset: which claims count as used, what a bound claim costs, node
// usage per node.
func TestLiveWasteFake(t *testing.T) {
	str := func(s string) *string { return &s }
	yes := true
	node := func(name, provider string, labels map[string]string) *corev1.Node {
		return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.NodeSpec{ProviderID: provider},
			Status: corev1.NodeStatus{Allocatable: quantities("2", "8Gi"), Capacity: quantities("2", "8Gi")}}
	}
	pod := func(name, nodeName string, phase corev1.PodPhase, owner string, cpu, mem string, claims ...string) *corev1.Pod {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: name},
			Spec:   corev1.PodSpec{NodeName: nodeName, Containers: []corev1.Container{{Name: "c", Resources: corev1.ResourceRequirements{Requests: quantities(cpu, mem)}}}},
			Status: corev1.PodStatus{Phase: phase}}
		if owner != "" {
			p.OwnerReferences = []metav1.OwnerReference{{Kind: owner, Name: owner, Controller: &yes}}
		}
		for _, c := range claims {
			p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: c, VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: c}}})
		}
		return p
	}
	claim := func(name, class, volume string, phase corev1.PersistentVolumeClaimPhase) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: name},
			Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: str(class), VolumeName: volume,
				Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")}}},
			Status: corev1.PersistentVolumeClaimStatus{Phase: phase}}
	}
	pv := func(name, class, size string, reclaim corev1.PersistentVolumeReclaimPolicy, src corev1.PersistentVolumeSource) *corev1.PersistentVolume {
		return &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PersistentVolumeSpec{StorageClassName: class,
			Capacity: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)}, PersistentVolumeReclaimPolicy: reclaim, PersistentVolumeSource: src}}
	}
	csi := corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{Driver: "ebs.csi.aws.com", VolumeHandle: "vol-0retained"}}
	intree := corev1.PersistentVolumeSource{AWSElasticBlockStore: &corev1.AWSElasticBlockStoreVolumeSource{VolumeID: "aws://us-east-1a/vol-0intree"}}
	labels := map[string]string{"node.kubernetes.io/instance-type": "m5.large", "eks.amazonaws.com/nodegroup": "ng-1"}
	objs := []runtime.Object{
		node("busy", "aws:///us-east-1a/i-0busy", labels),
		node("idle", "aws:///us-east-1b/i-0idle", labels),
		node("ds-only", "aws:///us-east-1b/i-0ds", labels),
		pod("web-1", "busy", corev1.PodRunning, "ReplicaSet", "1200m", "5Gi", "used"),
		pod("web-2", "idle", corev1.PodRunning, "ReplicaSet", "100m", "256Mi"),
		pod("agent-1", "ds-only", corev1.PodRunning, "DaemonSet", "50m", "64Mi"),
		pod("agent-2", "busy", corev1.PodRunning, "DaemonSet", "50m", "64Mi"),
		pod("migrate", "idle", corev1.PodSucceeded, "Job", "1", "1Gi", "finished-only"),
		pod("waiting", "", corev1.PodPending, "", "100m", "64Mi", "pending-pod"),
		claim("used", "gp3", "pv-used", corev1.ClaimBound),
		claim("finished-only", "ebs", "pv-finished", corev1.ClaimBound),
		claim("pending-pod", "gp3", "pv-pending-pod", corev1.ClaimBound),
		claim("never-bound", "gp3", "", corev1.ClaimPending),
		claim("intree", "", "pv-intree", corev1.ClaimBound),
		pv("pv-used", "gp3", "10Gi", corev1.PersistentVolumeReclaimDelete, csi),
		pv("pv-finished", "slow", "100Gi", corev1.PersistentVolumeReclaimRetain, csi),
		pv("pv-pending-pod", "gp3", "10Gi", corev1.PersistentVolumeReclaimDelete, csi),
		pv("pv-intree", "gp2", "30Gi", corev1.PersistentVolumeReclaimDelete, intree),
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "gp3"}, Provisioner: "ebs.csi.aws.com"},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "ebs"}, Provisioner: "ebs.csi.aws.com", Parameters: map[string]string{"type": "gp3"}},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "slow"}, Provisioner: "ebs.csi.aws.com", Parameters: map[string]string{"type": "sc1"}},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "gp2"}, Provisioner: "kubernetes.io/aws-ebs"},
	}
	snap, err := kubelive.LoadWith(context.Background(), clientset.Lister(fake.NewClientset(objs...)), kubelive.Options{Context: "prod"})
	if err != nil {
		t.Fatal(err)
	}

	// The estate: only bound claims, at their volume's size and class.
	e := snap.Estate()
	claims := map[string]estate.Claim{}
	for _, c := range e.Claims {
		claims[c.Name] = c
	}
	if _, ok := claims["never-bound"]; ok || len(claims) != 4 {
		t.Errorf("claims %+v, want the four bound ones", e.Claims)
	}
	if c := claims["finished-only"]; c.SizeGiB != 100 || c.StorageClass != "slow" || c.ReclaimPolicy != "Retain" || c.VolumeID != "vol-0retained" || c.Volume != "pv-finished" {
		t.Errorf("finished-only claim %+v: want the volume's 100 GiB, class slow, Retain, vol-0retained", c)
	}
	if c := claims["intree"]; c.StorageClass != "gp2" || c.VolumeID != "vol-0intree" {
		t.Errorf("in-tree claim %+v", c)
	}
	if s := snap.Skipped(); !slices.ContainsFunc(s, func(l string) bool { return strings.Contains(l, "claim app/never-bound: Pending") }) {
		t.Errorf("skipped %q", s)
	}
	usage := snap.NodeUsage()
	if u := usage["busy"]; u.Pods != 2 || u.Requested != (estate.Resources{MilliCPU: 1250, MemoryBytes: 5<<30 + 64<<20}) || u.DaemonSetOnly || u.InstanceID != "i-0busy" || u.Group != "ng-1" || u.GroupKind != "eks" {
		t.Errorf("busy %+v", u)
	}
	if u := usage["idle"]; u.Pods != 1 || u.Requested.MilliCPU != 100 {
		t.Errorf("idle (the finished pod does not count) %+v", u)
	}
	if u := usage["ds-only"]; !u.DaemonSetOnly || u.Pods != 1 {
		t.Errorf("ds-only %+v", u)
	}

	// unmounted-claim: the claim only a finished pod mounts (and the
	// in-tree one nothing mounts); a pending pod's claim is used.
	var got []string
	for _, f := range findings(t, snap, waste.RuleUnmountedClaim) {
		got = append(got, f.Resource)
		if strings.Contains(f.Resource, "finished-only") && !strings.Contains(f.Fix, "kubectl delete pv pv-finished && aws ec2 delete-volume --volume-id vol-0retained") {
			t.Errorf("fix %q", f.Fix)
		}
	}
	slices.Sort(got)
	if want := []string{"claim app/finished-only: 100 GiB", "claim app/intree: 30 GiB"}; !slices.Equal(got, want) {
		t.Errorf("unmounted claims %q, want %q", got, want)
	}

	// idle-node-capacity: 1.4 cpu and 5.4 GiB fit one node; two of three
	// are idle; one of them runs only DaemonSet pods, so low confidence.
	idle := findings(t, snap, waste.RuleIdleNodes)
	if len(idle) != 1 {
		t.Fatalf("idle findings %+v", idle)
	}
	if f := idle[0]; f.Resource != "node group m5.large on-demand: 2 of 3 nodes" || f.Confidence != waste.Low ||
		!strings.Contains(f.Fix, "eksctl scale nodegroup --cluster prod --name ng-1 --nodes 1") || !f.MonthlySaving.IsPositive() {
		t.Errorf("idle finding %+v", f)
	}
}

// TestLiveWaste runs the same rules against a real API server: nodes, pods
// and claims written as the controllers would, read back with Load.
func TestLiveWaste(t *testing.T) {
	cs, kubeconfig := kubetest.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run := fmt.Sprintf("w%d", time.Now().UnixNano()%1e9)
	ns := run
	nodes := []string{run + "-a", run + "-b", run + "-c", run + "-d"}
	volumes := []string{run + "-pv-used", run + "-pv-orphan", run + "-pv-done"}
	kubetest.Cleanup(t, cs, []string{ns}, nodes, volumes)
	if err := kubetest.CreateNamespace(ctx, cs, ns); err != nil {
		t.Fatal(err)
	}
	// A group label unique to this run keeps other tests' nodes out of the
	// group; the instance type and purchase make the estate group.
	labels := map[string]string{"node.kubernetes.io/instance-type": "m5.large", "topology.kubernetes.io/zone": "us-east-1a",
		"kops.k8s.io/instancegroup": run + "-nodes", "refit-test-run": run}
	for i, n := range nodes {
		spec := kubetest.NodeSpec{Name: n, Labels: labels, CPU: "2", Memory: "8Gi", ProviderID: fmt.Sprintf("aws:///us-east-1a/i-0%s%d", run, i)}
		if err := kubetest.CreateNode(ctx, cs, spec); err != nil {
			t.Fatal(err)
		}
	}
	rs := &metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-5f7c", UID: "00000000-0000-0000-0000-000000000002"}
	pods := []kubetest.PodSpec{
		{Namespace: ns, Name: "web-1", Node: nodes[0], CPU: "1500m", Memory: "6Gi", Owner: rs, Claims: []string{"used"}},
		{Namespace: ns, Name: "web-2", Node: nodes[1], CPU: "200m", Memory: "1Gi", Owner: rs},
		{Namespace: ns, Name: "web-3", Node: nodes[2], CPU: "200m", Memory: "1Gi", Owner: rs},
		{Namespace: ns, Name: "report", Node: nodes[3], CPU: "1", Memory: "4Gi", Phase: corev1.PodSucceeded, Claims: []string{"done"}},
	}
	for _, p := range pods {
		if err := kubetest.CreatePod(ctx, cs, p); err != nil {
			t.Fatal(err)
		}
	}
	claims := []kubetest.ClaimSpec{
		{Namespace: ns, Name: "used", StorageClass: "gp3", Request: "10Gi", Volume: volumes[0], Reclaim: corev1.PersistentVolumeReclaimDelete, VolumeHandle: "vol-0used"},
		{Namespace: ns, Name: "orphan", StorageClass: "gp3", Request: "10Gi", Capacity: "20Gi", Volume: volumes[1], Reclaim: corev1.PersistentVolumeReclaimRetain, VolumeHandle: "vol-0orphan"},
		{Namespace: ns, Name: "done", StorageClass: "gp3", Request: "5Gi", Volume: volumes[2], Reclaim: corev1.PersistentVolumeReclaimDelete, VolumeHandle: "vol-0done"},
		{Namespace: ns, Name: "waiting", StorageClass: "gp3", Request: "50Gi"},
	}
	for _, c := range claims {
		if err := kubetest.CreateClaim(ctx, cs, c); err != nil {
			t.Fatal(err)
		}
	}

	snap, err := kubelive.Load(ctx, kubeconfig, "")
	if err != nil {
		t.Fatal(err)
	}
	// Keep this run's objects only: the server is shared.
	mine := &kubelive.Snapshot{Context: snap.Context, StorageClasses: snap.StorageClasses}
	for _, n := range snap.Nodes {
		if n.Labels["refit-test-run"] == run {
			mine.Nodes = append(mine.Nodes, n)
		}
	}
	for _, p := range snap.Pods {
		if p.Namespace == ns {
			mine.Pods = append(mine.Pods, p)
		}
	}
	for _, c := range snap.Claims {
		if c.Namespace == ns {
			mine.Claims = append(mine.Claims, c)
		}
	}
	if len(mine.Nodes) != 4 || len(mine.Pods) != 4 || len(mine.Claims) != 4 {
		t.Fatalf("loaded %d nodes, %d pods, %d claims of this run; want 4, 4, 4", len(mine.Nodes), len(mine.Pods), len(mine.Claims))
	}

	// Rule 3: the claim no pod mounts and the one only a finished pod
	// mounts; the Pending claim costs nothing and is skipped.
	var got []string
	for _, f := range findings(t, mine, waste.RuleUnmountedClaim) {
		got = append(got, f.Resource)
		if strings.Contains(f.Resource, "orphan") && !strings.Contains(f.Fix, "kubectl delete pvc -n "+ns+" orphan") {
			t.Errorf("fix %q", f.Fix)
		}
		if strings.Contains(f.Resource, "orphan") && !strings.Contains(f.Fix, "aws ec2 delete-volume --volume-id vol-0orphan") {
			t.Errorf("Retain: fix %q should delete the volume", f.Fix)
		}
	}
	slices.Sort(got)
	if want := []string{"claim " + ns + "/done: 5 GiB", "claim " + ns + "/orphan: 20 GiB"}; !slices.Equal(got, want) {
		t.Errorf("unmounted claims %q, want %q", got, want)
	}

	// Rule 2: 1.9 cpu and 8 GiB need 1 node of 2 cpu / 8 GiB, but the
	// group has four; three are idle (the finished pod's node is empty).
	idle := findings(t, mine, waste.RuleIdleNodes)
	if len(idle) != 1 {
		t.Fatalf("idle findings %+v", idle)
	}
	f := idle[0]
	if f.Resource != "node group m5.large on-demand: 3 of 4 nodes" || f.Confidence != waste.Low ||
		!strings.Contains(f.Fix, "kops edit ig "+run+"-nodes --name refit-test: set spec.minSize and spec.maxSize to 1") {
		t.Errorf("idle finding %+v", f)
	}
	cat, _ := pricing.Default()
	b, err := cost.Estimate(&estate.Estate{Region: "us-east-1", NodeGroups: []estate.NodeGroup{{Name: "x", Role: estate.RoleNode, InstanceTypes: []string{"m5.large"}, Count: 3, Purchase: estate.OnDemand}}},
		cat, cost.Options{Region: "us-east-1", Usage: cost.DefaultUsage()})
	if err != nil {
		t.Fatal(err)
	}
	if !f.MonthlySaving.Equal(b.Total()) {
		t.Errorf("saving %s, want 3 × m5.large = %s", f.MonthlySaving, b.Total())
	}
}
