package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/gen"
)

// fakeSlack is Slack's incoming webhook on 127.0.0.1: it counts the
// messages it accepted (answered 2xx).
type fakeSlack struct {
	*httptest.Server
	mu       sync.Mutex
	got      []message
	requests int
	// status, when set, answers each request (0: 200); it may set headers.
	status func(n int, w http.ResponseWriter, r *http.Request) int
}

// secretPath is the credential part of the fake webhook's URL; it must
// never appear in a log or an error.
const secretPath = "/services/T000/B000/SeCrEtToKeN"

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.requests++
		n := f.requests
		status := f.status
		f.mu.Unlock()
		code := http.StatusOK
		if status != nil {
			if code = status(n, w, r); code == 0 {
				code = http.StatusOK
			}
		}
		if r.URL.Path != secretPath {
			code = http.StatusNotFound
		}
		if code/100 == 2 {
			var m message
			if err := json.Unmarshal(body, &m); err != nil {
				t.Errorf("fake slack: bad JSON: %v", err)
			}
			f.mu.Lock()
			f.got = append(f.got, m)
			f.mu.Unlock()
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSlack) webhook() string { return f.URL + secretPath }

func (f *fakeSlack) messages() []message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]message(nil), f.got...)
}

// texts are the fallback texts of the messages received.
func (f *fakeSlack) texts() []string {
	var out []string
	for _, m := range f.messages() {
		out = append(out, m.Text)
	}
	return out
}

// writeExports writes the generated EKS month (October 2026) into dir as
// a legacy CUR CSV.
func writeExports(t testing.TB, dir string) {
	t.Helper()
	var buf bytes.Buffer
	if _, _, err := gen.GenerateEKSMonth(&buf, charge.FormatCURLegacy, gen.Month); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cur-2026-10.csv"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// testNow is the tests' clock: early November, after the October exports.
var testNow = time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)

// writeConfig writes a watch.yaml into dir with the webhook from the
// environment variable SLACK_WEBHOOK_URL, and returns its path.
func writeConfig(t testing.TB, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "watch.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func loadConfig(t testing.TB, path, webhook string) *Config {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig(path, data, func(k string) (string, bool) {
		if k == "SLACK_WEBHOOK_URL" {
			return webhook, true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// billConfig is the config of the done-when: exports in a directory, a
// monthly budget October crosses, a daily budget it does not, anomalies.
const billConfig = `state: state/watch.db
listen: off
slack: {webhookURL: "${SLACK_WEBHOOK_URL}", channel: "#infra"}
bill: {source: ./exports/, at: "08:00", timezone: UTC}
budget: {daily: 10.00, monthly: 150.00}
anomalies: {enabled: true}
`

// logBuffer is a slog logger into a buffer, safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newTestDaemon builds a daemon with instant retries.
func newTestDaemon(t testing.TB, cfg *Config, opt Options) *Daemon {
	t.Helper()
	if opt.Now == nil {
		opt.Now = func() time.Time { return testNow }
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.Slack == nil {
		opt.Slack = NewSlack(cfg.Slack.WebhookURL, 5*time.Second, cfg.Delivery.Attempts, cfg.Delivery.MaxDelay)
		opt.Slack.Sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	}
	d, err := New(context.Background(), cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fakeSlack) requestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

func (f *fakeSlack) setStatus(status func(n int, w http.ResponseWriter, r *http.Request) int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status = status
}

// churnGauge sets the nodes gauge to nodes.
func (d *Daemon) churnGauge(nodes []NodeEvent) { d.m.setNodes(slices.Values(nodes)) }

// knows reports whether every name is a present node.
func (c *churn) knows(names ...string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range names {
		if _, ok := c.nodes[n]; !ok {
			return false
		}
	}
	return true
}
