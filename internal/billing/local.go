package billing

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/shopspring/decimal"
)

// NewLocalEngine returns the local streaming engine: it scans src once per
// query, keeping one partial aggregate per source worker (no locks on the
// hot path), then merges them. Sums are exact decimals.
func NewLocalEngine(src ChargeSource) Engine {
	return &localEngine{src: src}
}

type localEngine struct {
	src ChargeSource
}

// group is one partial or merged aggregate.
type group struct {
	keys  []string
	cost  decimal.Decimal
	usage decimal.Decimal
	rows  int64
}

// partial is one worker's share of a query.
type partial struct {
	groups      map[string]*group
	total       decimal.Decimal
	first, last time.Time
	currency    string
	currencyAt  string // Source of the first charge with currency
	classified  map[classKey]cost.Component
	keyBuf      []string
	keyBytes    []byte
	// the last day key made, as charges come grouped by hour
	dayT time.Time
	dayS string
}

// classKey is what classification depends on; charges repeat these a lot,
// so each worker remembers its answers.
type classKey struct {
	service, usageType, lineItemType, description string
	term                                          Term
}

// maxClassCache bounds a worker's classification memo.
const maxClassCache = 1 << 16

// Aggregate implements Engine.
func (e *localEngine) Aggregate(ctx context.Context, q Query) (*Result, error) {
	costOf, err := costFunc(q.Cost)
	if err != nil {
		return nil, err
	}
	for _, d := range q.GroupBy {
		if err := checkDimension(d); err != nil {
			return nil, err
		}
	}
	workers := e.src.Workers()
	if workers < 1 {
		workers = 1
	}
	parts := make([]*partial, workers)
	for i := range parts {
		parts[i] = &partial{groups: map[string]*group{}, classified: map[classKey]cost.Component{}, keyBuf: make([]string, len(q.GroupBy))}
	}
	each := func(worker int, c *Charge) error {
		if worker < 0 || worker >= len(parts) {
			return fmt.Errorf("billing: source worker %d out of range 0..%d", worker, len(parts)-1)
		}
		return parts[worker].add(&q, costOf, c)
	}
	var stats Stats
	if cs, ok := e.src.(columnarSource); ok {
		stats, err = cs.scanColumnar(ctx, q, parts, each)
	} else {
		stats, err = e.src.Scan(ctx, each)
	}
	if err != nil {
		return nil, err
	}
	return merge(parts, q.GroupBy, stats)
}

// add aggregates one charge.
func (p *partial) add(q *Query, costOf func(*Charge) decimal.Decimal, c *Charge) error {
	if !q.From.IsZero() && c.Start.Before(q.From) {
		return nil
	}
	if !q.To.IsZero() && !c.Start.Before(q.To) {
		return nil
	}
	if c.Currency != "" {
		if err := p.seeCurrency(c.Currency, c.Source); err != nil {
			return err
		}
	}
	p.seeDay(dayOf(c.Start))
	amount := costOf(c)
	p.total = p.total.Add(amount)
	for i, d := range q.GroupBy {
		p.keyBuf[i] = p.key(d, c)
	}
	g := p.group(p.keyBuf)
	g.cost = g.cost.Add(amount)
	if q.Usage {
		g.usage = g.usage.Add(c.UsageAmount)
	}
	g.rows++
	return nil
}

// seeCurrency checks that every charge has the same currency; at names
// the charge (file:row) for messages.
func (p *partial) seeCurrency(currency, at string) error {
	if p.currency == "" {
		p.currency, p.currencyAt = currency, at
	} else if currency != p.currency {
		return fmt.Errorf("%s: currency %s, but %s has %s: refit does not convert currencies", at, currency, p.currencyAt, p.currency)
	}
	return nil
}

// seeDay widens the first..last day range.
func (p *partial) seeDay(day time.Time) {
	if p.first.IsZero() || day.Before(p.first) {
		p.first = day
	}
	if day.After(p.last) {
		p.last = day
	}
}

// group finds or makes the group of keys (which it copies).
func (p *partial) group(keys []string) *group {
	p.keyBytes = p.keyBytes[:0]
	for _, k := range keys {
		p.keyBytes = append(append(p.keyBytes, k...), 0)
	}
	g := p.groups[string(p.keyBytes)] // no allocation for the lookup
	if g == nil {
		g = &group{keys: append([]string(nil), keys...)}
		p.groups[string(p.keyBytes)] = g
	}
	return g
}

func merge(parts []*partial, dims []Dimension, stats Stats) (*Result, error) {
	res := &Result{Stats: stats}
	all := map[string]*group{}
	var currencyAt string
	for _, p := range parts {
		if p.currency != "" {
			if res.Currency == "" {
				res.Currency, currencyAt = p.currency, p.currencyAt
			} else if p.currency != res.Currency {
				return nil, fmt.Errorf("%s: currency %s, but %s has %s: refit does not convert currencies", p.currencyAt, p.currency, currencyAt, res.Currency)
			}
		}
		if !p.first.IsZero() && (res.First.IsZero() || p.first.Before(res.First)) {
			res.First = p.first
		}
		if p.last.After(res.Last) {
			res.Last = p.last
		}
		res.Total = res.Total.Add(p.total)
		for k, g := range p.groups {
			if m := all[k]; m != nil {
				m.cost = m.cost.Add(g.cost)
				m.usage = m.usage.Add(g.usage)
				m.rows += g.rows
			} else {
				all[k] = g
			}
		}
	}
	res.Rows = make([]Row, 0, len(all))
	for _, g := range all {
		res.Rows = append(res.Rows, Row{Keys: g.keys, Cost: g.cost, Usage: g.usage, Rows: g.rows})
	}
	SortRows(res.Rows, dims)
	return res, nil
}

// SortRows orders rows by their keys, dimension by dimension: components in
// report order (cost.Component.Rank), everything else as strings (days sort
// by date).
func SortRows(rows []Row, dims []Dimension) {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i].Keys, rows[j].Keys
		for n := 0; n < len(a) && n < len(b); n++ {
			if a[n] == b[n] {
				continue
			}
			if n < len(dims) && dims[n] == ByComponent {
				ra, rb := cost.Component(a[n]).Rank(), cost.Component(b[n]).Rank()
				if ra != rb {
					return ra < rb
				}
			}
			return a[n] < b[n]
		}
		return len(a) < len(b)
	})
}

func (p *partial) key(d Dimension, c *Charge) string {
	switch d {
	case ByDay:
		d := dayOf(c.Start)
		if !d.Equal(p.dayT) || p.dayS == "" {
			p.dayT, p.dayS = d, d.Format(time.DateOnly)
		}
		return p.dayS
	case ByComponent:
		return string(p.classify(c))
	case ByService:
		return c.Service
	case ByUsageType:
		return c.UsageType
	case ByResource:
		return c.ResourceID
	case ByAccount:
		return c.Account
	case ByRegion:
		return c.Region
	}
	if k, ok := strings.CutPrefix(string(d), "tag:"); ok {
		return c.Tags[k]
	}
	return ""
}

func (p *partial) classify(c *Charge) cost.Component {
	// Descriptions decide when no usage-type rule matches (FOCUS has no
	// usage type at all), so they are part of the key.
	k := classKey{c.Service, c.UsageType, c.LineItemType, c.Description, c.Term}
	if comp, ok := p.classified[k]; ok {
		return comp
	}
	comp := Classify(c)
	if len(p.classified) < maxClassCache {
		p.classified[k] = comp
	}
	return comp
}

func checkDimension(d Dimension) error {
	switch d {
	case ByDay, ByComponent, ByService, ByUsageType, ByResource, ByAccount, ByRegion:
		return nil
	}
	if k, ok := strings.CutPrefix(string(d), "tag:"); ok && k != "" {
		return nil
	}
	return fmt.Errorf("billing: unknown dimension %q (want day, component, service, usage-type, resource, account, region or tag:KEY)", d)
}

func costFunc(k CostKind) (func(*Charge) decimal.Decimal, error) {
	switch k {
	case Unblended, "":
		return func(c *Charge) decimal.Decimal { return c.Unblended }, nil
	case Net:
		return func(c *Charge) decimal.Decimal { return c.Net }, nil
	case Amortized:
		return func(c *Charge) decimal.Decimal { return c.Amortized }, nil
	}
	return nil, fmt.Errorf("billing: unknown cost kind %q (want unblended, net or amortized)", k)
}

// dayOf is the UTC date of t, at midnight.
func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
