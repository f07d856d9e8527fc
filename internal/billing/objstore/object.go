// Package objstore finds and reads billing export files where they are
// stored: local files, directories, globs and CUR manifests, and S3 (or an
// S3-compatible store) with ranged, parallel reads; plus the read-ahead
// helpers the readers use (gzip decompression on its own goroutine, column
// chunks of a remote Parquet file fetched ahead).
package objstore

import (
	"context"
	"io"
)

// Object is one billing file, local or remote (S3). Parquet readers use
// ReadAt (with parallel range reads for remote objects); CSV readers stream
// Open.
type Object interface {
	// Name is what messages show: a path or s3://bucket/key.
	Name() string
	Size() int64
	io.ReaderAt
	Open(ctx context.Context) (io.ReadCloser, error)
}

// Remote reports whether obj is read over the network (S3): readers then
// use bigger buffers and fetch ahead.
func Remote(obj Object) bool {
	_, ok := obj.(*s3Object)
	return ok
}
