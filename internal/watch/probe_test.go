package watch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type probeServer struct {
	*httptest.Server
	n    atomic.Int64
	fail atomic.Bool
}

func (p *probeServer) hits() int64 { return p.n.Load() }

func newProbeServer(t testing.TB) *probeServer {
	p := &probeServer{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.n.Add(1)
		if p.fail.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(p.Close)
	return p
}

// TestProbeDownAndUp: K failures in a row are one down alert, however long
// the outage; the first success after is one up alert; a restart in the
// middle of the outage neither repeats the down alert nor forgets the up.
func TestProbeDownAndUp(t *testing.T) {
	dir := t.TempDir()
	slack := newFakeSlack(t)
	probe := newProbeServer(t)
	body := `state: watch.db
listen: off
slack: {webhookURL: "${SLACK_WEBHOOK_URL}"}
probes:
  - {name: api, url: "` + probe.URL + `/healthz", every: 10s, timeout: 2s, failures: 3}
`
	path := writeConfig(t, dir, body)
	now := testNow
	clock := func() time.Time { return now }
	ctx := context.Background()
	d := newTestDaemon(t, loadConfig(t, path, slack.webhook()), Options{Now: clock})
	step := func(d *Daemon, n int) {
		for range n {
			d.Tick(ctx, now)
			if _, err := d.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			now = now.Add(10 * time.Second)
		}
	}
	step(d, 5)
	probe.fail.Store(true)
	step(d, 2)
	if n := len(slack.texts()); n != 0 {
		t.Fatalf("after 2 failures: %d alerts, want none", n)
	}
	step(d, 5)
	if got := slack.texts(); len(got) != 1 || !strings.HasPrefix(got[0], "Probe api is failing: HTTP 502") {
		t.Fatalf("after 7 failures: %q, want one down alert", got)
	}
	d.Close()
	d = newTestDaemon(t, loadConfig(t, path, slack.webhook()), Options{Now: clock})
	step(d, 5)
	probe.fail.Store(false)
	step(d, 3)
	got := slack.texts()
	if len(got) != 2 || !strings.HasPrefix(got[1], "Probe api is back (down since 2026-11-05T09:00:50Z)") {
		t.Fatalf("after recovery: %q, want one up alert", got)
	}
	m := slack.messages()[1]
	if !strings.Contains(string(mustJSON(t, m)), "p50") {
		t.Errorf("up alert without latency percentiles: %s", mustJSON(t, m))
	}
}

func TestPercentiles(t *testing.T) {
	p := newProber(ProbeConfig{Name: "x", Timeout: time.Second})
	for i := 1; i <= 250; i++ {
		p.record(time.Duration(i) * time.Millisecond)
	}
	p50, p90, p99, n := p.percentiles()
	if n != 100 || p50 != 201*time.Millisecond || p90 != 241*time.Millisecond || p99 != 250*time.Millisecond {
		t.Errorf("p50 %s p90 %s p99 %s n %d, want 201ms 241ms 250ms over 100 (the last 100 of 1..250 ms)", p50, p90, p99, n)
	}
}
