// Package charge is one billing line normalized across export formats
// (Charge), and its classification into refit's cost components (Rules,
// Classify).
package charge

import (
	"fmt"
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
