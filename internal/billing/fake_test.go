package billing

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// sliceSource is an in-memory ChargeSource that hands charges to several
// goroutines at once, round-robin, as parallel file readers do.
type sliceSource struct {
	charges []Charge
	workers int
}

func (s *sliceSource) Workers() int { return s.workers }

func (s *sliceSource) Scan(ctx context.Context, fn func(worker int, c *Charge) error) (Stats, error) {
	var wg sync.WaitGroup
	errs := make([]error, s.workers)
	for w := range s.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(s.charges); i += s.workers {
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				c := s.charges[i] // a copy, as readers reuse nothing across calls
				if err := fn(w, &c); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Stats{}, err
		}
	}
	return Stats{Files: 1, Rows: int64(len(s.charges))}, nil
}

// parseGenerated reads what GenerateEKSMonth wrote back into charges. It
// is a test-only reader (the package's readers are tested on their own),
// so the generator's tests do not depend on them.
func parseGenerated(t *testing.T, r io.Reader, format Format) []Charge {
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
	var out []Charge
	for n, rec := range recs[1:] {
		var c Charge
		c.Source = fmt.Sprintf("gen.csv:%d", n+2)
		switch format {
		case FormatCURLegacy:
			c.Start, _ = time.Parse(genTime, get(rec, "lineItem/UsageStartDate"))
			c.End, _ = time.Parse(genTime, get(rec, "lineItem/UsageEndDate"))
			c.Account, c.Region = get(rec, "lineItem/UsageAccountId"), get(rec, "product/region")
			c.Service, c.UsageType, c.Operation = get(rec, "lineItem/ProductCode"), get(rec, "lineItem/UsageType"), get(rec, "lineItem/Operation")
			c.ResourceID, c.LineItemType, c.Description = get(rec, "lineItem/ResourceId"), get(rec, "lineItem/LineItemType"), get(rec, "lineItem/LineItemDescription")
			c.Unblended = dec(get(rec, "lineItem/UnblendedCost"))
			c.UsageAmount, c.Unit, c.Currency = dec(get(rec, "lineItem/UsageAmount")), get(rec, "pricing/unit"), get(rec, "lineItem/CurrencyCode")
			if get(rec, "pricing/term") == "Spot" {
				c.Term = TermSpot
			}
			if v := get(rec, "resourceTags/aws:eks:cluster-name"); v != "" {
				c.Tags = map[string]string{"aws:eks:cluster-name": v, "user:team": get(rec, "resourceTags/user:team")}
			}
		case FormatFOCUS:
			const ft = "2006-01-02 15:04:05"
			c.Start, _ = time.Parse(ft, get(rec, "ChargePeriodStart"))
			c.End, _ = time.Parse(ft, get(rec, "ChargePeriodEnd"))
			c.Account, c.Region, c.Service = get(rec, "SubAccountId"), get(rec, "RegionId"), get(rec, "ServiceName")
			c.ResourceID, c.LineItemType, c.Description = get(rec, "ResourceId"), get(rec, "ChargeCategory"), get(rec, "ChargeDescription")
			c.Unblended = dec(get(rec, "BilledCost"))
			c.UsageAmount, c.Unit, c.Currency = dec(get(rec, "ConsumedQuantity")), get(rec, "ConsumedUnit"), get(rec, "BillingCurrency")
			if get(rec, "PricingCategory") == "Dynamic" {
				c.Term = TermSpot
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

// series builds a day series from costs, starting on 2024-11-01.
func testSeries(name string, costs ...string) DaySeries {
	s := DaySeries{Name: name}
	for i, c := range costs {
		s.Days = append(s.Days, Day{Date: testDay("2024-11-01").AddDate(0, 0, i), Cost: testDec(c)})
	}
	return s
}

func rowKeys(rows []Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r.Keys, "|"))
	}
	return out
}
