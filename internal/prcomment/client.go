package prcomment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Comment is one comment (GitHub) or note (GitLab).
type Comment struct {
	ID   int64
	Body string
	URL  string
}

// Forge is a pull or merge request's comments.
type Forge interface {
	// List returns all comments, every page.
	List(ctx context.Context) ([]Comment, error)
	Create(ctx context.Context, body string) (Comment, error)
	Update(ctx context.Context, id int64, body string) (Comment, error)
	Delete(ctx context.Context, id int64) error
	// Limit is the longest body the forge takes.
	Limit() int
}

// Options configure a forge client.
type Options struct {
	// BaseURL is the API root (https://api.github.com,
	// https://gitlab.com/api/v4).
	BaseURL string
	Token   string
	// HTTPClient defaults to one whose requests time out after
	// RequestTimeout.
	HTTPClient *http.Client
	// MaxAttempts bounds the tries of one request (default 5).
	MaxAttempts int
	// MaxWait is the longest wait refit accepts before a retry, from
	// Retry-After or a rate-limit reset (default 60s); a longer one fails.
	MaxWait time.Duration
	// Backoff is the first wait after a 5xx or a network error, doubled
	// each time (default 1s).
	Backoff time.Duration
	// Sleep waits (tests replace it); default honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// UserAgent names the client.
	UserAgent string
	// MaxPages bounds the pages listed (default 1000).
	MaxPages int
}

// RequestTimeout is each HTTP request's timeout by default.
const RequestTimeout = 30 * time.Second

// APIError is a request the forge refused.
type APIError struct {
	Forge   string // "GitHub", "GitLab"
	Op      string // what refit was doing
	Status  int
	Message string // the forge's message, if any
	Hint    string // what is likely missing
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s: %s answered %d %s", e.Op, e.Forge, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// client does requests with retries; github.go and gitlab.go add the
// forge's paths, authentication and error hints.
type client struct {
	forge string
	base  *url.URL
	opt   Options
	auth  func(*http.Request)
	hint  func(status int) string
}

func newClient(forge, defBase string, opt Options, auth func(*http.Request), hint func(int) string) (*client, error) {
	if opt.BaseURL == "" {
		opt.BaseURL = defBase
	}
	base, err := url.Parse(strings.TrimRight(opt.BaseURL, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("%s API URL %q: want an http(s) URL such as %s", forge, redact(opt.BaseURL), defBase)
	}
	if base.User != nil {
		return nil, fmt.Errorf("%s API URL %s: must not carry credentials; the token comes from the environment", forge, redact(opt.BaseURL))
	}
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: RequestTimeout}
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 5
	}
	if opt.MaxWait <= 0 {
		opt.MaxWait = 60 * time.Second
	}
	if opt.Backoff <= 0 {
		opt.Backoff = time.Second
	}
	if opt.Sleep == nil {
		opt.Sleep = sleepCtx
	}
	if opt.UserAgent == "" {
		opt.UserAgent = "refit"
	}
	if opt.MaxPages <= 0 {
		opt.MaxPages = 1000
	}
	return &client{forge: forge, base: base, opt: opt, auth: auth, hint: hint}, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// redact drops credentials from a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// endpoint joins the base URL and an escaped path.
func (c *client) endpoint(escapedPath string, query url.Values) (*url.URL, error) {
	u, err := url.Parse(c.base.String() + escapedPath)
	if err != nil {
		return nil, err
	}
	if query != nil {
		u.RawQuery = query.Encode()
	}
	return u, nil
}

// sameOrigin says a URL from a Link header is on the API's host, so the
// token is never sent elsewhere.
func (c *client) sameOrigin(u *url.URL) bool {
	return u.Scheme == c.base.Scheme && u.Host == c.base.Host
}

// do sends a request, retrying rate limits, 5xx and network errors, and
// decodes a 2xx JSON answer into out (when not nil).
func (c *client) do(ctx context.Context, op, method string, u *url.URL, in, out any) (http.Header, error) {
	var payload []byte
	if in != nil {
		var err error
		if payload, err = json.Marshal(in); err != nil {
			return nil, err
		}
	}
	backoff := c.opt.Backoff
	for attempt := 1; ; attempt++ {
		var body io.Reader
		if payload != nil {
			body = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
		if err != nil {
			return nil, err
		}
		req.Header.Set("User-Agent", c.opt.UserAgent)
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		c.auth(req)
		resp, err := c.opt.HTTPClient.Do(req)
		var wait time.Duration
		var last error
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s: %w", op, ctx.Err())
			}
			// The error names the URL, which carries no secret (checked in
			// newClient); the token is in a header.
			last = fmt.Errorf("%s: %s: %w", op, c.forge, unwrapURLError(err))
			wait = backoff
			backoff *= 2
		} else {
			data, rerr := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
			resp.Body.Close()
			switch {
			case rerr != nil:
				last = fmt.Errorf("%s: reading %s's answer: %w", op, c.forge, rerr)
				wait = backoff
				backoff *= 2
			case resp.StatusCode >= 200 && resp.StatusCode < 300:
				if out != nil && len(bytes.TrimSpace(data)) > 0 {
					if err := json.Unmarshal(data, out); err != nil {
						return nil, fmt.Errorf("%s: %s's answer is not the JSON expected: %v", op, c.forge, err)
					}
				}
				return resp.Header, nil
			case rateLimited(resp):
				last = c.apiError(op, resp.StatusCode, data)
				wait = retryAfter(resp.Header, time.Now())
				if wait < 0 {
					wait = backoff
					backoff *= 2
				}
				if wait > c.opt.MaxWait {
					return nil, fmt.Errorf("%w; rate limited for %s, longer than refit waits (%s)", last, wait.Round(time.Second), c.opt.MaxWait)
				}
			case resp.StatusCode >= 500:
				last = c.apiError(op, resp.StatusCode, data)
				wait = retryAfter(resp.Header, time.Now())
				if wait < 0 || wait > c.opt.MaxWait {
					wait = backoff
					backoff *= 2
				}
			default:
				return nil, c.apiError(op, resp.StatusCode, data)
			}
		}
		if attempt >= c.opt.MaxAttempts {
			return nil, fmt.Errorf("%w (gave up after %d attempts)", last, attempt)
		}
		if err := c.opt.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
	}
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, redact(ue.URL), ue.Err)
	}
	return err
}

// rateLimited: 429, or 403 with the rate limit spent or a Retry-After
// (GitHub's primary and secondary rate limits).
func rateLimited(resp *http.Response) bool {
	if resp.StatusCode == http.StatusTooManyRequests {
		return true
	}
	if resp.StatusCode == http.StatusForbidden {
		return resp.Header.Get("X-RateLimit-Remaining") == "0" || resp.Header.Get("Retry-After") != ""
	}
	return false
}

// retryAfter reads Retry-After (seconds or a date), else a rate-limit
// reset (epoch seconds); -1 when there is neither.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	for _, k := range []string{"X-RateLimit-Reset", "RateLimit-Reset"} {
		if n, err := strconv.ParseInt(strings.TrimSpace(h.Get(k)), 10, 64); err == nil && n > 0 {
			if n > 1e9 { // epoch seconds
				return max(time.Unix(n, 0).Sub(now), 0) + time.Second
			}
			return time.Duration(n) * time.Second
		}
	}
	return -1
}

func (c *client) apiError(op string, status int, data []byte) *APIError {
	e := &APIError{Forge: c.forge, Op: op, Status: status, Message: forgeMessage(data)}
	if c.hint != nil {
		e.Hint = c.hint(status)
	}
	return e
}

// forgeMessage picks the message out of an error body, short and on one
// line.
func forgeMessage(data []byte) string {
	var v struct {
		Message json.RawMessage `json:"message"`
		Error   string          `json:"error"`
		Errors  []struct {
			Message string `json:"message"`
			Field   string `json:"field"`
			Code    string `json:"code"`
		} `json:"errors"`
	}
	if json.Unmarshal(data, &v) != nil {
		return ""
	}
	var parts []string
	var s string
	if json.Unmarshal(v.Message, &s) == nil && s != "" {
		parts = append(parts, s)
	} else if len(v.Message) > 0 && string(v.Message) != "null" {
		parts = append(parts, string(v.Message)) // GitLab: {"message": {"note": ["is too long"]}}
	}
	if v.Error != "" {
		parts = append(parts, v.Error)
	}
	for _, e := range v.Errors {
		switch {
		case e.Message != "":
			parts = append(parts, e.Message)
		case e.Field != "" || e.Code != "":
			parts = append(parts, strings.TrimSpace(e.Field+" "+e.Code))
		}
	}
	msg := strings.Join(strings.Fields(strings.Join(parts, "; ")), " ")
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}

// nextLink is the rel="next" URL of a Link header (RFC 8288), "" if none.
func nextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		segs := strings.Split(part, ";")
		if len(segs) < 2 {
			continue
		}
		target := strings.TrimSpace(segs[0])
		if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
			continue
		}
		for _, p := range segs[1:] {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
				continue
			}
			for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
				if strings.EqualFold(rel, "next") {
					return target[1 : len(target)-1]
				}
			}
		}
	}
	return ""
}

// listAll follows rel="next" links from the first page, decoding each
// page with page.
func (c *client) listAll(ctx context.Context, op string, first *url.URL, page func([]byte) error, nextHeader string) error {
	u := first
	for n := 1; ; n++ {
		var raw json.RawMessage
		h, err := c.do(ctx, op, http.MethodGet, u, nil, &raw)
		if err != nil {
			return err
		}
		if err := page(raw); err != nil {
			return fmt.Errorf("%s: %s's answer is not the JSON expected: %v", op, c.forge, err)
		}
		next := nextLink(h.Get("Link"))
		if next == "" && nextHeader != "" {
			if p := strings.TrimSpace(h.Get(nextHeader)); p != "" {
				q := u.Query()
				q.Set("page", p)
				nu := *u
				nu.RawQuery = q.Encode()
				next = nu.String()
			}
		}
		if next == "" {
			return nil
		}
		nu, err := url.Parse(next)
		if err != nil {
			return fmt.Errorf("%s: %s sent a bad next-page link: %v", op, c.forge, err)
		}
		nu = u.ResolveReference(nu)
		if !c.sameOrigin(nu) {
			return fmt.Errorf("%s: %s's next-page link leaves %s; refusing to send the token there", op, c.forge, c.base.Host)
		}
		if n >= c.opt.MaxPages {
			return fmt.Errorf("%s: more than %d pages of comments", op, c.opt.MaxPages)
		}
		u = nu
	}
}

// Behavior says what Post does with an earlier comment.
type Behavior string

// Behaviors.
const (
	// Update edits refit's comment for the tag in place, creating it the
	// first time.
	Update Behavior = "update"
	// New adds a comment each time.
	New Behavior = "new"
	// DeleteAndNew deletes refit's comments for the tag, then adds one.
	DeleteAndNew Behavior = "delete-and-new"
)

// ParseBehavior checks a --behavior value.
func ParseBehavior(s string) (Behavior, error) {
	switch b := Behavior(s); b {
	case Update, New, DeleteAndNew:
		return b, nil
	}
	return "", fmt.Errorf("--behavior %q: want update, new or delete-and-new", s)
}

// Result says what Post did.
type Result struct {
	Action  string // "created" or "updated"
	Comment Comment
	Deleted int
}

// Post puts markdown on the request as refit's comment for tag.
func Post(ctx context.Context, f Forge, markdown, tag string, b Behavior) (Result, error) {
	body := Compose(markdown, tag, f.Limit())
	if b == New {
		c, err := f.Create(ctx, body)
		return Result{Action: "created", Comment: c}, err
	}
	all, err := f.List(ctx)
	if err != nil {
		return Result{}, err
	}
	var mine []Comment
	for _, c := range all {
		if HasMarker(c.Body, tag) {
			mine = append(mine, c)
		}
	}
	res := Result{}
	if b == Update && len(mine) > 0 {
		// The most recent one, should there be several.
		last := mine[len(mine)-1]
		if last.Body == body {
			return Result{Action: "unchanged", Comment: last}, nil
		}
		c, err := f.Update(ctx, last.ID, body)
		return Result{Action: "updated", Comment: c}, err
	}
	if b == DeleteAndNew {
		for _, c := range mine {
			if err := f.Delete(ctx, c.ID); err != nil {
				return res, err
			}
			res.Deleted++
		}
	}
	c, err := f.Create(ctx, body)
	res.Action, res.Comment = "created", c
	return res, err
}
