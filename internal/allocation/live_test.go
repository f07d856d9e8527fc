package allocation

import (
	"context"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/refit-dev/refit/internal/source/kubelive"
	"github.com/refit-dev/refit/internal/source/kubelive/kubetest"
)

// TestLive writes nodes and pods into a real API server
// ($REFIT_TEST_KUBECONFIG, see scripts/kube-apiserver.sh), loads them with
// kubelive.Load (paginated by 2 to exercise Continue) and allocates its
// estate by namespace, workload and label.
func TestLive(t *testing.T) {
	cs, kubeconfig := kubetest.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// Unique names: the server may hold objects of earlier runs.
	run := fmt.Sprintf("t%d", time.Now().UnixNano()%1e9)
	nsA, nsB := run+"-a", run+"-b"
	for _, ns := range []string{nsA, nsB} {
		if err := kubetest.CreateNamespace(ctx, cs, ns); err != nil {
			t.Fatal(err)
		}
	}
	n1, n2 := run+"-n1", run+"-n2"
	kubetest.Cleanup(t, cs, []string{nsA, nsB}, []string{n1, n2}, nil)
	labels := func(it string) map[string]string {
		return map[string]string{"node.kubernetes.io/instance-type": it, "topology.kubernetes.io/zone": "us-east-1a", "refit-test-run": run}
	}
	for _, n := range []kubetest.NodeSpec{{Name: n1, Labels: labels("m5.xlarge"), CPU: "4", Memory: "16Gi"}, {Name: n2, Labels: labels("m5.large"), CPU: "2", Memory: "8Gi"}} {
		if err := kubetest.CreateNode(ctx, cs, n); err != nil {
			t.Fatal(err)
		}
	}
	rs := &metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-5f7c", UID: "00000000-0000-0000-0000-000000000001"}
	pods := []kubetest.PodSpec{
		{Namespace: nsA, Name: "web-5f7c-1", Node: n1, CPU: "1", Memory: "4Gi", Owner: rs, Labels: map[string]string{"team": "x", "pod-template-hash": "5f7c"}},
		{Namespace: nsA, Name: "web-5f7c-2", Node: n2, CPU: "1", Memory: "4Gi", Owner: rs, Labels: map[string]string{"team": "x", "pod-template-hash": "5f7c"}},
		{Namespace: nsB, Name: "batch", Node: n1, CPU: "1", Memory: "4Gi", Labels: map[string]string{"team": "y"}},
		{Namespace: nsB, Name: "done", Node: n2, CPU: "1", Memory: "4Gi", Phase: "Succeeded"},
	}
	if err := kubetest.Parallel(len(pods), 4, func(i int) error { return kubetest.CreatePod(ctx, cs, pods[i]) }); err != nil {
		t.Fatal(err)
	}

	cfg, name, err := kubelive.RESTConfig(kubeconfig, "")
	if err != nil {
		t.Fatal(err)
	}
	client, err := kubelive.NewRESTClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := kubelive.LoadWith(ctx, client, kubelive.Options{Context: name, Server: cfg.Host, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Keep this run's objects only.
	mine := &kubelive.Snapshot{Context: snap.Context}
	for _, n := range snap.Nodes {
		if n.Labels["refit-test-run"] == run {
			mine.Nodes = append(mine.Nodes, n)
		}
	}
	for _, p := range snap.Pods {
		if p.Namespace == nsA || p.Namespace == nsB {
			mine.Pods = append(mine.Pods, p)
		}
	}
	if len(mine.Nodes) != 2 || len(mine.Pods) != 4 {
		t.Fatalf("loaded %d nodes and %d pods of this run, want 2 and 4", len(mine.Nodes), len(mine.Pods))
	}
	e := mine.Estate()
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(e.NodeGroups) != 2 {
		t.Errorf("node groups %+v", e.NodeGroups)
	}

	// m5.xlarge and m5.large on-demand in us-east-1 (0.192 and 0.096 $/h).
	prices := Prices{Nodes: NodePrices{n1: d("140.16"), n2: d("70.08")}}
	total := d("210.24")
	tests := []struct {
		by   string
		want map[string]string
	}{
		// n1: web ½·¼+½·¼ = 0.25, batch 0.25 of 140.16; n2: web ½·½+½·½ = 0.5 of 70.08.
		{"namespace", map[string]string{nsA: "70.08", nsB: "35.04", Idle: "105.12"}},
		{"workload", map[string]string{nsA + "/Deployment/web": "70.08", nsB + "/Pod/batch": "35.04", Idle: "105.12"}},
		{"label:team", map[string]string{"x": "70.08", "y": "35.04", Idle: "105.12"}},
	}
	for _, tt := range tests {
		t.Run(tt.by, func(t *testing.T) {
			dim, err := ParseDimension(tt.by)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Allocate(e, prices, dim)
			if err != nil {
				t.Fatal(err)
			}
			if !r.NodesMonthlyCost.Equal(total) || !sum(r.Allocations).Equal(total) {
				t.Errorf("nodes %s, allocations %s, want exactly %s", r.NodesMonthlyCost, sum(r.Allocations), total)
			}
			if !r.IdleCost.Equal(d("105.12")) {
				t.Errorf("idle %s", r.IdleCost)
			}
			if got := byName(r.Allocations); !equalMaps(got, tt.want) {
				t.Errorf("allocations %v, want %v", got, tt.want)
			}
		})
	}
}
