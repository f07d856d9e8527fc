package cli

import (
	"context"
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

// commentFlags are the flags both forges share.
type commentFlags struct {
	path, behavior, tag, apiURL string
	dryRun                      bool
	timeout                     time.Duration
}

func (f *commentFlags) register(cmd *cobra.Command, apiFlag, apiEnv, apiDefault string) {
	fl := cmd.Flags()
	fl.StringVar(&f.path, "path", "", "the report: refit -o json of cost diff, plan, migrate check or cost, or a Markdown file (- for stdin)")
	fl.StringVar(&f.behavior, "behavior", "update", "update: edit refit's comment for the tag in place (create it the first time); new: add a comment each time; delete-and-new: delete refit's comments for the tag, then add one")
	fl.StringVar(&f.tag, "tag", "default", "names the comment, one per tag (e.g. one per project or environment)")
	fl.StringVar(&f.apiURL, apiFlag, "", fmt.Sprintf("API base URL (default $%s, else %s)", apiEnv, apiDefault))
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the comment's body instead of posting it")
	fl.DurationVar(&f.timeout, "timeout", 3*time.Minute, "give up after this long, retries included (each request times out after 30s)")
	_ = cmd.MarkFlagRequired("path")
}

// body reads and renders the report.
func (f *commentFlags) body(streams IO) (string, error) {
	if err := prcomment.CheckTag(f.tag); err != nil {
		return "", err
	}
	if f.path == "-" {
		md, _, err := prcomment.ReadReport("stdin", streams.In)
		return md, err
	}
	file, err := os.Open(f.path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	md, _, err := prcomment.ReadReport(f.path, file)
	return md, err
}

// post checks the flags, then posts (or prints with --dry-run).
func (f *commentFlags) post(cmd *cobra.Command, streams IO, tokenEnv string, forge func(prcomment.Options) (prcomment.Forge, string, error), apiEnv string) error {
	b, err := prcomment.ParseBehavior(f.behavior)
	if err != nil {
		return err
	}
	md, err := f.body(streams)
	if err != nil {
		return err
	}
	opt := prcomment.Options{BaseURL: f.apiURL, Token: os.Getenv(tokenEnv), UserAgent: "refit/" + version}
	if opt.BaseURL == "" {
		opt.BaseURL = os.Getenv(apiEnv)
	}
	fg, where, err := forge(opt)
	if err != nil {
		return err
	}
	if f.dryRun {
		_, err := fmt.Fprint(streams.Out, prcomment.Compose(md, f.tag, fg.Limit()))
		return err
	}
	if opt.Token == "" {
		return fmt.Errorf("%s is not set: refit comment needs a token that may write comments on %s", tokenEnv, where)
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
	defer cancel()
	res, err := prcomment.Post(ctx, fg, md, f.tag, b)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%s comment %d on %s (tag %s)", res.Action, res.Comment.ID, where, f.tag)
	if res.Deleted > 0 {
		msg += fmt.Sprintf(", deleted %d earlier", res.Deleted)
	}
	if res.Comment.URL != "" {
		msg += ": " + res.Comment.URL
	}
	_, err = fmt.Fprintln(streams.Out, msg)
	return err
}

// envInt is a number from the CI environment, 0 if unset.
func envInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

func newCommentGitHubCommand(streams IO) *cobra.Command {
	var (
		f    commentFlags
		repo string
		pr   int
	)
	cmd := &cobra.Command{
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.post(cmd, streams, "GITHUB_TOKEN", func(o prcomment.Options) (prcomment.Forge, string, error) {
				if repo == "" {
					return nil, "", fmt.Errorf("--repo is required (or GITHUB_REPOSITORY)")
				}
				g, err := prcomment.NewGitHub(o, repo, pr)
				return g, fmt.Sprintf("%s#%d", repo, pr), err
			}, "GITHUB_API_URL")
		},
	}
	f.register(cmd, "github-api-url", "GITHUB_API_URL", prcomment.DefaultGitHubAPI)
	cmd.Flags().StringVar(&repo, "repo", os.Getenv("GITHUB_REPOSITORY"), "the repository, OWNER/NAME (default $GITHUB_REPOSITORY)")
	cmd.Flags().IntVar(&pr, "pull-request", 0, "the pull request's number")
	return cmd
}

func newCommentGitLabCommand(streams IO) *cobra.Command {
	var (
		f       commentFlags
		project string
		mr      int
	)
	cmd := &cobra.Command{
		Use:   "gitlab --project ID|PATH --merge-request IID --path FILE",
		Short: "Comment on a GitLab merge request (token from GITLAB_TOKEN)",
		Long: `Comment on a GitLab merge request, one note per --tag, updated in place.

The token comes from GITLAB_TOKEN (a project or personal access token with the
api scope; CI_JOB_TOKEN cannot write notes). The API is --gitlab-api-url, else
CI_API_V4_URL (set in GitLab CI), else https://gitlab.com/api/v4. --project
defaults to CI_PROJECT_ID and --merge-request to CI_MERGE_REQUEST_IID.`,
		Example: `  refit comment gitlab --project acme/shop --merge-request 7 --path diff.json --tag prod`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.post(cmd, streams, "GITLAB_TOKEN", func(o prcomment.Options) (prcomment.Forge, string, error) {
				if project == "" {
					return nil, "", fmt.Errorf("--project is required (or CI_PROJECT_ID)")
				}
				g, err := prcomment.NewGitLab(o, project, mr)
				return g, fmt.Sprintf("%s!%d", project, mr), err
			}, "CI_API_V4_URL")
		},
	}
	f.register(cmd, "gitlab-api-url", "CI_API_V4_URL", prcomment.DefaultGitLabAPI)
	cmd.Flags().StringVar(&project, "project", os.Getenv("CI_PROJECT_ID"), "the project's ID or path, group/name (default $CI_PROJECT_ID)")
	cmd.Flags().IntVar(&mr, "merge-request", envInt("CI_MERGE_REQUEST_IID"), "the merge request's IID (default $CI_MERGE_REQUEST_IID)")
	return cmd
}
