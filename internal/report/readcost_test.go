package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
)

func TestReadCostFile(t *testing.T) {
	dir := t.TempDir()
	b := &cost.Breakdown{Currency: "USD", Region: "us-east-1", Items: []cost.Item{{
		Resource: "nat/a", Component: "network/nat-hours", Quantity: decimal.NewFromInt(730), Unit: "hour",
		UnitPrice: decimal.RequireFromString("0.045"), MonthlyCost: decimal.RequireFromString("32.85"), Origin: "a.yaml:1",
	}}}
	var saved bytes.Buffer
	if err := WriteCost(&saved, b, JSON); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"main.json":   saved.String(),
		"other.json":  `{"format_version": "1.2"}`,
		"broken.JSON": `{"totalMonthlyCost": "many"}`,
		"main.yaml":   saved.String(),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		wantOK  bool
		wantErr string
		total   string
	}{
		{"main.json", true, "", "32.85"},
		{"other.json", false, "", ""},
		{"broken.JSON", true, "broken.JSON: not a refit cost report", ""},
		{"main.yaml", false, "", ""},
		{"missing.json", true, "no such file", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := ReadCostFile(filepath.Join(dir, tt.name))
			if ok != tt.wantOK || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("ok %v, err %v; want %v, %q", ok, err, tt.wantOK, tt.wantErr)
			}
			if tt.total != "" && got.Total().StringFixed(2) != tt.total {
				t.Errorf("total %s, want %s", got.Total().StringFixed(2), tt.total)
			}
		})
	}
}
