package cli

import (
	"cmp"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/prcomment"
)

func newCommentCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "comment",
		Short: "Post a report on a pull request (GitHub) or merge request (GitLab), updated in place",
		Long: `Post refit's result on a pull or merge request as one comment per --tag,
found again by a hidden marker and updated in place on each push.

--path is refit's -o json of cost diff, plan, migrate check or cost (rendered
as Markdown here), or a Markdown file; - reads stdin.`,
	}
	cmd.AddCommand(newCommentGitHubCommand(streams), newCommentGitLabCommand(streams))
	return cmd
}

// forge is what a comment command needs of its forge: the flag and
// environment of its API and token, and its client.
type forge struct {
	apiFlag, apiEnv, apiDefault, tokenEnv string
	// client makes the client, and names the request ("acme/shop#42").
	client func(prcomment.Options) (prcomment.Forge, string, error)
}

// commentCommand adds the flags both forges share to cmd and runs it.
func commentCommand(cmd *cobra.Command, streams IO, fg forge) *cobra.Command {
	var (
		r      prcomment.Request
		apiURL string
	)
	fl := cmd.Flags()
	fl.StringVar(&r.Path, "path", "", "the report: refit -o json of cost diff, plan, migrate check or cost, or a Markdown file (- for stdin)")
	fl.StringVar(&r.Behavior, "behavior", "update", "update: edit refit's comment for the tag in place (create it the first time); new: add a comment each time; delete-and-new: delete refit's comments for the tag, then add one")
	fl.StringVar(&r.Tag, "tag", "default", "names the comment, one per tag (e.g. one per project or environment)")
	fl.StringVar(&apiURL, fg.apiFlag, "", fmt.Sprintf("API base URL (default $%s, else %s)", fg.apiEnv, fg.apiDefault))
	fl.BoolVar(&r.DryRun, "dry-run", false, "print the comment's body instead of posting it")
	fl.DurationVar(&r.Timeout, "timeout", 3*time.Minute, "give up after this long, retries included (each request times out after 30s)")
	_ = cmd.MarkFlagRequired("path")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		r.Stdin, r.TokenEnv, r.NewForge = streams.In, fg.tokenEnv, fg.client
		r.Options = prcomment.Options{BaseURL: cmp.Or(apiURL, os.Getenv(fg.apiEnv)), Token: os.Getenv(fg.tokenEnv), UserAgent: "refit/" + version}
		return prcomment.Run(cmd.Context(), r, streams.Out)
	}
	return cmd
}

// envInt is a number from the CI environment, 0 if unset.
func envInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

func newCommentGitHubCommand(streams IO) *cobra.Command {
	var (
		repo string
		pr   int
	)
	cmd := commentCommand(&cobra.Command{
		Use:   "github --repo OWNER/NAME --pull-request N --path FILE",
		Short: "Comment on a GitHub pull request (token from GITHUB_TOKEN)",
		Long: `Comment on a GitHub pull request, one comment per --tag, updated in place.

The token comes from GITHUB_TOKEN (in a workflow: permissions:
pull-requests: write). The API is --github-api-url, else GITHUB_API_URL (set
on GitHub Enterprise runners), else https://api.github.com. --repo defaults to
GITHUB_REPOSITORY.`,
		Example: `  refit cost diff base/k8s k8s -o json > diff.json
  refit comment github --repo acme/shop --pull-request 42 --path diff.json --tag prod`,
		Args: cobra.NoArgs,
	}, streams, forge{"github-api-url", "GITHUB_API_URL", prcomment.DefaultGitHubAPI, "GITHUB_TOKEN", func(o prcomment.Options) (prcomment.Forge, string, error) {
		if repo == "" {
			return nil, "", fmt.Errorf("--repo is required (or GITHUB_REPOSITORY)")
		}
		g, err := prcomment.NewGitHub(o, repo, pr)
		return g, fmt.Sprintf("%s#%d", repo, pr), err
	}})
	cmd.Flags().StringVar(&repo, "repo", os.Getenv("GITHUB_REPOSITORY"), "the repository, OWNER/NAME (default $GITHUB_REPOSITORY)")
	cmd.Flags().IntVar(&pr, "pull-request", 0, "the pull request's number")
	return cmd
}

func newCommentGitLabCommand(streams IO) *cobra.Command {
	var (
		project string
		mr      int
	)
	cmd := commentCommand(&cobra.Command{
		Use:   "gitlab --project ID|PATH --merge-request IID --path FILE",
		Short: "Comment on a GitLab merge request (token from GITLAB_TOKEN)",
		Long: `Comment on a GitLab merge request, one note per --tag, updated in place.

The token comes from GITLAB_TOKEN (a project or personal access token with the
api scope; CI_JOB_TOKEN cannot write notes). The API is --gitlab-api-url, else
CI_API_V4_URL (set in GitLab CI), else https://gitlab.com/api/v4. --project
defaults to CI_PROJECT_ID and --merge-request to CI_MERGE_REQUEST_IID.`,
		Example: `  refit comment gitlab --project acme/shop --merge-request 7 --path diff.json --tag prod`,
		Args:    cobra.NoArgs,
	}, streams, forge{"gitlab-api-url", "CI_API_V4_URL", prcomment.DefaultGitLabAPI, "GITLAB_TOKEN", func(o prcomment.Options) (prcomment.Forge, string, error) {
		if project == "" {
			return nil, "", fmt.Errorf("--project is required (or CI_PROJECT_ID)")
		}
		g, err := prcomment.NewGitLab(o, project, mr)
		return g, fmt.Sprintf("%s!%d", project, mr), err
	}})
	cmd.Flags().StringVar(&project, "project", os.Getenv("CI_PROJECT_ID"), "the project's ID or path, group/name (default $CI_PROJECT_ID)")
	cmd.Flags().IntVar(&mr, "merge-request", envInt("CI_MERGE_REQUEST_IID"), "the merge request's IID (default $CI_MERGE_REQUEST_IID)")
	return cmd
}
