package readiness

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// FuzzReadiness feeds arbitrary input through yamldoc.Split, Check and
// Apply: neither may panic, whatever the documents hold.
func FuzzReadiness(f *testing.F) {
	for _, dir := range []string{"kops-before", "eks-after", "cases"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	targets := []Target{{}, eksALB, eksFargate, {FargateNamespaces: []string{"default"}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := yamldoc.Split("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, tg := range targets {
			for _, fd := range Check(docs, tg) {
				if fd.File != "fuzz.yaml" || fd.Rule == "" {
					t.Fatalf("bad finding %+v", fd)
				}
			}
		}
		for _, tg := range targets {
			if _, err := Apply(docs, tg); err != nil && err.Error()[:9] != "fuzz.yaml" {
				t.Fatalf("error without file: %v", err)
			}
		}
	})
}
