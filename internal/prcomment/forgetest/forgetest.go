// Package forgetest serves GitHub's and GitLab's REST APIs for comments
// from a local HTTP server (127.0.0.1), in their documented formats, for
// tests: GitHub's issue comments (list with Link pagination, create,
// update, delete) and GitLab's merge-request notes, with their error
// answers (401, 403, 404, 422), rate limits (429 with Retry-After) and
// injected 5xx. Only tests import it.
package forgetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Note is a stored comment or note.
type Note struct {
	ID     int64
	Body   string
	System bool // GitLab system notes ("added 1 commit")
}

// Fault answers matching requests with an error instead.
type Fault struct {
	Method string // "" matches any
	Path   string // substring of the path; "" matches any
	Status int
	Header http.Header
	Body   string
	Times  int // how many requests it answers (0: one)
}

// Request is a request the server saw.
type Request struct {
	Method, Path, Query string
	Auth                string // the Authorization or PRIVATE-TOKEN header
}

// Server is a fake GitHub (at /) and GitLab (at /api/v4).
type Server struct {
	*httptest.Server
	// Token the server accepts; ReadOnlyToken authenticates but may not
	// write (403).
	Token, ReadOnlyToken string
	// MaxCommentLength is GitHub's limit (65536).
	MaxCommentLength int

	mu      sync.Mutex
	threads map[string][]*Note // "github:owner/repo#1", "gitlab:project!1"
	// projectIDs maps GitLab numeric project IDs to paths.
	projectIDs map[string]string
	nextID     int64
	faults     []*Fault
	requests   []Request
}

// New starts a server that knows no repositories yet.
func New(token string) *Server {
	s := &Server{Token: token, MaxCommentLength: 65536, threads: map[string][]*Note{}, projectIDs: map[string]string{}, nextID: 1000}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// GitHubURL is the GitHub API base; GitLabURL the GitLab one.
func (s *Server) GitHubURL() string { return s.URL }

// GitLabURL is the GitLab API base (like CI_API_V4_URL).
func (s *Server) GitLabURL() string { return s.URL + "/api/v4" }

func ghKey(repo string, pr int) string    { return fmt.Sprintf("github:%s#%d", repo, pr) }
func glKey(project string, mr int) string { return fmt.Sprintf("gitlab:%s!%d", project, mr) }
func (s *Server) id() int64               { s.nextID++; return s.nextID }

// AddPullRequest makes a pull request with n comments by others.
func (s *Server) AddPullRequest(repo string, pr, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := ghKey(repo, pr)
	s.threads[k] = []*Note{}
	for i := range n {
		s.threads[k] = append(s.threads[k], &Note{ID: s.id(), Body: fmt.Sprintf("comment %d by a reviewer", i+1)})
	}
}

// AddMergeRequest makes a merge request with n notes, every third a
// system note. project is the path (group/name); id its numeric ID, which
// the API also accepts.
func (s *Server) AddMergeRequest(project string, id, mr, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := glKey(project, mr)
	s.threads[k] = []*Note{}
	for i := range n {
		s.threads[k] = append(s.threads[k], &Note{ID: s.id(), Body: fmt.Sprintf("note %d", i+1), System: i%3 == 2})
	}
	s.projectIDs[strconv.Itoa(id)] = project
}

// Comments returns a pull request's comments.
func (s *Server) Comments(repo string, pr int) []Note { return s.copy(ghKey(repo, pr)) }

// Notes returns a merge request's notes.
func (s *Server) Notes(project string, mr int) []Note { return s.copy(glKey(project, mr)) }

func (s *Server) copy(k string) []Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Note
	for _, n := range s.threads[k] {
		out = append(out, *n)
	}
	return out
}

// Fail adds a fault.
func (s *Server) Fail(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times <= 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// Requests returns the requests seen so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	auth := r.Header.Get("Authorization")
	if auth == "" {
		auth = r.Header.Get("PRIVATE-TOKEN")
	}
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Auth: auth})
	for _, f := range s.faults {
		if f.Times > 0 && (f.Method == "" || f.Method == r.Method) && strings.Contains(r.URL.EscapedPath(), f.Path) {
			f.Times--
			for k, vs := range f.Header {
				w.Header()[k] = vs
			}
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(f.Status)
			fmt.Fprint(w, f.Body)
			return
		}
	}
	if p, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/v4/"); ok {
		s.gitlab(w, r, p)
		return
	}
	s.github(w, r)
}

// page cuts a list for ?page=&per_page= (GitHub: default 30, at most 100;
// GitLab: default 20, at most 100).
func page(r *http.Request, n, def int) (from, to, pageNo, perPage, last int) {
	q := r.URL.Query()
	perPage, _ = strconv.Atoi(q.Get("per_page"))
	if perPage <= 0 {
		perPage = def
	}
	perPage = min(perPage, 100)
	pageNo, _ = strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	last = max((n+perPage-1)/perPage, 1)
	from = min((pageNo-1)*perPage, n)
	to = min(from+perPage, n)
	return
}

func pageURL(r *http.Request, p int) string {
	u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath}
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(p))
	u.RawQuery = q.Encode()
	return u.String()
}

func links(r *http.Request, pageNo, last int) string {
	var ls []string
	if pageNo < last {
		ls = append(ls, fmt.Sprintf(`<%s>; rel="next"`, pageURL(r, pageNo+1)), fmt.Sprintf(`<%s>; rel="last"`, pageURL(r, last)))
	}
	if pageNo > 1 {
		ls = append(ls, fmt.Sprintf(`<%s>; rel="first"`, pageURL(r, 1)), fmt.Sprintf(`<%s>; rel="prev"`, pageURL(r, pageNo-1)))
	}
	return strings.Join(ls, ", ")
}

func readBody(r *http.Request) (string, bool) {
	var in struct {
		Body *string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Body == nil {
		return "", false
	}
	return *in.Body, true
}

// --- GitHub -------------------------------------------------------------

const ghDocs = "https://docs.github.com/rest"

func (s *Server) ghComment(r *http.Request, repo string, pr int, n *Note) map[string]any {
	base := "http://" + r.Host
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Format(time.RFC3339)
	return map[string]any{
		"id": n.ID, "node_id": fmt.Sprintf("IC_%d", n.ID),
		"url":        fmt.Sprintf("%s/repos/%s/issues/comments/%d", base, repo, n.ID),
		"html_url":   fmt.Sprintf("https://github.com/%s/pull/%d#issuecomment-%d", repo, pr, n.ID),
		"issue_url":  fmt.Sprintf("%s/repos/%s/issues/%d", base, repo, pr),
		"body":       n.Body,
		"user":       map[string]any{"login": "github-actions[bot]", "id": 41898282, "type": "Bot"},
		"created_at": now, "updated_at": now, "author_association": "NONE",
	}
}

func (s *Server) github(w http.ResponseWriter, r *http.Request) {
	switch r.Header.Get("Authorization") {
	case "Bearer " + s.Token, "token " + s.Token:
	case "Bearer " + s.ReadOnlyToken, "token " + s.ReadOnlyToken:
		if s.ReadOnlyToken == "" {
			writeJSON(w, 401, map[string]string{"message": "Bad credentials", "documentation_url": ghDocs})
			return
		}
		if r.Method != http.MethodGet {
			writeJSON(w, 403, map[string]string{"message": "Resource not accessible by integration", "documentation_url": ghDocs})
			return
		}
	default:
		writeJSON(w, 401, map[string]string{"message": "Bad credentials", "documentation_url": ghDocs})
		return
	}
	notFound := func() { writeJSON(w, 404, map[string]string{"message": "Not Found", "documentation_url": ghDocs}) }
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	// repos/{owner}/{repo}/issues/{n}/comments | repos/{owner}/{repo}/issues/comments/{id}
	if len(parts) != 6 || parts[0] != "repos" || parts[3] != "issues" {
		notFound()
		return
	}
	repo := parts[1] + "/" + parts[2]
	if parts[4] == "comments" {
		id, _ := strconv.ParseInt(parts[5], 10, 64)
		for k, notes := range s.threads {
			if !strings.HasPrefix(k, "github:"+repo+"#") {
				continue
			}
			pr, _ := strconv.Atoi(k[strings.LastIndexByte(k, '#')+1:])
			for i, n := range notes {
				if n.ID != id {
					continue
				}
				switch r.Method {
				case http.MethodPatch:
					body, ok := readBody(r)
					if !s.ghValid(w, body, ok) {
						return
					}
					n.Body = body
					writeJSON(w, 200, s.ghComment(r, repo, pr, n))
				case http.MethodDelete:
					s.threads[k] = append(notes[:i:i], notes[i+1:]...)
					w.WriteHeader(204)
				case http.MethodGet:
					writeJSON(w, 200, s.ghComment(r, repo, pr, n))
				default:
					writeJSON(w, 405, map[string]string{"message": "Method Not Allowed"})
				}
				return
			}
		}
		notFound()
		return
	}
	pr, err := strconv.Atoi(parts[4])
	if err != nil || parts[5] != "comments" {
		notFound()
		return
	}
	k := ghKey(repo, pr)
	notes, ok := s.threads[k]
	if !ok {
		notFound()
		return
	}
	switch r.Method {
	case http.MethodGet:
		from, to, pageNo, _, last := page(r, len(notes), 30)
		if l := links(r, pageNo, last); l != "" {
			w.Header().Set("Link", l)
		}
		out := []map[string]any{}
		for _, n := range notes[from:to] {
			out = append(out, s.ghComment(r, repo, pr, n))
		}
		writeJSON(w, 200, out)
	case http.MethodPost:
		body, ok := readBody(r)
		if !s.ghValid(w, body, ok) {
			return
		}
		n := &Note{ID: s.id(), Body: body}
		s.threads[k] = append(notes, n)
		w.Header().Set("Location", fmt.Sprintf("http://%s/repos/%s/issues/comments/%d", r.Host, repo, n.ID))
		writeJSON(w, 201, s.ghComment(r, repo, pr, n))
	default:
		writeJSON(w, 405, map[string]string{"message": "Method Not Allowed"})
	}
}

func (s *Server) ghValid(w http.ResponseWriter, body string, ok bool) bool {
	switch {
	case !ok || body == "":
		writeJSON(w, 422, map[string]any{"message": "Validation Failed", "documentation_url": ghDocs,
			"errors": []map[string]string{{"resource": "IssueComment", "code": "missing_field", "field": "body"}}})
	case len([]rune(body)) > s.MaxCommentLength:
		writeJSON(w, 422, map[string]any{"message": "Validation Failed", "documentation_url": ghDocs,
			"errors": []map[string]string{{"resource": "IssueComment", "code": "custom", "field": "body",
				"message": fmt.Sprintf("body is too long (maximum is %d characters)", s.MaxCommentLength)}}})
	default:
		return true
	}
	return false
}

// --- GitLab -------------------------------------------------------------

func (s *Server) glNote(project string, mr int, n *Note) map[string]any {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")
	return map[string]any{
		"id": n.ID, "type": nil, "body": n.Body, "attachment": nil,
		"author":     map[string]any{"id": 1, "username": "project_1_bot", "name": "refit bot", "state": "active"},
		"created_at": now, "updated_at": now, "system": n.System, "noteable_id": 1, "noteable_type": "MergeRequest",
		"noteable_iid": mr, "resolvable": false, "confidential": false, "internal": false,
	}
}

func (s *Server) gitlab(w http.ResponseWriter, r *http.Request, escaped string) {
	switch r.Header.Get("PRIVATE-TOKEN") {
	case s.Token:
	case s.ReadOnlyToken:
		if s.ReadOnlyToken == "" || r.Method != http.MethodGet {
			writeJSON(w, 403, map[string]string{"message": "403 Forbidden"})
			return
		}
	default:
		writeJSON(w, 401, map[string]string{"message": "401 Unauthorized"})
		return
	}
	// projects/{id or url-encoded path}/merge_requests/{iid}/notes[/{note_id}]
	segs := strings.Split(escaped, "/")
	if len(segs) < 5 || segs[0] != "projects" || segs[2] != "merge_requests" || segs[4] != "notes" || len(segs) > 6 {
		writeJSON(w, 404, map[string]string{"error": "404 Not Found"})
		return
	}
	project, err := url.PathUnescape(segs[1])
	if err != nil {
		writeJSON(w, 404, map[string]string{"message": "404 Project Not Found"})
		return
	}
	if p, ok := s.projectIDs[project]; ok {
		project = p
	}
	mr, _ := strconv.Atoi(segs[3])
	k := glKey(project, mr)
	notes, ok := s.threads[k]
	if !ok {
		projectKnown := false
		for key := range s.threads {
			if strings.HasPrefix(key, "gitlab:"+project+"!") {
				projectKnown = true
			}
		}
		if projectKnown {
			writeJSON(w, 404, map[string]string{"message": "404 Not found"})
		} else {
			writeJSON(w, 404, map[string]string{"message": "404 Project Not Found"})
		}
		return
	}
	if len(segs) == 6 {
		id, _ := strconv.ParseInt(segs[5], 10, 64)
		for i, n := range notes {
			if n.ID != id {
				continue
			}
			switch r.Method {
			case http.MethodPut:
				body, ok := readBody(r)
				if !ok || body == "" {
					writeJSON(w, 400, map[string]string{"error": "body is missing"})
					return
				}
				n.Body = body
				writeJSON(w, 200, s.glNote(project, mr, n))
			case http.MethodDelete:
				s.threads[k] = append(notes[:i:i], notes[i+1:]...)
				w.WriteHeader(204)
			default:
				writeJSON(w, 405, map[string]string{"message": "405 Method Not Allowed"})
			}
			return
		}
		writeJSON(w, 404, map[string]string{"message": "404 Note Not Found"})
		return
	}
	switch r.Method {
	case http.MethodGet:
		sorted := append([]*Note(nil), notes...)
		if r.URL.Query().Get("sort") != "asc" { // GitLab's default is newest first
			sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ID > sorted[j].ID })
		}
		from, to, pageNo, perPage, last := page(r, len(sorted), 20)
		h := w.Header()
		h.Set("X-Page", strconv.Itoa(pageNo))
		h.Set("X-Per-Page", strconv.Itoa(perPage))
		h.Set("X-Total", strconv.Itoa(len(sorted)))
		h.Set("X-Total-Pages", strconv.Itoa(last))
		h.Set("X-Next-Page", "")
		if pageNo < last {
			h.Set("X-Next-Page", strconv.Itoa(pageNo+1))
		}
		if l := links(r, pageNo, last); l != "" {
			h.Set("Link", l)
		}
		out := []map[string]any{}
		for _, n := range sorted[from:to] {
			out = append(out, s.glNote(project, mr, n))
		}
		writeJSON(w, 200, out)
	case http.MethodPost:
		body, ok := readBody(r)
		if !ok || body == "" {
			writeJSON(w, 400, map[string]string{"error": "body is missing"})
			return
		}
		if len([]rune(body)) > 1000000 {
			writeJSON(w, 400, map[string]any{"message": map[string][]string{"note": {"is too long (maximum is 1000000 characters)"}}})
			return
		}
		n := &Note{ID: s.id(), Body: body}
		s.threads[k] = append(notes, n)
		writeJSON(w, 201, s.glNote(project, mr, n))
	default:
		writeJSON(w, 405, map[string]string{"message": "405 Method Not Allowed"})
	}
}
