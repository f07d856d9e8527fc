// Package golden compares test output with files under a package's
// testdata, the golden files, and rewrites them when tests run with
// -update (go test ./internal/PKG -update; review the diff before
// committing). Only tests import it.
package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// Updating reports whether the test runs with -update.
func Updating() bool { return *update }

// Assert compares got with the file at path (relative to the package
// under test); with -update it writes the file first.
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it; review the diff):\n%s", path, Diff(want, got))
	}
}

// AssertString is Assert for a string.
func AssertString(t testing.TB, path, got string) {
	t.Helper()
	Assert(t, path, []byte(got))
}

// AssertJSON compares v, as indented JSON without HTML escaping and with a
// final newline, with the file at path.
func AssertJSON(t testing.TB, path string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	Assert(t, path, buf.Bytes())
}

// Diff is a unified diff from want (the golden file) to got.
func Diff(want, got []byte) string {
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(want)), B: difflib.SplitLines(string(got)),
		FromFile: "golden", ToFile: "got", Context: 2,
	})
	if err != nil {
		return err.Error()
	}
	return d
}
