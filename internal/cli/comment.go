package cli

import (
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

// commentCommand adds the forge's flags to cmd and runs it.
func commentCommand(cmd *cobra.Command, streams IO, f *prcomment.Flags) *cobra.Command {
	f.AddFlags(cmd.Flags())
	_ = cmd.MarkFlagRequired("path")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return f.Run(cmd.Context(), streams.In, streams.Out, "refit/"+version)
	}
	return cmd
}

func newCommentGitHubCommand(streams IO) *cobra.Command {
	return commentCommand(&cobra.Command{
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
	}, streams, prcomment.GitHubFlags())
}

func newCommentGitLabCommand(streams IO) *cobra.Command {
	return commentCommand(&cobra.Command{
		Use:   "gitlab --project ID|PATH --merge-request IID --path FILE",
		Short: "Comment on a GitLab merge request (token from GITLAB_TOKEN)",
		Long: `Comment on a GitLab merge request, one note per --tag, updated in place.

The token comes from GITLAB_TOKEN (a project or personal access token with the
api scope; CI_JOB_TOKEN cannot write notes). The API is --gitlab-api-url, else
CI_API_V4_URL (set in GitLab CI), else https://gitlab.com/api/v4. --project
defaults to CI_PROJECT_ID and --merge-request to CI_MERGE_REQUEST_IID.`,
		Example: `  refit comment gitlab --project acme/shop --merge-request 7 --path diff.json --tag prod`,
		Args:    cobra.NoArgs,
	}, streams, prcomment.GitLabFlags())
}
