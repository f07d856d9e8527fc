package yamldoc

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// hasDuplicate reports a mapping with a scalar key twice, anywhere under n.
func hasDuplicate(n *yaml.Node, depth int) bool {
	if n == nil || depth > 1000 {
		return false
	}
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode && k.Value != "<<" {
				if seen[k.Value] {
					return true
				}
				seen[k.Value] = true
			}
		}
	}
	for _, c := range n.Content {
		if hasDuplicate(c, depth+1) {
			return true
		}
	}
	return false
}

// compareScan checks that when Scan accepts data, Split reads the same
// documents: identity, lines, the flags, and ParseHead the same trees.
func compareScan(t *testing.T, name string, data []byte) (accepted bool) {
	t.Helper()
	heads, ok := Scan(data)
	if !ok {
		return false
	}
	docs, err := Split(name, data)
	if err != nil {
		t.Fatalf("%s: Scan accepted what Split rejects: %v\n%q", name, err, data)
	}
	if len(docs) != len(heads) {
		t.Fatalf("%s: Scan found %d documents, Split %d\n%q", name, len(heads), len(docs), data)
	}
	for i, d := range docs {
		h := heads[i]
		want := Head{
			Line: d.Line, APIVersion: d.APIVersion, Kind: d.Kind,
			Namespace: Scalar(d.Node, "metadata", "namespace"), Name: Scalar(d.Node, "metadata", "name"),
			Duplicate:       hasDuplicate(d.Node, 0),
			OwnerReferences: Lookup(d.Node, "metadata", "ownerReferences") != nil,
			Items:           Lookup(d.Node, "items") != nil,
		}
		if av := Lookup(d.Node, "apiVersion"); av != nil && av.Kind == yaml.ScalarNode {
			want.APIVersionLine, want.APIVersionColumn = av.Line, av.Column
		}
		if want.APIVersion == "" { // not looked up: where the null is does not matter
			want.APIVersionLine, want.APIVersionColumn = 0, 0
		}
		got := h
		if got.APIVersion == "" {
			got.APIVersionLine, got.APIVersionColumn = 0, 0
		}
		got.start, got.end, got.startLine = 0, 0, 0
		want.Complex = got.Complex
		if got.Complex {
			// Only the tree is read then: the identity need not match.
			got.APIVersion, got.Kind, got.Namespace, got.Name = want.APIVersion, want.Kind, want.Namespace, want.Name
			got.APIVersionLine, got.APIVersionColumn = want.APIVersionLine, want.APIVersionColumn
		}
		if got != want {
			t.Fatalf("%s document %d: Scan\n%+v\nSplit\n%+v\n%q", name, i+1, got, want, data)
		}
		pd, err := ParseHead(name, data, h)
		if err != nil {
			t.Fatalf("%s document %d: ParseHead: %v", name, i+1, err)
		}
		if pd.Line != d.Line || pd.APIVersion != d.APIVersion || pd.Kind != d.Kind || !sameLines(d.Node, pd.Node, 0) {
			t.Fatalf("%s document %d: ParseHead differs from Split", name, i+1)
		}
	}
	return true
}

// sameLines compares trees but for comments.
func sameLines(a, b *yaml.Node, depth int) bool {
	if a.Line != b.Line || a.Column != b.Column || a.Kind != b.Kind || a.Value != b.Value || a.Tag != b.Tag || a.Style != b.Style || len(a.Content) != len(b.Content) || depth > 1000 {
		return false
	}
	for i := range a.Content {
		if !sameLines(a.Content[i], b.Content[i], depth+1) {
			return false
		}
	}
	return true
}

var scanCases = []string{
	"",
	"# only a comment\n",
	"---\n---\n",
	"apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: b\n",
	"apiVersion: 'v1'\nkind: \"Service\"\nmetadata:\n  name: 'it''s'\n",
	"  apiVersion: v1\n  kind: Pod\n",
	"---\n# c\napiVersion: apps/v1 # trailing\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        args: [\"--x\", y]\n        resources: {cpu: 1m, memory: 2Mi}\n      - name: b\n---\nkind: List\nitems: []\n",
	"a: 1\na: 2\n",
	"a: {x: 1, x: 2}\n",
	"metadata:\n  name: a\n  ownerReferences:\n  - apiVersion: v1\n    kind: X\n",
	"data:\n  f: |\n    line\n\n    more\n  g: >-\n    folded\nkind: ConfigMap\n",
	"list:\n- a\n- b: 1\n  c: 2\n-\n  d: 3\nnext: x\n",
	"metadata: {name: a}\napiVersion: v1\n",
	"apiVersion:\n  - v1\n",
	"a: b: c\n",
	"a: 'unterminated\n",
	"a: &x 1\nb: *x\n",
	"- a\n",
	"just a scalar\n",
	"a:\n  b: 1\n c: 2\n",
	"a: 1\n  b: 2\n",
	"a:\tb\n",
	"key: |\n  x\n---\nkind: B\n",
	"a: |\n\n  x\n",
	"a: |\n   \n  x\n",
	"a:\n- x\nb:\n  - y\n",
	"'quoted key': 1\n\"q2\": 2\n",
	"a: 'x' # c\nb: \"y\"# no\n",
	"a: [1, 2,]\n",
	"a: {}\nb: []\n",
	"a: x #c\n",
	"a: -1\nb: --flag\nc: http://x:80/y\n",
	"a:\n  - name: x\n    v: |\n      text\n  - name: y\n",
	"a: |\nb: 1\n",
	"a:\n\n  b: 1\n",
	"a: \"x\\ny\"\n",
	"a: x\n...\n",
	"%YAML 1.1\n---\na: 1\n",
	"a: 1\n---  \nb: 2\n",
	"a: 1\n--- b\n",
	"apiVersion: ~\nkind: null\n",
	"apiVersion: \nkind:\nmetadata:\n",
	// libyaml forgets a simple key 1024 characters on: long keys, plain,
	// quoted or in a flow mapping, are errors (or the full parser's call).
	"'" + strings.Repeat("m", 1100) + "': 1\n",
	"\"" + strings.Repeat("m", 1100) + "\": 1\n",
	strings.Repeat("m", 1100) + ": 1\n",
	"a: {'" + strings.Repeat("m", 1100) + "': 1}\n",
	"- '" + strings.Repeat("m", 1100) + "': 1\n",
	"'" + strings.Repeat("m", 990) + "': 1\n",
	// In a flow collection libyaml ends a plain scalar at '?'.
	"0: [0?]\n",
	"a: {k: x?y}\n",
	"a: x?y\n",
	// A collection as a flow mapping's key goes to the full parser.
	"a: {[x]: 1}\n",
	"a: {{k: v}: 1}\n",
}

func TestScanMatchesSplit(t *testing.T) {
	for i, c := range scanCases {
		compareScan(t, "case"+string(rune('A'+i%26)), []byte(c))
	}
	mustAccept := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 25, 26, 29, 30, 31, 32}
	for _, i := range mustAccept {
		if _, ok := Scan([]byte(scanCases[i])); !ok {
			t.Errorf("Scan refused case %d:\n%s", i, scanCases[i])
		}
	}
}

// TestScanRepositoryTrees compares Scan and Split on every YAML file of the
// repository's testdata and examples.
func TestScanRepositoryTrees(t *testing.T) {
	files, accepted := 0, 0
	err := filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		if compareScan(t, p, data) {
			accepted++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Scan read %d of %d YAML files itself", accepted, files)
	if files > 50 && accepted*2 < files {
		t.Errorf("Scan read only %d of %d files: the fast path is rarely taken", accepted, files)
	}
}

func FuzzScan(f *testing.F) {
	for _, c := range scanCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		compareScan(t, "fuzz.yaml", data)
	})
}
