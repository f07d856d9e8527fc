package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/plan"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/rightsize"
)

func newPlanCommand(streams IO) *cobra.Command {
	var (
		flags        estimateFlags
		example      bool
		design       plan.Flags
		writeEksctl  string
		scenarioName string
		explain      bool
		live         liveFlags
		usageURL     string
	)
	cmd := &cobra.Command{
		Use:     "plan [PATH...] | --example [NAME]",
		Short:   "Price alternative cluster designs for your workloads and write the winner's eksctl config",
		Long:    helpLong("plan"),
		Example: helpExample("plan"),
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
		in := flags.inputs(cmd, args, example, &live, streams)
		if in.Live.AWS && in.Live.Kube {
			return errPlanBoth
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
		res.AddAssumptions(e.Assumptions)
		if writeEksctl != "" {
			if err := res.WriteEksctl(writeEksctl, scenarioName, streams.Out, streams.ErrOut); err != nil || writeEksctl == "-" {
				return err
			}
		}
		return report.WritePlan(streams.Out, res, f, explain)
	})
	flags.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&example, "example", false, "plan a bundled example instead of files (kops-before when no name is given)")
	design.AddFlags(fl)
	fl.StringVar(&writeEksctl, "write-eksctl", "", "write the recommended (or --scenario) design as an eksctl ClusterConfig to FILE (- for stdout)")
	fl.StringVar(&scenarioName, "scenario", "", "the scenario --write-eksctl writes (default: the recommended one)")
	fl.BoolVar(&explain, "explain", false, "say why each choice won, for every scenario")
	fl.StringVar(&usageURL, "usage-from-prometheus", "", "plan with the requests refit rightsize recommends from this Prometheus (7 days, p95 CPU, peak memory +15%) instead of the declared ones")
	live.register(cmd)
	return cmd
}

// errPlanBoth refuses to plan from an account and a cluster in it together:
// plan reads today's node groups from one of them, and both list the same
// nodes.
var errPlanBoth = errors.New("refit plan takes --aws or --kubeconfig, not both (both list the same nodes): " +
	"use --kubeconfig to plan from the cluster's workloads, or --aws to plan from the account's node groups")
