package local

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/billing/reader"
)

// sliceSource is an in-memory Source that hands charges to several
// goroutines at once, round-robin, as parallel file readers do.
type sliceSource struct {
	charges []charge.Charge
	workers int
}

func (s *sliceSource) Workers() int { return s.workers }

func (s *sliceSource) Scan(ctx context.Context, _ reader.Projection, fn func(worker int, c *charge.Charge) error) (query.Stats, error) {
	var wg sync.WaitGroup
	errs := make([]error, s.workers)
	for w := range s.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(s.charges); i += s.workers {
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				c := s.charges[i] // a copy, as readers reuse nothing across calls
				if err := fn(w, &c); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return query.Stats{}, err
		}
	}
	return query.Stats{Files: 1, Rows: int64(len(s.charges))}, nil
}

func testDay(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func testDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func rowKeys(rows []query.Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r.Keys, "|"))
	}
	return out
}
