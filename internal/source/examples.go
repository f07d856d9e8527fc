package source

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/refit-dev/refit/examples"
	"github.com/refit-dev/refit/internal/estate"
)

// LoadPaths reads paths from the disk ("-" from stdin), keeping only the
// Kustomize overlays named overlay when it is set; with example, the
// bundled example they name instead (kops-before when none is named).
func LoadPaths(paths []string, example bool, stdin io.Reader, overlay string) (*estate.Estate, error) {
	if example {
		switch len(paths) {
		case 0:
			return LoadExample("kops-before")
		case 1:
			return LoadExample(paths[0])
		default:
			return nil, fmt.Errorf("--example takes one example name (%s)", strings.Join(examples.Names(), ", "))
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no input: give files or directories (or - for stdin), or try --example (one of %s)", strings.Join(examples.Names(), ", "))
	}
	return (&Loader{FS: OS, Stdin: stdin, Overlay: overlay}).Load(paths)
}

// LoadExample reads the bundled example name, with origins such as
// examples/kops-before/cluster.yaml:12.
func LoadExample(name string) (*estate.Estate, error) {
	if !slices.Contains(examples.Names(), name) {
		return nil, fmt.Errorf("unknown example %q (have %s)", name, strings.Join(examples.Names(), ", "))
	}
	l := &Loader{FS: Prefixed(examples.Dir, examples.FS())}
	return l.Load([]string{examples.Dir + "/" + name})
}
