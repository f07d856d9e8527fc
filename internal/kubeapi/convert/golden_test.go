package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/kubeapi"

	"github.com/refit-dev/refit/internal/golden"
)

// target is the release the corpus is converted for.
var target = kubeapi.Version{Major: 1, Minor: 33}

func inputs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/input/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test inputs: %v", err)
	}
	return files
}

// renderResults writes the results in a stable text form.
func renderResults(rs []FileResult) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%s:%d %s %s", filepath.Base(r.File), r.Line, r.Kind, r.Name)
		if r.Item != "" {
			fmt.Fprintf(&b, " (%s)", r.Item)
		}
		fmt.Fprintf(&b, ": %s -> %s changed=%v\n", r.From, r.To, r.Changed)
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "  note: %s\n", n)
		}
		for _, u := range r.Unconverted {
			fmt.Fprintf(&b, "  unconverted: %s\n", u)
		}
	}
	return b.String()
}

// TestGolden converts every input and compares the output and the results
// with testdata/golden/NAME.yaml and NAME.txt (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, in := range inputs(t) {
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			out, res, err := FixFile(name, data, target)
			if err != nil {
				t.Fatal(err)
			}
			// Converting the output again changes nothing.
			again, _, err := FixFile(name, out, target)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(out) {
				t.Errorf("a second FixFile changed the output:\n%s", again)
			}
			got := map[string][]byte{
				filepath.Join("testdata", "golden", name):                                     []byte(out),
				filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".yaml")+".txt"): []byte(renderResults(res)),
			}
			for path, b := range got {
				golden.Assert(t, path, b)
			}
		})
	}
}
