package awslive

import (
	"slices"
	"testing"

	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/waste"
)

// TestWasteRules runs the waste rules over the live estates: the planted
// waste is found, the clean account has none of it.
func TestWasteRules(t *testing.T) {
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		account, region string
		want            []string
	}{
		{"waste", "us-east-1", []string{waste.RuleUnattachedVolume, waste.RuleIdleElasticIP, waste.RuleGP2Volume, waste.RuleClassicELB, waste.RuleIdleLoadBalancer, waste.RuleOldSnapshot, waste.RuleIdleBeanstalk, waste.RuleStoppedInstance}},
		{"clean", "us-west-2", nil},
	} {
		t.Run(tc.account, func(t *testing.T) {
			testEnv(t, tc.region)
			_, srv := newFakeAWS(t, tc.account)
			inv, err := load(t, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			findings, err := waste.Find(inv.Estate(), cat, waste.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range findings {
				t.Logf("%s %s %s %s: %s | %s", f.Rule, f.MonthlySaving.StringFixed(2), f.Confidence, f.Resource, f.Why, f.Fix)
				if f.Rule == waste.RuleEKSExtended {
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

// The estate carries what lets a cluster's view merge with the account's:
// each group's instance ids and each load balancer's DNS name.
func TestEstateReconcileKeys(t *testing.T) {
	testEnv(t, "us-east-1")
	_, srv := newFakeAWS(t, "waste")
	inv, err := load(t, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	e := inv.Estate()
	ids := 0
	for _, g := range e.NodeGroups {
		if len(g.InstanceIDs) != g.Count {
			t.Errorf("group %s: %d instance ids for %d instances", g.Name, len(g.InstanceIDs), g.Count)
		}
		ids += len(g.InstanceIDs)
	}
	if ids == 0 {
		t.Error("no instance ids")
	}
	dns := map[string]string{}
	for _, lb := range e.LoadBalancers {
		dns[lb.Name] = lb.DNSName
	}
	if dns["legacy-clb"] != "legacy-clb-1234567890.us-east-1.elb.amazonaws.com" || dns["idle-alb"] != "idle-alb-1234567890.us-east-1.elb.amazonaws.com" {
		t.Errorf("dns names %v", dns)
	}
}
