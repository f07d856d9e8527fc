package waste

import (
	"fmt"
	"strings"
)

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
