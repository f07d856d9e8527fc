package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestPrometheusScrape: a real Prometheus (Debian's prometheus package;
// scripts/prometheus.sh install) scrapes the daemon's metrics listener
// every second; the target comes up and a query returns the forecast the
// daemon computed. Bounded to 30 s.
func TestPrometheusScrape(t *testing.T) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (Debian package prometheus; scripts/prometheus.sh install)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	dir := t.TempDir()
	writeExports(t, filepath.Join(dir, "exports"))
	slack := newFakeSlack(t)
	d := newTestDaemon(t, loadConfig(t, writeConfig(t, dir, billConfig), slack.webhook()), Options{})
	if err := d.Once(ctx); err != nil {
		t.Fatal(err)
	}
	// The daemon's metrics listener, on a loopback port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	promAddr := freeLoopback(t)
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: refit
    static_configs: [{targets: ["%s"]}]
`, ln.Addr())), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	logs := &logBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	query := func(q string) (float64, bool) {
		u := "http://" + promAddr + "/api/v1/query?query=" + url.QueryEscape(q)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, false // not up yet
		}
		defer resp.Body.Close()
		var r struct {
			Status string `json:"status"`
			Data   struct {
				Result []struct {
					Value [2]any `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Status != "success" || len(r.Data.Result) != 1 {
			return 0, false
		}
		s, _ := r.Data.Result[0].Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil
	}
	for {
		if v, ok := query(`up{job="refit"}`); ok && v == 1 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("up{job=\"refit\"} never became 1 within 30 s; prometheus said:\n%s", logs)
		case <-exited:
			t.Fatalf("prometheus exited:\n%s", logs)
		case <-time.After(200 * time.Millisecond):
		}
	}
	// The report's month-end forecast (testdata/report.golden.json).
	v, ok := query(`refit_cost_monthly_forecast_usd{job="refit"}`)
	if !ok || math.Abs(v-258.01) > 0.006 {
		t.Errorf("refit_cost_monthly_forecast_usd through Prometheus = %v (found %v), want 258.01", v, ok)
	}
	if v, ok := query(`refit_alerts_sent_total{job="refit",kind="report"}`); !ok || v != 1 {
		t.Errorf("refit_alerts_sent_total{kind=\"report\"} through Prometheus = %v (found %v), want 1", v, ok)
	}
}

// freeLoopback is a free 127.0.0.1 port for a child process.
func freeLoopback(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
