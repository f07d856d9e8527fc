package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/estate"
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
	useKube    bool
	// cluster is the live cluster's own estate, for allocation.
	cluster *estate.Estate
}

func (l *liveFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&l.aws, "aws", false, "read the AWS account (read-only calls; permissions in docs/iam-policy.json)")
	fl.StringVar(&l.profile, "profile", "", "with --aws: the AWS shared-config profile")
	fl.StringSliceVar(&l.awsRegions, "aws-regions", nil, "with --aws: regions to read (default: --region where the command has it, else the configured region; all = every enabled region)")
	fl.StringVar(&l.kubeconfig, "kubeconfig", "", "read a live cluster through this kubeconfig (default with --context: $KUBECONFIG or ~/.kube/config)")
	fl.StringVar(&l.context, "context", "", "the kubeconfig context to read")
}

func (l *liveFlags) active(cmd *cobra.Command) bool {
	l.useKube = l.kubeconfig != "" || cmd.Flags().Changed("context")
	// refit cost --aws --region eu-west-1 reads the region it prices in.
	if l.aws && len(l.awsRegions) == 0 {
		if f := cmd.Flags().Lookup("region"); f != nil && f.Changed && f.Value.String() != "" {
			l.awsRegions = []string{f.Value.String()}
		}
	}
	return l.aws || l.useKube
}

// load reads the live sources into an estate, warning on partial reads,
// within --timeout.
func (l *liveFlags) load(cmd *cobra.Command, streams IO) (*estate.Estate, error) {
	ctx, cancel := netContext(cmd)
	defer cancel()
	e, cluster, err := live.Load(ctx, l.options(cmd), streams.ErrOut)
	if err != nil {
		return nil, err
	}
	l.cluster = cluster
	return e, nil
}

// errPlanBoth refuses to plan from an account and a cluster in it together:
// plan reads today's node groups from one of them, and both list the same
// nodes.
var errPlanBoth = errors.New("refit plan takes --aws or --kubeconfig, not both (both list the same nodes): " +
	"use --kubeconfig to plan from the cluster's workloads, or --aws to plan from the account's node groups")

// exclusive reports errPlanBoth when both live sources are given.
func (l *liveFlags) exclusive(cmd *cobra.Command) error {
	if l.active(cmd) && l.aws && l.useKube {
		return errPlanBoth
	}
	return nil
}

// loadAll reads files (or an example) and the live sources into one estate.
func loadAll(cmd *cobra.Command, args []string, example bool, in inputFlags, live *liveFlags, streams IO) (*estate.Estate, error) {
	if !live.active(cmd) {
		return loadEstate(args, example, in, streams)
	}
	e, err := live.load(cmd, streams)
	if err != nil {
		return nil, err
	}
	if len(args) > 0 || example {
		files, err := loadEstate(args, example, in, streams)
		if err != nil {
			return nil, err
		}
		if err := e.Merge(files); err != nil {
			return nil, err
		}
	}
	return e, e.Validate()
}

// options are the live sources to read (after active).
func (l *liveFlags) options(cmd *cobra.Command) live.Options {
	return live.Options{AWS: l.aws, Profile: l.profile, Regions: l.awsRegions,
		Kube: l.useKube, Kubeconfig: l.kubeconfig, Context: l.context, KubeTimeout: kubeTimeout(cmd)}
}
