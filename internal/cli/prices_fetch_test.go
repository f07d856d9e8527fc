package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestPricesUpdateFetch fetches AWS's bulk offer format from a local
// server and prices a LoadBalancer Service with the fetched catalog.
func TestPricesUpdateFetch(t *testing.T) {
	var fail atomic.Bool // the us-east-2 offer answers 503 while set
	files := http.FileServer(http.Dir(filepath.Join("..", "pricing", "testdata", "fetch")))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() && strings.HasSuffix(r.URL.Path, "/us-east-2/index.json") {
			http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
			return
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	out, cache := filepath.Join(dir, "prices"), filepath.Join(dir, "cache")
	manifest := filepath.Join(dir, "lb.yaml")
	if err := os.WriteFile(manifest, []byte(`apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
  - port: 80
`), 0o644); err != nil {
		t.Fatal(err)
	}
	fetch := []string{"prices", "update", "--fetch", "--offers-url", srv.URL, "--services", "AWSELB", "--regions", "us-east-2",
		"--to", out, "--cache", cache, "--retries", "1"}

	// A 503 on every try: exit 2, nothing written.
	fail.Store(true)
	if _, errOut, code := run(t, "", fetch...); code != 2 || !strings.Contains(errOut, "503 Service Unavailable (2 attempts)") {
		t.Fatalf("exit %d, %q; want 2 and the 503", code, errOut)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("catalog written although the fetch failed")
	}
	fail.Store(false)

	stdout, errOut, code := run(t, "", fetch...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"fetched:", "service: AWSELB", "region: us-east-2", "cached: false", "rebuilt:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	stdout, errOut, code = run(t, "", "cost", manifest, "--region", "us-east-2", "--prices", out, "-o", "json")
	if code != 0 {
		t.Fatalf("cost: exit %d: %s", code, errOut)
	}
	var rep struct {
		Items []struct {
			Resource  string  `json:"resource"`
			UnitPrice float64 `json:"unitPrice"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range rep.Items {
		if it.Resource == "Classic ELB default/web" {
			found = true
			if it.UnitPrice != 0.0275 { // the served price
				t.Errorf("Classic ELB hour = %v, want the served 0.0275", it.UnitPrice)
			}
		}
	}
	if !found {
		t.Errorf("no Classic ELB in %s", stdout)
	}

	// Again: the offer comes from the cache.
	stdout, errOut, code = run(t, "", fetch...)
	if code != 0 || !strings.Contains(stdout, "cached: true") {
		t.Errorf("second fetch: exit %d, %s\n%s", code, errOut, stdout)
	}
}

func TestPricesUpdateFetchUsage(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--fetch", "--from", "x"}, "--from and --fetch cannot be used together"},
		{[]string{"--from", "x", "--regions", "us-east-2"}, "--regions goes with --fetch"},
		{[]string{"--fetch", "--services", "AmazonS3"}, `--services: refit reads no prices from "AmazonS3"`},
		{[]string{"--fetch", "--request-timeout", "0s"}, "--request-timeout must be positive"},
		{[]string{"--fetch", "--offers-url", "ftp://x"}, `offers URL "ftp://x"`},
	}
	for _, tt := range tests {
		args := append([]string{"prices", "update", "--to", t.TempDir(), "--cache", t.TempDir()}, tt.args...)
		if _, errOut, code := run(t, "", args...); code != 2 || !strings.Contains(errOut, tt.wantErr) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tt.args, code, errOut, tt.wantErr)
		}
	}
}
