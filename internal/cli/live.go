package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/source/live"
)

// liveFlags read a real AWS account and a real cluster, beside or instead of
// files.
type liveFlags struct{ live.Flags }

func (l *liveFlags) register(cmd *cobra.Command) { l.AddFlags(cmd.Flags()) }

// options are the live sources the flags select (none Active when none is
// given).
func (l *liveFlags) options(cmd *cobra.Command) live.Options {
	return l.Options(cmd.Flags(), kubeTimeout(cmd))
}

// load reads the inputs into one estate, the live sources within
// --timeout; cluster is the live cluster's own estate, for allocation.
func load(cmd *cobra.Command, in source.Inputs) (e, cluster *estate.Estate, err error) {
	ctx, cancel := netContext(cmd)
	defer cancel()
	return in.Load(ctx)
}
