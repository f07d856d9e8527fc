package plan

import (
	"fmt"
	"strings"

	"github.com/refit-dev/refit/internal/plan/eksctlcfg"
)

// EksctlConfig returns the eksctl ClusterConfig of scenario name (the
// recommended one when name is ""), headed with the scenario and its
// monthly cost, for `refit plan --write-eksctl`. A scenario that is not an
// EKS design has none: the error lists those that have.
func (r *Result) EksctlConfig(name string) (Scenario, eksctlcfg.Config, error) {
	res := r
	if name == "" {
		name = res.Recommended
	}
	s, ok := res.Scenario(name)
	if !ok {
		return s, eksctlcfg.Config{}, fmt.Errorf("--scenario %q: no such scenario (have %s)", name, strings.Join(res.Names(), ", "))
	}
	if s.Eksctl == nil {
		return s, eksctlcfg.Config{}, fmt.Errorf("scenario %s is not an EKS design: no eksctl config to write (choose one with --scenario: %s)", name, strings.Join(eksNames(res), ", "))
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
