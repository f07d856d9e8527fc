package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/prcomment"
)

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
		Args:  cobra.NoArgs,
	}, streams, prcomment.GitHubFlags())
}

func newCommentGitLabCommand(streams IO) *cobra.Command {
	return commentCommand(&cobra.Command{
		Use:   "gitlab --project ID|PATH --merge-request IID --path FILE",
		Short: "Comment on a GitLab merge request (token from GITLAB_TOKEN)",
		Args:  cobra.NoArgs,
	}, streams, prcomment.GitLabFlags())
}
