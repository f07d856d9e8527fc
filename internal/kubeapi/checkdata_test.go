package kubeapi

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/benchdata"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// checkBoth compares CheckData with Check over Split on one file.
func checkBoth(t *testing.T, table *Table, file string, data []byte, opts []CheckOptions) {
	t.Helper()
	for _, opt := range opts {
		got, gotErr := CheckData(file, data, table, opt)
		docs, err := yamldoc.Split(file, data)
		var want []Finding
		if err == nil {
			want = Check(docs, table, opt)
		}
		if (gotErr == nil) != (err == nil) || (err != nil && gotErr.Error() != err.Error()) {
			t.Fatalf("%s: CheckData error %v, Split %v", file, gotErr, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s (to %s from %s): CheckData\n%+v\nCheck\n%+v", file, opt.To, opt.From, got, want)
		}
	}
}

var checkDataOpts = []CheckOptions{{To: Version{1, 33}}, {To: Version{1, 16}, From: Version{1, 11}}, {To: Version{1, 22}, From: Version{1, 25}}}

// TestCheckDataMatchesCheck: the fast path finds what the full path finds,
// on every YAML file of the repository and on a generated estate.
func TestCheckDataMatchesCheck(t *testing.T) {
	table, err := LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := benchdata.GenerateLegacy(dir, 60); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, root := range []string{"../..", dir} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			if d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".json")) {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n++
			checkBoth(t, table, p, data, checkDataOpts)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 100 {
		t.Errorf("only %d files compared", n)
	}
}

func FuzzCheckData(f *testing.F) {
	table, err := LoadTable()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: a\n",
		"apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1beta1\n    kind: Deployment\n---\napiVersion: policy/v1beta1\nkind: PodSecurityPolicy\n",
		"kind: List\napiVersion: v1\nitems:\n- apiVersion: extensions/v1beta1\n  kind: Ingress\n",
		"a: 1\na: 2\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<15 {
			return
		}
		checkBoth(t, table, "f.yaml", data, checkDataOpts[:1])
	})
}
