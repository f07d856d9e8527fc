package kubelive_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/kubelive"
	"github.com/refit-dev/refit/internal/source/kubelive/kubetest"
)

// TestLoadLive reads a node and a pod back from a real API server through
// Load and the kubeconfig (protobuf, token auth, TLS).
func TestLoadLive(t *testing.T) {
	cs, kubeconfig := kubetest.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run := fmt.Sprintf("l%d", time.Now().UnixNano()%1e9)
	kubetest.Cleanup(t, cs, []string{run}, []string{run + "-n"}, nil)
	if err := kubetest.CreateNamespace(ctx, cs, run); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"node.kubernetes.io/instance-type": "c5.large", "karpenter.sh/capacity-type": "spot",
		"topology.kubernetes.io/zone": "eu-west-1b", "topology.kubernetes.io/region": "eu-west-1"}
	if err := kubetest.CreateNode(ctx, cs, kubetest.NodeSpec{Name: run + "-n", Labels: labels, CPU: "1930m", Memory: "3Gi"}); err != nil {
		t.Fatal(err)
	}
	if err := kubetest.CreatePod(ctx, cs, kubetest.PodSpec{Namespace: run, Name: "p", Node: run + "-n", CPU: "250m", Memory: "512Mi"}); err != nil {
		t.Fatal(err)
	}
	snap, err := kubelive.Load(ctx, kubeconfig, "")
	if err != nil {
		t.Fatal(err)
	}
	var node *kubelive.Node
	for i := range snap.Nodes {
		if snap.Nodes[i].Name == run+"-n" {
			node = &snap.Nodes[i]
		}
	}
	want := kubelive.Node{Name: run + "-n", InstanceType: "c5.large", Zone: "eu-west-1b", Region: "eu-west-1", Purchase: estate.Spot,
		Allocatable: estate.Resources{MilliCPU: 1930, MemoryBytes: 3 << 30}, Capacity: estate.Resources{MilliCPU: 1930, MemoryBytes: 3 << 30}}
	if node == nil {
		t.Fatalf("node %s not loaded", run+"-n")
	}
	node.Labels = nil
	if fmt.Sprint(*node) != fmt.Sprint(want) {
		t.Errorf("node %+v, want %+v", *node, want)
	}
	found := false
	for _, p := range snap.Pods {
		if p.Namespace == run && p.Name == "p" {
			found = true
			if p.Node != run+"-n" || p.Phase != "Running" || p.Requests != (estate.Resources{MilliCPU: 250, MemoryBytes: 512 << 20}) || p.Workload() != "Pod/p" {
				t.Errorf("pod %+v", p)
			}
		}
	}
	if !found {
		t.Errorf("pod %s/p not loaded", run)
	}
	if snap.Context != "refit-test" {
		t.Errorf("context %q", snap.Context)
	}
}
