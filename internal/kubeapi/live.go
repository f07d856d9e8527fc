package kubeapi

import (
	"fmt"
	"sort"
	"strings"
)

// Rules for what a live cluster or AWS account reports, beside Check's.
const (
	// RuleServedAPI: the live API server still serves a group/version
	// that the target release does not (information: clients and
	// controllers that still call it break after the upgrade).
	RuleServedAPI = "served-api"
	// RuleEKSInsight: an Amazon EKS upgrade insight that is not passing,
	// such as a deprecated API the cluster saw requests for.
	RuleEKSInsight = "eks-insight"
	// RuleEKSVersion: where an EKS cluster stands against the target.
	RuleEKSVersion = "eks-version"
)

// ServedFindings reports the group/versions a live API server serves
// (served maps "group/version" to its kinds, as discovery lists them) whose
// known kinds release opt.To no longer serves. origin names the cluster.
func ServedFindings(origin string, served map[string][]string, t *Table, opt CheckOptions) []Finding {
	to := opt.To
	if to.IsZero() {
		to = Newest
	}
	gvs := make([]string, 0, len(served))
	for gv := range served {
		gvs = append(gvs, gv)
	}
	sort.Strings(gvs)
	var out []Finding
	for _, gv := range gvs {
		var kinds []string
		var first API
		for _, kind := range served[gv] {
			a, ok := t.Lookup(gv, kind)
			if !ok || !a.RemovedAt(to) {
				continue
			}
			if len(kinds) == 0 || a.RemovedIn.Less(first.RemovedIn) {
				first = a
			}
			kinds = append(kinds, kind)
		}
		if len(kinds) == 0 {
			continue
		}
		sort.Strings(kinds)
		f := Finding{Rule: RuleServedAPI, Severity: Info, File: origin, FoundAPIVersion: gv,
			DeprecatedIn: first.DeprecatedIn, RemovedIn: first.RemovedIn}
		if len(kinds) == 1 {
			f.Kind, f.Replacement = kinds[0], t.ReplacementAt(first, to)
		}
		f.Message = fmt.Sprintf("the API server still serves %s (%s), which Kubernetes %s does not (removed in %s): clients, controllers and pipelines that still use it break after the upgrade",
			gv, strings.Join(kinds, ", "), to, first.RemovedIn)
		out = append(out, f)
	}
	return out
}
