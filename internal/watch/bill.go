package watch

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing"
	"github.com/refit-dev/refit/internal/billing/analysis"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/report"
)

// dayReport is what the bill says about the latest complete day.
type dayReport struct {
	Currency string
	Day      time.Time
	Total    decimal.Decimal
	// Prev is the day before's total (HasPrev false when not billed).
	Prev       decimal.Decimal
	HasPrev    bool
	Components []componentDay
	Forecast   analysis.MonthForecast
	TagKey     string
	Tags       []billing.Amount
}

// money is an amount in the bill's currency.
func (r *dayReport) money(x decimal.Decimal) string { return report.Money(x, r.Currency) }

type componentDay struct {
	Name      string
	Cost      decimal.Decimal
	Prev      decimal.Decimal
	HasChange bool
}

// latestComplete reads the exports and describes their latest complete day:
// the latest day before both today (in the report's time zone) and the
// latest day the exports have charges for (exports lag, and their last day
// is still being filled in). ok is false when no day is complete yet.
func latestComplete(ctx context.Context, b *billing.Bill, p billing.Period, today time.Time, tag string) (*dayReport, bool, error) {
	daily, err := b.Daily(ctx, p, query.ByComponent)
	if err != nil {
		return nil, false, err
	}
	if len(daily.Days) == 0 {
		return nil, false, fmt.Errorf("no charges in the billing exports")
	}
	cut := daily.Days[len(daily.Days)-1].Date
	if today.Before(cut) {
		cut = today
	}
	complete := analysis.CompleteDays(daily.Days, cut)
	if len(complete) == 0 {
		return nil, false, nil
	}
	i := len(complete) - 1
	day := complete[i]
	r := &dayReport{Currency: daily.Currency, Day: day.Date, Total: day.Cost}
	if i > 0 {
		r.Prev, r.HasPrev = complete[i-1].Cost, true
	}
	for _, s := range daily.By {
		c := componentDay{Name: s.Name, Cost: s.Days[i].Cost}
		if i > 0 {
			c.Prev, c.HasChange = s.Days[i-1].Cost, true
		}
		if c.Cost.IsZero() && c.Prev.IsZero() {
			continue
		}
		r.Components = append(r.Components, c)
	}
	end := time.Date(day.Date.Year(), day.Date.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	r.Forecast = analysis.Forecast(complete, end)
	if tag != "" {
		s, err := b.Summary(ctx, billing.Period{Cost: p.Cost, From: day.Date, To: day.Date.AddDate(0, 0, 1)}, tag)
		if err != nil {
			return nil, false, err
		}
		r.TagKey, r.Tags = tag, s.Tags
	}
	return r, true, nil
}

// billConfig is where the config's exports are.
func (d *Daemon) billConfig() billing.Config {
	b := d.cfg.Bill
	return billing.Config{Paths: []string{b.Source}, Workers: 2,
		S3: objstore.S3Options{EndpointURL: b.EndpointURL, Region: b.Region, Profile: b.Profile}}
}

// runBill is the bill check: the daily report, the budgets and the
// anomalies of the latest complete day.
func (d *Daemon) runBill(ctx context.Context, now time.Time) error {
	cfg := d.cfg.Bill
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	bc := d.billConfig()
	b, err := billing.Open(ctx, bc)
	if err != nil {
		return err
	}
	p := billing.Period{Cost: query.CostKind(cfg.Cost)}
	local := now.In(cfg.loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	r, ok, err := latestComplete(ctx, b, p, today, cfg.Tag)
	if err != nil {
		return err
	}
	if !ok {
		d.log.Info("no complete day in the exports yet")
		return nil
	}
	day := r.Day.Format(time.DateOnly)
	d.metricsOf(r)

	once, _ := ctx.Value(onceKey{}).(bool)
	if once || !now.Before(cfg.reportTime(now)) {
		if _, err := d.enqueue(ctx, Alert{Kind: "report", Subject: "daily", Period: day, Payload: d.reportPayload(r)}, now); err != nil {
			return err
		}
	}
	if err := d.budgets(ctx, r, now); err != nil {
		return err
	}
	if d.cfg.Anomalies.Enabled {
		if err := d.anomalies(ctx, b, p, r, now); err != nil {
			return err
		}
	}
	d.dashboard(ctx, DashboardInputs{Bill: b, Period: p})
	return nil
}

func (d *Daemon) metricsOf(r *dayReport) {
	d.m.costDaily.Reset()
	for _, c := range r.Components {
		d.m.costDaily.WithLabelValues(c.Name).Set(c.Cost.InexactFloat64())
	}
	d.m.forecast.Set(r.Forecast.Projected.InexactFloat64())
	d.m.lastReportDay.Set(float64(r.Day.Unix()))
	if bu := d.cfg.Budget.Daily; bu.Set && bu.IsPositive() {
		d.m.budgetRatio.WithLabelValues("daily").Set(r.Total.Div(bu.Decimal).InexactFloat64())
	}
	if bu := d.cfg.Budget.Monthly; bu.Set && bu.IsPositive() {
		d.m.budgetRatio.WithLabelValues("monthly").Set(r.Forecast.MonthToDate.Div(bu.Decimal).InexactFloat64())
	}
}

// budgets raises at most one alert per budget and period: the daily
// budget when the day crossed it; the monthly budget when the month to
// date crossed it or, before that, when the forecast does (a later
// crossing is then a second, different alert).
func (d *Daemon) budgets(ctx context.Context, r *dayReport, now time.Time) error {
	money := r.money
	day, month := r.Day.Format(time.DateOnly), r.Day.Format("2006-01")
	var alerts []Alert
	if bu := d.cfg.Budget.Daily; bu.Set && r.Total.GreaterThan(bu.Decimal) {
		alerts = append(alerts, Alert{Kind: "budget", Subject: "daily", Period: day,
			Payload: d.payload(fmt.Sprintf("Daily budget crossed: %s spent on %s (budget %s)", money(r.Total), day, money(bu.Decimal)),
				header(":rotating_light: Daily budget crossed"),
				section(fmt.Sprintf("*%s* was spent on %s, over the daily budget of *%s* (%s).",
					money(r.Total), day, money(bu.Decimal), pct(r.Total, bu.Decimal))))})
	}
	if bu := d.cfg.Budget.Monthly; bu.Set {
		f := r.Forecast
		switch {
		case f.MonthToDate.GreaterThan(bu.Decimal):
			alerts = append(alerts, Alert{Kind: "budget", Subject: "monthly", Period: month,
				Payload: d.payload(fmt.Sprintf("Monthly budget crossed: %s month to date (budget %s)", money(f.MonthToDate), money(bu.Decimal)),
					header(":rotating_light: Monthly budget crossed"),
					section(fmt.Sprintf("*%s* spent in %s up to %s, over the monthly budget of *%s* (%s). Month-end forecast: *%s*.",
						money(f.MonthToDate), month, day, money(bu.Decimal), pct(f.MonthToDate, bu.Decimal), money(f.Projected))))})
		case f.Projected.GreaterThan(bu.Decimal):
			alerts = append(alerts, Alert{Kind: "budget", Subject: "monthly-forecast", Period: month,
				Payload: d.payload(fmt.Sprintf("Monthly budget forecast to be crossed: %s by month end (budget %s)", money(f.Projected), money(bu.Decimal)),
					header(":warning: Monthly budget forecast to be crossed"),
					section(fmt.Sprintf("%s is forecast to cost *%s* (%s to %s), over the monthly budget of *%s*. Month to date: %s.",
						month, money(f.Projected), money(f.Low), money(f.High), money(bu.Decimal), money(f.MonthToDate))),
					contextBlock("Forecast: "+f.Method))})
		}
	}
	for _, a := range alerts {
		if _, err := d.enqueue(ctx, a, now); err != nil {
			return err
		}
	}
	return nil
}

// anomalies raises one alert per anomalous day and series among the days
// not looked at before (on the first run: the latest complete day only).
func (d *Daemon) anomalies(ctx context.Context, b *billing.Bill, p billing.Period, r *dayReport, now time.Time) error {
	const seenKey = "bill.anomalies.through"
	seen, err := d.store.Get(ctx, seenKey)
	if err != nil {
		return err
	}
	from := r.Day
	if t, err := time.Parse(time.DateOnly, seen); err == nil {
		from = t.AddDate(0, 0, 1)
	}
	if from.After(r.Day) {
		return nil
	}
	as, err := b.Anomalies(ctx, p, analysis.AnomalyOptions{})
	if err != nil {
		return err
	}
	money := r.money
	var found []analysis.Anomaly
	for _, a := range as {
		if !a.Date.Before(from) && !a.Date.After(r.Day) {
			found = append(found, a)
		}
	}
	through := r.Day.Format(time.DateOnly)
	if len(found) == 0 {
		return d.store.Set(ctx, seenKey, through)
	}
	for i, a := range found {
		date := a.Date.Format(time.DateOnly)
		var sets []string
		if i == len(found)-1 {
			sets = []string{seenKey, through}
		}
		_, err := d.enqueue(ctx, Alert{Kind: "anomaly", Subject: a.Series, Period: date,
			Payload: d.payload(fmt.Sprintf("Cost anomaly: %s cost %s on %s (usually %s)", a.Series, money(a.Cost), date, money(a.Median)),
				header(":chart_with_upwards_trend: Cost anomaly: "+a.Series),
				section(fmt.Sprintf("*%s* cost *%s* on %s: %s more than its usual %s (median of the %d days before; the day had to stay under %s).",
					a.Series, money(a.Cost), date, money(a.Excess), money(a.Median), a.BaselineDays, money(a.Threshold))),
				contextBlock("`refit bill anomalies` shows the details."))}, now, sets...)
		if err != nil {
			return err
		}
	}
	return nil
}

// reportPayload is the daily report as a Slack message.
func (d *Daemon) reportPayload(r *dayReport) []byte {
	money := r.money
	day := r.Day.Format("Mon 2 Jan 2006")
	change := "no day before to compare with"
	if r.HasPrev {
		change = fmt.Sprintf("%s vs the day before", signed(r.Total.Sub(r.Prev), r.Currency, r.Prev))
	}
	var lines []string
	width := 0
	for _, c := range r.Components {
		width = max(width, len(c.Name))
	}
	for _, c := range r.Components {
		line := fmt.Sprintf("%-*s %10s", width, c.Name, money(c.Cost))
		if c.HasChange {
			line += "  " + signed(c.Cost.Sub(c.Prev), r.Currency, c.Prev)
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	f := r.Forecast
	blocks := []block{
		header("Cloud spend for " + day),
		section(fmt.Sprintf("*%s* (%s)", money(r.Total), change)),
		section("```\n" + strings.Join(lines, "\n") + "\n```"),
		section(fmt.Sprintf("*Month to date:* %s\n*Month-end forecast:* %s (%s to %s)",
			money(f.MonthToDate), money(f.Projected), money(f.Low), money(f.High))),
	}
	if r.TagKey != "" {
		var tags []string
		for i, t := range r.Tags {
			if i == 5 {
				break
			}
			name := t.Name
			if name == "" {
				name = "(untagged)"
			}
			tags = append(tags, fmt.Sprintf("%s: %s", name, money(t.Cost)))
		}
		blocks = append(blocks, section(fmt.Sprintf("*By %s:* %s", r.TagKey, strings.Join(tags, ", "))))
	}
	blocks = append(blocks, contextBlock("Latest complete day in the billing exports. Forecast: "+f.Method+"."))
	return d.payload(fmt.Sprintf("Cloud spend for %s: %s (%s); month to date %s, forecast %s",
		r.Day.Format(time.DateOnly), money(r.Total), change, money(f.MonthToDate), money(f.Projected)), blocks...)
}

// signed is a change with its sign and, against a non-zero base, percent.
func signed(delta decimal.Decimal, currency string, base decimal.Decimal) string {
	s := report.Money(delta, currency)
	if !delta.IsNegative() {
		s = "+" + s
	}
	if !base.IsZero() {
		p := delta.Div(base).Mul(decimal.NewFromInt(100)).Round(1)
		if !p.IsNegative() {
			s += fmt.Sprintf(" (+%s%%)", p.StringFixed(1))
		} else {
			s += fmt.Sprintf(" (%s%%)", p.StringFixed(1))
		}
	}
	return s
}

func pct(x, of decimal.Decimal) string {
	if of.IsZero() {
		return "no budget"
	}
	return x.Div(of).Mul(decimal.NewFromInt(100)).Round(0).String() + "% of it"
}
