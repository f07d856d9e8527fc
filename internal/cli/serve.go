package cli

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/web"
)

// dashData computes every page of the inputs d gives, as the commands do
// with their default flags (refit serve and refit report --html).
func dashData(cmd *cobra.Command, d *web.Flags, args []string, streams IO) (*web.Data, error) {
	ctx, cancel := netContext(cmd)
	defer cancel()
	return web.Open(ctx, d.Inputs(cmd.Flags(), args, kubeTimeout(cmd), streams.In, streams.ErrOut))
}

func newServeCommand(streams IO) *cobra.Command {
	var (
		d web.Flags
		s web.ServeFlags
	)
	cmd := &cobra.Command{
		Use:   "serve [PATH...] [--bill PATH] [--example]",
		Short: "Serve a read-only dashboard: spend, estimate vs bill, plan, migration and waste as charts and tables",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := s.Check(); err != nil {
				return err
			}
			data, err := dashData(cmd, &d, args, streams)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return s.Serve(ctx, data, version, streams.ErrOut)
		},
	}
	d.AddFlags(cmd.Flags())
	s.AddFlags(cmd.Flags())
	return cmd
}

func newReportCommand(streams IO) *cobra.Command {
	var (
		d web.Flags
		r web.ReportFlags
	)
	cmd := &cobra.Command{
		Use:   "report --html FILE [PATH...] [--bill PATH] [--example]",
		Short: "Write the dashboard's pages as one self-contained HTML file (opens offline)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := r.Check(); err != nil {
				return err
			}
			data, err := dashData(cmd, &d, args, streams)
			if err != nil {
				return err
			}
			return r.Write(data, version, streams.ErrOut)
		},
	}
	d.AddFlags(cmd.Flags())
	r.AddFlags(cmd.Flags())
	return cmd
}
