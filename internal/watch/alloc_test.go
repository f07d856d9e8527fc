package watch

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/allocation"
	"github.com/refit-dev/refit/internal/billing"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/source/kubelive/kubetest"
)

// TestClusterCostKube: with a kubeconfig, the cluster check splits the
// nodes' prices among the namespaces by their pods' requests, as
// refit cost --by namespace does, and /metrics has each namespace's share
// an hour.
func TestClusterCostKube(t *testing.T) {
	cs, kubeconfig := kubetest.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run := fmt.Sprintf("w%d", time.Now().UnixNano()%1e9)
	nsA, nsB, node := run+"-a", run+"-b", run+"-n1"
	for _, ns := range []string{nsA, nsB} {
		if err := kubetest.CreateNamespace(ctx, cs, ns); err != nil {
			t.Fatal(err)
		}
	}
	kubetest.Cleanup(t, cs, []string{nsA, nsB}, []string{node}, nil)
	labels := map[string]string{"node.kubernetes.io/instance-type": "m5.large", "topology.kubernetes.io/region": "us-east-1",
		"topology.kubernetes.io/zone": "us-east-1a", "eks.amazonaws.com/capacityType": "ON_DEMAND"}
	if err := kubetest.CreateNode(ctx, cs, kubetest.NodeSpec{Name: node, Labels: labels, CPU: "2", Memory: "8Gi"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []kubetest.PodSpec{
		{Namespace: nsA, Name: "web", Node: node, CPU: "1", Memory: "4Gi"},      // ½·½ + ½·½ = 0.5 of the node
		{Namespace: nsB, Name: "batch", Node: node, CPU: "500m", Memory: "1Gi"}, // ½·¼ + ½·⅛ = 0.1875
	} {
		if err := kubetest.CreatePod(ctx, cs, p); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	price, err := cat.OnDemand("us-east-1", "m5.large")
	if err != nil {
		t.Fatal(err)
	}
	hourly, _ := price.USD.Float64()

	dir := t.TempDir()
	slack := newFakeSlack(t)
	cfg := loadConfig(t, writeConfig(t, dir, `state: watch.db
listen: off
slack: {webhookURL: "${SLACK_WEBHOOK_URL}"}
cluster: {kubeconfig: "`+kubeconfig+`", region: us-east-1}
`), slack.webhook())
	// refit watch --dashboard: the read and its estimate are handed over,
	// so the Cluster page shows what /metrics does without a second read.
	var pages handedPages
	d := newTestDaemon(t, cfg, Options{Pages: &pages})
	if err := d.Once(ctx); err != nil {
		t.Fatal(err)
	}
	handed := pages.handed
	if len(handed) != 1 || handed[0].Cluster == nil || handed[0].Breakdown == nil || handed[0].Bill != nil {
		t.Fatalf("handed to the dashboard: %+v, want one cluster read with its estimate", handed)
	}
	res, err := allocation.AllocateBreakdown(handed[0].Cluster, handed[0].Breakdown, allocation.ByNamespace)
	if err != nil {
		t.Fatal(err)
	}
	for ns, v := range hourlyByName(res) {
		if ns == nsA || ns == nsB {
			if got, _ := v.Float64(); math.Abs(got-hourly*map[string]float64{nsA: 0.5, nsB: 0.1875}[ns]) > 1e-6 {
				t.Errorf("handed cluster: %s = %g an hour", ns, got)
			}
		}
	}
	code, body := scrape(t, d.Handler(), "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for ns, share := range map[string]float64{nsA: 0.5, nsB: 0.1875} {
		series := `refit_cluster_cost_hourly_usd{namespace="` + ns + `"}`
		got, ok := metricValue(body, series)
		if !ok {
			t.Fatalf("no %s in /metrics:\n%s", series, grepLines(body, "refit_cluster_cost"))
		}
		if want := hourly * share; math.Abs(got-want) > 1e-6 {
			t.Errorf("%s = %g, want %g (%g of $%g/h)", series, got, want, share, hourly)
		}
	}
	if _, ok := metricValue(body, `refit_cluster_cost_hourly_usd{namespace="__idle__"}`); !ok {
		t.Errorf("no __idle__ line:\n%s", grepLines(body, "refit_cluster_cost"))
	}
	if n := len(slack.messages()); n != 0 {
		t.Errorf("%d message(s) sent, want none: %q", n, slack.texts())
	}
}

func grepLines(body, prefix string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// handedPages are Pages that keep what they are handed.
type handedPages struct{ handed []DashboardInputs }

func (*handedPages) ServeHTTP(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }

func (h *handedPages) Refresh(_ context.Context, bill *billing.Bill, p billing.Period, cluster *estate.Estate, b *cost.Breakdown) error {
	h.handed = append(h.handed, DashboardInputs{Bill: bill, Period: p, Cluster: cluster, Breakdown: b})
	return nil
}
