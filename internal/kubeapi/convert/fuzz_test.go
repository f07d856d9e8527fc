package convert

import (
	"testing"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// FuzzConvert feeds arbitrary bytes through yamldoc.Split, Convert and
// FixFile: nothing may panic, and FixFile's output must parse again and be
// left unchanged by a second FixFile.
func FuzzConvert(f *testing.F) {
	f.Add([]byte("apiVersion: extensions/v1beta1\nkind: Ingress\nspec:\n  backend: {serviceName: a, servicePort: 80}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := yamldoc.Split("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, d := range docs {
			_, _ = Convert(d.Node, target)
		}
		out, _, err := FixFile("fuzz.yaml", data, target)
		if err != nil {
			return
		}
		if _, err := yamldoc.Split("fuzz.yaml", out); err != nil {
			t.Fatalf("output does not parse: %v\ninput:\n%q\noutput:\n%q", err, data, out)
		}
		again, _, err := FixFile("fuzz.yaml", out, target)
		if err != nil {
			t.Fatalf("second FixFile: %v\noutput:\n%q", err, out)
		}
		if string(again) != string(out) {
			t.Fatalf("second FixFile changed the output:\n%q\n%q", out, again)
		}
	})
}
