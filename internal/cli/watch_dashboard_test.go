package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/gen"
	"github.com/refit-dev/refit/internal/web"
)

// TestWatchDashboard runs refit watch --dashboard --token on a loopback
// port: /metrics, /readyz and the pages answer on that one listener, the
// pages only with the token; the Spend page shows the bill watch read, to
// the cent of refit bill summary -o json.
func TestWatchDashboard(t *testing.T) {
	dir := t.TempDir()
	var cur bytes.Buffer
	if _, _, err := gen.GenerateEKSMonth(&cur, charge.FormatCURLegacy, gen.Month); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "exports"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exports", "cur.csv"), cur.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	defer slack.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := filepath.Join(dir, "watch.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("state: %s/watch.db\nlisten: %s\nslack: {webhookURL: %q}\nbill: {source: %s/exports/}\n",
		dir, addr, slack.URL+"/hook", dir)), 0o644); err != nil {
		t.Fatal(err)
	}

	// Refused: beyond loopback without a token; with --once.
	t.Setenv(web.TokenEnv, "")
	wide := filepath.Join(dir, "wide.yaml")
	os.WriteFile(wide, []byte(fmt.Sprintf("state: %s/w.db\nlisten: 0.0.0.0:0\nslack: {webhookURL: %q}\n", dir, slack.URL)), 0o644)
	if _, errOut, code := run(t, "", "watch", "--config", wide, "--dashboard"); code != 2 || !strings.Contains(errOut, "--token") {
		t.Errorf("--dashboard on 0.0.0.0 without a token: exit %d %q", code, errOut)
	}
	if _, errOut, code := run(t, "", "watch", "--config", cfg, "--dashboard", "--once"); code != 2 || !strings.Contains(errOut, "--once") {
		t.Errorf("--dashboard --once: exit %d %q", code, errOut)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		cmd := newWatchCommand(IO{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard})
		cmd.SetArgs([]string{"--config", cfg, "--dashboard", "--token", "s3cret"})
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		done <- cmd.ExecuteContext(ctx)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("watch: %v", err)
		}
	}()
	get := func(path, token string) (int, string) {
		req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	out, _, code := run(t, "", "bill", "summary", filepath.Join(dir, "exports"), "-o", "json")
	if code != 0 {
		t.Fatalf("refit bill summary: exit %d", code)
	}
	var sum struct {
		TotalCost decimal.Decimal `json:"totalCost"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.TotalCost.IsZero() {
		t.Fatalf("refit bill summary -o json: %v %.200s", err, out)
	}
	var page string
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := get("/spend", "s3cret")
		if code == 200 && strings.Contains(body, `data-total="bill">$`) {
			page = body
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/spend never showed the bill: %d %.300s", code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(page, `data-total="bill">$`+sum.TotalCost.StringFixed(2)+`<`) {
		t.Errorf("/spend does not show the bill's %s", sum.TotalCost.StringFixed(2))
	}
	if code, body := get("/metrics", ""); code != 200 || !strings.Contains(body, "refit_cost_daily_usd") {
		t.Errorf("/metrics on the same listener: %d %.200s", code, body)
	}
	if code, _ := get("/readyz", ""); code != 200 {
		t.Errorf("/readyz: %d", code)
	}
	if code, _ := get("/spend", ""); code != 401 {
		t.Errorf("/spend without the token: %d, want 401", code)
	}
	if code, body := get("/api/daily.json", "s3cret"); code != 200 || !strings.Contains(body, `"days"`) {
		t.Errorf("/api/daily.json: %d %.200s", code, body)
	}
	if code, body := get("/cluster", "s3cret"); code != 200 || !strings.Contains(body, "No cluster") {
		t.Errorf("/cluster without a cluster in the config: %d %.200s", code, body)
	}
}
