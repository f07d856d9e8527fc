package query

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/cost"
)

// group is one partial or merged aggregate.
type group struct {
	keys  []string
	cost  decimal.Decimal
	usage decimal.Decimal
	rows  int64
}

// Partial is one worker's share of a query.
type Partial struct {
	q           *Query
	costOf      func(*charge.Charge) decimal.Decimal
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
	term                                          charge.Term
}

// MaxClassCache bounds a worker's classification memo (here, and the
// columnar Parquet path's).
const MaxClassCache = 1 << 16

// NewPartials makes n empty partial aggregates of q, one per worker of a
// source: workers add charges to their own, with no locks, and Merge sums
// them. It checks q's cost kind and dimensions.
func NewPartials(q Query, n int) ([]*Partial, error) {
	costOf, err := costFunc(q.Cost)
	if err != nil {
		return nil, err
	}
	for _, d := range q.GroupBy {
		if err := CheckDimension(d); err != nil {
			return nil, err
		}
	}
	if n < 1 {
		n = 1
	}
	parts := make([]*Partial, n)
	for i := range parts {
		parts[i] = &Partial{q: &q, costOf: costOf, groups: map[string]*group{}, classified: map[classKey]cost.Component{}, keyBuf: make([]string, len(q.GroupBy))}
	}
	return parts, nil
}

// Add aggregates one charge.
func (p *Partial) Add(c *charge.Charge) error {
	q, costOf := p.q, p.costOf
	if !q.From.IsZero() && c.Start.Before(q.From) {
		return nil
	}
	if !q.To.IsZero() && !c.Start.Before(q.To) {
		return nil
	}
	if c.Currency != "" {
		if err := p.SeeCurrency(c.Currency, c.Source); err != nil {
			return err
		}
	}
	p.SeeDay(DayOf(c.Start))
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

// SeeCurrency checks that every charge has the same currency; at names
// the charge (file:row) for messages.
func (p *Partial) SeeCurrency(currency, at string) error {
	if p.currency == "" {
		p.currency, p.currencyAt = currency, at
	} else if currency != p.currency {
		return fmt.Errorf("%s: currency %s, but %s has %s: refit does not convert currencies", at, currency, p.currencyAt, p.currency)
	}
	return nil
}

// SeeDay widens the first..last day range.
func (p *Partial) SeeDay(day time.Time) {
	if p.first.IsZero() || day.Before(p.first) {
		p.first = day
	}
	if day.After(p.last) {
		p.last = day
	}
}

// Currency is the currency of the charges added so far ("" before any).
func (p *Partial) Currency() string { return p.currency }

// Keys is a scratch slice of len(GroupBy) for AddGroup's keys.
func (p *Partial) Keys() []string { return p.keyBuf }

// AddGroup adds amount and rows to the group of keys (which it copies) and
// amount to the total: what Add does for a charge, for sums made elsewhere
// (the columnar Parquet path).
func (p *Partial) AddGroup(keys []string, amount decimal.Decimal, rows int64) {
	g := p.group(keys)
	g.cost = g.cost.Add(amount)
	g.rows += rows
	p.total = p.total.Add(amount)
}

// group finds or makes the group of keys (which it copies).
func (p *Partial) group(keys []string) *group {
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

// Merge sums the partials of a query into its result, rows sorted
// (SortRows).
func Merge(parts []*Partial, dims []Dimension, stats Stats) (*Result, error) {
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

func (p *Partial) key(d Dimension, c *charge.Charge) string {
	switch d {
	case ByDay:
		d := DayOf(c.Start)
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

func (p *Partial) classify(c *charge.Charge) cost.Component {
	// Descriptions decide when no usage-type rule matches (FOCUS has no
	// usage type at all), so they are part of the key.
	k := classKey{c.Service, c.UsageType, c.LineItemType, c.Description, c.Term}
	if comp, ok := p.classified[k]; ok {
		return comp
	}
	comp := charge.Classify(c)
	if len(p.classified) < MaxClassCache {
		p.classified[k] = comp
	}
	return comp
}

// CheckDimension says what is wrong with a dimension engines cannot group by.
func CheckDimension(d Dimension) error {
	switch d {
	case ByDay, ByComponent, ByService, ByUsageType, ByResource, ByAccount, ByRegion:
		return nil
	}
	if k, ok := strings.CutPrefix(string(d), "tag:"); ok && k != "" {
		return nil
	}
	return fmt.Errorf("billing: unknown dimension %q (want day, component, service, usage-type, resource, account, region or tag:KEY)", d)
}

func costFunc(k CostKind) (func(*charge.Charge) decimal.Decimal, error) {
	switch k {
	case Unblended, "":
		return func(c *charge.Charge) decimal.Decimal { return c.Unblended }, nil
	case Net:
		return func(c *charge.Charge) decimal.Decimal { return c.Net }, nil
	case Amortized:
		return func(c *charge.Charge) decimal.Decimal { return c.Amortized }, nil
	}
	return nil, fmt.Errorf("billing: unknown cost kind %q (want unblended, net or amortized)", k)
}

// DayOf is the UTC date of t, at midnight.
func DayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
