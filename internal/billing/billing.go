// Package billing reads AWS billing exports — legacy Cost and Usage Reports
// (CSV, CSV.gz, Parquet), CUR 2.0 (Parquet) and FOCUS 1.x (CSV, Parquet) —
// and answers the bill reports: Open builds the engine (the local engine
// over files or S3, or Athena) from a Config, and its methods return typed
// results (Summary, Daily, anomalies, a forecast, the bill against an
// estimate).
//
// The parts, each its own package: charge (the normalized charge and its
// classification), query (queries, results, partial sums), objstore (local
// files, S3, read-ahead), reader (formats, CSV and Parquet readers), local
// and athena (the engines), analysis (series, anomalies, forecasts) and gen
// (generated bills).
package billing

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/analysis"
	"github.com/refit-dev/refit/internal/billing/athena"
	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/gen"
	"github.com/refit-dev/refit/internal/billing/local"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/cost"
)

// EngineKind picks where queries run.
type EngineKind string

// Engines.
const (
	// Local streams the files (local or s3://) where refit runs.
	Local EngineKind = "local"
	// Athena runs the queries as SQL where the CUR table is.
	Athena EngineKind = "athena"
)

// Progress is told of what a local read has done: bytes when a query
// ends, rows as they are read (from several goroutines). Finish ends it.
type Progress interface {
	Add(bytes, rows int64)
	Finish()
}

// Config says which engine to build and over what.
type Config struct {
	// Engine is Local (the default) or Athena.
	Engine EngineKind

	// Local engine: Paths are files, directories, globs, CUR manifests or
	// s3:// URLs; Example uses a generated month of the founding story's
	// EKS account instead (gen.EKSMonth).
	Paths   []string
	Example bool
	// S3 configures s3:// paths; OpenS3, when set, lists them instead
	// (tests give a fake).
	S3     objstore.S3Options
	OpenS3 func(ctx context.Context, url string) ([]objstore.Object, error)
	// Strict stops at the first unreadable row instead of counting it.
	Strict bool
	// Workers is how many files are read at once (0: one per CPU).
	Workers int
	// NewProgress, when set, makes the progress of a read of total bytes.
	NewProgress func(total int64) Progress

	// Athena engine: the table, and how to reach Athena.
	Athena       athena.Options
	AthenaClient athena.ClientOptions
}

// Bill runs the bill reports on one engine. Reports that need the same
// aggregation (daily by component: Daily, Anomalies, VsEstimate) share one
// read of the exports: each aggregation's result is kept for the Bill's
// life (a few rows per day and group, not the lines billed).
type Bill struct {
	eng      query.Engine
	progress Progress

	mu   sync.Mutex
	done map[string]*query.Result
}

// Open builds the engine of cfg: for Athena, a client and the table's
// engine; for the local engine, the objects of cfg.Paths (or the example
// month).
func Open(ctx context.Context, cfg Config) (*Bill, error) {
	switch cfg.Engine {
	case Athena:
		client, err := athena.NewClient(ctx, cfg.AthenaClient)
		if err != nil {
			return nil, err
		}
		return &Bill{eng: athena.New(client, cfg.Athena)}, nil
	case Local, "":
	default:
		return nil, fmt.Errorf("billing: unknown engine %q (want local or athena)", cfg.Engine)
	}
	var objs []objstore.Object
	switch {
	case cfg.Example:
		if len(cfg.Paths) > 0 {
			return nil, fmt.Errorf("give either files or --example, not both")
		}
		var buf bytes.Buffer
		if _, _, err := gen.GenerateEKSMonth(&buf, charge.FormatCURLegacy, gen.Month); err != nil {
			return nil, err
		}
		objs = []objstore.Object{objstore.NewBytesObject("example-eks-2026-10.csv", buf.Bytes())}
	case len(cfg.Paths) == 0:
		return nil, fmt.Errorf("no input: give billing export files, directories, globs or s3://bucket/prefix (or --example)")
	default:
		var err error
		if objs, err = objstore.Expand(ctx, cfg.Paths, objstore.Options{S3: cfg.S3, OpenS3: cfg.OpenS3}); err != nil {
			return nil, err
		}
	}
	b := &Bill{}
	opt := local.Options{Strict: cfg.Strict, Workers: cfg.Workers}
	if cfg.NewProgress != nil {
		var total int64
		for _, o := range objs {
			total += o.Size()
		}
		b.progress = cfg.NewProgress(total)
		opt.Progress = func(rows int64) { b.progress.Add(0, rows) }
	}
	b.eng = local.New(objs, opt)
	return b, nil
}

// Period is what every report sums: which cost, over which days.
type Period struct {
	Cost query.CostKind
	// From and To bound the charge days (zero: unbounded).
	From, To time.Time
}

// aggregate runs one query, with the read's progress.
func (b *Bill) aggregate(ctx context.Context, p Period, dims ...query.Dimension) (*query.Result, error) {
	key := fmt.Sprint(p.Cost, p.From, p.To, dims)
	b.mu.Lock()
	defer b.mu.Unlock()
	if res, ok := b.done[key]; ok {
		return res, nil
	}
	res, err := b.read(ctx, p, dims)
	if err != nil {
		return nil, err
	}
	if b.done == nil {
		b.done = map[string]*query.Result{}
	}
	b.done[key] = res
	return res, nil
}

// read runs one aggregation on the engine.
func (b *Bill) read(ctx context.Context, p Period, dims []query.Dimension) (*query.Result, error) {
	if b.progress != nil {
		defer b.progress.Finish()
	}
	res, err := b.eng.Aggregate(ctx, query.Query{Cost: p.Cost, GroupBy: dims, From: p.From, To: p.To})
	if err == nil && b.progress != nil {
		b.progress.Add(res.Stats.Bytes, 0)
	}
	return res, err
}

// Amount is a named cost.
type Amount struct {
	Name string
	Cost decimal.Decimal
}

// Summary is a period's total split by component (in report order), by
// service, by resource and by a tag (most expensive first).
type Summary struct {
	Currency    string
	First, Last time.Time
	Cost        query.CostKind
	Total       decimal.Decimal
	Components  []Amount
	Services    []Amount
	Resources   []Amount
	// TagKey is the tag of Tags ("" when none was asked for).
	TagKey string
	Tags   []Amount
	Stats  query.Stats
}

// Summary sums the period by component, service, resource and, when tagKey
// is set, by that tag.
func (b *Bill) Summary(ctx context.Context, p Period, tagKey string) (*Summary, error) {
	dims := []query.Dimension{query.ByComponent, query.ByService, query.ByResource}
	if tagKey != "" {
		dims = append(dims, query.TagDimension(tagKey))
	}
	res, err := b.aggregate(ctx, p, dims...)
	if err != nil {
		return nil, err
	}
	s := &Summary{
		Currency: res.Currency, First: res.First, Last: res.Last, Cost: p.Cost, Total: res.Total,
		Components: sumBy(res, 0, true), Services: sumBy(res, 1, false), Resources: sumBy(res, 2, false),
		TagKey: tagKey, Stats: res.Stats,
	}
	if tagKey != "" {
		s.Tags = sumBy(res, 3, false)
	}
	return s, nil
}

// sumBy sums a result's rows by key k, largest first (components in report
// order when byRank).
func sumBy(res *query.Result, k int, byRank bool) []Amount {
	sums := map[string]decimal.Decimal{}
	for _, r := range res.Rows {
		if k < len(r.Keys) {
			sums[r.Keys[k]] = sums[r.Keys[k]].Add(r.Cost)
		}
	}
	out := make([]Amount, 0, len(sums))
	for name, c := range sums {
		out = append(out, Amount{Name: name, Cost: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if byRank {
			ri, rj := cost.Component(out[i].Name).Rank(), cost.Component(out[j].Name).Rank()
			if ri != rj {
				return ri < rj
			}
		} else if !out[i].Cost.Equal(out[j].Cost) {
			return out[i].Cost.GreaterThan(out[j].Cost)
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Daily is a day-by-day series, every day from the first charge to the
// last, split by a dimension when one was asked for.
type Daily struct {
	Currency string
	Cost     query.CostKind
	Total    decimal.Decimal
	Days     []analysis.Day
	// By holds one series per value of the dimension (nil without one).
	By []analysis.DaySeries
}

// Daily sums the period by day, and by the dimension by when it is set.
func (b *Bill) Daily(ctx context.Context, p Period, by query.Dimension) (*Daily, error) {
	dims := []query.Dimension{query.ByDay}
	if by != "" {
		dims = append(dims, by)
	}
	res, err := b.aggregate(ctx, p, dims...)
	if err != nil {
		return nil, err
	}
	d := &Daily{Currency: res.Currency, Cost: p.Cost, Total: res.Total, Days: analysis.Daily(res)}
	if by != "" {
		d.By = analysis.DailyBy(res)
	}
	return d, nil
}

// Anomalies are the days whose usage (in total and per component) jumps
// against the baseline (analysis.Anomalies).
func (b *Bill) Anomalies(ctx context.Context, p Period, opt analysis.AnomalyOptions) ([]analysis.Anomaly, error) {
	res, err := b.aggregate(ctx, p, query.ByDay, query.ByComponent)
	if err != nil {
		return nil, err
	}
	return analysis.Anomalies(analysis.UsageSeries(res), opt), nil
}

// Forecast is the month-end projection, from the month of the latest day
// billed.
type Forecast struct {
	analysis.MonthForecast
	// Last is the latest day billed.
	Last time.Time
}

// Forecast projects the month of the latest day billed (analysis.Forecast).
func (b *Bill) Forecast(ctx context.Context, p Period) (*Forecast, error) {
	res, err := b.aggregate(ctx, p, query.ByDay)
	if err != nil {
		return nil, err
	}
	if res.Last.IsZero() {
		return nil, fmt.Errorf("no charges to forecast from")
	}
	end := time.Date(res.Last.Year(), res.Last.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	return &Forecast{MonthForecast: analysis.Forecast(analysis.Daily(res), end), Last: res.Last}, nil
}

// VsEstimate is the bill held against an estimate, component by component.
type VsEstimate struct {
	// Days is how many days were billed.
	Days        int
	Comparisons []analysis.Comparison
}

// VsEstimate compares the usage billed (credits, tax and fees left out),
// scaled to a 730-hour month, with estimate (analysis.VsEstimate).
func (b *Bill) VsEstimate(ctx context.Context, p Period, estimate *cost.Breakdown) (*VsEstimate, error) {
	res, err := b.aggregate(ctx, p, query.ByDay, query.ByComponent)
	if err != nil {
		return nil, err
	}
	billed := map[cost.Component]decimal.Decimal{}
	for _, r := range res.Rows {
		c := cost.Component(r.Keys[1])
		if !analysis.IsAdjustment(c) {
			billed[c] = billed[c].Add(r.Cost)
		}
	}
	days := len(analysis.Daily(res))
	return &VsEstimate{Days: days, Comparisons: analysis.VsEstimate(estimate, billed, days)}, nil
}
