package reader

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
)

// csvLayout maps a header to the column index of each needed field.
type csvLayout struct {
	format charge.Format
	idx    [numFields]int // -1 when absent
	has    [numFields]bool
	tags   []tagColumn
	maxIdx int
}

type tagColumn struct {
	idx int
	key string
}

func newCSVLayout(name string, header []string, p Projection) (*csvLayout, error) {
	f, err := DetectColumns(name, header)
	if err != nil {
		return nil, err
	}
	n := namingOf(f, header)
	pos := make(map[string]int, len(header))
	for i, h := range header {
		if _, dup := pos[h]; !dup {
			pos[h] = i
		}
	}
	l := &csvLayout{format: f}
	for fl := range numFields {
		l.idx[fl] = -1
		name := columns[fl].name(n)
		if name == "" || !p.needs(fl) {
			continue
		}
		if i, ok := pos[name]; ok {
			l.idx[fl], l.has[fl] = i, true
			l.maxIdx = max(l.maxIdx, i)
		}
	}
	if err := p.refuse(name, f, &l.has); err != nil {
		return nil, err
	}
	if n != namingFOCUS && p.needsTags() {
		for i, h := range header {
			if k := tagKey(h); k != "" {
				l.tags = append(l.tags, tagColumn{i, k})
				l.maxIdx = max(l.maxIdx, i)
			}
		}
	}
	return l, nil
}

// readCSV streams a CSV or gzipped CSV export. Row errors name the file and
// the line of the bad record.
func readCSV(ctx context.Context, obj objstore.Object, kind container, opt Options, c *charge.Charge, fn func(*charge.Charge) error) (query.Stats, error) {
	st := query.Stats{Files: 1, Bytes: obj.Size()}
	name := obj.Name()
	rc, err := obj.Open(ctx)
	if err != nil {
		return st, err
	}
	defer rc.Close()
	cr, ahead, err := newCSVReader(rc, kind)
	if err != nil {
		return st, fmt.Errorf("%s: %w", name, err)
	}
	defer ahead.Close()
	header, err := readHeader(cr)
	if err != nil {
		return st, fmt.Errorf("%s: %w", name, err)
	}
	l, err := newCSVLayout(name, header, opt.Projection)
	if err != nil {
		return st, err
	}
	st.Format = l.format
	re := rowErrors{opt: opt, stats: &st}
	var (
		in     interner
		r      row
		starts timeCache
		ends   timeCache
	)
	isFOCUS := l.format == charge.FormatFOCUS
	tags := map[string]string{} // reused: fn must not keep c.Tags
	want := l.maxIdx + 1
	for n := 0; ; n++ {
		if n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return st, err
			}
		}
		rec, more, line, err := cr.next(want)
		if err == io.EOF {
			return st, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if err := re.reject(name, pe.StartLine, pe.Err); err != nil {
					return st, err
				}
				continue
			}
			return st, fmt.Errorf("%s: %w", name, err)
		}
		if len(rec) == 1 && !more && len(bytes.TrimSpace(rec[0])) == 0 {
			continue // blank line
		}
		if len(rec) <= l.maxIdx {
			if err := re.reject(name, line, fmt.Errorf("%d fields, header has %d", len(rec), len(header))); err != nil {
				return st, err
			}
			continue
		}
		r.reset()
		var rowErr error
		for fl := range numFields {
			i := l.idx[fl]
			if i < 0 {
				continue
			}
			v := rec[i]
			switch columns[fl].kind {
			case kindString:
				if isFOCUS && string(v) == "NULL" {
					v = nil
				}
				r.s[fl] = in.bytes(v)
			case kindDecimal:
				d, ok, err := parseDecimalBytes(v)
				if err != nil {
					rowErr = fmt.Errorf("%s: %w", header[i], err)
				}
				r.d[fl], r.set[fl] = d, ok
			case kindTime:
				tc := &starts
				if fl == fEnd {
					tc = &ends
				}
				t, err := tc.parseBytes(v)
				if err != nil && (fl == fStart || len(bytes.TrimSpace(v)) != 0) {
					rowErr = fmt.Errorf("%s: %w", header[i], err)
				}
				r.t[fl-fStart] = t
			case kindMap:
				r.s[fl] = string(v)
			}
			if rowErr != nil {
				break
			}
		}
		if rowErr != nil {
			if err := re.reject(name, line, rowErr); err != nil {
				return st, err
			}
			continue
		}
		*c = charge.Charge{}
		normalize(l.format, &r, &l.has, c)
		if c.Region == "" && r.s[fProductMap] != "" {
			c.Region = regionFromProductJSON(r.s[fProductMap], &in)
		}
		if len(l.tags) > 0 || r.s[fTagsMap] != "" {
			clear(tags)
			for _, tc := range l.tags {
				if v := rec[tc.idx]; len(v) != 0 {
					tags[tc.key] = in.bytes(v)
				}
			}
			if r.s[fTagsMap] != "" {
				parseTagsJSON(r.s[fTagsMap], &in, tags, !isFOCUS)
			}
			if len(tags) > 0 {
				c.Tags = tags
			}
		}
		c.Source = source(name, line)
		st.Rows++
		if err := fn(c); err != nil {
			return st, err
		}
	}
}
