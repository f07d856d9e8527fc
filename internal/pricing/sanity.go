package pricing

import (
	"fmt"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
)

// Every price that enters a catalog (from the embedded CSVs, a --prices
// directory, or offer files read by `refit prices update`) goes through
// checkPrice: it must be a plain decimal number, not negative, and not above
// the limit for its unit below. The limits sit far above every real AWS list
// price (each is at least 5× the highest price of its kind in any region) so
// that a real price rise never trips them, while garbage (1e400, a price per
// month read as per hour, a value in the wrong column) does. docs/pricing.md
// lists them.

// priceLimit is the highest plausible price for one kind of row.
type priceLimit struct {
	service string // "" matches any service
	unit    string
	max     decimal.Decimal
	what    string // for the error message
}

func limit(service, unit, max, what string) priceLimit {
	return priceLimit{service, unit, decimal.RequireFromString(max), what}
}

// priceLimits is searched in order; the first row whose service (if set)
// and unit match applies.
var priceLimits = sync.OnceValue(func() []priceLimit {
	return []priceLimit{
		// The largest EC2 instances (u7in-32tb.224xlarge) list at about $360
		// an hour in us-east-1 and more in GovCloud.
		limit("ec2", "usd_per_hour", "2000", "an EC2 instance hour"),
		limit("rds", "usd_per_hour", "1000", "an RDS instance hour"),
		limit("", "usd_per_hour", "1000", "an hour"), // load balancers, NAT gateways
		limit("", "usd_per_cluster_hour", "100", "an EKS cluster hour"),
		limit("", "usd_per_lcu_hour", "10", "an LCU-hour"),
		limit("", "usd_per_nlcu_hour", "10", "an NLCU-hour"),
		limit("", "usd_per_vcpu_hour", "10", "a vCPU-hour"),
		limit("", "usd_per_gb_hour", "10", "a GB-hour"),
		limit("", "usd_per_address_hour", "10", "an IPv4 address-hour"),
		limit("", "usd_per_endpoint_az_hour", "10", "an endpoint-hour"),
		limit("", "usd_per_gb", "10", "a GB"),
		limit("", "usd_per_gb_month", "10", "a GB-month"),
		limit("", "usd_per_iops_month", "10", "an IOPS-month"),
		limit("", "usd_per_mibps_month", "100", "a MiB/s-month"),
		limit("", "usd_per_gibps_month", "10000", "a GiB/s-month"),
		limit("", "usd_per_metric_month", "100", "a metric-month"),
		limit("", "usd_per_alarm_metric_month", "100", "an alarm metric-month"),
		limit("", "usd_per_1000_metrics", "100", "1,000 metrics"),
		limit("", "usd_per_zone_month", "1000", "a hosted zone-month"),
	}
})

// defaultPriceLimit applies to units the table does not know.
var defaultPriceLimit = sync.OnceValue(func() priceLimit { return limit("", "", "100000", "one unit") })

func limitFor(service, unit string) priceLimit {
	for _, l := range priceLimits() {
		if (l.service == "" || l.service == service) && l.unit == unit {
			return l
		}
	}
	return defaultPriceLimit()
}

// parsePrice parses a price for service (the catalog's service name, "ec2"
// or "rds" for instances) in unit and checks it with checkPrice.
func parsePrice(s, service, unit string) (decimal.Decimal, error) {
	d, err := parseNumber(s)
	if err != nil {
		return d, err
	}
	return d, checkPrice(d, s, service, unit)
}

// maxPriceDecimals bounds a price's decimal places (AWS writes ten), so
// that "1e-999999999" is refused rather than written out digit by digit.
const maxPriceDecimals = 30

// parseNumber parses a plain decimal number ("0.0225", "1.5e-3"); NaN,
// Inf, hexadecimal and empty strings are not prices.
func parseNumber(s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(s)
	if t == "" || strings.ContainsAny(t, "xXnNiI_") { // NaN, Inf, 0x..., 1_000
		return decimal.Decimal{}, fmt.Errorf("bad price %q (not a number)", s)
	}
	d, err := decimal.NewFromString(t)
	if err != nil {
		return d, fmt.Errorf("bad price %q (not a number)", s)
	}
	if d.Exponent() < -maxPriceDecimals {
		return d, fmt.Errorf("bad price %q (more than %d decimal places)", s, maxPriceDecimals)
	}
	return d, nil
}

// checkPrice returns an error naming the value (raw, as written) when d is
// negative or above the limit for its service and unit.
func checkPrice(d decimal.Decimal, raw, service, unit string) error {
	if d.IsNegative() {
		return fmt.Errorf("negative price %q", raw)
	}
	l := limitFor(service, unit)
	if d.GreaterThan(l.max) {
		return fmt.Errorf("implausible price %q for %s (%s, %s): over the limit of %s", raw, l.what, service, unit, l.max)
	}
	return nil
}
