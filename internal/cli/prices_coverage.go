package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/report"
)

func newPricesCoverageCommand(streams IO) *cobra.Command {
	var f pricing.ReadFlags
	cmd := &cobra.Command{
		Use:   "coverage",
		Short: "Show which services the catalog prices in which region (the rest is estimated)",
		Args:  cobra.NoArgs,
	}
	out := outputFlag(cmd, report.Markdown, report.Markdown, report.JSON, report.YAML)
	cmd.RunE = out.run(func(_ *cobra.Command, _ []string, format report.Format) error {
		cat, err := f.Open()
		if err != nil {
			return err
		}
		if len(f.Regions) == 0 {
			f.Regions = cat.CommercialRegions()
		}
		return report.WriteCoverage(streams.Out, cat, f.Regions, format)
	})
	f.AddCoverageFlags(cmd.Flags())
	return cmd
}
