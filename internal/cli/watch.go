package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/watch"
	"github.com/refit-dev/refit/internal/web"
)

func newWatchCommand(streams IO) *cobra.Command {
	var f watch.Flags
	var dashboard bool
	var token string
	cmd := &cobra.Command{
		Use:     "watch --config FILE",
		Short:   "Tell Slack what the cluster costs each day, and when something goes wrong",
		Long:    helpLong("watch"),
		Example: helpExample("watch"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return f.Run(ctx, streams.Out, streams.ErrOut, func(cfg *watch.Config, opt *watch.Options) error {
				if !dashboard {
					return nil
				}
				if token == "" {
					token = os.Getenv(web.TokenEnv)
				}
				if f.Once || cfg.Listen == "off" {
					return fmt.Errorf("--dashboard serves the pages on listen while watch runs: not with --once or listen: off")
				}
				if err := web.CheckListen(cfg.Listen, token); err != nil {
					return err
				}
				// watch and web are peers: the pages are a handler watch
				// serves, refreshed by what its checks read.
				dash := web.NewDashboard(token, version)
				opt.Pages = dash
				opt.Dashboard = func(ctx context.Context, in watch.DashboardInputs) error {
					return dash.Refresh(ctx, in.Bill, in.Period, in.Cluster, in.Breakdown)
				}
				return nil
			})
		},
	}
	f.AddFlags(cmd.Flags())
	cmd.Flags().BoolVar(&dashboard, "dashboard", false, "serve refit serve's pages on listen too: Spend of the bill and Cluster of the cluster, refreshed at each read (see docs/dashboard.md)")
	cmd.Flags().StringVar(&token, "token", "", "with --dashboard: token every page request must carry, required beyond loopback (default: $"+web.TokenEnv+"; /metrics, /healthz and /readyz stay open)")
	return cmd
}
