package billing

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/billing/analysis"
	"github.com/refit-dev/refit/internal/billing/athena"
	"github.com/refit-dev/refit/internal/billing/local"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/progress"
)

// Flags are the bill commands' settings as given on the command line; the
// errors they return name the flags.
type Flags struct {
	Cost, From, To                string
	Engine                        string
	EndpointURL, Region, Profile  string
	Strict, Example               bool
	Workers                       int
	AthenaDatabase, AthenaTable   string
	AthenaWorkgroup, AthenaOutput string
	AthenaCatalog, AthenaFormat   string
	AthenaPartitions              string
}

// AddFlags registers the flags every bill command shares: the period, the
// engine and where the bill is (S3, Athena), and the local reader's.
func (f *Flags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.Cost, "cost", "unblended", "which cost to sum: unblended, net or amortized")
	fl.StringVar(&f.From, "from", "", "first day to include (YYYY-MM-DD)")
	fl.StringVar(&f.To, "to", "", "first day to leave out (YYYY-MM-DD)")
	fl.StringVar(&f.Engine, "engine", "local", "local (stream the files) or athena (run SQL where the CUR table is)")
	fl.StringVar(&f.EndpointURL, "endpoint-url", "", "S3 (or Athena) endpoint, for S3-compatible stores such as MinIO")
	fl.StringVar(&f.Region, "s3-region", "", "AWS region of the s3:// inputs and of Athena (default: the SDK's)")
	// --region was this flag's first name; elsewhere it is the region refit
	// prices in, so here it is a hidden, deprecated alias (CheckDeprecated).
	fl.StringVar(&f.Region, "region", "", "deprecated: use --s3-region")
	_ = fl.MarkHidden("region")
	fl.StringVar(&f.Profile, "profile", "", "AWS shared-config profile")
	fl.BoolVar(&f.Strict, "strict", false, "stop at the first unreadable row instead of counting it")
	fl.BoolVar(&f.Example, "example", false, "use a generated month of the founding story's EKS account instead of files")
	fl.IntVar(&f.Workers, "workers", 0, fmt.Sprintf("files read in parallel (default: the number of CPUs; at most %d)", local.MaxWorkers))
	fl.StringVar(&f.AthenaDatabase, "athena-database", "", "with --engine athena: the database")
	fl.StringVar(&f.AthenaTable, "athena-table", "", "with --engine athena: the CUR, CUR 2.0 or FOCUS table")
	fl.StringVar(&f.AthenaWorkgroup, "athena-workgroup", "", "with --engine athena: the workgroup")
	fl.StringVar(&f.AthenaOutput, "athena-output", "", "with --engine athena: s3:// location for query results")
	fl.StringVar(&f.AthenaCatalog, "athena-catalog", athena.DefaultCatalog, "with --engine athena: the data catalog")
	fl.StringVar(&f.AthenaFormat, "athena-format", "auto", "with --engine athena: the table's format: auto (from its columns), cur, cur2 or focus")
	fl.StringVar(&f.AthenaPartitions, "athena-partitions", "auto", "with --engine athena: the table's partitions, to read only the months of --from/--to: auto (from the table), none, year-month (legacy CUR) or billing-period (Data Exports)")
}

// CheckDeprecated answers the deprecated --region of fl (as AddFlags
// registered it): a warning on warn, or an error when --s3-region is given
// too.
func CheckDeprecated(fl *pflag.FlagSet, warn io.Writer) error {
	if !fl.Changed("region") {
		return nil
	}
	if fl.Changed("s3-region") {
		return fmt.Errorf("--region is the deprecated name of --s3-region: give --s3-region only")
	}
	fmt.Fprintln(warn, "warning: --region is deprecated in refit bill: use --s3-region (the region of s3:// inputs and of Athena)")
	return nil
}

// ParsePeriod parses --cost, --from and --to.
func ParsePeriod(costKind, from, to string) (Period, error) {
	p := Period{Cost: query.CostKind(costKind)}
	switch p.Cost {
	case query.Unblended, query.Net, query.Amortized:
	default:
		return p, fmt.Errorf("--cost %q: want unblended, net or amortized", costKind)
	}
	var err error
	for _, d := range []struct {
		flag, s string
		t       *time.Time
	}{{"from", from, &p.From}, {"to", to, &p.To}} {
		if d.s == "" {
			continue
		}
		if *d.t, err = time.Parse(time.DateOnly, d.s); err != nil {
			return p, fmt.Errorf("--%s %q: want YYYY-MM-DD", d.flag, d.s)
		}
	}
	return p, nil
}

// Period parses the flags' period.
func (f *Flags) Period() (Period, error) { return ParsePeriod(f.Cost, f.From, f.To) }

// Config turns the engine flags into a Config over paths; warnings, notes
// and the progress of a long local read go to errOut.
func (f *Flags) Config(paths []string, errOut io.Writer) (Config, error) {
	cfg := Config{Engine: EngineKind(f.Engine)}
	if f.Engine == "athena" {
		if f.AthenaTable == "" {
			return cfg, fmt.Errorf("--engine athena needs --athena-table (and usually --athena-database, --athena-output)")
		}
		format, err := athena.ParseFormat(f.AthenaFormat)
		if err != nil {
			return cfg, fmt.Errorf("--athena-format: %w", err)
		}
		parts, err := athena.ParsePartitionScheme(f.AthenaPartitions)
		if err != nil {
			return cfg, fmt.Errorf("--athena-partitions: %w", err)
		}
		cfg.AthenaClient = athena.ClientOptions{Region: f.Region, Profile: f.Profile, EndpointURL: f.EndpointURL}
		cfg.Athena = athena.Options{Database: f.AthenaDatabase, Table: f.AthenaTable, Workgroup: f.AthenaWorkgroup, OutputLocation: f.AthenaOutput,
			Catalog: f.AthenaCatalog, Format: format, Partitions: parts,
			Warn: func(msg string) { fmt.Fprintf(errOut, "warning: %s\n", msg) }}
		return cfg, nil
	}
	if f.Engine != "local" {
		return cfg, fmt.Errorf("--engine %q: want local or athena", f.Engine)
	}
	if f.Workers < 0 {
		return cfg, fmt.Errorf("--workers %d: want 0 (one per CPU) to %d", f.Workers, local.MaxWorkers)
	}
	if f.Workers > local.MaxWorkers {
		fmt.Fprintf(errOut, "note: --workers %d capped at %d\n", f.Workers, local.MaxWorkers)
		f.Workers = local.MaxWorkers
	}
	cfg.Paths, cfg.Example, cfg.Strict, cfg.Workers = paths, f.Example, f.Strict, f.Workers
	cfg.S3 = objstore.S3Options{EndpointURL: f.EndpointURL, Region: f.Region, Profile: f.Profile}
	cfg.NewProgress = func(total int64) Progress {
		return progress.New(errOut, progress.IsTerminal(errOut) && total > 64<<20, total, 200*time.Millisecond)
	}
	return cfg, nil
}

// Open parses the period, and opens the bill at paths as the flags say
// (warnings and progress to errOut).
func (f *Flags) Open(ctx context.Context, paths []string, errOut io.Writer) (*Bill, Period, error) {
	p, err := f.Period()
	if err != nil {
		return nil, p, err
	}
	cfg, err := f.Config(paths, errOut)
	if err != nil {
		return nil, p, err
	}
	b, err := Open(ctx, cfg)
	return b, p, err
}

// Network reports whether the bill is read over the network (Athena or an
// s3:// path).
func (f *Flags) Network(paths []string) bool {
	if f.Engine == "athena" {
		return true
	}
	for _, a := range paths {
		if strings.HasPrefix(a, "s3://") {
			return true
		}
	}
	return false
}

// ParseDimension parses --by of refit bill daily: component (or empty),
// service, usage-type, resource, account, region or tag:KEY.
func ParseDimension(by string) (query.Dimension, error) {
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

// SummaryFlags are refit bill summary's --tag and --top.
type SummaryFlags struct {
	Tag string
	Top int
}

// AddFlags registers --tag and --top.
func (f *SummaryFlags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.Tag, "tag", "", "also break down by this tag (kubernetes.io/cluster/NAME, a cost-allocation tag)")
	fl.IntVar(&f.Top, "top", 10, "how many of the most expensive resources to list")
}

// DailyFlags are refit bill daily's --by.
type DailyFlags struct {
	By string
}

// AddFlags registers --by.
func (f *DailyFlags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.By, "by", "component", "split each day by component, service, usage-type, resource, account, region, tag:KEY, or none")
}

// Parse parses --by: the dimension each day is split by, and its name as
// the report shows it ("" with none: no split).
func (f *DailyFlags) Parse() (dim query.Dimension, name string, err error) {
	if f.By == "none" {
		return "", "", nil
	}
	dim, err = ParseDimension(f.By)
	return dim, f.By, err
}

// AnomalyFlags are refit bill anomalies' --fail-on-anomaly and --window.
type AnomalyFlags struct {
	Fail   bool
	Window int
}

// AddFlags registers --fail-on-anomaly and --window.
func (f *AnomalyFlags) AddFlags(fl *pflag.FlagSet) {
	fl.BoolVar(&f.Fail, "fail-on-anomaly", false, "exit with code 1 when an anomaly is found")
	fl.IntVar(&f.Window, "window", analysis.DefaultAnomalyWindow, "trailing days in the baseline (at least 7)")
}

// Options are the anomaly detection's options the flags say.
func (f *AnomalyFlags) Options() analysis.AnomalyOptions {
	return analysis.AnomalyOptions{Window: f.Window}
}

// Crossed says what --fail-on-anomaly found crossed in found ("" for
// nothing).
func (f *AnomalyFlags) Crossed(found []analysis.Anomaly) string {
	if !f.Fail || len(found) == 0 {
		return ""
	}
	return fmt.Sprintf("%d anomalous day(s)", len(found))
}
