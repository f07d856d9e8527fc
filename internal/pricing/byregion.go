package pricing

import (
	"bytes"
	"fmt"
	"sync"
)

// regional is one region's rows of a file grouped by region (the EC2
// on-demand prices, the spot advisor), parsed on first use when the
// catalog is the embedded one: a command prices one region or a few, and
// those two files are most of what parsing the whole catalog costs
// (docs/benchmarks.md, "Start-up").
type regional[T any] struct {
	once sync.Once
	// load parses the region's rows into m (nil once parsed, or for a
	// catalog read eagerly).
	load func(m map[string]T) error
	m    map[string]T
	err  error
}

// get returns the region's table, parsing it on first use; safe for
// concurrent callers.
func (r *regional[T]) get() (map[string]T, error) {
	r.once.Do(func() {
		if r.load != nil {
			r.err = r.load(r.m)
			r.load = nil
		}
	})
	return r.m, r.err
}

// regionTable is a whole file's regions. Its map is complete once built:
// afterwards only each region's own table is written, under its once.
type regionTable[T any] map[string]*regional[T]

// add is the eager path's row: rec[0] is the region.
func (t regionTable[T]) add(region string) map[string]T {
	r := t[region]
	if r == nil {
		r = &regional[T]{m: map[string]T{}}
		t[region] = r
	}
	return r.m
}

// get is the region's table (nil when the file has no row for it).
func (t regionTable[T]) get(region string) (map[string]T, error) {
	r := t[region]
	if r == nil {
		return nil, nil
	}
	return r.get()
}

// span is a run of a region's lines in a file: data[start:end], the first
// of them at line (1-based, the header being line 1).
type span struct {
	start, end, line int
}

// indexByRegion finds each region's lines in data, a CSV file whose first
// column is the region (unquoted, as in the embedded catalog's files): one
// pass over the bytes, no parsing. A region's rows need not be contiguous.
func indexByRegion(name string, data []byte) (header []byte, spans map[string][]span, err error) {
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		return nil, nil, fmt.Errorf("%s:1: no rows", name)
	}
	header, spans = data[:nl+1], map[string][]span{}
	var cur []byte
	for i, line := nl+1, 2; i < len(data); line++ {
		end := bytes.IndexByte(data[i:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += i + 1
		}
		comma := bytes.IndexByte(data[i:end], ',')
		if comma < 0 {
			if len(bytes.TrimSpace(data[i:end])) == 0 { // a blank line, as csv skips
				i = end
				continue
			}
			return nil, nil, fmt.Errorf("%s:%d: want region,... (no comma)", name, line)
		}
		if s := spans[string(cur)]; cur != nil && bytes.Equal(data[i:i+comma], cur) && s[len(s)-1].end == i {
			s[len(s)-1].end = end // the common case: the same region as the line before
		} else {
			region := string(data[i : i+comma])
			spans[region] = append(spans[region], span{start: i, end: end, line: line})
			cur = data[i : i+comma]
		}
		i = end
	}
	return header, spans, nil
}
