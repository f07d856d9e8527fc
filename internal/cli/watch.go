package cli

import (
	"fmt"
	"log/slog"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/watch"
)

func newWatchCommand(streams IO) *cobra.Command {
	var configPath string
	var once, checkConfig bool
	cmd := &cobra.Command{
		Use:     "watch --config FILE",
		Short:   "Tell Slack what the cluster costs each day, and when something goes wrong",
		Long:    helpLong("watch"),
		Example: helpExample("watch"),
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
			d, err := watch.New(ctx, cfg, watch.Options{Log: log})
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
	return cmd
}
