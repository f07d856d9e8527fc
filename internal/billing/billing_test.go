package billing

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/billing/analysis"
	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/gen"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/cost"
)

// The example month, opened as --example does, sums to what the generator
// says, component by component.
func TestOpenExample(t *testing.T) {
	var buf bytes.Buffer
	total, byComp, err := gen.GenerateEKSMonth(&buf, charge.FormatCURLegacy, gen.Month)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(context.Background(), Config{Example: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.Summary(context.Background(), Period{Cost: query.Unblended}, "user:team")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Total.Equal(total) || s.Stats.Files != 1 || s.TagKey != "user:team" || len(s.Tags) == 0 {
		t.Errorf("summary: total %s (want %s), %d files, tag %q %v", s.Total, total, s.Stats.Files, s.TagKey, s.Tags)
	}
	if len(s.Components) != len(byComp) {
		t.Fatalf("%d components, generator %d", len(s.Components), len(byComp))
	}
	for i, c := range s.Components {
		if !c.Cost.Equal(byComp[cost.Component(c.Name)]) {
			t.Errorf("%s: %s, generator %s", c.Name, c.Cost, byComp[cost.Component(c.Name)])
		}
		if i > 0 && cost.Component(s.Components[i-1].Name).Rank() > cost.Component(c.Name).Rank() {
			t.Errorf("components out of report order: %v", s.Components)
		}
	}
	for i := 1; i < len(s.Services); i++ {
		if s.Services[i].Cost.GreaterThan(s.Services[i-1].Cost) {
			t.Errorf("services not most expensive first: %v", s.Services)
		}
	}

	d, err := b.Daily(context.Background(), Period{}, query.ByService)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Days) != 31 || len(d.By) == 0 || !d.Total.Equal(total) {
		t.Errorf("daily: %d days, %d series, total %s", len(d.Days), len(d.By), d.Total)
	}
	found, err := b.Anomalies(context.Background(), Period{}, analysis.AnomalyOptions{})
	if err != nil || len(found) == 0 || found[0].Date.Day() != gen.GenSpikeDay {
		t.Errorf("anomalies: %v %v", found, err)
	}
	fc, err := b.Forecast(context.Background(), Period{})
	if err != nil || !fc.Last.Equal(time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)) || fc.DaysRemaining != 0 {
		t.Errorf("forecast: %+v %v", fc, err)
	}
	if _, err := b.Forecast(context.Background(), Period{From: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil || err.Error() != "no charges to forecast from" {
		t.Errorf("forecast of nothing: %v", err)
	}
}

// s3:// paths are listed through Config's OpenS3 when set (no global hook).
func TestOpenS3Option(t *testing.T) {
	var buf bytes.Buffer
	total, _, err := gen.GenerateEKSMonth(&buf, charge.FormatFOCUS, gen.Month)
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	cfg := Config{Paths: []string{"s3://bucket/focus/"}, Workers: 2, OpenS3: func(_ context.Context, url string) ([]objstore.Object, error) {
		asked = append(asked, url)
		return []objstore.Object{objstore.NewBytesObject(url+"part-1.csv", buf.Bytes())}, nil
	}}
	b, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	v, err := b.VsEstimate(context.Background(), Period{}, &cost.Breakdown{})
	if err != nil || v.Days != 31 || len(v.Comparisons) == 0 {
		t.Fatalf("vs-estimate: %+v %v", v, err)
	}
	s, err := b.Summary(context.Background(), Period{}, "")
	if err != nil || !s.Total.Equal(total) || s.Stats.Format != charge.FormatFOCUS {
		t.Errorf("summary: %v %+v %v", s.Total, s.Stats, err)
	}
	if len(asked) != 1 || asked[0] != "s3://bucket/focus/" {
		t.Errorf("OpenS3 asked for %v", asked)
	}
}

func TestOpenErrors(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no input"},
		{Config{Example: true, Paths: []string{"x.csv"}}, "either files or --example"},
		{Config{Engine: "duckdb"}, `unknown engine "duckdb"`},
		{Config{Paths: []string{"testdata/no-such.csv"}}, "no-such.csv"},
	} {
		if _, err := Open(context.Background(), tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.cfg, err, tt.want)
		}
	}
}

// countingEngine counts the reads of the engine it wraps.
type countingEngine struct {
	query.Engine
	reads int
}

func (c *countingEngine) Aggregate(ctx context.Context, q query.Query) (*query.Result, error) {
	c.reads++
	return c.Engine.Aggregate(ctx, q)
}

// TestReportsShareReads: the reports that need daily spend by component
// (Daily, Anomalies, VsEstimate) read the exports once between them, with
// the same answers as a Bill of their own; another period or grouping is
// another read.
func TestReportsShareReads(t *testing.T) {
	ctx := context.Background()
	open := func() (*Bill, *countingEngine) {
		b, err := Open(ctx, Config{Example: true})
		if err != nil {
			t.Fatal(err)
		}
		c := &countingEngine{Engine: b.eng}
		b.eng = c
		return b, c
	}
	p := Period{Cost: query.Unblended}
	b, c := open()
	d, err := b.Daily(ctx, p, query.ByComponent)
	if err != nil {
		t.Fatal(err)
	}
	an, err := b.Anomalies(ctx, p, analysis.AnomalyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := b.VsEstimate(ctx, p, &cost.Breakdown{})
	if err != nil {
		t.Fatal(err)
	}
	if c.reads != 1 {
		t.Errorf("%d reads for Daily, Anomalies and VsEstimate, want 1", c.reads)
	}
	if _, err := b.Forecast(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Daily(ctx, Period{Cost: query.Unblended, From: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)}, query.ByComponent); err != nil {
		t.Fatal(err)
	}
	if c.reads != 3 {
		t.Errorf("%d reads after Forecast (by day only) and another period, want 3", c.reads)
	}
	alone, _ := open()
	an2, err := alone.Anomalies(ctx, p, analysis.AnomalyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(an) != fmt.Sprint(an2) || len(d.Days) == 0 || vs.Days != len(d.Days) {
		t.Errorf("shared results differ: anomalies %v / %v, %d days / vs-estimate %d", an, an2, len(d.Days), vs.Days)
	}
}
