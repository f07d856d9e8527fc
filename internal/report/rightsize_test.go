package report

import (
	"bytes"
	"testing"
)

// TestRightsizeMarkdown: the Markdown rendering escapes a "|" in a cell,
// shows "-" for what is not set, and lists the plans and the assumptions.
func TestRightsizeMarkdown(t *testing.T) {
	v := RightsizeView{
		Window: "7d", Source: "Prometheus http://prom:9090",
		Workloads: []RightsizeWorkloadView{
			{Namespace: "shop", Kind: "Deployment", Name: "web", Container: "app", Samples: 2016,
				Current: RightsizeResources{CPUMilli: 1000, MemoryBytes: 1 << 30}, Recommended: &RightsizeResources{CPUMilli: 250, MemoryBytes: 384 << 20}},
			{Namespace: "shop", Kind: "Job", Name: "once", Container: "run", Reason: "a | b"},
		},
		PlanBefore:  &RightsizePlanView{Scenario: "spot", Title: "Spot", Monthly: Number{Decimal: dec("100.5")}},
		PlanAfter:   &RightsizePlanView{Scenario: "spot", Title: "Spot", Monthly: Number{Decimal: dec("80")}},
		Assumptions: []string{"one", "two"},
	}
	var b bytes.Buffer
	if err := WriteRightsize(&b, v, Markdown); err != nil {
		t.Fatal(err)
	}
	want := "## refit rightsize\n\nUsage over 7d from Prometheus http://prom:9090.\n\n" +
		"| NAMESPACE | WORKLOAD | CONTAINER | SAMPLES | CPU NOW | CPU REC | MEMORY NOW | MEMORY REC | NOTE |\n|---|---|---|---|---|---|---|---|---|\n" +
		"| shop | Deployment/web | app | 2016 | 1 | 250m | 1Gi | 384Mi |  |\n" +
		"| shop | Job/once | run | 0 | - | - | - | - | a \\| b |\n" +
		"\n- Cheapest design with the declared requests: spot (Spot) $100.50/month\n" +
		"- Cheapest design with the recommended requests: spot (Spot) $80.00/month\n" +
		"\n**Assumptions**\n\n- one\n- two\n"
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
