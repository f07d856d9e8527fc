package local

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/billtest"
	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/gen"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/billing/reader"
)

// rowOnly hides the columnar path of a source, so the engine reads it
// charge by charge (the columns of the query).
type rowOnly struct{ Source }

// rowAll is rowOnly reading every column: the reference a projected or
// columnar read is held to.
type rowAll struct{ Source }

func (r rowAll) Scan(ctx context.Context, _ reader.Projection, fn func(worker int, c *charge.Charge) error) (query.Stats, error) {
	return r.Source.Scan(ctx, reader.Projection{}, fn)
}

// columnarFiles writes the Parquet files the columnar tests read: CUR 2.0
// (DOUBLE costs, an optional resource id with nulls, several row groups),
// the bench generator's FOCUS (DECIMAL costs, TIMESTAMP starts) and
// AWS's legacy CUR Parquet samples (dictionary-encoded numbers).
func columnarFiles(t *testing.T) map[string][]objstore.Object {
	t.Helper()
	dir := t.TempDir()
	cur2 := filepath.Join(dir, "cur2.parquet")
	billtest.WriteCUR2Parquet(t, cur2, 5000, 1200)
	focus := filepath.Join(dir, "focus.parquet")
	f, err := os.Create(focus)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gen.GenerateFOCUSParquet(f, 3000, 0, 3000); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return map[string][]objstore.Object{
		"cur2":   {billtest.Local(t, cur2)},
		"focus":  {billtest.Local(t, focus)},
		"legacy": {billtest.Local(t, "../testdata/cur-legacy-parquet/Oct2018-WorkshopCUR-00001.snappy.parquet")},
	}
}

// TestColumnarMatchesRowPath holds the columnar path against the row path
// on every query shape it serves (and some it hands back).
func TestColumnarMatchesRowPath(t *testing.T) {
	files := columnarFiles(t)
	from := time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC)
	queries := []query.Query{
		{GroupBy: []query.Dimension{query.ByDay, query.ByService}},
		{GroupBy: []query.Dimension{query.ByService}},
		{GroupBy: []query.Dimension{query.ByDay}},
		{},
		{GroupBy: []query.Dimension{query.ByAccount, query.ByDay}},
		{GroupBy: []query.Dimension{query.ByDay, query.ByResource, query.ByUsageType}},
		{GroupBy: []query.Dimension{query.ByResource}, Cost: query.Net},
		{GroupBy: []query.Dimension{query.ByDay, query.ByService}, From: from, To: from.AddDate(0, 0, 3)},
		{GroupBy: []query.Dimension{query.ByDay, query.ByService}, From: time.Date(2018, 10, 3, 0, 0, 0, 1, time.UTC)},
		{GroupBy: []query.Dimension{query.ByComponent}},
		{GroupBy: []query.Dimension{query.ByDay, query.ByComponent}},
		{GroupBy: []query.Dimension{query.ByComponent, query.ByService, query.ByResource}},
		{GroupBy: []query.Dimension{query.TagDimension("cost_center"), query.ByDay}},
		{GroupBy: []query.Dimension{query.TagDimension("team")}},
		// not served: the row path answers
		{GroupBy: []query.Dimension{query.ByDay, query.ByService}, Cost: query.Amortized},
		{GroupBy: []query.Dimension{query.ByRegion}},
		{GroupBy: []query.Dimension{query.ByService}, Usage: true},
	}
	for name, objs := range files {
		for _, q := range queries {
			workers := []int{1, 3}
			if name == "legacy" { // 119,307 rows: the row path takes a while
				workers = workers[1:]
			}
			for _, workers := range workers {
				t.Run(fmt.Sprintf("%s/%v/%s/w%d", name, q.GroupBy, q.Cost, workers), func(t *testing.T) {
					opt := reader.Options{Projection: reader.ProjectionFor(q)}
					ctx := context.Background()
					col, err := NewEngine(NewFileSource(objs, opt, workers)).Aggregate(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					row, err := NewEngine(rowAll{NewFileSource(objs, reader.Options{}, workers)}).Aggregate(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					sameResult(t, col, row)
				})
			}
		}
	}
}

func sameResult(t *testing.T, got, want *query.Result) {
	t.Helper()
	if !got.Total.Equal(want.Total) || got.Total.String() != want.Total.String() {
		t.Errorf("total %s, want %s", got.Total, want.Total)
	}
	if got.Currency != want.Currency || !got.First.Equal(want.First) || !got.Last.Equal(want.Last) {
		t.Errorf("currency/first/last %s %s %s, want %s %s %s", got.Currency, got.First, got.Last, want.Currency, want.First, want.Last)
	}
	if got.Stats.Rows != want.Stats.Rows || got.Stats.Rejected != want.Stats.Rejected || got.Stats.Files != want.Stats.Files {
		t.Errorf("stats %+v, want %+v", got.Stats, want.Stats)
	}
	if len(got.Rows) != len(want.Rows) {
		t.Fatalf("%d groups, want %d", len(got.Rows), len(want.Rows))
	}
	for i := range got.Rows {
		g, w := got.Rows[i], want.Rows[i]
		if !slices.Equal(g.Keys, w.Keys) || g.Cost.String() != w.Cost.String() || g.Rows != w.Rows || !g.Usage.Equal(w.Usage) {
			t.Fatalf("group %d: %v %s %d usage %s, want %v %s %d usage %s", i, g.Keys, g.Cost, g.Rows, g.Usage, w.Keys, w.Cost, w.Rows, w.Usage)
		}
	}
}

func BenchmarkColumnarFOCUS(b *testing.B) {
	path := filepath.Join(b.TempDir(), "focus.parquet")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	const n = 500_000
	if _, err := gen.GenerateFOCUSParquet(f, n, 0, n); err != nil {
		b.Fatal(err)
	}
	f.Close()
	obj := billtest.Local(b, path)
	q := query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByService}}
	for _, path := range []string{"columnar", "rows"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				var src Source = NewFileSource([]objstore.Object{obj}, reader.Options{Projection: reader.ProjectionFor(q)}, 1)
				if path == "rows" {
					src = rowOnly{src}
				}
				res, err := NewEngine(src).Aggregate(context.Background(), q)
				if err != nil || res.Stats.Rows != n {
					b.Fatal(res, err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// Summing DOUBLE costs: zeros, whole numbers, tiny and huge values and
// sums past 128 bits all match decimal arithmetic.
func TestColumnarDoubleSums(t *testing.T) {
	type r struct {
		Start time.Time `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
		Cost  float64   `parquet:"line_item_unblended_cost"`
		Code  string    `parquet:"line_item_product_code"`
	}
	vals := []float64{0, 1, 2, 0.1, 1e-25, 3.5e-19, 9.9e16, 9.9e16, 1e300, -1e300, -0.25, 123456.789}
	for range 200 {
		vals = append(vals, 9.87654321e16) // 200 × 1e36 at scale 19 overflows 128 bits
	}
	path := filepath.Join(t.TempDir(), "d.parquet")
	f, _ := os.Create(path)
	w := parquet.NewGenericWriter[r](f)
	want := decimal.Zero
	s := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, v := range vals {
		if _, err := w.Write([]r{{s, v, "AmazonEC2"}}); err != nil {
			t.Fatal(err)
		}
		want = want.Add(decimal.NewFromFloat(v))
	}
	w.Close()
	f.Close()
	q := query.Query{GroupBy: []query.Dimension{query.ByService}}
	res, err := NewEngine(NewFileSource([]objstore.Object{billtest.Local(t, path)}, reader.Options{Projection: reader.ProjectionFor(q)}, 1)).Aggregate(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Total.Equal(want) || len(res.Rows) != 1 || !res.Rows[0].Cost.Equal(want) {
		t.Errorf("total %s, want %s", res.Total, want)
	}
}

// Progress hears of every row once (in steps), whichever path reads it.
func TestProgressCountsRowsOnce(t *testing.T) {
	files := columnarFiles(t)
	csvPath := filepath.Join(t.TempDir(), "cur.csv.gz")
	if err := os.WriteFile(csvPath, billtest.CURCSVGz(50_000), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, objs := range map[string][]objstore.Object{"csv.gz": {billtest.Local(t, csvPath)}, "focus parquet": files["focus"], "cur2 parquet": files["cur2"]} {
		for _, q := range []query.Query{{GroupBy: []query.Dimension{query.ByDay, query.ByService}}, {GroupBy: []query.Dimension{query.ByRegion}}} {
			var seen atomic.Int64
			opt := reader.Options{Projection: reader.ProjectionFor(q), Progress: func(n int64) { seen.Add(n) }}
			res, err := NewEngine(NewFileSource(objs, opt, 2)).Aggregate(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if got := seen.Load(); got > res.Stats.Rows || got < res.Stats.Rows-2*4096 {
				t.Errorf("%s %v: progress %d rows, read %d", name, q.GroupBy, got, res.Stats.Rows)
			}
		}
	}
}

// Reading only the columns a query needs changes no answer: the sample
// exports, CSV and Parquet, give the same result with and without the
// projection (and the columnar path where it applies).
func TestProjectionChangesNothing(t *testing.T) {
	objs, err := expand([]string{"../testdata/cur-legacy-sample.csv", "../testdata/focus-1.0-sample.csv", "../testdata/cur-legacy-parquet/Nov2018-WorkshopCUR-00001.snappy.parquet"})
	if err != nil {
		t.Fatal(err)
	}
	queries := []query.Query{
		{GroupBy: []query.Dimension{query.ByDay, query.ByService}},
		{GroupBy: []query.Dimension{query.ByComponent, query.ByService, query.ByResource}},
		{GroupBy: []query.Dimension{query.ByRegion, query.ByAccount}, Cost: query.Net},
		{GroupBy: []query.Dimension{query.ByUsageType}, Cost: query.Amortized},
		{GroupBy: []query.Dimension{query.TagDimension("Name")}},
	}
	for _, o := range objs {
		for _, q := range queries {
			t.Run(filepath.Base(o.Name())+"/"+fmt.Sprint(q.GroupBy)+"/"+string(q.Cost), func(t *testing.T) {
				got, err := NewEngine(NewFileSource([]objstore.Object{o}, reader.Options{Projection: reader.ProjectionFor(q)}, 2)).Aggregate(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				want, err := NewEngine(rowAll{NewFileSource([]objstore.Object{o}, reader.Options{}, 2)}).Aggregate(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				sameResult(t, got, want)
			})
		}
	}
}

// TestColumnarCurrencyMix: two currencies are an error naming both rows,
// as in the row path.
func TestColumnarCurrencyMix(t *testing.T) {
	type r struct {
		Start time.Time `parquet:"ChargePeriodStart,timestamp(millisecond)"`
		Cost  int64     `parquet:"BilledCost,decimal(2:18)"`
		Curr  string    `parquet:"BillingCurrency"`
		Svc   string    `parquet:"ServiceName"`
	}
	path := filepath.Join(t.TempDir(), "eur.parquet")
	f, _ := os.Create(path)
	w := parquet.NewGenericWriter[r](f)
	s := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := w.Write([]r{{s, 100, "USD", "A"}, {s, 100, "USD", "A"}, {s, 5, "EUR", "B"}}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	f.Close()
	q := query.Query{GroupBy: []query.Dimension{query.ByService}}
	_, err := NewEngine(NewFileSource([]objstore.Object{billtest.Local(t, path)}, reader.Options{Projection: reader.ProjectionFor(q)}, 1)).Aggregate(context.Background(), q)
	if err == nil || !strings.Contains(err.Error(), "eur.parquet:3: currency EUR, but") || !strings.Contains(err.Error(), "eur.parquet:1 has USD") {
		t.Errorf("got %v", err)
	}
}

// TestColumnarNulls covers null starts (rejected with their row), null
// costs (zero) and null keys ("") in the columnar path.
func TestColumnarNulls(t *testing.T) {
	type nullRow struct {
		Start   *time.Time `parquet:"ChargePeriodStart,optional,timestamp(millisecond)"`
		Cost    *int64     `parquet:"BilledCost,optional,decimal(4:18)"`
		Service *string    `parquet:"ServiceName,optional"`
		Curr    string     `parquet:"BillingCurrency"`
		Account string     `parquet:"SubAccountId"`
	}
	path := filepath.Join(t.TempDir(), "nulls.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[nullRow](f, parquet.MaxRowsPerRowGroup(7))
	base := time.Date(2025, 1, 1, 23, 0, 0, 0, time.UTC)
	for i := range 40 {
		r := nullRow{Curr: "USD", Account: "1"}
		if i%9 != 4 {
			s := base.Add(time.Duration(i) * time.Hour)
			r.Start = &s
		}
		if i%5 != 0 {
			c := int64(i*12345 - 30000)
			r.Cost = &c
		}
		if i%3 != 0 {
			s := []string{"AmazonEC2", "AmazonS3"}[i%2]
			r.Service = &s
		}
		if _, err := w.Write([]nullRow{r}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	objs := []objstore.Object{billtest.Local(t, path)}
	q := query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByService}}
	col, err := NewEngine(NewFileSource(objs, reader.Options{Projection: reader.ProjectionFor(q)}, 2)).Aggregate(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	row, err := NewEngine(rowAll{NewFileSource(objs, reader.Options{}, 2)}).Aggregate(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, col, row)
	if col.Stats.Rejected != 4 || col.Stats.Rows != 36 {
		t.Errorf("rows %d rejected %d, want 36 and 4", col.Stats.Rows, col.Stats.Rejected)
	}
	var rows []int
	for _, e := range col.Stats.Errors {
		rows = append(rows, e.Row)
		if !strings.Contains(e.Error(), "ChargePeriodStart: missing date") {
			t.Errorf("error %q", e.Error())
		}
	}
	if !slices.Equal(rows, []int{5, 14, 23, 32}) {
		t.Errorf("rejected rows %v, want 5 14 23 32", rows)
	}
	// strict stops at the first
	_, err = NewEngine(NewFileSource(objs, reader.Options{Strict: true, Projection: reader.ProjectionFor(q)}, 1)).Aggregate(context.Background(), q)
	if err == nil || !strings.Contains(err.Error(), "nulls.parquet: row 5:") {
		t.Errorf("strict: %v", err)
	}
}

// TestColumnarPlanServes pins which queries take the columnar path, so a
// change that silently sends them back to the row path fails here.
func TestColumnarPlanServes(t *testing.T) {
	files := columnarFiles(t)
	cases := []struct {
		file string
		q    query.Query
		want bool
	}{
		{"focus", query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByService}}, true},
		{"focus", query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByAccount, query.ByResource}}, true},
		{"focus", query.Query{Cost: query.Net}, true}, // FOCUS has no net column: net is billed
		{"focus", query.Query{Cost: query.Amortized}, false},
		{"focus", query.Query{GroupBy: []query.Dimension{query.ByComponent}}, true},
		{"focus", query.Query{GroupBy: []query.Dimension{query.TagDimension("team")}}, false}, // FOCUS Tags is a map
		{"focus", query.Query{GroupBy: []query.Dimension{query.ByComponent, query.ByService, query.ByResource, query.ByAccount}}, true},
		{"focus", query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByComponent, query.ByService, query.ByResource, query.ByAccount}}, false}, // five keys
		{"legacy", query.Query{GroupBy: []query.Dimension{query.TagDimension("cost_center"), query.ByComponent}}, true},
		{"cur2", query.Query{GroupBy: []query.Dimension{query.TagDimension("team")}}, false}, // resource_tags map
		{"focus", query.Query{Usage: true}, false},
		{"cur2", query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByService}}, true},
		{"cur2", query.Query{Cost: query.Net}, false}, // a real net column: row path
		{"legacy", query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByService}}, true},
	}
	for _, c := range cases {
		obj := files[c.file][0]
		pr, err := reader.OpenParquet(obj, reader.ProjectionFor(c.q))
		if err != nil {
			t.Fatal(err)
		}
		plan, ok := pr.Plan(c.q)
		if ok != c.want {
			t.Errorf("%s %+v: columnar %v, want %v", c.file, c.q, ok, c.want)
		}
		if !ok {
			continue
		}
		// and it decodes every page itself (no fallback to rows)
		parts, err := query.NewPartials(c.q, 1)
		if err != nil {
			t.Fatal(err)
		}
		var st query.Stats
		var strs reader.Strings
		for g := range pr.RowGroups() {
			if err := pr.Aggregate(context.Background(), g, plan, reader.Options{}, parts[0], &strs, &st); err != nil {
				t.Errorf("%s %+v: row group %d: %v", c.file, c.q, g, err)
			}
		}
		if st.Rows == 0 {
			t.Errorf("%s %+v: no rows", c.file, c.q)
		}
	}
}

// FuzzReadParquet feeds damaged Parquet files to both paths: neither may
// panic or hang, and when both read a file they agree.
func FuzzReadParquet(f *testing.F) {
	type r struct {
		Start time.Time `parquet:"ChargePeriodStart,timestamp(millisecond)"`
		Cost  int64     `parquet:"BilledCost,decimal(4:18)"`
		Curr  string    `parquet:"BillingCurrency"`
		Svc   *string   `parquet:"ServiceName,optional"`
		Res   string    `parquet:"ResourceId"`
	}
	var seeds [][]byte
	for _, n := range []int{3, 40} {
		var buf bytes.Buffer
		w := parquet.NewGenericWriter[r](&buf, parquet.MaxRowsPerRowGroup(16))
		s := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range n {
			svc := []string{"AmazonEC2", "AmazonS3"}[i%2]
			row := r{s.Add(time.Duration(i) * 5 * time.Hour), int64(i*333 - 100), "USD", &svc, fmt.Sprintf("i-%d", i%4)}
			if i%7 == 3 {
				row.Svc = nil
			}
			if _, err := w.Write([]r{row}); err != nil {
				f.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, buf.Bytes())
	}
	for _, s := range seeds {
		f.Add(s)
	}
	q := query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByService, query.ByResource}}
	f.Fuzz(func(t *testing.T, data []byte) {
		obj := objstore.NewBytesObject("fuzz.parquet", data)
		ctx := context.Background()
		col, errC := NewEngine(NewFileSource([]objstore.Object{obj}, reader.Options{Projection: reader.ProjectionFor(q)}, 2)).Aggregate(ctx, q)
		row, errR := NewEngine(rowOnly{NewFileSource([]objstore.Object{obj}, reader.Options{Projection: reader.ProjectionFor(q)}, 2)}).Aggregate(ctx, q)
		if errC == nil && errR == nil && !col.Total.Equal(row.Total) {
			t.Fatalf("columnar total %s, rows %s", col.Total, row.Total)
		}
	})
}
