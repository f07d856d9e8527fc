// Package archtest holds the tests of refit's package boundaries: they read
// the imports of every non-test Go file under internal/ with go/parser (no
// build, no go list) and fail when a boundary is crossed.
package archtest

import (
	"bufio"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// capabilities are the packages (with their subpackages) that work on an
// Estate, a bill or documents, whatever source made them.
var capabilities = []string{"allocation", "billing", "cost", "kubeapi", "plan", "report", "waste"}

// rule is one boundary: no package under from imports a package under to
// (paths relative to internal/, "" meaning internal/ itself is not used).
type rule struct {
	from []string
	to   string
	why  string
}

var rules = []rule{
	{capabilities, "source", "sources stop at the Estate: a capability reads the estate (or documents, findings), never a source's types"},
	{[]string{"waste"}, "report", "waste returns findings; report renders them"},
}

// under reports whether pkg (relative to internal/) is dir or inside it.
func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

// violations lists the imports that break a rule, given each package's
// imports (package and imports relative to internal/; other imports are
// left out by the caller).
func violations(imports map[string][]string) []string {
	var out []string
	for _, pkg := range sortedKeys(imports) {
		for _, r := range rules {
			if !slices.ContainsFunc(r.from, func(d string) bool { return under(pkg, d) }) {
				continue
			}
			for _, imp := range imports[pkg] {
				if under(imp, r.to) {
					out = append(out, fmt.Sprintf("internal/%s imports internal/%s: %s", pkg, imp, r.why))
				}
			}
		}
	}
	return out
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// modulePath reads the module line of go.mod.
func modulePath(t *testing.T, gomod string) string {
	t.Helper()
	f, err := os.Open(gomod)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.TrimSpace(rest)
		}
	}
	t.Fatalf("%s: no module line", gomod)
	return ""
}

// internalImports parses the imports of every non-test Go file under root
// (the internal/ directory) and returns, per package directory relative to
// root, the packages under internal/ it imports, relative to internal/.
func internalImports(t *testing.T, root, module string) map[string][]string {
	t.Helper()
	prefix := module + "/internal/"
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: import %s: %v", path, imp.Path.Value, err)
			}
			if dep, ok := strings.CutPrefix(p, prefix); ok && !slices.Contains(out[pkg], dep) {
				out[pkg] = append(out[pkg], dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBoundaries checks the rules over internal/.
func TestBoundaries(t *testing.T) {
	module := modulePath(t, filepath.Join("..", "..", "go.mod"))
	imports := internalImports(t, "..", module)
	for _, c := range capabilities {
		if _, ok := imports[c]; !ok {
			t.Errorf("capability package internal/%s not found: update the list in this test", c)
		}
	}
	for _, v := range violations(imports) {
		t.Error(v)
	}
}

// TestRulesCatch checks that the rules catch what they are for, on made-up
// import graphs.
func TestRulesCatch(t *testing.T) {
	tests := []struct {
		imports map[string][]string
		want    int
	}{
		{map[string][]string{"allocation": {"estate", "cost"}, "source/kubelive": {"estate"}}, 0},
		{map[string][]string{"allocation": {"source/kubelive"}}, 1},
		{map[string][]string{"kubeapi/eksinsight": {"kubeapi", "source/awslive"}}, 1},
		{map[string][]string{"cost": {"source"}}, 1},
		{map[string][]string{"waste": {"report", "source/awslive"}}, 2},
		{map[string][]string{"report": {"waste", "allocation"}}, 0},
		{map[string][]string{"source/awslive/eksinsight": {"kubeapi"}, "cli": {"source/kubelive", "report"}}, 0},
		// A package whose name only starts like a capability's is not one.
		{map[string][]string{"costs": {"source"}, "reporting": {"source"}}, 0},
	}
	for _, tt := range tests {
		if got := violations(tt.imports); len(got) != tt.want {
			t.Errorf("%v: %d violations %q, want %d", tt.imports, len(got), got, tt.want)
		}
	}
}
