package rightsize

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/refit-dev/refit/internal/netlimit"
)

// Prometheus reads Prometheus' HTTP API (/api/v1/query and
// /api/v1/query_range). Every request is bounded in time by netlimit: a
// connect timeout, and a per-request timeout for the response headers and
// each read of the body; the caller's context carries the whole run's
// deadline.
type Prometheus struct {
	// URL is the server's base URL (http://prometheus:9090, or a path
	// prefix such as http://host/prometheus).
	URL string
	// Client sends the requests (a netlimit-guarded client when nil).
	Client *http.Client
	// After is the per-request timeout (netlimit.ResponseTimeout when 0).
	After time.Duration
}

func (p *Prometheus) client() *http.Client {
	if p.Client == nil {
		p.Client = guardedClient("Prometheus", p.After)
	}
	return p.Client
}

// guardedClient is an HTTP client that netlimit bounds in time (after is
// the per-request timeout, netlimit.ResponseTimeout when 0); a request
// that times out is named what and its path.
func guardedClient(what string, after time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: netlimit.DialTimeout}).DialContext,
		TLSHandshakeTimeout:   netlimit.DialTimeout,
		ResponseHeaderTimeout: 0, // the guard's timer covers it
		MaxIdleConnsPerHost:   4,
	}
	return &http.Client{Transport: &netlimit.RoundTripper{
		Guard: netlimit.Guard{After: after, Name: func(r *http.Request) string { return what + " " + r.URL.Path }},
		Next:  tr,
	}}
}

// Series is one series of a query's result: its labels and its samples
// (one, for an instant query).
type Series struct {
	Labels  map[string]string
	Samples []Sample
}

// Sample is one point of a series.
type Sample struct {
	T time.Time
	V float64
}

// endpoint is the URL of an API path, with the base URL's credentials
// (user:password@) kept for the request but never shown.
func (p *Prometheus) endpoint(path string, q url.Values) (string, error) {
	u, err := url.Parse(strings.TrimRight(p.URL, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("--prometheus %q: want a URL such as http://prometheus:9090", Redact(p.URL))
	}
	u.Path += path
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Redact drops the user information of a URL, for messages.
func Redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if err != nil {
			return "(unparsable URL)"
		}
		return s
	}
	u.User = nil
	return u.String()
}

// Query runs an instant query at t and calls visit for every series of
// the result (a vector), one at a time (a series' Samples are reused once
// visit returns).
func (p *Prometheus) Query(ctx context.Context, query string, t time.Time, visit func(Series) error) error {
	q := url.Values{"query": {query}, "time": {formatTime(t)}}
	return p.get(ctx, "/api/v1/query", q, visit)
}

// QueryRange runs a range query and calls visit for every series of the
// result (a matrix), one at a time: the response is decoded as it is read,
// so memory holds one series, whatever the number of series (its Samples
// are reused once visit returns).
func (p *Prometheus) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration, visit func(Series) error) error {
	q := url.Values{"query": {query}, "start": {formatTime(start)}, "end": {formatTime(end)},
		"step": {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)}}
	return p.get(ctx, "/api/v1/query_range", q, visit)
}

func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)
}

func (p *Prometheus) get(ctx context.Context, path string, q url.Values, visit func(Series) error) error {
	u, err := p.endpoint(path, q)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.client().Do(req)
	if err != nil {
		return fmt.Errorf("prometheus %s: %w", path, unwrapURL(err))
	}
	defer resp.Body.Close()
	if err := decodeResponse(resp.Body, visit); err != nil {
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("prometheus %s: HTTP %d: %w", path, resp.StatusCode, err)
		}
		return fmt.Errorf("prometheus %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("prometheus %s: HTTP %d", path, resp.StatusCode)
	}
	return nil
}

func badJSON(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("response ended early: %w", io.ErrUnexpectedEOF)
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		return err
	}
	return fmt.Errorf("not a Prometheus API response: %w", err)
}
