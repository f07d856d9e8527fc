package gen

import (
	"bytes"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/billing/analysis"
	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/shopspring/decimal"
)

func TestGenerateEKSMonth(t *testing.T) {
	for _, format := range []charge.Format{charge.FormatCURLegacy, charge.FormatFOCUS} {
		for _, month := range []time.Time{testDay("2024-11-01"), testDay("2025-02-01")} {
			t.Run(string(format)+" "+month.Format("2006-01"), func(t *testing.T) {
				testGenerated(t, format, month)
			})
		}
	}
}

func testGenerated(t *testing.T, format charge.Format, month time.Time) {
	var buf bytes.Buffer
	total, byComp, err := GenerateEKSMonth(&buf, format, month)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := genEKSMonth(month)
	if err != nil {
		t.Fatal(err)
	}
	charges := parseGenerated(t, &buf, format)
	if len(charges) != len(lines) {
		t.Fatalf("%d charges, %d lines", len(charges), len(lines))
	}
	// every charge lands in the component the generator meant
	sum := decimal.Zero
	for i := range charges {
		c := &charges[i]
		if got, reason := charge.ClassifyReason(c); got != lines[i].want {
			t.Errorf("%s: %s %s %q: classified %s (%s), want %s", c.Source, c.Service, c.UsageType, c.Description, got, reason, lines[i].want)
		}
		sum = sum.Add(c.Unblended)
	}
	if !sum.Equal(total) {
		t.Errorf("file sums to %s, generator says %s", sum, total)
	}

	q := query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByComponent}}
	parts, err := query.NewPartials(q, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range charges {
		if err := parts[0].Add(&charges[i]); err != nil {
			t.Fatal(err)
		}
	}
	res, err := query.Merge(parts, q.GroupBy, query.Stats{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Total.Equal(total) {
		t.Errorf("engine total %s, want %s", res.Total, total)
	}
	perComp := map[cost.Component]decimal.Decimal{}
	for _, r := range res.Rows {
		perComp[cost.Component(r.Keys[1])] = perComp[cost.Component(r.Keys[1])].Add(r.Cost)
	}
	for c, v := range byComp {
		if !perComp[c].Equal(v) {
			t.Errorf("%s: engine %s, generator %s", c, perComp[c], v)
		}
	}
	if len(perComp) != len(byComp) {
		t.Errorf("components: engine %v, generator %v", perComp, byComp)
	}

	// the bill looks like the founding story's: about $7.80 a day of usage
	days := int(res.Last.Sub(res.First).Hours()/24) + 1
	usage := decimal.Zero
	for c, v := range byComp {
		if !analysis.IsAdjustment(c) {
			usage = usage.Add(v)
		}
	}
	spike := decimal.NewFromInt(genSpikeGB).Mul(testDec("0.045"))
	perDay := usage.Sub(spike).Div(decimal.NewFromInt(int64(days)))
	if perDay.LessThan(testDec("7.5")) || perDay.GreaterThan(testDec("8.1")) {
		t.Errorf("usage %s a day, want about 7.80", perDay.StringFixed(2))
	}
	t.Logf("%d lines, total %s, %s a day without the spike", len(lines), total.StringFixed(2), perDay.StringFixed(2))

	// anomalies: the NAT data spike and nothing else
	anomalies := analysis.Anomalies(analysis.UsageSeries(res), analysis.AnomalyOptions{})
	seen := map[string]bool{}
	for _, a := range anomalies {
		if a.Date.Day() != GenSpikeDay || (a.Series != analysis.TotalSeries && a.Series != string(cost.NATData)) {
			t.Errorf("unexpected anomaly %+v", a)
		}
		seen[a.Series] = true
	}
	if !seen[analysis.TotalSeries] || !seen[string(cost.NATData)] {
		t.Errorf("spike not found in total and nat-data: %+v", anomalies)
	}
}

func TestGenerateEKSMonthBadFormat(t *testing.T) {
	var buf bytes.Buffer
	if _, _, err := GenerateEKSMonth(&buf, charge.FormatCUR2, testDay("2024-11-01")); err == nil {
		t.Error("cur2: no error")
	}
}
