package cost

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/pricing"
)

// Settings are the pricing settings as given on the command line (refit
// cost, plan, waste); the errors Open returns name the flags.
type Settings struct {
	Region       string // --region
	UsageFile    string // --usage
	PricesDir    string // --prices
	At           string // --at, YYYY-MM-DD
	AllowMissing bool   // --allow-missing-prices
	StrictPrices bool   // --strict-prices
}

// Open loads the catalog and the options the settings say.
func (s Settings) Open() (*pricing.Catalog, Options, error) {
	cat, catDir, err := pricing.Open(s.PricesDir)
	if err != nil {
		return nil, Options{}, err
	}
	opt := Options{Region: s.Region, Usage: DefaultUsage(), AllowMissingPrices: s.AllowMissing, StrictPrices: s.StrictPrices, Catalog: catDir}
	if s.Region != "" {
		if err := cat.CheckRegion(s.Region); err != nil {
			return nil, opt, fmt.Errorf("--region: %w", err)
		}
	}
	if s.UsageFile != "" {
		if opt.Usage, err = LoadUsage(s.UsageFile); err != nil {
			return nil, opt, err
		}
	}
	if s.At != "" {
		if opt.At, err = time.Parse(time.DateOnly, s.At); err != nil {
			return nil, opt, fmt.Errorf("--at %q: want a date like 2026-11-26", s.At)
		}
	}
	return cat, opt, nil
}

// ParseLimit parses a --fail-over amount in dollars ("500" or "$500").
func ParseLimit(s string) (decimal.Decimal, error) {
	return decimal.NewFromString(strings.TrimPrefix(s, "$"))
}

// IncreaseOver checks d against a --fail-on-increase limit: dollars (50)
// or percent (10%). It returns what was crossed, or "" when nothing was.
func (d Diff) IncreaseOver(limit string) (string, error) {
	if limit == "" {
		return "", nil
	}
	pct, isPct := strings.CutSuffix(limit, "%")
	if !isPct {
		pct = strings.TrimPrefix(limit, "$")
	}
	v, err := decimal.NewFromString(pct)
	switch {
	case err != nil:
		return "", fmt.Errorf("--fail-on-increase %q: want dollars (50) or percent (10%%)", limit)
	case isPct && d.Percent().GreaterThan(v):
		return fmt.Sprintf("monthly cost rises %s%%, more than --fail-on-increase %s", d.Percent().StringFixed(1), limit), nil
	case !isPct && d.Delta().GreaterThan(v):
		return fmt.Sprintf("monthly cost rises %s, more than --fail-on-increase %s", d.Delta().StringFixed(2), v.StringFixed(2)), nil
	}
	return "", nil
}
