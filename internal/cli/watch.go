package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/watch"
	"github.com/refit-dev/refit/internal/web"
)

func newWatchCommand(streams IO) *cobra.Command {
	var configPath string
	var once, checkConfig, dashboard bool
	var token string
	cmd := &cobra.Command{
		Use:   "watch --config FILE",
		Short: "Tell Slack what the cluster costs each day, and when something goes wrong",
		Long: `watch runs the checks of a config file on their schedules until stopped
(SIGTERM or SIGINT): the daily spend report of the latest complete day in the
billing exports, budgets crossed or forecast to be, cost anomalies, HTTP probes
and node churn; each alert is posted to a Slack webhook once. State (the alert
outbox) is kept in a SQLite file; metrics are served on listen (default
127.0.0.1:9464: /metrics, /healthz, /readyz). See docs/watch.md.

--once runs every check one time, sends what they raised and exits (for cron
and CI); --check-config only validates the config.

Exit codes: 0 ok, 2 bad config, a check failed, or an alert still pending.`,
		Example: "  refit watch --config watch.yaml\n  refit watch --config watch.yaml --once\n  refit watch --config watch.yaml --check-config",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath == "" {
				return fmt.Errorf("--config: give the watch config file (see docs/watch.md)")
			}
			cfg, err := watch.LoadConfig(configPath)
			if err != nil {
				return err
			}
			if checkConfig {
				fmt.Fprintf(streams.Out, "%s: ok\n", configPath)
				return nil
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			log := slog.New(slog.NewTextHandler(streams.ErrOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
			opt := watch.Options{Log: log}
			if dashboard {
				if token == "" {
					token = os.Getenv(web.TokenEnv)
				}
				if once || cfg.Listen == "off" {
					return fmt.Errorf("--dashboard serves the pages on listen while watch runs: not with --once or listen: off")
				}
				if err := web.CheckListen(cfg.Listen, token); err != nil {
					return err
				}
				dash := web.NewDashboard(token, version)
				opt.Pages = dash
				opt.Dashboard = func(ctx context.Context, in watch.DashboardInputs) error {
					return dash.Refresh(ctx, in.Bill, in.Period, in.Cluster, in.Breakdown)
				}
			}
			d, err := watch.New(ctx, cfg, opt)
			if err != nil {
				return err
			}
			defer d.Close()
			if once {
				return d.Once(ctx)
			}
			return d.Run(ctx)
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "the watch config file (YAML)")
	cmd.Flags().BoolVar(&once, "once", false, "run every check once, send the alerts and exit")
	cmd.Flags().BoolVar(&checkConfig, "check-config", false, "validate the config and exit")
	cmd.Flags().BoolVar(&dashboard, "dashboard", false, "serve refit serve's pages on listen too: Spend of the bill and Cluster of the cluster, refreshed at each read (see docs/dashboard.md)")
	cmd.Flags().StringVar(&token, "token", "", "with --dashboard: token every page request must carry, required beyond loopback (default: $"+web.TokenEnv+"; /metrics, /healthz and /readyz stay open)")
	return cmd
}
