package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/waste"
)

func newWasteCommand(streams IO) *cobra.Command {
	var (
		flags estimateFlags
		wf    waste.Flags
	)
	cmd := &cobra.Command{
		Use:   "waste [PATH...] | --example [NAME]",
		Short: "Find resources that cost money and serve nothing, and what each fix saves",
		Long:  helpLong("waste") + "\n" + waste.RuleList(),
	}
	out := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML, report.Markdown)
	cmd.RunE = out.run(func(cmd *cobra.Command, args []string, f report.Format) error {
		opt, limit, err := wf.Parse()
		if err != nil {
			return err
		}
		cat, copt, err := flags.Open()
		if err != nil {
			return err
		}
		e, _, err := load(cmd, flags.inputs(cmd, args, streams))
		if err != nil {
			return err
		}
		opt.Cost = copt
		found, err := waste.Check(e, cat, opt)
		if err != nil {
			return err
		}
		if err := report.WriteWasteResult(streams.Out, waste.Region(e, opt), found, f); err != nil {
			return err
		}
		return threshold(found.Over(limit), nil)
	})
	flags.register(cmd, exampleHelp("check"), true)
	wf.AddFlags(cmd.Flags())
	return cmd
}
