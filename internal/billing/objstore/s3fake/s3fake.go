// Package s3fake is an in-memory S3 for tests of billing over S3: the
// calls objstore makes, with latency, bandwidth and broken bodies on
// demand.
package s3fake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// S3 is an in-memory objstore.S3API: GetObject honours Range and IfMatch,
// and can add a first-byte latency and a per-response bandwidth cap (as
// real S3 connections have) or break bodies mid-way.
type S3 struct {
	mu       sync.Mutex
	Objects  map[string][]byte
	ETags    map[string]string
	Latency  time.Duration
	Rate     float64 // bytes per second per response; 0 = unlimited
	BreakN   int32   // break this many bodies after half their bytes
	Gets     atomic.Int32
	InFlight atomic.Int32
	MaxIn    atomic.Int32
}

// New returns an empty fake.
func New() *S3 {
	return &S3{Objects: map[string][]byte{}, ETags: map[string]string{}}
}

// Put stores an object with a new ETag.
func (f *S3) Put(key string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Objects[key] = data
	f.ETags[key] = fmt.Sprintf("%q", fmt.Sprintf("etag-%d-%d", len(data), time.Now().UnixNano()))
}

// HTTPError is the SDK's error for an HTTP status.
func HTTPError(code int) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code, Header: http.Header{}}},
		Err:      errors.New(http.StatusText(code)),
	}}
}

// ListObjectsV2 lists keys under a prefix.
func (f *S3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var keys []string
	for k := range f.Objects {
		if strings.HasPrefix(k, aws.ToString(in.Prefix)) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	// Pages of two, to exercise pagination.
	start := 0
	if in.ContinuationToken != nil {
		start, _ = strconv.Atoi(*in.ContinuationToken)
	}
	out := &s3.ListObjectsV2Output{}
	for i := start; i < len(keys) && i < start+2; i++ {
		k := keys[i]
		out.Contents = append(out.Contents, types.Object{Key: aws.String(k), ETag: aws.String(f.ETags[k]), Size: aws.Int64(int64(len(f.Objects[k])))})
	}
	if start+2 < len(keys) {
		out.IsTruncated = aws.Bool(true)
		out.NextContinuationToken = aws.String(strconv.Itoa(start + 2))
	}
	return out, nil
}

// HeadObject returns an object's size and ETag.
func (f *S3) HeadObject(_ context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, ok := f.Objects[*in.Key]
	if !ok {
		return nil, HTTPError(http.StatusNotFound)
	}
	return &s3.HeadObjectOutput{ContentLength: aws.Int64(int64(len(data))), ETag: aws.String(f.ETags[*in.Key])}, nil
}

// GetObject returns an object or a range of it.
func (f *S3) GetObject(ctx context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.Gets.Add(1)
	f.mu.Lock()
	data, ok := f.Objects[*in.Key]
	etag := f.ETags[*in.Key]
	f.mu.Unlock()
	if !ok {
		return nil, HTTPError(http.StatusNotFound)
	}
	if in.IfMatch != nil && *in.IfMatch != etag {
		return nil, HTTPError(http.StatusPreconditionFailed)
	}
	if in.Range != nil {
		var a, b int
		if _, err := fmt.Sscanf(*in.Range, "bytes=%d-%d", &a, &b); err != nil || a > b || b >= len(data) {
			return nil, HTTPError(http.StatusRequestedRangeNotSatisfiable)
		}
		data = data[a : b+1]
	}
	n := f.InFlight.Add(1)
	for {
		m := f.MaxIn.Load()
		if n <= m || f.MaxIn.CompareAndSwap(m, n) {
			break
		}
	}
	defer f.InFlight.Add(-1)
	if f.Latency > 0 {
		select {
		case <-time.After(f.Latency):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	var body io.Reader = bytes.NewReader(data)
	if f.Rate > 0 {
		time.Sleep(time.Duration(float64(len(data)) / f.Rate * float64(time.Second)))
	}
	if atomic.AddInt32(&f.BreakN, -1) >= 0 {
		body = io.MultiReader(bytes.NewReader(data[:len(data)/2]), errReader{io.ErrUnexpectedEOF})
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(body)}, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
