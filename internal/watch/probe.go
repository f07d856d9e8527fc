package watch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// probeWindow is how many latest durations the percentiles are taken over.
const probeWindow = 100

// prober is one probe's client and recent history (bounded).
type prober struct {
	cfg    ProbeConfig
	client *http.Client

	mu        sync.Mutex
	durations [probeWindow]time.Duration
	n         int // durations recorded (the ring holds the last probeWindow)
	fails     int // failures in a row
	firstFail time.Time
}

func newProber(cfg ProbeConfig) *prober {
	return &prober{cfg: cfg, client: &http.Client{Timeout: cfg.Timeout}}
}

// record adds a check's duration to the ring.
func (p *prober) record(took time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.durations[p.n%probeWindow] = took
	p.n++
	if p.n >= 2*probeWindow {
		p.n -= probeWindow
	}
}

// percentiles are the p50, p90 and p99 of the recent durations.
func (p *prober) percentiles() (p50, p90, p99 time.Duration, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n = min(p.n, probeWindow)
	if n == 0 {
		return
	}
	s := slices.Clone(p.durations[:n])
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(int(q*float64(n)), n-1)] }
	return at(0.50), at(0.90), at(0.99), n
}

// runProbe checks one URL; after Failures failures in a row it raises a
// down alert (once per outage), and when the URL answers again an up alert.
// The outage is kept in the state, so a restart in the middle of one still
// says when it ends, and never says twice that it began.
func (d *Daemon) runProbe(ctx context.Context, p *prober, now time.Time) error {
	start := time.Now()
	err := p.check(ctx)
	took := time.Since(start)
	if ctx.Err() != nil {
		return nil // stopping: not the endpoint's fault
	}
	d.m.probeDuration.WithLabelValues(p.cfg.Name).Observe(took.Seconds())
	p.record(took)
	key := "probe." + p.cfg.Name + ".down"
	down, serr := d.store.Get(ctx, key)
	if serr != nil {
		return serr
	}
	name := p.cfg.Name
	if err != nil {
		d.m.probeUp.WithLabelValues(name).Set(0)
		if p.fails == 0 {
			p.firstFail = now
		}
		p.fails++
		reason := err.Error()
		if down == "" && p.fails >= p.cfg.Failures {
			outage := p.firstFail.UTC().Format(time.RFC3339)
			_, err := d.enqueue(ctx, Alert{Kind: "probe-down", Subject: name, Period: outage,
				Payload: d.payload(fmt.Sprintf("Probe %s is failing: %s", name, reason),
					header(":red_circle: "+name+" is down"),
					section(fmt.Sprintf("*%s* failed %d times in a row since %s: %s", name, p.fails, outage, reason)),
					contextBlock(p.stats()))}, now, key, outage)
			return err
		}
		return nil
	}
	d.m.probeUp.WithLabelValues(name).Set(1)
	p.fails = 0
	if down != "" {
		_, err := d.enqueue(ctx, Alert{Kind: "probe-up", Subject: name, Period: down,
			Payload: d.payload(fmt.Sprintf("Probe %s is back (down since %s)", name, down),
				header(":large_green_circle: "+name+" is back"),
				section(fmt.Sprintf("*%s* answers again (down since %s, for %s); this check took %s.",
					name, down, outageLength(down, now), round(took))),
				contextBlock(p.stats()))}, now, key, "")
		return err
	}
	return nil
}

// stats are the latency percentiles an alert shows (only an alert needs
// them: a check that raises none does not sort the ring).
func (p *prober) stats() string {
	p50, p90, p99, n := p.percentiles()
	return fmt.Sprintf("latency over the last %d checks: p50 %s, p90 %s, p99 %s", n, round(p50), round(p90), round(p99))
}

func outageLength(since string, now time.Time) string {
	t, err := time.Parse(time.RFC3339, since)
	if err != nil {
		return "?"
	}
	return now.Sub(t).Round(time.Second).String()
}

func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// check is one request: a status below 400 within the timeout is a success.
// Errors never carry the URL (it may hold a token).
func (p *prober) check(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.cfg.URL.Reveal(), nil)
	if err != nil {
		return fmt.Errorf("bad URL")
	}
	req.Header.Set("User-Agent", "refit-watch")
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s", redact(err))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}
