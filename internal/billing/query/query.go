// Package query is what billing engines answer: a Query (a cost summed
// over a period, grouped by dimensions), its Result, and the partial
// aggregates (Partial, Merge) the local engine sums charges into.
package query

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/charge"
)

// CostKind picks which cost column reports sum.
type CostKind string

// Cost kinds.
const (
	Unblended CostKind = "unblended"
	Net       CostKind = "net"
	Amortized CostKind = "amortized"
)

// Dimension is something to group charges by.
type Dimension string

// Dimensions. A tag dimension is "tag:KEY".
const (
	ByDay       Dimension = "day"
	ByComponent Dimension = "component"
	ByService   Dimension = "service"
	ByUsageType Dimension = "usage-type"
	ByResource  Dimension = "resource"
	ByAccount   Dimension = "account"
	ByRegion    Dimension = "region"
)

// TagDimension groups by a tag's value ("" when the charge lacks it).
func TagDimension(key string) Dimension { return Dimension("tag:" + key) }

// Query is one aggregation: sum the cost of charges in [From, To) grouped by
// the dimensions, in order.
type Query struct {
	Cost    CostKind
	GroupBy []Dimension
	// From and To bound the charge start (zero = unbounded).
	From, To time.Time
	// Usage also sums usage amounts into Row.Usage (the local engine reads
	// the usage column only then).
	Usage bool
}

// Row is one group of a result.
type Row struct {
	Keys  []string        `json:"keys"`
	Cost  decimal.Decimal `json:"cost"`
	Usage decimal.Decimal `json:"usage"`
	Rows  int64           `json:"rows"`
}

// Result is an aggregation's answer.
type Result struct {
	Rows     []Row
	Total    decimal.Decimal
	Currency string
	// First and Last are the earliest and latest charge days seen.
	First, Last time.Time
	Stats       Stats
}

// Engine runs aggregations: the local streaming engine over files, or SQL
// where the data lives (Athena).
type Engine interface {
	Aggregate(ctx context.Context, q Query) (*Result, error)
}

// Stats describe the read behind a result: what readers return and
// Result carries.
type Stats struct {
	Format charge.Format `json:"format"`
	Files  int           `json:"files"`
	Rows   int64         `json:"rows"`
	Bytes  int64         `json:"bytes"`
	// Rejected rows were unreadable (bad numbers, dates); Errors keeps the
	// first few, each naming file and row.
	Rejected int64             `json:"rejectedRows"`
	Errors   []charge.RowError `json:"-"`
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
