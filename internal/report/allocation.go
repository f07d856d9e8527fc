package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/refit-dev/refit/internal/allocation"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
)

// AllocView is `refit cost --by -o json`: the cost object plus the
// allocation of the nodes' cost.
type AllocView struct {
	CostView
	By               string      `json:"by"`
	NodesMonthlyCost Number      `json:"nodesMonthlyCost"`
	Allocations      []AllocItem `json:"allocations"`
	ClaimsByOwner    []AllocItem `json:"claims,omitempty"`
	LoadBalancers    []AllocItem `json:"loadBalancers,omitempty"`
	Unpriced         []string    `json:"unpriced,omitempty"`
}

// AllocItem is one allocation line.
type AllocItem struct {
	Name        string `json:"name"`
	MonthlyCost Number `json:"monthlyCost"`
}

func allocs(as []allocation.Allocation) []AllocItem {
	out := []AllocItem{}
	for _, a := range as {
		out = append(out, AllocItem{Name: a.Name, MonthlyCost: Number{a.MonthlyCost}})
	}
	return out
}

// WriteCostBy writes b as refit cost does: with by (--by) and a live
// cluster, the cluster's node cost allocated by that dimension
// (WriteAllocation), else the breakdown (WriteCost).
func WriteCostBy(w io.Writer, b *cost.Breakdown, cluster *estate.Estate, by string, f Format) error {
	if by == "" || cluster == nil {
		return WriteCost(w, b, f)
	}
	res, err := allocation.AllocateBreakdown(cluster, b, by)
	if err != nil {
		return err
	}
	return WriteAllocation(w, b, res, f)
}

// WriteAllocation renders a breakdown with its allocation.
func WriteAllocation(w io.Writer, b *cost.Breakdown, r *allocation.Result, f Format) error {
	v := AllocView{CostView: NewCostView(b), By: r.By, NodesMonthlyCost: Number{r.NodesMonthlyCost},
		Allocations: allocs(r.Allocations), ClaimsByOwner: allocs(r.Claims), LoadBalancers: allocs(r.LoadBalancers), Unpriced: r.Unpriced}
	switch f {
	case JSON:
		return WriteJSON(w, v)
	case YAML:
		return WriteYAML(w, v)
	}
	if err := WriteCost(w, b, f); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nNodes' %s a month by %s (pods' share of each node's requested cpu and memory; __idle__ is what no pod requests):\n\n", usd(r.NodesMonthlyCost), r.By)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tMONTHLY\tDAILY")
	for _, a := range r.Allocations {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, usd(a.MonthlyCost), usd(cost.Daily(a.MonthlyCost)))
	}
	return tw.Flush()
}
