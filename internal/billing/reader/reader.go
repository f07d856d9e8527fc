// Package reader reads billing exports — legacy Cost and Usage Reports
// (CSV, CSV.gz, Parquet), CUR 2.0 (Parquet) and FOCUS 1.x (CSV, Parquet),
// the format told from the header or schema — into normalized charges, only
// the columns a query needs (Projection); and, for Parquet, aggregates the
// queries it can column by column into the local engine's partials.
package reader

import (
	"context"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
)

// Options tune readers.
type Options struct {
	// Strict stops at the first bad row instead of counting it.
	Strict bool
	// MaxErrors is how many row errors are kept for the report (default 20).
	MaxErrors int
	// Projection limits the columns read (ProjectionFor a query); the zero
	// value reads all. A bad value in a column not read rejects no row.
	Projection Projection
	// Progress, when set, is told of rows read as they are read (from
	// several goroutines at once; in steps of a few thousand rows).
	Progress func(rows int64)
}

// KeptErrors is how many row errors a read keeps (opt.MaxErrors, or the
// default).
func KeptErrors(opt Options) int { return maxErrors(opt) }

// IsParquet reports whether obj is a Parquet file (from its first bytes);
// other files are CSV, gzipped or not.
func IsParquet(obj objstore.Object) (bool, error) {
	kind, err := sniff(obj)
	return kind == containerParquet, err
}

// ParquetFile is an open Parquet export whose row groups can be read
// separately (by several workers).
type ParquetFile struct {
	pr *parquetReader
}

// OpenParquet opens obj, a Parquet export, to read the columns of p.
func OpenParquet(obj objstore.Object, p Projection) (*ParquetFile, error) {
	pf, err := openParquet(obj)
	if err != nil {
		return nil, err
	}
	pr, err := newParquetReader(obj, pf, p)
	if err != nil {
		return nil, err
	}
	return &ParquetFile{pr: pr}, nil
}

// RowGroups is the number of row groups.
func (f *ParquetFile) RowGroups() int { return len(f.pr.pf.RowGroups()) }

// AllGroups lists every row group.
func (f *ParquetFile) AllGroups() []int { return allGroups(f.pr.pf) }

// Format is the file's export format.
func (f *ParquetFile) Format() charge.Format { return f.pr.format }

// Read reads the row groups, charge by charge, into c and calls fn with it.
func (f *ParquetFile) Read(ctx context.Context, groups []int, opt Options, c *charge.Charge, fn func(*charge.Charge) error) (query.Stats, error) {
	return f.pr.read(ctx, groups, opt, c, fn)
}

// Plan is how the columnar path serves q on this file, if it can.
func (f *ParquetFile) Plan(q query.Query) (*ColumnarPlan, bool) { return f.pr.columnarPlan(q) }

// Aggregate runs plan over row group g into part (a worker's partial),
// column by column; strs is the worker's string table. ErrColumnar means
// the group's page layout is not one it decodes and nothing was added: read
// the group with Read instead.
func (f *ParquetFile) Aggregate(ctx context.Context, g int, plan *ColumnarPlan, opt Options, part *query.Partial, strs *Strings, st *query.Stats) error {
	return f.pr.aggregateGroup(ctx, g, plan, opt, part, strs, st)
}
