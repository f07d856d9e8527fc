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
		Long: `refit prices from an embedded catalog of public AWS list prices (EC2 on-demand
Linux, spot savings estimates, EBS, NAT gateways, load balancers, EKS, Fargate,
public IPv4, Route 53, RDS, data transfer). Every row names its source and date;
see internal/pricing/data/SOURCES.md.`,
	}
	cmd.AddCommand(newPricesShowCommand(streams), newPricesListCommand(streams), newPricesUpdateCommand(streams), newPricesCoverageCommand(streams))
	return cmd
}

func newPricesShowCommand(streams IO) *cobra.Command {
	var region, pricesDir string
	cmd := &cobra.Command{
		Use:   "show TYPE|SERVICE[/ITEM]",
		Short: "Show the price of an instance type or a service in a region",
		Example: `  refit prices show t3.small --region us-east-1
  refit prices show nat_gateway --region eu-west-1
  refit prices show elb_application/lcu_hour -o json`,
		Args: cobra.ExactArgs(1),
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
		Example: `  refit prices list --region us-east-2
  refit prices list --service fargate
  refit prices list --instances --family t3 --region eu-west-1`,
		Args: cobra.NoArgs,
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
		Long: `Rebuild refit's price CSVs from AWS Price List bulk offer files (the JSON
files under https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/, for
example AmazonEC2/current/us-east-1/index.json), read from a directory
(--from) or downloaded (--fetch). Files are streamed, so multi-gigabyte offers
need little memory.

--fetch downloads, with no credentials, each service's region index
(/offers/v1.0/aws/SERVICE/current/region_index.json) and the current offer file
of each region it lists, narrowed by --services and --regions, into --cache.
An offer file downloaded and verified before is not fetched again, so an
interrupted fetch resumes. Each request is retried with backoff after a 5xx
answer, a network error, a timeout or a truncated body.

The new catalog is the current one (the catalog in the --to directory, or the
embedded one) with the offers' prices merged in: every price not in the offers
keeps its value. Every price read must be a number, not negative, and under a
limit per unit (see docs/pricing.md), or the update fails naming the offer
file, SKU and value. The catalog is built beside the --to directory and
renamed into place whole, so it is never half old, half new, and on any error
the old one is left as it was. With no --to, the catalog goes to refit's
config directory and every command uses it from then on (remove the directory
to go back to the embedded one); with --to, use it with --prices CATALOG_DIR.`,
		Example: `  refit prices update --fetch --services AWSELB,AmazonEKS --regions us-east-2 --to ./prices
  refit prices update --fetch
  curl -sO https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEKS/current/index.json
  refit prices update --from ./offers --to ./prices
  refit cost cluster.yaml --prices ./prices`,
		Args: cobra.NoArgs,
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
