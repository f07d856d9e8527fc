// Package report renders refit's results as a table, JSON, YAML or Markdown.
// Every command shares these renderers, so that output looks and parses the
// same everywhere.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/cost"
)

// Format is an output format.
type Format string

// Output formats.
const (
	Table    Format = "table"
	Wide     Format = "wide"
	JSON     Format = "json"
	YAML     Format = "yaml"
	Markdown Format = "markdown"
	// SARIF is for findings only (see ParseFindingsFormat, WriteSARIF).
	SARIF Format = "sarif"
)

// Formats lists the formats for help texts.
var Formats = []Format{Table, Wide, JSON, YAML, Markdown}

// ParseFormat checks a -o value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Table, Wide, JSON, YAML, Markdown:
		return f, nil
	case "md":
		return Markdown, nil
	case "yml":
		return YAML, nil
	}
	return "", fmt.Errorf("unknown output format %q (want one of table, wide, json, yaml, markdown)", s)
}

// Number is a decimal written as a plain JSON number.
type Number struct{ decimal.Decimal }

// MarshalJSON writes the exact decimal without quotes.
func (n Number) MarshalJSON() ([]byte, error) { return []byte(n.String()), nil }

// UnmarshalJSON reads a number or a quoted number.
func (n *Number) UnmarshalJSON(b []byte) error { return n.Decimal.UnmarshalJSON(b) }

func num(d decimal.Decimal) Number { return Number{d} }

// money rounds to micro-dollars for machine output, exact enough to sum to the cent.
func money(d decimal.Decimal) Number { return Number{d.Round(6)} }

// CostView is the JSON contract of `refit cost -o json`.
type CostView struct {
	Currency         string          `json:"currency"`
	Region           string          `json:"region"`
	TotalMonthlyCost Number          `json:"totalMonthlyCost"`
	TotalDailyCost   Number          `json:"totalDailyCost"`
	Components       []ComponentView `json:"components"`
	Items            []ItemView      `json:"items"`
	Assumptions      []string        `json:"assumptions"`
	Notes            []string        `json:"notes,omitempty"`
	// Estimates names the unit prices taken from another region (each
	// also in assumptions; their items have "estimated": true).
	Estimates []string `json:"estimates,omitempty"`
	// NotPriced lists the items left out of the total for want of a price
	// (with --allow-missing-prices); Incomplete is true when there are any.
	NotPriced  []string `json:"notPriced,omitempty"`
	Incomplete bool     `json:"incomplete,omitempty"`
	// Partial is true when some input could not be read; Unread lists
	// each as "file: reason".
	Partial bool     `json:"partial,omitempty"`
	Unread  []string `json:"unread,omitempty"`
}

// ComponentView is one component's total.
type ComponentView struct {
	Name        string `json:"name"`
	MonthlyCost Number `json:"monthlyCost"`
	DailyCost   Number `json:"dailyCost"`
}

// ItemView is one line item.
type ItemView struct {
	Resource    string `json:"resource"`
	Component   string `json:"component"`
	Quantity    Number `json:"quantity"`
	Unit        string `json:"unit"`
	UnitPrice   Number `json:"unitPrice"`
	MonthlyCost Number `json:"monthlyCost"`
	Origin      string `json:"origin"`
	Note        string `json:"note,omitempty"`
	Estimated   bool   `json:"estimated,omitempty"`
}

// NewCostView builds the JSON view of a breakdown.
func NewCostView(b *cost.Breakdown) CostView {
	total := b.Total()
	v := CostView{
		Currency: b.Currency, Region: b.Region,
		TotalMonthlyCost: money(total), TotalDailyCost: money(cost.Daily(total)),
		Components: []ComponentView{}, Items: make([]ItemView, 0, len(b.Items)),
		Assumptions: b.Assumptions, Notes: b.Notes, Partial: b.Partial, Unread: b.Unread,
		Estimates: b.Estimates, NotPriced: b.NotPriced, Incomplete: b.Incomplete(),
	}
	for _, c := range b.ComponentTotals() {
		v.Components = append(v.Components, ComponentView{Name: string(c.Name), MonthlyCost: money(c.MonthlyCost), DailyCost: money(cost.Daily(c.MonthlyCost))})
	}
	for _, it := range b.Items {
		v.Items = append(v.Items, ItemView{
			Resource: it.Resource, Component: string(it.Component), Quantity: num(it.Quantity), Unit: it.Unit,
			UnitPrice: num(it.UnitPrice), MonthlyCost: money(it.MonthlyCost), Origin: it.Origin, Note: it.Note,
			Estimated: it.Estimated,
		})
	}
	return v
}

// Breakdown turns a decoded view back into a breakdown (for `cost diff`
// against a saved JSON report).
func (v CostView) Breakdown() *cost.Breakdown {
	b := &cost.Breakdown{Currency: v.Currency, Region: v.Region, Assumptions: v.Assumptions, Notes: v.Notes, Partial: v.Partial, Unread: v.Unread,
		Estimates: v.Estimates, NotPriced: v.NotPriced}
	for _, it := range v.Items {
		b.Items = append(b.Items, cost.Item{
			Resource: it.Resource, Component: cost.Component(it.Component), Quantity: it.Quantity.Decimal,
			Unit: it.Unit, UnitPrice: it.UnitPrice.Decimal, MonthlyCost: it.MonthlyCost.Decimal, Origin: it.Origin, Note: it.Note,
			Estimated: it.Estimated,
		})
	}
	return b
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteYAML writes v as YAML, with the same field names and numbers as JSON.
func WriteYAML(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var generic any
	if err := yaml.Unmarshal(data, &generic); err != nil { // JSON is YAML; numbers stay numbers
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(generic); err != nil {
		return err
	}
	return enc.Close()
}

// usd formats dollars for people: $1,234.57.
func usd(d decimal.Decimal) string { return Money(d, "USD") }

// Money is an amount to the cent with thousands separators: $1,234.56 in
// USD (or with no currency), 1,234.56 EUR in another; a negative amount
// starts with "-".
func Money(d decimal.Decimal, currency string) string {
	out := commas(d.Abs().StringFixed(2))
	if currency == "" || currency == "USD" {
		out = "$" + out
	} else {
		out += " " + currency
	}
	if d.IsNegative() {
		out = "-" + out
	}
	return out
}

// signedUSD formats a change with its sign: +$1.00, -$2.50, $0.00.
func signedUSD(d decimal.Decimal) string {
	if d.Round(2).IsPositive() {
		return "+" + usd(d)
	}
	return usd(d)
}

// qty formats a quantity: integers plainly, fractions with up to 4 decimals.
func qty(d decimal.Decimal) string {
	if d.IsInteger() {
		return commas(d.String())
	}
	return commas(strings.TrimRight(strings.TrimRight(d.StringFixed(4), "0"), "."))
}

func commas(s string) string {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// unitPrice shows a unit price with the precision it has (at least 2 decimals).
func unitPrice(d decimal.Decimal) string {
	s := d.String()
	if _, frac, ok := strings.Cut(s, "."); !ok || len(frac) < 2 {
		s = d.StringFixed(2)
	}
	if d.Exponent() < -6 {
		s = strings.TrimRight(d.StringFixed(6), "0")
	}
	return "$" + s
}
