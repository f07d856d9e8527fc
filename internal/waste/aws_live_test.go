package waste

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/source/awslive"
	"github.com/refit-dev/refit/internal/source/awslive/awstest"
)

// TestAWSAccountWaste runs the waste rules over estates that awslive reads,
// through the real SDK, from the fake AWS's accounts
// (internal/source/awslive/testdata): the planted waste is found, the clean
// account has none of it.
func TestAWSAccountWaste(t *testing.T) {
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		account, region string
		want            []string
	}{
		{"waste", "us-east-1", []string{RuleUnattachedVolume, RuleIdleElasticIP, RuleGP2Volume, RuleClassicELB, RuleIdleLoadBalancer, RuleOldSnapshot, RuleIdleBeanstalk, RuleStoppedInstance}},
		{"clean", "us-west-2", nil},
	} {
		t.Run(tc.account, func(t *testing.T) {
			awstest.Env(t, tc.region)
			_, srv := awstest.New(t, filepath.Join("..", "source", "awslive", "testdata", tc.account))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			inv, err := awslive.Load(ctx, awslive.Options{EndpointURL: srv.URL, Concurrency: 3})
			if err != nil {
				t.Fatal(err)
			}
			findings, err := Find(inv.Estate(), cat, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range findings {
				t.Logf("%s %s %s %s: %s | %s", f.Rule, f.MonthlySaving.StringFixed(2), f.Confidence, f.Resource, f.Why, f.Fix)
				if f.Rule == RuleEKSExtended {
					continue // depends on today's date against the EKS calendar
				}
				if !slices.Contains(got, f.Rule) {
					got = append(got, f.Rule)
				}
			}
			for _, r := range tc.want {
				if !slices.Contains(got, r) {
					t.Errorf("rule %s did not fire; fired: %q", r, got)
				}
			}
			if tc.want == nil && len(got) > 0 {
				t.Errorf("clean account: %+v", findings)
			}
		})
	}
}
