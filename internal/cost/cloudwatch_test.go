package cost

import (
	"slices"
	"testing"

	"github.com/refit-dev/refit/internal/estate"
)

func TestEstimateAlarms(t *testing.T) {
	c := catalog(t)
	e := &estate.Estate{Region: "us-east-1", Alarms: []estate.Alarm{
		{Name: "cpu-high", Metrics: 1, Origin: origin(1)},
		{Name: "error-ratio", Metrics: 2, HighResolution: true, Origin: origin(2)},
	}}
	b, err := Estimate(e, c, Options{At: at})
	if err != nil {
		t.Fatal(err)
	}
	std, hi := svc(t, c, "cloudwatch", "alarm_standard_resolution"), svc(t, c, "cloudwatch", "alarm_high_resolution")
	want := []struct {
		resource string
		qty      int64
		cost     string
	}{
		{"CloudWatch high-resolution alarm error-ratio (2 metrics)", 2, hi.Mul(d(2)).String()},
		{"CloudWatch alarm cpu-high", 1, std.String()},
	}
	if len(b.Items) != len(want) {
		t.Fatalf("items = %+v", b.Items)
	}
	for i, w := range want {
		it := b.Items[i]
		if it.Resource != w.resource || it.Component != Other || it.Quantity.IntPart() != w.qty || it.MonthlyCost.String() != w.cost || it.Unit != "alarm-metric-months" {
			t.Errorf("item %d = %+v, want %+v", i, it, w)
		}
	}
	if !slices.Contains(b.Assumptions, "CloudWatch alarms: the free tier's 10 alarm metrics a month are not deducted") {
		t.Errorf("assumptions = %q", b.Assumptions)
	}

	// A region the catalog has no alarm price for estimates it from the
	// nearest region, saying so.
	e.Region = "eu-central-1"
	b, err = Estimate(e, c, Options{At: at})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Estimates) == 0 || !b.Items[0].Estimated {
		t.Errorf("eu-central-1: estimates %q, items %+v", b.Estimates, b.Items)
	}
}
