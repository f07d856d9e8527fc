package cli

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/web"
)

// dashData computes every page of the inputs d gives, as the commands do
// with their default flags (refit serve and refit report --html).
func dashData(cmd *cobra.Command, d *web.Flags, args []string, streams IO) (*web.Data, error) {
	ctx, cancel := netContext(cmd)
	defer cancel()
	return web.Open(ctx, d.Inputs(cmd.Flags(), args, kubeTimeout(cmd), streams.In, streams.ErrOut))
}

// dashCommand is refit serve or report: the dashboard's input flags and
// out's own; once out's checks pass, run gets the pages.
func dashCommand(cmd *cobra.Command, streams IO, out interface {
	AddFlags(*pflag.FlagSet)
	Check() error
}, run func(*cobra.Command, *web.Data) error) *cobra.Command {
	var d web.Flags
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		data, err := dashData(cmd, &d, args, streams)
		if err != nil {
			return err
		}
		return run(cmd, data)
	}
	d.AddFlags(cmd.Flags())
	out.AddFlags(cmd.Flags())
	return cmd
}

func newServeCommand(streams IO) *cobra.Command {
	var s web.ServeFlags
	return dashCommand(&cobra.Command{
		Use:   "serve [PATH...] [--bill PATH] [--example]",
		Short: "Serve a read-only dashboard: spend, estimate vs bill, plan, migration and waste as charts and tables",
	}, streams, &s, func(cmd *cobra.Command, data *web.Data) error {
		ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return s.Serve(ctx, data, version, streams.ErrOut)
	})
}

func newReportCommand(streams IO) *cobra.Command {
	var r web.ReportFlags
	return dashCommand(&cobra.Command{
		Use:   "report --html FILE [PATH...] [--bill PATH] [--example]",
		Short: "Write the dashboard's pages as one self-contained HTML file (opens offline)",
	}, streams, &r, func(_ *cobra.Command, data *web.Data) error {
		return r.Write(data, version, streams.ErrOut)
	})
}
