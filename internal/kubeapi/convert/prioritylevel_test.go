package convert

import (
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// The flowcontrol versions form a chain (v1beta1, v1beta2 → v1beta3 → v1):
// an object moves to the newest version the target serves, and the
// concurrency shares follow the rules of that version.
func TestFlowcontrolChain(t *testing.T) {
	plc := func(version, shares string) string {
		return "apiVersion: flowcontrol.apiserver.k8s.io/" + version + "\nkind: PriorityLevelConfiguration\nmetadata:\n  name: p\nspec:\n  type: Limited\n  limited:\n    " + shares + "\n    limitResponse: {type: Reject}\n"
	}
	fs := "apiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: FlowSchema\nmetadata:\n  name: f\nspec:\n  priorityLevelConfiguration: {name: p}\n"
	for _, tc := range []struct {
		name, in    string
		to          int
		toVersion   string
		shares      string // spec.limited's shares key: value after
		unconverted string
	}{
		{"v1beta1 not yet convertible", plc("v1beta1", "assuredConcurrencyShares: 0"), 25, "v1beta1", "assuredConcurrencyShares: 0", ""},
		{"v1beta1 to v1beta3 keeps 0", plc("v1beta1", "assuredConcurrencyShares: 0"), 26, "v1beta3", "nominalConcurrencyShares: 0", ""},
		{"v1beta2 to v1beta3", plc("v1beta2", "assuredConcurrencyShares: 5"), 28, "v1beta3", "nominalConcurrencyShares: 5", ""},
		{"v1beta2 to v1 writes 30 for 0", plc("v1beta2", "assuredConcurrencyShares: 0"), 29, "v1", "nominalConcurrencyShares: 30", ""},
		{"v1beta3 stays while v1 is not served", plc("v1beta3", "nominalConcurrencyShares: 0"), 28, "v1beta3", "nominalConcurrencyShares: 0", ""},
		{"v1beta3 to v1", plc("v1beta3", "nominalConcurrencyShares: 7"), 32, "v1", "nominalConcurrencyShares: 7", ""},
		{"unset shares stay unset", plc("v1beta3", "lendablePercent: 10"), 32, "v1", "lendablePercent: 10", ""},
		{"both names", plc("v1beta2", "assuredConcurrencyShares: 5\n    nominalConcurrencyShares: 6"), 33, "v1", "assuredConcurrencyShares: 5", "both assuredConcurrencyShares and nominalConcurrencyShares"},
		{"FlowSchema", fs, 30, "v1", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := node(t, tc.in)
			r, err := Convert(n, kubeapi.Version{Major: 1, Minor: tc.to})
			if err != nil {
				t.Fatal(err)
			}
			want := "flowcontrol.apiserver.k8s.io/" + tc.toVersion
			if r.To != want || yamldoc.Scalar(n, "apiVersion") != want || r.Changed != (want != r.From) {
				t.Errorf("got %+v (apiVersion %s), want %s", r, yamldoc.Scalar(n, "apiVersion"), want)
			}
			if tc.shares != "" {
				key, val, _ := strings.Cut(tc.shares, ": ")
				if got := yamldoc.Scalar(n, "spec", "limited", key); got != val {
					t.Errorf("spec.limited.%s = %q, want %q", key, got, val)
				}
			}
			if got := strings.Join(r.Unconverted, "; "); (tc.unconverted == "") != (got == "") || !strings.Contains(got, tc.unconverted) {
				t.Errorf("unconverted = %q, want %q", got, tc.unconverted)
			}
		})
	}
}
