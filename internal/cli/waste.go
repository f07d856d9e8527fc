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
		Use:     "waste [PATH...] | --example [NAME]",
		Short:   "Find resources that cost money and serve nothing, and what each fix saves",
		Long:    helpLong("waste") + "\n" + waste.RuleList(),
		Example: helpExample("waste"),
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
