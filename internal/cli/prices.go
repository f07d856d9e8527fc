package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/report"
)

func newPricesShowCommand(streams IO) *cobra.Command {
	var f pricing.ReadFlags
	cmd := &cobra.Command{
		Use:   "show TYPE|SERVICE[/ITEM]",
		Short: "Show the price of an instance type or a service in a region",
		Args:  cobra.ExactArgs(1),
	}
	out := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML)
	cmd.RunE = out.run(func(_ *cobra.Command, args []string, format report.Format) error {
		cat, err := f.Open()
		if err != nil {
			return err
		}
		return report.WritePriceShow(streams.Out, cat, args[0], f.Region, format)
	})
	f.AddFlags(cmd.Flags(), cost.DefaultRegion)
	return cmd
}

func newPricesListCommand(streams IO) *cobra.Command {
	var f pricing.ReadFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List service prices, or instance types with prices, in a region",
		Args:  cobra.NoArgs,
	}
	out := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML)
	cmd.RunE = out.run(func(_ *cobra.Command, _ []string, format report.Format) error {
		cat, err := f.Open()
		if err != nil {
			return err
		}
		if !f.Instances {
			return report.WritePrices(streams.Out, cat.ServicePrices(f.Service, f.Region), format)
		}
		return report.WriteInstances(streams.Out, cat, f.Region, f.Family, format)
	})
	f.AddFlags(cmd.Flags(), cost.DefaultRegion)
	f.AddListFlags(cmd.Flags())
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
