package kubeapi

import (
	"slices"
	"strings"
	"testing"
)

func TestServedFindings(t *testing.T) {
	table, err := LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		served map[string][]string
		to     Version
		want   []string // apiVersion kind replacement removedIn
	}{
		{"current only", map[string][]string{"apps/v1": {"Deployment"}, "v1": {"Endpoints", "Pod"}}, Version{1, 33}, nil},
		{"not yet removed", map[string][]string{"policy/v1beta1": {"PodDisruptionBudget", "PodSecurityPolicy"}}, Version{1, 24},
			nil},
		{"both removed", map[string][]string{"policy/v1beta1": {"PodSecurityPolicy", "PodDisruptionBudget"}}, Version{1, 25},
			[]string{"policy/v1beta1 (PodDisruptionBudget, PodSecurityPolicy) 1.25"}},
		{"single kind gets replacement", map[string][]string{"batch/v1beta1": {"CronJob"}}, Version{1, 33},
			[]string{"batch/v1beta1 CronJob batch/v1 1.25"}},
		{"unknown group", map[string][]string{"example.com/v1alpha1": {"Widget"}}, Version{1, 33}, nil},
		{"zero target is Newest", map[string][]string{"extensions/v1beta1": {"Ingress"}}, Version{},
			[]string{"extensions/v1beta1 Ingress networking.k8s.io/v1 1.22"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range ServedFindings("kube:c", tt.served, table, CheckOptions{To: tt.to}) {
				if f.Rule != RuleServedAPI || f.Severity != Info || f.File != "kube:c" || f.Message == "" {
					t.Errorf("finding %+v", f)
				}
				s := f.FoundAPIVersion + " " + f.Kind
				if f.Kind == "" { // several kinds: named in the message
					_, kinds, _ := strings.Cut(f.Message, "(")
					kinds, _, _ = strings.Cut(kinds, ")")
					s = f.FoundAPIVersion + " (" + kinds + ")"
				}
				if f.Replacement != "" {
					s += " " + f.Replacement
				}
				got = append(got, s+" "+f.RemovedIn.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
