package billing

import (
	"context"
	"io"
	"sync"

	"github.com/parquet-go/parquet-go"
)

// s3ParquetBuffer is the read buffer of a Parquet file in S3: page headers
// and small pages come in ranged GETs of this size instead of parquet-go's
// default 4 KiB (one GET per page otherwise).
const s3ParquetBuffer = 1 << 20

// maxPrefetch bounds the column chunks of one row group fetched ahead.
const maxPrefetch = 256 << 20

// chunkCache serves the column chunks of one row group from memory, fetched
// ahead from S3 in parallel ranged GETs (DuckDB reads a row group's columns
// the same way), and anything else from the object itself.
// fetch fills it before any cursor reads, so reads take no lock.
type chunkCache struct {
	obj   Object
	parts []cachedRange
}

type cachedRange struct {
	off  int64
	data []byte
}

func (c *chunkCache) ReadAt(p []byte, off int64) (int, error) {
	end := off + int64(len(p))
	for _, r := range c.parts {
		if off >= r.off && end <= r.off+int64(len(r.data)) {
			return copy(p, r.data[off-r.off:]), nil
		}
	}
	return c.obj.ReadAt(p, off)
}

// columnPages reads column col of row group rg through r (a chunkCache)
// when the row group is a file's, else as parquet-go would.
func columnPages(rg parquet.RowGroup, col int, r io.ReaderAt) parquet.Pages {
	cc := rg.ColumnChunks()[col]
	if fc, ok := cc.(*parquet.FileColumnChunk); ok && r != nil {
		return fc.PagesFrom(r)
	}
	return cc.Pages()
}

// prefetcher returns a chunkCache for a row group of a remote file, or nil
// (local files are read in place).
func (pr *parquetReader) prefetcher() *chunkCache {
	if _, remote := pr.obj.(*s3Object); !remote {
		return nil
	}
	return &chunkCache{obj: pr.obj}
}

// fetch reads the byte ranges of the given column chunks of row group g,
// several at a time, before the cursors start: the columns of a row group
// arrive in one round of requests instead of one after another.
func (c *chunkCache) fetch(ctx context.Context, pf *parquet.File, g int, cols []int) error {
	if c == nil {
		return nil
	}
	md := pf.Metadata()
	if g >= len(md.RowGroups) {
		return nil
	}
	var ranges []cachedRange
	var total int64
	for _, col := range cols {
		if col < 0 || col >= len(md.RowGroups[g].Columns) {
			continue
		}
		m := md.RowGroups[g].Columns[col].MetaData
		off := m.DataPageOffset
		if m.DictionaryPageOffset != 0 {
			off = m.DictionaryPageOffset
		}
		n := m.TotalCompressedSize
		if off < 0 || n <= 0 || off+n > c.obj.Size() || total+n > maxPrefetch {
			continue // left to ordinary reads
		}
		total += n
		ranges = append(ranges, cachedRange{off: off, data: make([]byte, n)})
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
