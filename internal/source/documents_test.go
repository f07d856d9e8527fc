package source

import (
	"os/exec"
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
