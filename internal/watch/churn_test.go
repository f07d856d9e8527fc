package watch

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/source/kubelive/kubetest"
)

// fakeNodes replays events: the initial nodes, then the changes.
type fakeNodes struct {
	initial []NodeEvent
	changes chan NodeEvent
}

func (f *fakeNodes) Run(ctx context.Context, handle func(NodeEvent, bool)) error {
	for _, e := range f.initial {
		handle(e, true)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-f.changes:
			handle(e, false)
		}
	}
}

func spotPrice(t *testing.T, region, typ string) string {
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := cat.Spot(region, typ)
	if err != nil {
		t.Fatal(err)
	}
	return "$" + p.USD.StringFixed(4) + "/h"
}

const churnConfig = `state: watch.db
listen: off
slack: {webhookURL: "${SLACK_WEBHOOK_URL}"}
cluster: {window: 5m}
`

// TestChurnBurst: changes within the window are one alert naming every
// node with its hourly price; the burst survives a restart.
func TestChurnBurst(t *testing.T) {
	dir := t.TempDir()
	slack := newFakeSlack(t)
	path := writeConfig(t, dir, churnConfig)
	spot := func(name, change string) NodeEvent {
		return NodeEvent{Change: change, Name: name, InstanceType: "t3.small", CapacityType: "spot", Region: "us-east-1"}
	}
	src := &fakeNodes{initial: []NodeEvent{spot("n1", "joined"), spot("n2", "joined"), spot("n3", "joined")}, changes: make(chan NodeEvent)}
	var clock atomic.Int64 // the goroutine of the source reads it
	clock.Store(testNow.UnixNano())
	nowFn := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	d := newTestDaemon(t, loadConfig(t, path, slack.webhook()), Options{Nodes: src, Now: nowFn})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = d.churn.run(ctx) }()
	src.changes <- NodeEvent{Change: "left", Name: "n1"} // labels come from the node known
	clock.Add(int64(time.Minute))
	src.changes <- spot("n2", "left")
	cancel()
	<-done
	now := nowFn()
	if err := d.churn.flushBursts(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	if n, _ := d.Flush(context.Background()); n != 0 {
		t.Fatalf("sent %d alert(s) inside the window", n)
	}
	d.Close()

	// Restart: the burst is still there, and goes out once the window ends.
	d = newTestDaemon(t, loadConfig(t, path, slack.webhook()), Options{Nodes: src, Now: func() time.Time { return now }})
	now = now.Add(5 * time.Minute)
	d.Tick(context.Background(), now)
	d.Tick(context.Background(), now.Add(time.Minute))
	if _, err := d.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := slack.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want one churn alert: %q", len(msgs), slack.texts())
	}
	body := string(mustJSON(t, msgs[0]))
	price := spotPrice(t, "us-east-1", "t3.small")
	for _, want := range []string{"Node churn: 2 left: n1, n2", "left *n1* (spot t3.small, " + price, "left *n2* (spot t3.small, " + price} {
		if !strings.Contains(body, want) {
			t.Errorf("alert lacks %q:\n%s", want, body)
		}
	}
}

// TestChurnKube: deleting two spot Nodes in the test API server gives one
// alert naming both with their hourly price.
func TestChurnKube(t *testing.T) {
	cs, kubeconfig := kubetest.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	suffix := fmt.Sprint(time.Now().UnixNano())
	names := []string{"watch-spot-a-" + suffix, "watch-spot-b-" + suffix}
	labels := map[string]string{"node.kubernetes.io/instance-type": "m5.large", "topology.kubernetes.io/region": "us-east-1",
		"eks.amazonaws.com/capacityType": "SPOT"}
	for _, n := range names {
		if err := kubetest.CreateNode(ctx, cs, kubetest.NodeSpec{Name: n, Labels: labels, CPU: "2", Memory: "8Gi"}); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, n := range names {
			_ = cs.CoreV1().Nodes().Delete(context.Background(), n, metav1.DeleteOptions{})
		}
	})
	dir := t.TempDir()
	slack := newFakeSlack(t)
	d := newTestDaemon(t, loadConfig(t, writeConfig(t, dir, churnConfig), slack.webhook()), Options{Nodes: &kubeNodes{kubeconfig: kubeconfig}})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.churn.run(rctx) }()
	// Wait until the informer knows our nodes.
	for !d.churn.knows(names...) {
		if ctx.Err() != nil {
			t.Fatal("the informer never listed the nodes")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, n := range names {
		if err := cs.CoreV1().Nodes().Delete(ctx, n, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for d.churn.knows(names[0]) || d.churn.knows(names[1]) {
		if ctx.Err() != nil {
			t.Fatal("the informer never saw the deletions")
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := d.churn.flushBursts(context.Background(), testNow.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := slack.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want one churn alert: %q", len(msgs), slack.texts())
	}
	body := string(mustJSON(t, msgs[0]))
	price := spotPrice(t, "us-east-1", "m5.large")
	for _, n := range names {
		if want := "left *" + n + "* (spot m5.large, " + price; !strings.Contains(body, want) {
			t.Errorf("alert lacks %q:\n%s", want, body)
		}
	}
}

// TestOnceLeftoverBurst: --once sends a burst a previous daemon left in the
// state, inside its window too, once; a burst it cannot read is one check
// failure, counted once.
func TestOnceLeftoverBurst(t *testing.T) {
	dir := t.TempDir()
	slack := newFakeSlack(t)
	cfg := loadConfig(t, writeConfig(t, dir, churnConfig), slack.webhook())
	d := newTestDaemon(t, cfg, Options{Nodes: &fakeNodes{}})
	ctx := context.Background()
	burst := []NodeEvent{{Change: "left", Name: "n1", InstanceType: "t3.small", CapacityType: "spot", Region: "us-east-1", At: testNow}}
	if err := d.store.Set(ctx, burstKey, string(mustJSON(t, burst))); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := d.Once(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := slack.texts(); len(got) != 1 || !strings.HasPrefix(got[0], "Node churn: 1 left: n1") {
		t.Fatalf("%q, want the leftover burst once", got)
	}

	if err := d.store.Set(ctx, burstKey, "not json"); err != nil {
		t.Fatal(err)
	}
	if err := d.Once(ctx); err == nil || !strings.Contains(err.Error(), "checks failed: cluster") {
		t.Fatalf("Once = %v, want the cluster check failed", err)
	}
	_, body := scrape(t, d.Handler(), "/metrics")
	if v, ok := metricValue(body, `refit_watch_check_errors_total{check="cluster"}`); !ok || v != 1 {
		t.Errorf("refit_watch_check_errors_total{check=\"cluster\"} = %v (found %v), want 1", v, ok)
	}
}
