package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/report"
)

// Set at build time with -ldflags "-X github.com/refit-dev/refit/internal/cli.version=v0.1.0".
var (
	version = "dev"
	commit  = ""
)

type versionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

func newVersionCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print refit's version",
		Args:  cobra.NoArgs,
	}
	format := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		v := versionInfo{Version: version, Commit: commit, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
		if v.Commit == "" {
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" {
						v.Commit = s.Value
					}
				}
			}
		}
		switch f {
		case report.JSON:
			return report.WriteJSON(streams.Out, v)
		case report.YAML:
			return report.WriteYAML(streams.Out, v)
		}
		fmt.Fprintf(streams.Out, "refit %s", v.Version)
		if v.Commit != "" {
			fmt.Fprintf(streams.Out, " (%s)", v.Commit)
		}
		fmt.Fprintf(streams.Out, " %s %s\n", v.GoVersion, v.Platform)
		return nil
	}
	return cmd
}
