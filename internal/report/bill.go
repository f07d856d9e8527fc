package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing"
	"github.com/refit-dev/refit/internal/cost"
)

// CSV is an output format for tabular billing reports.
const CSV Format = "csv"

// ParseBillFormat accepts the usual formats and csv.
func ParseBillFormat(s string) (Format, error) {
	if strings.EqualFold(s, string(CSV)) {
		return CSV, nil
	}
	f, err := ParseFormat(s)
	if err != nil {
		return "", fmt.Errorf("unknown output format %q (want one of table, json, yaml, markdown, csv)", s)
	}
	return f, nil
}

// NamedCost is one line of a breakdown.
type NamedCost struct {
	Name string `json:"name"`
	Cost Number `json:"cost"`
}

// BillSummary is the JSON contract of `refit bill summary -o json`.
type BillSummary struct {
	Currency     string      `json:"currency"`
	PeriodStart  string      `json:"periodStart"`
	PeriodEnd    string      `json:"periodEnd"`
	CostKind     string      `json:"costKind"`
	TotalCost    Number      `json:"totalCost"`
	Components   []NamedCost `json:"components"`
	Services     []NamedCost `json:"services"`
	Tags         []NamedCost `json:"tags,omitempty"`
	TagKey       string      `json:"tagKey,omitempty"`
	TopResources []NamedCost `json:"topResources"`
	Rows         int64       `json:"rows"`
	RejectedRows int64       `json:"rejectedRows"`
	Files        int         `json:"files"`
	Errors       []string    `json:"errors,omitempty"`
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// sumBy sums a result's rows by key k, largest first (components in report
// order when byRank).
func sumBy(res *billing.Result, k int, byRank bool) []NamedCost {
	sums := map[string]decimal.Decimal{}
	for _, r := range res.Rows {
		if k < len(r.Keys) {
			sums[r.Keys[k]] = sums[r.Keys[k]].Add(r.Cost)
		}
	}
	out := make([]NamedCost, 0, len(sums))
	for name, c := range sums {
		out = append(out, NamedCost{Name: name, Cost: Number{c}})
	}
	sort.Slice(out, func(i, j int) bool {
		if byRank {
			ri, rj := cost.Component(out[i].Name).Rank(), cost.Component(out[j].Name).Rank()
			if ri != rj {
				return ri < rj
			}
		} else if !out[i].Cost.Equal(out[j].Cost.Decimal) {
			return out[i].Cost.GreaterThan(out[j].Cost.Decimal)
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// NewBillSummary builds a summary from a result grouped by component,
// service and resource (and a tag when tagKey is set), in that order.
func NewBillSummary(res *billing.Result, kind billing.CostKind, tagKey string, top int) BillSummary {
	s := BillSummary{
		Currency: res.Currency, PeriodStart: date(res.First), PeriodEnd: date(res.Last), CostKind: string(kind),
		TotalCost: Number{res.Total}, Components: sumBy(res, 0, true), Services: sumBy(res, 1, false),
		Rows: res.Stats.Rows, RejectedRows: res.Stats.Rejected, Files: res.Stats.Files, TagKey: tagKey,
	}
	if s.Currency == "" {
		s.Currency = "USD"
	}
	resources := sumBy(res, 2, false)
	var topRes []NamedCost
	for _, r := range resources {
		if r.Name != "" && len(topRes) < top {
			topRes = append(topRes, r)
		}
	}
	s.TopResources = topRes
	if s.TopResources == nil {
		s.TopResources = []NamedCost{}
	}
	if tagKey != "" {
		s.Tags = sumBy(res, 3, false)
	}
	for _, e := range res.Stats.Errors {
		s.Errors = append(s.Errors, e.Error())
	}
	return s
}

// WriteBillSummary renders a summary.
func WriteBillSummary(w io.Writer, s BillSummary, f Format) error {
	switch f {
	case JSON:
		return WriteJSON(w, s)
	case YAML:
		return WriteYAML(w, s)
	case CSV:
		cw := csv.NewWriter(w)
		cw.Write([]string{"section", "name", "cost"})
		for _, sec := range []struct {
			name  string
			items []NamedCost
		}{{"component", s.Components}, {"service", s.Services}, {"tag:" + s.TagKey, s.Tags}, {"resource", s.TopResources}} {
			for _, it := range sec.items {
				cw.Write([]string{sec.name, it.Name, it.Cost.String()})
			}
		}
		cw.Write([]string{"total", "", s.TotalCost.String()})
		cw.Flush()
		return cw.Error()
	}
	md := f == Markdown
	if md {
		fmt.Fprintf(w, "### refit bill: %s %s from %s to %s\n\n", usd(s.TotalCost.Decimal), s.Currency, s.PeriodStart, s.PeriodEnd)
	} else {
		fmt.Fprintf(w, "Billed %s (%s cost) from %s to %s: %d rows in %d file(s)", usd(s.TotalCost.Decimal), s.CostKind, s.PeriodStart, s.PeriodEnd, s.Rows, s.Files)
		if s.RejectedRows > 0 {
			fmt.Fprintf(w, ", %d rejected", s.RejectedRows)
		}
		fmt.Fprintln(w)
	}
	section := func(title string, items []NamedCost) {
		if len(items) == 0 {
			return
		}
		if md {
			fmt.Fprintf(w, "\n| %s | Cost |\n|---|---:|\n", title)
			for _, it := range items {
				fmt.Fprintf(w, "| %s | %s |\n", mdEscape(orDash(it.Name)), usd(it.Cost.Decimal))
			}
			return
		}
		fmt.Fprintf(w, "\n")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\tCOST\tSHARE\n", strings.ToUpper(title))
		for _, it := range items {
			share := "-"
			if !s.TotalCost.IsZero() {
				share = it.Cost.Mul(decimal.NewFromInt(100)).Div(s.TotalCost.Decimal).StringFixed(1) + "%"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", orDash(it.Name), usd(it.Cost.Decimal), share)
		}
		tw.Flush()
	}
	section("component", s.Components)
	section("service", s.Services)
	if s.TagKey != "" {
		section("tag "+s.TagKey, s.Tags)
	}
	section("top resources", s.TopResources)
	if len(s.Errors) > 0 {
		fmt.Fprintln(w, "\nRejected rows (first ones):")
		for _, e := range s.Errors {
			fmt.Fprintf(w, "  - %s\n", e)
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// DailyView is the JSON contract of `refit bill daily -o json`.
type DailyView struct {
	Currency string    `json:"currency"`
	CostKind string    `json:"costKind"`
	By       string    `json:"by,omitempty"`
	Total    Number    `json:"totalCost"`
	Days     []DayView `json:"days"`
}

// DayView is one day.
type DayView struct {
	Date string            `json:"date"`
	Cost Number            `json:"cost"`
	By   map[string]Number `json:"by,omitempty"`
}

// NewDailyView builds the daily series of a result grouped by day (and a
// second dimension when by is set).
func NewDailyView(res *billing.Result, kind billing.CostKind, by string) DailyView {
	v := DailyView{Currency: res.Currency, CostKind: string(kind), By: by, Total: Number{res.Total}, Days: []DayView{}}
	if v.Currency == "" {
		v.Currency = "USD"
	}
	days := billing.Daily(res)
	var series []billing.DaySeries
	if by != "" {
		series = billing.DailyBy(res)
	}
	for i, d := range days {
		dv := DayView{Date: date(d.Date), Cost: Number{d.Cost}}
		if by != "" {
			dv.By = map[string]Number{}
			for _, s := range series {
				if !s.Days[i].Cost.IsZero() {
					dv.By[s.Name] = Number{s.Days[i].Cost}
				}
			}
		}
		v.Days = append(v.Days, dv)
	}
	return v
}

// WriteDaily renders a daily series; on a table, with a bar per day.
func WriteDaily(w io.Writer, v DailyView, f Format) error {
	switch f {
	case JSON:
		return WriteJSON(w, v)
	case YAML:
		return WriteYAML(w, v)
	case CSV:
		keys := seriesKeys(v)
		cw := csv.NewWriter(w)
		cw.Write(append([]string{"date", "cost"}, keys...))
		for _, d := range v.Days {
			row := []string{d.Date, d.Cost.String()}
			for _, k := range keys {
				row = append(row, d.By[k].String())
			}
			cw.Write(row)
		}
		cw.Flush()
		return cw.Error()
	case Markdown:
		fmt.Fprintf(w, "### refit bill daily: %s in %d days\n\n| Date | Cost |\n|---|---:|\n", usd(v.Total.Decimal), len(v.Days))
		for _, d := range v.Days {
			fmt.Fprintf(w, "| %s | %s |\n", d.Date, usd(d.Cost.Decimal))
		}
		return nil
	}
	max := decimal.Zero
	for _, d := range v.Days {
		if d.Cost.GreaterThan(max) {
			max = d.Cost.Decimal
		}
	}
	fmt.Fprintf(w, "%s (%s) over %d days; %s\n\n", usd(v.Total.Decimal), v.CostKind, len(v.Days), sparkline(v.Days))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	keys := seriesKeys(v)
	header := "DATE\tCOST\t"
	for _, k := range keys {
		header += strings.ToUpper(k) + "\t"
	}
	fmt.Fprintln(tw, header+"")
	for _, d := range v.Days {
		line := d.Date + "\t" + usd(d.Cost.Decimal) + "\t"
		for _, k := range keys {
			line += usd(d.By[k].Decimal) + "\t"
		}
		fmt.Fprintln(tw, line+bar(d.Cost.Decimal, max, 30))
	}
	return tw.Flush()
}

func seriesKeys(v DailyView) []string {
	seen := map[string]bool{}
	var keys []string
	for _, d := range v.Days {
		for k := range d.By {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := cost.Component(keys[i]).Rank(), cost.Component(keys[j]).Rank()
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	return keys
}

func bar(v, max decimal.Decimal, width int) string {
	if max.IsZero() || v.IsNegative() {
		return ""
	}
	n := int(v.Div(max).Mul(decimal.NewFromInt(int64(width))).IntPart())
	return strings.Repeat("█", n)
}

func sparkline(days []DayView) string {
	ticks := []rune("▁▂▃▄▅▆▇█")
	min, max := decimal.Zero, decimal.Zero
	for i, d := range days {
		if i == 0 || d.Cost.LessThan(min) {
			min = d.Cost.Decimal
		}
		if d.Cost.GreaterThan(max) {
			max = d.Cost.Decimal
		}
	}
	var b strings.Builder
	span := max.Sub(min)
	for _, d := range days {
		i := 0
		if span.IsPositive() {
			i = int(d.Cost.Sub(min).Div(span).Mul(decimal.NewFromInt(int64(len(ticks) - 1))).IntPart())
		}
		b.WriteRune(ticks[i])
	}
	return b.String()
}
