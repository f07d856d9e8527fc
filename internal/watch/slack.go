package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Slack posts messages to an incoming webhook.
type Slack struct {
	url    Secret
	client *http.Client
	// Attempts bounds the tries of one Send; MaxDelay caps each wait.
	Attempts  int
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// Sleep waits between attempts (tests make it instant); it returns
	// early with ctx's error.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a random duration in [0, d) (full jitter).
	Jitter func(d time.Duration) time.Duration
}

// NewSlack makes a notifier for the webhook; each request gives up after
// timeout.
func NewSlack(webhook Secret, timeout time.Duration, attempts int, maxDelay time.Duration) *Slack {
	return &Slack{
		url:       webhook,
		client:    &http.Client{Timeout: timeout},
		Attempts:  attempts,
		BaseDelay: 500 * time.Millisecond,
		MaxDelay:  maxDelay,
		Sleep:     sleepCtx,
		Jitter: func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return rand.N(d)
		},
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SendError is a send that failed; it never holds the webhook URL.
type SendError struct {
	Attempts int
	// Status is the last HTTP status (0: no answer).
	Status int
	Reason string
	// Permanent is a 4xx other than 429: retrying later may still work
	// (a webhook fixed), but not within this send.
	Permanent bool
}

func (e *SendError) Error() string {
	return fmt.Sprintf("slack webhook: %s (after %d attempt(s))", e.Reason, e.Attempts)
}

// Send posts payload, retrying network errors, 5xx and 429 with
// exponential backoff and full jitter (a 429's Retry-After is honoured, up to
// MaxDelay), at most Attempts times. It returns nil only on a 2xx.
func (s *Slack) Send(ctx context.Context, payload []byte) error {
	var last attempt
	n := 0
	for n < s.Attempts {
		if n > 0 {
			wait := s.backoff(n)
			if last.retryAfter > 0 {
				wait = min(last.retryAfter, s.MaxDelay)
			}
			if err := s.Sleep(ctx, wait); err != nil {
				break
			}
		}
		n++
		last = s.try(ctx, payload)
		if last.ok {
			return nil
		}
		if last.permanent || ctx.Err() != nil {
			break
		}
	}
	return &SendError{Attempts: n, Status: last.status, Reason: last.reason, Permanent: last.permanent}
}

// backoff is the wait before retry n (1-based): BaseDelay×2^(n-1), capped
// at MaxDelay, fully jittered.
func (s *Slack) backoff(n int) time.Duration {
	d := s.BaseDelay << min(n-1, 20)
	if d > s.MaxDelay || d <= 0 {
		d = s.MaxDelay
	}
	return s.Jitter(d)
}

// attempt is one POST's outcome.
type attempt struct {
	ok         bool
	status     int
	reason     string
	permanent  bool
	retryAfter time.Duration
}

func (s *Slack) try(ctx context.Context, payload []byte) attempt {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url.Reveal(), bytes.NewReader(payload))
	if err != nil {
		return attempt{reason: "bad webhook URL", permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return attempt{reason: redact(err)}
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return attempt{ok: true, status: resp.StatusCode}
	}
	a := attempt{status: resp.StatusCode, reason: fmt.Sprintf("HTTP %d %s", resp.StatusCode, bytes.TrimSpace(body))}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		a.retryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	case resp.StatusCode >= 500:
	default:
		a.permanent = true
	}
	return a
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// redact is an HTTP client error without the URL it names (a webhook URL
// is a credential).
func redact(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer in time"
	}
	if errors.Is(err, context.Canceled) {
		return "canceled"
	}
	return err.Error()
}
