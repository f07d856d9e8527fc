package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/billing"
	"github.com/refit-dev/refit/internal/billing/analysis"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/report"
)

// billInputs is the part of each bill command's help about its inputs.
const billInputs = `PATH is a billing export file (legacy CUR CSV, CSV.gz or Parquet; CUR 2.0
Parquet; FOCUS CSV or Parquet: the format is told from the header or
schema), a CUR manifest JSON, a directory, a glob, or s3://bucket/prefix
(the SDK's credential chain, --profile, --s3-region, --endpoint-url). Only the
columns the report needs are read; files are read in parallel (--workers).
--engine athena runs the same report as SQL in Amazon Athena instead
(--athena-table, ...). Costs are unblended unless --cost net|amortized;
--from/--to bound the days. Rows with bad numbers are counted and listed
with file and row; --strict stops at the first.

Exit codes: 0 ok, 1 a threshold you set was crossed, 2 bad usage or input.`

// billFlags are shared by the bill commands.
type billFlags struct {
	billing.Flags
	out *output
}

func (f *billFlags) register(cmd *cobra.Command) {
	f.AddFlags(cmd.Flags())
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		return billing.CheckDeprecated(cmd.Flags(), cmd.ErrOrStderr())
	}
	f.out = parsedOutput(cmd, "table|json|yaml|markdown|csv", report.ParseBillFormat)
}

// billRun is a bill command's RunE after its own checks (before): check -o
// and the period, open the bill, compute the report and write it.
func billRun[T any](f *billFlags, streams IO, before func() error, compute func(b *billing.Bill, ctx context.Context, p billing.Period) (T, error),
	write func(w io.Writer, v T, f report.Format) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if before != nil {
			if err := before(); err != nil {
				return err
			}
		}
		format, err := f.out.format()
		if err != nil {
			return err
		}
		ctx := cmd.Context()
		if f.Network(args) { // --timeout bounds reading Athena or S3
			var cancel context.CancelFunc
			ctx, cancel = netContext(cmd)
			defer cancel()
		}
		b, p, err := f.Open(ctx, args, streams.ErrOut)
		if err != nil {
			return err
		}
		v, err := compute(b, ctx, p)
		if err != nil {
			return err
		}
		return write(streams.Out, v, format)
	}
}

func newBillCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bill",
		Short: "Read AWS billing exports (CUR, CUR 2.0, FOCUS): where the money went, day by day",
		Long: `refit bill reads AWS billing exports — legacy Cost and Usage Reports (CSV,
CSV.gz, Parquet, with their manifests), CUR 2.0 (Parquet) and FOCUS 1.x (CSV,
Parquet) — from local files, directories, globs or s3://bucket/prefix, and
classifies every charge into the components of refit cost (see docs/billing.md).
Sums are exact to the cent; rows with bad numbers are counted and reported with
file and row (--strict stops at the first).`,
	}
	cmd.AddCommand(newBillSummaryCommand(streams), newBillDailyCommand(streams), newBillAnomaliesCommand(streams),
		newBillForecastCommand(streams), newBillVsEstimateCommand(streams))
	return cmd
}

func newBillSummaryCommand(streams IO) *cobra.Command {
	var f billFlags
	var tag string
	var top int
	cmd := &cobra.Command{
		Use:   "summary PATH...",
		Short: "Total, by component, by service, by tag and top resources",
		Long: `The period's total, split by the components of refit cost (EC2 on-demand
and spot, EKS, Fargate, NAT hours and data, EBS, load balancers, public IPv4,
data transfer, ...), by service, by a tag (--tag, for example
kubernetes.io/cluster/NAME or a cost-allocation tag) and the --top resources.

` + billInputs,
		Example: `  refit bill summary --example
  refit bill summary s3://my-cur-bucket/cur/ --s3-region us-east-1 --tag kubernetes.io/cluster/prod
  refit bill summary cur/*.parquet --cost amortized -o json`,
		RunE: billRun(&f, streams, nil, func(b *billing.Bill, ctx context.Context, p billing.Period) (*billing.Summary, error) {
			return b.Summary(ctx, p, tag)
		}, func(w io.Writer, s *billing.Summary, format report.Format) error {
			return report.WriteBillSummary(w, report.NewBillSummary(s, top), format)
		}),
	}
	f.register(cmd)
	cmd.Flags().StringVar(&tag, "tag", "", "also break down by this tag (kubernetes.io/cluster/NAME, a cost-allocation tag)")
	cmd.Flags().IntVar(&top, "top", 10, "how many of the most expensive resources to list")
	return cmd
}

func newBillDailyCommand(streams IO) *cobra.Command {
	var f billFlags
	var by string
	var dim query.Dimension
	cmd := &cobra.Command{
		Use:   "daily PATH...",
		Short: "Day-by-day spend, split by component, service or tag",
		Long: `One line per day (days with no charge included), split --by a dimension,
with a sparkline and bars on a terminal; -o csv for spreadsheets.

` + billInputs,
		Example: "  refit bill daily --example --by component\n  refit bill daily cur/ --by tag:team -o csv",
		RunE: billRun(&f, streams, func() (err error) {
			if by == "none" {
				by = "" // no split
				return nil
			}
			dim, err = billing.ParseDimension(by)
			return err
		}, func(b *billing.Bill, ctx context.Context, p billing.Period) (*billing.Daily, error) {
			return b.Daily(ctx, p, dim)
		}, func(w io.Writer, d *billing.Daily, format report.Format) error {
			return report.WriteDaily(w, report.NewDailyView(d, by), format)
		}),
	}
	f.register(cmd)
	cmd.Flags().StringVar(&by, "by", "component", "split each day by component, service, usage-type, resource, account, region, tag:KEY, or none")
	return cmd
}

func newBillAnomaliesCommand(streams IO) *cobra.Command {
	var f billFlags
	var fail bool
	var window int
	cmd := &cobra.Command{
		Use:   "anomalies PATH...",
		Short: "Days whose spend jumps against a robust baseline of the trailing days",
		Long: `Flag the days whose spend (in total, and per component) jumps against the
trailing 14 days: a day is flagged when it costs more than the baseline's
median plus 3 scaled median absolute deviations, more than 20% above the
median, and at least $1 above it. Median and MAD are not inflated by the
spikes they look for, unlike a mean and standard deviation. Credits, tax and
fees are left out. See docs/billing.md.

` + billInputs,
		Example: "  refit bill anomalies --example\n  refit bill anomalies s3://cur/ --fail-on-anomaly   # exit 1 when one is found",
		RunE: billRun(&f, streams, nil, func(b *billing.Bill, ctx context.Context, p billing.Period) ([]analysis.Anomaly, error) {
			return b.Anomalies(ctx, p, analysis.AnomalyOptions{Window: window})
		}, func(w io.Writer, found []analysis.Anomaly, format report.Format) error {
			if err := report.WriteAnomalies(w, found, format); err != nil || !fail || len(found) == 0 {
				return err
			}
			return thresholdError("%d anomalous day(s)", len(found))
		}),
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&fail, "fail-on-anomaly", false, "exit with code 1 when an anomaly is found")
	cmd.Flags().IntVar(&window, "window", analysis.DefaultAnomalyWindow, "trailing days in the baseline (at least 7)")
	return cmd
}

func newBillForecastCommand(streams IO) *cobra.Command {
	var f billFlags
	cmd := &cobra.Command{
		Use:   "forecast PATH...",
		Short: "Project the month-end total from the month so far",
		Long: `Project the month's total: the month to date plus the mean of the last 7
complete days times the days left, with a range from the cheapest and the
dearest of those 7 days. The month is the one of the latest day billed.

` + billInputs,
		Example: "  refit bill forecast --example",
		RunE:    billRun(&f, streams, nil, (*billing.Bill).Forecast, report.WriteForecast),
	}
	f.register(cmd)
	return cmd
}

func newBillVsEstimateCommand(streams IO) *cobra.Command {
	var f billFlags
	var estimate []string
	var estFlags estimateFlags
	var est *cost.Breakdown
	cmd := &cobra.Command{
		Use:   "vs-estimate PATH... --estimate PATH...",
		Short: "Hold refit cost's estimate against what was billed, per component",
		Long: `Price the configs and manifests of --estimate as refit cost does, scale the
bill to the same 730-hour month, and compare them component by component;
the biggest differences come with hints (a usage assumption to set with
--usage, a resource the estimate does not model).

` + billInputs,
		Example: `  refit bill vs-estimate --example --estimate examples/eks-after
  refit bill vs-estimate cur/ --estimate cluster.yaml k8s/ --usage usage.yaml`,
		RunE: billRun(&f, streams, func() error {
			if len(estimate) == 0 {
				return fmt.Errorf("--estimate is required: the files refit cost prices")
			}
			cat, opt, err := estFlags.Open()
			if err != nil {
				return err
			}
			e, err := estFlags.inputs(nil, estimate, false, nil, streams).LoadFiles()
			if err != nil {
				return err
			}
			est, err = cost.Estimate(e, cat, opt)
			return err
		}, func(b *billing.Bill, ctx context.Context, p billing.Period) (*billing.VsEstimate, error) {
			return b.VsEstimate(ctx, p, est)
		}, report.WriteVsEstimate),
	}
	f.register(cmd)
	cmd.Flags().StringSliceVar(&estimate, "estimate", nil, "files or directories to price with refit cost (repeat or comma-separate)")
	cmd.Flags().StringVar(&estFlags.UsageFile, "usage", "", "usage assumptions for the estimate (see refit cost --usage)")
	cmd.Flags().StringVar(&estFlags.At, "at", "", "date for the estimate's EKS support tier (YYYY-MM-DD)")
	return cmd
}
