package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/source/live"
)

// liveFlags read a real AWS account and a real cluster, beside or instead of
// files.
type liveFlags struct {
	aws        bool
	profile    string
	awsRegions []string
	kubeconfig string
	context    string
}

func (l *liveFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&l.aws, "aws", false, "read the AWS account (read-only calls; permissions in docs/iam-policy.json)")
	fl.StringVar(&l.profile, "profile", "", "with --aws: the AWS shared-config profile")
	fl.StringSliceVar(&l.awsRegions, "aws-regions", nil, "with --aws: regions to read (default: --region where the command has it, else the configured region; all = every enabled region)")
	fl.StringVar(&l.kubeconfig, "kubeconfig", "", "read a live cluster through this kubeconfig (default with --context: $KUBECONFIG or ~/.kube/config)")
	fl.StringVar(&l.context, "context", "", "the kubeconfig context to read")
}

// options are the live sources the flags select (none Active when none is
// given).
func (l *liveFlags) options(cmd *cobra.Command) live.Options {
	regions := l.awsRegions
	// refit cost --aws --region eu-west-1 reads the region it prices in.
	if l.aws && len(regions) == 0 {
		if f := cmd.Flags().Lookup("region"); f != nil && f.Changed && f.Value.String() != "" {
			regions = []string{f.Value.String()}
		}
	}
	return live.Options{AWS: l.aws, Profile: l.profile, Regions: regions,
		Kube: l.kubeconfig != "" || cmd.Flags().Changed("context"), Kubeconfig: l.kubeconfig, Context: l.context, KubeTimeout: kubeTimeout(cmd)}
}

// load reads the inputs into one estate, the live sources within
// --timeout; cluster is the live cluster's own estate, for allocation.
func load(cmd *cobra.Command, in source.Inputs) (e, cluster *estate.Estate, err error) {
	ctx, cancel := netContext(cmd)
	defer cancel()
	return in.Load(ctx)
}
