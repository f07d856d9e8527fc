package reader

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/billtest"
	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
)

// sums are totals of Unblended: overall, per UTC day and per service.
type sums struct {
	rows      int64
	total     *big.Rat
	byDay     map[string]*big.Rat
	byService map[string]*big.Rat
}

func newSums() *sums {
	return &sums{total: new(big.Rat), byDay: map[string]*big.Rat{}, byService: map[string]*big.Rat{}}
}

func (s *sums) add(day, service string, v *big.Rat) {
	s.rows++
	s.total.Add(s.total, v)
	for _, kv := range []struct {
		m map[string]*big.Rat
		k string
	}{{s.byDay, day}, {s.byService, service}} {
		if kv.m[kv.k] == nil {
			kv.m[kv.k] = new(big.Rat)
		}
		kv.m[kv.k].Add(kv.m[kv.k], v)
	}
}

func (s *sums) equal(t *testing.T, want *sums) {
	t.Helper()
	if s.rows != want.rows {
		t.Errorf("rows = %d, want %d", s.rows, want.rows)
	}
	if s.total.Cmp(want.total) != 0 {
		t.Errorf("total = %s, want %s", s.total.FloatString(10), want.total.FloatString(10))
	}
	for name, m := range map[string][2]map[string]*big.Rat{"day": {s.byDay, want.byDay}, "service": {s.byService, want.byService}} {
		got, exp := m[0], m[1]
		if len(got) != len(exp) {
			t.Errorf("%d %ss, want %d", len(got), name, len(exp))
		}
		for k, v := range exp {
			if got[k] == nil || got[k].Cmp(v) != 0 {
				t.Errorf("%s %q: got %v, want %s", name, k, got[k], v.FloatString(10))
			}
		}
	}
}

// readSums sums charges the package's reader returns.
func readSums(t testing.TB, obj objstore.Object) (*sums, query.Stats) {
	t.Helper()
	s := newSums()
	st, err := Read(context.Background(), obj, Options{Strict: true}, func(c *charge.Charge) error {
		s.add(c.Start.Format("2006-01-02"), c.Service, c.Unblended.Rat())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

// csvSums is the independent path for CSV: encoding/csv, the cost parsed
// with math/big.Rat and the day cut from the date text.
func csvSums(t *testing.T, path, costCol, startCol, serviceCol string) *sums {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	s := newSums()
	for _, r := range recs[1:] {
		v, ok := new(big.Rat).SetString(r[col[costCol]])
		if !ok {
			t.Fatalf("bad cost %q", r[col[costCol]])
		}
		s.add(r[col[startCol]][:10], r[col[serviceCol]], v)
	}
	return s
}

// parquetSums is the independent path for Parquet: parquet-go's generic
// row reader into a struct naming the three columns.
func parquetSums(t *testing.T, path string) *sums {
	t.Helper()
	type cols struct {
		Cost    float64   `parquet:"line_item_unblended_cost"`
		Start   time.Time `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
		Service string    `parquet:"line_item_product_code"`
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := parquet.NewGenericReader[cols](f)
	defer r.Close()
	s := newSums()
	buf := make([]cols, 1000)
	var fsum float64
	for {
		n, err := r.Read(buf)
		for _, c := range buf[:n] {
			fsum += c.Cost
			s.add(c.Start.UTC().Format("2006-01-02"), c.Service, decimal.NewFromFloat(c.Cost).Rat())
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// Cross-check against a plain float sum as well.
	got, _ := s.total.Float64()
	if d := got - fsum; d > 1e-6 || d < -1e-6 {
		t.Errorf("decimal total %v far from float total %v", got, fsum)
	}
	return s
}

func TestSampleSums(t *testing.T) {
	tests := []struct {
		file   string
		format charge.Format
		rows   int64
		want   func(t *testing.T, path string) *sums
	}{
		{"../testdata/cur-legacy-sample.csv", charge.FormatCURLegacy, 1281, func(t *testing.T, p string) *sums {
			return csvSums(t, p, "lineItem/UnblendedCost", "lineItem/UsageStartDate", "lineItem/ProductCode")
		}},
		{"../testdata/focus-1.0-sample.csv", charge.FormatFOCUS, 1000, func(t *testing.T, p string) *sums {
			return csvSums(t, p, "BilledCost", "ChargePeriodStart", "ServiceName")
		}},
		{"../testdata/cur-legacy-parquet/Oct2018-WorkshopCUR-00001.snappy.parquet", charge.FormatCURLegacy, 119307, parquetSums},
		{"../testdata/cur-legacy-parquet/Nov2018-WorkshopCUR-00001.snappy.parquet", charge.FormatCURLegacy, 124340, parquetSums},
		{"../testdata/cur-legacy-parquet/Dec2018-WorkshopCUR-00001.snappy.parquet", charge.FormatCURLegacy, 91264, parquetSums},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			obj, err := objstore.NewLocalObject(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			got, st := readSums(t, obj)
			if st.Format != tt.format || st.Rows != tt.rows || st.Rejected != 0 || st.Files != 1 || st.Bytes != obj.Size() {
				t.Errorf("stats = %+v, want format %s, %d rows", st, tt.format, tt.rows)
			}
			got.equal(t, tt.want(t, tt.file))
		})
	}
}

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	focusPQ := filepath.Join(dir, "focus.parquet")
	billtest.WriteFOCUSParquet(t, focusPQ, 10, 0)
	cur2PQ := filepath.Join(dir, "cur2.parquet")
	billtest.WriteCUR2Parquet(t, cur2PQ, 10, 0)
	tests := []struct {
		file string
		want charge.Format
	}{
		{"../testdata/cur-legacy-sample.csv", charge.FormatCURLegacy},
		{"../testdata/focus-1.0-sample.csv", charge.FormatFOCUS},
		{"../testdata/cur-legacy-parquet/Nov2018-WorkshopCUR-00001.snappy.parquet", charge.FormatCURLegacy},
		{focusPQ, charge.FormatFOCUS},
		{cur2PQ, charge.FormatCUR2},
	}
	for _, tt := range tests {
		obj, err := objstore.NewLocalObject(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Detect(context.Background(), obj)
		if err != nil || got != tt.want {
			t.Errorf("Detect(%s) = %q, %v; want %q", tt.file, got, err, tt.want)
		}
	}
	_, err := Detect(context.Background(), objstore.NewBytesObject("other.csv", []byte("a,b,Cost\n1,2,3\n")))
	if err == nil || !strings.Contains(err.Error(), "other.csv") || !strings.Contains(err.Error(), "a, b, Cost") {
		t.Errorf("unknown format error = %v", err)
	}
	for _, cols := range [][]string{
		{"line_item_unblended_cost", "bill_payer_account_name"},
		{"line_item_unblended_cost", "resource_tags"},
	} {
		if f, err := DetectColumns("x", cols); f != charge.FormatCUR2 || err != nil {
			t.Errorf("DetectColumns(%v) = %s, %v", cols, f, err)
		}
	}
}

func TestBadRows(t *testing.T) {
	path := "../testdata/bad/cur-bad.csv"
	obj, err := objstore.NewLocalObject(path)
	if err != nil {
		t.Fatal(err)
	}
	var total decimal.Decimal
	st, err := Read(context.Background(), obj, Options{}, func(c *charge.Charge) error {
		total = total.Add(c.Unblended)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 2 || st.Rejected != 4 {
		t.Errorf("rows %d rejected %d, want 2 and 4", st.Rows, st.Rejected)
	}
	if !total.Equal(decimal.RequireFromString("3.5")) {
		t.Errorf("total = %s, want 3.5", total)
	}
	want := []string{
		path + ": row 3: lineItem/UnblendedCost: bad number \"1.2.3\"",
		path + ": row 4: lineItem/UsageStartDate: bad date \"yesterday\"",
		path + ": row 5: 3 fields, header has 6",
		path + ": row 8: lineItem/UnblendedCost: bad number \"abc\"",
	}
	if len(st.Errors) != len(want) {
		t.Fatalf("errors = %v", st.Errors)
	}
	for i, e := range st.Errors {
		if e.Error() != want[i] {
			t.Errorf("error %d = %q, want %q", i, e.Error(), want[i])
		}
	}
	// MaxErrors keeps only the first few; Rejected still counts all.
	st, _ = Read(context.Background(), obj, Options{MaxErrors: 1}, func(*charge.Charge) error { return nil })
	if len(st.Errors) != 1 || st.Rejected != 4 {
		t.Errorf("MaxErrors 1: %d errors, %d rejected", len(st.Errors), st.Rejected)
	}
	// Strict stops at the first.
	_, err = Read(context.Background(), obj, Options{Strict: true}, func(*charge.Charge) error { return nil })
	var re *charge.RowError
	if !errors.As(err, &re) || re.Row != 3 || re.File != path {
		t.Errorf("strict error = %v", err)
	}

	// FOCUS with a bad BilledCost, and a bad date in a Parquet file.
	st, err = Read(context.Background(), billtest.Local(t, "../testdata/bad/focus-bad.csv"), Options{}, func(*charge.Charge) error { return nil })
	if err != nil || st.Rows != 1 || st.Rejected != 1 || st.Errors[0].Row != 3 {
		t.Errorf("focus-bad: %+v %v", st, err)
	}
	pq := filepath.Join(t.TempDir(), "bad.parquet")
	billtest.WriteStringDateParquet(t, pq, []string{"2024-01-01T00:00:00Z", "not a date", "2024-01-02 00:00:00"}, []string{"1.5", "2", "x"})
	st, err = Read(context.Background(), billtest.Local(t, pq), Options{}, func(*charge.Charge) error { return nil })
	if err != nil || st.Rows != 1 || st.Rejected != 2 {
		t.Fatalf("bad.parquet: %+v %v", st, err)
	}
	if got := st.Errors[0].Error(); got != pq+": row 2: line_item_usage_start_date: bad date \"not a date\"" {
		t.Errorf("parquet row error = %q", got)
	}
	if st.Errors[1].Row != 3 {
		t.Errorf("parquet row error 2 = %v", st.Errors[1])
	}
}

func TestParseDecimal(t *testing.T) {
	for in, want := range map[string]string{"1.0": "1", "0.00000080000": "0.0000008", "-2.6137": "-2.6137", "1E-7": "0.0000001", " 3 ": "3"} {
		d, ok, err := parseDecimal(in)
		if err != nil || !ok || !d.Equal(decimal.RequireFromString(want)) {
			t.Errorf("parseDecimal(%q) = %s %v %v", in, d, ok, err)
		}
	}
	for _, in := range []string{"", "NULL"} {
		if _, ok, err := parseDecimal(in); ok || err != nil {
			t.Errorf("parseDecimal(%q): ok %v err %v", in, ok, err)
		}
	}
	for _, in := range []string{"1e-999999999", "1e100", "1,5", "0x10", "NaN"} {
		if _, _, err := parseDecimal(in); err == nil {
			t.Errorf("parseDecimal(%q): no error", in)
		}
	}
}

func TestGzip(t *testing.T) {
	data, err := os.ReadFile("../testdata/cur-legacy-sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	plain, _ := readSums(t, objstore.NewBytesObject("plain.csv", data))
	// Named without .gz: gzip is detected by its magic bytes.
	zipped, st := readSums(t, objstore.NewBytesObject("report-1", buf.Bytes()))
	zipped.equal(t, plain)
	if st.Bytes != int64(buf.Len()) {
		t.Errorf("Bytes = %d, want compressed size %d", st.Bytes, buf.Len())
	}
	// A truncated gzip stream is an error, not a silent short read.
	_, err = Read(context.Background(), objstore.NewBytesObject("cut.csv.gz", buf.Bytes()[:buf.Len()/2]), Options{}, func(*charge.Charge) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "cut.csv.gz") {
		t.Errorf("truncated gzip: %v", err)
	}
}

func TestCSVFields(t *testing.T) {
	var got []charge.Charge
	_, err := Read(context.Background(), billtest.Local(t, "../testdata/cur-legacy-sample.csv"), Options{Strict: true}, func(c *charge.Charge) error {
		got = append(got, *c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := got[0]
	if c.LineItemType != "Tax" || c.Service != "AWSCloudTrail" || c.Account != "123412340534" || c.Currency != "USD" ||
		c.Term != charge.TermOther || !c.Start.Equal(time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC)) || c.Source != "../testdata/cur-legacy-sample.csv:2" {
		t.Errorf("first charge = %+v", c)
	}
	var usage *charge.Charge
	for i := range got {
		if got[i].LineItemType == "Usage" && got[i].Region != "" {
			usage = &got[i]
			break
		}
	}
	if usage == nil || usage.Term != charge.TermOnDemand || !usage.Amortized.Equal(usage.Unblended) || !usage.Net.Equal(usage.Unblended) {
		t.Errorf("usage charge = %+v", usage)
	}
}

func TestFOCUSFields(t *testing.T) {
	var got []charge.Charge
	_, err := Read(context.Background(), billtest.Local(t, "../testdata/focus-1.0-sample.csv"), Options{Strict: true}, func(c *charge.Charge) error {
		cc := *c
		cc.Tags = map[string]string{}
		for k, v := range c.Tags {
			cc.Tags[k] = v
		}
		got = append(got, cc)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := got[0]
	if c.Service != "Amazon Simple Queue Service" || c.Region != "us-west-2" || c.Account != "51738928782" ||
		c.LineItemType != "Usage" || c.Term != charge.TermOnDemand || c.Unit != "Requests" ||
		!c.UsageAmount.Equal(decimal.NewFromInt(2)) || !c.Unblended.Equal(decimal.RequireFromString("0.0000008")) ||
		!c.Amortized.IsZero() || !c.Start.Equal(time.Date(2024, 9, 18, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("first FOCUS charge = %+v", c)
	}
	types := map[string]int{}
	terms := map[charge.Term]int{}
	tagged := 0
	for _, c := range got {
		types[c.LineItemType]++
		terms[c.Term]++
		if c.Tags["environment"] != "" {
			tagged++
		}
	}
	if types["Credit"] != 1 || types["SavingsPlanCoveredUsage"] != 4 || types["Usage"] != 993 {
		t.Errorf("line item types = %v", types)
	}
	if terms[charge.TermSavingsPlan] != 4 || terms[charge.TermOnDemand] != 988 {
		t.Errorf("terms = %v", terms)
	}
	if tagged == 0 {
		t.Error("no FOCUS Tags read")
	}
}

func TestParquetFields(t *testing.T) {
	var ri, rifee, spot int
	_, err := Read(context.Background(), billtest.Local(t, "../testdata/cur-legacy-parquet/Oct2018-WorkshopCUR-00001.snappy.parquet"), Options{Strict: true}, func(c *charge.Charge) error {
		switch {
		case c.LineItemType == "DiscountedUsage":
			ri++
			if c.Term != charge.TermReserved {
				t.Fatalf("DiscountedUsage term %s", c.Term)
			}
		case c.LineItemType == "RIFee":
			rifee++
		case c.Term == charge.TermSpot:
			spot++
			if !strings.Contains(c.UsageType, "SpotUsage") {
				t.Fatalf("spot %+v", c)
			}
		}
		if c.Region == "" && c.Service == "AmazonEC2" && strings.HasPrefix(c.UsageType, "BoxUsage") {
			t.Fatalf("EC2 box usage without region: %+v", c)
		}
		if c.Start.Location() != time.UTC || c.Start.Year() != 2018 {
			t.Fatalf("start %v", c.Start)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ri == 0 || rifee == 0 || spot == 0 {
		t.Errorf("discounted %d, RI fee %d, spot %d: want some of each", ri, rifee, spot)
	}
}

// TestAmortized checks the CUR amortized-cost rule line by line.
func TestAmortized(t *testing.T) {
	const header = "lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageType,lineItem/UnblendedCost,lineItem/NetUnblendedCost," +
		"savingsPlan/SavingsPlanEffectiveCost,savingsPlan/TotalCommitmentToDate,savingsPlan/UsedCommitment," +
		"reservation/EffectiveCost,reservation/UnusedAmortizedUpfrontFeeForBillingPeriod,reservation/UnusedRecurringFee,reservation/ReservationARN,pricing/term\n"
	tests := []struct {
		line       string
		amort, net string
		term       charge.Term
	}{
		{"Usage,2024-01-01T00:00:00Z,BoxUsage:m5.large,1.00,0.90,,,,,,,,OnDemand", "1", "0.9", charge.TermOnDemand},
		{"Usage,2024-01-01T00:00:00Z,SpotUsage:m5.large,0.30,,,,,,,,,", "0.3", "0.3", charge.TermSpot},
		{"SavingsPlanCoveredUsage,2024-01-01T00:00:00Z,BoxUsage:m5.large,1.00,1.00,0.62,,,,,,,", "0.62", "1", charge.TermSavingsPlan},
		{"SavingsPlanNegation,2024-01-01T00:00:00Z,BoxUsage:m5.large,-1.00,-1.00,,,,,,,,", "0", "-1", charge.TermSavingsPlan},
		{"SavingsPlanRecurringFee,2024-01-01T00:00:00Z,ComputeSP:1yrNoUpfront,10,10,,10,7.5,,,,,", "2.5", "10", charge.TermSavingsPlan},
		{"SavingsPlanUpfrontFee,2024-01-01T00:00:00Z,x,100,100,,,,,,,,", "0", "100", charge.TermSavingsPlan},
		{"DiscountedUsage,2024-01-01T00:00:00Z,BoxUsage:m5.large,0,0,,,,0.055,,,arn:aws:ec2:ri,Reserved", "0.055", "0", charge.TermReserved},
		{"RIFee,2024-01-01T00:00:00Z,HeavyUsage:m5.large,20,20,,,,,1.5,2.25,arn:aws:ec2:ri,Reserved", "3.75", "20", charge.TermReserved},
		{"Fee,2024-01-01T00:00:00Z,x,500,500,,,,,,,arn:aws:ec2:ri,", "0", "500", charge.TermOther},
		{"Tax,2024-01-01T00:00:00Z,,1.23,1.23,,,,,,,,", "1.23", "1.23", charge.TermOther},
	}
	for _, tt := range tests {
		var c charge.Charge
		_, err := Read(context.Background(), objstore.NewBytesObject("a.csv", []byte(header+tt.line+"\n")), Options{Strict: true}, func(x *charge.Charge) error {
			c = *x
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !c.Amortized.Equal(decimal.RequireFromString(tt.amort)) || !c.Net.Equal(decimal.RequireFromString(tt.net)) || c.Term != tt.term {
			t.Errorf("%s: amortized %s net %s term %q; want %s %s %q", tt.line, c.Amortized, c.Net, c.Term, tt.amort, tt.net, tt.term)
		}
	}
}

func TestFOCUSMapping(t *testing.T) {
	const header = "BilledCost,EffectiveCost,ChargePeriodStart,ChargeCategory,ChargeClass,PricingCategory,CommitmentDiscountType,CommitmentDiscountCategory,CommitmentDiscountStatus,AvailabilityZone\n"
	tests := []struct {
		line string
		typ  string
		term charge.Term
		reg  string
	}{
		{"1,1,2024-01-01 00:00:00,Usage,NULL,Dynamic,NULL,NULL,NULL,us-east-1b", "Usage", charge.TermSpot, "us-east-1"},
		{"1,0.7,2024-01-01 00:00:00,Usage,,Committed,Reserved Instance,Usage,Used,NULL", "DiscountedUsage", charge.TermReserved, ""},
		{"1,1,2024-01-01 00:00:00,Usage,,Committed,,Spend,Unused,NULL", "SavingsPlanRecurringFee", charge.TermSavingsPlan, ""},
		{"100,0,2024-01-01 00:00:00,Purchase,,Committed,Reserved Instance,Usage,NULL,NULL", "RIFee", charge.TermReserved, ""},
		{"5,5,2024-01-01 00:00:00,Purchase,,NULL,NULL,NULL,NULL,NULL", "Fee", charge.TermOther, ""},
		{"1,1,2024-01-01 00:00:00,Tax,,NULL,NULL,NULL,NULL,NULL", "Tax", charge.TermOther, ""},
		{"-3,-3,2024-01-01 00:00:00,Credit,,NULL,NULL,NULL,NULL,NULL", "Credit", charge.TermOther, ""},
		{"-2,-2,2024-01-01 00:00:00,Adjustment,,NULL,NULL,NULL,NULL,NULL", "Refund", charge.TermOther, ""},
		{"2,2,2024-01-01 00:00:00,Adjustment,,NULL,NULL,NULL,NULL,NULL", "Fee", charge.TermOther, ""},
		{"-1,-1,2024-01-01 00:00:00,Usage,Correction,Standard,NULL,NULL,NULL,NULL", "Refund", charge.TermOnDemand, ""},
	}
	for _, tt := range tests {
		var c charge.Charge
		_, err := Read(context.Background(), objstore.NewBytesObject("f.csv", []byte(header+tt.line+"\n")), Options{Strict: true}, func(x *charge.Charge) error {
			c = *x
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.LineItemType != tt.typ || c.Term != tt.term || c.Region != tt.reg {
			t.Errorf("%s: type %q term %q region %q; want %q %q %q", tt.line, c.LineItemType, c.Term, c.Region, tt.typ, tt.term, tt.reg)
		}
	}
}

func TestGeneratedParquet(t *testing.T) {
	dir := t.TempDir()
	cur2 := filepath.Join(dir, "cur2.parquet")
	wantCUR2 := billtest.WriteCUR2Parquet(t, cur2, 1000, 100)
	focus := filepath.Join(dir, "focus.parquet")
	wantFOCUS := billtest.WriteFOCUSParquet(t, focus, 500, 0)

	var tags, regions, nets int
	total := decimal.Zero
	amort := decimal.Zero
	st, err := Read(context.Background(), billtest.Local(t, cur2), Options{Strict: true}, func(c *charge.Charge) error {
		total = total.Add(c.Unblended)
		amort = amort.Add(c.Amortized)
		if c.Tags["team"] != "" && c.Tags["aws:created_by"] != "" {
			tags++
		}
		if c.Region == "eu-west-1" {
			regions++
		}
		if !c.Net.Equal(c.Unblended) {
			nets++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Format != charge.FormatCUR2 || st.Rows != 1000 || !total.Equal(wantCUR2.Unblended) || !amort.Equal(wantCUR2.Amortized) {
		t.Errorf("cur2: %+v total %s (want %s) amortized %s (want %s)", st, total, wantCUR2.Unblended, amort, wantCUR2.Amortized)
	}
	if tags != wantCUR2.Tagged || regions != wantCUR2.ProductRegion || nets == 0 {
		t.Errorf("cur2: %d tagged (want %d), %d product-map regions (want %d), %d net", tags, wantCUR2.Tagged, regions, wantCUR2.ProductRegion, nets)
	}

	total, amort = decimal.Zero, decimal.Zero
	spot := 0
	st, err = Read(context.Background(), billtest.Local(t, focus), Options{Strict: true}, func(c *charge.Charge) error {
		total = total.Add(c.Unblended)
		amort = amort.Add(c.Amortized)
		if c.Term == charge.TermSpot {
			spot++
		}
		if c.Tags["env"] == "" {
			t.Fatalf("no tags: %+v", c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Format != charge.FormatFOCUS || st.Rows != 500 || !total.Equal(wantFOCUS.Unblended) || !amort.Equal(wantFOCUS.Amortized) || spot != wantFOCUS.Spot {
		t.Errorf("focus: %+v total %s (want %s) amortized %s (want %s) spot %d (want %d)", st, total, wantFOCUS.Unblended, amort, wantFOCUS.Amortized, spot, wantFOCUS.Spot)
	}
}
