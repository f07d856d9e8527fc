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
		format, err := f.out.Format()
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

func newBillSummaryCommand(streams IO) *cobra.Command {
	var f billFlags
	var sf billing.SummaryFlags
	cmd := &cobra.Command{
		Use:   "summary PATH...",
		Short: "Total, by component, by service, by tag and top resources",
		RunE: billRun(&f, streams, nil, func(b *billing.Bill, ctx context.Context, p billing.Period) (*billing.Summary, error) {
			return b.Summary(ctx, p, sf.Tag)
		}, func(w io.Writer, s *billing.Summary, format report.Format) error {
			return report.WriteBillSummary(w, report.NewBillSummary(s, sf.Top), format)
		}),
	}
	f.register(cmd)
	sf.AddFlags(cmd.Flags())
	return cmd
}

func newBillDailyCommand(streams IO) *cobra.Command {
	var f billFlags
	var df billing.DailyFlags
	var dim query.Dimension
	var by string
	cmd := &cobra.Command{
		Use:   "daily PATH...",
		Short: "Day-by-day spend, split by component, service or tag",
		RunE: billRun(&f, streams, func() (err error) {
			dim, by, err = df.Parse()
			return err
		}, func(b *billing.Bill, ctx context.Context, p billing.Period) (*billing.Daily, error) {
			return b.Daily(ctx, p, dim)
		}, func(w io.Writer, d *billing.Daily, format report.Format) error {
			return report.WriteDaily(w, report.NewDailyView(d, by), format)
		}),
	}
	f.register(cmd)
	df.AddFlags(cmd.Flags())
	return cmd
}

func newBillAnomaliesCommand(streams IO) *cobra.Command {
	var f billFlags
	var af billing.AnomalyFlags
	cmd := &cobra.Command{
		Use:   "anomalies PATH...",
		Short: "Days whose spend jumps against a robust baseline of the trailing days",
		RunE: billRun(&f, streams, nil, func(b *billing.Bill, ctx context.Context, p billing.Period) ([]analysis.Anomaly, error) {
			return b.Anomalies(ctx, p, af.Options())
		}, func(w io.Writer, found []analysis.Anomaly, format report.Format) error {
			return threshold(af.Crossed(found), report.WriteAnomalies(w, found, format))
		}),
	}
	f.register(cmd)
	af.AddFlags(cmd.Flags())
	return cmd
}

func newBillForecastCommand(streams IO) *cobra.Command {
	var f billFlags
	cmd := &cobra.Command{
		Use:   "forecast PATH...",
		Short: "Project the month-end total from the month so far",
		RunE:  billRun(&f, streams, nil, (*billing.Bill).Forecast, report.WriteForecast),
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
		RunE: billRun(&f, streams, func() error {
			if len(estimate) == 0 {
				return fmt.Errorf("--estimate is required: the files refit cost prices")
			}
			cat, opt, err := estFlags.Open()
			if err != nil {
				return err
			}
			e, err := estFlags.inputs(nil, estimate, streams).LoadFiles()
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
