package benchdata

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/refit-dev/refit/internal/yamldoc"
)

func TestGenerateLegacy(t *testing.T) {
	dir := t.TempDir()
	if err := GenerateLegacy(dir, 30); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "manifests", "*", "*.yaml"))
	if err != nil || len(files) != 30 {
		t.Fatalf("%d files (%v), want 30", len(files), err)
	}
	apis := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := yamldoc.Split(f, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Kind == "" || yamldoc.Scalar(d.Node, "metadata", "name") == "" {
				t.Errorf("%s:%d: no kind or name", d.File, d.Line)
			}
			apis[d.APIVersion+" "+d.Kind] = true
		}
	}
	for _, want := range []string{"extensions/v1beta1 Deployment", "extensions/v1beta1 Ingress", "autoscaling/v2beta1 HorizontalPodAutoscaler",
		"policy/v1beta1 PodDisruptionBudget", "batch/v1beta1 CronJob", "apps/v1beta2 StatefulSet", "policy/v1beta1 PodSecurityPolicy", "apps/v1 Deployment"} {
		if !apis[want] {
			t.Errorf("no %s generated", want)
		}
	}
}
