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

// layerTable reads the layer of each package from docs/architecture.md
// ("| N | pkg, pkg | ... |" rows between the layers markers); test helpers
// get layer -1.
func layerTable(t *testing.T, doc string) map[string]int {
	t.Helper()
	data, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- layers:begin")
	table, _, ok2 := strings.Cut(rest, "<!-- layers:end -->")
	if !ok || !ok2 {
		t.Fatalf("%s: no layers:begin ... layers:end section", doc)
	}
	layers := map[string]int{}
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 {
			continue
		}
		name := strings.TrimSpace(cells[1])
		n, err := strconv.Atoi(name)
		if name == "test" {
			n, err = -1, nil
		}
		if err != nil {
			continue // the header and the separator
		}
		for _, p := range strings.Split(cells[2], ",") {
			layers[strings.TrimSpace(p)] = n
		}
	}
	if len(layers) == 0 {
		t.Fatalf("%s: the layer table is empty", doc)
	}
	return layers
}

// layerOf is the layer of pkg: its own row, else its nearest parent's.
func layerOf(layers map[string]int, pkg string) (int, bool) {
	for p := pkg; p != "" && p != "."; p = filepath.ToSlash(filepath.Dir(p)) {
		if n, ok := layers[p]; ok {
			return n, true
		}
	}
	return 0, false
}

// family is a package's top directory under internal/.
func family(pkg string) string {
	f, _, _ := strings.Cut(pkg, "/")
	return f
}

// layerViolations lists the imports that break the documented layers.
func layerViolations(layers map[string]int, imports map[string][]string) []string {
	var out []string
	for _, pkg := range sortedKeys(imports) {
		if pkg == "archtest" {
			continue
		}
		n, ok := layerOf(layers, pkg)
		if !ok {
			out = append(out, fmt.Sprintf("internal/%s has no layer in docs/architecture.md's table", pkg))
			continue
		}
		for _, imp := range imports[pkg] {
			m, ok := layerOf(layers, imp)
			switch {
			case !ok:
				continue // reported as a package of its own
			case m == -1 && n != -1:
				out = append(out, fmt.Sprintf("internal/%s imports the test helper internal/%s", pkg, imp))
			case n == -1 || family(imp) == family(pkg) || m < n:
				// test helpers import anything; a family is one unit
			default:
				out = append(out, fmt.Sprintf("internal/%s (layer %d) imports internal/%s (layer %d): a package imports only lower layers (docs/architecture.md, Layers)", pkg, n, imp, m))
			}
		}
	}
	return out
}

// TestLayers holds every package under internal/ to the layer table in
// docs/architecture.md.
func TestLayers(t *testing.T) {
	module := modulePath(t, filepath.Join("..", "..", "go.mod"))
	layers := layerTable(t, filepath.Join("..", "..", "docs", "architecture.md"))
	for _, v := range layerViolations(layers, internalImports(t, "..", module)) {
		t.Error(v)
	}
}

func TestLayerRulesCatch(t *testing.T) {
	layers := map[string]int{"estate": 0, "cost": 2, "report": 4, "billing": 3, "golden": -1}
	tests := []struct {
		imports map[string][]string
		want    int
	}{
		{map[string][]string{"report": {"cost", "estate"}, "billing/local": {"billing/query", "cost"}}, 0},
		{map[string][]string{"cost": {"report"}}, 1},                 // upwards
		{map[string][]string{"billing": {"billing/x", "golden"}}, 1}, // a test helper in non-test code
		{map[string][]string{"newpkg": {"estate"}}, 1},               // not in the table
		{map[string][]string{"golden": {"report"}}, 0},               // helpers import anything
	}
	for _, tt := range tests {
		if got := layerViolations(layers, tt.imports); len(got) != tt.want {
			t.Errorf("%v: %d violations %q, want %d", tt.imports, len(got), got, tt.want)
		}
	}
}
