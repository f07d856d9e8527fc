package manifest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSelectorLabelFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		// An overlay labels its base's resources; the base labels nothing.
		"base/kustomization.yaml":    "resources:\n- deploy.yaml\n- ../shared\n",
		"base/deploy.yaml":           "kind: Deployment\n",
		"shared/kustomization.yaml":  "resources: [cm.yaml]\n",
		"shared/cm.yaml":             "kind: ConfigMap\n",
		"overlay/kustomization.yaml": "resources:\n- ../base\n- https://example.com/remote.yaml\ncommonLabels:\n  app: web\n",
		// labels with includeSelectors, and a cycle.
		"labels/kustomization.yaml": "resources: [a.yaml, ../labels]\nlabels:\n- pairs: {app: a}\n  includeSelectors: true\n",
		"labels/a.yaml":             "kind: Deployment\n",
		"plain/kustomization.yaml":  "resources: [p.yaml]\nlabels:\n- pairs: {app: p}\n",
		"plain/p.yaml":              "kind: Deployment\n",
		"broken/kustomization.yaml": "resources: [\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	real := func(p string) string { return RealPath(filepath.Join(dir, p)) }
	tests := []struct {
		dir  string
		want map[string]string
	}{
		{"overlay", map[string]string{real("base/deploy.yaml"): filepath.Join(dir, "overlay", "kustomization.yaml"), real("shared/cm.yaml"): filepath.Join(dir, "overlay", "kustomization.yaml")}},
		{"base", map[string]string{}},
		{"labels", map[string]string{real("labels/a.yaml"): filepath.Join(dir, "labels", "kustomization.yaml")}},
		{"plain", map[string]string{}}, // labels without includeSelectors
		{"broken", map[string]string{}},
		{"missing", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			got := SelectorLabelFiles(filepath.Join(dir, tt.dir))
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s: got %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// FuzzSelectorLabelFiles checks that no kustomization makes
// SelectorLabelFiles panic or loop.
func FuzzSelectorLabelFiles(f *testing.F) {
	f.Add([]byte("resources: [a.yaml, .]\ncommonLabels: {app: a}\n"))
	f.Add([]byte("bases: [..]\nlabels:\n- pairs: {a: b}\n  includeSelectors: true\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "kustomization.yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("kind: Deployment\n"), 0o644)
		SelectorLabelFiles(dir)
	})
}
