package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/waste"
)

// WasteView is the JSON and YAML contract of `refit waste -o json`.
type WasteView struct {
	Currency           string             `json:"currency"`
	Region             string             `json:"region"`
	TotalMonthlySaving Number             `json:"totalMonthlySaving"`
	Findings           []WasteFindingView `json:"findings"`
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

// WasteFindingView is one finding, with the saving as a JSON number.
type WasteFindingView struct {
	Rule          string `json:"rule"`
	Resource      string `json:"resource"`
	MonthlySaving Number `json:"monthlySaving"`
	Confidence    string `json:"confidence"`
	Why           string `json:"why"`
	Fix           string `json:"fix"`
	Origin        string `json:"origin"`
}

// NewWasteView builds the machine-readable view of findings priced in
// region.
func NewWasteView(region string, fs []waste.Finding) WasteView {
	return newWasteView(region, waste.Result{Findings: fs})
}

func newWasteView(region string, r waste.Result) WasteView {
	fs := r.Findings
	v := WasteView{Currency: "USD", Region: region, TotalMonthlySaving: money(waste.Total(fs)), Findings: []WasteFindingView{},
		NotChecked: waste.NotChecked(), Estimates: r.Estimates, Assumptions: r.Assumptions, Unread: r.Unread, Partial: len(r.Unread) > 0}
	for _, f := range fs {
		v.Findings = append(v.Findings, WasteFindingView{
			Rule: f.Rule, Resource: f.Resource, MonthlySaving: money(f.MonthlySaving), Confidence: f.Confidence,
			Why: f.Why, Fix: f.Fix, Origin: f.Origin,
		})
	}
	return v
}

// WriteWaste renders findings priced in region: table, json, yaml or
// markdown.
func WriteWaste(w io.Writer, region string, fs []waste.Finding, f Format) error {
	return WriteWasteResult(w, region, waste.Result{Findings: fs}, f)
}

// WriteWasteResult is WriteWaste, with the estimated prices behind the
// savings and what the sources said about the input: their assumptions, and
// the inputs they could not read (a partial result).
func WriteWasteResult(w io.Writer, region string, r waste.Result, f Format) error {
	switch f {
	case JSON, YAML:
		v := newWasteView(region, r)
		if f == JSON {
			return WriteJSON(w, v)
		}
		return WriteYAML(w, v)
	}
	if len(r.Unread) > 0 {
		line := PartialLine(r.Unread)
		if f == Markdown {
			line = "**" + line + "**\n"
		}
		fmt.Fprintln(w, line)
	}
	var err error
	if f == Markdown {
		err = wasteMarkdown(w, region, r.Findings)
	} else {
		err = wasteTable(w, region, r.Findings)
	}
	if err != nil {
		return err
	}
	writeList(w, "Estimated prices behind these savings", r.Estimates)
	writeList(w, "Assumptions", r.Assumptions)
	WriteUnread(w, r.Unread)
	return nil
}

func wasteSummary(region string, fs []waste.Finding) string {
	if len(fs) == 0 {
		return fmt.Sprintf("No waste found in %s.", region)
	}
	total := waste.Total(fs)
	return fmt.Sprintf("%s in %s: %s a month (%s a day) to save", plural(len(fs), "finding", "findings"), region, usd(total), usd(cost.Daily(total)))
}

func wasteTable(w io.Writer, region string, fs []waste.Finding) error {
	fmt.Fprintln(w, wasteSummary(region, fs))
	fmt.Fprintln(w, "refit changes nothing: review each fix and apply it yourself.")
	if len(fs) > 0 {
		fmt.Fprintln(w)
		total := usd(waste.Total(fs))
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
	writeList(w, "Not checked (the input does not carry the data yet)", waste.NotChecked())
	return nil
}

func wasteMarkdown(w io.Writer, region string, fs []waste.Finding) error {
	fmt.Fprintf(w, "### refit waste: %s\n\n", wasteSummary(region, fs))
	if len(fs) > 0 {
		fmt.Fprintln(w, "| # | Saving / month | Confidence | Rule | Resource | Origin |")
		fmt.Fprintln(w, "|---:|---:|---|---|---|---|")
		for i, f := range fs {
			fmt.Fprintf(w, "| %d | %s | %s | %s | %s | `%s` |\n", i+1, usd(f.MonthlySaving), f.Confidence, f.Rule, mdEscape(f.Resource), f.Origin)
		}
		fmt.Fprintf(w, "| | **%s** | | | **Total** | |\n\n", usd(waste.Total(fs)))
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
