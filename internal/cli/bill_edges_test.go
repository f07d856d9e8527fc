package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Billing edges of issue 11, item 15, through the command: each is exit 2
// with a message naming the path, where refit used to report $0.00, billed
// cost as amortized, or read a file outside the manifest's tree.
func TestBillEdges(t *testing.T) {
	root := t.TempDir()
	write := func(rel, data string) string {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	focus := write("focus.csv", "BilledCost,ChargePeriodStart,ChargePeriodEnd,ServiceName,BillingCurrency\n"+
		"1.50,2024-03-01T00:00:00Z,2024-03-01T01:00:00Z,Amazon Elastic Compute Cloud,USD\n")
	empty := filepath.Join(root, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	write("outside/secret.csv", "lineItem/UnblendedCost,lineItem/UsageStartDate\n99,2024-03-01T00:00:00Z\n")
	manifest := write("cur/report/20240301-20240401/report-Manifest.json", `{"reportKeys":["../../../outside/secret.csv"]}`)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"amortized FOCUS without EffectiveCost", []string{"--cost", "amortized", focus}, ExitUsage,
			"Error: " + focus + ": FOCUS export without an EffectiveCost column: it has no amortized cost"},
		{"unblended FOCUS without EffectiveCost", []string{focus}, ExitOK, ""},
		{"empty directory", []string{empty}, ExitUsage, "Error: " + empty + ": no billing files"},
		{"glob of empty directories", []string{filepath.Join(root, "emp*")}, ExitUsage, "no billing files (.csv, .csv.gz, .parquet, manifest .json) in the directories it matches"},
		{"manifest key leaves its folder", []string{manifest}, ExitUsage, `report key "../../../outside/secret.csv" leaves the manifest's folder`},
		{"negative --workers", []string{"--workers", "-1", focus}, ExitUsage, "--workers -1: want 0 (one per CPU) to 64"},
		{"huge --workers", []string{"--workers", "1000000", focus}, ExitOK, "note: --workers 1000000 capped at 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, "", append([]string{"bill", "summary", "-o", "json"}, tt.args...)...)
			if code != tt.wantCode || (tt.wantErr == "") != (errOut == "") || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
			if code == ExitOK && !strings.Contains(out, `"totalCost": 1.5,`) {
				t.Errorf("output:\n%s", out)
			}
			if code != ExitOK && out != "" {
				t.Errorf("output on error:\n%s", out)
			}
		})
	}
}
