package watch

import (
	"bytes"
	"context"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/allocation"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/source/live"
)

// allocateEvery bounds how often the cluster check reads every pod of the
// cluster to split the nodes' prices (--once always does).
const allocateEvery = 5 * time.Minute

// allocate reads the cluster (nodes, pods, claims, load balancers), prices
// it as `refit cost --kubeconfig --by namespace` does and sets
// refit_cluster_cost_hourly_usd{namespace}: each namespace's share of the
// nodes plus its claims and load balancers, over 730 hours; the nodes' cost
// that no pod requested is the namespace "__idle__".
func (c *churn) allocate(ctx context.Context, now time.Time) error {
	if c.d.opt.Nodes != nil && c.cfg.Kubeconfig == "" {
		return nil // tests replaced the cluster and gave none to read
	}
	once, _ := ctx.Value(onceKey{}).(bool)
	if !once && !c.allocated.IsZero() && now.Sub(c.allocated) < allocateEvery {
		return nil
	}
	var warn bytes.Buffer
	e, cluster, err := live.Load(ctx, live.Options{Kube: true, Kubeconfig: c.cfg.Kubeconfig, Context: c.cfg.Context,
		KubeTimeout: 60 * time.Second}, &warn)
	for _, w := range strings.Split(strings.TrimSpace(warn.String()), "\n") {
		if w != "" {
			c.d.log.Warn("cluster read", "warning", strings.TrimPrefix(w, "warning: "))
		}
	}
	if err != nil {
		return err
	}
	cat, err := pricing.Default()
	if err != nil {
		return err
	}
	// A node without a price (an unknown type) is left out, not fatal.
	b, err := cost.Estimate(e, cat, cost.Options{Region: c.cfg.Region, AllowMissingPrices: true})
	if err != nil {
		return err
	}
	res, err := allocation.AllocateBreakdown(cluster, b, allocation.ByNamespace)
	if err != nil {
		return err
	}
	hourly := hourlyByName(res)
	c.d.m.clusterCost.Reset()
	for ns, v := range hourly {
		f, _ := v.Float64()
		c.d.m.clusterCost.WithLabelValues(ns).Set(f)
	}
	c.allocated = now
	c.d.dashboard(ctx, DashboardInputs{Cluster: cluster, Breakdown: b})
	return nil
}

// hourlyByName sums the nodes', claims' and load balancers' lines of res by
// name, a month being 730 hours.
func hourlyByName(res *allocation.Result) map[string]decimal.Decimal {
	out := map[string]decimal.Decimal{}
	hours := decimal.NewFromInt(cost.HoursPerMonth)
	for _, lines := range [][]allocation.Allocation{res.Allocations, res.Claims, res.LoadBalancers} {
		for _, a := range lines {
			out[a.Name] = out[a.Name].Add(a.MonthlyCost.Div(hours))
		}
	}
	return out
}
