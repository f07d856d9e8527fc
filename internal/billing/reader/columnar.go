package reader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/query"
)

// The columnar path aggregates a Parquet row group without making a Charge
// per row: it decodes the few columns a query needs page by page into
// typed slices (dictionary-encoded strings stay small integer ids), and
// sums exact scaled integers per group. It serves the common reports —
// daily totals by service, usage type, resource or account, unblended
// cost — and any query it cannot serve goes through the row path, which
// gives the same answer (tests hold the two against each other).

// colDim is one grouping dimension of a columnar plan.
type colDim struct {
	day      bool
	comp     bool // the component, classified from compCols
	col      int  // string column
	fallback int  // column used when col is empty (account), or -1
}

// ColumnarPlan is a query the columnar path can run on one Parquet file.
type ColumnarPlan struct {
	start    leaf
	cost     leaf
	hasCost  bool
	currency int // column, or -1
	dims     []colDim
	from, to int64 // bounds in start's unit (inclusive, exclusive)
	hasFrom  bool
	hasTo    bool
	// dayDiv turns a start value into days since 1970-01-01.
	dayDiv int64
	// scale of the exact sums: the decimal column's, or doubleScale.
	scale int32
	// compCols are the columns of compFields (-1: absent), when a
	// dimension is the component.
	compCols [len(compFields)]int
	focus    bool
}

// compFields are the columns classification reads (through normalize):
// the same for every format, absent ones empty.
var compFields = [...]field{fService, fUsageType, fType, fDesc, fTerm, fChargeClass, fCommitType, fCommitCategory, fCommitStatus}

// compKey is what a charge's component depends on: the ids of compFields,
// the cost's sign (a negative FOCUS adjustment is a refund) and the format.
type compKey [len(compFields) + 2]uint32

// doubleScale is the fixed scale sums of DOUBLE costs are kept at (10^19
// still fits a uint64 multiplier); a value with more decimals than this is
// summed as a decimal.
const doubleScale = 19

// columnarPlan says whether q can run column by column on this file, and
// how.
func (pr *parquetReader) columnarPlan(q query.Query) (*ColumnarPlan, bool) {
	if q.Usage || !pr.has[fStart] {
		return nil, false
	}
	switch q.Cost {
	case query.Unblended, "":
	case query.Net:
		if pr.has[fNet] {
			return nil, false
		}
	default:
		return nil, false
	}
	p := &ColumnarPlan{start: pr.leaf[fStart], currency: -1, focus: pr.format == charge.FormatFOCUS}
	switch p.start.conv {
	case convTimestamp:
		p.dayDiv = int64(24 * time.Hour / p.start.unit)
		if p.dayDiv <= 0 || int64(24*time.Hour)%int64(p.start.unit) != 0 {
			return nil, false
		}
	case convDate:
		p.dayDiv = 1
	default:
		return nil, false
	}
	if pr.has[fUnblended] {
		p.cost, p.hasCost = pr.leaf[fUnblended], true
		switch p.cost.conv {
		case convDecimalInt:
			p.scale = p.cost.scale
		case convInt:
		case convDouble, convFloat:
			p.scale = doubleScale
		default:
			return nil, false
		}
		if p.scale < 0 || p.scale > 30 {
			return nil, false
		}
	}
	if pr.has[fCurrency] {
		if pr.leaf[fCurrency].conv != convString {
			return nil, false
		}
		p.currency = pr.leaf[fCurrency].col
	}
	strCol := func(f field) (int, bool) {
		if !pr.has[f] {
			return -1, true // absent: every row has ""
		}
		l := pr.leaf[f]
		return l.col, l.conv == convString
	}
	for _, d := range q.GroupBy {
		var f, fb field = -1, -1
		switch d {
		case query.ByDay:
			p.dims = append(p.dims, colDim{day: true})
			continue
		case query.ByComponent:
			for i, cf := range compFields {
				col, ok := strCol(cf)
				if !ok {
					return nil, false
				}
				p.compCols[i] = col
			}
			p.dims = append(p.dims, colDim{comp: true, col: -1, fallback: -1})
			continue
		case query.ByService:
			f = fService
		case query.ByUsageType:
			f = fUsageType
		case query.ByResource:
			f = fResource
		case query.ByAccount:
			f, fb = fAccount, fAccountFallback
		default:
			key, ok := strings.CutPrefix(string(d), "tag:")
			if !ok || pr.has[fTagsMap] {
				return nil, false // tags in a map column: the row path
			}
			cd := colDim{col: -1, fallback: -1}
			for _, t := range pr.tags {
				if t.key != key {
					continue
				}
				if cd.col >= 0 || t.conv != convString {
					return nil, false // two columns for one key: the row path merges them
				}
				cd.col = t.col
			}
			p.dims = append(p.dims, cd)
			continue
		}
		cd := colDim{fallback: -1}
		var ok bool
		if cd.col, ok = strCol(f); !ok {
			return nil, false
		}
		if fb >= 0 {
			if cd.fallback, ok = strCol(fb); !ok {
				return nil, false
			}
		}
		p.dims = append(p.dims, cd)
	}
	if len(p.dims) > 4 {
		return nil, false // the key packs four 32-bit parts
	}

	if !q.From.IsZero() {
		p.from, p.hasFrom = startBound(q.From, p.start, true), true
	}
	if !q.To.IsZero() {
		p.to, p.hasTo = startBound(q.To, p.start, true), true
	}
	return p, true
}

// startBound converts t into start's unit, rounded up: v >= bound holds
// exactly when the time of v is at or after t.
func startBound(t time.Time, l leaf, up bool) int64 {
	unit := l.unit
	if l.conv == convDate {
		unit = 24 * time.Hour
	}
	secs := t.Unix()
	nanos := int64(t.Nanosecond())
	// t in units: secs*1e9/unit + nanos/unit, rounded up.
	perSec := int64(time.Second / unit)
	if perSec > 0 && int64(time.Second)%int64(unit) == 0 {
		v := secs*perSec + nanos/int64(unit)
		if up && nanos%int64(unit) != 0 {
			v++
		}
		return v
	}
	// units longer than a second (days)
	u := int64(unit / time.Second)
	v := floorDiv(secs, u)
	if up && (secs%u != 0 || nanos != 0) {
		v++
	}
	return v
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// int128 is an exact running sum of scaled integers.
type int128 struct {
	lo uint64
	hi int64
}

func (a *int128) add64(v int64) {
	var carry uint64
	a.lo, carry = bits.Add64(a.lo, uint64(v), 0)
	a.hi += int64(carry) + (v >> 63)
}

func (a *int128) add(b int128) {
	var carry uint64
	a.lo, carry = bits.Add64(a.lo, b.lo, 0)
	a.hi += b.hi + int64(carry)
}

// addChecked adds b unless the sum would overflow 128 bits; it reports
// whether it added.
func (a *int128) addChecked(b int128) bool {
	sum := *a
	sum.add(b)
	if (a.hi < 0) == (b.hi < 0) && (sum.hi < 0) != (a.hi < 0) {
		return false
	}
	*a = sum
	return true
}

// mul64 returns v×m as an int128 (m > 0, |v×m| < 2^127).
func mul64(v int64, m uint64) int128 {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	hi, lo := bits.Mul64(u, m)
	r := int128{lo: lo, hi: int64(hi)}
	if neg {
		r.lo, r.hi = ^r.lo+1, ^r.hi
		if r.lo == 0 {
			r.hi++
		}
	}
	return r
}

func (a int128) big() *big.Int {
	b := new(big.Int).SetInt64(a.hi)
	b.Lsh(b, 64)
	return b.Add(b, new(big.Int).SetUint64(a.lo))
}

// colSum is one group's exact sum: scaled integers, plus a decimal for the
// rare values that do not fit the scale.
type colSum struct {
	n    int128
	rest decimal.Decimal
	rows int64
}

// colGroups are the groups of one row group's aggregation.
type colGroups struct {
	slot  map[[2]uint64]int32
	keys  [][2]uint64
	sums  []colSum
	last  [2]uint64
	lastS int32
}

func (g *colGroups) find(k [2]uint64) *colSum {
	if g.lastS >= 0 && k == g.last {
		return &g.sums[g.lastS]
	}
	s, ok := g.slot[k]
	if !ok {
		s = int32(len(g.sums))
		g.slot[k] = s
		g.keys = append(g.keys, k)
		g.sums = append(g.sums, colSum{})
	}
	g.last, g.lastS = k, s
	return &g.sums[s]
}

// Strings gives each distinct string of a worker a small id (0 is ""): a
// worker's string table for the columnar path. The zero value is ready.
type Strings struct {
	ids  map[string]uint32
	strs []string
	// dict maps a dictionary (by identity) to its entries' ids.
	dict    parquet.Dictionary
	dictIDs []uint32
	// comps remembers the component (as a string id) of each compKey.
	comps map[compKey]uint32
}

// component classifies a charge known by its compKey, exactly as the row
// path does (normalize, then Classify), and remembers the answer.
func (t *Strings) component(k compKey, pr *parquetReader) uint32 {
	if id, ok := t.comps[k]; ok {
		return id
	}
	var r row
	for j, f := range compFields {
		r.s[f] = t.str(k[j])
	}
	if k[len(compFields)] == 1 {
		r.d[fUnblended], r.set[fUnblended] = decimal.NewFromInt(-1), true
	}
	format := charge.FormatCURLegacy
	if k[len(compFields)+1] == 1 {
		format = charge.FormatFOCUS
	}
	var c charge.Charge
	normalize(format, &r, &pr.has, &c)
	id := t.id([]byte(charge.Classify(&c)))
	if t.comps == nil {
		t.comps = map[compKey]uint32{}
	}
	if len(t.comps) < query.MaxClassCache {
		t.comps[k] = id
	}
	return id
}

func (t *Strings) id(b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	if id, ok := t.ids[string(b)]; ok {
		return id
	}
	if t.ids == nil {
		t.ids = map[string]uint32{}
		t.strs = []string{""}
	}
	s := string(b)
	id := uint32(len(t.strs))
	t.strs = append(t.strs, s)
	t.ids[s] = id
	return id
}

func (t *Strings) str(id uint32) string {
	if id == 0 {
		return ""
	}
	return t.strs[id]
}

// colCursor decodes one column chunk page by page into dense per-row
// values: ints (int64, timestamps, dates, scaled decimals), floats, or
// string ids; null rows are marked.
type colCursor struct {
	pages parquet.Pages
	page  parquet.Page
	kind  conv
	ints  []int64
	flts  []float64
	ids   []uint32
	null  []bool // nil when the page has no nulls
	pos   int
	n     int
	strs  *Strings
	// one dictionary cache per cursor (chunks of a column share none)
	dict    parquet.Dictionary
	dictIDs []uint32
}

func newColCursor(rg parquet.RowGroup, col int, kind conv, strs *Strings, r io.ReaderAt) *colCursor {
	return &colCursor{pages: columnPages(rg, col, r), kind: kind, strs: strs}
}

func (c *colCursor) close() {
	if c.page != nil {
		parquet.Release(c.page)
		c.page = nil
	}
	_ = c.pages.Close()
}

// avail loads the next page when the current one is used up, and returns
// how many rows are left in it.
func (c *colCursor) avail() (int, error) {
	for c.pos >= c.n {
		if c.page != nil {
			parquet.Release(c.page)
			c.page = nil
		}
		p, err := c.pages.ReadPage()
		if err != nil {
			if err == io.EOF {
				return 0, io.ErrUnexpectedEOF
			}
			return 0, err
		}
		c.page = p
		if err := c.load(p); err != nil {
			return 0, err
		}
	}
	return c.n - c.pos, nil
}

var ErrColumnar = errors.New("page layout not supported by the columnar path")

// load decodes page p into the dense slices.
func (c *colCursor) load(p parquet.Page) error {
	if len(p.RepetitionLevels()) > 0 {
		return ErrColumnar
	}
	rows := int(p.NumRows())
	c.pos, c.n = 0, rows
	c.null = c.null[:0]
	def := p.DefinitionLevels()
	hasNulls := p.NumNulls() > 0
	if hasNulls {
		if len(def) != rows {
			return ErrColumnar
		}
		maxDef := byte(0)
		for _, d := range def {
			maxDef = max(maxDef, d)
		}
		c.null = grow(c.null, rows)
		for i, d := range def {
			c.null[i] = d != maxDef || maxDef == 0
		}
	} else {
		c.null = nil
	}
	data := p.Data()
	// at maps row i to its index among the non-null values.
	nonNull := rows - int(p.NumNulls())
	switch c.kind {
	case convString:
		c.ids = grow(c.ids, rows)
		var idOf func(j int) (uint32, error)
		switch data.Kind() {
		case encoding.Int32: // dictionary indexes
			dict := p.Dictionary()
			if dict == nil {
				return ErrColumnar
			}
			if dict != c.dict {
				dv := dict.Page().Data()
				if dv.Kind() != encoding.ByteArray {
					return ErrColumnar
				}
				vals, offs := dv.ByteArray()
				c.dictIDs = grow(c.dictIDs, len(offs)-1)
				for k := 0; k+1 < len(offs); k++ {
					c.dictIDs[k] = c.strs.id(vals[offs[k]:offs[k+1]])
				}
				c.dict = dict
			}
			idx := data.Int32()
			if len(idx) != nonNull {
				return ErrColumnar
			}
			ids := c.dictIDs
			idOf = func(j int) (uint32, error) {
				k := idx[j]
				if k < 0 || int(k) >= len(ids) {
					return 0, fmt.Errorf("dictionary index %d out of range", k)
				}
				return ids[k], nil
			}
			if !hasNulls {
				for i, k := range idx {
					if k < 0 || int(k) >= len(ids) {
						return fmt.Errorf("dictionary index %d out of range", k)
					}
					c.ids[i] = ids[k]
				}
				return nil
			}
		case encoding.ByteArray:
			vals, offs := data.ByteArray()
			if len(offs) != nonNull+1 {
				return ErrColumnar
			}
			if !hasNulls {
				for i := range rows {
					c.ids[i] = c.strs.id(vals[offs[i]:offs[i+1]])
				}
				return nil
			}
			idOf = func(j int) (uint32, error) { return c.strs.id(vals[offs[j]:offs[j+1]]), nil }
		default:
			return ErrColumnar
		}
		j := 0
		for i := range rows {
			if c.null[i] {
				c.ids[i] = 0
				continue
			}
			id, err := idOf(j)
			if err != nil {
				return err
			}
			c.ids[i] = id
			j++
		}
		return nil
	}
	// Numbers: plain, or dictionary indexes into the dictionary's values.
	var idx []int32
	if dict := p.Dictionary(); dict != nil {
		if data.Kind() != encoding.Int32 {
			return ErrColumnar
		}
		idx, data = data.Int32(), dict.Page().Data()
		if len(idx) != nonNull {
			return ErrColumnar
		}
	}
	size := nonNull
	if idx != nil {
		size = -1 // any dictionary length; indexes are checked
	}
	if c.kind == convDouble || c.kind == convFloat {
		c.flts = grow(c.flts, rows)
		var vals []float64
		switch data.Kind() {
		case encoding.Double:
			vals = data.Double()
		case encoding.Float:
			f32 := data.Float()
			vals = make([]float64, len(f32))
			for i, v := range f32 {
				vals[i] = float64(v)
			}
		default:
			return ErrColumnar
		}
		return fill(c.flts, c.null, vals, idx, size)
	}
	c.ints = grow(c.ints, rows)
	switch data.Kind() {
	case encoding.Int64:
		return fill(c.ints, c.null, data.Int64(), idx, size)
	case encoding.Int32:
		v32 := data.Int32()
		vals := make([]int64, len(v32))
		for i, v := range v32 {
			vals[i] = int64(v)
		}
		return fill(c.ints, c.null, vals, idx, size)
	}
	return ErrColumnar
}

// fill spreads the non-null values (vals, or vals[idx[j]] for dictionary
// pages) over dst's rows; null rows get the zero value. size is the
// number of values expected when not a dictionary page.
func fill[T any](dst []T, null []bool, vals []T, idx []int32, size int) error {
	if size >= 0 && len(vals) != size {
		return ErrColumnar
	}
	var zero T
	j := 0
	for i := range dst {
		if null != nil && null[i] {
			dst[i] = zero
			continue
		}
		if idx == nil {
			dst[i] = vals[j]
		} else {
			k := idx[j]
			if k < 0 || int(k) >= len(vals) {
				return fmt.Errorf("dictionary index %d out of range", k)
			}
			dst[i] = vals[k]
		}
		j++
	}
	return nil
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// isNull reports whether row i (relative to pos) is null.
func (c *colCursor) isNull(i int) bool { return c.null != nil && c.null[c.pos+i] }

// pow10 are the powers of ten that fit a uint64.
var pow10 = func() [20]uint64 {
	var p [20]uint64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// floatDigits returns the shortest decimal form of f (what
// decimal.NewFromFloat gives) as mant×10^-scale.
func floatDigits(f float64, buf []byte) (mant int64, scale int32, ok bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, 0, false
	}
	b := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	// [-]d[.ddd]e±XX
	neg := false
	if b[0] == '-' {
		neg, b = true, b[1:]
	}
	var digits int32
	i := 0
	for ; i < len(b) && b[i] != 'e'; i++ {
		if b[i] == '.' {
			continue
		}
		mant = mant*10 + int64(b[i]-'0')
		digits++
	}
	exp, err := strconv.Atoi(string(b[i+1:]))
	if err != nil {
		return 0, 0, false
	}
	// value = mant × 10^(exp-(digits-1))
	scale = digits - 1 - int32(exp)
	if neg {
		mant = -mant
	}
	return mant, scale, true
}

// aggregateGroup runs plan over row group g into part. Rows with no start
// are rejected (as in the row path); a null cost counts as zero.
func (pr *parquetReader) aggregateGroup(ctx context.Context, g int, plan *ColumnarPlan, opt Options, part *query.Partial, strs *Strings, st *query.Stats) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: corrupt parquet file: %v", pr.obj.Name(), p)
		}
	}()
	name := pr.obj.Name()
	rg := pr.pf.RowGroups()[g]
	// One cursor per column, shared by the dimensions that read it.
	var all []*colCursor
	var cols []int
	byCol := map[int]*colCursor{}
	cache := pr.prefetcher()
	var reader io.ReaderAt
	if cache != nil {
		reader = cache
	}
	cursor := func(col int, kind conv) *colCursor {
		if col < 0 {
			return nil
		}
		if c := byCol[col]; c != nil {
			return c
		}
		c := newColCursor(rg, col, kind, strs, reader)
		byCol[col] = c
		all = append(all, c)
		cols = append(cols, col)
		return c
	}
	start := cursor(plan.start.col, convInt)
	var costC, curC *colCursor
	if plan.hasCost {
		costC = cursor(plan.cost.col, plan.cost.conv)
	}
	curC = cursor(plan.currency, convString)
	dimC := make([]*colCursor, len(plan.dims))
	fbC := make([]*colCursor, len(plan.dims))
	var compC [len(compFields)]*colCursor
	for i, d := range plan.dims {
		switch {
		case d.day:
		case d.comp:
			for j, col := range plan.compCols {
				compC[j] = cursor(col, convString)
			}
		default:
			dimC[i] = cursor(d.col, convString)
			fbC[i] = cursor(d.fallback, convString)
		}
	}
	defer func() {
		for _, c := range all {
			c.close()
		}
	}()
	if err := pr.prefetch(ctx, cache, g, cols); err != nil {
		return err
	}
	groups := colGroups{slot: map[[2]uint64]int32{}, lastS: -1}
	re := rowErrors{opt: opt, stats: st}
	var (
		fbuf      [32]byte
		lastF     float64
		lastMant  int64
		lastScale int32
		lastOK    bool
		haveLastF bool
		curID     uint32
		minDay    = int64(math.MaxInt64)
		maxDay    = int64(math.MinInt64)
		rowsOut   int64
		accepted  int64
	)
	if part.Currency() != "" {
		curID = strs.id([]byte(part.Currency()))
	}
	nrows := rg.NumRows()
	for done := int64(0); done < nrows; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := int(min(nrows-done, 1<<16))
		for _, c := range all {
			a, err := c.avail()
			if err != nil {
				return fmt.Errorf("%s: row %d: %w", name, pr.rowStart[g]+done+1, err)
			}
			n = min(n, a)
		}
		starts := start.ints[start.pos : start.pos+n]
		for i := range n {
			rowNum := pr.rowStart[g] + done + int64(i) + 1
			if start.isNull(i) {
				if err := re.reject(name, int(rowNum), fmt.Errorf("%s: missing date", columns[fStart].name(namingOf(pr.format, nil)))); err != nil {
					return err
				}
				continue
			}
			accepted++
			v := starts[i]
			if (plan.hasFrom && v < plan.from) || (plan.hasTo && v >= plan.to) {
				continue
			}
			if curC != nil {
				if id := curC.ids[curC.pos+i]; id != 0 && id != curID {
					at := source(name, int(rowNum))
					if err := part.SeeCurrency(strs.str(id), at); err != nil {
						return err
					}
					curID = id
				}
			}
			day := floorDiv(v, plan.dayDiv)
			minDay, maxDay = min(minDay, day), max(maxDay, day)
			var key [2]uint64
			k := 0
			for d, cd := range plan.dims {
				var kp uint64
				switch {
				case cd.day:
					kp = uint64(uint32(int32(day)))
				case cd.comp:
					var ck compKey
					for j, c := range compC {
						if c != nil {
							ck[j] = c.ids[c.pos+i]
						}
					}
					if costC != nil && !costC.isNull(i) {
						if plan.cost.conv == convDouble || plan.cost.conv == convFloat {
							if costC.flts[costC.pos+i] < 0 {
								ck[len(compFields)] = 1
							}
						} else if costC.ints[costC.pos+i] < 0 {
							ck[len(compFields)] = 1
						}
					}
					if plan.focus {
						ck[len(compFields)+1] = 1
					}
					kp = uint64(strs.component(ck, pr))
				default:
					var id uint32
					if c := dimC[d]; c != nil {
						id = c.ids[c.pos+i]
					}
					if id == 0 && fbC[d] != nil {
						id = fbC[d].ids[fbC[d].pos+i]
					}
					kp = uint64(id)
				}
				key[k/2] |= kp << (32 * (k % 2))
				k++
			}
			sum := groups.find(key)
			sum.rows++
			rowsOut++
			if costC == nil || costC.isNull(i) {
				continue
			}
			switch plan.cost.conv {
			case convDecimalInt, convInt:
				sum.n.add64(costC.ints[costC.pos+i])
			default:
				f := costC.flts[costC.pos+i]
				if !haveLastF || f != lastF || math.Signbit(f) != math.Signbit(lastF) {
					lastMant, lastScale, lastOK = floatDigits(f, fbuf[:])
					lastF, haveLastF = f, true
				}
				switch {
				case !lastOK:
					return fmt.Errorf("%s: row %d: %s: not a number: %v", name, rowNum, columns[fUnblended].name(namingOf(pr.format, nil)), f)
				case lastMant == 0:
				case lastScale >= 0 && lastScale <= plan.scale && sum.n.addChecked(mul64(lastMant, pow10[plan.scale-lastScale])):
				default: // more decimals than the scale, a huge value, or an overflow
					sum.rest = sum.rest.Add(decimal.New(lastMant, -lastScale))
				}
			}
		}
		for _, c := range all {
			c.pos += n
		}
		done += int64(n)
		if opt.Progress != nil {
			opt.Progress(int64(n))
		}
	}
	st.Rows += accepted
	if rowsOut == 0 {
		return nil
	}
	// Hand the groups to the engine's partial, as the row path would have.
	part.SeeDay(time.Unix(minDay*86400, 0).UTC())
	part.SeeDay(time.Unix(maxDay*86400, 0).UTC())
	keys := part.Keys()
	var dayStr string
	var dayOfStr int64 = math.MinInt64
	for s, key := range groups.keys {
		sum := &groups.sums[s]
		k := 0
		for d, cd := range plan.dims {
			kp := uint32(key[k/2] >> (32 * (k % 2)))
			k++
			if cd.day {
				day := int64(int32(kp))
				if day != dayOfStr {
					dayStr, dayOfStr = time.Unix(day*86400, 0).UTC().Format(time.DateOnly), day
				}
				keys[d] = dayStr
				continue
			}
			keys[d] = strs.str(kp)
		}
		amount := decimal.NewFromBigInt(sum.n.big(), -plan.scale)
		if !sum.rest.IsZero() {
			amount = amount.Add(sum.rest)
		}
		if plan.cost.conv == convDouble || plan.cost.conv == convFloat {
			amount = trimScale(amount)
		}
		part.AddGroup(keys, amount, sum.rows)
	}
	return nil
}

// trimScale drops trailing zero decimals of a sum kept at doubleScale, so
// it prints as the row path's sum of the same values.
func trimScale(d decimal.Decimal) decimal.Decimal {
	if d.Exponent() >= 0 {
		return d
	}
	s := d.String()
	t, err := decimal.NewFromString(s)
	if err != nil {
		return d
	}
	return t
}
