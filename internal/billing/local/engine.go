// Package local is the local engine: it reads billing files where refit
// runs (local or in S3), several at a time, and sums their charges into
// exact per-worker partial aggregates, merged at the end.
package local

import (
	"context"
	"fmt"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/billing/reader"
)

// Source streams charges. fn may be called from several goroutines at
// once when the source reads files in parallel; worker (0..Workers()-1)
// says which, so callers can keep per-worker partial aggregates without
// locks. p is the projection of the query: the columns to read.
type Source interface {
	Workers() int
	Scan(ctx context.Context, p reader.Projection, fn func(worker int, c *charge.Charge) error) (query.Stats, error)
}

// columnarSource is a Source that can aggregate some of its input
// straight into the engine's per-worker partials; fn takes the rest.
type columnarSource interface {
	scanColumnar(ctx context.Context, q query.Query, parts []*query.Partial, fn func(worker int, c *charge.Charge) error) (query.Stats, error)
}

// Options configure the local engine over files.
type Options struct {
	// Strict stops at the first bad row instead of counting it.
	Strict bool
	// Workers is how many files are read at once (0: one per CPU; at most
	// MaxWorkers).
	Workers int
	// Progress, when set, is told of rows read as they are read.
	Progress func(rows int64)
}

// New is the local engine over objs.
func New(objs []objstore.Object, opt Options) query.Engine {
	return NewEngine(NewFileSource(objs, reader.Options{Strict: opt.Strict, Progress: opt.Progress}, opt.Workers))
}

// NewEngine returns the local streaming engine over src: it scans src once
// per query, reading only the columns the query needs (its projection),
// keeping one partial aggregate per source worker (no locks on the hot
// path), then merges them. Sums are exact decimals.
func NewEngine(src Source) query.Engine {
	return &engine{src: src}
}

type engine struct {
	src Source
}

// Aggregate implements query.Engine.
func (e *engine) Aggregate(ctx context.Context, q query.Query) (*query.Result, error) {
	parts, err := query.NewPartials(q, e.src.Workers())
	if err != nil {
		return nil, err
	}
	each := func(worker int, c *charge.Charge) error {
		if worker < 0 || worker >= len(parts) {
			return fmt.Errorf("billing: source worker %d out of range 0..%d", worker, len(parts)-1)
		}
		return parts[worker].Add(c)
	}
	var stats query.Stats
	if cs, ok := e.src.(columnarSource); ok {
		stats, err = cs.scanColumnar(ctx, q, parts, each)
	} else {
		stats, err = e.src.Scan(ctx, reader.ProjectionFor(q), each)
	}
	if err != nil {
		return nil, err
	}
	return query.Merge(parts, q.GroupBy, stats)
}
