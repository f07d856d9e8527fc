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
		Long: `Show, region by region, whether the catalog has a price for every item refit
models: ✓ all, n/m some, – none. An item the catalog lacks in a region is
estimated from the nearest region of the same geography that has it (see
docs/pricing.md); refit prices update --fetch brings the real price.`,
		Example: `  refit prices coverage                          # every commercial region, as a Markdown table
  refit prices coverage --region us-east-2 -o json   # what is missing there, and where it is estimated from`,
		Args: cobra.NoArgs,
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
