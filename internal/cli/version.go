package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/report"
)

// Set at build time with -ldflags "-X github.com/refit-dev/refit/internal/cli.version=v0.1.0".
var (
	version = "dev"
	commit  = ""
)

func newVersionCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print refit's version",
		Args:  cobra.NoArgs,
	}
	cmd.RunE = outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML).run(func(_ *cobra.Command, _ []string, f report.Format) error {
		return report.WriteVersion(streams.Out, report.NewVersion(version, commit), f)
	})
	return cmd
}
