package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/gen"
)

// TestWatchOnce is the done-when through the command: exports in a
// directory and a local webhook; --once sends the report and one budget
// alert, and a second run sends nothing.
func TestWatchOnce(t *testing.T) {
	var mu sync.Mutex
	var got []string
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
	}))
	defer slack.Close()
	dir := t.TempDir()
	var buf bytes.Buffer
	if _, _, err := gen.GenerateEKSMonth(&buf, charge.FormatCURLegacy, gen.Month); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "exports"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exports", "cur.csv"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "watch.yaml")
	t.Setenv("REFIT_TEST_WEBHOOK", slack.URL+"/services/SeCrEtToKeN")
	if err := os.WriteFile(cfg, []byte("state: watch.db\nlisten: off\nslack: {webhookURL: \"${REFIT_TEST_WEBHOOK}\"}\nbill: {source: exports}\nbudget: {monthly: 150}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		_, errOut, code := run(t, "", "watch", "--config", cfg, "--once")
		if code != 0 {
			t.Fatalf("run %d: exit %d: %s", i+1, code, errOut)
		}
		if strings.Contains(errOut, "SeCrEtToKeN") {
			t.Errorf("the webhook was logged: %s", errOut)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || !strings.Contains(got[0], "Cloud spend for 2026-10-30") || !strings.Contains(got[1], "Monthly budget crossed") {
		t.Errorf("Slack got %d messages, want the report and one budget alert:\n%s", len(got), strings.Join(got, "\n"))
	}
}

func TestWatchCheckConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	t.Setenv("REFIT_TEST_WEBHOOK", "https://hooks.slack.com/services/SeCrEtToKeN")
	if err := os.WriteFile(good, []byte("state: w.db\nslack: {webhookURL: \"${REFIT_TEST_WEBHOOK}\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("state: w.db\nslack: {webhookURL: \"${REFIT_TEST_WEBHOOK}\"}\nbudget:\n  daily: lots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "", "watch", "--config", good, "--check-config")
	if code != 0 || out != good+": ok\n" {
		t.Errorf("good config: code %d, out %q, err %q", code, out, errOut)
	}
	_, errOut, code = run(t, "", "watch", "--config", bad, "--check-config")
	if code != 2 || !strings.Contains(errOut, bad+`:4: "lots" is not an amount`) {
		t.Errorf("bad config: code %d, err %q", code, errOut)
	}
	if _, errOut, code = run(t, "", "watch"); code != 2 || !strings.Contains(errOut, "--config") {
		t.Errorf("no config: code %d, err %q", code, errOut)
	}
}
