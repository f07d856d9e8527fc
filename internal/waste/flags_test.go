package waste

import (
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
)

// TestFlagsParse: the defaults are the rules' defaults; --fail-over is
// checked before the thresholds, and each error names its flag.
func TestFlagsParse(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    Options
		over    string // the limit's verdict on $150 of savings
		wantErr string
	}{
		{nil, Options{MinRootVolumeGiB: DefaultMinRootVolumeGiB, IdleThresholdPercent: DefaultIdleThresholdPercent}, "", ""},
		{[]string{"--min-root-volume", "50", "--idle-threshold", "10", "--fail-over", "$100"}, Options{MinRootVolumeGiB: 50, IdleThresholdPercent: 10},
			"monthly saving 150.00 is over --fail-over 100.00", ""},
		{[]string{"--fail-over", "200"}, Options{MinRootVolumeGiB: DefaultMinRootVolumeGiB, IdleThresholdPercent: DefaultIdleThresholdPercent}, "", ""},
		{[]string{"--fail-over", "lots", "--idle-threshold", "0"}, Options{}, "", `--fail-over "lots": want an amount in dollars, for example 100`},
		{[]string{"--idle-threshold", "101"}, Options{}, "", "--idle-threshold 101: want a percentage from 1 to 100"},
		{[]string{"--min-root-volume", "0"}, Options{}, "", "--min-root-volume 0: want a size in GiB above 0"},
	} {
		var f Flags
		fl := pflag.NewFlagSet("waste", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		opt, limit, err := f.Parse()
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("%q: error %v, want %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || opt != tc.want {
			t.Errorf("%q: options %+v, error %v; want %+v", tc.args, opt, err, tc.want)
		}
		r := Result{Findings: []Finding{{MonthlySaving: decimal.NewFromInt(100)}, {MonthlySaving: decimal.NewFromInt(50)}}}
		if got := r.Over(limit); got != tc.over {
			t.Errorf("%q: over %q, want %q", tc.args, got, tc.over)
		}
	}
}

// Check carries the estate's assumptions and unread inputs into its
// result (the report says it is partial).
func TestCheckCarriesAssumptionsAndUnread(t *testing.T) {
	e := &estate.Estate{
		Region:      region,
		Clusters:    []estate.Cluster{{Name: "c", ControlPlane: estate.ControlPlaneEKS, KubernetesVersion: "1.33", Source: "eksctl"}},
		NodeGroups:  []estate.NodeGroup{{Name: "ng", Role: estate.RoleNode, InstanceTypes: []string{"t3.medium"}, Count: 2, Purchase: estate.OnDemand, RootVolume: estate.Volume{Type: "gp3", SizeGiB: 20}}},
		Assumptions: []string{"supposed"},
		Unread:      []string{"broken/kustomization.yaml: empty"},
	}
	r, err := Check(e, catalog(t), Options{Cost: cost.Options{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Assumptions, e.Assumptions) || !slices.Equal(r.Unread, e.Unread) {
		t.Errorf("assumptions %q, unread %q", r.Assumptions, r.Unread)
	}
}
