package billing

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/benchdata"
)

// rowOnly hides the columnar path of a source, so the engine reads it
// charge by charge.
type rowOnly struct{ ChargeSource }

// columnarFiles writes the Parquet files the columnar tests read: CUR 2.0
// (DOUBLE costs, an optional resource id with nulls, several row groups),
// the bench generator's FOCUS (DECIMAL costs, TIMESTAMP starts) and
// AWS's legacy CUR Parquet samples (dictionary-encoded numbers).
func columnarFiles(t *testing.T) map[string][]Object {
	t.Helper()
	dir := t.TempDir()
	cur2 := filepath.Join(dir, "cur2.parquet")
	writeCUR2Parquet(t, cur2, 5000, 1200)
	focus := filepath.Join(dir, "focus.parquet")
	f, err := os.Create(focus)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := benchdata.GenerateFOCUSParquet(f, 3000, 0, 3000); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return map[string][]Object{
		"cur2":   {mustLocal(t, cur2)},
		"focus":  {mustLocal(t, focus)},
		"legacy": {mustLocal(t, "testdata/cur-legacy-parquet/Oct2018-WorkshopCUR-00001.snappy.parquet")},
	}
}

// TestColumnarMatchesRowPath holds the columnar path against the row path
// on every query shape it serves (and some it hands back).
func TestColumnarMatchesRowPath(t *testing.T) {
	files := columnarFiles(t)
	from := time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC)
	queries := []Query{
		{GroupBy: []Dimension{ByDay, ByService}},
		{GroupBy: []Dimension{ByService}},
		{GroupBy: []Dimension{ByDay}},
		{},
		{GroupBy: []Dimension{ByAccount, ByDay}},
		{GroupBy: []Dimension{ByDay, ByResource, ByUsageType}},
		{GroupBy: []Dimension{ByResource}, Cost: Net},
		{GroupBy: []Dimension{ByDay, ByService}, From: from, To: from.AddDate(0, 0, 3)},
		{GroupBy: []Dimension{ByDay, ByService}, From: time.Date(2018, 10, 3, 0, 0, 0, 1, time.UTC)},
		{GroupBy: []Dimension{ByComponent}},
		{GroupBy: []Dimension{ByDay, ByComponent}},
		{GroupBy: []Dimension{ByComponent, ByService, ByResource}},
		{GroupBy: []Dimension{TagDimension("cost_center"), ByDay}},
		{GroupBy: []Dimension{TagDimension("team")}},
		// not served: the row path answers
		{GroupBy: []Dimension{ByDay, ByService}, Cost: Amortized},
		{GroupBy: []Dimension{ByRegion}},
		{GroupBy: []Dimension{ByService}, Usage: true},
	}
	for name, objs := range files {
		for _, q := range queries {
			workers := []int{1, 3}
			if name == "legacy" { // 119,307 rows: the row path takes a while
				workers = workers[1:]
			}
			for _, workers := range workers {
				t.Run(fmt.Sprintf("%s/%v/%s/w%d", name, q.GroupBy, q.Cost, workers), func(t *testing.T) {
					opt := ReadOptions{Projection: ProjectionFor(q)}
					ctx := context.Background()
					col, err := NewLocalEngine(NewFileSource(objs, opt, workers)).Aggregate(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					row, err := NewLocalEngine(rowOnly{NewFileSource(objs, ReadOptions{}, workers)}).Aggregate(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					sameResult(t, col, row)
				})
			}
		}
	}
}

func sameResult(t *testing.T, got, want *Result) {
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

// TestColumnarPlanServes pins which queries take the columnar path, so a
// change that silently sends them back to the row path fails here.
func TestColumnarPlanServes(t *testing.T) {
	files := columnarFiles(t)
	cases := []struct {
		file string
		q    Query
		want bool
	}{
		{"focus", Query{GroupBy: []Dimension{ByDay, ByService}}, true},
		{"focus", Query{GroupBy: []Dimension{ByDay, ByAccount, ByResource}}, true},
		{"focus", Query{Cost: Net}, true}, // FOCUS has no net column: net is billed
		{"focus", Query{Cost: Amortized}, false},
		{"focus", Query{GroupBy: []Dimension{ByComponent}}, true},
		{"focus", Query{GroupBy: []Dimension{TagDimension("team")}}, false}, // FOCUS Tags is a map
		{"focus", Query{GroupBy: []Dimension{ByComponent, ByService, ByResource, ByAccount}}, true},
		{"focus", Query{GroupBy: []Dimension{ByDay, ByComponent, ByService, ByResource, ByAccount}}, false}, // five keys
		{"legacy", Query{GroupBy: []Dimension{TagDimension("cost_center"), ByComponent}}, true},
		{"cur2", Query{GroupBy: []Dimension{TagDimension("team")}}, false}, // resource_tags map
		{"focus", Query{Usage: true}, false},
		{"cur2", Query{GroupBy: []Dimension{ByDay, ByService}}, true},
		{"cur2", Query{Cost: Net}, false}, // a real net column: row path
		{"legacy", Query{GroupBy: []Dimension{ByDay, ByService}}, true},
	}
	for _, c := range cases {
		obj := files[c.file][0]
		pf, err := openParquet(obj)
		if err != nil {
			t.Fatal(err)
		}
		pr, err := newParquetReader(obj, pf, ProjectionFor(c.q))
		if err != nil {
			t.Fatal(err)
		}
		plan, ok := pr.columnarPlan(c.q)
		if ok != c.want {
			t.Errorf("%s %+v: columnar %v, want %v", c.file, c.q, ok, c.want)
		}
		if !ok {
			continue
		}
		// and it decodes every page itself (no fallback to rows)
		part := &partial{groups: map[string]*group{}, keyBuf: make([]string, len(c.q.GroupBy))}
		var st Stats
		var strs strTable
		for g := range pf.RowGroups() {
			if err := pr.aggregateGroup(context.Background(), g, plan, ReadOptions{}, part, &strs, &st); err != nil {
				t.Errorf("%s %+v: row group %d: %v", c.file, c.q, g, err)
			}
		}
		if st.Rows == 0 {
			t.Errorf("%s %+v: no rows", c.file, c.q)
		}
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
	objs := []Object{mustLocal(t, path)}
	q := Query{GroupBy: []Dimension{ByDay, ByService}}
	col, err := NewLocalEngine(NewFileSource(objs, ReadOptions{Projection: ProjectionFor(q)}, 2)).Aggregate(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	row, err := NewLocalEngine(rowOnly{NewFileSource(objs, ReadOptions{}, 2)}).Aggregate(context.Background(), q)
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
	_, err = NewLocalEngine(NewFileSource(objs, ReadOptions{Strict: true, Projection: ProjectionFor(q)}, 1)).Aggregate(context.Background(), q)
	if err == nil || !strings.Contains(err.Error(), "nulls.parquet: row 5:") {
		t.Errorf("strict: %v", err)
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
	q := Query{GroupBy: []Dimension{ByService}}
	_, err := NewLocalEngine(NewFileSource([]Object{mustLocal(t, path)}, ReadOptions{Projection: ProjectionFor(q)}, 1)).Aggregate(context.Background(), q)
	if err == nil || !strings.Contains(err.Error(), "eur.parquet:3: currency EUR, but") || !strings.Contains(err.Error(), "eur.parquet:1 has USD") {
		t.Errorf("got %v", err)
	}
}

func TestFloatDigitsMatchesNewFromFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := []float64{0, 1, -1, 0.1, 22.32, 1e-20, 1e-21, 123456789.123, -0.0000001, 5e-324, 1.7976931348623157e308, math.Copysign(0, -1)}
	for range 20000 {
		vals = append(vals, (rng.Float64()-0.3)*math.Pow(10, float64(rng.IntN(16)-8)))
	}
	var buf [32]byte
	for _, f := range vals {
		mant, scale, ok := floatDigits(f, buf[:])
		if !ok {
			t.Fatalf("%v: not ok", f)
		}
		got := decimal.New(mant, -scale)
		if want := decimal.NewFromFloat(f); !got.Equal(want) {
			t.Fatalf("%v: %s, want %s", f, got, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1)} {
		if _, _, ok := floatDigits(f, buf[:]); ok {
			t.Errorf("%v: ok", f)
		}
	}
}

func TestInt128(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var a int128
	want := new(big.Int)
	for range 10000 {
		v := int64(rng.Uint64())
		a.add64(v)
		want.Add(want, big.NewInt(v))
		m := uint64(rng.IntN(1e9) + 1)
		p := mul64(v>>20, m)
		var b int128
		b.add(p)
		a.add(b)
		want.Add(want, new(big.Int).Mul(big.NewInt(v>>20), new(big.Int).SetUint64(m)))
	}
	if a.big().Cmp(want) != 0 {
		t.Fatalf("sum %s, want %s", a.big(), want)
	}
}

func TestStartBound(t *testing.T) {
	ms := leaf{conv: convTimestamp, unit: time.Millisecond}
	day := leaf{conv: convDate}
	cases := []struct {
		t    time.Time
		l    leaf
		want int64
	}{
		{time.Unix(10, 0), ms, 10000},
		{time.Unix(10, 1), ms, 10001},
		{time.Unix(-10, 0), ms, -10000},
		{time.Unix(86400*3, 0), day, 3},
		{time.Unix(86400*3+1, 0), day, 4},
		{time.Unix(-1, 0), day, 0},
	}
	for _, c := range cases {
		if got := startBound(c.t, c.l, true); got != c.want {
			t.Errorf("startBound(%v, %v) = %d, want %d", c.t, c.l.conv, got, c.want)
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
	if _, err := benchdata.GenerateFOCUSParquet(f, n, 0, n); err != nil {
		b.Fatal(err)
	}
	f.Close()
	obj := mustLocal(b, path)
	q := Query{GroupBy: []Dimension{ByDay, ByService}}
	for _, path := range []string{"columnar", "rows"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				var src ChargeSource = NewFileSource([]Object{obj}, ReadOptions{Projection: ProjectionFor(q)}, 1)
				if path == "rows" {
					src = rowOnly{src}
				}
				res, err := NewLocalEngine(src).Aggregate(context.Background(), q)
				if err != nil || res.Stats.Rows != n {
					b.Fatal(res, err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
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
	q := Query{GroupBy: []Dimension{ByDay, ByService, ByResource}}
	f.Fuzz(func(t *testing.T, data []byte) {
		obj := NewBytesObject("fuzz.parquet", data)
		ctx := context.Background()
		col, errC := NewLocalEngine(NewFileSource([]Object{obj}, ReadOptions{Projection: ProjectionFor(q)}, 2)).Aggregate(ctx, q)
		row, errR := NewLocalEngine(rowOnly{NewFileSource([]Object{obj}, ReadOptions{Projection: ProjectionFor(q)}, 2)}).Aggregate(ctx, q)
		if errC == nil && errR == nil && !col.Total.Equal(row.Total) {
			t.Fatalf("columnar total %s, rows %s", col.Total, row.Total)
		}
	})
}

func TestInt128AddChecked(t *testing.T) {
	big := int128{lo: 0, hi: math.MaxInt64}
	a := big
	if a.addChecked(int128{lo: 0, hi: 1}) || a != big {
		t.Errorf("overflow added: %+v", a)
	}
	b := int128{lo: 0, hi: math.MinInt64}
	if b.addChecked(int128{lo: 0, hi: -1}) {
		t.Error("negative overflow added")
	}
	c := int128{hi: 5}
	if !c.addChecked(int128{hi: -7}) || c.hi != -2 {
		t.Errorf("ordinary sum: %+v", c)
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
	q := Query{GroupBy: []Dimension{ByService}}
	res, err := NewLocalEngine(NewFileSource([]Object{mustLocal(t, path)}, ReadOptions{Projection: ProjectionFor(q)}, 1)).Aggregate(context.Background(), q)
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
	if err := os.WriteFile(csvPath, curCSVGz(50_000), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, objs := range map[string][]Object{"csv.gz": {mustLocal(t, csvPath)}, "focus parquet": files["focus"], "cur2 parquet": files["cur2"]} {
		for _, q := range []Query{{GroupBy: []Dimension{ByDay, ByService}}, {GroupBy: []Dimension{ByRegion}}} {
			var seen atomic.Int64
			opt := ReadOptions{Projection: ProjectionFor(q), Progress: func(n int64) { seen.Add(n) }}
			res, err := NewLocalEngine(NewFileSource(objs, opt, 2)).Aggregate(context.Background(), q)
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
	objs, err := Expand([]string{"testdata/cur-legacy-sample.csv", "testdata/focus-1.0-sample.csv", "testdata/cur-legacy-parquet/Nov2018-WorkshopCUR-00001.snappy.parquet"})
	if err != nil {
		t.Fatal(err)
	}
	queries := []Query{
		{GroupBy: []Dimension{ByDay, ByService}},
		{GroupBy: []Dimension{ByComponent, ByService, ByResource}},
		{GroupBy: []Dimension{ByRegion, ByAccount}, Cost: Net},
		{GroupBy: []Dimension{ByUsageType}, Cost: Amortized},
		{GroupBy: []Dimension{TagDimension("Name")}},
	}
	for _, o := range objs {
		for _, q := range queries {
			t.Run(filepath.Base(o.Name())+"/"+fmt.Sprint(q.GroupBy)+"/"+string(q.Cost), func(t *testing.T) {
				got, err := NewLocalEngine(NewFileSource([]Object{o}, ReadOptions{Projection: ProjectionFor(q)}, 2)).Aggregate(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				want, err := NewLocalEngine(rowOnly{NewFileSource([]Object{o}, ReadOptions{}, 2)}).Aggregate(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				sameResult(t, got, want)
			})
		}
	}
}
