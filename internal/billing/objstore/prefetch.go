package objstore

import (
	"context"
	"io"
	"sync"
)

// Prefetch serves byte ranges of a remote object from memory, fetched ahead
// in parallel ranged GETs (a Parquet reader fetches the column chunks of a
// row group this way, as DuckDB does, instead of one after another), and
// anything else from the object itself. Fetch fills it before any reads, so
// reads take no lock.
type Prefetch struct {
	obj   Object
	parts []cachedRange
}

type cachedRange struct {
	off  int64
	data []byte
}

// Range is a byte range of an object.
type Range struct {
	Off, Len int64
}

// NewPrefetch returns a Prefetch for a remote object (S3), or nil for one
// read in place (local files, bytes): a nil *Prefetch fetches nothing.
func NewPrefetch(obj Object) *Prefetch {
	if !Remote(obj) {
		return nil
	}
	return &Prefetch{obj: obj}
}

// ReadAt reads p at off from the fetched ranges when one holds it, else
// from the object.
func (c *Prefetch) ReadAt(p []byte, off int64) (int, error) {
	end := off + int64(len(p))
	for _, r := range c.parts {
		if off >= r.off && end <= r.off+int64(len(r.data)) {
			return copy(p, r.data[off-r.off:]), nil
		}
	}
	return c.obj.ReadAt(p, off)
}

// Fetch reads ranges, several at a time (the object's parallelism).
func (c *Prefetch) Fetch(ctx context.Context, want []Range) error {
	if c == nil {
		return nil
	}
	ranges := make([]cachedRange, len(want))
	for i, r := range want {
		ranges[i] = cachedRange{off: r.Off, data: make([]byte, r.Len)}
	}
	parallel := 4
	if o, ok := c.obj.(*s3Object); ok && o.parallel > 0 {
		parallel = o.parallel
	}
	sem := make(chan struct{}, parallel)
	errs := make([]error, len(ranges))
	var wg sync.WaitGroup
	for i := range ranges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			_, errs[i] = c.obj.ReadAt(ranges[i].data, ranges[i].off)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && err != io.EOF {
			return err
		}
	}
	c.parts = append(c.parts, ranges...)
	return nil
}
