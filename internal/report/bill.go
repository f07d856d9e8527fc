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
	"github.com/refit-dev/refit/internal/billing/analysis"
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

// NewBillSummary is the JSON contract of a summary, with the top
// resources (those with an id).
func NewBillSummary(b *billing.Summary, top int) BillSummary {
	named := func(as []billing.Amount) []NamedCost {
		out := make([]NamedCost, len(as))
		for i, a := range as {
			out[i] = NamedCost{Name: a.Name, Cost: Number{a.Cost}}
		}
		return out
	}
	s := BillSummary{
		Currency: b.Currency, PeriodStart: date(b.First), PeriodEnd: date(b.Last), CostKind: string(b.Cost),
		TotalCost: Number{b.Total}, Components: named(b.Components), Services: named(b.Services),
		Rows: b.Stats.Rows, RejectedRows: b.Stats.Rejected, Files: b.Stats.Files, TagKey: b.TagKey,
	}
	if s.Currency == "" {
		s.Currency = "USD"
	}
	var topRes []NamedCost
	for _, r := range b.Resources {
		if r.Name != "" && len(topRes) < top {
			topRes = append(topRes, NamedCost{Name: r.Name, Cost: Number{r.Cost}})
		}
	}
	s.TopResources = topRes
	if s.TopResources == nil {
		s.TopResources = []NamedCost{}
	}
	if b.TagKey != "" {
		s.Tags = named(b.Tags)
	}
	for _, e := range b.Stats.Errors {
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

// NewDailyView is the JSON contract of a daily series; by names its
// second dimension ("" when none).
func NewDailyView(daily *billing.Daily, by string) DailyView {
	v := DailyView{Currency: daily.Currency, CostKind: string(daily.Cost), By: by, Total: Number{daily.Total}, Days: []DayView{}}
	if v.Currency == "" {
		v.Currency = "USD"
	}
	series := daily.By
	for i, d := range daily.Days {
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

// WriteAnomalies renders the anomalous days: JSON and YAML as
// {"anomalies": [...]}, else one line a day.
func WriteAnomalies(w io.Writer, found []analysis.Anomaly, f Format) error {
	if found == nil {
		found = []analysis.Anomaly{}
	}
	switch f {
	case JSON:
		return WriteJSON(w, map[string]any{"anomalies": found})
	case YAML:
		return WriteYAML(w, map[string]any{"anomalies": found})
	}
	if len(found) == 0 {
		fmt.Fprintln(w, "No anomalies.")
	}
	for _, a := range found {
		fmt.Fprintf(w, "%s  %-22s $%s (median $%s, threshold $%s, +$%s over %d baseline days)\n",
			a.Date.Format(time.DateOnly), a.Series, a.Cost.StringFixed(2), a.Median.StringFixed(2), a.Threshold.StringFixed(2), a.Excess.StringFixed(2), a.BaselineDays)
	}
	return nil
}

// WriteForecast renders a month-end forecast.
func WriteForecast(w io.Writer, fc *billing.Forecast, f Format) error {
	switch f {
	case JSON:
		return WriteJSON(w, fc.MonthForecast)
	case YAML:
		return WriteYAML(w, fc.MonthForecast)
	}
	fmt.Fprintf(w, "Month to date (%s to %s): $%s\nProjected month end %s: $%s (range $%s to $%s), from $%s a day over the last %d days, %d days left\n",
		fc.PeriodStart.Format(time.DateOnly), fc.Last.Format(time.DateOnly), fc.MonthToDate.StringFixed(2),
		fc.PeriodEnd.Format(time.DateOnly), fc.Projected.StringFixed(2), fc.Low.StringFixed(2), fc.High.StringFixed(2),
		fc.DailyMean.StringFixed(2), fc.BasisDays, fc.DaysRemaining)
	return nil
}

// WriteVsEstimate renders the bill against the estimate, component by
// component.
func WriteVsEstimate(w io.Writer, v *billing.VsEstimate, f Format) error {
	switch f {
	case JSON:
		return WriteJSON(w, map[string]any{"days": v.Days, "comparisons": v.Comparisons})
	case YAML:
		return WriteYAML(w, map[string]any{"days": v.Days, "comparisons": v.Comparisons})
	}
	fmt.Fprintf(w, "Billed over %d days, scaled to a 730-hour month, against the estimate:\n\n", v.Days)
	for _, c := range v.Comparisons {
		fmt.Fprintf(w, "%-22s estimated $%9s  billed $%9s/month  difference %s$%s", c.Component, c.Estimated.StringFixed(2), c.BilledMonthly.StringFixed(2), sign(c.Difference), c.Difference.Abs().StringFixed(2))
		if c.Hint != "" {
			fmt.Fprintf(w, "  (%s)", c.Hint)
		}
		fmt.Fprintln(w)
	}
	return nil
}

func sign(d decimal.Decimal) string {
	if d.IsNegative() {
		return "-"
	}
	return "+"
}
