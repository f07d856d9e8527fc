package cli

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/web"
)

// dashFlags are the inputs of refit serve and refit report --html.
type dashFlags struct {
	flags   estimateFlags
	live    liveFlags
	example bool
	bill    []string
	to      string
}

func (d *dashFlags) register(cmd *cobra.Command) {
	d.flags.register(cmd)
	d.live.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&d.example, "example", false, "show the bundled story: the kops-before cluster planned and checked, a generated month of the EKS account's bill against the eks-after estimate, the manifests checked at 1.33")
	fl.StringSliceVar(&d.bill, "bill", nil, "billing exports to show (as refit bill reads them: files, directories, globs, s3://)")
	fl.StringVar(&d.to, "to", "", "check the inputs' manifests with refit migrate at this Kubernetes version (default with --example: 1.33)")
}

// data computes every page as the commands do with their default flags.
func (d *dashFlags) data(cmd *cobra.Command, args []string, streams IO) (*web.Data, error) {
	ctx, cancel := netContext(cmd)
	defer cancel()
	return web.Open(ctx, web.Inputs{Cost: d.flags.Settings, Files: d.flags.inputs(cmd, args, d.example, &d.live, streams),
		Bill: d.bill, MigrateTo: d.to, Log: streams.ErrOut})
}

func newServeCommand(streams IO) *cobra.Command {
	var (
		d      dashFlags
		listen string
		token  string
	)
	cmd := &cobra.Command{
		Use:     "serve [PATH...] [--bill PATH] [--example]",
		Short:   "Serve a read-only dashboard: spend, estimate vs bill, plan, migration and waste as charts and tables",
		Long:    helpLong("serve"),
		Example: helpExample("serve"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if token == "" {
				token = os.Getenv(web.TokenEnv)
			}
			if err := web.CheckListen(listen, token); err != nil {
				return err
			}
			data, err := d.data(cmd, args, streams)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return web.Serve(ctx, listen, web.Handler(data, token, version), streams.ErrOut)
		},
	}
	d.register(cmd)
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8080", "address to listen on; beyond loopback --token is required")
	cmd.Flags().StringVar(&token, "token", "", "token every request must carry (default: $"+web.TokenEnv+")")
	return cmd
}

func newReportCommand(streams IO) *cobra.Command {
	var (
		d    dashFlags
		html string
	)
	cmd := &cobra.Command{
		Use:     "report --html FILE [PATH...] [--bill PATH] [--example]",
		Short:   "Write the dashboard's pages as one self-contained HTML file (opens offline)",
		Long:    helpLong("report"),
		Example: helpExample("report"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if html == "" {
				return fmt.Errorf("--html FILE is required")
			}
			data, err := d.data(cmd, args, streams)
			if err != nil {
				return err
			}
			if err := web.WriteHTMLFile(html, data, version); err != nil {
				return err
			}
			fmt.Fprintf(streams.ErrOut, "wrote %s\n", html)
			return nil
		},
	}
	d.register(cmd)
	cmd.Flags().StringVar(&html, "html", "", "write the report to this HTML file")
	return cmd
}
