package kubelive

import (
	"context"
	"github.com/refit-dev/refit/internal/awslb"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/kubelive/clientset"
)

func rl(cpu, mem string) corev1.ResourceList {
	out := corev1.ResourceList{}
	if cpu != "" {
		out[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		out[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	return out
}

func ctr(name, cpu, mem string) corev1.Container {
	return corev1.Container{Name: name, Resources: corev1.ResourceRequirements{Requests: rl(cpu, mem)}}
}

func TestPodRequests(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	sidecar := ctr("proxy", "100m", "64Mi")
	sidecar.RestartPolicy = &always
	limitsOnly := corev1.Container{Name: "l", Resources: corev1.ResourceRequirements{Limits: rl("1", "1Gi")}}
	tests := []struct {
		name string
		spec corev1.PodSpec
		want estate.Resources
	}{
		{"sum of containers", corev1.PodSpec{Containers: []corev1.Container{ctr("a", "250m", "128Mi"), ctr("b", "250m", "128Mi")}},
			estate.Resources{MilliCPU: 500, MemoryBytes: 256 << 20}},
		{"large init container wins", corev1.PodSpec{InitContainers: []corev1.Container{ctr("init", "2", "64Mi")}, Containers: []corev1.Container{ctr("a", "500m", "1Gi")}},
			estate.Resources{MilliCPU: 2000, MemoryBytes: 1 << 30}},
		{"sidecar adds to app and to later init", corev1.PodSpec{
			InitContainers: []corev1.Container{sidecar, ctr("migrate", "1", "64Mi")},
			Containers:     []corev1.Container{ctr("a", "500m", "128Mi")}},
			estate.Resources{MilliCPU: 1100, MemoryBytes: 192 << 20}},
		{"limits stand in for requests, plus overhead", corev1.PodSpec{Containers: []corev1.Container{limitsOnly}, Overhead: rl("10m", "1Mi")},
			estate.Resources{MilliCPU: 1010, MemoryBytes: 1<<30 + 1<<20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := podRequests(&tt.spec); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPurchase(t *testing.T) {
	tests := []struct {
		labels map[string]string
		want   estate.Purchase
	}{
		{map[string]string{labelEKSCapacity: "SPOT"}, estate.Spot},
		{map[string]string{labelEKSCapacity: "ON_DEMAND"}, estate.OnDemand},
		{map[string]string{labelKarpenterCap: "spot"}, estate.Spot},
		{map[string]string{labelKarpenterCap: "on-demand"}, estate.OnDemand},
		{map[string]string{labelLifecycle: "spot"}, estate.Spot},
		{map[string]string{"spot": "true"}, estate.Spot},
		{map[string]string{labelEKSComputeType: "fargate"}, estate.Fargate},
		{nil, estate.OnDemand},
	}
	for _, tt := range tests {
		if got := purchaseOf(tt.labels); got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.labels, got, tt.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func owned(kind, name string) []metav1.OwnerReference {
	return []metav1.OwnerReference{{Kind: kind, Name: name, Controller: ptr(true)}}
}

func fakeObjects() []runtime.Object {
	node := func(name string, labels map[string]string) *corev1.Node {
		return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
			Status: corev1.NodeStatus{Allocatable: rl("3920m", "15Gi"), Capacity: rl("4", "16Gi")}}
	}
	pod := func(ns, name, nodeName string, owner []metav1.OwnerReference, labels map[string]string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, OwnerReferences: owner, Labels: labels},
			Spec:   corev1.PodSpec{NodeName: nodeName, Containers: []corev1.Container{ctr("c", "500m", "1Gi")}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	}
	db := pod("db", "pg-0", "n2", owned("StatefulSet", "pg"), nil)
	db.Spec.Volumes = []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-pg-0"}}}}
	done := pod("batch", "report-28000000-x", "n1", owned("Job", "report-28000000"), nil)
	done.Status.Phase = corev1.PodSucceeded
	return []runtime.Object{
		node("n1", map[string]string{labelInstanceType: "m5.xlarge", labelZone: "us-east-1a", labelRegion: "us-east-1", labelEKSCapacity: "ON_DEMAND", labelEKSNodegroup: "main"}),
		node("n2", map[string]string{labelInstanceTypeBeta: "m5.xlarge", labelZoneBeta: "us-east-1b", labelKarpenterCap: "on-demand"}),
		node("n3", map[string]string{labelInstanceType: "c5.large", labelEKSCapacity: "SPOT", labelZone: "us-east-1a"}),
		node("fargate-ip-1", map[string]string{labelEKSComputeType: "fargate"}),
		&appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "front-7d9f", OwnerReferences: owned("Deployment", "front")}},
		&batchv1.Job{ObjectMeta: metav1.ObjectMeta{Namespace: "batch", Name: "report-28000000", OwnerReferences: owned("CronJob", "report")}},
		pod("web", "front-7d9f-a", "n1", owned("ReplicaSet", "front-7d9f"), map[string]string{"app": "front"}),
		pod("web", "front-7d9f-b", "n2", owned("ReplicaSet", "front-7d9f"), map[string]string{"app": "front"}),
		// ReplicaSet not listed: the pod-template-hash label names the Deployment.
		pod("web", "api-5c6b-a", "n3", owned("ReplicaSet", "api-5c6b"), map[string]string{"pod-template-hash": "5c6b"}),
		pod("kube-system", "agent-x", "n1", owned("DaemonSet", "agent"), nil),
		pod("kube-system", "agent-y", "n2", owned("DaemonSet", "agent"), nil),
		pod("default", "bare", "n3", nil, nil),
		pod("default", "waiting", "", nil, nil),
		db, done,
		&corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "db", Name: "data-pg-0"},
			Spec:   corev1.PersistentVolumeClaimSpec{StorageClassName: ptr("fast"), VolumeName: "pv-1", Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("50Gi")}}},
			Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound, Capacity: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("64Gi")}}},
		&corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-1"}, Spec: corev1.PersistentVolumeSpec{StorageClassName: "fast",
			Capacity: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("64Gi")}}},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "fast", Annotations: map[string]string{annDefaultStorageClass: "true"}},
			Provisioner: "ebs.csi.aws.com", Parameters: map[string]string{"type": "io2"}},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "efs"}, Provisioner: "efs.csi.aws.com"},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "front", Annotations: map[string]string{awslb.AnnLBType: "external", awslb.AnnLBScheme: "internet-facing"}},
			Spec:   corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Selector: map[string]string{"app": "front"}},
			Status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{Hostname: "front-1.elb.us-east-1.amazonaws.com"}}}}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "internal"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP}},
		&networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: "alb"}, Spec: networkingv1.IngressClassSpec{Controller: "ingress.k8s.aws/alb"}},
		&networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: "nginx"}, Spec: networkingv1.IngressClassSpec{Controller: "k8s.io/ingress-nginx"}},
		&networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "a", Annotations: map[string]string{awslb.AnnALBGroup: "shared"}}, Spec: networkingv1.IngressSpec{IngressClassName: ptr("alb")}},
		&networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "db", Name: "b", Annotations: map[string]string{awslb.AnnALBGroup: "shared", awslb.AnnALBScheme: "internet-facing"}}, Spec: networkingv1.IngressSpec{IngressClassName: ptr("alb")},
			Status: networkingv1.IngressStatus{LoadBalancer: networkingv1.IngressLoadBalancerStatus{Ingress: []networkingv1.IngressLoadBalancerIngress{{Hostname: "k8s-shared-1.us-east-1.elb.amazonaws.com"}}}}},
		&networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "nginx"}, Spec: networkingv1.IngressSpec{IngressClassName: ptr("nginx")}},
	}
}

func TestLoadWithFake(t *testing.T) {
	cs := fake.NewClientset(fakeObjects()...)
	snap, err := LoadWith(context.Background(), clientset.Lister(cs), Options{Context: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]string{}
	for _, p := range snap.Pods {
		owners[p.Namespace+"/"+p.Name] = p.Workload()
	}
	wantOwners := map[string]string{
		"web/front-7d9f-a": "Deployment/front", "web/api-5c6b-a": "Deployment/api",
		"kube-system/agent-x": "DaemonSet/agent", "default/bare": "Pod/bare",
		"batch/report-28000000-x": "CronJob/report", "db/pg-0": "StatefulSet/pg",
	}
	for k, v := range wantOwners {
		if owners[k] != v {
			t.Errorf("owner of %s = %q, want %q", k, owners[k], v)
		}
	}
	if len(snap.Claims) != 1 || snap.Claims[0].SizeGiB != 64 || !reflect.DeepEqual(snap.Claims[0].Pods, []string{"pg-0"}) {
		t.Errorf("claims = %+v", snap.Claims)
	}
	if len(snap.Services) != 1 || snap.Services[0].Type != estate.NLB || snap.Services[0].Internal {
		t.Errorf("services = %+v", snap.Services)
	}
	if len(snap.Ingresses) != 2 {
		t.Errorf("ingresses = %+v", snap.Ingresses)
	}

	e := snap.Estate()
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if e.Region != "us-east-1" || e.Clusters[0].ControlPlane != estate.ControlPlaneEKS || e.Clusters[0].Name != "prod" {
		t.Errorf("region %q, clusters %+v", e.Region, e.Clusters)
	}
	var groups []string
	for _, g := range e.NodeGroups {
		groups = append(groups, g.Name+":"+strings.Join(g.Zones, ",")+":"+string(rune('0'+g.Count))+":"+g.Origin.String())
	}
	wantGroups := []string{
		"c5.large spot:us-east-1a:1:kube:prod/nodegroup/c5.large-spot",
		"m5.xlarge on-demand:us-east-1a,us-east-1b:2:kube:prod/nodegroup/m5.xlarge-on-demand",
	}
	if !reflect.DeepEqual(groups, wantGroups) {
		t.Errorf("node groups = %q, want %q", groups, wantGroups)
	}
	work := map[string]string{}
	for _, w := range e.Workloads {
		work[w.Kind+"/"+w.Namespace+"/"+w.Name] = w.Origin.String()
		if w.Kind == "DaemonSet" && (!w.PerNode || w.Replicas != 0) {
			t.Errorf("daemonset %+v", w)
		}
		if w.Kind == "Deployment" && w.Name == "front" && (w.Replicas != 2 || w.Requests.MilliCPU != 500) {
			t.Errorf("deployment front %+v", w)
		}
	}
	if got := work["Deployment/web/front"]; got != "kube:prod/deployment/web/front" {
		t.Errorf("workload origin %q (all %v)", got, work)
	}
	if _, ok := work["CronJob/batch/report"]; ok {
		t.Errorf("finished pod counted as a workload")
	}
	if len(e.Claims) != 1 || e.Claims[0].StorageClass != "fast" || e.Claims[0].Origin.String() != "kube:prod/pvc/db/data-pg-0" {
		t.Errorf("claims %+v", e.Claims)
	}
	sc := map[string]string{}
	for _, c := range e.StorageClasses {
		sc[c.Name] = c.EBSType
	}
	if !reflect.DeepEqual(sc, map[string]string{"fast": "io2", "efs": ""}) {
		t.Errorf("storage classes %v", sc)
	}
	var lbs []string
	for _, lb := range e.LoadBalancers {
		lbs = append(lbs, string(lb.Type)+" "+lb.Name+" "+strings.Join(lb.Members, ",")+" "+lb.Origin.String()+" "+lb.DNSName)
	}
	wantLBs := []string{"nlb web/front  kube:prod/service/web/front front-1.elb.us-east-1.amazonaws.com", "alb shared db/b,web/a kube:prod/ingress/db/b k8s-shared-1.us-east-1.elb.amazonaws.com"}
	if !reflect.DeepEqual(lbs, wantLBs) {
		t.Errorf("load balancers %q, want %q", lbs, wantLBs)
	}
	if s := snap.Skipped(); len(s) != 1 || !strings.Contains(s[0], "fargate-ip-1") {
		t.Errorf("skipped %q", s)
	}
}

func writeKubeconfig(t *testing.T, server string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "` + server + `", insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: t}
contexts:
- name: test
  context: {cluster: c, user: u}
current-context: test
`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadErrors(t *testing.T) {
	// A port nothing listens on: listen, note it, close.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()

	// A server that accepts and never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()

	bad := filepath.Join(t.TempDir(), "bad")
	if err := os.WriteFile(bad, []byte("clusters: [oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, kubeconfig, context string
		timeout                   time.Duration
		want                      string
	}{
		{"missing file", filepath.Join(t.TempDir(), "nope"), "", 0, "nope: no such file or directory"},
		{"bad yaml", bad, "", 0, "kube: kubeconfig"},
		{"unknown context", writeKubeconfig(t, "https://"+closed), "other", 0, `context "other" does not exist`},
		{"refused", writeKubeconfig(t, "https://"+closed), "", 0, "kube: context test: cannot reach https://" + closed + ": "},
		{"timeout", writeKubeconfig(t, "https://"+silent.Addr().String()), "", 300 * time.Millisecond, "did not answer within 300ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			var err error
			if tt.timeout > 0 {
				cfg, name, cerr := RESTConfig(tt.kubeconfig, tt.context)
				if cerr != nil {
					t.Fatal(cerr)
				}
				cs := mustClient(t, cfg)
				_, err = LoadWith(ctx, cs, Options{Context: name, Server: cfg.Host, Timeout: tt.timeout})
			} else {
				_, err = Load(ctx, tt.kubeconfig, tt.context)
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "kube: ") {
				t.Errorf("error %q, want one line with %q", msg, tt.want)
			}
			if testing.Verbose() {
				t.Log(msg)
			}
		})
	}
}

func mustClient(t *testing.T, cfg *rest.Config) Client {
	t.Helper()
	cs, err := NewRESTClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestInstanceID(t *testing.T) {
	for in, want := range map[string]string{
		"aws:///us-east-1a/i-0abc123":     "i-0abc123",
		"aws://us-east-1a/i-0abc123":      "i-0abc123",
		"aws:///i-0abc123":                "i-0abc123",
		"aws:///us-east-1a/fargate-ip-10": "",
		"gce://p/z/n":                     "",
		"":                                "",
		"aws://":                          "",
		"aws:///us-east-1a/i-":            "",
	} {
		if got := instanceID(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestEBSVolumeID(t *testing.T) {
	tests := []struct {
		spec corev1.PersistentVolumeSpec
		want string
	}{
		{corev1.PersistentVolumeSpec{PersistentVolumeSource: corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{Driver: "ebs.csi.aws.com", VolumeHandle: "vol-0a"}}}, "vol-0a"},
		{corev1.PersistentVolumeSpec{PersistentVolumeSource: corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{Driver: "efs.csi.aws.com", VolumeHandle: "fs-1"}}}, ""},
		{corev1.PersistentVolumeSpec{PersistentVolumeSource: corev1.PersistentVolumeSource{AWSElasticBlockStore: &corev1.AWSElasticBlockStoreVolumeSource{VolumeID: "aws://us-east-1a/vol-0b"}}}, "vol-0b"},
		{corev1.PersistentVolumeSpec{PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/vol-0c"}}}, ""},
	}
	for _, tt := range tests {
		if got := ebsVolumeID(&tt.spec); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.spec.PersistentVolumeSource, got, tt.want)
		}
	}
}

func FuzzInstanceID(f *testing.F) {
	f.Add("aws:///us-east-1a/i-0abc123")
	f.Fuzz(func(t *testing.T, s string) {
		if id := instanceID(s); id != "" && (!strings.HasPrefix(id, "i-") || !strings.HasSuffix(s, id)) {
			t.Errorf("%q: %q", s, id)
		}
	})
}

// TestEstateNodesAndPods checks what cost allocation reads from the estate:
// every node (Fargate too) with its node group, every pod with its node,
// phase, requests and owner, and the Services' selectors.
func TestEstateNodesAndPods(t *testing.T) {
	snap, err := LoadWith(context.Background(), clientset.Lister(fake.NewClientset(fakeObjects()...)), Options{Context: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	e := snap.Estate()
	nodes := map[string]string{}
	for _, n := range e.Nodes {
		nodes[n.Name] = n.NodeGroup + "|" + n.Origin.String()
		if n.Cluster != "prod" || n.Allocatable.MilliCPU != 3920 || n.Capacity.MilliCPU != 4000 {
			t.Errorf("node %+v", n)
		}
	}
	wantNodes := map[string]string{
		"n1":           "m5.xlarge on-demand|kube:prod/node/n1",
		"n2":           "m5.xlarge on-demand|kube:prod/node/n2",
		"n3":           "c5.large spot|kube:prod/node/n3",
		"fargate-ip-1": "|kube:prod/node/fargate-ip-1",
	}
	if !reflect.DeepEqual(nodes, wantNodes) {
		t.Errorf("nodes %v, want %v", nodes, wantNodes)
	}
	if len(e.Pods) != len(snap.Pods) {
		t.Fatalf("%d pods in the estate, %d in the snapshot", len(e.Pods), len(snap.Pods))
	}
	pods := map[string]estate.Pod{}
	for _, p := range e.Pods {
		pods[p.Namespace+"/"+p.Name] = p
	}
	if p := pods["web/front-7d9f-a"]; p.Node != "n1" || p.OwnerKind != "Deployment" || p.OwnerName != "front" ||
		p.Requests.MilliCPU != 500 || p.Labels["app"] != "front" || p.Finished() || p.Origin.String() != "kube:prod/pod/web/front-7d9f-a" {
		t.Errorf("pod front-7d9f-a %+v", p)
	}
	if p := pods["batch/report-28000000-x"]; !p.Finished() {
		t.Errorf("succeeded pod not finished: %+v", p)
	}
	if p := pods["db/pg-0"]; !reflect.DeepEqual(p.Claims, []string{"data-pg-0"}) {
		t.Errorf("pod pg-0 claims %v", p.Claims)
	}
	if p := pods["default/waiting"]; p.Node != "" {
		t.Errorf("unscheduled pod on %q", p.Node)
	}
	for _, lb := range e.LoadBalancers {
		if lb.Service && !reflect.DeepEqual(lb.Selector, map[string]string{"app": "front"}) {
			t.Errorf("service %s selector %v", lb.Name, lb.Selector)
		}
	}
}
