// Package billing reads AWS billing exports — legacy Cost and Usage Reports
// (CSV, CSV.gz, Parquet), CUR 2.0 (Parquet) and FOCUS 1.x (CSV, Parquet) —
// into one normalized Charge, classifies every charge into refit's cost
// components, and aggregates them (totals, daily series, anomalies,
// forecasts) with an Engine: a local streaming engine by default, or SQL
// where the data already lives (Athena).
package billing

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/shopspring/decimal"
)

// Format is a billing export format.
type Format string

// Formats refit reads.
const (
	FormatCURLegacy Format = "cur"   // legacy CUR: lineItem/... (CSV) or line_item_... (Parquet)
	FormatCUR2      Format = "cur2"  // CUR 2.0 (Data Exports): line_item_... with product/resource_tags maps
	FormatFOCUS     Format = "focus" // FOCUS 1.x: BilledCost, ChargePeriodStart, ServiceName...
)

// Term is how usage was bought.
type Term string

// Pricing terms.
const (
	TermOnDemand    Term = "on-demand"
	TermSpot        Term = "spot"
	TermSavingsPlan Term = "savings-plan"
	TermReserved    Term = "reserved"
	TermOther       Term = ""
)

// Charge is one billing line, normalized across formats.
type Charge struct {
	// Start and End of the charge period (UTC); Day is Start's date.
	Start, End time.Time
	Account    string
	Region     string
	// Service is the product code (AmazonEC2) or FOCUS ServiceName.
	Service    string
	UsageType  string
	Operation  string
	ResourceID string
	// LineItemType: Usage, DiscountedUsage, SavingsPlanCoveredUsage, Tax,
	// Credit, Refund, Fee, RIFee... (FOCUS ChargeCategory/ChargeClass mapped).
	LineItemType string
	Description  string
	// Costs: Unblended (FOCUS BilledCost), Net (after discounts, when the
	// export has it; else Unblended), Amortized (FOCUS EffectiveCost; CUR
	// effective cost of reservations and savings plans).
	Unblended, Net, Amortized decimal.Decimal
	UsageAmount               decimal.Decimal
	Unit                      string
	Term                      Term
	Currency                  string
	Tags                      map[string]string
	// Source names the file and row for messages: "file.csv:123".
	Source string
}

// RowError is a row that could not be read; readers count and report them
// (with Strict, the first one stops the read).
type RowError struct {
	File string
	Row  int
	Err  error
}

func (e *RowError) Error() string { return fmt.Sprintf("%s: row %d: %v", e.File, e.Row, e.Err) }

func (e *RowError) Unwrap() error { return e.Err }

// Object is one billing file, local or remote (S3). Parquet readers use
// ReadAt (with parallel range reads for remote objects); CSV readers stream
// Open.
type Object interface {
	// Name is what messages show: a path or s3://bucket/key.
	Name() string
	Size() int64
	io.ReaderAt
	Open(ctx context.Context) (io.ReadCloser, error)
}

// ReadOptions tune readers.
type ReadOptions struct {
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

// Stats describe one read.
type Stats struct {
	Format Format `json:"format"`
	Files  int    `json:"files"`
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	// Rejected rows were unreadable (bad numbers, dates); Errors keeps the
	// first few, each naming file and row.
	Rejected int64      `json:"rejectedRows"`
	Errors   []RowError `json:"-"`
}

// Add merges o into s.
func (s *Stats) Add(o Stats) {
	if s.Format == "" {
		s.Format = o.Format
	}
	s.Files += o.Files
	s.Rows += o.Rows
	s.Bytes += o.Bytes
	s.Rejected += o.Rejected
	s.Errors = append(s.Errors, o.Errors...)
}

// ChargeSource streams charges. fn may be called from several goroutines at
// once when the source reads files in parallel; worker (0..Workers()-1)
// says which, so callers can keep per-worker partial aggregates without
// locks.
type ChargeSource interface {
	Workers() int
	Scan(ctx context.Context, fn func(worker int, c *Charge) error) (Stats, error)
}
