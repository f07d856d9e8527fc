package billing

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
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
