package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/pricing"
)

func TestWritePrices(t *testing.T) {
	ps := []pricing.Price{
		{Service: "nat_gateway", Item: "gateway_hour", Region: "us-east-1", Unit: "hour", USD: decimal.RequireFromString("0.045"), Source: "aws"},
		{Service: "nat_gateway", Item: "data_gb", Region: "xx-test-1", Unit: "GB", USD: decimal.RequireFromString("0.045"), Source: strings.Repeat("s", 80), EstimatedFrom: "us-east-1"},
	}
	tests := []struct {
		format Format
		want   []string
		not    []string
	}{
		{Table, []string{"SERVICE      ITEM", "0.045", "~0.045", strings.Repeat("s", 67) + "...", "~ not in the catalog for this region"}, []string{strings.Repeat("s", 68)}},
		{JSON, []string{`"estimatedFrom": "us-east-1"`, `"usd": 0.045`}, []string{"~"}},
		{YAML, []string{"estimatedFrom: us-east-1"}, []string{"~"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			var b bytes.Buffer
			if err := WritePrices(&b, ps, tt.format); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("no %q in:\n%s", w, b.String())
				}
			}
			for _, n := range tt.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("%q in:\n%s", n, b.String())
				}
			}
		})
	}
	var b bytes.Buffer
	if err := WritePrices(&b, ps[:1], Table); err != nil || strings.Contains(b.String(), "~") {
		t.Errorf("no estimate, yet:\n%s (%v)", b.String(), err)
	}
}

func TestWriteInstanceAndInstances(t *testing.T) {
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteInstance(&b, cat, "t3.small", "us-east-1", Table); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Instance type", "t3.small", "On-demand (us-east-1)", "/month", "Burstable"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("prices show t3.small: no %q in:\n%s", w, b.String())
		}
	}
	if err := WriteInstance(&b, cat, "t3.nosuch", "us-east-1", Table); err == nil {
		t.Errorf("an unknown type: no error")
	}
	b.Reset()
	if err := WriteInstances(&b, cat, "us-east-1", "t3", JSON); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Name            string  `json:"name"`
		OnDemandMonthly float64 `json:"onDemandMonthly"`
	}
	if err := json.Unmarshal(b.Bytes(), &rows); err != nil {
		t.Fatalf("%v:\n%s", err, b.String())
	}
	if len(rows) == 0 {
		t.Fatal("no t3 types in us-east-1")
	}
	for _, r := range rows {
		if !strings.HasPrefix(r.Name, "t3.") || r.OnDemandMonthly <= 0 {
			t.Errorf("row %+v", r)
		}
	}
}

func TestWriteCoverage(t *testing.T) {
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteCoverage(&b, cat, []string{"us-east-1"}, JSON); err != nil {
		t.Fatal(err)
	}
	var views []struct {
		Region  string   `json:"region"`
		Missing []string `json:"missing"`
	}
	if err := json.Unmarshal(b.Bytes(), &views); err != nil {
		t.Fatal(err)
	}
	if len(views) != 1 || views[0].Region != "us-east-1" || views[0].Missing == nil {
		t.Errorf("coverage: %s", b.String())
	}
	b.Reset()
	if err := WriteCoverage(&b, cat, []string{"us-east-1"}, Markdown); err != nil || !strings.Contains(b.String(), "us-east-1") {
		t.Errorf("markdown coverage (%v):\n%s", err, b.String())
	}
}
