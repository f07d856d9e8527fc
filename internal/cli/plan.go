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
		Use:   "plan [PATH...] | --example [NAME]",
		Short: "Price alternative cluster designs for your workloads and write the winner's eksctl config",
		Long: `Price every sensible design for the workloads you really run, side by side
with what you run today: EKS with on-demand or spot managed nodes, Fargate for
the pods that may run there, fewer kops masters, today's platform tuned (gp3,
right-sized roots, one NAT gateway, shared ALBs), NAT per zone vs one vs none,
VPC endpoints.

Nodes are chosen by bin packing the pods' requests (plus DaemonSets and the
pods EKS adds) over every instance type of the region, on the capacity the EKS
AMI leaves allocatable, with the headroom you ask for. Each plan shows its gap
to a lower bound that no mix of instance types can beat.

The recommended scenario is the cheapest that meets the constraints.
--write-eksctl writes its eksctl ClusterConfig (or --scenario's).`,
		Example: `  # The founding story: from kops to EKS
  refit plan --example --explain

  # Your cluster, with arm64 images allowed, and the config for the winner
  refit plan cluster.yaml k8s/ --arch amd64,arm64 --write-eksctl eks.yaml

  # Only on-demand, 3 nodes at least, 30% headroom, as JSON
  refit plan cluster.yaml k8s/ --no-spot --min-nodes 3 --headroom 30% -o json`,
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
