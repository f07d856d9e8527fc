package manifest

import (
	"testing"

	"github.com/refit-dev/refit/internal/source/yamldoc"
)

// FuzzManifest checks that no input makes Split and Parse panic, and that
// what Parse returns keeps the estate's invariants.
func FuzzManifest(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, resources: {requests: {cpu: 1}}}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := yamldoc.Split("fuzz.yaml", data)
		if err != nil {
			return
		}
		est, err := Parse(docs)
		if err != nil {
			return
		}
		if err := est.Validate(); err != nil {
			t.Fatalf("Parse returned an invalid estate: %v", err)
		}
	})
}
