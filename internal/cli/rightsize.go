package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/rightsize"
)

func newRightsizeCommand(streams IO) *cobra.Command {
	var (
		o     rightsize.Options
		flags estimateFlags
	)
	cmd := &cobra.Command{
		Use:   "rightsize (--prometheus URL | --kubeconfig FILE | --metrics-server-url URL) [PATH...]",
		Short: "Recommend requests from what the pods really used, show what they do to the node bill, write them back",
	}
	out := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML, report.Markdown)
	cmd.RunE = out.run(func(cmd *cobra.Command, args []string, f report.Format) error {
		ctx, cancel := netContext(cmd)
		defer cancel()
		o.KubeTimeout = kubeTimeout(cmd)
		o.Cost, o.Overlay = flags.Settings, flags.Overlay
		return rightsize.Execute(ctx, o, args, f, streams.Out, streams.ErrOut)
	})
	o.AddFlags(cmd.Flags())
	flags.register(cmd, "", false)
	return cmd
}
