package web

import (
	"fmt"
	"html"
	"strings"

	"github.com/shopspring/decimal"
)

// palette colours the series of a chart, in order (colour-blind safe,
// Okabe–Ito, then greys).
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999", "#666666", "#BBBBBB", "#444444"}

func colour(i int) string { return palette[i%len(palette)] }

// bars is a bar chart: one bar per category, stacked by series.
type bars struct {
	Title      string
	Categories []string
	Series     []string
	// Values[c][s] is category c's amount of series s.
	Values [][]decimal.Decimal
	// Marked categories get a red triangle above the bar (anomalies, the
	// recommended scenario) with Mark as its label.
	Marked map[int]string
	// Horizontal draws the bars left to right, one per row.
	Horizontal bool
	// Count shows the values as counts, not dollars.
	Count bool
	// Band, when set, is the forecast drawn over the categories from
	// Band.From on (vertical charts only).
	Band *band
	// KeepEnd shortens long labels from the left (file paths).
	KeepEnd bool
}

// band is a forecast: a range from Low to High a category, Mean drawn as a
// dashed line.
type band struct {
	From            int
	Low, Mean, High decimal.Decimal
}

// amount formats a value as the chart's unit.
func (b bars) amount(d decimal.Decimal) string {
	if b.Count {
		return d.String()
	}
	return "$" + money(d)
}

func f64(d decimal.Decimal) float64 { v, _ := d.Float64(); return v }

// svg draws the chart as an inline SVG with a <title> on every segment
// (the browser shows it on hover) and a legend; aria-label names it.
func (b bars) svg() markup {
	var scale float64 // the longest bar's amount
	for _, row := range b.Values {
		var sum float64
		for _, v := range row {
			if v.IsPositive() {
				sum += f64(v)
			}
		}
		scale = max(scale, sum)
	}
	if b.Band != nil {
		scale = max(scale, f64(b.Band.High))
	}
	if scale == 0 {
		scale = 1
	}
	var sb strings.Builder
	esc := html.EscapeString // not the package's esc: no interface on this hot path
	n := len(b.Categories)
	legendH := 18 * ((len(b.Series) + 3) / 4)
	if b.Horizontal {
		rowH, labelW, plotW := 22, 260, 560
		h := n*rowH + 30 + legendH
		fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%">`, esc(b.Title), labelW+plotW+90, h)
		for c, cat := range b.Categories {
			y := 10 + c*rowH
			label := cat
			if r := []rune(label); len(r) > 38 {
				if b.KeepEnd {
					label = "…" + string(r[len(r)-37:])
				} else {
					label = string(r[:37]) + "…"
				}
			}
			fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" font-size="11">%s</text>`, labelW-6, y+14, esc(label))
			x := float64(labelW)
			var total decimal.Decimal
			for s, v := range b.Values[c] {
				if !v.IsPositive() {
					continue
				}
				total = total.Add(v)
				w := f64(v) / scale * float64(plotW)
				fmt.Fprintf(&sb, `<rect class="bar" x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s, %s: %s</title></rect>`,
					x, y, w, rowH-6, colour(s), esc(cat), esc(b.Series[s]), b.amount(v))
				x += w
			}
			fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="11">%s</text>`, x+4, y+14, b.amount(total))
		}
		b.legend(&sb, 10, n*rowH+20)
		sb.WriteString(`</svg>`)
		return markup(sb.String())
	}
	plotH, left, top := 260, 70, 20
	slot := 900.0 / float64(max(n, 1))
	barW := slot * 0.75
	h := top + plotH + 70 + legendH
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%">`, esc(b.Title), left+920, h)
	for i := 0; i <= 4; i++ { // gridlines
		v := scale * float64(i) / 4
		y := float64(top+plotH) - float64(plotH)*float64(i)/4
		fmt.Fprintf(&sb, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end" font-size="11">$%.0f</text>`, left, left+910, y, y, left-4, y+4, v)
	}
	if bd := b.Band; bd != nil && bd.From < n {
		x0 := float64(left) + 5 + float64(bd.From)*slot
		w := float64(n-bd.From) * slot
		yh := float64(top+plotH) - f64(bd.High)/scale*float64(plotH)
		yl := float64(top+plotH) - f64(bd.Low)/scale*float64(plotH)
		ym := float64(top+plotH) - f64(bd.Mean)/scale*float64(plotH)
		title := fmt.Sprintf("forecast: $%s a day (range $%s to $%s)", money(bd.Mean), money(bd.Low), money(bd.High))
		fmt.Fprintf(&sb, `<rect class="forecast" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#0072B2" fill-opacity="0.15"><title>%s</title></rect>`, x0, yh, w, yl-yh, esc(title))
		fmt.Fprintf(&sb, `<line class="forecast" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#0072B2" stroke-dasharray="5 3"/>`, x0, x0+w, ym, ym)
	}
	every := 1 + n/16
	for c, cat := range b.Categories {
		x := float64(left) + 5 + float64(c)*slot
		y := float64(top + plotH)
		var total decimal.Decimal
		for s, v := range b.Values[c] {
			if !v.IsPositive() {
				continue
			}
			total = total.Add(v)
			hh := f64(v) / scale * float64(plotH)
			y -= hh
			fmt.Fprintf(&sb, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s, %s: %s</title></rect>`,
				x, y, barW, hh, colour(s), esc(cat), esc(b.Series[s]), b.amount(v))
		}
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="transparent"><title>%s: %s</title></rect>`, x, y, barW, float64(top+plotH)-y, esc(cat), b.amount(total))
		if m, ok := b.Marked[c]; ok {
			cx := x + barW/2
			fmt.Fprintf(&sb, `<path class="mark" d="M%.1f %.1f l-6 -10 h12 z" fill="#D00"><title>%s: %s</title></path>`, cx, y-2, esc(cat), esc(m))
		}
		if c%every == 0 {
			label := cat
			if len(label) > 16 {
				label = label[:15] + "…"
			}
			fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="11" text-anchor="end" transform="rotate(-35 %.1f %d)">%s</text>`, x+barW/2, top+plotH+14, x+barW/2, top+plotH+14, esc(label))
		}
	}
	b.legend(&sb, left, top+plotH+62)
	sb.WriteString(`</svg>`)
	return markup(sb.String())
}

func (b bars) legend(sb *strings.Builder, x0, y0 int) {
	for s, name := range b.Series {
		x, y := x0+(s%4)*220, y0+(s/4)*18
		fmt.Fprintf(sb, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" font-size="12">%s</text>`, x, y, colour(s), x+16, y+11, html.EscapeString(name))
	}
}
