package report

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Version is `refit version -o json`.
type Version struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// NewVersion describes this binary: version and commit as set at build
// time (the commit, when unset, from the VCS revision Go recorded), the Go
// version and the platform.
func NewVersion(version, commit string) Version {
	v := Version{Version: version, Commit: commit, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if v.Commit == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					v.Commit = s.Value
				}
			}
		}
	}
	return v
}

// WriteVersion writes v: "refit VERSION (COMMIT) GO PLATFORM", or as JSON
// or YAML.
func WriteVersion(w io.Writer, v Version, f Format) error {
	switch f {
	case JSON:
		return WriteJSON(w, v)
	case YAML:
		return WriteYAML(w, v)
	}
	commit := ""
	if v.Commit != "" {
		commit = " (" + v.Commit + ")"
	}
	fmt.Fprintf(w, "refit %s%s %s %s\n", v.Version, commit, v.GoVersion, v.Platform)
	return nil
}
