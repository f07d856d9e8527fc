package watch

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The crash tests run the daemon in a child process (this test binary,
// re-executed with REFIT_WATCH_CHILD set) and kill it: either at a crash
// point, where the hook exits with status 137 as kill -9 leaves a process
// (no deferred code, no Close), or with a real SIGKILL while Slack holds
// the request. Then they restart it and count what the fake Slack accepted.

func TestMain(m *testing.M) {
	if os.Getenv("REFIT_WATCH_CHILD") != "" {
		os.Exit(child())
	}
	os.Exit(m.Run())
}

// child runs the daemon of REFIT_WATCH_CONFIG: --once (REFIT_WATCH_MODE=once)
// or until SIGTERM (run), exiting 137 at the REFIT_WATCH_CRASH_N-th time it
// reaches the crash point REFIT_WATCH_CRASH_AT.
func child() int {
	path, webhook := os.Getenv("REFIT_WATCH_CONFIG"), os.Getenv("REFIT_WATCH_WEBHOOK")
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	cfg, err := ParseConfig(path, data, func(k string) (string, bool) { return webhook, k == "SLACK_WEBHOOK_URL" })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	crashAt := os.Getenv("REFIT_WATCH_CRASH_AT")
	var crashN, seen int
	fmt.Sscan(os.Getenv("REFIT_WATCH_CRASH_N"), &crashN)
	opt := Options{
		Now: func() time.Time { return testNow },
		Log: slog.New(slog.NewTextHandler(os.Stderr, nil)),
		Hook: func(point, key string) {
			if point == crashAt {
				if seen++; seen == crashN {
					os.Exit(137)
				}
			}
		},
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if os.Getenv("REFIT_WATCH_MODE") == "run" {
		opt.Now = nil
	}
	d, err := New(ctx, cfg, opt)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer d.Close()
	if os.Getenv("REFIT_WATCH_MODE") == "run" {
		err = d.Run(ctx)
	} else {
		err = d.Once(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func childCmd(t *testing.T, cfgPath, webhook string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "REFIT_WATCH_CHILD=1", "REFIT_WATCH_CONFIG="+cfgPath, "REFIT_WATCH_WEBHOOK="+webhook)
	cmd.Env = append(cmd.Env, env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("child stderr:\n%s", stderr.String())
		}
	})
	return cmd
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	return -1
}

func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	const report, budget = "Cloud spend for 2026-10-30", "Monthly budget crossed"
	for _, tc := range []struct {
		name  string
		point string
		n     int
		// want is how many times each alert reached Slack in the end.
		wantReport, wantBudget int
	}{
		{"after the first enqueue, before the second", PointEnqueued, 1, 1, 1},
		{"before the first send", PointBeforeSend, 1, 1, 1},
		{"during the first send (SIGKILL while Slack holds the request)", "during", 1, 1, 1},
		// The documented window: Slack accepted, "sent" not committed.
		{"after Slack's 2xx, before the commit", PointAfterSend, 1, 2, 1},
		{"after the first commit", PointAfterCommit, 1, 1, 1},
		{"before the second send", PointBeforeSend, 2, 1, 1},
		{"after the last commit", PointAfterCommit, 2, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeExports(t, filepath.Join(dir, "exports"))
			slack := newFakeSlack(t)
			cfgPath := writeConfig(t, dir, billConfig)
			var cmd *exec.Cmd
			if tc.point == "during" {
				// Slack holds the first request until the client dies, and
				// never accepts it.
				held := make(chan struct{})
				var once sync.Once
				slack.setStatus(func(n int, w http.ResponseWriter, r *http.Request) int {
					if n == 1 {
						once.Do(func() { close(held) })
						<-r.Context().Done() // the client died
						return http.StatusServiceUnavailable
					}
					return 0
				})
				cmd = childCmd(t, cfgPath, slack.webhook())
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				select {
				case <-held:
				case <-time.After(30 * time.Second):
					t.Fatal("the child never sent")
				}
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				if code := exitCode(cmd.Wait()); code != 137 {
					t.Fatalf("child exit %d, want 137 (SIGKILL)", code)
				}
			} else {
				cmd = childCmd(t, cfgPath, slack.webhook(), "REFIT_WATCH_CRASH_AT="+tc.point, fmt.Sprintf("REFIT_WATCH_CRASH_N=%d", tc.n))
				if code := exitCode(cmd.Run()); code != 137 {
					t.Fatalf("child exit %d, want 137 (the crash point was not reached)", code)
				}
			}
			// Restart, twice: the second run must add nothing.
			for i := range 2 {
				if code := exitCode(childCmd(t, cfgPath, slack.webhook()).Run()); code != 0 {
					t.Fatalf("restart %d: exit %d", i+1, code)
				}
			}
			var gotReport, gotBudget int
			for _, s := range slack.texts() {
				switch {
				case strings.HasPrefix(s, report):
					gotReport++
				case strings.HasPrefix(s, budget):
					gotBudget++
				default:
					t.Errorf("unexpected message %q", s)
				}
			}
			if gotReport != tc.wantReport || gotBudget != tc.wantBudget {
				t.Errorf("Slack got the report %d and the budget alert %d time(s), want %d and %d", gotReport, gotBudget, tc.wantReport, tc.wantBudget)
			}
		})
	}
}

// TestSIGTERM: the long-running daemon stops within a few seconds of
// SIGTERM, with exit status 0, even with a probe hanging and Slack slow.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	dir := t.TempDir()
	slack := newFakeSlack(t)
	slack.setStatus(func(_ int, _ http.ResponseWriter, r *http.Request) int {
		select {
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
		return http.StatusServiceUnavailable
	})
	probe := newProbeServer(t)
	probe.fail.Store(true)
	cfgPath := writeConfig(t, dir, `state: watch.db
listen: 127.0.0.1:0
slack: {webhookURL: "${SLACK_WEBHOOK_URL}"}
probes: [{name: api, url: "`+probe.URL+`", every: 1s, timeout: 1s, failures: 1}]
`)
	cmd := childCmd(t, cfgPath, slack.webhook(), "REFIT_WATCH_MODE=run")
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for slack.requestCount() == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the daemon never sent the probe's alert")
		}
		time.Sleep(50 * time.Millisecond)
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if code := exitCode(err); code != 0 {
			t.Errorf("exit %d after SIGTERM, want 0", code)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("stopped after %s, want within 5s", took)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("still running 10s after SIGTERM")
	}
	// The alert Slack never answered is still pending for the next start.
	st, err := OpenStore(context.Background(), filepath.Join(dir, "watch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pending, sent, err := st.Counts(context.Background())
	if err != nil || pending != 1 || sent != 0 {
		t.Errorf("outbox: %d pending, %d sent, %v; want the down alert pending", pending, sent, err)
	}
}
