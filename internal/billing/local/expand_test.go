package local

import (
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/billtest"
	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/reader"
)

func names(objs []objstore.Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, filepath.ToSlash(o.Name()))
	}
	return out
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(f)
		zw.Write([]byte(data))
		zw.Close()
		f.Close()
		return
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestExpandGlobAndDir(t *testing.T) {
	objs, err := expand([]string{"../testdata/cur-legacy-parquet/*.parquet"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"../testdata/cur-legacy-parquet/Dec2018-WorkshopCUR-00001.snappy.parquet",
		"../testdata/cur-legacy-parquet/Nov2018-WorkshopCUR-00001.snappy.parquet",
		"../testdata/cur-legacy-parquet/Oct2018-WorkshopCUR-00001.snappy.parquet",
	}
	if got := names(objs); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("glob = %v", got)
	}
	// A directory is walked recursively, in name order; the same file named
	// twice is returned once; non-billing files are skipped.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "b.csv"), "x")
	writeFile(t, filepath.Join(dir, "a", "z.csv.gz"), "x")
	writeFile(t, filepath.Join(dir, "a", "notes.txt"), "x")
	writeFile(t, filepath.Join(dir, "a", "other.json"), `{"hello": 1}`)
	objs, err = expand([]string{dir, filepath.Join(dir, "b.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(objs); len(got) != 2 || !strings.HasSuffix(got[0], "a/z.csv.gz") || !strings.HasSuffix(got[1], "/b.csv") {
		t.Errorf("dir = %v", got)
	}
	if _, err := expand([]string{filepath.Join(dir, "nope-*.csv")}); err == nil || !strings.Contains(err.Error(), "no files match") {
		t.Errorf("empty glob: %v", err)
	}
	if _, err := expand([]string{filepath.Join(dir, "missing.csv")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestExpandS3(t *testing.T) {
	open := func(_ context.Context, url string) ([]objstore.Object, error) {
		return []objstore.Object{objstore.NewBytesObject(url+"part-1.csv", nil)}, nil
	}
	objs, err := objstore.Expand(context.Background(), []string{"s3://bucket/cur/"}, objstore.Options{OpenS3: open})
	if err != nil || len(objs) != 1 || objs[0].Name() != "s3://bucket/cur/part-1.csv" {
		t.Errorf("with hook: %v %v", names(objs), err)
	}
}

const partHeader = "lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n"

func TestExpandManifest(t *testing.T) {
	// Legacy CUR layout: the period's top-level manifest points at the
	// latest assembly; an older assembly stays beside it with its own
	// manifest.
	dir := t.TempDir()
	period := filepath.Join(dir, "cur", "report", "20240101-20240201")
	writeFile(t, filepath.Join(period, "report-Manifest.json"), `{
		"reportName": "report", "bucket": "b",
		"billingPeriod": {"start": "20240101T000000.000Z", "end": "20240201T000000.000Z"},
		"reportKeys": ["cur/report/20240101-20240201/new-id/report-00001.csv.gz", "cur/report/20240101-20240201/new-id/report-00002.csv.gz"]}`)
	writeFile(t, filepath.Join(period, "new-id", "report-Manifest.json"), `{
		"reportName": "report", "bucket": "b",
		"billingPeriod": {"start": "20240101T000000.000Z", "end": "20240201T000000.000Z"},
		"reportKeys": ["cur/report/20240101-20240201/new-id/report-00001.csv.gz", "cur/report/20240101-20240201/new-id/report-00002.csv.gz"]}`)
	writeFile(t, filepath.Join(period, "new-id", "report-00001.csv.gz"), partHeader+"2024-01-01T00:00:00Z,AmazonEC2,1.25\n")
	writeFile(t, filepath.Join(period, "new-id", "report-00002.csv.gz"), partHeader+"2024-01-02T00:00:00Z,AmazonEC2,2.5\n")
	writeFile(t, filepath.Join(period, "old-id", "report-Manifest.json"), `{
		"reportName": "report", "bucket": "b",
		"billingPeriod": {"start": "20240101T000000.000Z", "end": "20240201T000000.000Z"},
		"reportKeys": ["cur/report/20240101-20240201/old-id/report-00001.csv.gz"]}`)
	writeFile(t, filepath.Join(period, "old-id", "report-00001.csv.gz"), partHeader+"2024-01-01T00:00:00Z,AmazonEC2,99\n")

	for _, in := range []string{dir, filepath.Join(period, "report-Manifest.json")} {
		objs, err := expand([]string{in})
		if err != nil {
			t.Fatal(err)
		}
		got := names(objs)
		if len(got) != 2 || !strings.HasSuffix(got[0], "new-id/report-00001.csv.gz") || !strings.HasSuffix(got[1], "new-id/report-00002.csv.gz") {
			t.Errorf("Expand(%s) = %v", in, got)
		}
		st, err := NewFileSource(objs, reader.Options{Strict: true}, 2).Scan(context.Background(), reader.Projection{}, func(int, *charge.Charge) error { return nil })
		if err != nil || st.Files != 2 || st.Rows != 2 {
			t.Fatalf("scan: %+v %v", st, err)
		}
	}

	// Data Exports (CUR 2.0) layout: metadata/BILLING_PERIOD=…/Manifest.json
	// lists s3:// URIs of data/BILLING_PERIOD=…/ parts.
	exp := filepath.Join(t.TempDir(), "exp")
	writeFile(t, filepath.Join(exp, "metadata", "BILLING_PERIOD=2024-03", "exp-Manifest.json"), `{
		"exportArn": "arn:aws:bcm-data-exports:us-east-1:1:export/exp",
		"dataFiles": ["s3://b/prefix/exp/data/BILLING_PERIOD=2024-03/exp-00001.csv.gz"]}`)
	writeFile(t, filepath.Join(exp, "data", "BILLING_PERIOD=2024-03", "exp-00001.csv.gz"), "line_item_usage_start_date,line_item_product_code,line_item_unblended_cost,product\n2024-03-01T00:00:00Z,AmazonEKS,0.1,\"{\"\"region\"\":\"\"us-east-2\"\"}\"\n")
	objs, err := expand([]string{exp})
	if err != nil || len(objs) != 1 || !strings.HasSuffix(names(objs)[0], "data/BILLING_PERIOD=2024-03/exp-00001.csv.gz") {
		t.Fatalf("data exports: %v %v", names(objs), err)
	}
	var c charge.Charge
	st, err := reader.Read(context.Background(), objs[0], reader.Options{Strict: true}, func(x *charge.Charge) error { c = *x; return nil })
	if err != nil || st.Format != charge.FormatCUR2 || c.Region != "us-east-2" || c.Service != "AmazonEKS" {
		t.Errorf("CUR 2.0 CSV: %+v %+v %v", st, c, err)
	}

	// A manifest naming a missing part is an error naming both.
	bad := filepath.Join(t.TempDir(), "m.json")
	writeFile(t, bad, `{"reportKeys": ["x/y/missing.csv.gz"]}`)
	if _, err := expand([]string{bad}); err == nil || !strings.Contains(err.Error(), "missing.csv.gz") || !strings.Contains(err.Error(), bad) {
		t.Errorf("missing part: %v", err)
	}
	// Reading a manifest directly is an error.
	if _, err := reader.Read(context.Background(), billtest.Local(t, filepath.Join(period, "report-Manifest.json")), reader.Options{}, func(*charge.Charge) error { return nil }); err == nil {
		t.Error("ReadObject on a manifest: no error")
	}
}

func TestFileSource(t *testing.T) {
	objs, err := expand([]string{"../testdata/cur-legacy-sample.csv", "../testdata/focus-1.0-sample.csv", "../testdata/cur-legacy-parquet"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	split := filepath.Join(dir, "split.parquet")
	want := billtest.WriteCUR2Parquet(t, split, 5000, 300) // 17 row groups
	objs = append(objs, billtest.Local(t, split))

	// Expected: each file read alone.
	wantTotal, wantRows := decimal.Zero, int64(0)
	for _, o := range objs {
		st, err := reader.Read(context.Background(), o, reader.Options{Strict: true}, func(c *charge.Charge) error {
			wantTotal = wantTotal.Add(c.Unblended)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantRows += st.Rows
	}
	for _, workers := range []int{1, 4, 16} {
		src := NewFileSource(objs, reader.Options{Strict: true}, workers)
		parts := make([]decimal.Decimal, src.Workers())
		splitTotal := make([]decimal.Decimal, src.Workers())
		st, err := src.Scan(context.Background(), reader.Projection{}, func(w int, c *charge.Charge) error {
			parts[w] = parts[w].Add(c.Unblended)
			if strings.Contains(c.Source, "split.parquet:") {
				splitTotal[w] = splitTotal[w].Add(c.Unblended)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		total, splitSum := decimal.Zero, decimal.Zero
		for w := range parts {
			total = total.Add(parts[w])
			splitSum = splitSum.Add(splitTotal[w])
		}
		if !total.Equal(wantTotal) || st.Rows != wantRows || st.Files != len(objs) {
			t.Errorf("workers %d: total %s rows %d files %d; want %s %d %d", workers, total, st.Rows, st.Files, wantTotal, wantRows, len(objs))
		}
		if !splitSum.Equal(want.Unblended) {
			t.Errorf("workers %d: split file total %s, want %s", workers, splitSum, want.Unblended)
		}
	}

	// The row groups of one file are shared out: the worker holding the
	// first group waits until another worker delivers a charge.
	var mu sync.Mutex
	used := map[int]bool{}
	other := make(chan struct{})
	var once sync.Once
	_, err = NewFileSource([]objstore.Object{billtest.Local(t, split)}, reader.Options{}, 4).Scan(context.Background(), reader.Projection{}, func(w int, c *charge.Charge) error {
		mu.Lock()
		used[w] = true
		n := len(used)
		mu.Unlock()
		if n > 1 {
			once.Do(func() { close(other) })
		}
		if c.Source == split+":1" {
			select {
			case <-other:
			case <-time.After(10 * time.Second):
				return errors.New("no other worker got a row group")
			}
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}

	// fn's error stops the scan and is returned.
	stop := errors.New("stop")
	_, err = NewFileSource(objs, reader.Options{}, 4).Scan(context.Background(), reader.Projection{}, func(int, *charge.Charge) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("fn error: %v", err)
	}
	// Strict row errors stop it too.
	_, err = NewFileSource([]objstore.Object{billtest.Local(t, "../testdata/bad/cur-bad.csv")}, reader.Options{Strict: true}, 2).Scan(context.Background(), reader.Projection{}, func(int, *charge.Charge) error { return nil })
	var re *charge.RowError
	if !errors.As(err, &re) {
		t.Errorf("strict: %v", err)
	}
}

// expand is objstore.Expand of local paths.
func expand(paths []string) ([]objstore.Object, error) {
	return objstore.Expand(context.Background(), paths, objstore.Options{})
}
