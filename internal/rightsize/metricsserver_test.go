package rightsize

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/source/kubelive/kubetest"
)

// metricsServer serves testdata/podmetrics.json as metrics-server's API
// does (GET /apis/metrics.k8s.io/v1beta1/pods, and per namespace).
func metricsServer(t *testing.T) string {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "podmetrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/apis/metrics.k8s.io/v1beta1/pods", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods":
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestParsePodMetrics(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "podmetrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParsePodMetrics(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Fatalf("%d samples, want 5", len(got))
	}
	// 123456789n rounds up to 124m; 150000Ki is 153,600,000 bytes.
	if s := got[0]; s.Pod != "web-5d8f7b9c6-x7k2p" || s.Container != "app" || s.CPUMilli != 124 || s.MemoryBytes != 150000*1024 {
		t.Errorf("first sample = %+v", s)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"not JSON", "{", "PodMetricsList"},
		{"other kind", `{"kind":"NodeMetricsList","items":[]}`, "want a PodMetricsList"},
		{"bad cpu", `{"items":[{"metadata":{"name":"p","namespace":"n"},"containers":[{"name":"c","usage":{"cpu":"lots","memory":"1Mi"}}]}]}`, "pod n/p container c: cpu"},
		{"bad memory", `{"items":[{"metadata":{"name":"p","namespace":"n"},"containers":[{"name":"c","usage":{"cpu":"1m","memory":"-1Mi"}}]}]}`, "pod n/p container c"},
	} {
		if _, err := ParsePodMetrics(strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func FuzzParsePodMetrics(f *testing.F) {
	body, err := os.ReadFile(filepath.Join("testdata", "podmetrics.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Add([]byte(`{"items":[{"containers":[{"usage":{"cpu":"1e3","memory":"1E"}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		samples, err := ParsePodMetrics(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, s := range samples {
			if s.CPUMilli < 0 || s.MemoryBytes < 0 {
				t.Errorf("negative usage %+v", s)
			}
		}
		SnapshotUsage(samples, &Owners{})
	})
}

func TestRunMetricsServer(t *testing.T) {
	url := metricsServer(t)
	res, err := DefaultSettings().RunMetricsServer(context.Background(), &MetricsServer{URL: url}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Workload{}
	for _, w := range res.Workloads {
		got[w.Kind+"/"+w.Name+"/"+w.Container] = w
	}
	for name, want := range map[string]Resources{
		// the larger of the two pods' samples: 301m, 150000Ki (146.5Mi) +15% = 168.5Mi
		"Deployment/web/app":      {CPUMilli: RoundCPU(301), MemoryBytes: RoundMemory(176640000)},
		"Deployment/web/proxy":    {CPUMilli: 10, MemoryBytes: 32 << 20},
		"StatefulSet/db/postgres": {CPUMilli: 1200, MemoryBytes: RoundMemory(1234803098)},
	} {
		w, ok := got[name]
		if !ok || w.Recommended == nil {
			t.Errorf("%s: not sized (%+v)", name, w)
			continue
		}
		if *w.Recommended != want {
			t.Errorf("%s: recommended %+v, want %+v", name, *w.Recommended, want)
		}
		if w.Reason != SnapshotReason || w.Samples != map[bool]int{true: 2, false: 1}[w.Name == "web"] {
			t.Errorf("%s: reason %q samples %d", name, w.Reason, w.Samples)
		}
	}
	if len(res.Assumptions) == 0 || res.Assumptions[0] != SnapshotNote {
		t.Errorf("assumptions = %q, want the one-sample note first", res.Assumptions)
	}
	if v := res.View(""); v.Source != "metrics-server "+url || v.Window != "one sample" {
		t.Errorf("view source %q window %q", v.Source, v.Window)
	}

	// Without metrics.k8s.io: the error says so.
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	if _, err := DefaultSettings().RunMetricsServer(context.Background(), &MetricsServer{URL: srv.URL}, nil, nil); err == nil || !strings.Contains(err.Error(), "metrics-server installed") {
		t.Errorf("err = %v", err)
	}
}

// TestRunMetricsServerKubeconfig reads metrics.k8s.io through a kubeconfig
// from the real test API server, which serves no metrics-server: the
// error says so (skipped without $REFIT_TEST_KUBECONFIG).
func TestRunMetricsServerKubeconfig(t *testing.T) {
	_, kubeconfig := kubetest.Client(t)
	s := DefaultSettings()
	s.Kubeconfig = kubeconfig
	_, err := s.RunMetricsServer(context.Background(), &MetricsServer{}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "HTTP 404: metrics.k8s.io is not served") {
		t.Errorf("err = %v, want metrics.k8s.io not served", err)
	}
}
