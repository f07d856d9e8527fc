// Package netlimit bounds refit's network calls in time: a connect timeout,
// a per-request "no answer" timeout (no response headers, or no body bytes,
// within ResponseTimeout), and the whole command's deadline (--timeout).
// When one of them ends a call, the error names the operation, the
// endpoint and the time waited (NoAnswerError).
//
// The AWS clients get these through internal/awsclient; the Kubernetes
// clients through WrapTransport.
package netlimit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

const (
	// DialTimeout bounds a TCP connect.
	DialTimeout = 10 * time.Second
	// ResponseTimeout bounds the wait for a request's response headers, and
	// for each read of its body: a server silent this long is taken as not
	// answering. AWS APIs begin to answer in milliseconds; a page of a
	// Kubernetes list in well under a second.
	ResponseTimeout = 30 * time.Second
	// DefaultDeadline bounds a whole command that reads over the network
	// (--timeout's default): a full account inventory, a month of exports
	// read from S3, an Athena query (whose own default was 10 minutes).
	DefaultDeadline = 10 * time.Minute
)

// DeadlineError is the cause of a context ended by WithDeadline.
type DeadlineError struct{ After time.Duration }

func (e *DeadlineError) Error() string {
	return fmt.Sprintf("gave up after %s (--timeout)", e.After)
}

// Timeout reports true, as net.Error does for a timeout.
func (e *DeadlineError) Timeout() bool { return true }

// Is makes errors.Is(err, context.DeadlineExceeded) hold.
func (e *DeadlineError) Is(target error) bool { return target == context.DeadlineExceeded }

// WithDeadline returns ctx ending after d with a *DeadlineError cause; d <= 0
// means no deadline.
func WithDeadline(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, d, &DeadlineError{After: d})
}

// NoAnswerError says a call got no answer in time.
type NoAnswerError struct {
	// Operation is what was asked ("S3 ListObjectsV2", "GET /api/v1/nodes").
	Operation string
	// Endpoint is the scheme and host asked (never a path or query, which
	// may carry secrets).
	Endpoint string
	// After is the time waited.
	After time.Duration
	// Deadline is true when the command's deadline (--timeout) ended the
	// call, false for the per-request timeout.
	Deadline bool
}

func (e *NoAnswerError) Error() string {
	s := e.Operation
	if e.Endpoint != "" {
		s += " on " + e.Endpoint
	}
	s += fmt.Sprintf(": no answer within %s", e.After)
	if e.Deadline {
		s += " (--timeout)"
	}
	return s
}

// Timeout reports true, as net.Error does for a timeout.
func (e *NoAnswerError) Timeout() bool { return true }

// RetryableError tells the AWS SDK's retryer whether to try again: the
// command's deadline is final; a request that got no answer may be tried
// once more (awsclient bounds the attempts).
func (e *NoAnswerError) RetryableError() bool { return !e.Deadline }

// Is makes errors.Is(err, context.DeadlineExceeded) hold.
func (e *NoAnswerError) Is(target error) bool { return target == context.DeadlineExceeded }

// Endpoint returns the scheme and host of u.
func Endpoint(u *url.URL) string {
	if u == nil {
		return "?"
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}

// errNoAnswer is the cause of a request context canceled by the
// per-request timer.
var errNoAnswer = errors.New("no answer")

// Guard sends requests with the per-request timeout: a request that gets no
// response headers within after, or whose body read waits longer than
// after for a byte, is canceled, and its error is a *NoAnswerError naming
// the operation (from name, or the method and path) and the endpoint. A
// request ended by a *DeadlineError context gets one too.
type Guard struct {
	// After is the per-request timeout (ResponseTimeout when zero).
	After time.Duration
	// Name names the operation of a request ("" for method and path).
	Name func(*http.Request) string
}

func (g *Guard) after() time.Duration {
	if g.After <= 0 {
		return ResponseTimeout
	}
	return g.After
}

// Send sends req through send under the guard.
func (g *Guard) Send(req *http.Request, send func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	parent := req.Context()
	ctx, cancel := context.WithCancelCause(parent)
	after := g.after()
	timer := time.AfterFunc(after, func() { cancel(errNoAnswer) })
	resp, err := send(req.WithContext(ctx))
	timer.Stop()
	if err != nil {
		err = g.explain(req, parent, ctx, err)
		cancel(nil)
		return nil, err
	}
	resp.Body = &guardedBody{rc: resp.Body, g: g, req: req, parent: parent, ctx: ctx, cancel: cancel}
	return resp, nil
}

// explain turns err into a *NoAnswerError when a timer or the deadline
// ended the request.
func (g *Guard) explain(req *http.Request, parent, ctx context.Context, err error) error {
	var de *DeadlineError
	switch {
	case errors.As(context.Cause(parent), &de):
		return &NoAnswerError{Operation: g.name(req), Endpoint: Endpoint(req.URL), After: de.After, Deadline: true}
	case context.Cause(ctx) == errNoAnswer:
		return &NoAnswerError{Operation: g.name(req), Endpoint: Endpoint(req.URL), After: g.after()}
	}
	return err
}

func (g *Guard) name(req *http.Request) string {
	if g.Name != nil {
		if n := g.Name(req); n != "" {
			return n
		}
	}
	return req.Method + " " + req.URL.Path
}

// guardedBody times each read of a response body.
type guardedBody struct {
	rc          io.ReadCloser
	g           *Guard
	req         *http.Request
	parent, ctx context.Context
	cancel      context.CancelCauseFunc
	once        sync.Once
}

func (b *guardedBody) Read(p []byte) (int, error) {
	timer := time.AfterFunc(b.g.after(), func() { b.cancel(errNoAnswer) })
	n, err := b.rc.Read(p)
	timer.Stop()
	if err != nil && err != io.EOF {
		err = b.g.explain(b.req, b.parent, b.ctx, err)
	}
	return n, err
}

func (b *guardedBody) Close() error {
	err := b.rc.Close()
	b.once.Do(func() { b.cancel(nil) })
	return err
}

// RoundTripper guards an http.RoundTripper (client-go's WrapTransport).
type RoundTripper struct {
	Guard
	Next http.RoundTripper
}

func (t *RoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.Send(req, t.Next.RoundTrip)
}

// WrapTransport returns a client-go WrapTransport that guards every
// request with the per-request timeout.
func WrapTransport(after time.Duration) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		return &RoundTripper{Guard: Guard{After: after}, Next: next}
	}
}
