package watch

import (
	"bytes"
	"context"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// metricValue finds the sample of series in a text exposition.
func metricValue(body, series string) (float64, bool) {
	for _, l := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(l, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

func scrape(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestMetrics: after a run, /metrics has the metrics with the
// values of the report, and promtool (Debian's prometheus package) finds
// nothing to complain about.
func TestMetrics(t *testing.T) {
	dir := t.TempDir()
	writeExports(t, filepath.Join(dir, "exports"))
	slack := newFakeSlack(t)
	probe := newProbeServer(t)
	cfg := loadConfig(t, writeConfig(t, dir, billConfig+"probes: [{name: api, url: \""+probe.URL+"\"}]\n"), slack.webhook())
	d := newTestDaemon(t, cfg, Options{})
	if code, _ := scrape(t, d.Handler(), "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz before the first checks: %d, want 503", code)
	}
	if err := d.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	d.churnGauge([]NodeEvent{{Name: "a", InstanceType: "t3.small", CapacityType: "spot"}, {Name: "b", InstanceType: "t3.small", CapacityType: "spot"}})
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, _ := scrape(t, d.Handler(), p); code != http.StatusOK {
			t.Errorf("%s: %d", p, code)
		}
	}
	code, body := scrape(t, d.Handler(), "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	// The values of the report (testdata/report.golden.json), to the cent.
	for _, want := range []struct {
		series string
		value  float64
	}{
		{`refit_cost_daily_usd{component="control-plane"}`, 2.40},
		{`refit_cost_daily_usd{component="network/nat-data"}`, 1.57},
		{`refit_cost_monthly_forecast_usd`, 258.01},
		{`refit_budget_ratio{budget="monthly"}`, 250.32 / 150},
		{`refit_budget_ratio{budget="daily"}`, 7.76 / 10},
		{`refit_cluster_nodes{capacity_type="spot",instance_type="t3.small"}`, 2},
		{`refit_probe_duration_seconds_count{probe="api"}`, 1},
		{`refit_alerts_sent_total{kind="budget"}`, 1},
		{`refit_alerts_sent_total{kind="report"}`, 1},
		{`refit_alerts_pending`, 0},
	} {
		got, ok := metricValue(body, want.series)
		if !ok || math.Abs(got-want.value) > 0.006 {
			t.Errorf("%s = %v (found %v), want %v", want.series, got, ok, want.value)
		}
	}
	// An error counter appears once a check failed.
	d.checkFailed(context.Background(), "bill", io.ErrUnexpectedEOF, testNow)
	_, body = scrape(t, d.Handler(), "/metrics")
	if !strings.Contains(body, `refit_watch_check_errors_total{check="bill"} 1`) {
		t.Error("/metrics lacks refit_watch_check_errors_total")
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian package prometheus; scripts/prometheus.sh install)")
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out.String())
	}
}

// TestSoak: 10,000 cycles of a fast clock (a probe every cycle, the bill
// every hour of fake time, Slack answering) leave the heap flat.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak")
	}
	dir := t.TempDir()
	writeExports(t, filepath.Join(dir, "exports"))
	slack := newFakeSlack(t)
	probe := newProbeServer(t)
	cfg := loadConfig(t, writeConfig(t, dir, billConfig+"probes: [{name: api, url: \""+probe.URL+"\", every: 1m, timeout: 1s, failures: 2}]\n"), slack.webhook())
	now := testNow
	d := newTestDaemon(t, cfg, Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	const cycles = 10000
	var before uint64
	for i := range cycles {
		if i == 1000 {
			before = heap()
		}
		// Flap the probe every 50 cycles: outages and recoveries, each an
		// alert through the outbox.
		probe.fail.Store(i%100 >= 50)
		d.Tick(ctx, now)
		if _, err := d.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	after := heap()
	t.Logf("heap after 1,000 cycles %d KiB, after %d: %d KiB; %d requests to the probe, %d messages", before>>10, cycles, after>>10, probe.hits(), len(slack.messages()))
	if probe.hits() != cycles {
		t.Errorf("probe ran %d times, want %d", probe.hits(), cycles)
	}
	if after > before+8<<20 {
		t.Errorf("heap grew from %d KiB to %d KiB over %d cycles", before>>10, after>>10, cycles-1000)
	}
	// 100 outages, each a down and (but the last, still on) an up alert,
	// and the report and the budget alert once.
	if n, want := len(slack.messages()), 2*cycles/100-1+2; n != want {
		t.Errorf("%d messages, want %d", n, want)
	}
}
