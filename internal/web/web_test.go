package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/waste"
)

var (
	exampleOnce sync.Once
	exampleData *Data
	exampleErr  error
)

// example is the bundled story, loaded as refit serve --example does.
func example(t testing.TB) *Data {
	t.Helper()
	exampleOnce.Do(func() {
		ctx := context.Background()
		cat, copt, err := cost.Settings{}.Open()
		if err != nil {
			exampleErr = err
			return
		}
		before, _, err := source.Inputs{Paths: []string{"kops-before"}, Example: true}.Load(ctx)
		if err != nil {
			exampleErr = err
			return
		}
		after, _, err := source.Inputs{Paths: []string{"eks-after"}, Example: true}.Load(ctx)
		if err != nil {
			exampleErr = err
			return
		}
		p, _ := billing.ParsePeriod("unblended", "", "")
		exampleData, exampleErr = Load(ctx, Sources{Estate: before, Estimate: after, Catalog: cat, Cost: copt,
			Bill: &billing.Config{Example: true}, Period: p, MigrateExample: true, MigrateTo: "1.33", ExampleCluster: true})
	})
	if exampleErr != nil {
		t.Fatal(exampleErr)
	}
	return exampleData
}

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var totalRE = regexp.MustCompile(`data-total="([a-z-]+)">\$?([-0-9.]+)<`)

// totals are the headline figures of a page, by their data-total name.
func totals(page string) map[string]string {
	out := map[string]string{}
	for _, m := range totalRE.FindAllStringSubmatch(page, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// wantTotals are the headline figures each page must show, computed from
// the JSON the /api serves.
func wantTotals(t *testing.T, h http.Handler) map[string]map[string]string {
	t.Helper()
	api := func(name string, v any) {
		t.Helper()
		r := get(t, h, "GET", "/api/"+name, nil)
		if r.StatusCode != 200 {
			t.Fatalf("/api/%s: %d", name, r.StatusCode)
		}
		if err := json.Unmarshal([]byte(body(t, r)), v); err != nil {
			t.Fatalf("/api/%s: %v", name, err)
		}
	}
	var sum report.BillSummary
	api("bill-summary.json", &sum)
	var fc struct{ MonthToDate, Projected report.Number }
	api("forecast.json", &fc)
	var an struct{ Anomalies []json.RawMessage }
	api("anomalies.json", &an)
	var pv report.PlanView
	api("plan.json", &pv)
	var wv report.WasteView
	api("waste.json", &wv)
	var fv report.FindingsView
	api("migration.json", &fv)
	var vs struct {
		Comparisons []struct{ Estimated, BilledMonthly report.Number }
	}
	api("vs-estimate.json", &vs)
	var av report.AllocView
	api("cluster-namespace.json", &av)
	cl := map[string]string{"nodes": av.NodesMonthlyCost.StringFixed(2), "idle": "0.00"}
	all := av.NodesMonthlyCost.Decimal
	for _, a := range av.Allocations {
		if a.Name == "__idle__" {
			cl["idle"] = a.MonthlyCost.StringFixed(2)
		}
	}
	for _, ls := range [][]report.AllocItem{av.ClaimsByOwner, av.LoadBalancers} {
		for _, a := range ls {
			all = all.Add(a.MonthlyCost.Decimal)
		}
	}
	cl["cluster"] = all.StringFixed(2)
	var est, billed report.Number
	for _, c := range vs.Comparisons {
		est.Decimal, billed.Decimal = est.Add(c.Estimated.Decimal), billed.Add(c.BilledMonthly.Decimal)
	}
	var recommended string
	for _, s := range pv.Scenarios {
		if s.Name == pv.Recommended {
			recommended = s.TotalMonthlyCost.StringFixed(2)
		}
	}
	want := map[string]map[string]string{
		"spend": {"bill": sum.TotalCost.StringFixed(2), "month-to-date": fc.MonthToDate.StringFixed(2),
			"forecast": fc.Projected.StringFixed(2), "anomalies": itoa(len(an.Anomalies))},
		"estimate":  {"estimated": est.StringFixed(2), "billed-monthly": billed.StringFixed(2)},
		"plan":      {"current": pv.Current.TotalMonthlyCost.StringFixed(2), "recommended": recommended},
		"migration": {"findings": itoa(fv.Summary.Total), "errors": itoa(fv.Summary.Errors), "warnings": itoa(fv.Summary.Warnings)},
		"waste":     {"waste": wv.TotalMonthlySaving.StringFixed(2)},
		"cluster":   cl,
	}
	if sum.TotalCost.IsZero() || pv.Current.TotalMonthlyCost.IsZero() || wv.TotalMonthlySaving.IsZero() || fv.Summary.Total == 0 || av.NodesMonthlyCost.IsZero() {
		t.Fatalf("the example should have a bill, a plan, waste and findings")
	}
	return want
}

// TestPagesShowTheJSONAPIsNumbers checks every page renders with a chart,
// and that its headline figures equal, to the cent, the JSON its /api
// serves (written by the CLI's -o json writers).
func TestPagesShowTheJSONAPIsNumbers(t *testing.T) {
	d := example(t)
	h := Handler(d, "", "test")
	want := wantTotals(t, h)
	for _, slug := range Pages() {
		r := get(t, h, "GET", "/"+slug, nil)
		page := body(t, r)
		if r.StatusCode != 200 {
			t.Fatalf("/%s: %d %s", slug, r.StatusCode, page)
		}
		if n := strings.Count(page, `class="bar"`); n == 0 {
			t.Errorf("/%s: the chart has no bars", slug)
		}
		if !strings.Contains(page, "<table") || !strings.Contains(page, `href="/api/`) {
			t.Errorf("/%s: no table or no data download", slug)
		}
		got := totals(page)
		for k, v := range want[slug] {
			if got[k] != v {
				t.Errorf("/%s: %s shows %q, the JSON says %q", slug, k, got[k], v)
			}
		}
	}
	// The recommended scenario is marked on the chart and in the table.
	if p := body(t, get(t, h, "GET", "/plan", nil)); !strings.Contains(p, "recommended</title>") || !strings.Contains(p, `class="rec"`) {
		t.Error("/plan: the recommended scenario is not marked")
	}
	// Anomalies are marked on the spend chart.
	if p := body(t, get(t, h, "GET", "/spend", nil)); strings.Count(p, `class="mark"`) == 0 {
		t.Error("/spend: no anomaly marked")
	}
	for _, name := range []string{"daily.csv", "plan.csv", "waste.csv", "migration.csv", "vs-estimate.csv", "eksctl.yaml", "migration.diff"} {
		r := get(t, h, "GET", "/api/"+name, nil)
		if b := body(t, r); r.StatusCode != 200 || len(b) < 20 {
			t.Errorf("/api/%s: %d %q", name, r.StatusCode, b)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestSecurity(t *testing.T) {
	d := &Data{}
	for _, c := range []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:8080", "", true}, {"localhost:0", "", true}, {"[::1]:8080", "", true},
		{"0.0.0.0:8080", "", false}, {":8080", "", false}, {"192.0.2.1:80", "", false},
		{"0.0.0.0:8080", "s3cret", true}, {"nohostport", "x", false},
	} {
		if err := CheckListen(c.addr, c.token); (err == nil) != c.ok {
			t.Errorf("CheckListen(%q, %q) = %v, want ok %v", c.addr, c.token, err, c.ok)
		}
	}
	open := Handler(d, "", "test")
	r := get(t, open, "GET", "/spend", nil)
	if r.StatusCode != 200 || r.Header.Get("Content-Security-Policy") != CSP || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET /spend: %d, CSP %q", r.StatusCode, r.Header.Get("Content-Security-Policy"))
	}
	if !strings.Contains(body(t, r), "No bill") {
		t.Error("a page without its data should say what it needs")
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		if r := get(t, open, m, "/spend", nil); r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s /spend: %d", m, r.StatusCode)
		}
	}
	if r := get(t, open, "HEAD", "/plan", nil); r.StatusCode != 200 {
		t.Errorf("HEAD /plan: %d", r.StatusCode)
	}
	if r := get(t, open, "GET", "/nope", nil); r.StatusCode != 404 || r.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("GET /nope: %d", r.StatusCode)
	}

	h := Handler(d, "s3cret", "test")
	for _, c := range []struct {
		target string
		hdr    map[string]string
		code   int
	}{
		{"/spend", nil, 401},
		{"/api/plan.json", nil, 401},
		{"/spend", map[string]string{"Authorization": "Bearer wrong"}, 401},
		{"/spend?token=s3cre", nil, 401},
		{"/spend", map[string]string{"Authorization": "Bearer s3cret"}, 200},
		{"/spend?token=s3cret", nil, 200},
		{"/spend", map[string]string{"Cookie": tokenCookie + "=s3cret"}, 200},
	} {
		r := get(t, h, "GET", c.target, c.hdr)
		if r.StatusCode != c.code || r.Header.Get("Content-Security-Policy") != CSP {
			t.Errorf("GET %s %v: %d, want %d (CSP %q)", c.target, c.hdr, r.StatusCode, c.code, r.Header.Get("Content-Security-Policy"))
		}
		if c.code == 401 && strings.Contains(body(t, r), "s3cret") {
			t.Errorf("the 401 names the token")
		}
	}
	if r := get(t, h, "GET", "/spend?token=s3cret", nil); len(r.Cookies()) != 1 || !r.Cookies()[0].HttpOnly {
		t.Errorf("?token= should set an HttpOnly cookie: %v", r.Cookies())
	}
	if r := get(t, h, "POST", "/spend", map[string]string{"Authorization": "Bearer s3cret"}); r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST with the token: %d", r.StatusCode)
	}
	srv := NewServer("127.0.0.1:0", h)
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 {
		t.Errorf("server without timeouts: %+v", srv)
	}
}

// TestHTMLReport checks the one-file report: every page, the same figures
// as the server, no reference to anything outside the file.
func TestHTMLReport(t *testing.T) {
	d := example(t)
	path := filepath.Join(t.TempDir(), "out.html")
	if err := WriteHTMLFile(path, d, "test"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, slug := range Pages() {
		if !strings.Contains(doc, `<section class="page" id="`+slug+`">`) {
			t.Errorf("no %s section", slug)
		}
	}
	h := Handler(d, "", "test")
	all := map[string]string{}
	for _, slug := range Pages() {
		for k, v := range totals(body(t, get(t, h, "GET", "/"+slug, nil))) {
			all[k] = v
		}
	}
	if got := totals(doc); len(got) != len(all) {
		t.Errorf("report figures %v, server's %v", got, all)
	} else {
		for k, v := range all {
			if got[k] != v {
				t.Errorf("%s: report %s, server %s", k, got[k], v)
			}
		}
	}
	if regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(doc) || strings.Contains(doc, "<script") {
		t.Error("the report refers to something outside itself or runs a script")
	}
	if !strings.Contains(doc, `href="data:application/json;base64,`) || !strings.Contains(doc, `http-equiv="Content-Security-Policy"`) {
		t.Error("the report should carry its data and its CSP")
	}
	if bytes.Count(b, []byte("<svg")) < len(Pages()) {
		t.Error("a chart is missing")
	}
}

// TestYearOfDays renders the spend page of a year of daily data with a dozen
// components quickly: one bar per day, the labels thinned out.
func TestYearOfDays(t *testing.T) {
	d := &Data{}
	d.yearOfDays(365, 12)
	h := Handler(d, "", "test")
	start := time.Now()
	r := get(t, h, "GET", "/spend", nil)
	page := body(t, r)
	took := time.Since(start)
	if r.StatusCode != 200 || strings.Count(page, `class="bar"`) != 365*12 {
		t.Fatalf("%d, %d bars", r.StatusCode, strings.Count(page, `class="bar"`))
	}
	if !strings.Contains(page, `class="forecast"`) || !strings.Contains(page, "forecast: $12.00 a day (range $10.00 to $15.00)") {
		t.Error("no forecast band for the days left")
	}
	if took > 3*time.Second {
		t.Errorf("a year of days took %v", took)
	}
	t.Logf("a year of days: %v, %d KB", took, len(page)/1024)
}

// TestPagesEscapeData: values from the data are text, never markup, in
// element content and in attribute values alike.
func TestPagesEscapeData(t *testing.T) {
	evil := `<img src=x onerror="alert(1)">'&`
	d := &Data{MigrateTo: "1.33", Findings: []kubeapi.Finding{{File: evil, Line: 1, Kind: evil, Name: evil, Severity: kubeapi.Severity(evil),
		FoundAPIVersion: evil, Replacement: evil, Message: evil}}, FixDiff: evil,
		Waste: &waste.Result{Findings: []waste.Finding{{Rule: evil, Resource: evil, Fix: evil, Confidence: evil}}}, WasteRegion: evil}
	h := Handler(d, "", evil)
	for _, slug := range []string{"migration", "waste"} {
		page := body(t, get(t, h, "GET", "/"+slug, nil))
		if strings.Contains(page, "<img") || strings.Contains(page, `"alert`) || strings.Contains(page, `'&<`) {
			t.Errorf("/%s: data written as markup:\n%s", slug, page)
		}
		if !strings.Contains(page, "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&#39;&amp;") {
			t.Errorf("/%s: escaped data not shown", slug)
		}
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, d, evil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<img") {
		t.Error("report: data written as markup")
	}
}

// yearOfDays sets d's bill to days of daily spend by components, with a
// forecast for 10 more days.
func (d *Data) yearOfDays(days, components int) {
	dv := report.DailyView{Currency: "USD", By: "component"}
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var total decimal.Decimal
	for i := 0; i < days; i++ {
		by := map[string]report.Number{}
		var c decimal.Decimal
		for k := 0; k < components; k++ {
			v := decimal.New(int64(100+i+k*7), -2)
			by[fmt.Sprintf("component-%02d", k)] = report.Number{Decimal: v}
			c = c.Add(v)
		}
		dv.Days = append(dv.Days, report.DayView{Date: day.AddDate(0, 0, i).Format(time.DateOnly), Cost: report.Number{Decimal: c}, By: by})
		total = total.Add(c)
	}
	dv.Total = report.Number{Decimal: total}
	fc := &billing.Forecast{Last: day.AddDate(0, 0, days-1)}
	fc.DaysRemaining, fc.BasisDays = 10, 7
	fc.DailyMin, fc.DailyMean, fc.DailyMax = decimal.New(10, 0), decimal.New(12, 0), decimal.New(15, 0)
	d.Daily, d.Bill, d.Forecast = &dv, &report.BillSummary{TotalCost: dv.Total}, fc
}

// BenchmarkPages renders every page of a big estate: the example's plan,
// migration and waste, a year of daily spend of 12 components and a
// cluster of 1,000 namespaces (3,000 pods on 200 nodes). Each page's size
// is reported as B/page. See docs/benchmarks.md.
func BenchmarkPages(b *testing.B) {
	d := bigData(b)
	r := renderer{d: &d, version: "bench", href: func(dl download) (string, error) { return "/api/" + dl.Name, nil }}
	for _, slug := range Pages() {
		b.Run(slug, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := r.page(&buf, slug); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "B/page")
		})
	}
}

// bigData is BenchmarkPages' estate.
func bigData(b testing.TB) Data {
	d := *example(b)
	d.yearOfDays(365, 12)
	d.Cluster = clusterData(b, 1000, 200).Cluster
	return d
}

// BenchmarkReport writes BenchmarkPages' estate as the one-file report
// (every page, every download inline); its size is B/report.
func BenchmarkReport(b *testing.B) {
	d := bigData(b)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WriteHTML(&buf, &d, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "B/report")
}
