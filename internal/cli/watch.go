package cli

import (
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/watch"
	"github.com/refit-dev/refit/internal/web"
)

func newWatchCommand(streams IO) *cobra.Command {
	var (
		f watch.Flags
		d web.WatchFlags
	)
	cmd := &cobra.Command{
		Use:   "watch --config FILE",
		Short: "Tell Slack what the cluster costs each day, and when something goes wrong",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return f.Run(ctx, streams.Out, streams.ErrOut, func(cfg *watch.Config, opt *watch.Options) error {
				dash, err := d.Open(cfg.Listen, f.Once, version)
				if dash != nil { // watch and web are peers: watch serves Pages web makes
					opt.Pages = dash
				}
				return err
			})
		},
	}
	f.AddFlags(cmd.Flags())
	d.AddFlags(cmd.Flags())
	return cmd
}
