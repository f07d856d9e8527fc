package web

import (
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/allocation"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/report"
)

// ClusterData is the Cluster page: a live cluster's cost split as
// `refit cost --kubeconfig --by namespace` (and --by workload) splits it,
// and its nodes by capacity type.
type ClusterData struct {
	// Breakdown prices the estate the cluster was read into (with the
	// files and AWS given beside it), as refit cost does.
	Breakdown  *cost.Breakdown
	Namespaces *allocation.Result
	Workloads  *allocation.Result
	// Capacity is the nodes by capacity type, largest cost first.
	Capacity []CapacityRow
	// namespaces and workloads are rows of Namespaces and Workloads,
	// summed once here rather than at each request for the page or a CSV.
	namespaces, workloads []nsRow
}

// CapacityRow is the nodes of one capacity type.
type CapacityRow struct {
	// Type is on-demand, spot, fargate or unpriced (no instance type,
	// or a type the catalog has no price for).
	Type  string `json:"capacityType"`
	Nodes int    `json:"nodes"`
	// MonthlyCost is the nodes' prices; for fargate, the compute/fargate
	// component of the breakdown (Fargate bills pods, not nodes).
	MonthlyCost report.Number `json:"monthlyCost"`
}

// LoadCluster allocates the cluster's nodes as refit cost --by does:
// cluster is the live cluster's own estate, b the estimate of the estate
// it was read into (merged with any other inputs).
// The nodes' prices are read from b once, for both splits and the
// capacity types.
func LoadCluster(cluster *estate.Estate, b *cost.Breakdown) (*ClusterData, error) {
	prices := allocation.PricesFromBreakdown(cluster, b)
	ns, err := allocation.Allocate(cluster, prices, allocation.Dimension{Kind: allocation.ByNamespace})
	if err != nil {
		return nil, err
	}
	wl, err := allocation.Allocate(cluster, prices, allocation.Dimension{Kind: allocation.ByWorkload})
	if err != nil {
		return nil, err
	}
	return &ClusterData{Breakdown: b, Namespaces: ns, Workloads: wl, Capacity: capacity(cluster, b, prices.Nodes),
		namespaces: rows(ns), workloads: rows(wl)}, nil
}

// capacity counts the cluster's nodes by capacity type with their prices.
func capacity(cluster *estate.Estate, b *cost.Breakdown, prices allocation.NodePrices) []CapacityRow {
	purchase := map[string]estate.Purchase{}
	for _, g := range cluster.NodeGroups {
		purchase[g.Cluster+"\x00"+g.Name] = g.Purchase
	}
	rows := map[string]*CapacityRow{}
	add := func(typ string, c decimal.Decimal) {
		r, ok := rows[typ]
		if !ok {
			r = &CapacityRow{Type: typ}
			rows[typ] = r
		}
		r.Nodes++
		r.MonthlyCost.Decimal = r.MonthlyCost.Add(c)
	}
	for _, n := range cluster.Nodes {
		switch {
		case n.Labels["eks.amazonaws.com/compute-type"] == "fargate":
			add(string(estate.Fargate), decimal.Zero)
		case n.NodeGroup == "":
			add("unpriced", decimal.Zero)
		default:
			p, ok := prices[n.Name]
			typ := string(purchase[n.Cluster+"\x00"+n.NodeGroup])
			if !ok || typ == "" {
				typ = "unpriced"
			}
			add(typ, p)
		}
	}
	if r, ok := rows[string(estate.Fargate)]; ok {
		for _, c := range b.ComponentTotals() {
			if c.Name == cost.ComputeFargate {
				r.MonthlyCost.Decimal = c.MonthlyCost
			}
		}
	}
	out := make([]CapacityRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if c := out[i].MonthlyCost.Cmp(out[j].MonthlyCost.Decimal); c != 0 {
			return c > 0
		}
		return out[i].Type < out[j].Type
	})
	return out
}

// nsRow is one namespace (or workload) of the Cluster page: its share of
// the nodes, its claims and its load balancers.
type nsRow struct {
	Name                      string
	Pods                      int
	Nodes, Claims, LBs, Total decimal.Decimal
	MilliCPU, MemoryMiB       int64
}

// rows sums the three kinds of lines of r by name, largest total first.
func rows(r *allocation.Result) []nsRow {
	idx := map[string]int{}
	var out []nsRow
	at := func(name string) *nsRow {
		i, ok := idx[name]
		if !ok {
			i = len(out)
			idx[name] = i
			out = append(out, nsRow{Name: name})
		}
		return &out[i]
	}
	for _, a := range r.Allocations {
		row := at(a.Name)
		row.Nodes, row.Pods = row.Nodes.Add(a.MonthlyCost), row.Pods+a.Pods
		row.MilliCPU, row.MemoryMiB = row.MilliCPU+a.Requests.MilliCPU, row.MemoryMiB+a.Requests.MemoryBytes>>20
	}
	for _, a := range r.Claims {
		row := at(a.Name)
		row.Claims = row.Claims.Add(a.MonthlyCost)
	}
	for _, a := range r.LoadBalancers {
		row := at(a.Name)
		row.LBs = row.LBs.Add(a.MonthlyCost)
	}
	for i := range out {
		out[i].Total = out[i].Nodes.Add(out[i].Claims).Add(out[i].LBs)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if c := out[i].Total.Cmp(out[j].Total); c != 0 {
			return c > 0
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// TopNamespaces is how many namespaces the Cluster page's chart draws; the
// rest are one bar ("other"), and the table lists them all.
const TopNamespaces = 20

// TopWorkloads is how many workloads the Cluster page's table lists; the
// download has them all.
const TopWorkloads = 100

type clusterView struct {
	common
	Nodes, Idle, Total decimal.Decimal
	Namespaces         []nsRow
	Workloads          []nsRow
	MoreWorkloads      int
	// Top namespaces are drawn; Others are one bar.
	Top, Others   int
	CapacityChart markup
	Capacity      []CapacityRow
}

func clusterModel(d *Data) model {
	v := &clusterView{common: common{D: d}}
	c := d.Cluster
	if c == nil {
		return v
	}
	v.Nodes, v.Idle, v.Total = c.Namespaces.NodesMonthlyCost, c.Namespaces.IdleCost, c.Namespaces.Total()
	v.Namespaces, v.Workloads = c.namespaces, c.workloads
	if len(v.Workloads) > TopWorkloads {
		v.MoreWorkloads = len(v.Workloads) - TopWorkloads
		v.Workloads = v.Workloads[:TopWorkloads]
	}
	ch := bars{Title: "Monthly cost by namespace", Series: []string{"nodes (by requests)", "claims", "load balancers", "idle (requested by no pod)"}, Horizontal: true}
	var idle *nsRow
	var other nsRow
	others, shown := 0, 0
	for i := range v.Namespaces {
		r := &v.Namespaces[i]
		if r.Name == allocation.Idle {
			idle = r
			continue
		}
		if shown < TopNamespaces {
			shown++
			ch.Categories = append(ch.Categories, r.Name)
			ch.Values = append(ch.Values, []decimal.Decimal{r.Nodes, r.Claims, r.LBs, {}})
			continue
		}
		others++
		other.Nodes, other.Claims, other.LBs = other.Nodes.Add(r.Nodes), other.Claims.Add(r.Claims), other.LBs.Add(r.LBs)
	}
	v.Top, v.Others = shown, others
	if others > 0 {
		ch.Categories = append(ch.Categories, fmt.Sprintf("other (%d namespaces)", others))
		ch.Values = append(ch.Values, []decimal.Decimal{other.Nodes, other.Claims, other.LBs, {}})
	}
	if idle != nil {
		ch.Categories = append(ch.Categories, allocation.Idle)
		ch.Values = append(ch.Values, []decimal.Decimal{{}, idle.Claims, idle.LBs, idle.Nodes})
	}
	v.Chart = ch.svg()
	cc := bars{Title: "Nodes by capacity type (monthly)", Series: []string{"monthly cost"}, Horizontal: true}
	for _, r := range c.Capacity {
		cc.Categories = append(cc.Categories, fmt.Sprintf("%s (%d nodes)", r.Type, r.Nodes))
		cc.Values = append(cc.Values, []decimal.Decimal{r.MonthlyCost.Decimal})
	}
	v.CapacityChart = cc.svg()
	v.Capacity = c.Capacity
	return v
}

// clusterDownloads are the Cluster page's data: the JSON of refit cost
// --by namespace and --by workload -o json, byte for byte, and CSVs.
func (c *ClusterData) downloads(add func(name, typ string, w func(io.Writer) error)) {
	for _, by := range []struct {
		name string
		r    *allocation.Result
		rows []nsRow
	}{{"namespace", c.Namespaces, c.namespaces}, {"workload", c.Workloads, c.workloads}} {
		add("cluster-"+by.name+".json", "application/json", func(w io.Writer) error { return report.WriteAllocation(w, c.Breakdown, by.r, report.JSON) })
		add("cluster-"+by.name+".csv", "text/csv", func(w io.Writer) error {
			out := [][]string{{by.name, "pods", "nodesMonthlyCost", "claimsMonthlyCost", "loadBalancersMonthlyCost", "monthlyCost", "cpuRequestsMilli", "memoryRequestsMiB"}}
			for _, r := range by.rows {
				out = append(out, []string{r.Name, strconv.Itoa(r.Pods), r.Nodes.String(), r.Claims.String(), r.LBs.String(), r.Total.String(),
					strconv.FormatInt(r.MilliCPU, 10), strconv.FormatInt(r.MemoryMiB, 10)})
			}
			return writeCSV(w, out)
		})
	}
	add("cluster-nodes.json", "application/json", func(w io.Writer) error {
		return report.WriteJSON(w, struct {
			Capacity []CapacityRow `json:"capacityTypes"`
		}{c.Capacity})
	})
	add("cluster-nodes.csv", "text/csv", func(w io.Writer) error {
		out := [][]string{{"capacityType", "nodes", "monthlyCost"}}
		for _, r := range c.Capacity {
			out = append(out, []string{r.Type, strconv.Itoa(r.Nodes), r.MonthlyCost.String()})
		}
		return writeCSV(w, out)
	})
}

func (v *clusterView) html(w *htmlw) {
	d := v.D
	if d.Cluster == nil {
		w.missing("No cluster: give --kubeconfig (or --context) to split the nodes' cost among namespaces and workloads, as refit cost --kubeconfig --by namespace does.")
		return
	}
	w.m("\n", `<div class="cards"><div class="card"><div class="l">Nodes a month</div><div class="v" data-total="nodes">$`, money(v.Nodes), "</div></div>\n",
		`<div class="card"><div class="l">Idle (requested by no pod)</div><div class="v" data-total="idle">$`, money(v.Idle), "</div></div>\n",
		`<div class="card"><div class="l">With claims and load balancers</div><div class="v" data-total="cluster">$`, money(v.Total), "</div></div>\n",
		`<div class="card"><div class="l">Namespaces</div><div class="v">`, esc(len(v.Namespaces)), "</div></div></div>\n",
		`<p class="note">Each node's price is split among its pods by their share of its allocatable cpu and memory requested (half each); what no pod requests is <code>__idle__</code>. Claims and load balancers go to the namespace that owns them.`)
	if un := d.Cluster.Namespaces.Unpriced; len(un) > 0 {
		w.m(" Not priced (their pods are left out): ")
		for _, n := range un {
			w.m(esc(n), " ")
		}
	}
	w.m("</p>\n<h2>Cost by namespace (monthly)</h2>\n", `<div class="pair"><div class="chartbox">`, string(v.Chart))
	if v.Others > 0 {
		w.m(`<p class="note">The chart draws the `, esc(v.Top), ` dearest namespaces and the other `, esc(v.Others), ` as one bar; the table lists them all.</p>`)
	}
	w.m("</div>\n", `<div class="tablebox"><table aria-label="Cost by namespace"><thead><tr><th>Namespace</th><th class="n">Pods</th><th class="n">Nodes</th><th class="n">Claims</th><th class="n">LBs</th><th class="n">Monthly</th></tr></thead><tbody>`, "\n")
	for _, r := range v.Namespaces {
		w.m(`<tr><td>`, esc(r.Name), `</td><td class="n">`, esc(r.Pods), `</td><td class="n">$`, money(r.Nodes), `</td><td class="n">$`, money(r.Claims),
			`</td><td class="n">$`, money(r.LBs), `</td><td class="n" data-namespace="`, esc(r.Name), `">$`, money(r.Total), "</td></tr>\n")
	}
	w.m("</tbody></table></div></div>\n<h2>Nodes by capacity type</h2>\n", `<div class="pair"><div class="chartbox">`, string(v.CapacityChart), "</div>\n",
		`<div class="tablebox"><table aria-label="Nodes by capacity type"><thead><tr><th>Capacity type</th><th class="n">Nodes</th><th class="n">Monthly</th></tr></thead><tbody>`, "\n")
	for _, r := range v.Capacity {
		w.m(`<tr><td>`, esc(r.Type), `</td><td class="n">`, esc(r.Nodes), `</td><td class="n">$`, money(r.MonthlyCost.Decimal), "</td></tr>\n")
	}
	w.m(`</tbody></table><p class="note">Fargate bills pods, not nodes: its row is the estimate's compute/fargate.</p></div></div>`, "\n<h2>Workloads</h2>\n",
		`<div class="tablebox"><table aria-label="Cost by workload"><thead><tr><th>Workload</th><th class="n">Pods</th><th class="n">CPU requests</th><th class="n">Memory requests</th><th class="n">Nodes</th><th class="n">Claims</th><th class="n">LBs</th><th class="n">Monthly</th></tr></thead><tbody>`, "\n")
	for _, r := range v.Workloads {
		w.m(`<tr><td>`, esc(r.Name), `</td><td class="n">`, esc(r.Pods), `</td><td class="n">`, esc(r.MilliCPU), `m</td><td class="n">`, esc(r.MemoryMiB),
			` MiB</td><td class="n">$`, money(r.Nodes), `</td><td class="n">$`, money(r.Claims), `</td><td class="n">$`, money(r.LBs), `</td><td class="n">$`, money(r.Total), "</td></tr>\n")
	}
	w.m("</tbody></table></div>\n")
	if v.MoreWorkloads > 0 {
		w.m(`<p class="note">The `, esc(len(v.Workloads)), ` dearest workloads; `, esc(v.MoreWorkloads), ` more in cluster-workload.csv.</p>`)
	}
	w.m("\n")
	w.downloads(v.Downloads)
	w.m("\n")
}
