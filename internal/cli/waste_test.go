package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWasteGolden(t *testing.T) {
	for _, tc := range []struct{ name, format string }{
		{"waste-kops-before.table.golden", "table"},
		{"waste-kops-before.json.golden", "json"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			out, errOut, code := run(t, "", "waste", "--example", "-o", tc.format, "--at", "2026-11-26")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			goldenFile(t, tc.name, out)
		})
	}
}

func TestWasteJSONContract(t *testing.T) {
	out, errOut, code := run(t, "", "waste", "--example", "-o", "json", "--at", "2026-11-26")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		Findings []struct {
			Rule          string      `json:"rule"`
			MonthlySaving json.Number `json:"monthlySaving"`
			Fix           string      `json:"fix"`
			Confidence    string      `json:"confidence"`
		} `json:"findings"`
		TotalMonthlySaving json.Number `json:"totalMonthlySaving"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if len(v.Findings) == 0 || v.TotalMonthlySaving == "" {
		t.Fatalf("empty report: %s", out)
	}
	for _, f := range v.Findings {
		if f.Rule == "" || f.Fix == "" || f.Confidence == "" || f.MonthlySaving == "" {
			t.Errorf("incomplete finding %+v", f)
		}
	}
}

func TestWasteExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"bad flag", []string{"waste", "--example", "--no-such-flag"}, ExitUsage, "unknown flag"},
		{"bad min root", []string{"waste", "--example", "--min-root-volume", "0"}, ExitUsage, "--min-root-volume"},
		{"bad idle threshold", []string{"waste", "--example", "--idle-threshold", "0"}, ExitUsage, "--idle-threshold 0"},
		{"idle threshold over 100", []string{"waste", "--example", "--idle-threshold", "101"}, ExitUsage, "--idle-threshold 101"},
		{"bad output", []string{"waste", "--example", "-o", "wide"}, ExitUsage, "not available"},
		{"bad fail-over", []string{"waste", "--example", "--fail-over", "lots"}, ExitUsage, "--fail-over"},
		{"no input", []string{"waste"}, ExitUsage, "no input"},
		{"over the limit", []string{"waste", "--example", "--fail-over", "$100"}, ExitFindings, "over --fail-over 100.00"},
		{"under the limit", []string{"waste", "--example", "--fail-over", "1000"}, ExitOK, ""},
		{"clean example", []string{"waste", "--example", "eks-after", "--at", "2026-01-01", "--fail-over", "0"}, ExitOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := run(t, "", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errOut)
			}
			if !strings.Contains(errOut, tc.msg) {
				t.Errorf("stderr %q does not contain %q", errOut, tc.msg)
			}
		})
	}
}

func TestWasteHelpSaysItChangesNothing(t *testing.T) {
	out, _, code := run(t, "", "waste", "--help")
	if code != 0 || !strings.Contains(out, "never deletes or changes anything") || !strings.Contains(out, "unattached-volume") {
		t.Errorf("exit %d, help:\n%s", code, out)
	}
}
