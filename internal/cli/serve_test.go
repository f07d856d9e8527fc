package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/source/kubelive/kubetest"
	"github.com/refit-dev/refit/internal/web"
)

// TestServeAPIEqualsCLIJSON holds the dashboard's data, as refit serve
// --example computes it, to the commands' -o json byte for byte.
func TestServeAPIEqualsCLIJSON(t *testing.T) {
	streams := IO{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
	cmd := newServeCommand(streams)
	if err := cmd.ParseFlags([]string{"--example"}); err != nil {
		t.Fatal(err)
	}
	d := web.Flags{Example: true}
	data, err := dashData(cmd, &d, nil, streams)
	if err != nil {
		t.Fatal(err)
	}
	h := web.Handler(data, "", "test")
	api := func(name string) string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/"+name, nil))
		if rec.Code != 200 {
			t.Fatalf("/api/%s: %d", name, rec.Code)
		}
		return rec.Body.String()
	}
	for _, c := range []struct {
		api  string
		args []string
	}{
		{"bill-summary.json", []string{"bill", "summary", "--example", "-o", "json"}},
		{"daily.json", []string{"bill", "daily", "--example", "--by", "component", "-o", "json"}},
		{"daily.csv", []string{"bill", "daily", "--example", "--by", "component", "-o", "csv"}},
		{"forecast.json", []string{"bill", "forecast", "--example", "-o", "json"}},
		{"anomalies.json", []string{"bill", "anomalies", "--example", "-o", "json"}},
		{"vs-estimate.json", []string{"bill", "vs-estimate", "--example", "--estimate", "../../examples/eks-after", "-o", "json"}},
		{"plan.json", []string{"plan", "--example", "-o", "json"}},
		{"waste.json", []string{"waste", "--example", "-o", "json"}},
	} {
		out, errOut, code := run(t, "", c.args...)
		if code != 0 {
			t.Fatalf("refit %v: exit %d: %s", c.args, code, errOut)
		}
		if got := api(c.api); got != out {
			t.Errorf("/api/%s differs from refit %s", c.api, strings.Join(c.args, " "))
		}
	}
	// The migration page: the same findings as refit migrate check of the
	// example's manifests (there named from this directory).
	out, _, _ := run(t, "", "migrate", "check", "../../examples/kops-before/manifests", "--to", "1.33", "-o", "json")
	if got := api("migration.json"); strings.ReplaceAll(out, "../../examples/", "examples/") != got {
		t.Errorf("/api/migration.json differs from refit migrate check --to 1.33 -o json")
	}
	diff, _, _ := run(t, "", "migrate", "fix", "../../examples/kops-before/manifests", "--to", "1.33", "--diff")
	if got := api("migration.diff"); diff == "" || strings.ReplaceAll(diff, "../../examples/", "examples/") != got {
		t.Errorf("/api/migration.diff differs from refit migrate fix --to 1.33 --diff:\n%s\n---\n%s", got, diff)
	}
	// The eksctl download is what --write-eksctl writes.
	eks, _, code := run(t, "", "plan", "--example", "--write-eksctl", "-")
	if code != 0 || api("eksctl.yaml") != eks {
		t.Errorf("/api/eksctl.yaml differs from refit plan --example --write-eksctl -")
	}
}

func TestReportHTMLCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.html")
	_, errOut, code := run(t, "", "report", "--html", path, "--example")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(b, []byte(`data-total="bill">$`)) || !bytes.Contains(b, []byte(`<svg`)) {
		t.Fatalf("report: %v %.200s", err, b)
	}
	if _, errOut, code := run(t, "", "report", "--example"); code != 2 || !strings.Contains(errOut, "--html") {
		t.Errorf("no --html: exit %d %q", code, errOut)
	}
	if _, errOut, code := run(t, "", "report", "--html", path); code != 2 || !strings.Contains(errOut, "nothing to show") {
		t.Errorf("no inputs: exit %d %q", code, errOut)
	}
	// Beyond loopback without a token: refused before anything is read.
	t.Setenv(web.TokenEnv, "")
	if _, errOut, code := run(t, "", "serve", "--example", "--listen", "0.0.0.0:0"); code != 2 || !strings.Contains(errOut, "--token") {
		t.Errorf("serve on 0.0.0.0 without a token: exit %d %q", code, errOut)
	}
}

// TestServeClusterEqualsCostByNamespace reads a real kube-apiserver
// ($REFIT_TEST_KUBECONFIG, see scripts/kube-apiserver.sh) with refit serve
// --kubeconfig: the Cluster page's JSON is refit cost --kubeconfig --by
// namespace -o json (and --by workload) byte for byte, and its figures are
// that JSON's to the cent.
func TestServeClusterEqualsCostByNamespace(t *testing.T) {
	cs, kubeconfig := kubetest.Client(t) // skips without REFIT_TEST_KUBECONFIG
	ctx := context.Background()
	run0 := fmt.Sprintf("serve-cluster-%d", time.Now().UnixNano()%1e9)
	ns := []string{run0 + "-a", run0 + "-b"}
	nodes := []string{run0 + "-od", run0 + "-spot"}
	kubetest.Cleanup(t, cs, ns, nodes, nil)
	for _, n := range ns {
		if err := kubetest.CreateNamespace(ctx, cs, n); err != nil {
			t.Fatal(err)
		}
	}
	for i, n := range nodes {
		labels := map[string]string{"node.kubernetes.io/instance-type": "m5.large", "topology.kubernetes.io/zone": "us-east-1a"}
		if i == 1 {
			labels["eks.amazonaws.com/capacityType"] = "SPOT"
		}
		if err := kubetest.CreateNode(ctx, cs, kubetest.NodeSpec{Name: n, Labels: labels, CPU: "1930m", Memory: "7Gi"}); err != nil {
			t.Fatal(err)
		}
	}
	for i, n := range ns {
		for j, node := range nodes {
			if err := kubetest.CreatePod(ctx, cs, kubetest.PodSpec{Namespace: n, Name: fmt.Sprintf("p%d", j), Node: node, CPU: fmt.Sprintf("%dm", 250*(i+1)), Memory: "512Mi"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	streams := IO{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
	args := []string{"--kubeconfig", kubeconfig, "--region", "us-east-1"}
	// The server is shared: other tests may change it between two reads,
	// so a mismatch is retried while the CLI's own two reads differ.
	for attempt := 1; ; attempt++ {
		cli := map[string]string{}
		for _, by := range []string{"namespace", "workload"} {
			out, errOut, code := run(t, "", append([]string{"cost", "--by", by, "-o", "json"}, args...)...)
			if code != 0 {
				t.Fatalf("refit cost --by %s: exit %d: %s", by, code, errOut)
			}
			cli[by] = out
		}
		cmd := newServeCommand(streams)
		if err := cmd.ParseFlags(args); err != nil {
			t.Fatal(err)
		}
		var d web.Flags
		d.Live.Kubeconfig, d.Cost.Region = kubeconfig, "us-east-1"
		data, err := dashData(cmd, &d, nil, streams)
		if err != nil {
			t.Fatal(err)
		}
		again, _, _ := run(t, "", append([]string{"cost", "--by", "namespace", "-o", "json"}, args...)...)
		h := web.Handler(data, "", "test")
		get := func(target string) string {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
			if rec.Code != 200 {
				t.Fatalf("%s: %d", target, rec.Code)
			}
			return rec.Body.String()
		}
		nsJSON, wlJSON := get("/api/cluster-namespace.json"), get("/api/cluster-workload.json")
		if (nsJSON != cli["namespace"] || wlJSON != cli["workload"]) && again != cli["namespace"] && attempt < 3 {
			continue // the cluster changed under the test
		}
		if nsJSON != cli["namespace"] {
			t.Errorf("/api/cluster-namespace.json differs from refit cost --by namespace -o json:\n%s\n---\n%s", nsJSON, cli["namespace"])
		}
		if wlJSON != cli["workload"] {
			t.Errorf("/api/cluster-workload.json differs from refit cost --by workload -o json")
		}
		var v struct {
			NodesMonthlyCost decimal.Decimal `json:"nodesMonthlyCost"`
			Allocations      []struct {
				Name        string          `json:"name"`
				MonthlyCost decimal.Decimal `json:"monthlyCost"`
			} `json:"allocations"`
		}
		if err := json.Unmarshal([]byte(cli["namespace"]), &v); err != nil {
			t.Fatal(err)
		}
		page := get("/cluster")
		if !strings.Contains(page, `data-total="nodes">$`+v.NodesMonthlyCost.StringFixed(2)+`<`) {
			t.Errorf("/cluster does not show the nodes' %s", v.NodesMonthlyCost.StringFixed(2))
		}
		for _, a := range v.Allocations {
			if a.Name == "__idle__" && !strings.Contains(page, `data-total="idle">$`+a.MonthlyCost.StringFixed(2)+`<`) {
				t.Errorf("/cluster does not show __idle__ %s", a.MonthlyCost.StringFixed(2))
			}
		}
		for _, n := range ns {
			if !strings.Contains(page, `data-namespace="`+n+`"`) {
				t.Errorf("/cluster does not list %s", n)
			}
		}
		if !strings.Contains(page, "spot (") || !strings.Contains(page, "on-demand (") {
			t.Error("/cluster does not show the nodes by capacity type")
		}
		return
	}
}
