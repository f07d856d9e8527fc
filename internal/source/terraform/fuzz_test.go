package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzTerraform checks that Parse never panics and that what it accepts is
// a valid Estate.
func FuzzTerraform(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		IsPlan(data)
		e, err := Parse("plan.json", data)
		if err != nil {
			return
		}
		if e == nil {
			t.Fatal("nil estate without error")
		}
		for _, g := range e.NodeGroups {
			if len(g.InstanceTypes) == 0 {
				t.Fatalf("node group %s without instance type", g.Origin)
			}
		}
	})
}
