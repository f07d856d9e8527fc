package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/source/kubelive/kubetest"
)

// refit cost --kubeconfig --by namespace against a real kube-apiserver: the
// namespaces' shares and __idle__ add up to the nodes' total exactly.
func TestCostKubeconfigByNamespace(t *testing.T) {
	cs, kubeconfig := kubetest.Client(t) // skips without REFIT_TEST_KUBECONFIG
	ctx := context.Background()
	run0 := strings.ReplaceAll(strings.ToLower(t.Name()), "_", "-")
	ns := []string{run0 + "-a", run0 + "-b"}
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
	_, errOut, code := run(t, "", "cost", "--kubeconfig", "/nonexistent/kubeconfig")
	if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("bad kubeconfig: exit %d, %q; want 2 and one line", code, errOut)
	}
}
