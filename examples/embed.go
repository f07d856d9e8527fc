// Package examples bundles refit's example estates, so that `refit cost
// --example` works on a fresh machine with no files and no AWS account.
package examples

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed kops-before eks-after
var files embed.FS

// Dir is the examples' directory in the repository; embedded origins use it.
const Dir = "examples"

// FS returns the embedded examples, rooted at the examples directory.
func FS() fs.FS { return files }

// Names lists the bundled examples.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}
