package plan

import (
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/cost"
)

func TestEksctlConfig(t *testing.T) {
	r, err := Make(load(t, "kops-before"), catalog(t), Options{Options: cost.Options{At: at}})
	if err != nil {
		t.Fatal(err)
	}
	notEKS := ""
	for _, s := range r.Scenarios {
		if s.Eksctl == nil {
			notEKS = s.Name
		}
	}
	tests := []struct {
		name     string
		scenario string
		want     string // scenario written
		wantErr  string
	}{
		{"the recommended one", "", r.Recommended, ""},
		{"no such scenario", "nosuch", "", `--scenario "nosuch": no such scenario (have ` + strings.Join(r.Names(), ", ") + ")"},
		{"not an EKS design", notEKS, "", "scenario " + notEKS + " is not an EKS design"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.scenario == "" && tt.name != "the recommended one" {
				t.Skip("every scenario is an EKS design")
			}
			s, cfg, err := r.EksctlConfig(tt.scenario)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != tt.want {
				t.Errorf("scenario %s, want %s", s.Name, tt.want)
			}
			if want := "Written by refit plan: scenario " + s.Name + ", " + s.Monthly().StringFixed(2) + " a month"; !strings.HasPrefix(cfg.Header, want) {
				t.Errorf("header %q, want %q...", cfg.Header, want)
			}
			if s.Eksctl.Header == cfg.Header {
				t.Errorf("the scenario's own config was changed")
			}
		})
	}
}
