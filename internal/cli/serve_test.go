package cli

import (
	"bytes"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	d := dashFlags{example: true}
	data, err := d.data(cmd, nil, streams)
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
