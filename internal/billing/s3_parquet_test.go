package billing

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/benchdata"
)

// s3FOCUS puts a generated FOCUS Parquet file of n rows on a fake S3 whose
// responses take latency to start, and returns it as an S3 object and as
// local bytes.
func s3FOCUS(t testing.TB, n int64, latency time.Duration) (*fakeS3, Object, Object) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := benchdata.GenerateFOCUSParquet(&buf, n, 0, n); err != nil {
		t.Fatal(err)
	}
	f := newFakeS3()
	f.latency = latency
	f.rate = 200e6
	f.put("focus.parquet", buf.Bytes())
	o := newS3Object(context.Background(), f, "b", s3Entry{key: "focus.parquet", size: int64(buf.Len()), etag: f.etags["focus.parquet"]}, S3Options{Parallel: 4})
	return f, o, NewBytesObject("focus.parquet", buf.Bytes())
}

// A Parquet report read from S3 fetches the needed column chunks of a row
// group together, in parallel ranged GETs, not one small GET per page
// (parquet-go's default 4 KiB buffer made 171 GETs, one after another, for
// this file: 5.4 s at 30 ms a request).
func TestS3ParquetRequests(t *testing.T) {
	const n = 1 << 20 // one full row group
	for _, tc := range []struct {
		name    string
		q       Query
		rows    bool
		maxGETs int32
	}{
		{"columnar", Query{GroupBy: []Dimension{ByDay, ByService}}, false, 12},
		{"rows", Query{GroupBy: []Dimension{ByComponent}, Cost: Amortized}, true, 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, remote, local := s3FOCUS(t, n, 30*time.Millisecond)
			src := func(o Object) ChargeSource {
				var s ChargeSource = NewFileSource([]Object{o}, ReadOptions{Projection: ProjectionFor(tc.q)}, 2)
				if tc.rows {
					s = rowOnly{s}
				}
				return s
			}
			start := time.Now()
			got, err := NewLocalEngine(src(remote)).Aggregate(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			want, err := NewLocalEngine(src(local)).Aggregate(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			sameResult(t, got, want)
			gets, inFlight := f.gets.Load(), f.maxIn.Load()
			t.Logf("%d GETs, at most %d in flight, %s", gets, inFlight, took)
			if gets > tc.maxGETs || inFlight < 2 {
				t.Errorf("%d GETs (want at most %d), %d in flight at most (want parallel reads)", gets, tc.maxGETs, inFlight)
			}
		})
	}
}
