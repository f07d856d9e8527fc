package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/prcomment"
	"github.com/refit-dev/refit/internal/prcomment/forgetest"
)

const commentToken = "ghp_cliS3cretToken"

// save runs refit and writes its stdout to a file in dir.
func save(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	out, errOut, code := run(t, "", args...)
	if code > 1 {
		t.Fatalf("refit %v: exit %d: %s", args, code, errOut)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A saved -o json report renders to the same Markdown as -o markdown.
func TestCommentRendersLikeMarkdown(t *testing.T) {
	dir := t.TempDir()
	manifests := filepath.Join("..", "..", "examples", "kops-before", "manifests")
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"cost diff", []string{"cost", "diff", "--example"}},
		{"cost diff reversed", []string{"cost", "diff", "--example", "eks-after", "kops-before"}},
		{"plan", []string{"plan", "--example"}},
		{"plan eks", []string{"plan", "--example", "eks-after"}},
		{"migrate check", []string{"migrate", "check", manifests, "--to", "1.33"}},
		{"cost", []string{"cost", "--example"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			js := save(t, dir, "r.json", append(tt.args, "-o", "json")...)
			md, _, _ := run(t, "", append(tt.args, "-o", "markdown")...)
			out, errOut, code := run(t, "", "comment", "github", "--repo", "a/b", "--pull-request", "1", "--path", js, "--tag", "prod", "--dry-run")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if want := prcomment.Marker("prod") + "\n" + strings.TrimRight(md, "\n") + "\n"; out != want {
				t.Errorf("comment body differs from -o markdown:\n--- got\n%s\n--- want\n%s", out, want)
			}
		})
	}
}

func TestCommentGitHub(t *testing.T) {
	srv := forgetest.New(commentToken)
	defer srv.Close()
	srv.AddPullRequest("acme/shop", 7, 120)
	t.Setenv("GITHUB_TOKEN", commentToken)
	t.Setenv("GITHUB_API_URL", srv.GitHubURL())
	t.Setenv("GITHUB_REPOSITORY", "acme/shop")
	dir := t.TempDir()
	first := save(t, dir, "first.json", "cost", "diff", "--example", "-o", "json")
	second := save(t, dir, "second.json", "cost", "diff", "--example", "eks-after", "kops-before", "-o", "json")

	comment := func(path string, extra ...string) (string, string, int) {
		return run(t, "", append([]string{"comment", "github", "--pull-request", "7", "--path", path, "--tag", "prod"}, extra...)...)
	}
	check := func(out, errOut string) {
		t.Helper()
		if strings.Contains(out+errOut, commentToken) {
			t.Errorf("the token is printed: %s%s", out, errOut)
		}
	}
	out, errOut, code := comment(first, "--behavior", "update")
	check(out, errOut)
	if code != 0 || !strings.HasPrefix(out, "created comment ") || !strings.Contains(out, "acme/shop#7 (tag prod): https://github.com/acme/shop/pull/7#issuecomment-") {
		t.Fatalf("first: exit %d: %s%s", code, out, errOut)
	}
	out, errOut, code = comment(second, "--behavior", "update")
	check(out, errOut)
	if code != 0 || !strings.HasPrefix(out, "updated comment ") {
		t.Fatalf("second: exit %d: %s%s", code, out, errOut)
	}
	cs := srv.Comments("acme/shop", 7)
	var mine []forgetest.Note
	for _, c := range cs {
		if prcomment.HasMarker(c.Body, "prod") {
			mine = append(mine, c)
		}
	}
	if len(cs) != 121 || len(mine) != 1 || !strings.Contains(mine[0].Body, "### refit cost diff: ") {
		t.Fatalf("%d comments, %d of refit's", len(cs), len(mine))
	}
	want, _, _ := run(t, "", "cost", "diff", "--example", "eks-after", "kops-before", "-o", "markdown")
	if mine[0].Body != prcomment.Marker("prod")+"\n"+want {
		t.Errorf("comment body:\n%s\nwant the second diff:\n%s", mine[0].Body, want)
	}
	out, errOut, code = comment(second, "--behavior", "new")
	if code != 0 || !strings.HasPrefix(out, "created comment ") || len(srv.Comments("acme/shop", 7)) != 122 {
		t.Fatalf("new: exit %d: %s%s", code, out, errOut)
	}
	// A Markdown file goes through as it is.
	md := filepath.Join(dir, "note.md")
	os.WriteFile(md, []byte("Hello from CI\n"), 0o644)
	if out, errOut, code := comment(md, "--tag", "note"); code != 0 || !strings.HasPrefix(out, "created") {
		t.Fatalf("markdown: exit %d: %s%s", code, out, errOut)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path+r.Query, commentToken) {
			t.Errorf("token in a URL: %s?%s", r.Path, r.Query)
		}
	}
}

func TestCommentErrors(t *testing.T) {
	srv := forgetest.New(commentToken)
	defer srv.Close()
	srv.AddPullRequest("acme/shop", 7, 0)
	srv.AddMergeRequest("acme/shop", 12, 3, 4)
	dir := t.TempDir()
	md := filepath.Join(dir, "r.md")
	os.WriteFile(md, []byte("hi\n"), 0o644)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\n  \"findings\": [,]\n}\n"), 0o644)
	gh := []string{"comment", "github", "--repo", "acme/shop", "--pull-request", "7", "--github-api-url", srv.GitHubURL()}
	gl := []string{"comment", "gitlab", "--project", "acme/shop", "--merge-request", "3", "--gitlab-api-url", srv.GitLabURL()}
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		code  int
		wants []string
	}{
		{"no token", nil, append(gh, "--path", md), ExitUsage, []string{"GITHUB_TOKEN is not set", "acme/shop#7"}},
		{"bad token", map[string]string{"GITHUB_TOKEN": "ghp_n0pe"}, append(gh, "--path", md), ExitUsage, []string{"401", "GITHUB_TOKEN"}},
		{"no such pull request", map[string]string{"GITHUB_TOKEN": commentToken}, []string{"comment", "github", "--repo", "acme/shop", "--pull-request", "9", "--github-api-url", srv.GitHubURL(), "--path", md}, ExitUsage, []string{"404", "pull request #9"}},
		{"bad report", map[string]string{"GITHUB_TOKEN": commentToken}, append(gh, "--path", bad), ExitUsage, []string{"bad.json:2:"}},
		{"missing report", map[string]string{"GITHUB_TOKEN": commentToken}, append(gh, "--path", filepath.Join(dir, "nope.json")), ExitUsage, []string{"nope.json"}},
		{"bad behavior", map[string]string{"GITHUB_TOKEN": commentToken}, append(gh, "--path", md, "--behavior", "replace"), ExitUsage, []string{"--behavior"}},
		{"bad tag", map[string]string{"GITHUB_TOKEN": commentToken}, append(gh, "--path", md, "--tag", "a -->"), ExitUsage, []string{"--tag"}},
		{"no path", nil, gh, ExitUsage, []string{"path"}},
		{"gitlab no token", nil, append(gl, "--path", md), ExitUsage, []string{"GITLAB_TOKEN is not set"}},
		{"gitlab ok", map[string]string{"GITLAB_TOKEN": commentToken}, append(gl, "--path", md), ExitOK, nil},
		{"gitlab from CI variables", map[string]string{"GITLAB_TOKEN": commentToken, "CI_API_V4_URL": srv.GitLabURL(), "CI_PROJECT_ID": "12", "CI_MERGE_REQUEST_IID": "3"},
			[]string{"comment", "gitlab", "--path", md, "--tag", "ci"}, ExitOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"GITHUB_TOKEN", "GITLAB_TOKEN", "CI_API_V4_URL", "CI_PROJECT_ID", "CI_MERGE_REQUEST_IID", "GITHUB_API_URL", "GITHUB_REPOSITORY"} {
				t.Setenv(k, tt.env[k])
			}
			out, errOut, code := run(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.wants {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
			if strings.Contains(out+errOut, commentToken) {
				t.Error("token printed")
			}
		})
	}
	if n := len(srv.Notes("acme/shop", 3)); n != 6 {
		t.Errorf("%d notes, want 4 + 2", n)
	}
}
