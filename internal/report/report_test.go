package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"

	"github.com/refit-dev/refit/internal/golden"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func sample() *cost.Breakdown {
	item := func(res string, c cost.Component, q, unit, p, origin string) cost.Item {
		return cost.Item{Resource: res, Component: c, Quantity: dec(q), Unit: unit, UnitPrice: dec(p), MonthlyCost: dec(q).Mul(dec(p)), Origin: origin}
	}
	b := &cost.Breakdown{
		Currency: "USD", Region: "us-east-1",
		Items: []cost.Item{
			item("EKS cluster demo (Kubernetes 1.34)", cost.ControlPlane, "730", "cluster-hours", "0.10", "cluster.yaml:5"),
			item("node group spot: 3 × t3.small spot", cost.ComputeSpot, "2190", "instance-hours", "0.00624", "cluster.yaml:20"),
			item("node group spot: 3 × 20 GiB gp3 root volume", cost.StorageEBS, "60", "GB-months", "0.08", "cluster.yaml:20"),
			item("NAT gateway single | a", cost.NATHours, "730", "gateway-hours", "0.045", "cluster.yaml:9"),
			item("ALB public", cost.LoadBalancer, "730", "LB-hours", "0.0225", "app.yaml:40"),
			item("Route 53 hosted zone example.org", cost.DNS, "1", "zone-months", "0.50", "tf.json:12 (aws_route53_zone.main)"),
		},
		Assumptions: []string{"NAT gateway data processed: 0 GB a month per gateway (natGateway.dataProcessedGB)"},
		Notes:       []string{"9 pods request 0.75 vCPU and 1.25 GiB on 3 EC2 nodes, priced above as nodes"},
	}
	b.Items[1].Note = "spot estimate (t3.small −70%, interruptions <5%)"
	b.SortItems()
	return b
}

func goldenFile(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Assert(t, filepath.Join("testdata", name), got)
}

func TestWriteCostGolden(t *testing.T) {
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCost(&buf, sample(), f); err != nil {
				t.Fatal(err)
			}
			goldenFile(t, "cost."+string(f)+".golden", buf.Bytes())
		})
	}
}

func TestCostJSONContract(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCost(&buf, sample(), JSON); err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"currency", "region", "totalMonthlyCost", "totalDailyCost", "components", "items", "assumptions"} {
		if _, ok := v[k]; !ok {
			t.Errorf("missing %q", k)
		}
	}
	if _, ok := v["totalMonthlyCost"].(float64); !ok {
		t.Errorf("totalMonthlyCost is %T, want a JSON number", v["totalMonthlyCost"])
	}
	item := v["items"].([]any)[0].(map[string]any)
	for _, k := range []string{"resource", "component", "quantity", "unit", "unitPrice", "monthlyCost", "origin"} {
		if _, ok := item[k]; !ok {
			t.Errorf("item missing %q", k)
		}
	}
	// The JSON round-trips into the same totals (cost diff reads saved reports).
	var cv CostView
	if err := json.Unmarshal(buf.Bytes(), &cv); err != nil {
		t.Fatal(err)
	}
	if !cv.Breakdown().Total().Equal(sample().Total()) {
		t.Errorf("round trip total %s, want %s", cv.Breakdown().Total(), sample().Total())
	}
}

func TestWriteDiffGolden(t *testing.T) {
	before := sample()
	after := sample()
	after.Items = append(after.Items[:3:3], cost.Item{Resource: "ALB public", Component: cost.LoadBalancer, Quantity: dec("730"), Unit: "LB-hours", UnitPrice: dec("0.0225"), MonthlyCost: dec("16.425")})
	after.Items[0].MonthlyCost = dec("10")
	d := cost.Compare(before, after)
	for _, f := range []Format{Table, JSON, YAML, Markdown} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDiff(&buf, d, before, after, f); err != nil {
				t.Fatal(err)
			}
			goldenFile(t, "diff."+string(f)+".golden", buf.Bytes())
		})
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct{ got, want string }{
		{usd(dec("1234567.891")), "$1,234,567.89"},
		{usd(dec("-3.5")), "-$3.50"},
		{signedUSD(dec("2")), "+$2.00"},
		{signedUSD(dec("-2")), "-$2.00"},
		{qty(dec("2190")), "2,190"},
		{qty(dec("0.25")), "0.25"},
		{unitPrice(dec("0.1")), "$0.10"},
		{unitPrice(dec("0.0416")), "$0.0416"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat(xml) should fail")
	}
}
