package plan

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/refit-dev/refit/internal/plan/eksctlcfg"
)

// EksctlConfig returns the eksctl ClusterConfig of scenario name (the
// recommended one when name is ""), headed with the scenario and its
// monthly cost, for `refit plan --write-eksctl`. A scenario that is not an
// EKS design has none: the error lists those that have.
func (r *Result) EksctlConfig(name string) (Scenario, eksctlcfg.Config, error) {
	if name == "" {
		name = r.Recommended
	}
	s, ok := r.Scenario(name)
	if !ok {
		return s, eksctlcfg.Config{}, fmt.Errorf("--scenario %q: no such scenario (have %s)", name, strings.Join(r.Names(), ", "))
	}
	if s.Eksctl == nil {
		return s, eksctlcfg.Config{}, fmt.Errorf("scenario %s is not an EKS design: no eksctl config to write (choose one with --scenario: %s)", name, strings.Join(eksNames(r), ", "))
	}
	cfg := *s.Eksctl
	cfg.Header = fmt.Sprintf("Written by refit plan: scenario %s, %s a month (%s).", s.Name, s.Monthly().StringFixed(2), s.Title)
	return s, cfg, nil
}

func eksNames(r *Result) []string {
	var out []string
	for _, s := range r.Scenarios {
		if s.Eksctl != nil {
			out = append(out, s.Name)
		}
	}
	return out
}

// AddAssumptions adds the assumptions not listed yet (the estate's).
func (r *Result) AddAssumptions(as []string) {
	for _, a := range as {
		if !slices.Contains(r.Assumptions, a) {
			r.Assumptions = append(r.Assumptions, a)
		}
	}
}

// WriteEksctl writes the eksctl ClusterConfig of scenario name (see
// EksctlConfig) to path, or to out when path is "-"; a file written is
// said on log.
func (r *Result) WriteEksctl(path, name string, out, log io.Writer) error {
	s, cfg, err := r.EksctlConfig(name)
	if err != nil {
		return err
	}
	if path == "-" {
		return eksctlcfg.Write(out, cfg)
	}
	if err := eksctlcfg.WriteFile(path, cfg); err != nil {
		return err
	}
	fmt.Fprintf(log, "wrote eksctl config for scenario %s to %s (create it with: eksctl create cluster -f %s)\n", s.Name, path, path)
	return nil
}
