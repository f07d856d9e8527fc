package gen

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/charge"
)

// parseGenerated reads what GenerateEKSMonth wrote back into charges. It
// is a test-only reader (the package's readers are tested on their own),
// so the generator's tests do not depend on them.
func parseGenerated(t *testing.T, r io.Reader, format charge.Format) []charge.Charge {
	t.Helper()
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	get := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok {
			t.Fatalf("no column %s", name)
		}
		if rec[i] == "NULL" {
			return ""
		}
		return rec[i]
	}
	dec := func(s string) decimal.Decimal {
		if s == "" {
			return decimal.Zero
		}
		return decimal.RequireFromString(s)
	}
	var out []charge.Charge
	for n, rec := range recs[1:] {
		var c charge.Charge
		c.Source = fmt.Sprintf("gen.csv:%d", n+2)
		switch format {
		case charge.FormatCURLegacy:
			c.Start, _ = time.Parse(curTime, get(rec, "lineItem/UsageStartDate"))
			c.End, _ = time.Parse(curTime, get(rec, "lineItem/UsageEndDate"))
			c.Account, c.Region = get(rec, "lineItem/UsageAccountId"), get(rec, "product/region")
			c.Service, c.UsageType, c.Operation = get(rec, "lineItem/ProductCode"), get(rec, "lineItem/UsageType"), get(rec, "lineItem/Operation")
			c.ResourceID, c.LineItemType, c.Description = get(rec, "lineItem/ResourceId"), get(rec, "lineItem/LineItemType"), get(rec, "lineItem/LineItemDescription")
			c.Unblended = dec(get(rec, "lineItem/UnblendedCost"))
			c.UsageAmount, c.Unit, c.Currency = dec(get(rec, "lineItem/UsageAmount")), get(rec, "pricing/unit"), get(rec, "lineItem/CurrencyCode")
			if get(rec, "pricing/term") == "Spot" {
				c.Term = charge.TermSpot
			}
			if v := get(rec, "resourceTags/aws:eks:cluster-name"); v != "" {
				c.Tags = map[string]string{"aws:eks:cluster-name": v, "user:team": get(rec, "resourceTags/user:team")}
			}
		case charge.FormatFOCUS:
			const ft = "2006-01-02 15:04:05"
			c.Start, _ = time.Parse(ft, get(rec, "ChargePeriodStart"))
			c.End, _ = time.Parse(ft, get(rec, "ChargePeriodEnd"))
			c.Account, c.Region, c.Service = get(rec, "SubAccountId"), get(rec, "RegionId"), get(rec, "ServiceName")
			c.ResourceID, c.LineItemType, c.Description = get(rec, "ResourceId"), get(rec, "ChargeCategory"), get(rec, "ChargeDescription")
			c.Unblended = dec(get(rec, "BilledCost"))
			c.UsageAmount, c.Unit, c.Currency = dec(get(rec, "ConsumedQuantity")), get(rec, "ConsumedUnit"), get(rec, "BillingCurrency")
			if get(rec, "PricingCategory") == "Dynamic" {
				c.Term = charge.TermSpot
			}
			if v := get(rec, "Tags"); v != "" {
				if err := json.Unmarshal([]byte(v), &c.Tags); err != nil {
					t.Fatal(err)
				}
			}
		}
		c.Net, c.Amortized = c.Unblended, c.Unblended
		out = append(out, c)
	}
	return out
}

func testDay(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func testDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
