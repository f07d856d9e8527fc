package watch

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/pflag"
)

// Flags are refit watch's flags.
type Flags struct {
	Config            string
	Once, CheckConfig bool
}

// AddFlags registers --config, --once and --check-config.
func (f *Flags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.Config, "config", "", "the watch config file (YAML)")
	fl.BoolVar(&f.Once, "once", false, "run every check once, send the alerts and exit")
	fl.BoolVar(&f.CheckConfig, "check-config", false, "validate the config and exit")
}

// Run is refit watch: it loads the config and, with CheckConfig, says on
// out that it is valid; else it runs the daemon (once, with Once) until ctx
// is done, logging to errOut. setup, when set, sees the config and may add
// to the daemon's options before it starts (refit watch --dashboard).
func (f *Flags) Run(ctx context.Context, out, errOut io.Writer, setup func(*Config, *Options) error) error {
	if f.Config == "" {
		return fmt.Errorf("--config: give the watch config file (see docs/watch.md)")
	}
	cfg, err := LoadConfig(f.Config)
	if err != nil {
		return err
	}
	if f.CheckConfig {
		fmt.Fprintf(out, "%s: ok\n", f.Config)
		return nil
	}
	opt := Options{Log: slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	if setup != nil {
		if err := setup(cfg, &opt); err != nil {
			return err
		}
	}
	d, err := New(ctx, cfg, opt)
	if err != nil {
		return err
	}
	defer d.Close()
	if f.Once {
		return d.Once(ctx)
	}
	return d.Run(ctx)
}
