package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/examples"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/source/live"
)

// estimateFlags are the pricing and input flags of the commands that price
// an estate: cost, cost diff, plan, waste and rightsize.
type estimateFlags struct {
	cost.Settings
	source.Flags
	example bool
	live    *live.Flags // nil: files only
}

// register adds the pricing and input flags, --example with its help when
// exampleHelp is given, and the live sources' flags (--aws, --kubeconfig,
// ...) when withLive.
func (f *estimateFlags) register(cmd *cobra.Command, exampleHelp string, withLive bool) {
	f.Settings.AddFlags(cmd.Flags())
	f.Flags.AddFlags(cmd.Flags())
	if exampleHelp != "" {
		cmd.Flags().BoolVar(&f.example, "example", false, exampleHelp)
	}
	if withLive {
		f.live = &live.Flags{}
		f.live.AddFlags(cmd.Flags())
	}
}

// exampleHelp is --example's help where the argument names the example.
func exampleHelp(verb string) string {
	return verb + " a bundled example instead of files: the argument names it (" + strings.Join(examples.Names(), ", ") + "; default kops-before)"
}

// inputs are the files of paths (with --example, the bundled examples they
// name) and the live sources the flags select.
func (f *estimateFlags) inputs(cmd *cobra.Command, paths []string, streams IO) source.Inputs {
	in := f.Flags.Inputs(paths, f.example, streams.In, streams.ErrOut)
	if f.live != nil {
		in.Live = f.live.Options(cmd.Flags(), kubeTimeout(cmd))
	}
	return in
}

// load reads the inputs into one estate, the live sources within
// --timeout; cluster is the live cluster's own estate, for allocation.
func load(cmd *cobra.Command, in source.Inputs) (e, cluster *estate.Estate, err error) {
	ctx, cancel := netContext(cmd)
	defer cancel()
	return in.Load(ctx)
}
