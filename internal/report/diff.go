package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/refit-dev/refit/internal/cost"
)

// DiffView is the JSON contract of `refit cost diff -o json`.
type DiffView struct {
	Currency           string       `json:"currency"`
	BeforeMonthlyCost  Number       `json:"beforeMonthlyCost"`
	AfterMonthlyCost   Number       `json:"afterMonthlyCost"`
	MonthlyChange      Number       `json:"monthlyChange"`
	DailyChange        Number       `json:"dailyChange"`
	PercentChange      Number       `json:"percentChange"`
	Components         []ChangeView `json:"components"`
	Items              []ChangeView `json:"items"`
	BeforeRegion       string       `json:"beforeRegion"`
	AfterRegion        string       `json:"afterRegion"`
	AssumptionsChanged bool         `json:"assumptionsChanged"`
	// Estimates and NotPriced carry each side's estimated prices and the
	// items left out of its total, prefixed "before: " or "after: ", so a
	// diff never hides that a side is estimated or incomplete.
	Estimates  []string `json:"estimates,omitempty"`
	NotPriced  []string `json:"notPriced,omitempty"`
	Incomplete bool     `json:"incomplete,omitempty"`
	// Partial is true when some input of either side could not be read;
	// Unread lists each as "file: reason".
	Partial bool     `json:"partial,omitempty"`
	Unread  []string `json:"unread,omitempty"`
}

// ChangeView is one row of a diff.
type ChangeView struct {
	Name          string `json:"name"`
	Component     string `json:"component,omitempty"`
	Kind          string `json:"kind"`
	BeforeMonthly Number `json:"beforeMonthlyCost"`
	AfterMonthly  Number `json:"afterMonthlyCost"`
	MonthlyChange Number `json:"monthlyChange"`
}

// NewDiffView builds the JSON view of a diff.
func NewDiffView(d cost.Diff, before, after *cost.Breakdown) DiffView {
	v := DiffView{
		Currency: after.Currency, BeforeMonthlyCost: money(d.Before), AfterMonthlyCost: money(d.After),
		MonthlyChange: money(d.Delta()), DailyChange: money(cost.Daily(d.Delta())), PercentChange: Number{d.Percent().Round(2)},
		Components: []ChangeView{}, Items: []ChangeView{},
		BeforeRegion: before.Region, AfterRegion: after.Region,
		AssumptionsChanged: fmt.Sprint(before.Assumptions) != fmt.Sprint(after.Assumptions),
		Estimates:          sides(before.Estimates, after.Estimates),
		NotPriced:          sides(before.NotPriced, after.NotPriced),
		Incomplete:         before.Incomplete() || after.Incomplete(),
	}
	v.Unread = append(append(v.Unread, before.Unread...), after.Unread...)
	v.Partial = before.Partial || after.Partial
	conv := func(c cost.Change, withComp bool) ChangeView {
		cv := ChangeView{Name: c.Name, Kind: c.Kind, BeforeMonthly: money(c.Before), AfterMonthly: money(c.After), MonthlyChange: money(c.Delta())}
		if withComp {
			cv.Component = string(c.Component)
		}
		return cv
	}
	for _, c := range d.Components {
		v.Components = append(v.Components, conv(c, false))
	}
	for _, c := range d.Items {
		if c.Kind != "unchanged" {
			v.Items = append(v.Items, conv(c, true))
		}
	}
	return v
}

// WriteDiff renders a cost diff.
func WriteDiff(w io.Writer, d cost.Diff, before, after *cost.Breakdown, f Format) error {
	switch f {
	case JSON:
		return WriteJSON(w, NewDiffView(d, before, after))
	case YAML:
		return WriteYAML(w, NewDiffView(d, before, after))
	}
	unread := append(append([]string(nil), before.Unread...), after.Unread...)
	var err error
	if f == Markdown {
		if len(unread) > 0 {
			fmt.Fprintf(w, "**%s**\n\n", PartialLine(unread))
		}
		err = diffMarkdown(w, d, before, after)
	} else {
		err = diffTable(w, d, before, after, unread)
	}
	if err != nil {
		return err
	}
	WriteUnread(w, unread)
	return nil
}

// sides prefixes each side's entries with the side's name.
func sides(before, after []string) []string {
	var out []string
	for _, s := range before {
		out = append(out, "before: "+s)
	}
	for _, s := range after {
		out = append(out, "after: "+s)
	}
	return out
}

// diffTotalLabel says when either side's total is estimated or incomplete.
func diffTotalLabel(before, after *cost.Breakdown) string {
	both := &cost.Breakdown{
		Estimates: append(append([]string(nil), before.Estimates...), after.Estimates...),
		NotPriced: append(append([]string(nil), before.NotPriced...), after.NotPriced...),
	}
	return TotalLabel(both)
}

func diffTable(w io.Writer, d cost.Diff, before, after *cost.Breakdown, unread []string) error {
	fmt.Fprintf(w, "Monthly cost: %s -> %s (%s, %s%%), %s a day\n", usd(d.Before), usd(d.After), signedUSD(d.Delta()), d.Percent().StringFixed(1), signedUSD(cost.Daily(d.Delta())))
	if len(unread) > 0 {
		fmt.Fprintln(w, PartialLine(unread))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COMPONENT\tBEFORE\tAFTER\tCHANGE")
	for _, c := range d.Components {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, usd(c.Before), usd(c.After), signedUSD(c.Delta()))
	}
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", diffTotalLabel(before, after), usd(d.Before), usd(d.After), signedUSD(d.Delta()))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tRESOURCE\tCOMPONENT\tBEFORE\tAFTER\tCHANGE")
	for _, c := range d.Items {
		if c.Kind == "unchanged" {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", marker(c.Kind), c.Name, c.Component, usd(c.Before), usd(c.After), signedUSD(c.Delta()))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	writeList(w, "Estimated prices", sides(before.Estimates, after.Estimates))
	writeList(w, "Not priced (left out of the totals)", sides(before.NotPriced, after.NotPriced))
	return nil
}

func marker(kind string) string {
	switch kind {
	case "added":
		return "+"
	case "removed":
		return "-"
	default:
		return "~"
	}
}

func diffMarkdown(w io.Writer, d cost.Diff, before, after *cost.Breakdown) error {
	fmt.Fprintf(w, "### refit cost diff: %s -> %s a month (%s, %s%%)\n\n", usd(d.Before), usd(d.After), signedUSD(d.Delta()), d.Percent().StringFixed(1))
	fmt.Fprintln(w, "| Component | Before | After | Change |")
	fmt.Fprintln(w, "|---|---:|---:|---:|")
	for _, c := range d.Components {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", c.Name, usd(c.Before), usd(c.After), signedUSD(c.Delta()))
	}
	fmt.Fprintf(w, "| **%s** | **%s** | **%s** | **%s** |\n\n", strings.Replace(diffTotalLabel(before, after), "TOTAL", "Total", 1), usd(d.Before), usd(d.After), signedUSD(d.Delta()))
	fmt.Fprint(w, "<details><summary>Changed resources</summary>\n\n")
	fmt.Fprintln(w, "| | Resource | Component | Before | After | Change |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|")
	for _, c := range d.Items {
		if c.Kind == "unchanged" {
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", marker(c.Kind), mdEscape(c.Name), c.Component, usd(c.Before), usd(c.After), signedUSD(c.Delta()))
	}
	fmt.Fprintln(w, "\n</details>")
	mdList(w, "Estimated prices", sides(before.Estimates, after.Estimates))
	mdList(w, "Not priced (left out of the totals)", sides(before.NotPriced, after.NotPriced))
	return nil
}
