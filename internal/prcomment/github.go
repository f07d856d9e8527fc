package prcomment

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// DefaultGitHubAPI is github.com's REST API.
const DefaultGitHubAPI = "https://api.github.com"

// GitHub is a pull request's comments (GitHub's REST API: a pull
// request's conversation comments are its issue's comments).
type GitHub struct {
	c     *client
	owner string
	repo  string
	pr    int
}

var repoRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`) })

// NewGitHub returns the comments of pull request pr in repo ("OWNER/NAME").
func NewGitHub(opt Options, repo string, pr int) (*GitHub, error) {
	if !repoRE().MatchString(repo) {
		return nil, fmt.Errorf("--repo %q: want OWNER/NAME", repo)
	}
	if pr <= 0 {
		return nil, fmt.Errorf("--pull-request %d: want the pull request's number", pr)
	}
	g := &GitHub{pr: pr}
	g.owner, g.repo, _ = strings.Cut(repo, "/")
	token := opt.Token
	auth := func(r *http.Request) {
		r.Header.Set("Accept", "application/vnd.github+json")
		r.Header.Set("X-GitHub-Api-Version", "2022-11-28")
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
	}
	c, err := newClient("GitHub", DefaultGitHubAPI, opt, auth, g.hint)
	if err != nil {
		return nil, err
	}
	g.c = c
	return g, nil
}

func (g *GitHub) name() string { return g.owner + "/" + g.repo }

// hint says what is likely missing for an error status.
func (g *GitHub) hint(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "the token in GITHUB_TOKEN is missing, expired or wrong"
	case http.StatusForbidden:
		return fmt.Sprintf("the token may not write comments on %s: a workflow needs `permissions: pull-requests: write`; a personal token the repo scope, or Pull requests: write for a fine-grained one; pull requests from forks get a read-only token", g.name())
	case http.StatusNotFound:
		return fmt.Sprintf("no repository %s or pull request #%d that the token can see: check --repo and --pull-request, and that the token has access to the repository", g.name(), g.pr)
	case http.StatusUnprocessableEntity:
		return "GitHub refused the comment's content"
	}
	return ""
}

type ghComment struct {
	ID      int64  `json:"id"`
	Body    string `json:"body"`
	HTMLURL string `json:"html_url"`
}

func (c ghComment) comment() Comment { return Comment{ID: c.ID, Body: c.Body, URL: c.HTMLURL} }

func (g *GitHub) path(format string, args ...any) string {
	esc := make([]any, len(args))
	for i, a := range args {
		esc[i] = url.PathEscape(fmt.Sprint(a))
	}
	return fmt.Sprintf(format, esc...)
}

// Limit is GitHub's longest comment.
func (g *GitHub) Limit() int { return GitHubLimit }

// List returns the pull request's comments, 100 a page.
func (g *GitHub) List(ctx context.Context) ([]Comment, error) {
	op := fmt.Sprintf("listing the comments of %s#%d", g.name(), g.pr)
	u, err := g.c.endpoint(g.path("/repos/%s/%s/issues/%s/comments", g.owner, g.repo, g.pr), url.Values{"per_page": {"100"}})
	if err != nil {
		return nil, err
	}
	var out []Comment
	err = g.c.listAll(ctx, op, u, func(raw []byte) error {
		var page []ghComment
		if err := json.Unmarshal(raw, &page); err != nil {
			return err
		}
		for _, c := range page {
			out = append(out, c.comment())
		}
		return nil
	}, "")
	return out, err
}

// Create adds a comment.
func (g *GitHub) Create(ctx context.Context, body string) (Comment, error) {
	op := fmt.Sprintf("commenting on %s#%d", g.name(), g.pr)
	u, err := g.c.endpoint(g.path("/repos/%s/%s/issues/%s/comments", g.owner, g.repo, g.pr), nil)
	if err != nil {
		return Comment{}, err
	}
	var c ghComment
	_, err = g.c.do(ctx, op, http.MethodPost, u, map[string]string{"body": body}, &c)
	return c.comment(), err
}

// Update replaces a comment's body.
func (g *GitHub) Update(ctx context.Context, id int64, body string) (Comment, error) {
	op := fmt.Sprintf("updating comment %d on %s#%d", id, g.name(), g.pr)
	u, err := g.c.endpoint(g.path("/repos/%s/%s/issues/comments/%s", g.owner, g.repo, strconv.FormatInt(id, 10)), nil)
	if err != nil {
		return Comment{}, err
	}
	var c ghComment
	_, err = g.c.do(ctx, op, http.MethodPatch, u, map[string]string{"body": body}, &c)
	return c.comment(), err
}

// Delete deletes a comment.
func (g *GitHub) Delete(ctx context.Context, id int64) error {
	op := fmt.Sprintf("deleting comment %d on %s#%d", id, g.name(), g.pr)
	u, err := g.c.endpoint(g.path("/repos/%s/%s/issues/comments/%s", g.owner, g.repo, strconv.FormatInt(id, 10)), nil)
	if err != nil {
		return err
	}
	_, err = g.c.do(ctx, op, http.MethodDelete, u, nil, nil)
	return err
}
