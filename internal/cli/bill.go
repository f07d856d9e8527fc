package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/billing"
	"github.com/refit-dev/refit/internal/billing/analysis"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/report"
)

// billCommand is a bill subcommand: the flags every bill command shares,
// its own (added by flags, when given), and a RunE that runs its own checks
// (before, when given), checks -o and the period, opens the bill (within
// --timeout when it is read from S3 or Athena), computes the report and
// writes it.
func billCommand[T any](use, short string, streams IO, flags func(*pflag.FlagSet), before func() error,
	compute func(b *billing.Bill, ctx context.Context, p billing.Period) (T, error),
	write func(w io.Writer, v T, f report.Format) error) *cobra.Command {
	var f billing.Flags
	cmd := &cobra.Command{Use: use, Short: short, PreRunE: func(cmd *cobra.Command, args []string) error {
		return billing.CheckDeprecated(cmd.Flags(), cmd.ErrOrStderr())
	}}
	f.AddFlags(cmd.Flags())
	if flags != nil {
		flags(cmd.Flags())
	}
	out := parsedOutput(cmd, "table|json|yaml|markdown|csv", report.ParseBillFormat)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if before != nil {
			if err := before(); err != nil {
				return err
			}
		}
		format, err := out.Format()
		if err != nil {
			return err
		}
		ctx := cmd.Context()
		if f.Network(args) {
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
	return cmd
}

func newBillSummaryCommand(streams IO) *cobra.Command {
	var sf billing.SummaryFlags
	return billCommand("summary PATH...", "Total, by component, by service, by tag and top resources", streams, sf.AddFlags, nil,
		func(b *billing.Bill, ctx context.Context, p billing.Period) (*billing.Summary, error) {
			return b.Summary(ctx, p, sf.Tag)
		}, func(w io.Writer, s *billing.Summary, format report.Format) error {
			return report.WriteBillSummary(w, report.NewBillSummary(s, sf.Top), format)
		})
}

func newBillDailyCommand(streams IO) *cobra.Command {
	var df billing.DailyFlags
	var dim query.Dimension
	var by string
	return billCommand("daily PATH...", "Day-by-day spend, split by component, service or tag", streams, df.AddFlags,
		func() (err error) {
			dim, by, err = df.Parse()
			return err
		}, func(b *billing.Bill, ctx context.Context, p billing.Period) (*billing.Daily, error) {
			return b.Daily(ctx, p, dim)
		}, func(w io.Writer, d *billing.Daily, format report.Format) error {
			return report.WriteDaily(w, report.NewDailyView(d, by), format)
		})
}

func newBillAnomaliesCommand(streams IO) *cobra.Command {
	var af billing.AnomalyFlags
	return billCommand("anomalies PATH...", "Days whose spend jumps against a robust baseline of the trailing days", streams, af.AddFlags, nil,
		func(b *billing.Bill, ctx context.Context, p billing.Period) ([]analysis.Anomaly, error) {
			return b.Anomalies(ctx, p, af.Options())
		}, func(w io.Writer, found []analysis.Anomaly, format report.Format) error {
			return threshold(af.Crossed(found), report.WriteAnomalies(w, found, format))
		})
}

func newBillForecastCommand(streams IO) *cobra.Command {
	return billCommand("forecast PATH...", "Project the month-end total from the month so far", streams, nil, nil,
		(*billing.Bill).Forecast, report.WriteForecast)
}

func newBillVsEstimateCommand(streams IO) *cobra.Command {
	var estimate []string
	var flags estimateFlags
	var est *cost.Breakdown
	return billCommand("vs-estimate PATH... --estimate PATH...", "Hold refit cost's estimate against what was billed, per component", streams,
		func(fl *pflag.FlagSet) {
			fl.StringSliceVar(&estimate, "estimate", nil, "files or directories to price with refit cost (repeat or comma-separate)")
			fl.StringVar(&flags.UsageFile, "usage", "", "usage assumptions for the estimate (see refit cost --usage)")
			fl.StringVar(&flags.At, "at", "", "date for the estimate's EKS support tier (YYYY-MM-DD)")
		}, func() error {
			if len(estimate) == 0 {
				return fmt.Errorf("--estimate is required: the files refit cost prices")
			}
			cat, opt, err := flags.Open()
			if err != nil {
				return err
			}
			e, err := flags.inputs(nil, estimate, streams).LoadFiles()
			if err != nil {
				return err
			}
			est, err = cost.Estimate(e, cat, opt)
			return err
		}, func(b *billing.Bill, ctx context.Context, p billing.Period) (*billing.VsEstimate, error) {
			return b.VsEstimate(ctx, p, est)
		}, report.WriteVsEstimate)
}
