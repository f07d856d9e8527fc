package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/examples"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/waste"
)

func TestWasteNothingFound(t *testing.T) {
	for _, f := range []Format{Table, Markdown} {
		var buf bytes.Buffer
		if err := WriteWaste(&buf, "us-east-1", nil, f); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "No waste found in us-east-1.") {
			t.Errorf("%s:\n%s", f, buf.String())
		}
	}
}

// TestWasteFoundingStoryJSON renders the findings on the bundled kops
// cluster as JSON: the total and the findings are the waste package's.
func TestWasteFoundingStoryJSON(t *testing.T) {
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	l := &source.Loader{FS: source.Prefixed(examples.Dir, examples.FS())}
	e, err := l.Load([]string{examples.Dir + "/kops-before"})
	if err != nil {
		t.Fatal(err)
	}
	found, err := waste.Find(e, cat, waste.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Fatal("no findings")
	}
	var buf bytes.Buffer
	if err := WriteWaste(&buf, "us-east-1", found, JSON); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Findings           []json.RawMessage `json:"findings"`
		TotalMonthlySaving json.Number       `json:"totalMonthlySaving"`
		NotChecked         []string          `json:"notChecked"`
	}
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	total := waste.Total(found)
	if got, _ := decimal.NewFromString(v.TotalMonthlySaving.String()); !got.Equal(total) || len(v.Findings) != len(found) {
		t.Errorf("JSON total %s with %d findings, want %s with %d", v.TotalMonthlySaving, len(v.Findings), total, len(found))
	}
	if v.NotChecked == nil {
		t.Error("notChecked is missing; want a list, empty or not")
	}
}

func TestWasteResultPartial(t *testing.T) {
	r := waste.Result{Unread: []string{"bad.yaml: not YAML"}, Assumptions: []string{"namespace default"}}
	var buf bytes.Buffer
	if err := WriteWasteResult(&buf, "eu-west-1", r, Table); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{PartialLine(r.Unread), "No waste found in eu-west-1.", "Assumptions:\n  - namespace default", "bad.yaml: not YAML"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	buf.Reset()
	if err := WriteWasteResult(&buf, "eu-west-1", r, JSON); err != nil {
		t.Fatal(err)
	}
	var v WasteView
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if !v.Partial || len(v.Unread) != 1 || v.Region != "eu-west-1" {
		t.Errorf("view %+v", v)
	}
}
