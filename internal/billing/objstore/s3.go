package objstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/refit-dev/refit/internal/awsclient"
)

// S3Options configure access to billing exports in S3 or an S3-compatible
// store.
type S3Options struct {
	// EndpointURL is an S3-compatible endpoint (MinIO, LocalStack...);
	// requests then use path-style addressing (http://host/bucket/key).
	EndpointURL string
	// Region and Profile override the SDK's defaults (AWS_REGION,
	// AWS_PROFILE, ~/.aws/config). Without a region, us-east-1 is tried and
	// a bucket elsewhere is followed to its region.
	Region  string
	Profile string
	// ChunkSize and Parallel tune Open's read-ahead: objects larger than one
	// chunk are fetched as ranged GETs of ChunkSize bytes, Parallel at a
	// time, and delivered in order (defaults 8 MiB × 4).
	ChunkSize int64
	Parallel  int
	// ResponseTimeout is the per-request timeout (0: netlimit's default;
	// tests shorten it).
	ResponseTimeout time.Duration
}

// Read-ahead defaults. 8 MiB ranges are what the AWS performance guidelines
// suggest for ranged GETs ("typical sizes for byte-range requests are 8 MB
// or 16 MB",
// https://docs.aws.amazon.com/whitepapers/latest/s3-optimizing-performance-best-practices/use-byte-range-fetches.html).
const (
	defaultS3Chunk    = 8 << 20
	defaultS3Parallel = 4
	// s3Attempts bounds re-reads of a range whose body failed mid-way
	// (request-level errors are already retried by the SDK).
	s3Attempts = 3
)

// S3API is the part of *s3.Client refit uses (tests give a fake, s3fake).
type S3API interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// S3Objects lists the billing objects at an s3:// URL, as Expand does for
// local paths:
//   - s3://bucket/key names one object; a manifest (.json) expands to the
//     report parts it lists;
//   - s3://bucket/prefix (or .../prefix/) lists the .csv, .csv.gz, .parquet
//     and manifest .json objects under prefix/; when manifests are among
//     them, only the parts of the shallowest manifest of each report and
//     billing period are returned.
//
// Credentials come from the SDK's default chain (environment, shared
// config and SSO with opt.Profile, container and instance roles). Objects
// read with IfMatch on the ETag they were listed with, so an object
// rewritten during a read fails instead of mixing versions. ReadAt uses ctx,
// so ctx must outlive the reads.
func S3Objects(ctx context.Context, url string, opt S3Options) ([]Object, error) {
	bucket, key, err := parseS3URL(url)
	if err != nil {
		return nil, err
	}
	client, region, err := newS3Client(ctx, opt, "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	l := &s3Lister{api: client, ctx: ctx, opt: opt, bucket: bucket}
	objs, err := l.objects(key)
	if moved := bucketRegion(err); moved != "" && moved != region && opt.EndpointURL == "" {
		// The bucket lives elsewhere: S3 answers 301 with its region.
		if client, _, err = newS3Client(ctx, opt, moved); err != nil {
			return nil, fmt.Errorf("%s: %w", url, err)
		}
		l.api = client
		objs, err = l.objects(key)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	return objs, nil
}

// parseS3URL splits s3://bucket/key.
func parseS3URL(url string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(url, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%s: not an s3:// URL", url)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%s: no bucket (want s3://bucket/prefix)", url)
	}
	if strings.ContainsAny(bucket, " \t\r\n?#") || strings.ContainsAny(key, "\r\n") {
		return "", "", fmt.Errorf("%s: not a valid s3:// URL", url)
	}
	return bucket, key, nil
}

// newS3Client builds a client from the default config chain. region, when
// set, overrides opt.Region (the bucket's region after a redirect).
func newS3Client(ctx context.Context, opt S3Options, region string) (*s3.Client, string, error) {
	if region == "" {
		region = opt.Region
	}
	cfg, err := awsclient.LoadConfig(ctx, awsclient.Options{Profile: opt.Profile, Region: region, ResponseTimeout: opt.ResponseTimeout})
	if err != nil {
		return nil, "", fmt.Errorf("loading AWS config: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		// Ranged GETs carry no whole-object checksum; the SDK would log
		// that on every read.
		o.DisableLogOutputChecksumValidationSkipped = true
		if opt.EndpointURL != "" {
			o.BaseEndpoint = aws.String(opt.EndpointURL)
			o.UsePathStyle = true
		}
	})
	return client, cfg.Region, nil
}

// bucketRegion returns the region S3 names in a wrong-region answer
// (x-amz-bucket-region), or "".
func bucketRegion(err error) string {
	var re *awshttp.ResponseError
	if err == nil || !errors.As(err, &re) || re.Response == nil {
		return ""
	}
	switch re.Response.StatusCode {
	case http.StatusMovedPermanently, http.StatusBadRequest:
		return re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	return ""
}

// notFound reports whether err is S3's answer for a missing key.
func notFound(err error) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusNotFound
}

// s3Lister resolves one s3:// URL into objects.
type s3Lister struct {
	api    S3API
	ctx    context.Context
	opt    S3Options
	bucket string
}

type s3Entry struct {
	key, etag string
	size      int64
}

func (l *s3Lister) object(e s3Entry) *s3Object {
	return newS3Object(l.ctx, l.api, l.bucket, e, l.opt)
}

func (l *s3Lister) objects(key string) ([]Object, error) {
	prefix := key
	if key != "" && !strings.HasSuffix(key, "/") {
		head, err := l.api.HeadObject(l.ctx, &s3.HeadObjectInput{Bucket: &l.bucket, Key: &key})
		switch {
		case err == nil:
			e := s3Entry{key: key, etag: aws.ToString(head.ETag), size: aws.ToInt64(head.ContentLength)}
			if strings.EqualFold(path.Ext(key), ".json") {
				return l.manifestParts(e, nil)
			}
			return []Object{l.object(e)}, nil
		case notFound(err):
			prefix = key + "/"
		default:
			return nil, err
		}
	}
	entries, err := l.list(prefix)
	if err != nil {
		return nil, err
	}
	var data []s3Entry
	type best struct {
		depth     int
		manifests []s3Entry
	}
	byKey := map[string]s3Entry{}
	groups := map[string]*best{}
	for _, e := range entries {
		byKey[e.key] = e
		if !billingFile(path.Base(e.key)) {
			continue
		}
		if !strings.EqualFold(path.Ext(e.key), ".json") {
			data = append(data, e)
			continue
		}
		m, err := l.manifest(e)
		if err != nil {
			continue // not a manifest: other JSON is skipped, as Expand does
		}
		depth := strings.Count(e.key, "/")
		g := groups[m.periodKey()]
		switch {
		case g == nil || depth < g.depth:
			groups[m.periodKey()] = &best{depth: depth, manifests: []s3Entry{e}}
		case depth == g.depth:
			g.manifests = append(g.manifests, e)
		}
	}
	if len(groups) == 0 {
		if len(data) == 0 {
			return nil, errors.New("no billing files (.csv, .csv.gz, .parquet, manifest .json) under this prefix")
		}
		out := make([]Object, len(data))
		for i, e := range data {
			out[i] = l.object(e)
		}
		return out, nil
	}
	var manifests []s3Entry
	for _, g := range groups {
		manifests = append(manifests, g.manifests...)
	}
	sort.Slice(manifests, func(i, j int) bool { return manifests[i].key < manifests[j].key })
	var out []Object
	seen := map[string]bool{}
	for _, e := range manifests {
		parts, err := l.manifestParts(e, byKey)
		if err != nil {
			return nil, err
		}
		for _, p := range parts {
			if !seen[p.Name()] {
				seen[p.Name()] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// list returns every object under prefix (all pages), in key order.
func (l *s3Lister) list(prefix string) ([]s3Entry, error) {
	in := &s3.ListObjectsV2Input{Bucket: &l.bucket}
	if prefix != "" {
		in.Prefix = &prefix
	}
	var out []s3Entry
	p := s3.NewListObjectsV2Paginator(l.api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(l.ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			k := aws.ToString(o.Key)
			if k == "" || strings.HasSuffix(k, "/") {
				continue // folder marker
			}
			out = append(out, s3Entry{key: k, etag: aws.ToString(o.ETag), size: aws.ToInt64(o.Size)})
		}
	}
	return out, nil
}

// maxManifest bounds a manifest read (real ones are a few KiB; legacy CUR
// manifests list every column, still well under this).
const maxManifest = 16 << 20

func (l *s3Lister) manifest(e s3Entry) (*Manifest, error) {
	if e.size > maxManifest {
		return nil, fmt.Errorf("s3://%s/%s: manifest larger than %d bytes", l.bucket, e.key, maxManifest)
	}
	rc, err := l.object(e).Open(l.ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxManifest))
	if err != nil {
		return nil, err
	}
	if !json.Valid(data) {
		return nil, errors.New("not JSON")
	}
	return ParseManifest(data)
}

// manifestParts expands a manifest into its report parts. Sizes and ETags
// come from known (a listing) or a HEAD request.
func (l *s3Lister) manifestParts(e s3Entry, known map[string]s3Entry) ([]Object, error) {
	name := "s3://" + l.bucket + "/" + e.key
	m, err := l.manifest(e)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	type part struct{ bucket, key string }
	var parts []part
	for _, k := range m.ReportKeys {
		b := l.bucket
		if m.Bucket != "" {
			b = m.Bucket
		}
		parts = append(parts, part{b, strings.TrimPrefix(k, "/")})
	}
	for _, u := range m.DataFiles {
		b, k, err := parseS3URL(u)
		if err != nil {
			b, k = l.bucket, strings.TrimPrefix(u, "/")
		}
		parts = append(parts, part{b, k})
	}
	out := make([]Object, 0, len(parts))
	for _, p := range parts {
		pl := l
		if p.bucket != l.bucket {
			pl = &s3Lister{api: l.api, ctx: l.ctx, opt: l.opt, bucket: p.bucket}
		}
		pe, ok := known[p.key]
		if !ok || p.bucket != l.bucket {
			head, err := pl.api.HeadObject(l.ctx, &s3.HeadObjectInput{Bucket: &p.bucket, Key: &p.key})
			if err != nil {
				return nil, fmt.Errorf("%s: report part s3://%s/%s: %w", name, p.bucket, p.key, err)
			}
			pe = s3Entry{key: p.key, etag: aws.ToString(head.ETag), size: aws.ToInt64(head.ContentLength)}
		}
		out = append(out, pl.object(pe))
	}
	return out, nil
}

// s3Object is one S3 object as an Object.
type s3Object struct {
	ctx               context.Context // for ReadAt, which takes none
	api               S3API
	bucket, key, etag string
	size, chunk       int64
	parallel          int
	name              string
	pool              *sync.Pool // chunk buffers for Open
}

func newS3Object(ctx context.Context, api S3API, bucket string, e s3Entry, opt S3Options) *s3Object {
	o := &s3Object{ctx: ctx, api: api, bucket: bucket, key: e.key, etag: e.etag, size: e.size,
		chunk: opt.ChunkSize, parallel: opt.Parallel, name: "s3://" + bucket + "/" + e.key}
	if o.chunk <= 0 {
		o.chunk = defaultS3Chunk
	}
	if o.parallel <= 0 {
		o.parallel = defaultS3Parallel
	}
	chunk := o.chunk
	o.pool = &sync.Pool{New: func() any { b := make([]byte, chunk); return &b }}
	return o
}

// Name is s3://bucket/key.
func (o *s3Object) Name() string { return o.name }

// Size is the size the listing gave.
func (o *s3Object) Size() int64 { return o.size }

// ReadAt reads len(p) bytes at off with one ranged GET. Safe for
// concurrent use (Parquet readers fetch column chunks in parallel).
func (o *s3Object) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("%s: negative offset", o.name)
	}
	if off >= o.size {
		return 0, io.EOF
	}
	n := int64(len(p))
	if rem := o.size - off; n > rem {
		n = rem
	}
	if n == 0 {
		return 0, nil
	}
	if err := o.readRange(o.ctx, p[:n], off); err != nil {
		return 0, err
	}
	if n < int64(len(p)) {
		return int(n), io.EOF
	}
	return int(n), nil
}

// get starts a GET of [off, off+n) (n < 0: the whole object).
func (o *s3Object) get(ctx context.Context, off, n int64) (io.ReadCloser, error) {
	in := &s3.GetObjectInput{Bucket: &o.bucket, Key: &o.key}
	if n >= 0 {
		in.Range = aws.String(fmt.Sprintf("bytes=%d-%d", off, off+n-1))
	}
	if o.etag != "" {
		in.IfMatch = aws.String(o.etag)
	}
	out, err := o.api.GetObject(ctx, in)
	if err != nil {
		var re *awshttp.ResponseError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusPreconditionFailed {
			return nil, fmt.Errorf("%s: changed since it was listed (ETag %s); run again", o.name, o.etag)
		}
		return nil, fmt.Errorf("%s: %w", o.name, err)
	}
	return out.Body, nil
}

// readRange fills p from off, re-requesting the range if the body breaks.
func (o *s3Object) readRange(ctx context.Context, p []byte, off int64) error {
	var err error
	for attempt := 0; attempt < s3Attempts; attempt++ {
		var body io.ReadCloser
		if body, err = o.get(ctx, off, int64(len(p))); err != nil {
			return err // the SDK already retried the request
		}
		_, err = io.ReadFull(body, p)
		body.Close()
		if err == nil || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("%s: reading bytes %d-%d: %w", o.name, off, off+int64(len(p))-1, err)
	}
	return nil
}

// Open streams the object. Objects larger than one chunk are read ahead
// with parallel ranged GETs (see S3Options); smaller ones with one GET.
func (o *s3Object) Open(ctx context.Context) (io.ReadCloser, error) {
	if o.size <= o.chunk || o.parallel <= 1 {
		body, err := o.get(ctx, 0, -1)
		if err != nil {
			return nil, err
		}
		return body, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	return &readAhead{o: o, ctx: ctx, cancel: cancel}, nil
}

// readAhead reads an object as consecutive ranges, up to o.parallel of
// them in flight, and returns their bytes in order.
type readAhead struct {
	o      *s3Object
	ctx    context.Context
	cancel context.CancelFunc
	next   int64    // offset of the next range to start
	queue  []*chunk // started ranges, in order
	cur    *chunk
	pos    int
	err    error
}

type chunk struct {
	buf  *[]byte
	data []byte
	err  error
	done chan struct{}
}

// fill starts ranges until o.parallel are in flight or the object is
// covered.
func (r *readAhead) fill() {
	for len(r.queue) < r.o.parallel && r.next < r.o.size {
		off, n := r.next, r.o.chunk
		if rem := r.o.size - off; n > rem {
			n = rem
		}
		r.next += n
		c := &chunk{buf: r.o.pool.Get().(*[]byte), done: make(chan struct{})}
		c.data = (*c.buf)[:n]
		r.queue = append(r.queue, c)
		go func() {
			defer close(c.done)
			c.err = r.o.readRange(r.ctx, c.data, off)
		}()
	}
}

func (r *readAhead) Read(p []byte) (int, error) {
	for {
		if r.cur != nil && r.pos < len(r.cur.data) {
			n := copy(p, r.cur.data[r.pos:])
			r.pos += n
			return n, nil
		}
		if r.cur != nil {
			r.o.pool.Put(r.cur.buf)
			r.cur = nil
		}
		if r.err != nil {
			return 0, r.err
		}
		r.fill()
		if len(r.queue) == 0 {
			r.err = io.EOF
			continue
		}
		c := r.queue[0]
		<-c.done
		r.queue = r.queue[1:]
		if c.err != nil {
			r.o.pool.Put(c.buf)
			r.err = c.err
			continue
		}
		r.cur, r.pos = c, 0
		r.fill() // keep the pipeline full while the caller consumes c
	}
}

// Close stops the ranges in flight and waits for them.
func (r *readAhead) Close() error {
	r.cancel()
	for _, c := range r.queue {
		<-c.done
		r.o.pool.Put(c.buf)
	}
	r.queue = nil
	if r.cur != nil {
		r.o.pool.Put(r.cur.buf)
		r.cur = nil
	}
	if r.err == nil || r.err == io.EOF {
		r.err = errors.New("read after Close")
	}
	return nil
}

// NewS3Object is the object bucket/key, of size bytes and ETag etag, read
// through api (S3Objects lists and builds them; tests give a fake api).
func NewS3Object(ctx context.Context, api S3API, bucket, key string, size int64, etag string, opt S3Options) Object {
	return newS3Object(ctx, api, bucket, s3Entry{key: key, size: size, etag: etag}, opt)
}
