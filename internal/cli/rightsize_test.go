package cli

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/rightsize/promtest"
)

// rightsizeTree is a repository with no requests, comments to keep.
const rightsizeTree = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  template:
    spec:
      containers:
        # serves the shop
        - name: app
          image: web:1
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: shop
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: postgres # the database
          image: postgres:16
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: fresh
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: app
          image: fresh:1
`

// rightsizeProm starts the real Prometheus on two days (and an hour) of
// generated usage for the tree's workloads (fresh: 12 hours), ending at
// the returned time, an hour boundary so that the outputs are the same
// on every run.
func rightsizeProm(t *testing.T) (url string, end time.Time) {
	t.Helper()
	end = time.Now().Add(-2 * time.Hour).Truncate(time.Hour)
	start := end.Add(-49 * time.Hour)
	r := rand.New(rand.NewPCG(14, 14))
	ss := []*promtest.Series{
		promtest.Gen(r, "shop", "web-5d8f7b9c6-x7k2p", "app", start, end, 400, 200<<20),
		promtest.Gen(r, "shop", "web-5d8f7b9c6-q4w9z", "app", start, end, 400, 200<<20),
		promtest.Gen(r, "shop", "db-0", "postgres", start, end, 1500, 900<<20),
		promtest.Gen(r, "shop", "fresh-6b7c8d9f5-m2n4p", "app", end.Add(-12*time.Hour), end, 50, 50<<20),
	}
	om := filepath.Join(t.TempDir(), "usage.om")
	promtest.WriteOpenMetrics(t, om, ss, "")
	return promtest.Start(t, om), end
}

func TestRightsizeCLIRealPrometheus(t *testing.T) {
	url, end := rightsizeProm(t)
	dir := t.TempDir()
	tree := filepath.Join(dir, "k8s")
	if err := os.MkdirAll(tree, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tree, "shop.yaml"), []byte(rightsizeTree), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"rightsize", "--prometheus", url, "--window", "2d", "--end", end.Format(time.RFC3339)}
	normalize := func(s string) string {
		s = strings.ReplaceAll(s, url, "http://PROMETHEUS")
		return strings.ReplaceAll(s, tree+string(filepath.Separator), "k8s/")
	}

	for _, f := range []string{"table", "json"} {
		out, errOut, code := run(t, "", append(append([]string{}, base...), "-o", f, tree)...)
		if code != 0 {
			t.Fatalf("-o %s: exit %d: %s", f, code, errOut)
		}
		goldenFile(t, "rightsize."+f+".golden", normalize(out))
	}

	// --fix --output-dir on the tree with no requests: the requests land
	// in each sized container, comments kept; the input is untouched.
	outDir := filepath.Join(dir, "out")
	out, errOut, code := run(t, "", append(append([]string{}, base...), "-o", "json", "--fix", "--output-dir", outDir, tree)...)
	if code != 0 {
		t.Fatalf("--fix --output-dir: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "2 containers in 1 files") {
		t.Errorf("stderr = %q, want 2 containers in 1 files", errOut)
	}
	var view struct {
		Workloads []struct {
			Name        string
			Recommended *struct{ CPUMilli, MemoryBytes int64 }
			Reason      string
		}
		PlanAfter struct {
			Scenario string
			Monthly  decimal.Decimal
		}
	}
	if err := json.Unmarshal([]byte(out), &view); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if in, _ := os.ReadFile(filepath.Join(tree, "shop.yaml")); string(in) != rightsizeTree {
		t.Errorf("the input changed:\n%s", in)
	}
	fixedPath := filepath.Join(outDir, "shop.yaml")
	fixed, err := os.ReadFile(fixedPath)
	if err != nil {
		t.Fatalf("the output tree: %v", err)
	}
	for _, want := range []string{"# serves the shop", "- name: postgres # the database", "requests:"} {
		if !strings.Contains(string(fixed), want) {
			t.Errorf("fixed file lacks %q:\n%s", want, fixed)
		}
	}
	for _, w := range view.Workloads {
		if w.Recommended == nil {
			if w.Name != "fresh" || !strings.HasPrefix(w.Reason, "not enough history") {
				t.Errorf("%s not sized: %s", w.Name, w.Reason)
			}
			continue
		}
		if !strings.Contains(string(fixed), fmt.Sprintf("cpu: %dm", w.Recommended.CPUMilli)) {
			t.Errorf("%s: cpu %dm not written:\n%s", w.Name, w.Recommended.CPUMilli, fixed)
		}
	}
	if strings.Count(string(fixed), "requests:") != 2 {
		t.Errorf("want requests in the 2 sized containers (fresh is not sized):\n%s", fixed)
	}

	// refit plan on the result plans for those requests: its recommended
	// design costs what rightsize's planAfter said.
	out, errOut, code = run(t, "", "plan", "-o", "json", outDir)
	if code != 0 {
		t.Fatalf("plan: exit %d: %s", code, errOut)
	}
	var p struct {
		Recommended string
		Scenarios   []struct {
			Name             string
			TotalMonthlyCost decimal.Decimal
		}
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if p.Recommended != view.PlanAfter.Scenario {
		t.Errorf("plan recommends %s, rightsize's planAfter %s", p.Recommended, view.PlanAfter.Scenario)
	}
	for _, s := range p.Scenarios {
		if s.Name == p.Recommended && !s.TotalMonthlyCost.Round(2).Equal(view.PlanAfter.Monthly) {
			t.Errorf("plan of the fixed tree: %s %s/month, rightsize's planAfter %s", s.Name, s.TotalMonthlyCost, view.PlanAfter.Monthly)
		}
	}
}

// TestRightsizeCLIMetricsServer: without --prometheus, one sample per
// container from metrics.k8s.io (served in its documented format), sized
// and marked low confidence.
func TestRightsizeCLIMetricsServer(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "rightsize", "testdata", "podmetrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/apis/metrics.k8s.io/v1beta1/pods" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()
	tree := t.TempDir()
	if err := os.WriteFile(filepath.Join(tree, "shop.yaml"), []byte(rightsizeTree), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "", "rightsize", "--metrics-server-url", srv.URL, tree)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	goldenFile(t, "rightsize-metrics-server.table.golden", strings.ReplaceAll(out, srv.URL, "http://METRICS-SERVER"))

	if _, errOut, code := run(t, "", "rightsize", tree); code != 2 || !strings.Contains(errOut, "--prometheus URL is required") {
		t.Errorf("no source: exit %d, %s", code, errOut)
	}
}
