package reader

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/parquet-go/parquet-go"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
)

// container is how a billing file is stored.
type container int

const (
	containerCSV container = iota
	containerGzipCSV
	containerParquet
	containerJSON
)

// sniff tells the container from the first bytes: "PAR1" is Parquet, 1f 8b
// gzip, '{' a JSON manifest, anything else CSV.
func sniff(obj objstore.Object) (container, error) {
	var b [4]byte
	n, err := obj.ReadAt(b[:], 0)
	if n < len(b) && err != nil && err != io.EOF {
		return 0, fmt.Errorf("%s: %w", obj.Name(), err)
	}
	head := b[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return containerParquet, nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return containerGzipCSV, nil
	case bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("{")):
		return containerJSON, nil
	}
	return containerCSV, nil
}

// cur2Columns are top-level columns only CUR 2.0 has: the map columns
// product, resource_tags, cost_category and discount, and the account
// names added by Data Exports
// (https://docs.aws.amazon.com/cur/latest/userguide/dataexports-migrate.html).
var cur2Columns = []string{
	"product", "resource_tags", "cost_category", "discount",
	"bill_payer_account_name", "line_item_usage_account_name",
}

// DetectColumns names the format of a file whose header (CSV) or top-level
// schema fields (Parquet) are cols:
//   - FOCUS has BilledCost and ChargePeriodStart;
//   - legacy CUR CSV has lineItem/UnblendedCost;
//   - line_item_unblended_cost is CUR 2.0 when one of the CUR 2.0-only
//     columns is present (product, resource_tags, cost_category,
//     discount, bill_payer_account_name, line_item_usage_account_name),
//     else the Athena/Parquet form of legacy CUR.
//
// Other column sets are an error naming the file and the columns seen.
func DetectColumns(name string, cols []string) (charge.Format, error) {
	has := make(map[string]bool, len(cols))
	for _, c := range cols {
		has[c] = true
	}
	switch {
	case has["BilledCost"] && has["ChargePeriodStart"]:
		return charge.FormatFOCUS, nil
	case has["lineItem/UnblendedCost"]:
		return charge.FormatCURLegacy, nil
	case has["line_item_unblended_cost"]:
		for _, c := range cur2Columns {
			if has[c] {
				return charge.FormatCUR2, nil
			}
		}
		return charge.FormatCURLegacy, nil
	}
	shown := cols
	more := ""
	if len(shown) > 15 {
		shown, more = shown[:15], fmt.Sprintf(", … (%d columns)", len(cols))
	}
	return "", fmt.Errorf("%s: not a billing export (want lineItem/UnblendedCost, line_item_unblended_cost or BilledCost+ChargePeriodStart); columns: %s%s",
		name, strings.Join(shown, ", "), more)
}

// Detect reads obj's CSV header or Parquet schema and names its format.
func Detect(ctx context.Context, obj objstore.Object) (charge.Format, error) {
	defer objstore.Close(obj)
	kind, err := sniff(obj)
	if err != nil {
		return "", err
	}
	switch kind {
	case containerJSON:
		return "", fmt.Errorf("%s: is a manifest; expand it to its report parts first", obj.Name())
	case containerParquet:
		pf, err := openParquet(obj)
		if err != nil {
			return "", err
		}
		return DetectColumns(obj.Name(), parquetTopLevel(pf))
	}
	rc, err := obj.Open(ctx)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	cr, ahead, err := newCSVReader(rc, kind)
	if err != nil {
		return "", fmt.Errorf("%s: %w", obj.Name(), err)
	}
	defer ahead.Close()
	header, err := readHeader(cr)
	if err != nil {
		return "", fmt.Errorf("%s: %w", obj.Name(), err)
	}
	return DetectColumns(obj.Name(), header)
}

// newCSVReader reads plain or gzipped CSV; gzip is decompressed a few
// chunks ahead in its own goroutine (stopped by the returned closer).
// Ragged rows are the reader's to reject, one by one.
func newCSVReader(r io.Reader, kind container) (*csvScanner, io.Closer, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	var src io.Reader = br
	var closer io.Closer = io.NopCloser(nil)
	if kind == containerGzipCSV {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, err
		}
		ra := objstore.ReadAhead(zr)
		src, closer = bufio.NewReaderSize(ra, 256<<10), ra
	}
	return newCSVScanner(src), closer, nil
}

// readHeader reads the header row, dropping a UTF-8 byte order mark.
func readHeader(cr *csvScanner) ([]string, error) {
	rec, _, _, err := cr.next(0)
	if err == io.EOF {
		return nil, fmt.Errorf("empty file: no header row")
	}
	if err != nil {
		return nil, err
	}
	header := make([]string, len(rec))
	for i, h := range rec {
		header[i] = strings.TrimSpace(string(h))
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	return header, nil
}

// openParquet opens obj's Parquet footer without page indexes or bloom
// filters (refit scans whole columns).
func openParquet(obj objstore.Object) (*parquet.File, error) {
	opts := []parquet.FileOption{parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true)}
	if objstore.Remote(obj) {
		opts = append(opts, parquet.ReadBufferSize(s3ParquetBuffer))
	}
	pf, err := parquet.OpenFile(obj, obj.Size(), opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: parquet: %w", obj.Name(), err)
	}
	return pf, nil
}

// parquetTopLevel lists the top-level field names of a Parquet schema.
func parquetTopLevel(pf *parquet.File) []string {
	fields := pf.Schema().Fields()
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Name()
	}
	return out
}
