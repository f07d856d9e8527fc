package source

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocuments(t *testing.T) {
	var got []string
	err := walkDocs(t, []string{"testdata/docs", "testdata/mixed/overlay"}, func(b Batch) {
		switch {
		case b.Skipped != "":
			got = append(got, "skipped "+b.File+": "+b.Skipped)
		case b.Built:
			got = append(got, "built "+b.File)
		default:
			got = append(got, "read "+b.File)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"read testdata/docs/plain.yaml",
		"skipped testdata/docs/templated.yaml: line 5: a template",
		"built testdata/mixed/overlay (kustomize build)",
		"read testdata/mixed/overlay/kustomization.yaml",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("walk lacks %q:\n%s", want, all)
		}
	}
	helm := "skipped testdata/docs/chart: a Helm chart, not rendered"
	if _, err := exec.LookPath("helm"); err == nil {
		helm = "built testdata/docs/chart (helm template)"
	}
	if !strings.Contains(all, helm) {
		t.Errorf("walk lacks %q:\n%s", helm, all)
	}
	if strings.Contains(all, "chart/templates") {
		t.Errorf("chart templates read as YAML:\n%s", all)
	}
}

// walkDocs walks paths on disk and hands each batch to f.
func walkDocs(t *testing.T, paths []string, f func(Batch)) error {
	t.Helper()
	l := &Loader{FS: OS}
	return l.Documents(paths, func(b Batch) error { f(b); return nil })
}

// TestDocumentsReadsEachFileOnce: a file named twice, or reached both
// directly and through a symbolic link, is read once, under the first name
// and root.
func TestDocumentsReadsEachFileOnce(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "t")
	if err := os.MkdirAll(filepath.Join(tree, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	pod := []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n")
	for _, f := range []string{"a.yaml", "sub/b.yaml"} {
		if err := os.WriteFile(filepath.Join(tree, f), pod, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.yaml", filepath.Join(tree, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := walkDocs(t, []string{tree, filepath.Join(tree, "a.yaml"), filepath.Join(tree, "sub", "..", "sub", "b.yaml")}, func(b Batch) {
		rel, _ := filepath.Rel(dir, b.File)
		root, _ := filepath.Rel(dir, b.Root)
		got = append(got, rel+" in "+root)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "t/a.yaml in t, t/sub/b.yaml in t"
	if g := strings.Join(got, ", "); g != want {
		t.Errorf("read %s, want %s", g, want)
	}
}
