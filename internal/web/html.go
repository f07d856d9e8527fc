package web

import (
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The pages are written by Go code, not html/template: executing a
// template reaches reflect.Value.MethodByName, and a binary where that call
// is reachable keeps every exported method of every type the linker cannot
// rule out (golang/go#38450) — for refit, the whole of the AWS SDK clients:
// 93 MB against 44 MB, and about 7 MB more memory at the start of every
// command (docs/benchmarks.md, "Start-up").
//
// Every value from the data goes through esc (text and quoted attribute
// values alike: html.EscapeString escapes <, >, &, ' and "); markup is
// written only from literals in this package. Links are paths this package
// builds (/name, #slug, /api/NAME) or data: URLs it encodes.

// markup is HTML this package wrote (a chart, a page body): written as it is.
type markup string

// htmlw accumulates a document.
type htmlw struct{ strings.Builder }

// m writes markup literals and already escaped strings.
func (w *htmlw) m(parts ...string) {
	for _, p := range parts {
		w.WriteString(p)
	}
}

// esc is v as text, escaped for HTML text and quoted attribute values.
func esc(v any) string {
	switch v := v.(type) {
	case string:
		return html.EscapeString(v)
	case int:
		return strconv.Itoa(v)
	}
	return html.EscapeString(fmt.Sprint(v))
}

func money(d decimal.Decimal) string { return d.StringFixed(2) }

func signed(d decimal.Decimal) string {
	if d.IsNegative() {
		return "-$" + d.Abs().StringFixed(2)
	}
	return "+$" + d.StringFixed(2)
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

// missing says what input a page needs.
func (w *htmlw) missing(msg string) { w.m(`<p class="note">`, esc(msg), `</p>`) }

// downloads links a page's data.
func (w *htmlw) downloads(ls []link) {
	w.m(`<p class="dl">Data: `)
	for _, l := range ls {
		w.m(`<a href="`, esc(l.Href), `" download="`, esc(l.Name), `">`, esc(l.Name), `</a>`)
	}
	w.m(`</p>`)
}

// style is the stylesheet of every page, inline (the CSP allows no other).
const style = `<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1d3557;color:#fff;padding:.6em 1.2em;display:flex;gap:1.2em;align-items:baseline;flex-wrap:wrap}
header b{font-size:1.2em}header a{color:#fff;text-decoration:none;padding:.2em .4em;border-radius:3px}
header a.on{background:#457b9d}
main{padding:1em 1.5em;max-width:1400px}
section.page{margin-bottom:3em}
.cards{display:flex;gap:1em;flex-wrap:wrap;margin:.5em 0 1em}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:12em}
.card .v{font-size:1.5em;font-weight:600}.card .l{color:#555;font-size:.9em}
.pair{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.2em;align-items:start}
@media (max-width:1000px){.pair{grid-template-columns:1fr}}
.chartbox{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5em}
.tablebox{max-height:520px;overflow:auto;background:#fff;border:1px solid #ddd;border-radius:6px}
table{border-collapse:collapse;font-size:.85em;width:100%}
th,td{padding:.25em .5em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td:first-child{white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th{background:#f0f0f0;position:sticky;top:0}
tr.rec td{background:#e8f5e9;font-weight:600}tr.anom td{background:#fdecea}
.sev-error{color:#b00020;font-weight:600}.sev-warning{color:#a66000}.sev-info{color:#555}
.dl a{margin-right:1em;font-size:.9em}
.note{color:#555;font-size:.9em}
pre{background:#fff;border:1px solid #ddd;padding:.6em;overflow:auto;max-height:360px;font-size:.8em}
ul.risks li{margin:.2em 0}
</style>`

// layout writes the document around the rendered pages.
func layout(out io.Writer, lm layoutModel) error {
	var w htmlw
	w.m("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	title := "report"
	if lm.Single {
		w.m(`<meta http-equiv="Content-Security-Policy" content="`, esc(CSP), `">`)
	} else if len(lm.Pages) == 1 {
		title = lm.Pages[0].Title
	}
	w.m("\n<title>refit: ", esc(title), "</title>\n", style, "</head>\n<body>\n<header><b>refit</b>")
	for _, n := range lm.Nav {
		w.m(`<a href="`, esc(n.Href), `"`)
		if n.On {
			w.m(` class="on"`)
		}
		w.m(`>`, esc(n.Title), `</a>`)
	}
	w.m("</header>\n<main>\n")
	for _, p := range lm.Pages {
		w.m(`<section class="page" id="`, esc(p.Slug), `"><h1>`, esc(p.Title), `</h1>`, string(p.Body), `</section>`)
	}
	w.m("\n<p class=\"note\">Made by refit")
	if lm.Version != "" {
		w.m(" ", esc(lm.Version))
	}
	w.m(". Every figure is in USD; the downloads hold the same numbers as the CLI's <code>-o json</code>.</p>\n</main></body></html>\n")
	_, err := io.WriteString(out, w.String())
	return err
}
