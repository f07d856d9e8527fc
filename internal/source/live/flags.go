package live

import (
	"time"

	"github.com/spf13/pflag"
)

// Flags are the live sources as the flags give them: --aws, --profile,
// --aws-regions, --kubeconfig and --context.
type Flags struct {
	AWS                 bool
	Profile             string
	AWSRegions          []string
	Kubeconfig, Context string
}

// AddFlags registers the live sources' flags.
func (f *Flags) AddFlags(fl *pflag.FlagSet) {
	fl.BoolVar(&f.AWS, "aws", false, "read the AWS account (read-only calls; permissions in docs/iam-policy.json)")
	fl.StringVar(&f.Profile, "profile", "", "with --aws: the AWS shared-config profile")
	fl.StringSliceVar(&f.AWSRegions, "aws-regions", nil, "with --aws: regions to read (default: --region where the command has it, else the configured region; all = every enabled region)")
	fl.StringVar(&f.Kubeconfig, "kubeconfig", "", "read a live cluster through this kubeconfig (default with --context: $KUBECONFIG or ~/.kube/config)")
	fl.StringVar(&f.Context, "context", "", "the kubeconfig context to read")
}

// Options are the live sources the flags of fl select (none Active when
// none is given): without --aws-regions, --aws reads the --region the
// command prices in, when fl has it. kubeTimeout bounds the cluster read.
func (f *Flags) Options(fl *pflag.FlagSet, kubeTimeout time.Duration) Options {
	regions := f.AWSRegions
	if f.AWS && len(regions) == 0 {
		if r := fl.Lookup("region"); r != nil && r.Changed && r.Value.String() != "" {
			regions = []string{r.Value.String()}
		}
	}
	return Options{AWS: f.AWS, Profile: f.Profile, Regions: regions,
		Kube: f.Kubeconfig != "" || fl.Changed("context"), Kubeconfig: f.Kubeconfig, Context: f.Context, KubeTimeout: kubeTimeout}
}
