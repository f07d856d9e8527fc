package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/refit-dev/refit/internal/billing"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
)

// Crash points of the outbox (Options.Hook), for the tests that kill the
// daemon at each.
const (
	PointEnqueued    = "enqueued"     // an alert is in the outbox, not yet sent
	PointBeforeSend  = "before-send"  // about to POST it
	PointAfterSend   = "after-send"   // Slack said 2xx; "sent" not yet committed
	PointAfterCommit = "after-commit" // "sent" committed
)

// Options are the daemon's seams; zero values take the real ones.
type Options struct {
	// Now is the clock.
	Now func() time.Time
	// Log gets what the daemon does (never a secret).
	Log *slog.Logger
	// Hook is called at each crash point with the alert's key.
	Hook func(point, key string)
	// Slack, when set, replaces the notifier built from the config.
	Slack *Slack
	// Nodes, when set, replaces the informer on the cluster's Nodes (tests);
	// the cost split by namespace then reads the cluster only when
	// cluster.kubeconfig is set.
	Nodes NodeSource
	// Pages, when set, are served on the listener beside /metrics,
	// /healthz and /readyz (refit watch --dashboard).
	Pages Pages
}

// Pages are a dashboard watch serves and keeps fresh (web.Dashboard).
type Pages interface {
	http.Handler
	// Refresh is given what each successful read of the bill or of the
	// cluster read (see DashboardInputs); its error is logged.
	Refresh(ctx context.Context, bill *billing.Bill, p billing.Period, cluster *estate.Estate, b *cost.Breakdown) error
}

// DashboardInputs are what one check read: the bill it opened (Bill set:
// the reports the check ran are not read again) or the cluster with the
// estimate it was priced by (Cluster set).
type DashboardInputs struct {
	Bill      *billing.Bill
	Period    billing.Period
	Cluster   *estate.Estate
	Breakdown *cost.Breakdown
}

// dashboard hands in to Options.Pages.
func (d *Daemon) dashboard(ctx context.Context, in DashboardInputs) {
	if d.opt.Pages == nil {
		return
	}
	if err := d.opt.Pages.Refresh(ctx, in.Bill, in.Period, in.Cluster, in.Breakdown); err != nil && ctx.Err() == nil {
		d.log.Warn("dashboard not refreshed", "err", err)
	}
}

// Daemon runs the checks of one config.
type Daemon struct {
	cfg   *Config
	opt   Options
	log   *slog.Logger
	store *Store
	slack *Slack
	m     *metrics
	ready atomic.Bool

	jobs   []*job
	probes map[string]*prober
	churn  *churn

	flushMu sync.Mutex
	wake    chan struct{}
}

// job is one scheduled check.
type job struct {
	name    string
	next    time.Time
	after   func(now time.Time) time.Time
	run     func(ctx context.Context, now time.Time) error
	running atomic.Bool
}

// New opens the state and builds the checks of cfg.
func New(ctx context.Context, cfg *Config, opt Options) (*Daemon, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Hook == nil {
		opt.Hook = func(string, string) {}
	}
	st, err := OpenStore(ctx, cfg.State)
	if err != nil {
		return nil, err
	}
	d := &Daemon{cfg: cfg, opt: opt, log: opt.Log, store: st, m: newMetrics(), probes: map[string]*prober{},
		wake: make(chan struct{}, 1)}
	d.slack = opt.Slack
	if d.slack == nil {
		d.slack = NewSlack(cfg.Slack.WebhookURL, 15*time.Second, cfg.Delivery.Attempts, cfg.Delivery.MaxDelay)
	}
	if b := cfg.Bill; b != nil {
		d.jobs = append(d.jobs, &job{name: "bill", after: b.nextRun, run: d.runBill})
	}
	for _, p := range cfg.Probes {
		pr := newProber(p)
		d.probes[p.Name] = pr
		every := p.Every
		d.jobs = append(d.jobs, &job{name: "probe:" + p.Name,
			after: func(now time.Time) time.Time { return now.Add(every) },
			run:   func(ctx context.Context, now time.Time) error { return d.runProbe(ctx, pr, now) }})
	}
	if cfg.Cluster != nil {
		d.churn = newChurn(d, cfg.Cluster)
		d.jobs = append(d.jobs, &job{name: "cluster",
			after: func(now time.Time) time.Time { return now.Add(15 * time.Second) },
			run:   d.churn.check})
	}
	pending, _, err := st.Counts(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	d.m.alertsPending.Set(float64(pending))
	return d, nil
}

// Close closes the state.
func (d *Daemon) Close() error { return d.store.Close() }

// Handler serves /metrics, /healthz and /readyz, and Options.Pages at
// every other path.
func (d *Daemon) Handler() http.Handler {
	m := d.m.handler(&d.ready)
	if d.opt.Pages == nil {
		return m
	}
	mux := http.NewServeMux()
	for _, p := range []string{"/metrics", "/healthz", "/readyz"} {
		mux.Handle(p, m)
	}
	mux.Handle("/", d.opt.Pages)
	return mux
}

// nextRun is when the bill is read next: every Every, and at the report
// time.
func (b *BillConfig) nextRun(now time.Time) time.Time {
	next := now.Add(b.Every)
	at := b.reportTime(now)
	if !at.After(now) {
		at = at.AddDate(0, 0, 1)
	}
	if at.Before(next) {
		return at
	}
	return next
}

// reportTime is when the report goes out on now's day (bill.at in
// bill.timezone).
func (b *BillConfig) reportTime(now time.Time) time.Time {
	local := now.In(b.loc)
	return time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, b.loc).Add(b.at)
}

// Once runs every check one time, then sends what they raised (and
// anything left pending by an earlier run). It fails when a check failed
// or an alert could not be sent (it stays pending for the next run).
func (d *Daemon) Once(ctx context.Context) error {
	var failed []string
	for _, j := range d.jobs {
		if err := d.runJob(ctx, j, d.opt.Now(), true); err != nil {
			failed = append(failed, j.name)
		}
	}
	d.ready.Store(true)
	_, err := d.Flush(ctx)
	var errs []error
	if len(failed) > 0 {
		errs = append(errs, fmt.Errorf("checks failed: %s", strings.Join(failed, ", ")))
	}
	if err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// onceKey marks a context as a --once run (the report then ignores bill.at).
type onceKey struct{}

// runJob runs one check and reports its failure once (an alert, until it
// works again) and as a metric.
func (d *Daemon) runJob(ctx context.Context, j *job, now time.Time, once bool) error {
	if once {
		ctx = context.WithValue(ctx, onceKey{}, true)
	}
	err := j.run(ctx, now)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		d.checkFailed(ctx, j.name, err, now)
		return err
	}
	key := "failing." + j.name
	since, serr := d.store.Get(ctx, key)
	if serr == nil && since != "" {
		d.enqueue(ctx, Alert{Kind: "check-recovered", Subject: j.name, Period: since,
			Payload: d.payload(fmt.Sprintf("refit watch: %s works again", j.name),
				section(fmt.Sprintf(":white_check_mark: *%s* works again (failing since %s).", j.name, since)))}, now, key, "")
	}
	return nil
}

// checkFailed counts a failure and raises one alert per failing spell.
func (d *Daemon) checkFailed(ctx context.Context, name string, err error, now time.Time) {
	d.m.checkErrors.WithLabelValues(name).Inc()
	d.log.Warn("check failed", "check", name, "err", err)
	key := "failing." + name
	since, serr := d.store.Get(ctx, key)
	if serr != nil || since != "" {
		return
	}
	since = now.UTC().Format(time.RFC3339)
	d.enqueue(ctx, Alert{Kind: "check-failed", Subject: name, Period: since,
		Payload: d.payload(fmt.Sprintf("refit watch: %s is failing", name),
			section(fmt.Sprintf(":warning: *%s* is failing: %s\nrefit watch goes on and will say when it works again.", name, truncate(err.Error(), 500))))},
		now, key, since)
}

// enqueue writes an alert (and state, atomically) and wakes the sender.
func (d *Daemon) enqueue(ctx context.Context, a Alert, now time.Time, sets ...string) (bool, error) {
	isNew, err := d.store.Enqueue(ctx, a, now, sets...)
	if err != nil {
		d.log.Error("outbox", "err", err)
		return false, err
	}
	if isNew {
		d.m.alertsPending.Inc()
		d.log.Info("alert queued", "key", a.Key())
		d.opt.Hook(PointEnqueued, a.Key())
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
	return isNew, nil
}

// Flush sends the pending alerts in order. A send that fails after its
// retries stops the round (the webhook is down; the alerts stay pending);
// a refused payload (4xx) is skipped until the next round.
func (d *Daemon) Flush(ctx context.Context) (int, error) {
	d.flushMu.Lock()
	defer d.flushMu.Unlock()
	pending, err := d.store.Pending(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, a := range pending {
		key := a.Key()
		d.opt.Hook(PointBeforeSend, key)
		if err := d.slack.Send(ctx, a.Payload); err != nil {
			d.log.Warn("alert not sent; it stays pending", "key", key, "err", err)
			_ = d.store.MarkFailed(context.WithoutCancel(ctx), key, err.Error())
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
			var se *SendError
			if errors.As(err, &se) && se.Permanent {
				continue
			}
			break
		}
		d.opt.Hook(PointAfterSend, key)
		// Slack has it: commit "sent" even if we are being stopped.
		if err := d.store.MarkSent(context.WithoutCancel(ctx), key, d.opt.Now()); err != nil {
			return sent, err
		}
		d.opt.Hook(PointAfterCommit, key)
		sent++
		d.m.alertsSent.WithLabelValues(a.Kind).Inc()
		d.m.alertsPending.Dec()
		d.log.Info("alert sent", "key", key)
	}
	if left := len(pending) - sent; left > 0 {
		return sent, fmt.Errorf("%d alert(s) still pending: %w", left, errors.Join(errs...))
	}
	return sent, nil
}

// Tick runs, one after the other, every check due at now (tests drive the
// clock with it; Run runs them concurrently).
func (d *Daemon) Tick(ctx context.Context, now time.Time) {
	for _, j := range d.jobs {
		if !now.Before(j.next) {
			_ = d.runJob(ctx, j, now, false)
			j.next = j.after(now)
		}
	}
	d.ready.Store(true)
}

// Run runs the checks on their schedules, serves the metrics (unless listen
// is off) and sends alerts until ctx ends; then it stops the checks and the
// sender (an alert being sent stays pending) and returns.
func (d *Daemon) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	if d.cfg.Listen != "off" {
		ln, err := net.Listen("tcp", d.cfg.Listen)
		if err != nil {
			return fmt.Errorf("listen %s: %w", d.cfg.Listen, err)
		}
		srv := &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 5 * time.Second}
		wg.Add(2)
		go func() { defer wg.Done(); _ = srv.Serve(ln) }()
		go func() {
			defer wg.Done()
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
		d.log.Info("serving metrics", "listen", ln.Addr().String())
	}
	if d.churn != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.churn.run(ctx); err != nil && ctx.Err() == nil {
				d.checkFailed(ctx, "cluster", err, d.opt.Now())
			}
		}()
	}
	wg.Add(1)
	go func() { defer wg.Done(); d.sender(ctx) }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	first := true
	for {
		now := d.opt.Now()
		for _, j := range d.jobs {
			if now.Before(j.next) || j.running.Load() {
				continue
			}
			j.running.Store(true)
			j.next = j.after(now)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer j.running.Store(false)
				_ = d.runJob(ctx, j, now, false)
			}()
		}
		if first {
			d.ready.Store(true)
			first = false
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// sender flushes the outbox when an alert is queued and every 30 s.
func (d *Daemon) sender(ctx context.Context) {
	retry := time.NewTicker(30 * time.Second)
	defer retry.Stop()
	for {
		if _, err := d.Flush(ctx); err != nil && ctx.Err() == nil {
			d.log.Warn("send", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-retry.C:
		}
	}
}

// message is a Slack message: text is the notification's fallback, blocks
// the Block Kit layout.
type message struct {
	Channel string  `json:"channel,omitempty"`
	Text    string  `json:"text"`
	Blocks  []block `json:"blocks"`
}

type block map[string]any

func header(text string) block {
	return block{"type": "header", "text": block{"type": "plain_text", "text": truncate(text, 150), "emoji": true}}
}

func section(mrkdwn string) block {
	return block{"type": "section", "text": block{"type": "mrkdwn", "text": truncate(mrkdwn, 3000)}}
}

func contextBlock(mrkdwn string) block {
	return block{"type": "context", "elements": []block{{"type": "mrkdwn", "text": truncate(mrkdwn, 3000)}}}
}

func (d *Daemon) payload(text string, blocks ...block) []byte {
	b, err := json.Marshal(message{Channel: d.cfg.Slack.Channel, Text: text, Blocks: blocks})
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return b
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
