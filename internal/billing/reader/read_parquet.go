package reader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
)

// conv says how to turn a Parquet leaf's values into a field.
type conv int

const (
	convString conv = iota
	convDouble
	convFloat
	convInt
	convDecimalInt   // INT32/INT64 DECIMAL(p, s)
	convDecimalBytes // BYTE_ARRAY/FIXED_LEN_BYTE_ARRAY DECIMAL(p, s)
	convTimestamp    // INT64 TIMESTAMP(unit)
	convInt96        // legacy Hive/Spark INT96 timestamp
	convDate         // INT32 DATE
)

type leaf struct {
	col   int
	conv  conv
	scale int32
	unit  time.Duration
}

// mapLeaves are the key and value leaves of a map<string,string> column.
type mapLeaves struct {
	ok         bool
	key, value leaf
}

// parquetReader reads the needed columns of one Parquet file.
type parquetReader struct {
	obj    objstore.Object
	pf     *parquet.File
	format charge.Format
	leaf   [numFields]leaf
	has    [numFields]bool
	tags   []tagLeaf
	// resource_tags and product maps (CUR 2.0).
	tagsMap, productMap mapLeaves
	// rowStart[i] is the file row number (0-based) of row group i's first row.
	rowStart []int64
}

type tagLeaf struct {
	leaf
	key string
}

func allGroups(pf *parquet.File) []int {
	out := make([]int, len(pf.RowGroups()))
	for i := range out {
		out[i] = i
	}
	return out
}

func newParquetReader(obj objstore.Object, pf *parquet.File, p Projection) (*parquetReader, error) {
	top := parquetTopLevel(pf)
	f, err := DetectColumns(obj.Name(), top)
	if err != nil {
		return nil, err
	}
	pr := &parquetReader{obj: obj, pf: pf, format: f}
	n := namingOf(f, top)
	s := pf.Schema()
	var start int64
	for _, rg := range pf.RowGroups() {
		pr.rowStart = append(pr.rowStart, start)
		start += rg.NumRows()
	}
	for fl := range numFields {
		name := columns[fl].name(n)
		if name == "" || !p.needs(fl) {
			continue
		}
		if columns[fl].kind == kindMap {
			m, err := mapLeavesOf(s, name)
			if err != nil {
				return nil, fmt.Errorf("%s: column %s: %w", obj.Name(), name, err)
			}
			if m.ok {
				if fl == fTagsMap {
					pr.tagsMap = m
				} else {
					pr.productMap = m
				}
				pr.has[fl] = true
				continue
			}
		}
		lc, ok := s.Lookup(name)
		if !ok || lc.MaxRepetitionLevel > 0 {
			continue
		}
		l, err := leafOf(lc, columns[fl].kind)
		if err != nil {
			return nil, fmt.Errorf("%s: column %s: %w", obj.Name(), name, err)
		}
		pr.leaf[fl], pr.has[fl] = l, true
	}
	if err := p.refuse(obj.Name(), f, &pr.has); err != nil {
		return nil, err
	}
	if n != namingFOCUS && p.needsTags() {
		for _, path := range s.Columns() {
			if len(path) != 1 {
				continue
			}
			k := tagKey(path[0])
			if k == "" {
				continue
			}
			lc, _ := s.Lookup(path...)
			l, err := leafOf(lc, kindString)
			if err != nil {
				continue
			}
			pr.tags = append(pr.tags, tagLeaf{l, k})
		}
	}
	return pr, nil
}

// leafOf picks the conversion for a leaf column holding a field of kind k.
func leafOf(lc parquet.LeafColumn, k fieldKind) (leaf, error) {
	t := lc.Node.Type()
	l := leaf{col: lc.ColumnIndex}
	var lt format.LogicalTypeValue
	if p := t.LogicalType(); p != nil {
		lt = p.Value
	}
	switch v := lt.(type) {
	case *format.DecimalType:
		l.scale = v.Scale
		switch t.Kind() {
		case parquet.Int32, parquet.Int64:
			l.conv = convDecimalInt
		default:
			l.conv = convDecimalBytes
		}
		return l, nil
	case *format.TimestampType:
		l.conv, l.unit = convTimestamp, time.Millisecond
		if v.Unit.Value != nil {
			l.unit = v.Unit.Value.Duration()
		}
		return l, nil
	case *format.DateType:
		l.conv = convDate
		return l, nil
	}
	if ct := t.ConvertedType(); ct != nil {
		switch *ct {
		case deprecated.TimestampMillis:
			return leaf{col: l.col, conv: convTimestamp, unit: time.Millisecond}, nil
		case deprecated.TimestampMicros:
			return leaf{col: l.col, conv: convTimestamp, unit: time.Microsecond}, nil
		}
	}
	switch t.Kind() {
	case parquet.Double:
		l.conv = convDouble
	case parquet.Float:
		l.conv = convFloat
	case parquet.Int32, parquet.Int64:
		l.conv = convInt
	case parquet.Int96:
		l.conv = convInt96
	case parquet.ByteArray, parquet.FixedLenByteArray:
		l.conv = convString
	default:
		if k != kindString {
			return l, fmt.Errorf("unsupported type %s", t)
		}
		l.conv = convString
	}
	return l, nil
}

// mapLeavesOf finds the key and value leaves of map column name (any
// group layout: name.key_value.key, name.map.key...).
func mapLeavesOf(s *parquet.Schema, name string) (mapLeaves, error) {
	var m mapLeaves
	var keyOK, valOK bool
	for _, path := range s.Columns() {
		if len(path) < 2 || path[0] != name {
			continue
		}
		lc, _ := s.Lookup(path...)
		l, err := leafOf(lc, kindString)
		if err != nil {
			return m, err
		}
		switch path[len(path)-1] {
		case "key":
			m.key, keyOK = l, true
		case "value":
			m.value, valOK = l, true
		}
	}
	m.ok = keyOK && valOK
	return m, nil
}

// cursor walks one column chunk value by value.
type cursor struct {
	pages parquet.Pages
	page  parquet.Page
	vr    parquet.ValueReader
	buf   []parquet.Value
	i, n  int
	done  bool
	last  string // last string value: consecutive rows often repeat it
}

func newCursor(rg parquet.RowGroup, col int, r io.ReaderAt) *cursor {
	return &cursor{pages: columnPages(rg, col, r), buf: make([]parquet.Value, 512)}
}

func (c *cursor) fill() error {
	for c.i >= c.n {
		if c.done {
			return io.EOF
		}
		if c.vr != nil {
			n, err := c.vr.ReadValues(c.buf)
			c.i, c.n = 0, n
			if n > 0 {
				return nil
			}
			if err != nil && err != io.EOF {
				return err
			}
			parquet.Release(c.page)
			c.page, c.vr = nil, nil
			continue
		}
		p, err := c.pages.ReadPage()
		if err == io.EOF {
			c.done = true
			return io.EOF
		}
		if err != nil {
			return err
		}
		c.page, c.vr = p, p.Values()
	}
	return nil
}

func (c *cursor) next() (parquet.Value, error) {
	if err := c.fill(); err != nil {
		return parquet.Value{}, err
	}
	v := c.buf[c.i]
	c.i++
	return v, nil
}

// peekNewRow reports whether the next value starts a new row (or the chunk
// is over).
func (c *cursor) peekNewRow() (bool, error) {
	if err := c.fill(); err != nil {
		if err == io.EOF {
			return true, nil
		}
		return false, err
	}
	return c.buf[c.i].RepetitionLevel() == 0, nil
}

func (c *cursor) close() {
	if c.page != nil {
		parquet.Release(c.page)
	}
	_ = c.pages.Close()
}

// mapCursor reads one map<string,string> row at a time.
type mapCursor struct {
	key, value *cursor
	keys, vals []string
}

func (m *mapCursor) next(in *interner) error {
	m.keys, m.vals = m.keys[:0], m.vals[:0]
	for _, side := range []struct {
		c   *cursor
		out *[]string
	}{{m.key, &m.keys}, {m.value, &m.vals}} {
		for {
			v, err := side.c.next()
			if err != nil {
				return unexpectedEOF(err)
			}
			if !v.IsNull() {
				*side.out = append(*side.out, in.bytes(v.ByteArray()))
			} else if side.c == m.value {
				*side.out = append(*side.out, "")
			}
			newRow, err := side.c.peekNewRow()
			if err != nil {
				return err
			}
			if newRow {
				break
			}
		}
	}
	return nil
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// decimal converts a numeric value. DOUBLE and FLOAT values go through
// decimal.NewFromFloat, which takes the shortest decimal that rounds to the
// same float (22.32 stays 22.32, not 22.3200000000000002842...), so sums
// match what Athena and the CSV form of the same report show.
func (l leaf) decimal(v parquet.Value) (decimal.Decimal, bool, error) {
	if v.IsNull() {
		return decimal.Decimal{}, false, nil
	}
	switch l.conv {
	case convDouble:
		return decimal.NewFromFloat(v.Double()), true, nil
	case convFloat:
		return decimal.NewFromFloat32(v.Float()), true, nil
	case convInt:
		return decimal.NewFromInt(v.Int64()), true, nil
	case convDecimalInt:
		return decimal.New(v.Int64(), -l.scale), true, nil
	case convDecimalBytes:
		b := v.ByteArray()
		n := new(big.Int).SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 { // two's complement negative
			n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(b))*8))
		}
		return decimal.NewFromBigInt(n, -l.scale), true, nil
	case convString:
		return parseDecimal(string(v.ByteArray()))
	}
	return decimal.Decimal{}, false, fmt.Errorf("not a number: %v", v)
}

// julianUnixEpoch is the Julian day number of 1970-01-01.
const julianUnixEpoch = 2440588

func (l leaf) time(v parquet.Value, tc *timeCache) (time.Time, error) {
	if v.IsNull() {
		return time.Time{}, errors.New("missing date")
	}
	switch l.conv {
	case convTimestamp:
		return time.Unix(0, 0).Add(time.Duration(v.Int64()) * l.unit).UTC(), nil
	case convDate:
		return time.Unix(int64(v.Int32())*86400, 0).UTC(), nil
	case convInt96:
		i := v.Int96()
		nanos := int64(uint64(i[1])<<32 | uint64(i[0]))
		days := int64(i[2]) - julianUnixEpoch
		return time.Unix(days*86400, nanos).UTC(), nil
	case convString:
		return tc.parse(string(v.ByteArray()))
	}
	return time.Time{}, fmt.Errorf("not a date: %v", v)
}

func (l leaf) str(v parquet.Value, in *interner) string {
	if v.IsNull() {
		return ""
	}
	if l.conv == convString {
		return in.bytes(v.ByteArray())
	}
	return in.str(v.String())
}

// str converts v, reusing the previous row's string when equal.
func (c *cursor) str(l leaf, v parquet.Value, in *interner) string {
	if l.conv == convString && !v.IsNull() {
		if b := v.ByteArray(); string(b) == c.last {
			return c.last
		}
	}
	c.last = l.str(v, in)
	return c.last
}

// read reads the given row groups in order, calling fn for each charge.
// Row numbers in errors are 1-based data rows of the whole file.
func (pr *parquetReader) read(ctx context.Context, groups []int, opt Options, c *charge.Charge, fn func(*charge.Charge) error) (st query.Stats, err error) {
	defer func() {
		// parquet-go can panic on corrupt files; report, don't crash.
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: corrupt parquet file: %v", pr.obj.Name(), p)
		}
	}()
	st.Format = pr.format
	for _, g := range groups {
		if err := pr.readGroup(ctx, g, opt, c, fn, &st); err != nil {
			return st, err
		}
	}
	return st, nil
}

func (pr *parquetReader) readGroup(ctx context.Context, g int, opt Options, c *charge.Charge, fn func(*charge.Charge) error, st *query.Stats) error {
	name := pr.obj.Name()
	rg := pr.pf.RowGroups()[g]
	var cursors [numFields]*cursor
	var all []*cursor
	var cols []int
	cache := pr.prefetcher()
	var reader io.ReaderAt
	if cache != nil {
		reader = cache
	}
	open := func(col int) *cursor {
		cols = append(cols, col)
		return newCursor(rg, col, reader)
	}
	for fl := range numFields {
		isMap := (fl == fTagsMap && pr.tagsMap.ok) || (fl == fProductMap && pr.productMap.ok)
		if pr.has[fl] && !isMap {
			cursors[fl] = open(pr.leaf[fl].col)
			all = append(all, cursors[fl])
		}
	}
	tagCursors := make([]*cursor, len(pr.tags))
	for i, t := range pr.tags {
		tagCursors[i] = open(t.col)
	}
	var tagsMap, productMap *mapCursor
	if pr.tagsMap.ok {
		tagsMap = &mapCursor{key: open(pr.tagsMap.key.col), value: open(pr.tagsMap.value.col)}
	}
	if pr.productMap.ok {
		productMap = &mapCursor{key: open(pr.productMap.key.col), value: open(pr.productMap.value.col)}
	}
	defer func() {
		for _, cu := range all {
			cu.close()
		}
		for _, cu := range tagCursors {
			cu.close()
		}
		for _, m := range []*mapCursor{tagsMap, productMap} {
			if m != nil {
				m.key.close()
				m.value.close()
			}
		}
	}()
	if err := pr.prefetch(ctx, cache, g, cols); err != nil {
		return err
	}
	re := rowErrors{opt: opt, stats: st}
	var (
		in     interner
		r      row
		starts timeCache
		ends   timeCache
	)
	tags := map[string]string{} // reused: fn must not keep c.Tags
	nrows := rg.NumRows()
	for i := int64(0); i < nrows; i++ {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rowNum := int(pr.rowStart[g] + i + 1)
		r.reset()
		var rowErr error
		for fl := range numFields {
			cu := cursors[fl]
			if cu == nil {
				continue
			}
			v, err := cu.next()
			if err != nil {
				return fmt.Errorf("%s: row %d: column %d: %w", name, rowNum, pr.leaf[fl].col, unexpectedEOF(err))
			}
			if rowErr != nil {
				continue // keep every cursor in step
			}
			l := pr.leaf[fl]
			switch columns[fl].kind {
			case kindString:
				r.s[fl] = cu.str(l, v, &in)
			case kindMap: // a map written as JSON text (FOCUS Tags)
				if !v.IsNull() {
					r.s[fl] = string(v.ByteArray())
				}
			case kindDecimal:
				d, ok, err := l.decimal(v)
				if err != nil {
					rowErr = fmt.Errorf("%s: %w", columns[fl].snake, err)
				}
				r.d[fl], r.set[fl] = d, ok
			case kindTime:
				tc := &starts
				if fl == fEnd {
					tc = &ends
				}
				t, err := l.time(v, tc)
				if err != nil && fl == fStart {
					rowErr = fmt.Errorf("%s: %w", columns[fl].name(namingOf(pr.format, nil)), err)
				}
				r.t[fl-fStart] = t
			}
		}
		clear(tags)
		for j, cu := range tagCursors {
			v, err := cu.next()
			if err != nil {
				return fmt.Errorf("%s: row %d: %w", name, rowNum, unexpectedEOF(err))
			}
			if s := cu.str(pr.tags[j].leaf, v, &in); s != "" {
				tags[pr.tags[j].key] = s
			}
		}
		if tagsMap != nil {
			if err := tagsMap.next(&in); err != nil {
				return fmt.Errorf("%s: row %d: resource_tags: %w", name, rowNum, err)
			}
			for k, key := range tagsMap.keys {
				if k < len(tagsMap.vals) && tagsMap.vals[k] != "" {
					tags[in.str(normalizeMapTagKey(key))] = tagsMap.vals[k]
				}
			}
		}
		if r.s[fTagsMap] != "" {
			parseTagsJSON(r.s[fTagsMap], &in, tags, pr.format != charge.FormatFOCUS)
		}
		productRegion := ""
		if productMap != nil {
			if err := productMap.next(&in); err != nil {
				return fmt.Errorf("%s: row %d: product: %w", name, rowNum, err)
			}
			for k, key := range productMap.keys {
				if (key == "region_code" || key == "region") && k < len(productMap.vals) && productMap.vals[k] != "" {
					if productRegion == "" || key == "region_code" {
						productRegion = productMap.vals[k]
					}
				}
			}
		}
		if rowErr != nil {
			if err := re.reject(name, rowNum, rowErr); err != nil {
				return err
			}
			continue
		}
		*c = charge.Charge{}
		normalize(pr.format, &r, &pr.has, c)
		if c.Region == "" {
			c.Region = productRegion
		}
		if c.Region == "" && r.s[fProductMap] != "" {
			c.Region = regionFromProductJSON(r.s[fProductMap], &in)
		}
		if len(tags) > 0 {
			c.Tags = tags
		}
		c.Source = source(name, rowNum)
		st.Rows++
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}
