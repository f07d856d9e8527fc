package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/pricing"
)

// NodeEvent is a node joining or leaving the cluster (or being marked for
// a spot interruption).
type NodeEvent struct {
	// Change is "joined", "left" or "interrupted".
	Change       string    `json:"change"`
	Name         string    `json:"name"`
	InstanceType string    `json:"instanceType,omitempty"`
	CapacityType string    `json:"capacityType,omitempty"` // spot, on-demand, fargate or ""
	Region       string    `json:"region,omitempty"`
	At           time.Time `json:"at"`
}

// NodeSource reports node changes: Run calls add for every node present
// at the start (initial true) and then for every change, until ctx ends.
type NodeSource interface {
	Run(ctx context.Context, handle func(e NodeEvent, initial bool)) error
}

// churn groups node changes into bursts: the changes within Window of the
// first are one alert. The burst being gathered is kept in the state, so
// a restart does not lose it.
type churn struct {
	d   *Daemon
	cfg *ClusterConfig
	src NodeSource

	mu    sync.Mutex
	nodes map[string]NodeEvent // present nodes, for refit_cluster_nodes

	// allocated is when refit_cluster_cost_hourly_usd was last set (only
	// the cluster job touches it).
	allocated time.Time
}

const burstKey = "churn.burst"

func newChurn(d *Daemon, cfg *ClusterConfig) *churn {
	c := &churn{d: d, cfg: cfg, src: d.opt.Nodes, nodes: map[string]NodeEvent{}}
	if c.src == nil {
		c.src = &kubeNodes{kubeconfig: cfg.Kubeconfig, context: cfg.Context}
	}
	return c
}

// run watches the nodes until ctx ends.
func (c *churn) run(ctx context.Context) error {
	// A change seen is recorded even while stopping (one local write).
	wctx := context.WithoutCancel(ctx)
	return c.src.Run(ctx, func(e NodeEvent, initial bool) { c.handle(wctx, e, initial) })
}

// check is the cluster job: it sends a burst whose window has passed (in
// --once, where nodes cannot be watched, any burst a previous run left
// behind) and splits the cluster's cost among its namespaces.
func (c *churn) check(ctx context.Context, now time.Time) error {
	ferr := c.flushBursts(ctx, now)
	aerr := c.allocate(ctx, now)
	return errors.Join(ferr, aerr)
}

func (c *churn) handle(ctx context.Context, e NodeEvent, initial bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e.Change {
	case "left":
		if old, ok := c.nodes[e.Name]; ok {
			// A deleted node's labels are the last ones known.
			if e.InstanceType == "" {
				e.InstanceType = old.InstanceType
			}
			if e.CapacityType == "" {
				e.CapacityType = old.CapacityType
			}
			if e.Region == "" {
				e.Region = old.Region
			}
		}
		delete(c.nodes, e.Name)
	default:
		c.nodes[e.Name] = e
	}
	c.gauge()
	if initial {
		return
	}
	if e.At.IsZero() {
		e.At = c.d.opt.Now()
	}
	burst, err := c.load(ctx)
	if err == nil {
		burst = append(burst, e)
		var b []byte
		b, err = json.Marshal(burst)
		if err == nil {
			err = c.d.store.Set(ctx, burstKey, string(b))
		}
	}
	if err != nil {
		c.d.log.Error("node change not recorded", "node", e.Name, "err", err)
	}
}

func (c *churn) gauge() { c.d.m.setNodes(maps.Values(c.nodes)) }

func (c *churn) load(ctx context.Context) ([]NodeEvent, error) {
	s, err := c.d.store.Get(ctx, burstKey)
	if err != nil || s == "" {
		return nil, err
	}
	var burst []NodeEvent
	if err := json.Unmarshal([]byte(s), &burst); err != nil {
		return nil, fmt.Errorf("state %s: %w", burstKey, err)
	}
	return burst, nil
}

// flushBursts turns a burst whose window has passed into one alert (and
// clears it, in the same transaction).
func (c *churn) flushBursts(ctx context.Context, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	burst, err := c.load(ctx)
	if err != nil || len(burst) == 0 {
		return err
	}
	once, _ := ctx.Value(onceKey{}).(bool)
	if !once && now.Sub(burst[0].At) < c.cfg.Window {
		return nil
	}
	_, err = c.d.enqueue(ctx, Alert{Kind: "churn", Subject: "nodes", Period: burst[0].At.UTC().Format(time.RFC3339Nano),
		Payload: c.payload(burst)}, now, burstKey, "")
	return err
}

// hourly is a node's price an hour (spot: the estimate), or "".
func (c *churn) hourly(e NodeEvent) (decimal.Decimal, bool) {
	cat, err := pricing.Default() // parsed once
	region := e.Region
	if c.cfg.Region != "" {
		region = c.cfg.Region
	}
	if err != nil || region == "" || e.InstanceType == "" {
		return decimal.Zero, false
	}
	if e.CapacityType == "spot" {
		if p, err := cat.Spot(region, e.InstanceType); err == nil {
			return p.USD, true
		}
		return decimal.Zero, false
	}
	if p, err := cat.OnDemand(region, e.InstanceType); err == nil {
		return p.USD, true
	}
	return decimal.Zero, false
}

func (c *churn) payload(burst []NodeEvent) []byte {
	sort.SliceStable(burst, func(i, j int) bool { return burst[i].At.Before(burst[j].At) })
	counts := map[string]int{}
	delta := decimal.Zero
	var lines []string
	for _, e := range burst {
		counts[e.Change]++
		what := strings.TrimSpace(e.CapacityType + " " + e.InstanceType)
		if what == "" {
			what = "unknown type"
		}
		price := "price unknown"
		if p, ok := c.hourly(e); ok {
			price = "$" + p.StringFixed(4) + "/h"
			if e.CapacityType == "spot" {
				price += " (spot estimate)"
			}
			switch e.Change {
			case "joined":
				delta = delta.Add(p)
			case "left":
				delta = delta.Sub(p)
			}
		}
		lines = append(lines, fmt.Sprintf("• %s *%s* (%s, %s) at %s", e.Change, e.Name, what, price, e.At.UTC().Format("15:04:05")))
	}
	var summary []string
	for _, k := range []string{"left", "joined", "interrupted"} {
		if counts[k] > 0 {
			summary = append(summary, fmt.Sprintf("%d %s", counts[k], k))
		}
	}
	head := fmt.Sprintf("Node churn: %s", strings.Join(summary, ", "))
	sign := "+"
	if delta.IsNegative() {
		sign = "-"
	}
	impact := fmt.Sprintf("Cost impact: %s$%s/h (%s$%s a month at %d h)", sign, delta.Abs().StringFixed(4), sign,
		delta.Abs().Mul(decimal.NewFromInt(cost.HoursPerMonth)).StringFixed(2), cost.HoursPerMonth)
	var names []string
	for _, e := range burst {
		names = append(names, e.Name)
	}
	return c.d.payload(head+": "+strings.Join(names, ", "),
		header(":arrows_counterclockwise: "+head),
		section(strings.Join(lines, "\n")),
		contextBlock(impact+". Changes within "+c.cfg.Window.String()+" of the first are one alert."))
}
