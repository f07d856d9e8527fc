package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/source"
)

func newCostCommand(streams IO) *cobra.Command {
	var (
		flags    estimateFlags
		failOver string
		by       string
	)
	cmd := &cobra.Command{
		Use:   "cost [PATH...] | --example [NAME]",
		Short: "Explain the monthly AWS cost of a cluster, component by component",
	}
	out := outputFlag(cmd, report.Table, report.Table, report.Wide, report.JSON, report.YAML, report.Markdown)
	cmd.RunE = out.run(func(cmd *cobra.Command, args []string, f report.Format) error {
		limit, err := cost.ParseLimit(failOver, "500")
		if err != nil {
			return err
		}
		cat, opt, err := flags.Open()
		if err != nil {
			return err
		}
		in := flags.inputs(cmd, args, streams)
		if by != "" && !in.Live.Active() {
			return fmt.Errorf("--by allocates a live cluster's nodes to its pods: give --kubeconfig or --context")
		}
		e, cluster, err := load(cmd, in)
		if err != nil {
			return err
		}
		b, err := cost.Estimate(e, cat, opt)
		if err != nil {
			return err
		}
		if err := report.WriteCostBy(streams.Out, b, cluster, by, f); err != nil {
			return err
		}
		return threshold(limit.Over("monthly cost", b.Total()), nil)
	})
	flags.register(cmd, exampleHelp("price"), true)
	cmd.Flags().StringVar(&failOver, "fail-over", "", "exit with code 1 when the monthly total is over this many dollars")
	cmd.Flags().StringVar(&by, "by", "", "with a live cluster: allocate the nodes' cost to namespace, workload or label:KEY (idle shown as __idle__)")
	cmd.AddCommand(newCostDiffCommand(streams))
	return cmd
}

func newCostDiffCommand(streams IO) *cobra.Command {
	var (
		flags          estimateFlags
		failOnIncrease string
	)
	cmd := &cobra.Command{
		Use:   "diff BEFORE AFTER | --example",
		Short: "Show what a change does to the monthly cost, per component and resource",
	}
	out := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML, report.Markdown)
	cmd.RunE = out.run(func(cmd *cobra.Command, args []string, f report.Format) error {
		if flags.example && len(args) == 0 {
			args = []string{"kops-before", "eks-after"}
		}
		if len(args) != 2 {
			return fmt.Errorf("want BEFORE and AFTER, got %d argument(s)", len(args))
		}
		cat, opt, err := flags.Open()
		if err != nil {
			return err
		}
		var sides [2]*cost.Breakdown
		for i := range sides {
			if sides[i], err = breakdownOf(flags.inputs(cmd, args[i:i+1], streams), cat, opt); err != nil {
				return err
			}
		}
		d := cost.Compare(sides[0], sides[1])
		if err := report.WriteDiff(streams.Out, d, sides[0], sides[1], f); err != nil {
			return err
		}
		return threshold(d.IncreaseOver(failOnIncrease))
	})
	flags.register(cmd, "BEFORE and AFTER name bundled examples (default: kops-before eks-after)", false)
	cmd.Flags().StringVar(&failOnIncrease, "fail-on-increase", "", "exit with code 1 when the monthly cost rises by more than this many dollars, or percent with a % suffix")
	return cmd
}

// breakdownOf prices the one path of in (with Example, the bundled
// example it names), or reads a saved `refit cost -o json` report.
func breakdownOf(in source.Inputs, cat *pricing.Catalog, opt cost.Options) (*cost.Breakdown, error) {
	if !in.Example {
		if b, ok, err := report.ReadCostFile(in.Paths[0]); ok {
			return b, err
		}
	}
	e, err := in.LoadFiles()
	if err != nil {
		return nil, err
	}
	return cost.Estimate(e, cat, opt)
}
