package migrate

import (
	"context"
	"reflect"
	"testing"

	"github.com/refit-dev/refit/internal/benchdata"
	"github.com/refit-dev/refit/internal/kubeapi"
)

// TestFastPathMatchesFullPath: the default check (files identified by
// yamldoc.Scan and checked on all cores, trees only where needed) finds
// exactly what reading every file into node trees finds, in the same
// order, on the repository's trees and on a generated estate.
func TestFastPathMatchesFullPath(t *testing.T) {
	gen := t.TempDir()
	if err := benchdata.GenerateLegacy(gen, 120); err != nil {
		t.Fatal(err)
	}
	trees := [][]string{
		{"../kubeapi/testdata"}, {"../../examples"}, {"../cli/testdata"}, {"../source/testdata"}, {gen},
		{gen, "../kubeapi/testdata"},
	}
	for _, paths := range trees {
		for _, o := range []Options{
			{To: kubeapi.Version{Major: 1, Minor: 33}},
			{To: kubeapi.Version{Major: 1, Minor: 22}, From: kubeapi.Version{Major: 1, Minor: 11}},
		} {
			o.Paths = paths
			fast, err1 := check(context.Background(), o, true)
			full, err2 := check(context.Background(), o, false)
			if (err1 == nil) != (err2 == nil) {
				t.Fatalf("%v: errors %v and %v", paths, err1, err2)
			}
			if err1 != nil {
				continue
			}
			if fast.Failed != full.Failed {
				t.Errorf("%v: Failed %d (fast), %d (full)", paths, fast.Failed, full.Failed)
			}
			a, b := fast.List.Slice(), full.List.Slice()
			if !reflect.DeepEqual(a, b) {
				n := min(len(a), len(b))
				for i := 0; i < n; i++ {
					if !reflect.DeepEqual(a[i], b[i]) {
						t.Fatalf("%v: finding %d\nfast %+v\nfull %+v", paths, i, a[i], b[i])
					}
				}
				t.Fatalf("%v: %d findings (fast), %d (full)", paths, len(a), len(b))
			}
			if len(a) == 0 && paths[0] == gen {
				t.Errorf("%v: no findings", paths)
			}
		}
	}
}
