package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/report"
)

func newPricesCoverageCommand(streams IO) *cobra.Command {
	var (
		pricesDir string
		regions   []string
	)
	cmd := &cobra.Command{
		Use:   "coverage",
		Short: "Show which services the catalog prices in which region (the rest is estimated)",
		Args:  cobra.NoArgs,
	}
	out := outputFlag(cmd, report.Markdown, report.Markdown, report.JSON, report.YAML)
	cmd.RunE = out.run(func(_ *cobra.Command, _ []string, f report.Format) error {
		cat, err := pricing.OpenChecked(pricesDir, regions...)
		if err != nil {
			return err
		}
		if len(regions) == 0 {
			regions = cat.CommercialRegions()
		}
		return report.WriteCoverage(streams.Out, cat, regions, f)
	})
	cmd.Flags().StringVar(&pricesDir, "prices", "", "directory of price CSVs to use instead of the embedded catalog")
	cmd.Flags().StringSliceVar(&regions, "region", nil, "only these regions (default: every commercial region)")
	return cmd
}
