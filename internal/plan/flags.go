package plan

import (
	"errors"
	"io"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/flagvalue"
)

// Flags are refit plan's design flags as given on the command line: the
// options set directly, and those given as text (see Parse).
type Flags struct {
	Options
	Headroom, Families, Arch, DefaultRequests string
}

// AddFlags registers the design flags: --min-nodes, --headroom,
// --spot-types, --families, --arch, --no-spot, --allow-public-nodes,
// --root-volume and --default-requests. Their defaults are
// DefaultOptions.
func (f *Flags) AddFlags(fl *pflag.FlagSet) {
	fl.IntVar(&f.MinNodes, "min-nodes", 2, "at least this many EC2 nodes, for availability")
	fl.StringVar(&f.Headroom, "headroom", "20%", "share of each node's cpu and memory left free for spikes and rollouts")
	fl.IntVar(&f.SpotTypes, "spot-types", 3, "instance types a spot node group must name (diversification against interruptions)")
	fl.StringVar(&f.Families, "families", "", "only these instance families, comma-separated (t3,t3a,m7i); default: all")
	fl.StringVar(&f.Arch, "arch", "amd64", "architectures your images support: amd64, arm64 or amd64,arm64")
	fl.BoolVar(&f.NoSpot, "no-spot", false, "never recommend spot capacity")
	fl.BoolVar(&f.AllowPublicNodes, "allow-public-nodes", false, "let the design without NAT gateway (nodes in public subnets) be recommended")
	fl.IntVar(&f.RootVolumeGiB, "root-volume", 20, "root volume (GiB, gp3) of planned nodes")
	fl.StringVar(&f.DefaultRequests, "default-requests", "cpu=100m,memory=128Mi", "requests assumed for pods that set none (they are listed)")
}

// Parse returns the options the flags say; the pricing options
// (Options.Options) are the caller's to set.
func (f *Flags) Parse() (Options, error) {
	opt := f.Options
	err := opt.ParseFlags(f.Headroom, flagvalue.List(f.Families), flagvalue.List(f.Arch), f.DefaultRequests)
	return opt, err
}

// DefaultOptions are the options of refit plan's flags left at their
// defaults, pricing with copt: what refit rightsize plans before and
// after with.
func DefaultOptions(copt cost.Options) (Options, error) {
	var f Flags
	f.AddFlags(pflag.NewFlagSet("plan", pflag.ContinueOnError))
	opt, err := f.Parse()
	opt.Options = copt
	return opt, err
}

// OutputFlags are what refit plan writes besides its report:
// --write-eksctl, --scenario and --explain.
type OutputFlags struct {
	EksctlPath, Scenario string // --write-eksctl, --scenario
	Explain              bool
}

// AddFlags registers --write-eksctl, --scenario and --explain.
func (f *OutputFlags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.EksctlPath, "write-eksctl", "", "write the recommended (or --scenario) design as an eksctl ClusterConfig to FILE (- for stdout)")
	fl.StringVar(&f.Scenario, "scenario", "", "the scenario --write-eksctl writes (default: the recommended one)")
	fl.BoolVar(&f.Explain, "explain", false, "say why each choice won, for every scenario")
}

// WriteEksctl writes r's eksctl ClusterConfig as --write-eksctl and
// --scenario say (see Result.WriteEksctl; nothing without --write-eksctl).
// done is true when the config went to out (--write-eksctl -), in place
// of the report.
func (f *OutputFlags) WriteEksctl(r *Result, out, log io.Writer) (done bool, err error) {
	if f.EksctlPath == "" {
		return false, nil
	}
	err = r.WriteEksctl(f.EksctlPath, f.Scenario, out, log)
	return err != nil || f.EksctlPath == "-", err
}

// ErrBothSources refuses to plan from an account and a cluster in it
// together: plan reads today's node groups from one of them, and both list
// the same nodes.
var ErrBothSources = errors.New("refit plan takes --aws or --kubeconfig, not both (both list the same nodes): " +
	"use --kubeconfig to plan from the cluster's workloads, or --aws to plan from the account's node groups")
