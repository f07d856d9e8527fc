package cost

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/spf13/pflag"

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

// AddFlags registers the settings' flags: --region, --usage, --prices,
// --at, --allow-missing-prices and --strict-prices.
func (s *Settings) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&s.Region, "region", "", "AWS region to price in (default: the region in the input, else us-east-1)")
	fl.StringVar(&s.UsageFile, "usage", "", "YAML file of usage assumptions (NAT and load balancer traffic, data transfer); see docs/usage.md")
	fl.StringVar(&s.PricesDir, "prices", "", "directory of price CSVs to use instead of the embedded catalog (as written by `refit prices update`)")
	fl.StringVar(&s.At, "at", "", "date (YYYY-MM-DD) that decides EKS standard vs extended support (default: today)")
	fl.BoolVar(&s.AllowMissing, "allow-missing-prices", false, "list items no region of the catalog prices as \"not priced\" (left out of the total) instead of failing")
	fl.BoolVar(&s.StrictPrices, "strict-prices", false, "fail (exit 2) naming every price the catalog lacks in the region, instead of estimating it from the nearest region that has it")
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

// Limit is a --fail-over amount in dollars ("500" or "$500"); the zero
// Limit is none.
type Limit struct {
	set bool
	usd decimal.Decimal
}

// ParseLimit parses --fail-over s ("" for none); example is the amount the
// error suggests.
func ParseLimit(s, example string) (Limit, error) {
	if s == "" {
		return Limit{}, nil
	}
	v, err := decimal.NewFromString(strings.TrimPrefix(s, "$"))
	if err != nil {
		return Limit{}, fmt.Errorf("--fail-over %q: want an amount in dollars, for example %s", s, example)
	}
	return Limit{true, v}, nil
}

// Over says when total, what ("monthly cost"), is over the limit; "" when
// it is not.
func (l Limit) Over(what string, total decimal.Decimal) string {
	if !l.set || !total.GreaterThan(l.usd) {
		return ""
	}
	return fmt.Sprintf("%s %s is over --fail-over %s", what, total.StringFixed(2), l.usd.StringFixed(2))
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
