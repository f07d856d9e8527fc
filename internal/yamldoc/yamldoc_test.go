package yamldoc

import (
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantKinds []string
		wantLines []int
		wantErr   string
	}{
		{name: "two docs", in: "apiVersion: v1\nkind: A\n---\n# c\napiVersion: v1\nkind: B\n", wantKinds: []string{"A", "B"}, wantLines: []int{1, 5}},
		{name: "empty docs skipped", in: "---\n---\nkind: A\n---\n", wantKinds: []string{"A"}, wantLines: []int{3}},
		{name: "json", in: `{"apiVersion":"v1","kind":"A"}`, wantKinds: []string{"A"}, wantLines: []int{1}},
		{name: "list is an error", in: "kind: A\n---\n- a\n- b\n", wantErr: "f.yaml:3: expected a mapping"},
		{name: "bad yaml", in: "kind: A\n  bad: [\n", wantErr: "f.yaml:"},
		{name: "json 6902 patch skipped", in: "# sizes\n- op: add\n  path: /spec/replicas\n  value: 3\n- op: remove\n  path: /spec/x\n---\nkind: A\n", wantKinds: []string{"A"}, wantLines: []int{8}},
		{name: "json 6902 patch as json", in: `[{"op": "replace", "path": "/a", "value": 1}]`},
		{name: "list with an unknown op is an error", in: "- op: frobnicate\n  path: /a\n", wantErr: "f.yaml:1: expected a mapping"},
		{name: "list of ops without a path is an error", in: "- op: add\n  value: 1\n", wantErr: "f.yaml:1: expected a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Split("f.yaml", []byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) != len(tt.wantKinds) {
				t.Fatalf("got %d docs, want %d", len(docs), len(tt.wantKinds))
			}
			for i, d := range docs {
				if d.Kind != tt.wantKinds[i] || d.Line != tt.wantLines[i] {
					t.Errorf("doc %d = %s@%d, want %s@%d", i, d.Kind, d.Line, tt.wantKinds[i], tt.wantLines[i])
				}
			}
		})
	}
}

func TestDecodeErrorHasFileLine(t *testing.T) {
	docs, err := Split("c.yaml", []byte("kind: X\nspec:\n  count: abc\n"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Spec struct {
			Count int `yaml:"count"`
		} `yaml:"spec"`
	}
	err = docs[0].Decode(&v)
	if err == nil || !strings.HasPrefix(err.Error(), "c.yaml:3: ") {
		t.Fatalf("err = %v, want prefix c.yaml:3:", err)
	}
}
