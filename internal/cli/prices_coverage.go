package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/report"
)

// coverageView is one region of `refit prices coverage -o json`.
type coverageView struct {
	Region string `json:"region"`
	// Missing lists the service items ("service item") the catalog lacks in
	// the region: refit estimates them from the nearest region.
	Missing []string `json:"missing"`
	// EstimatedFrom is the region the first missing item would be
	// estimated from, per item.
	EstimatedFrom map[string]string `json:"estimatedFrom,omitempty"`
}

func newPricesCoverageCommand(streams IO) *cobra.Command {
	var (
		pricesDir string
		regions   []string
		format    func() (report.Format, error)
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := format()
			if err != nil {
				return err
			}
			cat, _, err := loadCatalog(pricesDir)
			if err != nil {
				return err
			}
			if len(regions) == 0 {
				regions = cat.CommercialRegions()
			}
			for _, r := range regions {
				if err := cat.CheckRegion(r); err != nil {
					return fmt.Errorf("--region: %w", err)
				}
			}
			if f == report.Markdown {
				return cat.WriteCoverage(streams.Out, regions)
			}
			views := make([]coverageView, 0, len(regions))
			for _, r := range regions {
				v := coverageView{Region: r, Missing: cat.Missing(r)}
				if v.Missing == nil {
					v.Missing = []string{}
				}
				for _, m := range v.Missing {
					service, item, _ := strings.Cut(m, " ")
					p, err := cat.Estimated(r, func(region string) (pricing.Price, error) { return cat.Service(service, item, region) })
					if err == nil && p.EstimatedFrom != "" {
						if v.EstimatedFrom == nil {
							v.EstimatedFrom = map[string]string{}
						}
						v.EstimatedFrom[m] = p.EstimatedFrom
					}
				}
				views = append(views, v)
			}
			if f == report.YAML {
				return report.WriteYAML(streams.Out, views)
			}
			return report.WriteJSON(streams.Out, views)
		},
	}
	cmd.Flags().StringVar(&pricesDir, "prices", "", "directory of price CSVs to use instead of the embedded catalog")
	cmd.Flags().StringSliceVar(&regions, "region", nil, "only these regions (default: every commercial region)")
	format = outputFlag(cmd, report.Markdown, report.Markdown, report.JSON, report.YAML)
	return cmd
}
