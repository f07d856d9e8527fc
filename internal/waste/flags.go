package waste

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/cost"
)

// Flags are refit waste's thresholds as the command line gives them.
type Flags struct {
	// Options' MinRootVolumeGiB and IdleThresholdPercent are
	// --min-root-volume and --idle-threshold; Cost is the caller's.
	Options
	FailOver string // --fail-over
}

// AddFlags registers --min-root-volume, --idle-threshold and --fail-over.
func (f *Flags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.FailOver, "fail-over", "", "exit with code 1 when the total monthly saving found is over this many dollars")
	fl.Float64Var(&f.MinRootVolumeGiB, "min-root-volume", DefaultMinRootVolumeGiB, "root volumes larger than this many GiB are reported as oversized")
	fl.IntVar(&f.IdleThresholdPercent, "idle-threshold", DefaultIdleThresholdPercent, "with --kubeconfig: nodes whose pods request less than this percent of both cpu and memory are idle")
}

// Parse checks the flags: --fail-over first, then the thresholds. It
// returns the options (their Cost is the caller's to set) and the
// --fail-over limit.
func (f *Flags) Parse() (Options, cost.Limit, error) {
	limit, err := cost.ParseLimit(f.FailOver, "100")
	if err != nil {
		return f.Options, limit, err
	}
	return f.Options, limit, f.CheckThresholds()
}

// Over says when the findings' total monthly saving is over limit (see
// cost.Limit.Over); "" when it is not.
func (r Result) Over(limit cost.Limit) string {
	return limit.Over("monthly saving", Total(r.Findings))
}

// RuleList lists the rules, one a line with its id and title, for help.
func RuleList() string {
	var b strings.Builder
	width := 0
	for _, r := range Rules {
		width = max(width, len(r.ID))
	}
	for _, r := range Rules {
		note := ""
		if r.Requires != "" {
			note = " (not checked yet: needs " + r.Requires + ")"
		}
		fmt.Fprintf(&b, "  %-*s  %s%s\n", width, r.ID, r.Title, note)
	}
	return b.String()
}

// CheckThresholds checks --min-root-volume and --idle-threshold.
func (o Options) CheckThresholds() error {
	if o.MinRootVolumeGiB <= 0 {
		return fmt.Errorf("--min-root-volume %g: want a size in GiB above 0", o.MinRootVolumeGiB)
	}
	if o.IdleThresholdPercent <= 0 || o.IdleThresholdPercent > 100 {
		return fmt.Errorf("--idle-threshold %d: want a percentage from 1 to 100", o.IdleThresholdPercent)
	}
	return nil
}
