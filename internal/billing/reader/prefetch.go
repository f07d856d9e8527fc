package reader

import (
	"context"
	"io"

	"github.com/parquet-go/parquet-go"

	"github.com/refit-dev/refit/internal/billing/objstore"
)

// s3ParquetBuffer is the read buffer of a Parquet file in S3: page headers
// and small pages come in ranged GETs of this size instead of parquet-go's
// default 4 KiB (one GET per page otherwise).
const s3ParquetBuffer = 1 << 20

// maxPrefetch bounds the column chunks of one row group fetched ahead.
const maxPrefetch = 256 << 20

// columnPages reads column col of row group rg through r (a Prefetch)
// when the row group is a file's, else as parquet-go would.
func columnPages(rg parquet.RowGroup, col int, r io.ReaderAt) parquet.Pages {
	cc := rg.ColumnChunks()[col]
	if fc, ok := cc.(*parquet.FileColumnChunk); ok && r != nil {
		return fc.PagesFrom(r)
	}
	return cc.Pages()
}

// prefetcher returns a Prefetch for a row group of a remote file, or nil
// (local files are read in place).
func (pr *parquetReader) prefetcher() *objstore.Prefetch { return objstore.NewPrefetch(pr.obj) }

// prefetch reads the byte ranges of the given column chunks of row group
// g, several at a time, before the cursors start: the columns of a row
// group arrive in one round of requests instead of one after another.
func (pr *parquetReader) prefetch(ctx context.Context, c *objstore.Prefetch, g int, cols []int) error {
	if c == nil {
		return nil
	}
	md := pr.pf.Metadata()
	if g >= len(md.RowGroups) {
		return nil
	}
	var ranges []objstore.Range
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
		if off < 0 || n <= 0 || off+n > pr.obj.Size() || total+n > maxPrefetch {
			continue // left to ordinary reads
		}
		total += n
		ranges = append(ranges, objstore.Range{Off: off, Len: n})
	}
	return c.Fetch(ctx, ranges)
}
