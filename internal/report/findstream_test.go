package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/refit-dev/refit/internal/kubeapi"
)

// referenceTable is the table as tabwriter lays it out over all rows.
func referenceTable(fs []kubeapi.Finding, wide bool) string {
	var b bytes.Buffer
	if len(fs) == 0 {
		return "No deprecated or removed APIs found.\n"
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
	if wide {
		fmt.Fprintln(tw, "LOCATION\tSEVERITY\tRULE\tKIND\tNAME\tAPI VERSION\tFIELD\tSTATUS\tREPLACEMENT\tFIXABLE\tMESSAGE")
	} else {
		fmt.Fprintln(tw, "LOCATION\tKIND\tNAME\tAPI VERSION\tSTATUS\tREPLACEMENT")
	}
	cells := make([]string, 11)
	for _, f := range fs {
		fmt.Fprintln(tw, strings.Join(tableRow(f, wide, cells), "\t"))
	}
	tw.Flush()
	fmt.Fprintf(&b, "\n%s\n", summaryLine(Summarize(fs)))
	return b.String()
}

func streamCases() [][]kubeapi.Finding {
	base := []kubeapi.Finding{
		{Rule: kubeapi.RuleRemovedAPI, Severity: kubeapi.Error, File: "a/b.yaml", Line: 3, Column: 13, APIVersion: "extensions/v1beta1", Kind: "Deployment", Namespace: "ns", Name: "web",
			FoundAPIVersion: "extensions/v1beta1", DeprecatedIn: kubeapi.Version{Major: 1, Minor: 9}, RemovedIn: kubeapi.Version{Major: 1, Minor: 16}, Replacement: "apps/v1", Message: "gone <&> \"q\"", Notes: "n", Fixable: true},
		{Rule: kubeapi.RuleDuplicateKey, Severity: kubeapi.Warning, File: "ü/ß é.yaml", Line: 7, Kind: "Sérvice", Name: "日本", Field: "spec.x", Message: "key x appears twice\u2028"},
		{Rule: "parse-error", Severity: kubeapi.Error, File: "c.yaml", Message: "bad"},
		{Rule: "eks-something", Severity: kubeapi.Info, File: "", Message: "m"},
	}
	tab := append([]kubeapi.Finding{}, base...)
	tab = append(tab, kubeapi.Finding{Rule: "x", File: "t.yaml", Name: "a\tb", Message: "line\nbreak\r\b\f\x01\x7f \\ \xff\xfe\u2029 end", Column: -2, Line: -1})
	return [][]kubeapi.Finding{nil, base[:1], base, tab}
}

// TestStreamingRenderersMatch: the renderers that write one finding at a
// time give what encoding the whole view at once gives.
func TestStreamingRenderersMatch(t *testing.T) {
	for i, fs := range streamCases() {
		var got, want bytes.Buffer
		if err := WriteFindings(&got, fs, JSON); err != nil {
			t.Fatal(err)
		}
		WriteJSON(&want, NewFindingsView(fs))
		if got.String() != want.String() {
			t.Errorf("case %d: JSON\n%s\nwant\n%s", i, got.String(), want.String())
		}
		got.Reset()
		want.Reset()
		if err := WriteSARIF(&got, fs, "1.2.3"); err != nil {
			t.Fatal(err)
		}
		WriteJSON(&want, NewSARIF(fs, "1.2.3"))
		if got.String() != want.String() {
			t.Errorf("case %d: SARIF\n%s\nwant\n%s", i, got.String(), want.String())
		}
		for _, wide := range []bool{false, true} {
			got.Reset()
			f := Table
			if wide {
				f = Wide
			}
			if err := WriteFindingSeq(&got, kubeapi.ListOf(fs), f, ""); err != nil {
				t.Fatal(err)
			}
			if w := referenceTable(fs, wide); got.String() != w {
				t.Errorf("case %d wide=%v: table\n%s\nwant\n%s", i, wide, got.String(), w)
			}
		}
	}
}
