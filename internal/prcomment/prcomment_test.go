package prcomment

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/prcomment/forgetest"
)

const token = "ghp_s3cr3tT0ken"

// sleeps records the waits instead of waiting.
type sleeps []time.Duration

func (s *sleeps) sleep(_ context.Context, d time.Duration) error { *s = append(*s, d); return nil }

func opts(srv *forgetest.Server, base string, sl *sleeps) Options {
	return Options{BaseURL: base, Token: token, Sleep: sl.sleep, HTTPClient: srv.Client()}
}

func mustGitHub(t *testing.T, o Options, repo string, pr int) *GitHub {
	t.Helper()
	g, err := NewGitHub(o, repo, pr)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func countTagged(ns []forgetest.Note, tag string) (n int, ids []int64) {
	for _, c := range ns {
		if HasMarker(c.Body, tag) {
			n++
			ids = append(ids, c.ID)
		}
	}
	return
}

// The acceptance test: on a pull request with 120 comments, two
// runs with --behavior update --tag prod create one comment and then
// update it; --behavior new adds one.
func TestGitHubUpdateInPlace(t *testing.T) {
	srv := forgetest.New(token)
	defer srv.Close()
	srv.AddPullRequest("acme/shop", 7, 120)
	var sl sleeps
	g := mustGitHub(t, opts(srv, srv.GitHubURL(), &sl), "acme/shop", 7)
	ctx := context.Background()

	r1, err := Post(ctx, g, "### refit cost diff: $100.00 -> $120.00\n", "prod", Update)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Action != "created" || r1.Comment.ID == 0 || !strings.Contains(r1.Comment.URL, "/pull/7#issuecomment-") {
		t.Fatalf("first run: %+v", r1)
	}
	cs := srv.Comments("acme/shop", 7)
	if n, _ := countTagged(cs, "prod"); len(cs) != 121 || n != 1 {
		t.Fatalf("after the first run: %d comments, %d of refit's", len(cs), n)
	}
	// Listing read both pages (100 + 21) before creating.
	var pages []string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet {
			pages = append(pages, r.Query)
		}
		if r.Auth != "Bearer "+token {
			t.Errorf("%s %s: Authorization %q", r.Method, r.Path, r.Auth)
		}
	}
	if len(pages) != 2 || !strings.Contains(pages[1], "page=2") || !strings.Contains(pages[0], "per_page=100") {
		t.Errorf("list requests: %q", pages)
	}

	r2, err := Post(ctx, g, "### refit cost diff: $100.00 -> $130.00\n", "prod", Update)
	if err != nil {
		t.Fatal(err)
	}
	cs = srv.Comments("acme/shop", 7)
	n, ids := countTagged(cs, "prod")
	if r2.Action != "updated" || r2.Comment.ID != r1.Comment.ID || len(cs) != 121 || n != 1 || ids[0] != r1.Comment.ID {
		t.Fatalf("second run: %+v; %d comments, %d of refit's %v", r2, len(cs), n, ids)
	}
	if !strings.Contains(cs[120].Body, "$130.00") || !strings.HasPrefix(cs[120].Body, Marker("prod")+"\n") {
		t.Errorf("updated body = %q", cs[120].Body)
	}

	// The same report again changes nothing.
	r3, err := Post(ctx, g, "### refit cost diff: $100.00 -> $130.00\n", "prod", Update)
	if err != nil || r3.Action != "unchanged" || r3.Comment.ID != r1.Comment.ID {
		t.Fatalf("third run: %+v, %v", r3, err)
	}

	// Another tag is another comment; --behavior new adds one each time.
	if r, err := Post(ctx, g, "staging", "staging", Update); err != nil || r.Action != "created" {
		t.Fatalf("staging: %+v, %v", r, err)
	}
	if r, err := Post(ctx, g, "prod again", "prod", New); err != nil || r.Action != "created" || r.Comment.ID == r1.Comment.ID {
		t.Fatalf("new: %+v, %v", r, err)
	}
	cs = srv.Comments("acme/shop", 7)
	if n, _ := countTagged(cs, "prod"); len(cs) != 123 || n != 2 {
		t.Fatalf("after new: %d comments, %d of refit's prod", len(cs), n)
	}

	// delete-and-new leaves one prod comment, the new one, and the others.
	r, err := Post(ctx, g, "fresh", "prod", DeleteAndNew)
	if err != nil || r.Deleted != 2 || r.Action != "created" {
		t.Fatalf("delete-and-new: %+v, %v", r, err)
	}
	cs = srv.Comments("acme/shop", 7)
	n, ids = countTagged(cs, "prod")
	if len(cs) != 122 || n != 1 || ids[0] != r.Comment.ID {
		t.Fatalf("after delete-and-new: %d comments, %d prod %v", len(cs), n, ids)
	}
	if n, _ := countTagged(cs, "staging"); n != 1 {
		t.Errorf("staging comments: %d", n)
	}
	if len(sl) != 0 {
		t.Errorf("waited %v with no errors", sl)
	}
}

func TestGitHubErrors(t *testing.T) {
	srv := forgetest.New(token)
	defer srv.Close()
	srv.ReadOnlyToken = "ghs_readonly"
	srv.AddPullRequest("acme/shop", 7, 3)
	tests := []struct {
		name      string
		token     string
		repo      string
		pr        int
		fault     *forgetest.Fault
		status    int
		wantParts []string
	}{
		{"bad token", "ghp_bad7oken", "acme/shop", 7, nil, 401, []string{"401 Unauthorized", "Bad credentials", "GITHUB_TOKEN"}},
		{"read-only token", "ghs_readonly", "acme/shop", 7, nil, 403, []string{"403 Forbidden", "pull-requests: write", "acme/shop"}},
		{"no such repository", token, "acme/nope", 7, nil, 404, []string{"404 Not Found", "acme/nope", "#7", "--repo"}},
		{"no such pull request", token, "acme/shop", 8, nil, 404, []string{"pull request #8"}},
		{"validation", token, "acme/shop", 7, &forgetest.Fault{Method: "POST", Status: 422,
			Body: `{"message":"Validation Failed","errors":[{"resource":"IssueComment","code":"custom","field":"body","message":"body is too long"}]}`},
			422, []string{"Validation Failed; body is too long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				srv.Fail(*tt.fault)
			}
			var sl sleeps
			o := opts(srv, srv.GitHubURL(), &sl)
			o.Token = tt.token
			g := mustGitHub(t, o, tt.repo, tt.pr)
			_, err := Post(context.Background(), g, "x", "prod", Update)
			var ae *APIError
			if !errors.As(err, &ae) || ae.Status != tt.status {
				t.Fatalf("err = %v, want status %d", err, tt.status)
			}
			for _, p := range tt.wantParts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q lacks %q", err, p)
				}
			}
			if strings.Contains(err.Error(), tt.token) {
				t.Errorf("error prints the token: %q", err)
			}
			if len(sl) != 0 {
				t.Errorf("retried a %d: %v", tt.status, sl)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		faults   []forgetest.Fault
		attempts int
		wantWait []time.Duration
		wantErr  string
	}{
		{"429 with Retry-After", []forgetest.Fault{{Status: 429, Header: http.Header{"Retry-After": {"2"}}, Body: `{"message":"API rate limit exceeded"}`}},
			5, []time.Duration{2 * time.Second}, ""},
		{"secondary rate limit 403", []forgetest.Fault{{Status: 403, Header: http.Header{"Retry-After": {"7"}}, Body: `{"message":"You have exceeded a secondary rate limit"}`}},
			5, []time.Duration{7 * time.Second}, ""},
		{"5xx backs off", []forgetest.Fault{{Status: 502, Times: 2, Body: `<html>bad gateway</html>`}, {Status: 503, Body: `{"message":"unavailable"}`}},
			5, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, ""},
		{"5xx gives up", []forgetest.Fault{{Status: 500, Times: 10}},
			3, []time.Duration{time.Second, 2 * time.Second}, "500 Internal Server Error (gave up after 3 attempts)"},
		{"wait too long", []forgetest.Fault{{Status: 429, Header: http.Header{"Retry-After": {"3600"}}}},
			5, nil, "rate limited for 1h0m0s, longer than refit waits (1m0s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := forgetest.New(token)
			defer srv.Close()
			srv.AddPullRequest("acme/shop", 1, 2)
			for _, f := range tt.faults {
				srv.Fail(f)
			}
			var sl sleeps
			o := opts(srv, srv.GitHubURL(), &sl)
			o.MaxAttempts = tt.attempts
			_, err := Post(context.Background(), mustGitHub(t, o, "acme/shop", 1), "x", "t", Update)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if len(sl) != len(tt.wantWait) {
				t.Fatalf("waits %v, want %v", sl, tt.wantWait)
			}
			for i := range sl {
				if sl[i] != tt.wantWait[i] {
					t.Errorf("wait %d = %v, want %v", i, sl[i], tt.wantWait[i])
				}
			}
			if tt.wantErr == "" {
				if n, _ := countTagged(srv.Comments("acme/shop", 1), "t"); n != 1 {
					t.Errorf("%d comments after retries", n)
				}
			}
		})
	}
}

func TestRateLimitReset(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	h := http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"1800000030"}}
	if got := retryAfter(h, now); got != 31*time.Second {
		t.Errorf("reset wait = %v", got)
	}
	h = http.Header{"Retry-After": {now.Add(5 * time.Second).UTC().Format(http.TimeFormat)}}
	if got := retryAfter(h, now); got != 5*time.Second {
		t.Errorf("date wait = %v", got)
	}
	if got := retryAfter(http.Header{}, now); got != -1 {
		t.Errorf("no header = %v", got)
	}
}

// Every request has a timeout; a server that never answers fails after
// the bounded retries.
func TestTimeout(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	var sl sleeps
	o := Options{BaseURL: srv.URL, Token: token, Sleep: sl.sleep, MaxAttempts: 2, HTTPClient: &http.Client{Timeout: 50 * time.Millisecond}}
	_, err := Post(context.Background(), mustGitHub(t, o, "acme/shop", 1), "x", "t", Update)
	if err == nil || !strings.Contains(err.Error(), "gave up after 2 attempts") || !strings.Contains(err.Error(), "Timeout") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), token) {
		t.Error("token in the error")
	}
	if len(sl) != 1 {
		t.Errorf("waits %v", sl)
	}
	g, _ := NewGitHub(Options{}, "a/b", 1)
	if g.c.opt.HTTPClient.Timeout != RequestTimeout {
		t.Errorf("default client timeout = %v", g.c.opt.HTTPClient.Timeout)
	}
}

// A next-page link to another host is not followed with the token.
func TestLinkToOtherHost(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("token sent to another host: %q", r.Header.Get("Authorization"))
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<`+other.URL+`/repos/a/b/issues/1/comments?page=2>; rel="next"`)
		w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	_, err := Post(context.Background(), mustGitHub(t, Options{BaseURL: srv.URL, Token: token}, "a/b", 1), "x", "t", Update)
	if err == nil || !strings.Contains(err.Error(), "refusing to send the token") {
		t.Fatalf("err = %v", err)
	}
}

func TestGitLab(t *testing.T) {
	srv := forgetest.New(token)
	defer srv.Close()
	srv.ReadOnlyToken = "glpat-readonly"
	srv.AddMergeRequest("acme/platform/shop", 42, 3, 130)
	ctx := context.Background()
	var sl sleeps
	for _, project := range []string{"acme/platform/shop", "42"} {
		g, err := NewGitLab(opts(srv, srv.GitLabURL(), &sl), project, 3)
		if err != nil {
			t.Fatal(err)
		}
		r1, err := Post(ctx, g, "report one "+project, "prod", Update)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := Post(ctx, g, "report two "+project, "prod", Update)
		if err != nil {
			t.Fatal(err)
		}
		ns := srv.Notes("acme/platform/shop", 3)
		n, ids := countTagged(ns, "prod")
		if len(ns) != 131 || n != 1 || r2.Action != "updated" || r2.Comment.ID != ids[0] {
			t.Fatalf("%s: %d notes, %d of refit's; %+v %+v", project, len(ns), n, r1, r2)
		}
		if !strings.Contains(ns[130].Body, "report two "+project) {
			t.Errorf("body %q", ns[130].Body)
		}
	}
	g, _ := NewGitLab(opts(srv, srv.GitLabURL(), &sl), "acme/platform/shop", 3)
	if _, err := Post(ctx, g, "again", "prod", New); err != nil {
		t.Fatal(err)
	}
	if n, _ := countTagged(srv.Notes("acme/platform/shop", 3), "prod"); n != 2 {
		t.Errorf("after new: %d", n)
	}
	for _, r := range srv.Requests() {
		if r.Auth != token {
			t.Errorf("%s %s: PRIVATE-TOKEN %q", r.Method, r.Path, r.Auth)
		}
		if !strings.HasPrefix(r.Path, "/api/v4/projects/") {
			t.Errorf("path %s", r.Path)
		}
	}
	if r := srv.Requests()[0]; r.Path != "/api/v4/projects/acme%2Fplatform%2Fshop/merge_requests/3/notes" || !strings.Contains(r.Query, "sort=asc") {
		t.Errorf("first request %s?%s", r.Path, r.Query)
	}

	for _, tt := range []struct {
		name, token, project string
		mr                   int
		want                 []string
	}{
		{"bad token", "nope", "acme/platform/shop", 3, []string{"401", "GITLAB_TOKEN"}},
		{"read-only", "glpat-readonly", "acme/platform/shop", 3, []string{"403", "api scope", "Reporter"}},
		{"no project", token, "acme/other", 3, []string{"404", "404 Project Not Found", "--project"}},
		{"no merge request", token, "acme/platform/shop", 9, []string{"404", "merge request !9"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := opts(srv, srv.GitLabURL(), &sl)
			o.Token = tt.token
			g, err := NewGitLab(o, tt.project, tt.mr)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Post(ctx, g, "x", "prod", Update)
			if err == nil {
				t.Fatal("no error")
			}
			for _, p := range tt.want {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q lacks %q", err, p)
				}
			}
			if strings.Contains(err.Error(), tt.token) {
				t.Errorf("token in error %q", err)
			}
		})
	}
}

func TestNewClientChecks(t *testing.T) {
	for _, tt := range []struct {
		base, repo string
		pr         int
		want       string
	}{
		{"https://api.github.com", "acme", 1, "want OWNER/NAME"},
		{"https://api.github.com", "acme/shop", 0, "--pull-request 0"},
		{"ftp://x", "acme/shop", 1, "want an http(s) URL"},
		{"https://user:hunter2@ghe.example/api/v3", "acme/shop", 1, "must not carry credentials"},
	} {
		_, err := NewGitHub(Options{BaseURL: tt.base}, tt.repo, tt.pr)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %s %d: err = %v, want %q", tt.base, tt.repo, tt.pr, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("password in error %q", err)
		}
	}
	if _, err := ParseBehavior("replace"); err == nil {
		t.Error("ParseBehavior accepted replace")
	}
	for _, tag := range []string{"", "a -->", "-x", strings.Repeat("a", 101), "a b"} {
		if CheckTag(tag) == nil {
			t.Errorf("CheckTag(%q) passed", tag)
		}
	}
	for _, tag := range []string{"prod", "eu-west-1/prod", "team.a_b"} {
		if err := CheckTag(tag); err != nil {
			t.Error(err)
		}
	}
}

func TestNextLink(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`<https://api.github.com/repositories/1/issues/2/comments?page=2&per_page=100>; rel="next", <https://api.github.com/repositories/1/issues/2/comments?page=3&per_page=100>; rel="last"`,
			"https://api.github.com/repositories/1/issues/2/comments?page=2&per_page=100"},
		{`<https://x/?page=1>; rel="prev", <https://x/?page=3>; rel="next"`, "https://x/?page=3"},
		{`<https://x/?page=1>; rel="first"`, ""},
		{`<https://x/?page=4>; rel="last next"`, "https://x/?page=4"},
		{``, ""},
		{`garbage; rel=next`, ""},
	} {
		if got := nextLink(tt.in); got != tt.want {
			t.Errorf("nextLink(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNextLink(f *testing.F) {
	f.Add(`<https://x/?page=2>; rel="next", <https://x/?page=9>; rel="last"`)
	f.Add(`<>; rel=next`)
	f.Fuzz(func(t *testing.T, s string) { nextLink(s) })
}
