package local

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/billing/reader"
)

// MaxWorkers caps NewFileSource's workers: each keeps its own partial sums
// (a group per resource for --top), and past the CPUs more workers only
// wait on the same disks and connections.
const MaxWorkers = 64

// NewFileSource reads objs in parallel with workers goroutines (0 =
// GOMAXPROCS; at most MaxWorkers): one file per worker at a time, and a Parquet file with
// several row groups split by row group across workers. fn receives one
// reused *Charge per worker: it must not keep the pointer or the Tags map.
// Within a file (or row group) charges arrive in order; across files there
// is no order.
// Each Scan reads the projection it is given, whatever opt.Projection.
func NewFileSource(objs []objstore.Object, opt reader.Options, workers int) Source {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, MaxWorkers)
	return &fileSource{objs: objs, opt: opt, workers: workers}
}

type fileSource struct {
	objs    []objstore.Object
	opt     reader.Options
	workers int
}

func (s *fileSource) Workers() int { return s.workers }

// task is a whole file, or one row group of an opened Parquet file.
type task struct {
	obj   objstore.Object
	pr    *reader.ParquetFile
	group int
	// refs counts the open tasks of a split file; the last closes it.
	refs *atomic.Int32
}

// queue is an unbounded task queue whose workers may add tasks.
type queue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	tasks   []task
	pending int // tasks queued or running
}

func (q *queue) push(t task) {
	q.mu.Lock()
	q.tasks = append(q.tasks, t)
	q.pending++
	q.mu.Unlock()
	q.cond.Signal()
}

// pop waits for a task; ok is false when all work is done.
func (q *queue) pop() (task, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.tasks) == 0 {
		if q.pending == 0 {
			return task{}, false
		}
		q.cond.Wait()
	}
	t := q.tasks[0]
	q.tasks = q.tasks[1:]
	return t, true
}

func (q *queue) done() {
	q.mu.Lock()
	q.pending--
	last := q.pending == 0
	q.mu.Unlock()
	if last {
		q.cond.Broadcast()
	}
}

// Scan reads the columns p of every object; the first error (a read
// error, a Strict row error or fn's error) stops all workers and is
// returned.
func (s *fileSource) Scan(ctx context.Context, p reader.Projection, fn func(worker int, c *charge.Charge) error) (query.Stats, error) {
	return s.scan(ctx, p, nil, fn)
}

// colScan is a query the columnar path may serve, and the engine's
// per-worker partials it aggregates into.
type colScan struct {
	q     query.Query
	parts []*query.Partial
}

// scanColumnar is Scan, but Parquet row groups whose layout the columnar
// path serves are aggregated straight into parts.
func (s *fileSource) scanColumnar(ctx context.Context, q query.Query, parts []*query.Partial, fn func(worker int, c *charge.Charge) error) (query.Stats, error) {
	if len(parts) < s.workers {
		return query.Stats{}, fmt.Errorf("billing: %d partials for %d workers", len(parts), s.workers)
	}
	return s.scan(ctx, reader.ProjectionFor(q), &colScan{q: q, parts: parts}, fn)
}

// worker is one scanning goroutine's state.
type worker struct {
	id   int
	c    charge.Charge
	fn   func(*charge.Charge) error
	col  *colScan
	strs reader.Strings
}

func (s *fileSource) scan(ctx context.Context, p reader.Projection, col *colScan, fn func(worker int, c *charge.Charge) error) (query.Stats, error) {
	s = &fileSource{objs: s.objs, opt: s.opt, workers: s.workers}
	s.opt.Projection = p
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	for _, o := range s.objs {
		q.push(task{obj: o, group: -1})
	}
	var (
		mu       sync.Mutex
		total    query.Stats
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	for w := range s.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := &worker{id: w, col: col}
			wk.fn = func(c *charge.Charge) error { return fn(w, c) }
			if p := s.opt.Progress; p != nil {
				var n int64
				wk.fn = func(c *charge.Charge) error {
					if n++; n == 4096 {
						p(n)
						n = 0
					}
					return fn(w, c)
				}
			}
			for {
				t, ok := q.pop()
				if !ok {
					return
				}
				var st query.Stats
				var err error
				if ctx.Err() == nil {
					st, err = s.run(ctx, q, t, wk)
				}
				mu.Lock()
				total.Add(st)
				mu.Unlock()
				if err != nil {
					fail(err)
				}
				q.done()
			}
		}()
	}
	wg.Wait()
	slices.SortStableFunc(total.Errors, func(a, b charge.RowError) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Row, b.Row))
	})
	if m := reader.KeptErrors(s.opt); len(total.Errors) > m {
		total.Errors = total.Errors[:m]
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return total, firstErr
}

// run reads one task. A Parquet file with several row groups is split: the
// other row groups are queued for any worker, this one reads the first.
func (s *fileSource) run(ctx context.Context, q *queue, t task, wk *worker) (query.Stats, error) {
	if t.pr != nil {
		defer release(t)
		return s.readGroups(ctx, t.pr, []int{t.group}, wk)
	}
	parquet, err := reader.IsParquet(t.obj)
	if err != nil {
		objstore.Close(t.obj)
		return query.Stats{}, err
	}
	if !parquet {
		return reader.Read(ctx, t.obj, s.opt, wk.fn)
	}
	pr, err := reader.OpenParquet(t.obj, s.opt.Projection)
	if err != nil {
		objstore.Close(t.obj)
		return query.Stats{}, err
	}
	groups := pr.RowGroups()
	if groups <= 1 || s.workers == 1 {
		defer objstore.Close(t.obj)
		st, err := s.readGroups(ctx, pr, pr.AllGroups(), wk)
		st.Files, st.Bytes = 1, t.obj.Size()
		return st, err
	}
	refs := new(atomic.Int32)
	refs.Store(int32(groups))
	for g := 1; g < groups; g++ {
		q.push(task{obj: t.obj, pr: pr, group: g, refs: refs})
	}
	self := task{obj: t.obj, pr: pr, group: 0, refs: refs}
	defer release(self)
	st, err := s.readGroups(ctx, pr, []int{0}, wk)
	st.Files, st.Bytes = 1, t.obj.Size()
	return st, err
}

// readGroups reads row groups of a Parquet file: column by column into the
// worker's partial when the query allows, else charge by charge.
func (s *fileSource) readGroups(ctx context.Context, pr *reader.ParquetFile, groups []int, wk *worker) (query.Stats, error) {
	if wk.col != nil {
		if plan, ok := pr.Plan(wk.col.q); ok {
			st := query.Stats{Format: pr.Format()}
			for _, g := range groups {
				before := st
				before.Errors = slices.Clone(st.Errors)
				err := pr.Aggregate(ctx, g, plan, s.opt, wk.col.parts[wk.id], &wk.strs, &st)
				if errors.Is(err, reader.ErrColumnar) {
					// A page layout the columnar path does not decode (nothing
					// was added to the partial yet): read the group row by row.
					st = before
					var rst query.Stats
					rst, err = pr.Read(ctx, []int{g}, s.opt, &wk.c, wk.fn)
					st.Add(rst)
				}
				if err != nil {
					return st, err
				}
			}
			return st, nil
		}
	}
	return pr.Read(ctx, groups, s.opt, &wk.c, wk.fn)
}

func release(t task) {
	if t.refs.Add(-1) == 0 {
		objstore.Close(t.obj)
	}
}
