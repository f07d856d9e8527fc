package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/report"
)

func newPricesCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prices",
		Short: "Show and update the price catalog refit uses",
	}
	cmd.AddCommand(newPricesShowCommand(streams), newPricesListCommand(streams), newPricesUpdateCommand(streams), newPricesCoverageCommand(streams))
	return cmd
}

func newPricesShowCommand(streams IO) *cobra.Command {
	var region, pricesDir string
	cmd := &cobra.Command{
		Use:   "show TYPE|SERVICE[/ITEM]",
		Short: "Show the price of an instance type or a service in a region",
		Args:  cobra.ExactArgs(1),
	}
	out := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML)
	cmd.RunE = out.run(func(_ *cobra.Command, args []string, f report.Format) error {
		cat, err := pricing.OpenChecked(pricesDir, region)
		if err != nil {
			return err
		}
		return report.WritePriceShow(streams.Out, cat, args[0], region, f)
	})
	cmd.Flags().StringVar(&region, "region", cost.DefaultRegion, "AWS region")
	cmd.Flags().StringVar(&pricesDir, "prices", "", "directory of price CSVs to use instead of the embedded catalog")
	return cmd
}

func newPricesListCommand(streams IO) *cobra.Command {
	var region, service, family, pricesDir string
	var instances bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List service prices, or instance types with prices, in a region",
		Args:  cobra.NoArgs,
	}
	out := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML)
	cmd.RunE = out.run(func(_ *cobra.Command, _ []string, f report.Format) error {
		cat, err := pricing.OpenChecked(pricesDir, region)
		if err != nil {
			return err
		}
		if !instances {
			return report.WritePrices(streams.Out, cat.ServicePrices(service, region), f)
		}
		return report.WriteInstances(streams.Out, cat, region, family, f)
	})
	cmd.Flags().StringVar(&region, "region", cost.DefaultRegion, "AWS region")
	cmd.Flags().StringVar(&service, "service", "", "only this service (ebs, eks, fargate, nat_gateway, elb_application, ...)")
	cmd.Flags().BoolVar(&instances, "instances", false, "list EC2 instance types with their on-demand prices")
	cmd.Flags().StringVar(&family, "family", "", "with --instances: only this family (t3, m7g, ...)")
	cmd.Flags().StringVar(&pricesDir, "prices", "", "directory of price CSVs to use instead of the embedded catalog")
	return cmd
}

func newPricesUpdateCommand(streams IO) *cobra.Command {
	var f pricing.UpdateFlags
	cmd := &cobra.Command{
		Use:   "update (--from OFFERS_DIR | --fetch) [--to CATALOG_DIR]",
		Short: "Rebuild the price catalog from AWS Price List bulk offer files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sum, err := f.Update(cmd.Context(), cmd.Flags(), streams.ErrOut)
			if err != nil {
				return err
			}
			return report.WriteYAML(streams.Out, sum)
		},
	}
	f.AddFlags(cmd.Flags())
	return cmd
}
