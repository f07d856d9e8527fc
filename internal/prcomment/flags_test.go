package prcomment

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func parseFlags(t *testing.T, f *Flags, args ...string) {
	t.Helper()
	fl := pflag.NewFlagSet("comment", pflag.ContinueOnError)
	f.AddFlags(fl)
	if err := fl.Parse(args); err != nil {
		t.Fatal(err)
	}
}

// TestFlagsFromCIEnvironment: GitLab's project and merge request default
// to GitLab CI's variables, GitHub's repository to GitHub Actions'.
func TestFlagsFromCIEnvironment(t *testing.T) {
	t.Setenv("CI_PROJECT_ID", "acme/shop")
	t.Setenv("CI_MERGE_REQUEST_IID", "7")
	t.Setenv("GITHUB_REPOSITORY", "acme/web")
	gl := GitLabFlags()
	parseFlags(t, gl, "--path", "-", "--dry-run", "--tag", "prod")
	if gl.place != "acme/shop" || gl.number != 7 {
		t.Errorf("gitlab: project %q, merge request %d", gl.place, gl.number)
	}
	var out bytes.Buffer
	if err := gl.Run(context.Background(), strings.NewReader("# Cost\n\nup $3\n"), &out, "refit/test"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "up $3") || !strings.Contains(out.String(), "prod") {
		t.Errorf("dry run body:\n%s", out.String())
	}
	gh := GitHubFlags()
	parseFlags(t, gh, "--path", "-", "--pull-request", "42")
	if gh.place != "acme/web" || gh.number != 42 {
		t.Errorf("github: repo %q, pull request %d", gh.place, gh.number)
	}
}

func TestFlagsNeedTheRequest(t *testing.T) {
	t.Setenv("CI_PROJECT_ID", "")
	t.Setenv("GITHUB_REPOSITORY", "")
	for _, tc := range []struct {
		f   *Flags
		err string
	}{
		{GitHubFlags(), "--repo is required (or GITHUB_REPOSITORY)"},
		{GitLabFlags(), "--project is required (or CI_PROJECT_ID)"},
	} {
		parseFlags(t, tc.f, "--path", "-", "--dry-run")
		err := tc.f.Run(context.Background(), strings.NewReader("# Cost\n"), &bytes.Buffer{}, "refit/test")
		if err == nil || err.Error() != tc.err {
			t.Errorf("err %v, want %q", err, tc.err)
		}
	}
}

// TestFlagsToken: without --dry-run, the token comes from the forge's
// variable, and its absence is named.
func TestFlagsToken(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "")
	f := GitHubFlags()
	parseFlags(t, f, "--path", "-", "--repo", "acme/web", "--pull-request", "1")
	err := f.Run(context.Background(), strings.NewReader("# Cost\n"), &bytes.Buffer{}, "refit/test")
	if err == nil || !strings.HasPrefix(err.Error(), "GITHUB_TOKEN is not set") {
		t.Errorf("err %v", err)
	}
}
