package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/plan"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/rightsize"
)

func newPlanCommand(streams IO) *cobra.Command {
	var (
		flags    estimateFlags
		design   plan.Flags
		output   plan.OutputFlags
		usageURL string
	)
	cmd := &cobra.Command{
		Use:   "plan [PATH...] | --example [NAME]",
		Short: "Price alternative cluster designs for your workloads and write the winner's eksctl config",
	}
	out := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML, report.Markdown)
	cmd.RunE = out.run(func(cmd *cobra.Command, args []string, f report.Format) error {
		opt, err := design.Parse()
		if err != nil {
			return err
		}
		cat, copt, err := flags.Open()
		if err != nil {
			return err
		}
		opt.Options = copt // every pricing flag, as cost takes them
		in := flags.inputs(cmd, args, streams)
		if in.Live.AWS && in.Live.Kube {
			return plan.ErrBothSources
		}
		e, _, err := load(cmd, in)
		if err != nil {
			return err
		}
		if usageURL != "" {
			ctx, cancel := netContext(cmd)
			defer cancel()
			if e, err = rightsize.UsageRequests(ctx, usageURL, args, e, streams.ErrOut); err != nil {
				return err
			}
		}
		res, err := plan.Make(e, cat, opt)
		if err != nil {
			return err
		}
		if done, err := output.WriteEksctl(res, streams.Out, streams.ErrOut); err != nil || done {
			return err
		}
		return report.WritePlan(streams.Out, res, f, output.Explain)
	})
	flags.register(cmd, "plan a bundled example instead of files (kops-before when no name is given)", true)
	fl := cmd.Flags()
	design.AddFlags(fl)
	output.AddFlags(fl)
	fl.StringVar(&usageURL, "usage-from-prometheus", "", "plan with the requests refit rightsize recommends from this Prometheus (7 days, p95 CPU, peak memory +15%) instead of the declared ones")
	return cmd
}
