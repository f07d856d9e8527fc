package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/refit-dev/refit/internal/cost"
)

// WriteCost renders a breakdown in a format.
func WriteCost(w io.Writer, b *cost.Breakdown, f Format) error {
	switch f {
	case JSON:
		return WriteJSON(w, NewCostView(b))
	case YAML:
		return WriteYAML(w, NewCostView(b))
	case Markdown:
		return costMarkdown(w, b)
	case Wide:
		return costTable(w, b, true)
	default:
		return costTable(w, b, false)
	}
}

func costTable(w io.Writer, b *cost.Breakdown, wide bool) error {
	total := b.Total()
	fmt.Fprintf(w, "Estimated cost in %s (%s, 730 hours a month): %s a month, %s a day\n", b.Region, b.Currency, usd(total), usd(cost.Daily(total)))
	if b.Partial {
		fmt.Fprintln(w, PartialLine(b.Unread))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "COMPONENT / RESOURCE\tQUANTITY\tUNIT\tUNIT PRICE\tMONTHLY\tDAILY\t"
	if wide {
		header += "ORIGIN\t"
	}
	// tabwriter aligns right; the first column reads better left-aligned,
	// so it is padded by hand.
	totalLabel := TotalLabel(b)
	width := max(len("COMPONENT / RESOURCE"), len(totalLabel))
	for _, it := range b.Items {
		width = max(width, len(it.Resource)+2)
	}
	pad := func(s string) string { return s + strings.Repeat(" ", max(0, width-len([]rune(s)))) }
	fmt.Fprintln(tw, pad("COMPONENT / RESOURCE")+header[len("COMPONENT / RESOURCE"):])
	byComp := map[cost.Component][]cost.Item{}
	for _, it := range b.Items {
		byComp[it.Component] = append(byComp[it.Component], it)
	}
	for _, ct := range b.ComponentTotals() {
		line := fmt.Sprintf("%s\t\t\t\t%s\t%s\t", pad(string(ct.Name)), usd(ct.MonthlyCost), usd(cost.Daily(ct.MonthlyCost)))
		if wide {
			line += "\t"
		}
		fmt.Fprintln(tw, line)
		for _, it := range byComp[ct.Name] {
			line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t", pad("  "+it.Resource), qty(it.Quantity), it.Unit, estMark(it)+unitPrice(it.UnitPrice), usd(it.MonthlyCost), usd(cost.Daily(it.MonthlyCost)))
			if wide {
				line += it.Origin + "\t"
			}
			fmt.Fprintln(tw, line)
		}
	}
	line := fmt.Sprintf("%s\t\t\t\t%s\t%s\t", pad(totalLabel), usd(total), usd(cost.Daily(total)))
	if wide {
		line += "\t"
	}
	fmt.Fprintln(tw, line)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(b.Estimates) > 0 {
		fmt.Fprintln(w, "\n~ estimated: the catalog has no price in this region; the assumptions say where each comes from.")
	}
	writeList(w, "Assumptions", b.Assumptions)
	writeList(w, "Not priced (left out of the total)", b.NotPriced)
	writeList(w, "Notes", b.Notes)
	writeList(w, UnreadTitle, b.Unread)
	return nil
}

// TotalLabel is "TOTAL", saying when the total includes estimated prices
// or leaves items out for want of a price.
func TotalLabel(b *cost.Breakdown) string {
	var parts []string
	if n := len(b.Estimates); n > 0 {
		parts = append(parts, fmt.Sprintf("includes %s", plural(n, "estimated price", "estimated prices")))
	}
	if n := len(b.NotPriced); n > 0 {
		parts = append(parts, fmt.Sprintf("incomplete: %s not priced", plural(n, "item", "items")))
	}
	if len(parts) == 0 {
		return "TOTAL"
	}
	return "TOTAL (" + strings.Join(parts, "; ") + ")"
}

func estMark(it cost.Item) string {
	if it.Estimated {
		return "~"
	}
	return ""
}

// UnreadTitle heads the list of inputs that could not be read.
const UnreadTitle = "Not read (the result leaves them out)"

// PartialLine says a result is partial, in tables.
func PartialLine(unread []string) string {
	return fmt.Sprintf("PARTIAL: %d input(s) could not be read and are left out (listed below; --strict makes this an error)", len(unread))
}

// WriteUnread lists unread inputs after a table; nothing when there are none.
func WriteUnread(w io.Writer, unread []string) { writeList(w, UnreadTitle, unread) }

func writeList(w io.Writer, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", title)
	for _, s := range items {
		fmt.Fprintf(w, "  - %s\n", s)
	}
}

// mdList is writeList in Markdown: a bold title and a bulleted list.
func mdList(w io.Writer, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(w, "\n**%s**\n", title)
	for _, s := range items {
		fmt.Fprintf(w, "- %s\n", mdEscape(s))
	}
}

func costMarkdown(w io.Writer, b *cost.Breakdown) error {
	total := b.Total()
	fmt.Fprintf(w, "### refit cost: %s a month (%s a day) in %s\n\n", usd(total), usd(cost.Daily(total)), b.Region)
	if b.Partial {
		fmt.Fprintf(w, "**%s**\n\n", PartialLine(b.Unread))
	}
	fmt.Fprintln(w, "| Component | Monthly | Daily |")
	fmt.Fprintln(w, "|---|---:|---:|")
	for _, ct := range b.ComponentTotals() {
		fmt.Fprintf(w, "| %s | %s | %s |\n", ct.Name, usd(ct.MonthlyCost), usd(cost.Daily(ct.MonthlyCost)))
	}
	fmt.Fprintf(w, "| **%s** | **%s** | **%s** |\n\n", strings.Replace(TotalLabel(b), "TOTAL", "Total", 1), usd(total), usd(cost.Daily(total)))
	fmt.Fprintf(w, "<details><summary>%d line items</summary>\n\n", len(b.Items))
	fmt.Fprintln(w, "| Resource | Component | Quantity | Unit price | Monthly | Origin |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---|")
	for _, it := range b.Items {
		fmt.Fprintf(w, "| %s | %s | %s %s | %s | %s | `%s` |\n", mdEscape(it.Resource), it.Component, qty(it.Quantity), it.Unit, estMark(it)+unitPrice(it.UnitPrice), usd(it.MonthlyCost), it.Origin)
	}
	fmt.Fprintln(w, "\n</details>")
	mdList(w, "Assumptions", b.Assumptions)
	mdList(w, "Not priced (left out of the total)", b.NotPriced)
	mdList(w, "Notes", b.Notes)
	mdList(w, UnreadTitle, b.Unread)
	return nil
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
