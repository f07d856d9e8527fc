package cli

import (
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/watch"
)

func newWatchCommand(streams IO) *cobra.Command {
	var f watch.Flags
	cmd := &cobra.Command{
		Use:     "watch --config FILE",
		Short:   "Tell Slack what the cluster costs each day, and when something goes wrong",
		Long:    helpLong("watch"),
		Example: helpExample("watch"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return f.Run(ctx, streams.Out, streams.ErrOut)
		},
	}
	f.AddFlags(cmd.Flags())
	return cmd
}
