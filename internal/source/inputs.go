package source

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/live"
)

// Inputs say what a command reads: files (or a bundled example) and the
// live sources, as refit cost, plan and waste take them.
type Inputs struct {
	Paths   []string
	Example bool
	Stdin   io.Reader
	// Overlay keeps only the Kustomize overlays of that name (--overlay).
	Overlay string
	// Strict makes an input that cannot be read an error (--strict); else
	// it is a warning and the result is partial.
	Strict bool
	// Live, when active, is read too (within the context given to Load).
	Live live.Options
	// Warn gets the warnings: partial reads.
	Warn io.Writer
}

// LoadFiles reads the paths, or with Example the bundled examples they
// name (kops-before when none is named).
func (in Inputs) LoadFiles() (*estate.Estate, error) {
	e, err := LoadPaths(in.Paths, in.Example, in.Stdin, in.Overlay)
	if in.Example {
		return e, err
	}
	if err != nil {
		return nil, err
	}
	return e, in.checkUnread(e)
}

// checkUnread reports what could not be read: an error with Strict, else a
// warning (the result says it is partial).
func (in Inputs) checkUnread(e *estate.Estate) error {
	if !e.Partial() {
		return nil
	}
	if in.Strict {
		return fmt.Errorf("--strict: %d input(s) could not be read:\n  %s", len(e.Unread), strings.Join(e.Unread, "\n  "))
	}
	for _, u := range e.Unread {
		fmt.Fprintf(in.Warn, "warning: partial result: not read: %s\n", u)
	}
	return nil
}

// Load reads the files and the live sources into one estate. With live
// sources it returns the cluster's own estate too (nil without a cluster),
// for allocation.
func (in Inputs) Load(ctx context.Context) (e, cluster *estate.Estate, err error) {
	if !in.Live.Active() {
		e, err = in.LoadFiles()
		return e, nil, err
	}
	if e, cluster, err = live.Load(ctx, in.Live, in.Warn); err != nil {
		return nil, nil, err
	}
	if len(in.Paths) > 0 || in.Example {
		files, err := in.LoadFiles()
		if err != nil {
			return nil, nil, err
		}
		if err := e.Merge(files); err != nil {
			return nil, nil, err
		}
	}
	return e, cluster, e.Validate()
}
