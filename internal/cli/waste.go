package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/examples"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/waste"
)

func newWasteCommand(streams IO) *cobra.Command {
	var (
		flags    estimateFlags
		live     liveFlags
		example  bool
		failOver string
		opt      waste.Options
	)
	cmd := &cobra.Command{
		Use:   "waste [PATH...] | --example [NAME]",
		Short: "Find resources that cost money and serve nothing, and what each fix saves",
		Long: `Find what costs money and serves nothing, or costs more than it needs to:
unattached volumes, idle Elastic IPs, gp2 volumes, oversized root volumes, EKS
clusters in extended support, spare NAT gateways, unmounted claims, Classic ELBs;
with --aws also idle load balancers, old snapshots, idle Beanstalk environments
and stopped instances; with --kubeconfig also idle node capacity and claims no
running pod mounts.

Inputs are read as by refit cost. Each saving is priced with the cost engine
in the input's region, and each finding says how sure it is (high, medium,
low), why, and the exact command or change that fixes it.

refit never deletes or changes anything itself: it prints the fixes, and you
review and apply them.

Rules:
` + waste.RuleList(),
		Example: `  # The founding story's kops cluster, bundled with refit
  refit waste --example

  # Your cluster config and manifests, as JSON
  refit waste cluster.yaml k8s/ -o json

  # A live cluster: nodes whose pods request under 20% of cpu and memory
  refit waste --kubeconfig ~/.kube/config --idle-threshold 20

  # In CI: fail when more than $100 a month is wasted
  terraform show -json plan.out | refit waste - --fail-over 100`,
	}
	out := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML, report.Markdown)
	cmd.RunE = out.run(func(cmd *cobra.Command, args []string, f report.Format) error {
		limit, err := cost.ParseLimit(failOver, "100")
		if err != nil {
			return err
		}
		if err := opt.CheckThresholds(); err != nil {
			return err
		}
		cat, copt, err := flags.Open()
		if err != nil {
			return err
		}
		e, _, err := load(cmd, flags.inputs(cmd, args, example, &live, streams))
		if err != nil {
			return err
		}
		opt.Cost = copt
		found, err := waste.Check(e, cat, opt)
		if err != nil {
			return err
		}
		found.Assumptions, found.Unread = e.Assumptions, e.Unread
		if err := report.WriteWasteResult(streams.Out, waste.Region(e, opt), found, f); err != nil {
			return err
		}
		return threshold(limit.Over("monthly saving", waste.Total(found.Findings)), nil)
	})
	flags.register(cmd)
	live.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&example, "example", false, "check a bundled example instead of files: the argument names it ("+strings.Join(examples.Names(), ", ")+"; default kops-before)")
	cmd.Flags().StringVar(&failOver, "fail-over", "", "exit with code 1 when the total monthly saving found is over this many dollars")
	fl.Float64Var(&opt.MinRootVolumeGiB, "min-root-volume", waste.DefaultMinRootVolumeGiB, "root volumes larger than this many GiB are reported as oversized")
	fl.IntVar(&opt.IdleThresholdPercent, "idle-threshold", waste.DefaultIdleThresholdPercent, "with --kubeconfig: nodes whose pods request less than this percent of both cpu and memory are idle")
	return cmd
}
