package waste

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/report"
)

// View is the JSON and YAML contract of `refit waste -o json`.
type View struct {
	Currency           string        `json:"currency"`
	Region             string        `json:"region"`
	TotalMonthlySaving report.Number `json:"totalMonthlySaving"`
	Findings           []FindingView `json:"findings"`
	// NotChecked lists the rules that need data the input does not carry.
	NotChecked []string `json:"notChecked"`
	// Estimates names the prices behind the savings that the catalog lacks
	// in the region and that were estimated from the nearest region.
	Estimates []string `json:"estimates,omitempty"`
	// Assumptions are what the sources supposed where the input did not
	// say (a namespace, a volume type).
	Assumptions []string `json:"assumptions,omitempty"`
	// Partial is true when some input could not be read; Unread lists
	// each as "file: reason".
	Partial bool     `json:"partial,omitempty"`
	Unread  []string `json:"unread,omitempty"`
}

// FindingView is one finding, with the saving as a JSON number.
type FindingView struct {
	Rule          string        `json:"rule"`
	Resource      string        `json:"resource"`
	MonthlySaving report.Number `json:"monthlySaving"`
	Confidence    string        `json:"confidence"`
	Why           string        `json:"why"`
	Fix           string        `json:"fix"`
	Origin        string        `json:"origin"`
}

// NewView builds the machine-readable view of findings priced in region.
func NewView(region string, fs []Finding) View { return newView(region, Result{Findings: fs}) }

func newView(region string, r Result) View {
	fs := r.Findings
	v := View{Currency: "USD", Region: region, TotalMonthlySaving: money(Total(fs)), Findings: []FindingView{}, NotChecked: NotChecked(), Estimates: r.Estimates,
		Assumptions: r.Assumptions, Unread: r.Unread, Partial: len(r.Unread) > 0}
	for _, f := range fs {
		v.Findings = append(v.Findings, FindingView{
			Rule: f.Rule, Resource: f.Resource, MonthlySaving: money(f.MonthlySaving), Confidence: f.Confidence,
			Why: f.Why, Fix: f.Fix, Origin: f.Origin,
		})
	}
	return v
}

// money rounds to micro-dollars, as the cost report does.
func money(d decimal.Decimal) report.Number { return report.Number{Decimal: d.Round(6)} }

// Write renders findings priced in region: table, json, yaml or markdown.
func Write(w io.Writer, region string, fs []Finding, f report.Format) error {
	return WriteResult(w, region, Result{Findings: fs}, f)
}

// WriteResult is Write, with the estimated prices behind the savings and
// what the sources said about the input: their assumptions, and the inputs
// they could not read (a partial result).
func WriteResult(w io.Writer, region string, r Result, f report.Format) error {
	switch f {
	case report.JSON, report.YAML:
		v := newView(region, r)
		if f == report.JSON {
			return report.WriteJSON(w, v)
		}
		return report.WriteYAML(w, v)
	}
	if len(r.Unread) > 0 {
		line := report.PartialLine(r.Unread)
		if f == report.Markdown {
			line = "**" + line + "**\n"
		}
		fmt.Fprintln(w, line)
	}
	var err error
	if f == report.Markdown {
		err = writeMarkdown(w, region, r.Findings)
	} else {
		err = writeTable(w, region, r.Findings)
	}
	if err != nil {
		return err
	}
	if len(r.Estimates) > 0 {
		fmt.Fprintln(w, "\nEstimated prices behind these savings:")
		for _, s := range r.Estimates {
			fmt.Fprintf(w, "  - %s\n", s)
		}
	}
	if len(r.Assumptions) > 0 {
		fmt.Fprintln(w, "\nAssumptions:")
		for _, a := range r.Assumptions {
			fmt.Fprintf(w, "  - %s\n", a)
		}
	}
	report.WriteUnread(w, r.Unread)
	return nil
}

func summary(region string, fs []Finding) string {
	if len(fs) == 0 {
		return fmt.Sprintf("No waste found in %s.", region)
	}
	total := Total(fs)
	return fmt.Sprintf("%s in %s: %s a month (%s a day) to save", plural(len(fs), "finding"), region, usd(total), usd(cost.Daily(total)))
}

func writeTable(w io.Writer, region string, fs []Finding) error {
	fmt.Fprintln(w, summary(region, fs))
	fmt.Fprintln(w, "refit changes nothing: review each fix and apply it yourself.")
	if len(fs) > 0 {
		fmt.Fprintln(w)
		total := usd(Total(fs))
		width := max(len("SAVING/MONTH"), len(total))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  #\t%*s\tCONFIDENCE\tRULE\tRESOURCE\n", width, "SAVING/MONTH")
		for i, f := range fs {
			fmt.Fprintf(tw, "  %d\t%*s\t%s\t%s\t%s\n", i+1, width, usd(f.MonthlySaving), f.Confidence, f.Rule, f.Resource)
		}
		fmt.Fprintf(tw, "  \t%*s\t\t\t%s\n", width, total, "TOTAL")
		if err := tw.Flush(); err != nil {
			return err
		}
		for i, f := range fs {
			fmt.Fprintf(w, "\n%d. %s: %s", i+1, f.Rule, f.Resource)
			if f.Origin != "" {
				fmt.Fprintf(w, " (%s)", f.Origin)
			}
			fmt.Fprintf(w, "\n   why: %s\n   fix: %s\n", f.Why, f.Fix)
		}
	}
	if nc := NotChecked(); len(nc) > 0 {
		fmt.Fprintln(w, "\nNot checked (the input does not carry the data yet):")
		for _, s := range nc {
			fmt.Fprintf(w, "  - %s\n", s)
		}
	}
	return nil
}

func writeMarkdown(w io.Writer, region string, fs []Finding) error {
	fmt.Fprintf(w, "### refit waste: %s\n\n", summary(region, fs))
	if len(fs) > 0 {
		fmt.Fprintln(w, "| # | Saving / month | Confidence | Rule | Resource | Origin |")
		fmt.Fprintln(w, "|---:|---:|---|---|---|---|")
		for i, f := range fs {
			fmt.Fprintf(w, "| %d | %s | %s | %s | %s | `%s` |\n", i+1, usd(f.MonthlySaving), f.Confidence, f.Rule, mdEscape(f.Resource), f.Origin)
		}
		fmt.Fprintf(w, "| | **%s** | | | **Total** | |\n\n", usd(Total(fs)))
		fmt.Fprintln(w, "<details><summary>Why, and how to fix</summary>")
		fmt.Fprintln(w)
		for i, f := range fs {
			fmt.Fprintf(w, "%d. **%s** (%s): %s\n   Fix: `%s`\n", i+1, mdEscape(f.Resource), f.Rule, mdEscape(f.Why), strings.ReplaceAll(f.Fix, "`", "'"))
		}
		fmt.Fprintln(w, "\n</details>")
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "refit changes nothing: review each fix and apply it yourself.")
	return nil
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// usd renders dollars with cents and thousands separators.
func usd(d decimal.Decimal) string {
	neg := d.IsNegative()
	intPart, frac, _ := strings.Cut(d.Abs().StringFixed(2), ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	s := "$" + b.String() + "." + frac
	if neg {
		s = "-" + s
	}
	return s
}
