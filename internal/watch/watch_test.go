package watch

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/golden"
)

// TestOnceReportAndBudget is the done-when: --once over exports in a
// directory sends the latest complete day's report and exactly one budget
// alert; a second run sends nothing new.
func TestOnceReportAndBudget(t *testing.T) {
	dir := t.TempDir()
	writeExports(t, filepath.Join(dir, "exports"))
	slack := newFakeSlack(t)
	cfgPath := writeConfig(t, dir, billConfig)
	var logs logBuffer

	d := newTestDaemon(t, loadConfig(t, cfgPath, slack.webhook()), Options{Log: logs.logger()})
	if err := d.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := slack.messages()
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want the report and one budget alert: %q", len(msgs), slack.texts())
	}
	// The exports end on Oct 31, which is still being filled in: the
	// latest complete day is Oct 30.
	if !strings.HasPrefix(msgs[0].Text, "Cloud spend for 2026-10-30:") {
		t.Errorf("first message %q, want the report of 2026-10-30", msgs[0].Text)
	}
	if !strings.HasPrefix(msgs[1].Text, "Monthly budget crossed:") {
		t.Errorf("second message %q, want the monthly budget alert", msgs[1].Text)
	}
	for _, m := range msgs {
		if m.Channel != "#infra" {
			t.Errorf("channel %q", m.Channel)
		}
	}
	golden.AssertJSON(t, "testdata/report.golden.json", msgs[0])
	golden.AssertJSON(t, "testdata/budget.golden.json", msgs[1])
	d.Close()

	// Again, as cron would: nothing new.
	d2 := newTestDaemon(t, loadConfig(t, cfgPath, slack.webhook()), Options{Log: logs.logger()})
	if err := d2.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(slack.messages()); n != 2 {
		t.Errorf("second run: %d messages in all, want still 2: %q", n, slack.texts())
	}
	if strings.Contains(logs.String(), "SeCrEtToKeN") {
		t.Errorf("the webhook URL was logged:\n%s", logs.String())
	}
}

// TestReportWaitsForAt: the long-running daemon sends the report at bill.at
// at the earliest; budget alerts go out at once.
func TestReportWaitsForAt(t *testing.T) {
	dir := t.TempDir()
	writeExports(t, filepath.Join(dir, "exports"))
	slack := newFakeSlack(t)
	cfg := loadConfig(t, writeConfig(t, dir, billConfig), slack.webhook())
	now := time.Date(2026, 11, 5, 7, 0, 0, 0, time.UTC)
	d := newTestDaemon(t, cfg, Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	d.Tick(ctx, now)
	if _, err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := slack.texts(); len(got) != 1 || !strings.HasPrefix(got[0], "Monthly budget crossed") {
		t.Fatalf("before 08:00: %q, want the budget alert only", got)
	}
	next := d.jobs[0].next
	if want := time.Date(2026, 11, 5, 8, 0, 0, 0, time.UTC); !next.Equal(want) {
		t.Errorf("next bill read at %s, want %s", next, want)
	}
	d.Tick(ctx, next)
	if _, err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := slack.texts(); len(got) != 2 || !strings.HasPrefix(got[1], "Cloud spend for 2026-10-30") {
		t.Fatalf("at 08:00: %q, want the report too", got)
	}
}

// TestAnomalyOncePerDay: with the state saying days up to Oct 19 were
// looked at, the NAT data spike of Oct 20 is one alert, and only one.
func TestAnomalyOncePerDay(t *testing.T) {
	dir := t.TempDir()
	writeExports(t, filepath.Join(dir, "exports"))
	slack := newFakeSlack(t)
	cfg := loadConfig(t, writeConfig(t, dir, strings.Replace(billConfig, "budget: {daily: 10.00, monthly: 150.00}\n", "", 1)), slack.webhook())
	d := newTestDaemon(t, cfg, Options{})
	ctx := context.Background()
	if err := d.store.Set(ctx, "bill.anomalies.through", "2026-10-19"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := d.Once(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var anomalies []string
	for _, s := range slack.texts() {
		if strings.HasPrefix(s, "Cost anomaly") {
			anomalies = append(anomalies, s)
		}
	}
	if len(anomalies) == 0 {
		t.Fatalf("no anomaly alert: %q", slack.texts())
	}
	seen := map[string]bool{}
	for _, a := range anomalies {
		if seen[a] {
			t.Errorf("anomaly sent twice: %s", a)
		}
		seen[a] = true
		if !strings.Contains(a, "2026-10-20") {
			t.Errorf("anomaly %q, want Oct 20's spike", a)
		}
	}
}

// TestDeadWebhook: Slack down keeps the alerts pending (bounded retries,
// nothing logged with the URL) and the other checks go on; when Slack is
// back the pending alerts go out once.
func TestDeadWebhook(t *testing.T) {
	dir := t.TempDir()
	writeExports(t, filepath.Join(dir, "exports"))
	slack := newFakeSlack(t)
	var down atomic.Bool
	down.Store(true)
	slack.setStatus(func(int, http.ResponseWriter, *http.Request) int {
		if down.Load() {
			return http.StatusServiceUnavailable
		}
		return 0
	})
	probe := newProbeServer(t)
	cfg := loadConfig(t, writeConfig(t, dir, billConfig+"probes: [{name: api, url: "+probe.URL+", every: 10s, timeout: 1s}]\n"), slack.webhook())
	var logs logBuffer
	d := newTestDaemon(t, cfg, Options{Log: logs.logger()})
	ctx := context.Background()
	err := d.Once(ctx)
	if err == nil || !strings.Contains(err.Error(), "still pending") {
		t.Fatalf("Once = %v, want alerts still pending", err)
	}
	if strings.Contains(err.Error(), "SeCrEtToKeN") || strings.Contains(logs.String(), "SeCrEtToKeN") {
		t.Fatalf("webhook URL leaked: %v\n%s", err, logs.String())
	}
	if slack.requestCount() != cfg.Delivery.Attempts {
		t.Errorf("%d requests, want %d (one send's attempts; the round stops at a dead webhook)", slack.requestCount(), cfg.Delivery.Attempts)
	}
	if probe.hits() != 1 {
		t.Errorf("probe ran %d times, want 1", probe.hits())
	}
	down.Store(false)
	if err := d.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if got := slack.texts(); len(got) != 2 {
		t.Errorf("after recovery: %q, want report and budget once each", got)
	}
}

func TestSlackRetries(t *testing.T) {
	for _, tc := range []struct {
		name       string
		statuses   []int
		retryAfter string
		wantErr    bool
		wantTries  int
		wantWaits  []time.Duration
	}{
		{name: "ok", statuses: []int{200}, wantTries: 1},
		{name: "429 Retry-After", statuses: []int{429, 200}, retryAfter: "7", wantTries: 2, wantWaits: []time.Duration{7 * time.Second}},
		{name: "429 Retry-After capped", statuses: []int{429, 200}, retryAfter: "3600", wantTries: 2, wantWaits: []time.Duration{30 * time.Second}},
		{name: "5xx then ok", statuses: []int{500, 502, 200}, wantTries: 3, wantWaits: []time.Duration{500 * time.Millisecond, time.Second}},
		{name: "gives up", statuses: []int{500, 500, 500, 500, 500, 500}, wantErr: true, wantTries: 5,
			wantWaits: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}},
		{name: "404 is not retried", statuses: []int{404}, wantErr: true, wantTries: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			slack := newFakeSlack(t)
			slack.setStatus(func(n int, w http.ResponseWriter, r *http.Request) int {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				return tc.statuses[min(n-1, len(tc.statuses)-1)]
			})
			s := NewSlack(Secret(slack.webhook()), time.Second, 5, 30*time.Second)
			var waits []time.Duration
			s.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			s.Jitter = func(d time.Duration) time.Duration { return d } // the cap of full jitter
			err := s.Send(context.Background(), []byte(`{"text":"x"}`))
			if (err != nil) != tc.wantErr {
				t.Fatalf("Send = %v", err)
			}
			if err != nil && strings.Contains(err.Error(), "SeCrEtToKeN") {
				t.Errorf("error names the webhook: %v", err)
			}
			if slack.requestCount() != tc.wantTries {
				t.Errorf("%d requests, want %d", slack.requestCount(), tc.wantTries)
			}
			if len(waits) != len(tc.wantWaits) {
				t.Fatalf("waits %v, want %v", waits, tc.wantWaits)
			}
			for i := range waits {
				if waits[i] != tc.wantWaits[i] {
					t.Errorf("wait %d = %s, want %s", i, waits[i], tc.wantWaits[i])
				}
			}
		})
	}
}

func TestSlackUnreachableNeverNamesURL(t *testing.T) {
	s := NewSlack(Secret("http://127.0.0.1:1/services/SeCrEtToKeN"), time.Second, 2, time.Millisecond)
	err := s.Send(context.Background(), []byte(`{}`))
	if err == nil || strings.Contains(err.Error(), "SeCrEtToKeN") {
		t.Fatalf("Send = %v, want an error without the URL", err)
	}
}

func TestSecretRedacted(t *testing.T) {
	cfg := &Config{Slack: SlackConfig{WebhookURL: "https://hooks.slack.com/services/SeCrEtToKeN"}}
	var logs logBuffer
	logs.logger().Info("config", "slack", cfg.Slack, "url", cfg.Slack.WebhookURL)
	b, _ := json.Marshal(cfg.Slack)
	for _, s := range []string{logs.String(), string(b), cfg.Slack.WebhookURL.String()} {
		if strings.Contains(s, "SeCrEtToKeN") {
			t.Errorf("secret shown: %s", s)
		}
	}
}
