package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/billing"
	"github.com/refit-dev/refit/internal/billing/analysis"
	"github.com/refit-dev/refit/internal/billing/athena"
	"github.com/refit-dev/refit/internal/billing/local"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/progress"
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
	costKind              string
	from, to              string
	engine                string
	endpointURL, region   string
	profile               string
	strict, example       bool
	workers               int
	athenaDB, athenaTable string
	athenaWorkgroup       string
	athenaOutput          string
	athenaCatalog         string
	athenaFormat          string
	athenaPartitions      string
	format                string
}

func (f *billFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.costKind, "cost", "unblended", "which cost to sum: unblended, net or amortized")
	fl.StringVar(&f.from, "from", "", "first day to include (YYYY-MM-DD)")
	fl.StringVar(&f.to, "to", "", "first day to leave out (YYYY-MM-DD)")
	fl.StringVar(&f.engine, "engine", "local", "local (stream the files) or athena (run SQL where the CUR table is)")
	fl.StringVar(&f.endpointURL, "endpoint-url", "", "S3 (or Athena) endpoint, for S3-compatible stores such as MinIO")
	fl.StringVar(&f.region, "s3-region", "", "AWS region of the s3:// inputs and of Athena (default: the SDK's)")
	// --region was this flag's first name; elsewhere it is the region refit
	// prices in, so here it is a hidden, deprecated alias.
	fl.StringVar(&f.region, "region", "", "deprecated: use --s3-region")
	_ = fl.MarkHidden("region")
	prev := cmd.PreRunE
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if cmd.Flags().Changed("region") {
			if cmd.Flags().Changed("s3-region") {
				return fmt.Errorf("--region is the deprecated name of --s3-region: give --s3-region only")
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "warning: --region is deprecated in refit bill: use --s3-region (the region of s3:// inputs and of Athena)")
		}
		if prev != nil {
			return prev(cmd, args)
		}
		return nil
	}
	fl.StringVar(&f.profile, "profile", "", "AWS shared-config profile")
	fl.BoolVar(&f.strict, "strict", false, "stop at the first unreadable row instead of counting it")
	fl.BoolVar(&f.example, "example", false, "use a generated month of the founding story's EKS account instead of files")
	fl.IntVar(&f.workers, "workers", 0, fmt.Sprintf("files read in parallel (default: the number of CPUs; at most %d)", local.MaxWorkers))
	fl.StringVar(&f.athenaDB, "athena-database", "", "with --engine athena: the database")
	fl.StringVar(&f.athenaTable, "athena-table", "", "with --engine athena: the CUR, CUR 2.0 or FOCUS table")
	fl.StringVar(&f.athenaWorkgroup, "athena-workgroup", "", "with --engine athena: the workgroup")
	fl.StringVar(&f.athenaOutput, "athena-output", "", "with --engine athena: s3:// location for query results")
	fl.StringVar(&f.athenaCatalog, "athena-catalog", athena.DefaultCatalog, "with --engine athena: the data catalog")
	fl.StringVar(&f.athenaFormat, "athena-format", "auto", "with --engine athena: the table's format: auto (from its columns), cur, cur2 or focus")
	fl.StringVar(&f.athenaPartitions, "athena-partitions", "auto", "with --engine athena: the table's partitions, to read only the months of --from/--to: auto (from the table), none, year-month (legacy CUR) or billing-period (Data Exports)")
	fl.StringVarP(&f.format, "output", "o", "table", "output format: table|json|yaml|markdown|csv")
}

// period parses --cost, --from and --to.
func (f *billFlags) period() (billing.Period, error) {
	p := billing.Period{Cost: query.CostKind(f.costKind)}
	switch p.Cost {
	case query.Unblended, query.Net, query.Amortized:
	default:
		return p, fmt.Errorf("--cost %q: want unblended, net or amortized", f.costKind)
	}
	var err error
	if f.from != "" {
		if p.From, err = time.Parse(time.DateOnly, f.from); err != nil {
			return p, fmt.Errorf("--from %q: want YYYY-MM-DD", f.from)
		}
	}
	if f.to != "" {
		if p.To, err = time.Parse(time.DateOnly, f.to); err != nil {
			return p, fmt.Errorf("--to %q: want YYYY-MM-DD", f.to)
		}
	}
	return p, nil
}

// config turns the engine flags into billing's Config.
func (f *billFlags) config(args []string, streams IO) (billing.Config, error) {
	cfg := billing.Config{Engine: billing.EngineKind(f.engine)}
	if f.engine == "athena" {
		if f.athenaTable == "" {
			return cfg, fmt.Errorf("--engine athena needs --athena-table (and usually --athena-database, --athena-output)")
		}
		format, err := athena.ParseFormat(f.athenaFormat)
		if err != nil {
			return cfg, fmt.Errorf("--athena-format: %w", err)
		}
		parts, err := athena.ParsePartitionScheme(f.athenaPartitions)
		if err != nil {
			return cfg, fmt.Errorf("--athena-partitions: %w", err)
		}
		cfg.AthenaClient = athena.ClientOptions{Region: f.region, Profile: f.profile, EndpointURL: f.endpointURL}
		cfg.Athena = athena.Options{Database: f.athenaDB, Table: f.athenaTable, Workgroup: f.athenaWorkgroup, OutputLocation: f.athenaOutput,
			Catalog: f.athenaCatalog, Format: format, Partitions: parts,
			Warn: func(msg string) { fmt.Fprintf(streams.ErrOut, "warning: %s\n", msg) }}
		return cfg, nil
	}
	if f.engine != "local" {
		return cfg, fmt.Errorf("--engine %q: want local or athena", f.engine)
	}
	if f.workers < 0 {
		return cfg, fmt.Errorf("--workers %d: want 0 (one per CPU) to %d", f.workers, local.MaxWorkers)
	}
	if f.workers > local.MaxWorkers {
		fmt.Fprintf(streams.ErrOut, "note: --workers %d capped at %d\n", f.workers, local.MaxWorkers)
		f.workers = local.MaxWorkers
	}
	cfg.Paths, cfg.Example, cfg.Strict, cfg.Workers = args, f.example, f.strict, f.workers
	cfg.S3 = objstore.S3Options{EndpointURL: f.endpointURL, Region: f.region, Profile: f.profile}
	cfg.NewProgress = func(total int64) billing.Progress {
		return progress.New(streams.ErrOut, isTerminal(streams.ErrOut) && total > 64<<20, total, 200*time.Millisecond)
	}
	return cfg, nil
}

// run checks -o and the period, opens the bill and runs the command's
// report on it: the steps every bill command shares.
func (f *billFlags) run(cmd *cobra.Command, args []string, streams IO, show func(ctx context.Context, b *billing.Bill, p billing.Period, format report.Format) error) error {
	format, err := report.ParseBillFormat(f.format)
	if err != nil {
		return err
	}
	p, err := f.period()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if f.network(args) {
		var cancel context.CancelFunc
		ctx, cancel = netContext(cmd)
		defer cancel()
	}
	cfg, err := f.config(args, streams)
	if err != nil {
		return err
	}
	b, err := billing.Open(ctx, cfg)
	if err != nil {
		return err
	}
	return show(ctx, b, p, format)
}

// network reports whether the command reads over the network (Athena or an
// s3:// path): --timeout then bounds it.
func (f *billFlags) network(args []string) bool {
	if f.engine == "athena" {
		return true
	}
	for _, a := range args {
		if strings.HasPrefix(a, "s3://") {
			return true
		}
	}
	return false
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && progress.IsTerminal(f)
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
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, args, streams, func(ctx context.Context, b *billing.Bill, p billing.Period, format report.Format) error {
				s, err := b.Summary(ctx, p, tag)
				if err != nil {
					return err
				}
				return report.WriteBillSummary(streams.Out, report.NewBillSummary(s, top), format)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&tag, "tag", "", "also break down by this tag (kubernetes.io/cluster/NAME, a cost-allocation tag)")
	cmd.Flags().IntVar(&top, "top", 10, "how many of the most expensive resources to list")
	return cmd
}

func parseBy(by string) (query.Dimension, error) {
	switch by {
	case "", "component":
		return query.ByComponent, nil
	case "service":
		return query.ByService, nil
	case "usage-type", "resource", "account", "region":
		return query.Dimension(by), nil
	}
	if key, ok := strings.CutPrefix(by, "tag:"); ok && key != "" {
		return query.TagDimension(key), nil
	}
	return "", fmt.Errorf("--by %q: want component, service, usage-type, resource, account, region or tag:KEY", by)
}

func newBillDailyCommand(streams IO) *cobra.Command {
	var f billFlags
	var by string
	cmd := &cobra.Command{
		Use:   "daily PATH...",
		Short: "Day-by-day spend, split by component, service or tag",
		Long: `One line per day (days with no charge included), split --by a dimension,
with a sparkline and bars on a terminal; -o csv for spreadsheets.

` + billInputs,
		Example: "  refit bill daily --example --by component\n  refit bill daily cur/ --by tag:team -o csv",
		RunE: func(cmd *cobra.Command, args []string) error {
			var dim query.Dimension
			name := by
			if by == "none" {
				name = ""
			} else {
				d, err := parseBy(by)
				if err != nil {
					return err
				}
				dim = d
			}
			return f.run(cmd, args, streams, func(ctx context.Context, b *billing.Bill, p billing.Period, format report.Format) error {
				d, err := b.Daily(ctx, p, dim)
				if err != nil {
					return err
				}
				return report.WriteDaily(streams.Out, report.NewDailyView(d, name), format)
			})
		},
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
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, args, streams, func(ctx context.Context, b *billing.Bill, p billing.Period, format report.Format) error {
				found, err := b.Anomalies(ctx, p, analysis.AnomalyOptions{Window: window})
				if err != nil {
					return err
				}
				if err := report.WriteAnomalies(streams.Out, found, format); err != nil {
					return err
				}
				if fail && len(found) > 0 {
					return thresholdError("%d anomalous day(s)", len(found))
				}
				return nil
			})
		},
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
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, args, streams, func(ctx context.Context, b *billing.Bill, p billing.Period, format report.Format) error {
				fc, err := b.Forecast(ctx, p)
				if err != nil {
					return err
				}
				return report.WriteForecast(streams.Out, fc, format)
			})
		},
	}
	f.register(cmd)
	return cmd
}

func newBillVsEstimateCommand(streams IO) *cobra.Command {
	var f billFlags
	var estimate []string
	var estFlags estimateFlags
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(estimate) == 0 {
				return fmt.Errorf("--estimate is required: the files refit cost prices")
			}
			cat, opt, err := estFlags.setup()
			if err != nil {
				return err
			}
			e, err := loadEstate(estimate, false, estFlags.input, streams)
			if err != nil {
				return err
			}
			b, err := cost.Estimate(e, cat, opt)
			if err != nil {
				return err
			}
			return f.run(cmd, args, streams, func(ctx context.Context, bill *billing.Bill, p billing.Period, format report.Format) error {
				v, err := bill.VsEstimate(ctx, p, b)
				if err != nil {
					return err
				}
				return report.WriteVsEstimate(streams.Out, v, format)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringSliceVar(&estimate, "estimate", nil, "files or directories to price with refit cost (repeat or comma-separate)")
	cmd.Flags().StringVar(&estFlags.usageFile, "usage", "", "usage assumptions for the estimate (see refit cost --usage)")
	cmd.Flags().StringVar(&estFlags.at, "at", "", "date for the estimate's EKS support tier (YYYY-MM-DD)")
	return cmd
}
