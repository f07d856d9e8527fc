package local

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/billing/gen"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/objstore/s3fake"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/billing/reader"
)

// s3FOCUS puts a generated FOCUS Parquet file of n rows on a fake S3 whose
// responses take latency to start, and returns it as an S3 object and as
// local bytes.
func s3FOCUS(t testing.TB, n int64, latency time.Duration) (*s3fake.S3, objstore.Object, objstore.Object) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := gen.GenerateFOCUSParquet(&buf, n, 0, n); err != nil {
		t.Fatal(err)
	}
	f := s3fake.New()
	f.Latency = latency
	f.Rate = 200e6
	f.Put("focus.parquet", buf.Bytes())
	o := objstore.NewS3Object(context.Background(), f, "b", "focus.parquet", int64(buf.Len()), f.ETags["focus.parquet"], objstore.S3Options{Parallel: 4})
	return f, o, objstore.NewBytesObject("focus.parquet", buf.Bytes())
}

// A Parquet report read from S3 fetches the needed column chunks of a row
// group together, in parallel ranged GETs, not one small GET per page
// (parquet-go's default 4 KiB buffer made 171 GETs, one after another, for
// this file: 5.4 s at 30 ms a request).
func TestS3ParquetRequests(t *testing.T) {
	const n = 1 << 20 // one full row group
	for _, tc := range []struct {
		name    string
		q       query.Query
		rows    bool
		maxGETs int32
	}{
		{"columnar", query.Query{GroupBy: []query.Dimension{query.ByDay, query.ByService}}, false, 12},
		{"rows", query.Query{GroupBy: []query.Dimension{query.ByComponent}, Cost: query.Amortized}, true, 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, remote, local := s3FOCUS(t, n, 30*time.Millisecond)
			src := func(o objstore.Object) Source {
				var s Source = NewFileSource([]objstore.Object{o}, reader.Options{Projection: reader.ProjectionFor(tc.q)}, 2)
				if tc.rows {
					s = rowOnly{s}
				}
				return s
			}
			start := time.Now()
			got, err := NewEngine(src(remote)).Aggregate(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			want, err := NewEngine(src(local)).Aggregate(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			sameResult(t, got, want)
			gets, inFlight := f.Gets.Load(), f.MaxIn.Load()
			t.Logf("%d GETs, at most %d in flight, %s", gets, inFlight, took)
			if gets > tc.maxGETs || inFlight < 2 {
				t.Errorf("%d GETs (want at most %d), %d in flight at most (want parallel reads)", gets, tc.maxGETs, inFlight)
			}
		})
	}
}
