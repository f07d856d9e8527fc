package source

import (
	"strings"
	"testing"
)

func TestLoadPaths(t *testing.T) {
	tests := []struct {
		name    string
		paths   []string
		example bool
		wantErr string
	}{
		{"the default example", nil, true, ""},
		{"a named example", []string{"eks-after"}, true, ""},
		{"an unknown example", []string{"nosuch"}, true, `unknown example "nosuch" (have `},
		{"two examples", []string{"kops-before", "eks-after"}, true, "--example takes one example name"},
		{"no input", nil, false, "no input: give files or directories"},
		{"a file", []string{"testdata/mixed/cluster.yaml"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := LoadPaths(tt.paths, tt.example, nil, "")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(e.Clusters) == 0 && len(e.NodeGroups) == 0 {
				t.Errorf("nothing read")
			}
		})
	}
	e, err := LoadExample("kops-before")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.NodeGroups) == 0 || !strings.HasPrefix(e.NodeGroups[0].Origin.File, "examples/kops-before/") {
		t.Errorf("example node groups: %+v", e.NodeGroups)
	}
}
