package prcomment

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DefaultGitLabAPI is gitlab.com's REST API.
const DefaultGitLabAPI = "https://gitlab.com/api/v4"

// GitLab is a merge request's notes (GitLab's REST API v4).
type GitLab struct {
	c       *client
	project string // ID or full path
	mr      int
}

// NewGitLab returns the notes of merge request mr (its IID) in project
// (a numeric ID or a path such as group/sub/name).
func NewGitLab(opt Options, project string, mr int) (*GitLab, error) {
	project = strings.Trim(project, "/")
	if project == "" || strings.ContainsAny(project, " \t\n?#") {
		return nil, fmt.Errorf("--project %q: want the project's ID or path (group/name)", project)
	}
	if mr <= 0 {
		return nil, fmt.Errorf("--merge-request %d: want the merge request's IID", mr)
	}
	g := &GitLab{project: project, mr: mr}
	token := opt.Token
	auth := func(r *http.Request) {
		r.Header.Set("Accept", "application/json")
		if token != "" {
			r.Header.Set("PRIVATE-TOKEN", token)
		}
	}
	c, err := newClient("GitLab", DefaultGitLabAPI, opt, auth, g.hint)
	if err != nil {
		return nil, err
	}
	g.c = c
	return g, nil
}

func (g *GitLab) name() string { return fmt.Sprintf("%s!%d", g.project, g.mr) }

func (g *GitLab) hint(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "the token in GITLAB_TOKEN is missing, expired or wrong"
	case http.StatusForbidden:
		return fmt.Sprintf("the token may not write notes on %s: it needs the api scope and at least the Reporter role in the project (CI_JOB_TOKEN cannot write notes)", g.project)
	case http.StatusNotFound:
		return fmt.Sprintf("no project %s or merge request !%d that the token can see: check --project and --merge-request (the IID, as in the merge request's URL)", g.project, g.mr)
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		return "GitLab refused the note's content"
	}
	return ""
}

// projectPath escapes the project as one path segment (group%2Fname).
func (g *GitLab) projectPath() string {
	return strings.ReplaceAll(url.PathEscape(g.project), "/", "%2F")
}

type glNote struct {
	ID     int64  `json:"id"`
	Body   string `json:"body"`
	System bool   `json:"system"`
}

func (g *GitLab) notesPath() string {
	return "/projects/" + g.projectPath() + "/merge_requests/" + strconv.Itoa(g.mr) + "/notes"
}

func (g *GitLab) note(n glNote) Comment {
	// GitLab's notes API gives no web URL; the merge request's is enough.
	return Comment{ID: n.ID, Body: n.Body}
}

// Limit is GitLab's longest note.
func (g *GitLab) Limit() int { return GitLabLimit }

// List returns the merge request's notes (not system notes), oldest
// first, 100 a page.
func (g *GitLab) List(ctx context.Context) ([]Comment, error) {
	op := "listing the notes of " + g.name()
	u, err := g.c.endpoint(g.notesPath(), url.Values{"per_page": {"100"}, "sort": {"asc"}, "order_by": {"created_at"}})
	if err != nil {
		return nil, err
	}
	var out []Comment
	err = g.c.listAll(ctx, op, u, func(raw []byte) error {
		var page []glNote
		if err := json.Unmarshal(raw, &page); err != nil {
			return err
		}
		for _, n := range page {
			if !n.System {
				out = append(out, g.note(n))
			}
		}
		return nil
	}, "X-Next-Page")
	return out, err
}

// Create adds a note.
func (g *GitLab) Create(ctx context.Context, body string) (Comment, error) {
	u, err := g.c.endpoint(g.notesPath(), nil)
	if err != nil {
		return Comment{}, err
	}
	var n glNote
	_, err = g.c.do(ctx, "commenting on "+g.name(), http.MethodPost, u, map[string]string{"body": body}, &n)
	return g.note(n), err
}

// Update replaces a note's body.
func (g *GitLab) Update(ctx context.Context, id int64, body string) (Comment, error) {
	u, err := g.c.endpoint(g.notesPath()+"/"+strconv.FormatInt(id, 10), nil)
	if err != nil {
		return Comment{}, err
	}
	var n glNote
	_, err = g.c.do(ctx, fmt.Sprintf("updating note %d on %s", id, g.name()), http.MethodPut, u, map[string]string{"body": body}, &n)
	return g.note(n), err
}

// Delete deletes a note.
func (g *GitLab) Delete(ctx context.Context, id int64) error {
	u, err := g.c.endpoint(g.notesPath()+"/"+strconv.FormatInt(id, 10), nil)
	if err != nil {
		return err
	}
	_, err = g.c.do(ctx, fmt.Sprintf("deleting note %d on %s", id, g.name()), http.MethodDelete, u, nil, nil)
	return err
}
