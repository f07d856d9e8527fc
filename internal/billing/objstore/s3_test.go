package objstore

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/parquet-go/parquet-go"

	"github.com/refit-dev/refit/internal/billing/objstore/s3fake"
)

func TestParseS3URL(t *testing.T) {
	tests := []struct {
		url, bucket, key, err string
	}{
		{url: "s3://bucket", bucket: "bucket"},
		{url: "s3://bucket/", bucket: "bucket"},
		{url: "s3://bucket/cur/report", bucket: "bucket", key: "cur/report"},
		{url: "s3://bucket/a/b.csv.gz", bucket: "bucket", key: "a/b.csv.gz"},
		{url: "s3:///key", err: "no bucket"},
		{url: "https://bucket/key", err: "not an s3:// URL"},
		{url: "s3://bu cket/key", err: "not a valid"},
	}
	for _, tt := range tests {
		b, k, err := parseS3URL(tt.url)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.url, err, tt.err)
			}
			continue
		}
		if err != nil || b != tt.bucket || k != tt.key {
			t.Errorf("%s: got %q %q %v, want %q %q", tt.url, b, k, err, tt.bucket, tt.key)
		}
	}
}

func FuzzParseS3URL(f *testing.F) {
	f.Add("s3://bucket/prefix/")
	f.Fuzz(func(t *testing.T, url string) {
		b, k, err := parseS3URL(url)
		if err == nil && (b == "" || "s3://"+b+"/"+k != url && "s3://"+b != url) {
			t.Fatalf("%q: bucket %q key %q do not rebuild the URL", url, b, k)
		}
	})
}

func randomBytes(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func TestS3ObjectReadAhead(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name            string
		size            int
		chunk           int64
		parallel, gets  int
		breakBodies     int32
		wantMaxInFlight int32
	}{
		{name: "smaller than a chunk: one GET", size: 1000, chunk: 4096, parallel: 4, gets: 1},
		{name: "empty", size: 0, chunk: 4096, parallel: 4, gets: 1},
		{name: "exact chunks", size: 4 * 4096, chunk: 4096, parallel: 3, gets: 4},
		{name: "ragged tail", size: 10*4096 + 17, chunk: 4096, parallel: 4, gets: 11},
		{name: "parallel 1 streams", size: 10 * 4096, chunk: 4096, parallel: 1, gets: 1},
		{name: "broken bodies are re-read", size: 5 * 4096, chunk: 4096, parallel: 2, gets: 5 + 2, breakBodies: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := s3fake.New()
			data := randomBytes(tt.size, int64(tt.size))
			f.Put("k", data)
			f.BreakN = tt.breakBodies
			l := &s3Lister{api: f, ctx: ctx, bucket: "b", opt: S3Options{ChunkSize: tt.chunk, Parallel: tt.parallel}}
			objs, err := l.objects("k")
			if err != nil || len(objs) != 1 {
				t.Fatalf("objects: %v %v", objs, err)
			}
			rc, err := objs[0].Open(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Small reads exercise chunk boundaries.
			got, err := io.ReadAll(io.LimitReader(struct{ io.Reader }{rc}, int64(tt.size)+1))
			if err != nil {
				t.Fatal(err)
			}
			rc.Close()
			if !bytes.Equal(got, data) {
				t.Fatalf("stream differs: %d bytes, want %d", len(got), len(data))
			}
			if int(f.Gets.Load()) != tt.gets {
				t.Errorf("GETs = %d, want %d", f.Gets.Load(), tt.gets)
			}
			if m := f.MaxIn.Load(); m > int32(tt.parallel) {
				t.Errorf("%d GETs in flight, want at most %d", m, tt.parallel)
			}
		})
	}
}

func TestS3ObjectReadAt(t *testing.T) {
	ctx := context.Background()
	f := s3fake.New()
	data := randomBytes(10000, 1)
	f.Put("dir/a.parquet", data)
	l := &s3Lister{api: f, ctx: ctx, bucket: "b"}
	objs, err := l.objects("dir/a.parquet")
	if err != nil {
		t.Fatal(err)
	}
	o := objs[0]
	if o.Name() != "s3://b/dir/a.parquet" || o.Size() != 10000 {
		t.Fatalf("got %s %d", o.Name(), o.Size())
	}
	for _, r := range []struct{ off, n, want int }{{0, 10, 10}, {9990, 10, 10}, {9995, 10, 5}, {10000, 4, 0}, {123, 4000, 4000}} {
		p := make([]byte, r.n)
		n, err := o.ReadAt(p, int64(r.off))
		if n != r.want {
			t.Errorf("ReadAt(%d, %d) = %d, want %d", r.off, r.n, n, r.want)
		}
		if n < r.n && err != io.EOF {
			t.Errorf("ReadAt(%d, %d): short read without io.EOF: %v", r.off, r.n, err)
		}
		if !bytes.Equal(p[:n], data[r.off:r.off+n]) {
			t.Errorf("ReadAt(%d, %d): bytes differ", r.off, r.n)
		}
	}
	// The object is rewritten: reads must fail, not mix versions.
	f.Put("dir/a.parquet", randomBytes(10000, 2))
	if _, err := o.ReadAt(make([]byte, 10), 0); err == nil || !strings.Contains(err.Error(), "changed since it was listed") {
		t.Errorf("ReadAt after rewrite: %v", err)
	}
}

func TestS3ReadAheadClose(t *testing.T) {
	f := s3fake.New()
	f.Latency = 20 * time.Millisecond
	f.Put("big.csv", randomBytes(64*1024, 3))
	o := newS3Object(context.Background(), f, "b", s3Entry{key: "big.csv", size: 64 * 1024, etag: f.ETags["big.csv"]}, S3Options{ChunkSize: 1024, Parallel: 4})
	rc, err := o.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Read(make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	rc.Close() // returns after the ranges in flight stopped
	if n := f.InFlight.Load(); n != 0 {
		t.Errorf("%d GETs still in flight after Close", n)
	}
	if _, err := rc.Read(make([]byte, 10)); err == nil {
		t.Error("Read after Close succeeded")
	}
}

func TestS3Listing(t *testing.T) {
	ctx := context.Background()
	f := s3fake.New()
	f.Put("cur/2024-01/r-1.csv.gz", []byte("x"))
	f.Put("cur/2024-01/r-2.parquet", []byte("y"))
	f.Put("cur/README.txt", []byte("z"))
	f.Put("cur/notes.json", []byte(`{"hello":1}`))
	f.Put("cur/dir/", nil)
	f.Put("current.csv", []byte("not under cur/"))
	// A Data Exports layout: the manifest names the current parts only.
	f.Put("exp/metadata/BILLING_PERIOD=2024-01/exp-Manifest.json",
		[]byte(`{"exportArn":"arn:x","dataFiles":["s3://b/exp/data/BILLING_PERIOD=2024-01/exp-00001.parquet"]}`))
	f.Put("exp/data/BILLING_PERIOD=2024-01/exp-00001.parquet", []byte("new"))
	f.Put("exp/data/BILLING_PERIOD=2024-01/old-00001.parquet", []byte("old"))
	tests := []struct {
		key  string
		want []string
		err  string
	}{
		{key: "cur", want: []string{"s3://b/cur/2024-01/r-1.csv.gz", "s3://b/cur/2024-01/r-2.parquet"}},
		{key: "cur/", want: []string{"s3://b/cur/2024-01/r-1.csv.gz", "s3://b/cur/2024-01/r-2.parquet"}},
		{key: "cur/README.txt", want: []string{"s3://b/cur/README.txt"}},
		{key: "exp", want: []string{"s3://b/exp/data/BILLING_PERIOD=2024-01/exp-00001.parquet"}},
		{key: "exp/metadata/BILLING_PERIOD=2024-01/exp-Manifest.json", want: []string{"s3://b/exp/data/BILLING_PERIOD=2024-01/exp-00001.parquet"}},
		{key: "cur/notes.json", err: "not a billing manifest"},
		{key: "nothing", err: "no billing files"},
	}
	for _, tt := range tests {
		l := &s3Lister{api: f, ctx: ctx, bucket: "b"}
		objs, err := l.objects(tt.key)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.key, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.key, err)
			continue
		}
		var got []string
		for _, o := range objs {
			got = append(got, o.Name())
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", tt.key, got, tt.want)
		}
	}
}

// BenchmarkS3OpenSimulated streams 64 MiB from a fake S3 whose responses
// take 30 ms to start and then flow at 100 MB/s each, roughly one S3
// connection: read-ahead overlaps the latency and multiplies the bandwidth.
func BenchmarkS3OpenSimulated(b *testing.B) {
	const size = 64 << 20
	f := s3fake.New()
	f.Latency = 30 * time.Millisecond
	f.Rate = 100e6
	f.Put("big.csv", randomBytes(size, 4))
	for _, par := range []int{1, 4} {
		b.Run("parallel="+strconv.Itoa(par), func(b *testing.B) {
			o := newS3Object(context.Background(), f, "b", s3Entry{key: "big.csv", size: size, etag: f.ETags["big.csv"]}, S3Options{Parallel: par})
			b.SetBytes(size)
			for i := 0; i < b.N; i++ {
				rc, err := o.Open(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, rc); err != nil {
					b.Fatal(err)
				}
				rc.Close()
			}
		})
	}
}

// --- MinIO (scripts/minio.sh) ---

// minioOptions returns S3 options for the test server, or skips.
func minioOptions(t testing.TB) S3Options {
	ep := os.Getenv("REFIT_TEST_S3_ENDPOINT")
	if ep == "" {
		t.Skip("REFIT_TEST_S3_ENDPOINT unset; run ./scripts/minio.sh install && ./scripts/minio.sh start && eval \"$(./scripts/minio.sh env)\" (CI does this in .ci/run)")
	}
	return S3Options{EndpointURL: ep}
}

// testBucket creates a fresh bucket on the test server.
func testBucket(t testing.TB, ctx context.Context, opt S3Options) *s3.Client {
	t.Helper()
	client, _, err := newS3Client(ctx, opt, "")
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func putObject(t testing.TB, ctx context.Context, c *s3.Client, bucket, key string, data []byte) {
	t.Helper()
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(data)}); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func newBucket(t testing.TB, ctx context.Context, c *s3.Client) string {
	t.Helper()
	bucket := "refit-test-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return bucket
}

type parquetLine struct {
	LineItemUsageStartDate string  `parquet:"line_item_usage_start_date"`
	LineItemProductCode    string  `parquet:"line_item_product_code"`
	LineItemUnblendedCost  float64 `parquet:"line_item_unblended_cost"`
}

func TestS3MinIO(t *testing.T) {
	opt := minioOptions(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := testBucket(t, ctx, opt)
	bucket := newBucket(t, ctx, c)

	// A CSV.gz larger than a few read-ahead chunks.
	var csvBuf bytes.Buffer
	csvBuf.WriteString("lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/UnblendedCost\n")
	rng := rand.New(rand.NewSource(5))
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&csvBuf, "2024-01-%02dT00:00:00Z,AmazonEC2,USE1-BoxUsage:t3.medium,%.10f\n", i%28+1, rng.Float64())
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(csvBuf.Bytes())
	zw.Close()
	var pq bytes.Buffer
	if err := parquet.Write(&pq, []parquetLine{
		{"2024-01-01T00:00:00Z", "AmazonEC2", 1.25},
		{"2024-01-02T00:00:00Z", "AmazonEKS", 2.4},
	}); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"cur/2024-01/report-1.csv.gz":  gz.Bytes(),
		"cur/2024-01/report-2.parquet": pq.Bytes(),
	}
	for k, v := range files {
		putObject(t, ctx, c, bucket, k, v)
	}
	putObject(t, ctx, c, bucket, "cur/README.txt", []byte("skipped"))

	opt.ChunkSize, opt.Parallel = 16<<10, 3 // several chunks for the CSV.gz
	objs, err := S3Objects(ctx, "s3://"+bucket+"/cur", opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 || objs[0].Name() != "s3://"+bucket+"/cur/2024-01/report-1.csv.gz" || objs[1].Name() != "s3://"+bucket+"/cur/2024-01/report-2.parquet" {
		t.Fatalf("listed %v", objs)
	}
	for _, o := range objs {
		want := files[strings.TrimPrefix(o.Name(), "s3://"+bucket+"/")]
		if o.Size() != int64(len(want)) {
			t.Errorf("%s: size %d, want %d", o.Name(), o.Size(), len(want))
		}
		rc, err := o.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: stream differs (%d bytes, %v)", o.Name(), len(got), err)
		}
		for _, r := range [][2]int64{{0, 4}, {o.Size() - 8, 8}, {o.Size() / 3, o.Size() / 3}} {
			p := make([]byte, r[1])
			if _, err := o.ReadAt(p, r[0]); err != nil || !bytes.Equal(p, want[r[0]:r[0]+r[1]]) {
				t.Errorf("%s: ReadAt(%d, %d) differs: %v", o.Name(), r[0], r[1], err)
			}
		}
	}
	// The Parquet file opens from S3 through ReadAt.
	pf, err := parquet.OpenFile(objs[1], objs[1].Size())
	if err != nil || pf.NumRows() != 2 {
		t.Errorf("parquet over S3: %v", err)
	}

	// Through Expand, as the CLI does it.
	exp, err := Expand(ctx, []string{"s3://" + bucket + "/cur/2024-01/report-2.parquet"}, Options{S3: opt})
	if err != nil || len(exp) != 1 || exp[0].Size() != int64(len(files["cur/2024-01/report-2.parquet"])) {
		t.Errorf("Expand: %v %v", exp, err)
	}

	// Errors name the URL.
	if _, err := S3Objects(ctx, "s3://"+bucket+"/nothing/", opt); err == nil || !strings.Contains(err.Error(), "s3://"+bucket+"/nothing/: no billing files") {
		t.Errorf("empty prefix: %v", err)
	}
	if _, err := S3Objects(ctx, "s3://"+bucket+"-missing/x", opt); err == nil || !strings.Contains(err.Error(), "s3://"+bucket+"-missing/x:") {
		t.Errorf("missing bucket: %v", err)
	}

	// A rewritten object fails the read instead of mixing versions.
	putObject(t, ctx, c, bucket, "cur/2024-01/report-1.csv.gz", []byte("rewritten"))
	rc, err := objs[0].Open(ctx) // read-ahead starts its GETs on the first Read
	if err == nil {
		_, err = io.ReadAll(rc)
		rc.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "changed since it was listed") {
		t.Errorf("read after rewrite: %v", err)
	}
}

// BenchmarkS3MinIO streams a 64 MiB object from the test server with and
// without read-ahead.
func BenchmarkS3MinIO(b *testing.B) {
	opt := minioOptions(b)
	ctx := context.Background()
	c := testBucket(b, ctx, opt)
	bucket := newBucket(b, ctx, c)
	const size = 64 << 20
	putObject(b, ctx, c, bucket, "big.csv", randomBytes(size, 6))
	for _, par := range []int{1, 4} {
		b.Run("parallel="+strconv.Itoa(par), func(b *testing.B) {
			opt := opt
			opt.Parallel = par
			objs, err := S3Objects(ctx, "s3://"+bucket+"/big.csv", opt)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rc, err := objs[0].Open(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, rc); err != nil {
					b.Fatal(err)
				}
				rc.Close()
			}
		})
	}
}
