package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/source/kubelive/kubetest"
)

// refit cost --kubeconfig --by namespace against a real kube-apiserver: the
// namespaces' shares and __idle__ add up to the nodes' total exactly.
func TestCostKubeconfigByNamespace(t *testing.T) {
	cs, kubeconfig := kubetest.Client(t) // skips without REFIT_TEST_KUBECONFIG
	ctx := context.Background()
	// Unique names, removed at the end: the server is shared and kept.
	run0 := fmt.Sprintf("cost-by-ns-%d", time.Now().UnixNano()%1e9)
	ns := []string{run0 + "-a", run0 + "-b"}
	kubetest.Cleanup(t, cs, ns, []string{run0 + "-node"}, nil)
	for _, n := range ns {
		if err := kubetest.CreateNamespace(ctx, cs, n); err != nil {
			t.Fatal(err)
		}
	}
	labels := map[string]string{"node.kubernetes.io/instance-type": "t3.small", "topology.kubernetes.io/zone": "us-east-1a"}
	node := run0 + "-node"
	if err := kubetest.CreateNode(ctx, cs, kubetest.NodeSpec{Name: node, Labels: labels, CPU: "1930m", Memory: "1418Mi"}); err != nil {
		t.Fatal(err)
	}
	for i, n := range ns {
		if err := kubetest.CreatePod(ctx, cs, kubetest.PodSpec{Namespace: n, Name: fmt.Sprintf("p%d", i), Node: node, CPU: "250m", Memory: "256Mi"}); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := run(t, "", "cost", "--kubeconfig", kubeconfig, "--by", "namespace", "-o", "json", "--region", "us-east-1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		NodesMonthlyCost decimal.Decimal `json:"nodesMonthlyCost"`
		Allocations      []struct {
			Name        string          `json:"name"`
			MonthlyCost decimal.Decimal `json:"monthlyCost"`
		} `json:"allocations"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	sum, names := decimal.Zero, map[string]bool{}
	for _, a := range v.Allocations {
		sum = sum.Add(a.MonthlyCost)
		names[a.Name] = true
	}
	if !sum.Equal(v.NodesMonthlyCost) || v.NodesMonthlyCost.IsZero() {
		t.Errorf("allocations sum to %s, nodes cost %s", sum, v.NodesMonthlyCost)
	}
	for _, want := range append(ns, "__idle__") {
		if !names[want] {
			t.Errorf("no allocation for %s (have %v)", want, names)
		}
	}
}

func TestLiveFlagErrors(t *testing.T) {
	if _, errOut, code := run(t, "", "cost", "--example", "--by", "namespace"); code != 2 || !strings.Contains(errOut, "--kubeconfig") {
		t.Errorf("--by without a cluster: exit %d, %q", code, errOut)
	}
	if _, errOut, code := run(t, "", "plan", "--aws", "--kubeconfig", "/nonexistent/kubeconfig"); code != 2 || !strings.Contains(errOut, "refit plan takes --aws or --kubeconfig, not both") {
		t.Errorf("plan --aws --kubeconfig: exit %d, %q", code, errOut)
	}
	_, errOut, code := run(t, "", "cost", "--kubeconfig", "/nonexistent/kubeconfig")
	if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("bad kubeconfig: exit %d, %q; want 2 and one line", code, errOut)
	}
}

// refit waste --kubeconfig against a real kube-apiserver: two idle nodes of
// three, and a bound claim no running pod mounts. The instance type is one
// no other test uses, so the node group is this test's alone.
func TestWasteKubeconfig(t *testing.T) {
	cs, kubeconfig := kubetest.Client(t)
	ctx := context.Background()
	name := fmt.Sprintf("waste-cli-%d", time.Now().UnixNano()%1e9)
	nodes := []string{name + "-1", name + "-2", name + "-3"}
	kubetest.Cleanup(t, cs, []string{name}, nodes, []string{name + "-pv"})
	if err := kubetest.CreateNamespace(ctx, cs, name); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"node.kubernetes.io/instance-type": "r5a.xlarge", "topology.kubernetes.io/zone": "us-east-1a"}
	for _, n := range nodes {
		if err := kubetest.CreateNode(ctx, cs, kubetest.NodeSpec{Name: n, Labels: labels, CPU: "4", Memory: "32Gi"}); err != nil {
			t.Fatal(err)
		}
	}
	for i, n := range nodes {
		if err := kubetest.CreatePod(ctx, cs, kubetest.PodSpec{Namespace: name, Name: fmt.Sprintf("p%d", i), Node: n, CPU: "500m", Memory: "2Gi"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := kubetest.CreateClaim(ctx, cs, kubetest.ClaimSpec{Namespace: name, Name: "orphan", StorageClass: "gp3", Request: "40Gi",
		Volume: name + "-pv", Reclaim: "Retain", VolumeHandle: "vol-0orphan"}); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "", "waste", "--kubeconfig", kubeconfig, "-o", "json", "--region", "us-east-1", "--idle-threshold", "20")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		Findings []struct {
			Rule, Resource, Fix, Confidence string
			MonthlySaving                   decimal.Decimal
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	var idle, claim bool
	for _, f := range v.Findings {
		switch {
		case f.Rule == "idle-node-capacity" && f.Resource == "node group r5a.xlarge on-demand: 2 of 3 nodes":
			idle = true
			// 2 × r5a.xlarge at $0.226 an hour, 730 hours.
			if want := decimal.RequireFromString("329.96"); !f.MonthlySaving.Equal(want) || f.Confidence != "medium" {
				t.Errorf("idle nodes: %+v, want %s medium", f, want)
			}
		case f.Rule == "unmounted-claim" && f.Resource == "claim "+name+"/orphan: 40 GiB":
			claim = true
			if !strings.Contains(f.Fix, "aws ec2 delete-volume --volume-id vol-0orphan") {
				t.Errorf("claim fix %q", f.Fix)
			}
		}
	}
	if !idle || !claim {
		t.Errorf("idle finding %v, claim finding %v in\n%s", idle, claim, out)
	}
}
