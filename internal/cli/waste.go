package cli

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/examples"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/waste"
)

func newWasteCommand(streams IO) *cobra.Command {
	var (
		flags    estimateFlags
		live     liveFlags
		example  bool
		failOver string
		minRoot  float64
		idle     int
		format   func() (report.Format, error)
	)
	var rules strings.Builder
	width := 0
	for _, r := range waste.Rules {
		width = max(width, len(r.ID))
	}
	for _, r := range waste.Rules {
		note := ""
		if r.Requires != "" {
			note = " (not checked yet: needs " + r.Requires + ")"
		}
		fmt.Fprintf(&rules, "  %-*s  %s%s\n", width, r.ID, r.Title, note)
	}
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
` + rules.String(),
		Example: `  # The founding story's kops cluster, bundled with refit
  refit waste --example

  # Your cluster config and manifests, as JSON
  refit waste cluster.yaml k8s/ -o json

  # A live cluster: nodes whose pods request under 20% of cpu and memory
  refit waste --kubeconfig ~/.kube/config --idle-threshold 20

  # In CI: fail when more than $100 a month is wasted
  terraform show -json plan.out | refit waste - --fail-over 100`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := format()
			if err != nil {
				return err
			}
			var limit decimal.Decimal
			if failOver != "" {
				if limit, err = decimal.NewFromString(strings.TrimPrefix(failOver, "$")); err != nil {
					return fmt.Errorf("--fail-over %q: want an amount in dollars, for example 100", failOver)
				}
			}
			if minRoot <= 0 {
				return fmt.Errorf("--min-root-volume %g: want a size in GiB above 0", minRoot)
			}
			if idle <= 0 || idle > 100 {
				return fmt.Errorf("--idle-threshold %d: want a percentage from 1 to 100", idle)
			}
			cat, copt, err := flags.setup()
			if err != nil {
				return err
			}
			e, err := loadAll(cmd, args, example, flags.input, &live, streams)
			if err != nil {
				return err
			}
			opt := waste.Options{Cost: copt, MinRootVolumeGiB: minRoot, IdleThresholdPercent: idle}
			found, err := waste.Check(e, cat, opt)
			if err != nil {
				return err
			}
			found.Assumptions, found.Unread = e.Assumptions, e.Unread
			if err := report.WriteWasteResult(streams.Out, waste.Region(e, opt), found, f); err != nil {
				return err
			}
			if total := waste.Total(found.Findings); failOver != "" && total.GreaterThan(limit) {
				return thresholdError("monthly saving %s is over --fail-over %s", total.StringFixed(2), limit.StringFixed(2))
			}
			return nil
		},
	}
	format = outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML, report.Markdown)
	flags.register(cmd)
	live.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&example, "example", false, "check a bundled example instead of files: the argument names it ("+strings.Join(examples.Names(), ", ")+"; default kops-before)")
	fl.StringVar(&failOver, "fail-over", "", "exit with code 1 when the total monthly saving found is over this many dollars")
	fl.Float64Var(&minRoot, "min-root-volume", waste.DefaultMinRootVolumeGiB, "root volumes larger than this many GiB are reported as oversized")
	fl.IntVar(&idle, "idle-threshold", waste.DefaultIdleThresholdPercent, "with --kubeconfig: nodes whose pods request less than this percent of both cpu and memory are idle")
	return cmd
}
