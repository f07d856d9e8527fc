// Package analysis reads meaning into aggregated bills: daily series,
// anomalies against a robust baseline, month-end forecasts and the bill
// held against refit cost's estimate.
package analysis

import (
	"fmt"
	"sort"
	"time"

	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/shopspring/decimal"
)

// Day is one day's cost.
type Day struct {
	Date time.Time       `json:"date"`
	Cost decimal.Decimal `json:"cost"`
}

// DaySeries is a named series of consecutive days: "total", or a
// component, service or resource.
type DaySeries struct {
	Name string `json:"name"`
	Days []Day  `json:"days"`
}

// TotalSeries is the name UsageSeries gives the total.
const TotalSeries = "total"

// Daily returns the cost of each day from res.First to res.Last, zero for
// days without charges. The day must be the first key of res's rows (group
// by day first); further keys are summed over.
func Daily(res *query.Result) []Day {
	days := dayRange(res.First, res.Last)
	idx := dayIndex(res.First)
	for _, r := range res.Rows {
		if i, ok := idx(r.Keys, 0, len(days)); ok {
			days[i].Cost = days[i].Cost.Add(r.Cost)
		}
	}
	return days
}

// DailyBy returns one series per value of the second key of res's rows
// (group by day, then the dimension), each spanning res.First to res.Last
// with zero-filled days, in the order the values first appear in the rows
// (the engine sorts rows by key, so components come in report order).
func DailyBy(res *query.Result) []DaySeries {
	n := len(dayRange(res.First, res.Last))
	idx := dayIndex(res.First)
	byName := map[string]int{}
	var out []DaySeries
	for _, r := range res.Rows {
		if len(r.Keys) < 2 {
			continue
		}
		i, ok := idx(r.Keys, 0, n)
		if !ok {
			continue
		}
		s, seen := byName[r.Keys[1]]
		if !seen {
			s = len(out)
			byName[r.Keys[1]] = s
			out = append(out, DaySeries{Name: r.Keys[1], Days: dayRange(res.First, res.Last)})
		}
		out[s].Days[i].Cost = out[s].Days[i].Cost.Add(r.Cost)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := cost.Component(out[i].Name).Rank(), cost.Component(out[j].Name).Rank()
		if ri != rj {
			return ri < rj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// IsAdjustment reports whether a component is a billing adjustment (credits,
// tax, fees) rather than usage.
func IsAdjustment(c cost.Component) bool {
	return c == cost.Credits || c == cost.Tax || c == cost.Fees
}

// UsageSeries turns a result grouped by (day, component) into the series
// anomaly detection looks at: "total" of usage, then one per usage
// component. Credits, tax and fees are left out of both: they are booked
// once a month (CUR dates them to the first of the month), so they would
// look like spikes without being usage.
func UsageSeries(res *query.Result) []DaySeries {
	total := DaySeries{Name: TotalSeries, Days: dayRange(res.First, res.Last)}
	out := []DaySeries{total}
	for _, s := range DailyBy(res) {
		if IsAdjustment(cost.Component(s.Name)) {
			continue
		}
		for i, d := range s.Days {
			total.Days[i].Cost = total.Days[i].Cost.Add(d.Cost)
		}
		out = append(out, s)
	}
	return out
}

func dayRange(first, last time.Time) []Day {
	if first.IsZero() || last.Before(first) {
		return nil
	}
	var days []Day
	for d := query.DayOf(first); !d.After(last); d = d.AddDate(0, 0, 1) {
		days = append(days, Day{Date: d, Cost: decimal.Zero})
	}
	return days
}

// dayIndex returns a function giving the index of the day in keys[k] in a
// range starting at first.
func dayIndex(first time.Time) func(keys []string, k, n int) (int, bool) {
	first = query.DayOf(first)
	return func(keys []string, k, n int) (int, bool) {
		if len(keys) <= k {
			return 0, false
		}
		d, err := time.Parse(time.DateOnly, keys[k])
		if err != nil {
			return 0, false
		}
		i := int(d.Sub(first).Hours() / 24)
		return i, i >= 0 && i < n
	}
}

// AnomalyOptions tune Anomalies; zero values take the defaults.
type AnomalyOptions struct {
	// Window is how many trailing days form the baseline (default 14,
	// never fewer than MinBaselineDays).
	Window int
	// K is how many scaled MADs above the median a day must be (default 3).
	K decimal.Decimal
	// MinPct is how far above the median, as a fraction, a day must be
	// (default 0.20: 20 %).
	MinPct decimal.Decimal
	// Floor is the least excess over the median, in currency, worth
	// reporting (default 1).
	Floor decimal.Decimal
}

// Anomaly defaults. The 1.4826 factor makes the MAD estimate the standard
// deviation for normally distributed data (Rousseeuw & Croux 1993; e.g.
// https://en.wikipedia.org/wiki/Median_absolute_deviation), so K=3 is the
// familiar "three sigma" but with statistics that spikes cannot inflate.
const (
	DefaultAnomalyWindow = 14
	MinBaselineDays      = 7
)

var (
	defaultK      = decimal.NewFromInt(3)
	defaultMinPct = decimal.RequireFromString("0.20")
	defaultFloor  = decimal.NewFromInt(1)
	madScale      = decimal.RequireFromString("1.4826")
)

// Anomaly is a day that cost more than its baseline allows.
type Anomaly struct {
	Series string          `json:"series"`
	Date   time.Time       `json:"date"`
	Cost   decimal.Decimal `json:"cost"`
	// Median and MAD (scaled by 1.4826) of the baseline days.
	Median decimal.Decimal `json:"median"`
	MAD    decimal.Decimal `json:"mad"`
	// Threshold is the cost the day had to exceed.
	Threshold decimal.Decimal `json:"threshold"`
	// Excess is Cost − Median.
	Excess       decimal.Decimal `json:"excess"`
	BaselineDays int             `json:"baselineDays"`
}

// Anomalies flags the days of each series whose cost is unusually high
// against the trailing Window days before it (the day itself excluded):
//
//	threshold = max(median + K×MAD, median × (1 + MinPct), median + Floor)
//
// and a day is flagged when its cost exceeds the threshold. MAD is the
// median absolute deviation from the median, ×1.4826. A day needs at least
// MinBaselineDays earlier days to be judged. Median and MAD ignore the size
// of outliers, so earlier spikes in the window (up to half of it) barely
// move the baseline, and a spike cannot hide itself or the next one; a mean
// and standard deviation would. The MinPct and Floor terms stop flat series
// (MAD near zero, as steady hourly charges give) from flagging cents of
// noise. Only rises are reported; results are in series order, then date.
func Anomalies(days []DaySeries, opt AnomalyOptions) []Anomaly {
	window := opt.Window
	if window == 0 {
		window = DefaultAnomalyWindow
	}
	if window < MinBaselineDays {
		window = MinBaselineDays
	}
	k, minPct, floor := opt.K, opt.MinPct, opt.Floor
	if k.IsZero() {
		k = defaultK
	}
	if minPct.IsZero() {
		minPct = defaultMinPct
	}
	if floor.IsZero() {
		floor = defaultFloor
	}
	one := decimal.NewFromInt(1)
	var out []Anomaly
	for _, s := range days {
		for i := MinBaselineDays; i < len(s.Days); i++ {
			lo := max(i-window, 0)
			base := make([]decimal.Decimal, 0, i-lo)
			for _, d := range s.Days[lo:i] {
				base = append(base, d.Cost)
			}
			med := median(base)
			dev := make([]decimal.Decimal, len(base))
			for j, b := range base {
				dev[j] = b.Sub(med).Abs()
			}
			mad := median(dev).Mul(madScale)
			th := decimal.Max(med.Add(k.Mul(mad)), med.Mul(one.Add(minPct)), med.Add(floor))
			c := s.Days[i].Cost
			if c.GreaterThan(th) {
				out = append(out, Anomaly{Series: s.Name, Date: s.Days[i].Date, Cost: c, Median: med, MAD: mad,
					Threshold: th, Excess: c.Sub(med), BaselineDays: len(base)})
			}
		}
	}
	return out
}

// median of xs (sorts a copy); zero for none.
func median(xs []decimal.Decimal) decimal.Decimal {
	if len(xs) == 0 {
		return decimal.Zero
	}
	s := append([]decimal.Decimal(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i].LessThan(s[j]) })
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return s[n/2-1].Add(s[n/2]).Div(decimal.NewFromInt(2))
}

// MonthForecast is a month-end projection (Forecast's answer).
type MonthForecast struct {
	PeriodStart time.Time `json:"periodStart"`
	PeriodEnd   time.Time `json:"periodEnd"`
	// MonthToDate sums the days in [PeriodStart, PeriodEnd).
	MonthToDate decimal.Decimal `json:"monthToDate"`
	// DaysRemaining after the last day with data, up to PeriodEnd.
	DaysRemaining int `json:"daysRemaining"`
	// BasisDays is how many of the latest days the rate comes from (≤ 7).
	BasisDays int             `json:"basisDays"`
	DailyMean decimal.Decimal `json:"dailyMean"`
	DailyMin  decimal.Decimal `json:"dailyMin"`
	DailyMax  decimal.Decimal `json:"dailyMax"`
	// Projected = MonthToDate + DailyMean × DaysRemaining; Low and High use
	// DailyMin and DailyMax instead.
	Projected decimal.Decimal `json:"projected"`
	Low       decimal.Decimal `json:"low"`
	High      decimal.Decimal `json:"high"`
	Method    string          `json:"method"`
}

// ForecastBasisDays is how many latest complete days set the daily rate.
const ForecastBasisDays = 7

// ForecastMethod describes Forecast in one line, for reports.
const ForecastMethod = "month-to-date + mean of the last 7 complete days × days remaining; range from their min and max"

// Forecast projects the cost of the billing period ending at periodEnd
// (exclusive; the period is the calendar month before it): month-to-date
// plus the mean of the last 7 days in days × the days remaining after the
// last of them, with a range from those days' min and max. days must be
// complete days in date order: drop today's (and, as exports lag, often
// yesterday's) partial day first (CompleteDays). The basis days may reach
// back into the previous month early in a period.
func Forecast(days []Day, periodEnd time.Time) MonthForecast {
	end := query.DayOf(periodEnd)
	start := end.AddDate(0, -1, 0)
	f := MonthForecast{PeriodStart: start, PeriodEnd: end, Method: ForecastMethod}
	var upto []Day
	for _, d := range days {
		if d.Date.Before(end) {
			upto = append(upto, d)
		}
		if !d.Date.Before(start) && d.Date.Before(end) {
			f.MonthToDate = f.MonthToDate.Add(d.Cost)
		}
	}
	if len(upto) == 0 {
		f.DaysRemaining = int(end.Sub(start).Hours() / 24)
		return f
	}
	last := query.DayOf(upto[len(upto)-1].Date)
	if last.Before(start) {
		last = start.AddDate(0, 0, -1)
	}
	f.DaysRemaining = int(end.Sub(last).Hours()/24) - 1
	basis := upto[max(len(upto)-ForecastBasisDays, 0):]
	f.BasisDays = len(basis)
	f.DailyMin, f.DailyMax = basis[0].Cost, basis[0].Cost
	sum := decimal.Zero
	for _, d := range basis {
		sum = sum.Add(d.Cost)
		f.DailyMin = decimal.Min(f.DailyMin, d.Cost)
		f.DailyMax = decimal.Max(f.DailyMax, d.Cost)
	}
	f.DailyMean = sum.Div(decimal.NewFromInt(int64(len(basis))))
	rem := decimal.NewFromInt(int64(f.DaysRemaining))
	f.Projected = f.MonthToDate.Add(f.DailyMean.Mul(rem))
	f.Low = f.MonthToDate.Add(f.DailyMin.Mul(rem))
	f.High = f.MonthToDate.Add(f.DailyMax.Mul(rem))
	return f
}

// CompleteDays drops the days on or after before (for example today's
// date, or yesterday's for exports that lag a day).
func CompleteDays(days []Day, before time.Time) []Day {
	b := query.DayOf(before)
	out := days[:0:0]
	for _, d := range days {
		if d.Date.Before(b) {
			out = append(out, d)
		}
	}
	return out
}

// Comparison sets what a component was billed against what refit estimated.
type Comparison struct {
	Component cost.Component `json:"component"`
	// Estimated is the estimate's monthly cost.
	Estimated decimal.Decimal `json:"estimated"`
	// Billed is the billed cost over the days; BilledMonthly scales it to a
	// 730-hour month (Billed / days × 730/24).
	Billed        decimal.Decimal `json:"billed"`
	BilledMonthly decimal.Decimal `json:"billedMonthly"`
	// Difference is BilledMonthly − Estimated; Ratio BilledMonthly /
	// Estimated (absent when nothing was estimated).
	Difference decimal.Decimal     `json:"difference"`
	Ratio      decimal.NullDecimal `json:"ratio"`
	Hint       string              `json:"hint,omitempty"`
}

// Comparison hints.
const (
	HintUnmodelled = "billed but not in the estimate: unmodelled resources?"
	HintNotRunning = "estimate has it, bill does not: not running?"
	HintAdjustment = "billing adjustment: estimates never include it"
)

// usageHints point at the --usage settings (cost.Usage) that model the
// traffic-driven components.
var usageHints = map[cost.Component]string{
	cost.NATData:      "NAT data: set natGateway.dataProcessedGB in --usage",
	cost.LoadBalancer: "load balancer capacity: set loadBalancer.albLCUs / nlbNLCUs in --usage",
	cost.DataTransfer: "data transfer: set dataTransfer.internetOutGB / interAZGB in --usage",
}

// VsEstimate compares billed cost per component, over days days, with an
// estimate's monthly cost, largest absolute difference first (ties in
// report order). It returns nil when days < 1.
func VsEstimate(estimate *cost.Breakdown, billed map[cost.Component]decimal.Decimal, days int) []Comparison {
	if days < 1 {
		return nil
	}
	est := map[cost.Component]decimal.Decimal{}
	if estimate != nil {
		for _, t := range estimate.ComponentTotals() {
			est[t.Name] = t.MonthlyCost
		}
	}
	comps := map[cost.Component]bool{}
	for c := range est {
		comps[c] = true
	}
	for c := range billed {
		comps[c] = true
	}
	// month-equivalent factor: 730 hours / (days × 24 hours)
	factor := decimal.NewFromInt(cost.HoursPerMonth).Div(decimal.NewFromInt(int64(days) * 24))
	var out []Comparison
	for c := range comps {
		b := billed[c]
		cmp := Comparison{Component: c, Estimated: est[c], Billed: b, BilledMonthly: b.Mul(factor).Round(2)}
		cmp.Difference = cmp.BilledMonthly.Sub(cmp.Estimated)
		if !cmp.Estimated.IsZero() {
			cmp.Ratio = decimal.NewNullDecimal(cmp.BilledMonthly.Div(cmp.Estimated).Round(2))
		}
		cmp.Hint = hint(cmp)
		out = append(out, cmp)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Difference.Abs(), out[j].Difference.Abs()
		if !a.Equal(b) {
			return a.GreaterThan(b)
		}
		if out[i].Component.Rank() != out[j].Component.Rank() {
			return out[i].Component.Rank() < out[j].Component.Rank()
		}
		return out[i].Component < out[j].Component
	})
	return out
}

func hint(c Comparison) string {
	switch {
	case IsAdjustment(c.Component):
		return HintAdjustment
	case c.Estimated.IsZero() && !c.Billed.IsZero():
		if h, ok := usageHints[c.Component]; ok {
			return h
		}
		return HintUnmodelled
	case !c.Estimated.IsZero() && c.Billed.IsZero():
		return HintNotRunning
	}
	// Both present but billed well over the estimate: traffic the estimate
	// did not model is the usual cause.
	if h, ok := usageHints[c.Component]; ok && c.BilledMonthly.GreaterThan(c.Estimated.Mul(decimal.RequireFromString("1.5"))) {
		return h
	}
	return ""
}

// String renders a comparison on one line, for logs and tests.
func (c Comparison) String() string {
	r := "-"
	if c.Ratio.Valid {
		r = c.Ratio.Decimal.String() + "x"
	}
	return fmt.Sprintf("%s: billed %s/month vs estimated %s (%s) %s", c.Component, c.BilledMonthly.StringFixed(2), c.Estimated.StringFixed(2), r, c.Hint)
}
