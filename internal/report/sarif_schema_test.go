package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/refit-dev/refit/internal/kubeapi"
)

// sarifSchemaFile is the official SARIF 2.1.0 JSON schema (OASIS; see
// testdata/sarif-schema-2.1.0.README.md for its source).
var sarifSchemaFile = filepath.Join("testdata", "sarif-schema-2.1.0.json")

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // uri, uri-reference, date-time are checked too
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, data []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(v)
}

// refit's SARIF validates against the SARIF 2.1.0 schema, as code scanning
// requires.
func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	stdin := []kubeapi.Finding{{Rule: kubeapi.RuleRemovedAPI, Severity: kubeapi.Error, File: "<stdin>", Message: "m"},
		{Rule: "custom-readiness", Severity: kubeapi.Info, File: "dir with space/ä.yaml", Line: 2, Column: 3, Message: "m"}}
	for name, fs := range map[string][]kubeapi.Finding{"sample": sampleFindings(t), "none": nil, "odd files": stdin} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSARIF(&buf, fs, "v0.4.0"); err != nil {
				t.Fatal(err)
			}
			if err := validateSARIF(t, sch, buf.Bytes()); err != nil {
				t.Fatalf("not valid SARIF 2.1.0: %v\n%s", err, buf.String())
			}
		})
	}
	// The validator does reject what code scanning would.
	for name, bad := range map[string]string{
		"bad level":     `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"refit"}},"results":[{"message":{"text":"m"},"level":"fatal"}]}]}`,
		"no driver":     `{"version":"2.1.0","runs":[{"tool":{}}]}`,
		"line 0":        `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"refit"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`,
		"unknown field": `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"refit","ruleset":1}}}]}`,
		"help not URI":  `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"refit","rules":[{"id":"r","helpUri":"not a uri"}]}}}]}`,
	} {
		if err := validateSARIF(t, sch, []byte(bad)); err == nil {
			t.Errorf("%s: the schema accepted %s", name, bad)
		}
	}
}

func fingerprints(t *testing.T, fs []kubeapi.Finding) []string {
	t.Helper()
	var out []string
	for _, r := range NewSARIF(fs, "").Runs[0].Results {
		fp := r.PartialFingerprints[FingerprintKey]
		if fp == "" {
			t.Fatalf("result %q has no %s", r.Message.Text, FingerprintKey)
		}
		out = append(out, fp)
	}
	return out
}

// The same findings on two runs have the same fingerprints, also when
// lines move; different findings have different ones.
func TestSARIFFingerprints(t *testing.T) {
	fs := sampleFindings(t)
	first, second := fingerprints(t, fs), fingerprints(t, sampleFindings(t))
	if strings.Join(first, ",") != strings.Join(second, ",") {
		t.Errorf("two runs differ:\n%v\n%v", first, second)
	}
	moved := append([]kubeapi.Finding(nil), fs...)
	for i := range moved {
		moved[i].Line += 12
	}
	if got := fingerprints(t, moved); strings.Join(got, ",") != strings.Join(first, ",") {
		t.Errorf("lines moved, fingerprints changed:\n%v\n%v", first, got)
	}
	seen := map[string]bool{}
	for _, fp := range first {
		if seen[fp] {
			t.Errorf("fingerprint %s twice", fp)
		}
		seen[fp] = true
	}
	// Two identical findings (the same object twice in a file) stay apart.
	twice := []kubeapi.Finding{fs[0], fs[0]}
	if got := fingerprints(t, twice); got[0] == got[1] {
		t.Errorf("identical findings share %s", got[0])
	}
	// Another file is another finding.
	other := fs[0]
	other.File = "deploy/other.yaml"
	if got := fingerprints(t, []kubeapi.Finding{other}); got[0] == first[0] {
		t.Error("another file, same fingerprint")
	}
}
