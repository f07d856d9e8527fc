package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/examples"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/source"
)

// estimateFlags are the pricing and input flags of cost, cost diff, plan
// and waste.
type estimateFlags struct {
	cost.Settings
	source.Flags
}

func (f *estimateFlags) register(cmd *cobra.Command) {
	f.Settings.AddFlags(cmd.Flags())
	f.Flags.AddFlags(cmd.Flags())
}

// inputs are the files of paths (with example, the bundled examples they
// name) to read as the flags say, and the live sources of live (nil: none).
func (f *estimateFlags) inputs(cmd *cobra.Command, paths []string, example bool, live *liveFlags, streams IO) source.Inputs {
	in := f.Flags.Inputs(paths, example, streams.In, streams.ErrOut)
	if live != nil {
		in.Live = live.options(cmd)
	}
	return in
}

func newCostCommand(streams IO) *cobra.Command {
	var (
		flags    estimateFlags
		example  bool
		failOver string
		live     liveFlags
		by       string
	)
	cmd := &cobra.Command{
		Use:     "cost [PATH...] | --example [NAME]",
		Short:   "Explain the monthly AWS cost of a cluster, component by component",
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
		in := flags.inputs(cmd, args, example, &live, streams)
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
	flags.register(cmd)
	cmd.Flags().BoolVar(&example, "example", false, "price a bundled example instead of files: the argument names it ("+strings.Join(examples.Names(), ", ")+"; default kops-before)")
	cmd.Flags().StringVar(&failOver, "fail-over", "", "exit with code 1 when the monthly total is over this many dollars")
	cmd.Flags().StringVar(&by, "by", "", "with a live cluster: allocate the nodes' cost to namespace, workload or label:KEY (idle shown as __idle__)")
	live.register(cmd)
	cmd.AddCommand(newCostDiffCommand(streams))
	return cmd
}

func newCostDiffCommand(streams IO) *cobra.Command {
	var (
		flags          estimateFlags
		example        bool
		failOnIncrease string
	)
	cmd := &cobra.Command{
		Use:     "diff BEFORE AFTER | --example",
		Short:   "Show what a change does to the monthly cost, per component and resource",
	}
	out := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML, report.Markdown)
	cmd.RunE = out.run(func(cmd *cobra.Command, args []string, f report.Format) error {
		if example && len(args) == 0 {
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
			if sides[i], err = breakdownOf(args[i], example, cat, opt, flags.inputs(cmd, args[i:i+1], example, nil, streams)); err != nil {
				return err
			}
		}
		d := cost.Compare(sides[0], sides[1])
		if err := report.WriteDiff(streams.Out, d, sides[0], sides[1], f); err != nil {
			return err
		}
		return threshold(d.IncreaseOver(failOnIncrease))
	})
	flags.register(cmd)
	cmd.Flags().BoolVar(&example, "example", false, "BEFORE and AFTER name bundled examples (default: kops-before eks-after)")
	cmd.Flags().StringVar(&failOnIncrease, "fail-on-increase", "", "exit with code 1 when the monthly cost rises by more than this many dollars, or percent with a % suffix")
	return cmd
}

// breakdownOf prices a path (with example, the bundled example it names),
// or reads a saved `refit cost -o json` report.
func breakdownOf(path string, example bool, cat *pricing.Catalog, opt cost.Options, in source.Inputs) (*cost.Breakdown, error) {
	if !example {
		if b, ok, err := report.ReadCostFile(path); ok {
			return b, err
		}
	}
	e, err := in.LoadFiles()
	if err != nil {
		return nil, err
	}
	return cost.Estimate(e, cat, opt)
}
