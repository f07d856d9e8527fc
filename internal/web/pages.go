package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/atomicfile"
	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/report"
)

// CSP is the Content-Security-Policy of every response and of the report:
// nothing loads from anywhere, no script runs, styles are inline.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// page is one page of the dashboard.
type page struct {
	Slug, Title string
	build       func(d *Data) model
	// data are the prefixes of the downloads the page links.
	data []string
}

// model is a page's view of the data: it writes the page's body.
type model interface {
	setDownloads([]link)
	html(w *htmlw)
}

var pages = []page{
	{"spend", "Spend", spendModel, []string{"bill-summary.", "daily.", "forecast.", "anomalies."}},
	{"estimate", "Estimate vs bill", estimateModel, []string{"vs-estimate."}},
	{"plan", "Plan", planModel, []string{"plan.", "eksctl."}},
	{"cluster", "Cluster", clusterModel, []string{"cluster-"}},
	{"migration", "Migration", migrationModel, []string{"migration."}},
	{"waste", "Waste", wasteModel, []string{"waste."}},
}

// Pages are the slugs of the pages, in order (/spend, /estimate, ...).
func Pages() []string {
	out := make([]string, len(pages))
	for i, p := range pages {
		out[i] = p.Slug
	}
	return out
}

type link struct {
	Name string
	Href string
}

type navItem struct {
	Title string
	Href  string
	On    bool
}

type renderedPage struct {
	Slug, Title string
	Body        markup
}

// layoutModel is a document: one page of the dashboard, or every page
// (Single, the report).
type layoutModel struct {
	Single  bool
	Version string
	Pages   []renderedPage
	Nav     []navItem
}

// common is what every page model carries.
type common struct {
	D         *Data
	Chart     markup
	Downloads []link
}

func (c *common) setDownloads(dls []link) { c.Downloads = dls }

// renderer renders pages, linking the downloads with href.
type renderer struct {
	d       *Data
	href    func(dl download) (string, error)
	version string
}

func (r renderer) links(prefixes ...string) ([]link, error) {
	var out []link
	for _, dl := range r.d.downloads() {
		for _, p := range prefixes {
			if len(dl.Name) > len(p) && strings.HasPrefix(dl.Name, p) {
				h, err := r.href(dl)
				if err != nil {
					return nil, err
				}
				out = append(out, link{dl.Name, h})
			}
		}
	}
	return out, nil
}

func (r renderer) body(p page) (renderedPage, error) {
	m := p.build(r.d)
	dls, err := r.links(p.data...)
	if err != nil {
		return renderedPage{}, err
	}
	m.setDownloads(dls)
	var w htmlw
	m.html(&w)
	return renderedPage{Slug: p.Slug, Title: p.Title, Body: markup(w.String())}, nil
}

// page renders one page of the dashboard, with the navigation.
func (r renderer) page(w io.Writer, slug string) error {
	lm := layoutModel{Version: r.version}
	for _, p := range pages {
		lm.Nav = append(lm.Nav, navItem{Title: p.Title, Href: "/" + p.Slug, On: p.Slug == slug})
		if p.Slug == slug {
			rp, err := r.body(p)
			if err != nil {
				return err
			}
			lm.Pages = []renderedPage{rp}
		}
	}
	return layout(w, lm)
}

// single renders every page in one document, the downloads as data: URLs.
func (r renderer) single(w io.Writer) error {
	lm := layoutModel{Single: true, Version: r.version}
	for _, p := range pages {
		lm.Nav = append(lm.Nav, navItem{Title: p.Title, Href: "#" + p.Slug})
		rp, err := r.body(p)
		if err != nil {
			return err
		}
		lm.Pages = append(lm.Pages, rp)
	}
	return layout(w, lm)
}

func dataURL(dl download) (string, error) {
	var b bytes.Buffer
	if err := dl.write(&b); err != nil {
		return "", err
	}
	return "data:" + dl.Type + ";base64," + base64.StdEncoding.EncodeToString(b.Bytes()), nil
}

// WriteHTML writes every page as one self-contained HTML document: inline
// CSS and SVG, the data as data: URLs; no script, nothing fetched.
func WriteHTML(w io.Writer, d *Data, version string) error {
	return renderer{d: d, href: dataURL, version: version}.single(w)
}

// WriteHTMLFile writes WriteHTML's document to path atomically.
func WriteHTMLFile(path string, d *Data, version string) error {
	var b bytes.Buffer
	if err := WriteHTML(&b, d, version); err != nil {
		return err
	}
	return atomicfile.Write(path, b.Bytes(), 0o644)
}

// --- page models

type dayRow struct {
	Date    string
	Cost    decimal.Decimal
	Anomaly string
}

type spendView struct {
	common
	Days []dayRow
}

func spendModel(d *Data) model {
	v := &spendView{common: common{D: d}}
	if d.Daily == nil {
		return v
	}
	anom := map[string]string{}
	for _, a := range d.Anomalies {
		s := fmt.Sprintf("%s $%s (median $%s)", a.Series, money(a.Cost), money(a.Median))
		k := date(a.Date)
		if anom[k] != "" {
			s = anom[k] + "; " + s
		}
		anom[k] = s
	}
	seen := map[string]bool{}
	var series []string
	for _, day := range d.Daily.Days {
		for k := range day.By {
			if !seen[k] {
				seen[k] = true
				series = append(series, k)
			}
		}
	}
	sort.Strings(series)
	ch := bars{Title: "Daily spend by component", Series: series, Marked: map[int]string{}}
	for i, day := range d.Daily.Days {
		row := make([]decimal.Decimal, len(series))
		for s, name := range series {
			row[s] = day.By[name].Decimal
		}
		ch.Categories = append(ch.Categories, day.Date)
		ch.Values = append(ch.Values, row)
		if a := anom[day.Date]; a != "" {
			ch.Marked[i] = "anomaly: " + a
		}
		v.Days = append(v.Days, dayRow{Date: day.Date, Cost: day.Cost.Decimal, Anomaly: anom[day.Date]})
	}
	if fc := d.Forecast; fc != nil && fc.DaysRemaining > 0 {
		ch.Band = &band{From: len(ch.Categories), Low: fc.DailyMin, Mean: fc.DailyMean, High: fc.DailyMax}
		for i := 1; i <= fc.DaysRemaining; i++ {
			ch.Categories = append(ch.Categories, date(fc.Last.AddDate(0, 0, i)))
			ch.Values = append(ch.Values, make([]decimal.Decimal, len(series)))
		}
	}
	v.Chart = ch.svg()
	return v
}

type estimateView struct {
	common
	Estimated, BilledMonthly decimal.Decimal
}

func estimateModel(d *Data) model {
	v := &estimateView{common: common{D: d}}
	if d.Vs == nil {
		return v
	}
	ch := bars{Title: "Estimate vs bill by component", Series: []string{"estimated", "billed (monthly)"}, Horizontal: true}
	for _, c := range d.Vs.Comparisons {
		v.Estimated = v.Estimated.Add(c.Estimated)
		v.BilledMonthly = v.BilledMonthly.Add(c.BilledMonthly)
		ch.Categories = append(ch.Categories, string(c.Component)+" (estimated)", string(c.Component)+" (billed)")
		ch.Values = append(ch.Values, []decimal.Decimal{c.Estimated, {}}, []decimal.Decimal{{}, c.BilledMonthly})
	}
	v.Chart = ch.svg()
	return v
}

type planView struct {
	common
	View                                        report.PlanView
	Current, RecommendedCost, RecommendedSaving decimal.Decimal
}

func planModel(d *Data) model {
	v := &planView{common: common{D: d}}
	if d.Plan == nil {
		return v
	}
	v.View = report.NewPlanView(d.Plan)
	v.Current = v.View.Current.TotalMonthlyCost.Decimal
	seen := map[string]int{}
	var series []string
	add := func(cs []report.ComponentView) {
		for _, c := range cs {
			if _, ok := seen[c.Name]; !ok {
				seen[c.Name] = len(series)
				series = append(series, c.Name)
			}
		}
	}
	add(v.View.Current.Components)
	for _, s := range v.View.Scenarios {
		add(s.Components)
	}
	ch := bars{Title: "Scenarios by component", Series: series, Marked: map[int]string{}}
	row := func(cs []report.ComponentView) []decimal.Decimal {
		r := make([]decimal.Decimal, len(series))
		for _, c := range cs {
			r[seen[c.Name]] = r[seen[c.Name]].Add(c.MonthlyCost.Decimal)
		}
		return r
	}
	ch.Categories = append(ch.Categories, "current")
	ch.Values = append(ch.Values, row(v.View.Current.Components))
	for _, s := range v.View.Scenarios {
		if s.Name == v.View.Recommended {
			ch.Marked[len(ch.Categories)] = "recommended"
			v.RecommendedCost, v.RecommendedSaving = s.TotalMonthlyCost.Decimal, s.SavingMonthly.Decimal
		}
		ch.Categories = append(ch.Categories, s.Name)
		ch.Values = append(ch.Values, row(s.Components))
	}
	v.Chart = ch.svg()
	return v
}

type migrationView struct {
	common
	Summary report.FindingsSummary
}

func migrationModel(d *Data) model {
	v := &migrationView{common: common{D: d}}
	if d.MigrateTo == "" {
		return v
	}
	v.Summary = report.Summarize(d.Findings)
	sevs := []kubeapi.Severity{kubeapi.Error, kubeapi.Warning, kubeapi.Info}
	idx := map[string]int{}
	ch := bars{Title: "Findings by file and severity", Series: []string{"error", "warning", "info"}, Horizontal: true, Count: true, KeepEnd: true}
	for _, f := range d.Findings {
		i, ok := idx[f.File]
		if !ok {
			i = len(ch.Categories)
			idx[f.File] = i
			ch.Categories = append(ch.Categories, f.File)
			ch.Values = append(ch.Values, make([]decimal.Decimal, len(sevs)))
		}
		for s, sev := range sevs {
			if f.Severity == sev {
				ch.Values[i][s] = ch.Values[i][s].Add(decimal.NewFromInt(1))
			}
		}
	}
	v.Chart = ch.svg()
	return v
}

type wasteView struct {
	common
	Total decimal.Decimal
}

func wasteModel(d *Data) model {
	v := &wasteView{common: common{D: d}}
	if d.Waste == nil {
		return v
	}
	v.Total = report.NewWasteView(d.WasteRegion, d.Waste.Findings).TotalMonthlySaving.Decimal
	ch := bars{Title: "Monthly saving by finding", Series: []string{"monthly saving"}, Horizontal: true}
	for _, f := range d.Waste.Findings {
		ch.Categories = append(ch.Categories, f.Rule+": "+f.Resource)
		ch.Values = append(ch.Values, []decimal.Decimal{f.MonthlySaving})
	}
	v.Chart = ch.svg()
	return v
}
