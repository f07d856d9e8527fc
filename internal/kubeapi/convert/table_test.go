package convert

import (
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Every conversion and report that data/apis.yaml names exists here, and
// every one here is named there.
func TestConversionNames(t *testing.T) {
	apis, err := kubeapi.LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, a := range apis.All() {
		switch {
		case a.Report != "":
			if reports[a.Report] == nil {
				t.Errorf("%s: report %q is not in reports", a, a.Report)
			}
			used["report "+a.Report] = true
		case a.Convert == "" || a.Convert == kubeapi.ConvertManual || a.Convert == kubeapi.ConvertRename:
		default:
			if conversions[a.Convert] == nil {
				t.Errorf("%s: convert %q is not in conversions", a, a.Convert)
			}
			used["convert "+a.Convert] = true
		}
	}
	for name, fn := range conversions {
		if !used["convert "+name] {
			t.Errorf("conversion %q is named by no API of data/apis.yaml", name)
		}
		inFile(t, name, fn)
	}
	for name, fn := range reports {
		if !used["report "+name] {
			t.Errorf("report %q is named by no API of data/apis.yaml", name)
		}
		inFile(t, name, fn)
	}
}

// inFile checks that the conversion NAME lives in NAME.go.
func inFile(t *testing.T, name string, fn conversionFunc) {
	t.Helper()
	f := runtime.FuncForPC(reflect.ValueOf(fn).Pointer())
	file, _ := f.FileLine(f.Entry())
	if filepath.Base(file) != name+".go" {
		t.Errorf("%s (%s) is in %s, want %s.go", name, f.Name(), filepath.Base(file), name)
	}
}

// What migrate check marks fixable, migrate fix converts: every API the
// table marks fixable is flagged fixable by Check and converted, at its
// removal release (or, when it is only deprecated, at Newest), to the
// replacement Check names; every other one is left alone.
func TestFixableMeansConverted(t *testing.T) {
	apis, err := kubeapi.LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apis.All() {
		if a.DeprecatedIn.IsZero() && a.RemovedIn.IsZero() {
			continue
		}
		at := a.RemovedIn
		if at.IsZero() {
			at = kubeapi.Newest
		}
		src := "apiVersion: " + a.APIVersion() + "\nkind: " + a.Kind + "\nmetadata:\n  name: x\n"
		docs, err := yamldoc.Split("m.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		fs := kubeapi.Check(docs, apis, kubeapi.CheckOptions{To: at})
		if len(fs) != 1 {
			t.Fatalf("%s at %s: findings %+v", a, at, fs)
		}
		doc := parseDoc(t, src)
		res, err := Convert(doc, at)
		if err != nil {
			t.Errorf("%s at %s: %v", a, at, err)
			continue
		}
		if res.Changed != fs[0].Fixable || res.Changed != a.Fixable() {
			t.Errorf("%s at %s: changed = %v, check says fixable = %v, table %v (convert: %s)", a, at, res.Changed, fs[0].Fixable, a.Fixable(), a.Convert)
		}
		if a.Fixable() && res.To != apis.ReplacementAt(a, at) {
			t.Errorf("%s at %s: converted to %s, check names %s", a, at, res.To, apis.ReplacementAt(a, at))
		}
	}
}

func parseDoc(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	return &n
}
