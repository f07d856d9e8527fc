package local

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/query"
)

// fakeCharges makes n charges with awkward decimal costs (sums of many
// tenths of cents go wrong in floating point) over a few days, services and
// tags.
func fakeCharges(n int) ([]charge.Charge, decimal.Decimal) {
	kinds := []struct{ service, usageType string }{
		{"AmazonEC2", "SpotUsage:t3.small"},
		{"AmazonEC2", "USE1-NatGateway-Bytes"},
		{"AWSELB", "USE1-LCUUsage"},
		{"AmazonEKS", "USE1-AmazonEKS-Hours:perCluster"},
	}
	start := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	var out []charge.Charge
	sum := decimal.Zero
	for i := range n {
		k := kinds[i%len(kinds)]
		c := charge.Charge{
			Start:     start.Add(time.Duration(i%(24*5)) * time.Hour),
			Service:   k.service,
			UsageType: k.usageType,
			Unblended: decimal.New(int64(i%997)+1, -4).Add(decimal.RequireFromString("0.0000000001")),
			Currency:  "USD",
			Source:    fmt.Sprintf("fake:%d", i+1),
		}
		if i%3 == 0 {
			c.Tags = map[string]string{"team": "platform"}
		}
		c.Net, c.Amortized = c.Unblended.Mul(decimal.NewFromInt(2)), c.Unblended.Mul(decimal.NewFromInt(3))
		c.UsageAmount = decimal.NewFromInt(1)
		c.End = c.Start.Add(time.Hour)
		sum = sum.Add(c.Unblended)
		out = append(out, c)
	}
	return out, sum
}

func TestLocalEngineExactTotals(t *testing.T) {
	charges, want := fakeCharges(20000)
	for _, workers := range []int{1, 3, 8} {
		t.Run(fmt.Sprint(workers, " workers"), func(t *testing.T) {
			eng := NewEngine(&sliceSource{charges: charges, workers: workers})
			for _, dims := range [][]query.Dimension{nil, {query.ByDay}, {query.ByDay, query.ByComponent}, {query.ByService, query.ByUsageType}, {query.TagDimension("team")}} {
				res, err := eng.Aggregate(context.Background(), query.Query{GroupBy: dims})
				if err != nil {
					t.Fatal(err)
				}
				if !res.Total.Equal(want) {
					t.Errorf("%v: total %s, want %s", dims, res.Total, want)
				}
				sum, rows := decimal.Zero, int64(0)
				for _, r := range res.Rows {
					sum = sum.Add(r.Cost)
					rows += r.Rows
					if len(r.Keys) != len(dims) {
						t.Fatalf("%v: keys %v", dims, r.Keys)
					}
				}
				if !sum.Equal(want) || rows != int64(len(charges)) {
					t.Errorf("%v: rows sum to %s over %d charges, want %s over %d", dims, sum, rows, want, len(charges))
				}
				if res.Currency != "USD" || res.First != testDay("2024-11-01") || res.Last != testDay("2024-11-05") {
					t.Errorf("%v: currency %q first %v last %v", dims, res.Currency, res.First, res.Last)
				}
			}
		})
	}
}

func TestLocalEngineGroupsAndOrder(t *testing.T) {
	charges, total := fakeCharges(400)
	eng := NewEngine(&sliceSource{charges: charges, workers: 4})
	res, err := eng.Aggregate(context.Background(), query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByComponent}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rowKeys(res.Rows[:4]), " ")
	// components come in report order, not alphabetically
	want := "2024-11-01|control-plane 2024-11-01|compute/spot 2024-11-01|network/nat-data 2024-11-01|network/load-balancer"
	if got != want {
		t.Errorf("first rows %s, want %s", got, want)
	}
	if len(res.Rows) != 5*4 {
		t.Errorf("%d rows, want 20", len(res.Rows))
	}

	for kind, mult := range map[query.CostKind]int64{query.Unblended: 1, "": 1, query.Net: 2, query.Amortized: 3} {
		res, err := eng.Aggregate(context.Background(), query.Query{Cost: kind})
		if err != nil {
			t.Fatal(err)
		}
		if w := total.Mul(decimal.NewFromInt(mult)); !res.Total.Equal(w) {
			t.Errorf("%q: total %s, want %s", kind, res.Total, w)
		}
	}

	tagged, err := eng.Aggregate(context.Background(), query.Query{GroupBy: []query.Dimension{query.TagDimension("team")}})
	if err != nil {
		t.Fatal(err)
	}
	if k := rowKeys(tagged.Rows); strings.Join(k, ",") != ",platform" {
		t.Errorf("tag groups %v", k)
	}
}

func TestLocalEngineTimeBounds(t *testing.T) {
	charges, _ := fakeCharges(24 * 5)
	eng := NewEngine(&sliceSource{charges: charges, workers: 2})
	res, err := eng.Aggregate(context.Background(), query.Query{GroupBy: []query.Dimension{query.ByDay}, From: testDay("2024-11-02"), To: testDay("2024-11-04")})
	if err != nil {
		t.Fatal(err)
	}
	if k := strings.Join(rowKeys(res.Rows), ","); k != "2024-11-02,2024-11-03" {
		t.Errorf("days %s", k)
	}
	if res.First != testDay("2024-11-02") || res.Last != testDay("2024-11-03") {
		t.Errorf("first %v last %v", res.First, res.Last)
	}
}

func TestLocalEngineErrors(t *testing.T) {
	charges, _ := fakeCharges(10)
	charges[7].Currency = "EUR"
	eng := NewEngine(&sliceSource{charges: charges, workers: 1})
	if _, err := eng.Aggregate(context.Background(), query.Query{}); err == nil || !strings.Contains(err.Error(), "fake:8: currency EUR") {
		t.Errorf("mixed currencies: %v", err)
	}
	// mixed across workers is caught at merge
	eng = NewEngine(&sliceSource{charges: charges, workers: 8})
	if _, err := eng.Aggregate(context.Background(), query.Query{}); err == nil || !strings.Contains(err.Error(), "currency") {
		t.Errorf("mixed currencies across workers: %v", err)
	}
	for _, q := range []query.Query{{Cost: "blended"}, {GroupBy: []query.Dimension{"colour"}}, {GroupBy: []query.Dimension{"tag:"}}} {
		if _, err := eng.Aggregate(context.Background(), q); err == nil {
			t.Errorf("%+v: no error", q)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewEngine(&sliceSource{charges: charges, workers: 2}).Aggregate(ctx, query.Query{}); err == nil {
		t.Error("cancelled context: no error")
	}
}

func BenchmarkLocalEngine(b *testing.B) {
	charges, _ := fakeCharges(100000)
	eng := NewEngine(&sliceSource{charges: charges, workers: 4})
	q := query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByComponent}}
	b.ResetTimer()
	for b.Loop() {
		if _, err := eng.Aggregate(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}
