package source

import (
	"io"

	"github.com/spf13/pflag"
)

// Flags are the input flags of refit cost, cost diff, plan, waste, serve
// and report as the command line gives them: --overlay and --strict.
type Flags struct {
	// Overlay is --overlay (Inputs.Overlay).
	Overlay string
	// Strict is --strict (Inputs.Strict).
	Strict bool
}

// AddFlags registers --overlay and --strict.
func (f *Flags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.Overlay, "overlay", "", "price only the Kustomize overlays with a directory of this name (prod keeps k8s/app/overlays/prod); default: every overlay, named in the notes")
	fl.BoolVar(&f.Strict, "strict", false, "exit with code 2 when an input cannot be read (a broken kustomization), instead of pricing the rest as a partial result")
}

// Inputs are the files of paths (with example, the bundled examples they
// name) read as the flags say: "-" reads stdin, warnings go to warn. The
// live sources are the caller's to add.
func (f Flags) Inputs(paths []string, example bool, stdin io.Reader, warn io.Writer) Inputs {
	return Inputs{Paths: paths, Example: example, Stdin: stdin, Overlay: f.Overlay, Strict: f.Strict, Warn: warn}
}
