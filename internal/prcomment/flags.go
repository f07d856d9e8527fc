package prcomment

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"
)

// Flags are the flags of refit comment github or gitlab: the request's
// and the forge's.
type Flags struct {
	r      Request
	apiURL string
	forge  forge
	// place is the repository or project, number the pull or merge request.
	place  string
	number int
}

// forge is what a comment command needs of its forge: the flags and
// environment of its API, token and request, and its client.
type forge struct {
	apiFlag, apiEnv, apiDefault, tokenEnv string
	placeFlag, placeEnv, placeUsage       string
	numberFlag, numberEnv, numberUsage    string
	// client makes the client for place and number, and names the request
	// ("acme/shop#42").
	client func(o Options, place string, number int) (Forge, string, error)
}

// GitHubFlags are refit comment github's flags: --repo (default
// $GITHUB_REPOSITORY), --pull-request, --github-api-url; the token is
// GITHUB_TOKEN.
func GitHubFlags() *Flags {
	return &Flags{forge: forge{apiFlag: "github-api-url", apiEnv: "GITHUB_API_URL", apiDefault: DefaultGitHubAPI, tokenEnv: "GITHUB_TOKEN",
		placeFlag: "repo", placeEnv: "GITHUB_REPOSITORY", placeUsage: "the repository, OWNER/NAME (default $GITHUB_REPOSITORY)",
		numberFlag: "pull-request", numberUsage: "the pull request's number",
		client: func(o Options, repo string, pr int) (Forge, string, error) {
			if repo == "" {
				return nil, "", fmt.Errorf("--repo is required (or GITHUB_REPOSITORY)")
			}
			g, err := NewGitHub(o, repo, pr)
			return g, fmt.Sprintf("%s#%d", repo, pr), err
		}}}
}

// GitLabFlags are refit comment gitlab's flags: --project (default
// $CI_PROJECT_ID), --merge-request (default $CI_MERGE_REQUEST_IID),
// --gitlab-api-url; the token is GITLAB_TOKEN.
func GitLabFlags() *Flags {
	return &Flags{forge: forge{apiFlag: "gitlab-api-url", apiEnv: "CI_API_V4_URL", apiDefault: DefaultGitLabAPI, tokenEnv: "GITLAB_TOKEN",
		placeFlag: "project", placeEnv: "CI_PROJECT_ID", placeUsage: "the project's ID or path, group/name (default $CI_PROJECT_ID)",
		numberFlag: "merge-request", numberEnv: "CI_MERGE_REQUEST_IID", numberUsage: "the merge request's IID (default $CI_MERGE_REQUEST_IID)",
		client: func(o Options, project string, mr int) (Forge, string, error) {
			if project == "" {
				return nil, "", fmt.Errorf("--project is required (or CI_PROJECT_ID)")
			}
			g, err := NewGitLab(o, project, mr)
			return g, fmt.Sprintf("%s!%d", project, mr), err
		}}}
}

// AddFlags registers the flags; the defaults of the request's place and
// number are read from the CI environment now.
func (f *Flags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.r.Path, "path", "", "the report: refit -o json of cost diff, plan, migrate check or cost, or a Markdown file (- for stdin)")
	fl.StringVar(&f.r.Behavior, "behavior", "update", "update: edit refit's comment for the tag in place (create it the first time); new: add a comment each time; delete-and-new: delete refit's comments for the tag, then add one")
	fl.StringVar(&f.r.Tag, "tag", "default", "names the comment, one per tag (e.g. one per project or environment)")
	fl.StringVar(&f.apiURL, f.forge.apiFlag, "", fmt.Sprintf("API base URL (default $%s, else %s)", f.forge.apiEnv, f.forge.apiDefault))
	fl.BoolVar(&f.r.DryRun, "dry-run", false, "print the comment's body instead of posting it")
	fl.DurationVar(&f.r.Timeout, "timeout", 3*time.Minute, "give up after this long, retries included (each request times out after 30s)")
	fl.StringVar(&f.place, f.forge.placeFlag, os.Getenv(f.forge.placeEnv), f.forge.placeUsage)
	fl.IntVar(&f.number, f.forge.numberFlag, envInt(f.forge.numberEnv), f.forge.numberUsage)
}

// envInt is a number from the CI environment, 0 if unset (or no name).
func envInt(name string) int {
	if name == "" {
		return 0
	}
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

// Run posts (Run) the report the flags name, the API and token from the
// flags and the environment; stdin is read for --path -.
func (f *Flags) Run(ctx context.Context, stdin io.Reader, out io.Writer, userAgent string) error {
	r := f.r
	r.Stdin, r.TokenEnv = stdin, f.forge.tokenEnv
	r.NewForge = func(o Options) (Forge, string, error) { return f.forge.client(o, f.place, f.number) }
	r.Options = Options{BaseURL: cmp.Or(f.apiURL, os.Getenv(f.forge.apiEnv)), Token: os.Getenv(f.forge.tokenEnv), UserAgent: userAgent}
	return Run(ctx, r, out)
}
