package plan

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/plan/eksctlcfg"
	"github.com/refit-dev/refit/internal/plan/pack"
	"github.com/refit-dev/refit/internal/pricing"
)

var planned = estate.Origin{Ref: "refit plan"}

// accelerated matches the families of accelerated instances (GPU,
// Inferentia, Trainium, Gaudi, FPGA, video transcoding), which general
// workloads should not land on even when their spot price is low.
var accelerated = regexp.MustCompile(`^(p\d|g\d|gr\d|inf\d|trn\d|dl\d|f\d|vt\d)`)

// candidates lists the instance types the plan may buy for a purchase
// option, priced; cached per option.
func (p *planner) candidates(purchase estate.Purchase) []pack.NodeType {
	var out []pack.NodeType
	for _, t := range p.cat.InstanceTypes() {
		if !contains(p.opt.Arch, t.Arch) {
			continue
		}
		if len(p.opt.Families) > 0 && !contains(p.opt.Families, t.Family()) {
			continue
		}
		if len(p.opt.Families) == 0 && accelerated.MatchString(t.Family()) {
			continue // GPU, Inferentia, Trainium, FPGA, video: only when asked for by --families
		}
		if ok, _ := EKSAMISupports(t); !ok {
			continue // the EKS-optimized AMIs do not run on it (eksami.go)
		}
		// The kubelet sees about 7.5% less memory than EC2 lists; with that
		// overhead the AMI formula gives Karpenter's published allocatable.
		capacity, err := pack.AllocatableWithVMOverhead(t, pack.KarpenterVMMemoryOverhead)
		if err != nil {
			continue // max pods unknown: the VPC CNI does not list the type
		}
		var price decimal.Decimal
		if purchase == estate.Spot {
			est, err := p.cat.Spot(p.opt.Region, t.Name)
			if err != nil {
				continue
			}
			price = est.USD
		} else {
			pr, err := p.cat.OnDemand(p.opt.Region, t.Name)
			if err != nil {
				continue
			}
			price = pr.USD
		}
		f, _ := price.Float64()
		out = append(out, pack.NodeType{Name: t.Name, Arch: t.Arch, Capacity: capacity, HourlyUSD: f})
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func toPods(groups []PodGroup) (pods, perNode []pack.Pod) {
	for _, g := range groups {
		pod := pack.Pod{Name: g.ID(), MilliCPU: g.MilliCPU, MemoryBytes: g.MemoryBytes, Count: g.Count}
		if g.PerNode {
			perNode = append(perNode, pod)
		} else {
			pods = append(pods, pod)
		}
	}
	return
}

// solve packs pod groups on one node group bought with purchase.
func (p *planner) solve(groups []PodGroup, purchase estate.Purchase) (pack.Solution, error) {
	pods, perNode := toPods(groups)
	group := 1
	if purchase == estate.Spot {
		group = p.opt.SpotTypes
	}
	prob := pack.Problem{Pods: pods, PerNode: perNode, Types: p.candidates(purchase), MinNodes: p.opt.MinNodes, Headroom: p.opt.Headroom, GroupTypes: group}
	if len(prob.Types) == 0 {
		return pack.Solution{}, fmt.Errorf("no instance type in %s that the EKS-optimized AMIs run matches the allowed architectures (%s) and families (%s)",
			p.opt.Region, strings.Join(p.opt.Arch, ","), strings.Join(p.opt.Families, ","))
	}
	sol, err := pack.Solve(prob)
	if err != nil {
		return sol, fmt.Errorf("%s nodes: %w", purchase, err)
	}
	return sol, nil
}

// clusterName is the current cluster's name, for the planned config.
func (p *planner) clusterName() string {
	for _, c := range p.e.Clusters {
		name := strings.Split(c.Name, ".")[0]
		if name != "" {
			return name
		}
	}
	return "refit"
}

// eksVersion is the current EKS version while in standard support, else
// the newest version in standard support.
func (p *planner) eksVersion() string {
	for _, c := range p.e.Clusters {
		if c.ControlPlane == estate.ControlPlaneEKS && c.KubernetesVersion != "" {
			if tier, _, err := p.cat.EKSSupport(c.KubernetesVersion, p.opt.At); err == nil && tier == pricing.SupportStandard {
				return c.KubernetesVersion
			}
		}
	}
	return p.cat.DefaultEKSVersion(p.opt.At)
}

// systemWorkloads turns the EKS system pods into workloads, so that the
// cost engine sees them (CoreDNS may run on Fargate).
func systemWorkloads() []estate.Workload {
	var out []estate.Workload
	for _, g := range eksSystemPods {
		out = append(out, estate.Workload{Kind: g.Kind, Namespace: g.Namespace, Name: g.Name, Replicas: g.Count, PerNode: g.PerNode,
			Requests: estate.Resources{MilliCPU: g.MilliCPU, MemoryBytes: g.MemoryBytes}, Labels: g.Labels, Origin: planned})
	}
	return out
}

// base builds what every EKS design shares: the cluster, one NAT gateway,
// the workloads and their claims on gp3, ALBs merged per scheme into one
// IngressGroup each, and what lives outside the cluster (databases, DNS).
func (p *planner) base() (*estate.Estate, []string) {
	name := p.clusterName()
	e := &estate.Estate{Region: p.opt.Region, RegionOrigin: p.e.RegionOrigin}
	e.Clusters = []estate.Cluster{{Name: name, ControlPlane: estate.ControlPlaneEKS, KubernetesVersion: p.eksVersion(), Source: "refit plan", Origin: planned}}
	e.Workloads = append(append(e.Workloads, p.e.Workloads...), systemWorkloads()...)
	e.Claims = gp3Claims(p.e.Claims)
	e.StorageClasses = gp3Classes(p.e.StorageClasses)
	e.HostedZones = p.e.HostedZones
	e.Databases = p.e.Databases
	e.Snapshots = p.e.Snapshots
	for _, v := range p.e.Volumes {
		if v.Purpose != "etcd" && v.Purpose != "root" {
			e.Volumes = append(e.Volumes, v)
		}
	}
	var explain []string
	var lbs []estate.LoadBalancer
	for _, lb := range p.e.LoadBalancers {
		if lb.Purpose == "" {
			lbs = append(lbs, lb)
		}
	}
	merged, saved := mergeALBs(lbs)
	e.LoadBalancers = merged
	if saved > 0 {
		explain = append(explain, fmt.Sprintf("%d ALBs become %d: Ingresses of the same scheme share one ALB through the annotation alb.ingress.kubernetes.io/group.name", len(lbs), len(lbs)-saved))
	}
	e.NATGateways = []estate.NATGateway{{Name: name, Origin: planned}}
	e.PublicIPs = []estate.PublicIP{{Name: "of NAT gateway " + name, Attached: true, Purpose: "nat", Origin: planned}}
	return e, explain
}

// gp3Claims moves claims of the gp2 class to gp3 (same size, 20% cheaper,
// 3,000 IOPS included).
func gp3Claims(claims []estate.Claim) []estate.Claim {
	out := make([]estate.Claim, len(claims))
	for i, c := range claims {
		if c.StorageClass == "gp2" {
			c.StorageClass = "gp3"
		}
		out[i] = c
	}
	return out
}

func gp3Classes(classes []estate.StorageClass) []estate.StorageClass {
	out := make([]estate.StorageClass, 0, len(classes)+1)
	hasDefault := false
	for _, sc := range classes {
		if sc.EBSType == "gp2" {
			sc.EBSType = "gp3"
		}
		hasDefault = hasDefault || sc.Default
		out = append(out, sc)
	}
	if !hasDefault {
		out = append(out, estate.StorageClass{Name: "gp3", EBSType: "gp3", Default: true, Origin: planned})
	}
	return out
}

// mergeALBs puts every ALB of one scheme in one IngressGroup; it returns
// the load balancers and how many ALBs fewer there are.
func mergeALBs(lbs []estate.LoadBalancer) ([]estate.LoadBalancer, int) {
	var out []estate.LoadBalancer
	groups := map[bool]int{} // internal -> index in out
	saved := 0
	for _, lb := range lbs {
		if lb.Type != estate.ALB {
			out = append(out, lb)
			continue
		}
		if i, ok := groups[lb.Internal]; ok {
			out[i].Members = append(out[i].Members, lb.Members...)
			saved++
			continue
		}
		groups[lb.Internal] = len(out)
		lb.Members = append([]string(nil), lb.Members...)
		out = append(out, lb)
	}
	return out, saved
}

// eks plans an EKS design: nodes bought with purchase; with fargate, the
// pods Fargate can run go there.
func (p *planner) eks(name, title string, purchase estate.Purchase, fargate bool) (Scenario, error) {
	e, explain := p.base()
	var onFargate, onNodes []PodGroup
	for _, g := range p.demand.Groups {
		if fargate && !g.PerNode && g.FargateOK() && !g.System {
			onFargate = append(onFargate, g)
		} else {
			onNodes = append(onNodes, g)
		}
	}
	userOnNodes := 0
	for _, g := range onNodes {
		if !g.PerNode && !g.System {
			userOnNodes++
		}
	}
	if fargate && userOnNodes == 0 {
		// Nothing else needs a node: CoreDNS runs on Fargate too, and
		// DaemonSets have no node to run on.
		var rest []PodGroup
		for _, g := range onNodes {
			if g.System && !g.PerNode {
				onFargate = append(onFargate, g)
			} else if !g.PerNode {
				rest = append(rest, g)
			}
		}
		onNodes = rest
	}
	var nodes []NodePlan
	var sol pack.Solution
	var cfgGroups []eksctlcfg.NodeGroup
	if hasPods(onNodes) {
		var err error
		if sol, err = p.solve(onNodes, purchase); err != nil {
			return Scenario{}, fmt.Errorf("scenario %s: %w", name, err)
		}
		groupName := "workers"
		if purchase == estate.Spot {
			groupName = "spot-workers"
		}
		g := estate.NodeGroup{Name: groupName, Cluster: e.Clusters[0].Name, Role: estate.RoleNode, InstanceTypes: sol.Types, Count: sol.Nodes,
			MinSize: sol.Nodes, MaxSize: sol.Nodes + max(1, sol.Nodes/2), Purchase: purchase, Managed: true,
			RootVolume: estate.Volume{Type: "gp3", SizeGiB: float64(p.opt.RootVolumeGiB), Purpose: "root"}, Origin: planned}
		g.Labels, g.Taints = p.carriedLabels()
		e.NodeGroups = []estate.NodeGroup{g}
		podsOn, _, _ := totals(onNodes)
		nodes = append(nodes, NodePlan{InstanceTypes: sol.Types, Count: sol.Nodes, Purchase: purchase,
			MonthlyCost: monthlyOf(sol.MonthlyUSD), LowerBoundMonthly: monthlyOf(sol.GroupLowerBoundMonthlyUSD),
			AnyMixBoundMonthly: monthlyOf(sol.LowerBoundMonthlyUSD), Pods: podsOn})
		cfgGroups = append(cfgGroups, eksctlcfg.NodeGroup{
			Name: groupName, InstanceTypes: sol.Types, Spot: purchase == estate.Spot, Desired: g.Count, Min: g.MinSize, Max: g.MaxSize,
			VolumeSize: p.opt.RootVolumeGiB, VolumeType: "gp3", Labels: g.Labels, Taints: parseTaints(g.Taints), PrivateNetworking: true,
			Comment: fmt.Sprintf("refit plan: %d pods on %d × %s (%s), %.0f%% cpu / %.0f%% memory / %.0f%% pod slots requested",
				podsOn, sol.Nodes, joinTypes(sol.Types), purchase, sol.CPU*100, sol.Memory*100, sol.PodSlots*100),
		})
		explain = append(explain, p.explainNodes(onNodes, sol, purchase))
	}
	var profiles []eksctlcfg.FargateProfile
	if len(onFargate) > 0 {
		e.FargateProfiles, profiles = fargateProfiles(onFargate, e.Clusters[0].Name)
		nodes = append(nodes, NodePlan{Purchase: estate.Fargate, Count: podCount(onFargate), InstanceTypes: []string{}, Pods: podCount(onFargate)})
	}
	s, err := p.price(name, title, e)
	if err != nil {
		return Scenario{}, err
	}
	s.Nodes = nodes
	s.Explain = append(explain, p.explainPlatform(s)...)
	if len(onFargate) > 0 {
		s.Explain = append(s.Explain, p.explainFargate(onFargate, s.Breakdown, purchase))
		s.Risks = append(s.Risks, "Fargate pods start slower than pods on running nodes, and each pod is billed for at least 0.25 vCPU / 0.5 GB")
	}
	if len(nodes) > 0 && nodes[0].Purchase != estate.Fargate {
		s.LowerBoundMonthly = s.Breakdown.Total().Sub(nodes[0].MonthlyCost).Add(nodes[0].LowerBoundMonthly)
	}
	s.Risks = append(s.Risks, p.nodeRisks(sol, purchase)...)
	s.Risks = append(s.Risks, "one NAT gateway: nodes in other zones lose internet egress if its zone fails")
	s.Eksctl = &eksctlcfg.Config{
		Name: eksctlcfg.ClusterName(e.Clusters[0].Name), Region: p.opt.Region, Version: e.Clusters[0].KubernetesVersion, NAT: "Single",
		NodeGroups: cfgGroups, FargateProfiles: profiles,
		LoadBalancerController: hasALB(e), ExternalDNS: usesExternalDNS(p.e),
	}
	return s, nil
}

func hasPods(groups []PodGroup) bool {
	for _, g := range groups {
		if !g.PerNode && g.Count > 0 {
			return true
		}
	}
	return false
}

func podCount(groups []PodGroup) int {
	n, _, _ := totals(groups)
	return n
}

func hasALB(e *estate.Estate) bool {
	for _, lb := range e.LoadBalancers {
		if lb.Type == estate.ALB {
			return true
		}
	}
	return false
}

// usesExternalDNS is true when a workload named external-dns runs.
func usesExternalDNS(e *estate.Estate) bool {
	for _, w := range e.Workloads {
		if strings.Contains(w.Name, "external-dns") {
			return true
		}
	}
	return false
}

// carriedLabels keeps the labels and taints of today's only worker group,
// so that nodeSelectors and tolerations still match.
func (p *planner) carriedLabels() (map[string]string, []string) {
	var workers []estate.NodeGroup
	for _, g := range p.e.NodeGroups {
		if g.Role == estate.RoleNode {
			workers = append(workers, g)
		}
	}
	if len(workers) != 1 {
		return nil, nil
	}
	labels := map[string]string{}
	for k, v := range workers[0].Labels {
		if !strings.HasPrefix(k, "kops.k8s.io/") && !strings.HasPrefix(k, "alpha.eksctl.io/") && !eksctlcfg.ReservedLabel(k) {
			labels[k] = v
		}
	}
	if len(labels) == 0 {
		labels = nil
	}
	return labels, workers[0].Taints
}

// parseTaints reads "key=value:Effect" taints, dropping malformed ones
// (FromKops lists those as not carried over).
func parseTaints(ts []string) []eksctlcfg.Taint {
	var out []eksctlcfg.Taint
	for _, t := range ts {
		if taint, err := eksctlcfg.ParseTaint(t); err == nil {
			out = append(out, taint)
		}
	}
	return out
}

// fargateProfiles makes one profile per namespace, one selector per
// workload (namespace + the pod template's labels), at most 5 selectors a
// profile as EKS allows.
func fargateProfiles(groups []PodGroup, cluster string) ([]estate.FargateProfile, []eksctlcfg.FargateProfile) {
	byNS := map[string][]estate.FargateSelector{}
	for _, g := range groups {
		byNS[g.Namespace] = append(byNS[g.Namespace], estate.FargateSelector{Namespace: g.Namespace, Labels: g.Labels})
	}
	var profiles []estate.FargateProfile
	var cfg []eksctlcfg.FargateProfile
	for _, ns := range estate.SortedKeys(byNS) {
		sels := byNS[ns]
		for i := 0; i < len(sels); i += 5 {
			name := "fp-" + ns
			if i > 0 {
				name += fmt.Sprintf("-%d", i/5+1)
			}
			chunk := sels[i:min(i+5, len(sels))]
			profiles = append(profiles, estate.FargateProfile{Name: name, Cluster: cluster, Selectors: chunk, Origin: planned})
			cfg = append(cfg, eksctlcfg.FargateProfile{Name: name, Selectors: chunk})
		}
	}
	return profiles, cfg
}

func (p *planner) explainNodes(groups []PodGroup, sol pack.Solution, purchase estate.Purchase) string {
	pods, cpu, mem := totals(groups)
	var ds []string
	for _, g := range groups {
		if g.PerNode {
			ds = append(ds, g.Name)
		}
	}
	gap := func(b float64) float64 {
		if b <= 0 {
			return 0
		}
		return (sol.MonthlyUSD/b - 1) * 100
	}
	why := fmt.Sprintf("%d pods requesting %.2f vCPU and %.2f GiB (plus %d DaemonSets on every node) fit on %d × %s %s for $%.2f a month with %.0f%% headroom; "+
		"no node group can hold them for less than $%.2f (fractional bound, gap %.1f%%), no mix of types for less than $%.2f (LP bound, gap %.1f%%)",
		pods, float64(cpu)/1000, float64(mem)/(1<<30), len(ds), sol.Nodes, joinTypes(sol.Types), purchase, sol.MonthlyUSD, p.opt.Headroom*100,
		sol.GroupLowerBoundMonthlyUSD, gap(sol.GroupLowerBoundMonthlyUSD), sol.LowerBoundMonthlyUSD, gap(sol.LowerBoundMonthlyUSD))
	if sol.Nodes == p.opt.MinNodes && sol.BinPackNodes < sol.Nodes {
		why += fmt.Sprintf("; %d node(s) would hold the pods, --min-nodes asks for %d", sol.BinPackNodes, p.opt.MinNodes)
	}
	return why
}

// explainPlatform compares the control plane with today's.
func (p *planner) explainPlatform(s Scenario) []string {
	var out []string
	today := componentCost(p.res.Current.Breakdown, cost.ControlPlane)
	eks := componentCost(s.Breakdown, cost.ControlPlane)
	if isKops(p.e) && !today.IsZero() {
		out = append(out, fmt.Sprintf("the EKS control plane costs %s a month; today's kops masters cost %s", usd(eks), usd(today)))
	}
	if n := len(p.e.NATGateways); n > 1 {
		nat := componentCost(p.res.Current.Breakdown, cost.NATHours)
		out = append(out, fmt.Sprintf("one NAT gateway instead of %d: %s a month instead of %s", n, usd(componentCost(s.Breakdown, cost.NATHours)), usd(nat)))
	}
	return out
}

// explainFargate prices the Fargate pods on nodes instead, for comparison.
func (p *planner) explainFargate(groups []PodGroup, b *cost.Breakdown, purchase estate.Purchase) string {
	fg := componentCost(b, cost.ComputeFargate)
	n := podCount(groups)
	sol, err := p.solve(groups, purchase)
	if err != nil {
		return fmt.Sprintf("Fargate costs %s a month for these %d pods", usd(fg), n)
	}
	return fmt.Sprintf("Fargate costs %s a month for these %d pods; the same pods fit on %d %s %s for $%.2f",
		usd(fg), n, sol.Nodes, purchase, joinTypes(sol.Types), sol.MonthlyUSD)
}

func componentCost(b *cost.Breakdown, c cost.Component) decimal.Decimal {
	for _, ct := range b.ComponentTotals() {
		if ct.Name == c {
			return ct.MonthlyCost
		}
	}
	return decimal.Zero
}

func (p *planner) nodeRisks(sol pack.Solution, purchase estate.Purchase) []string {
	var risks []string
	if len(sol.Types) == 0 {
		return nil
	}
	if purchase == estate.Spot {
		var parts []string
		for _, t := range sol.Types {
			if est, err := p.cat.Spot(p.opt.Region, t); err == nil {
				parts = append(parts, fmt.Sprintf("%s %s", t, est.InterruptionBucket))
			}
		}
		risks = append(risks, "spot interruptions (Spot Instance Advisor, monthly frequency): "+strings.Join(parts, ", ")+"; run a termination handler and keep at least 2 replicas")
	}
	for _, t := range sol.Types {
		if it, err := p.cat.InstanceType(t); err == nil && it.Burstable {
			risks = append(risks, "burstable instances: CPU above the baseline spends credits (unlimited mode bills the surplus)")
			break
		}
	}
	if sol.Nodes < 2 {
		risks = append(risks, "a single node: no room to drain or survive its loss")
	}
	return risks
}

// onFargate splits the demand's user pods (EKS's system pods left out) as
// the cost engine places them in an estate: pods a Fargate profile selects
// run on Fargate, the others (and every DaemonSet) on the nodes.
func (p *planner) onFargate(e *estate.Estate) (fargate, nodes []PodGroup) {
	for _, g := range p.demand.Groups {
		if g.System {
			continue
		}
		// The rule cost.Estimate prices them by.
		if _, selected := e.FargateProfileFor(g.Namespace, g.Labels); selected && !g.PerNode {
			fargate = append(fargate, g)
		} else {
			nodes = append(nodes, g)
		}
	}
	return fargate, nodes
}

// withFargate adds to a scenario's nodes the pods its Fargate profiles run.
func (p *planner) withFargate(e *estate.Estate, nodes []NodePlan) []NodePlan {
	if fg, _ := p.onFargate(e); len(fg) > 0 {
		n := podCount(fg)
		nodes = append(nodes, NodePlan{Purchase: estate.Fargate, Count: n, InstanceTypes: []string{}, Pods: n})
	}
	return nodes
}

// fitsToday checks, as a fractional test, whether the worker nodes of an
// estate offer the capacity the workloads request (with DaemonSets on every
// node); it returns why not. Pods that the estate's Fargate profiles select
// run on Fargate, as the cost engine prices them, and need no node. A node
// group's MaxPods (eksctl's maxPodsPerNode) caps its pod slots below the VPC
// CNI's limit; a higher value needs prefix delegation, which the input does
// not show, so the CNI's limit stays.
func (p *planner) fitsToday(e *estate.Estate) string {
	var cpu, mem int64
	var pods, nodes int
	for _, g := range e.NodeGroups {
		if g.Role != estate.RoleNode || len(g.InstanceTypes) == 0 {
			continue
		}
		it, err := p.cat.InstanceType(g.InstanceTypes[0])
		if err != nil {
			continue
		}
		c, err := pack.AllocatableWithVMOverhead(it, pack.KarpenterVMMemoryOverhead)
		if err != nil {
			continue
		}
		slots := c.Pods
		if g.MaxPods > 0 && g.MaxPods < slots {
			slots = g.MaxPods
		}
		nodes += g.Count
		cpu += int64(g.Count) * c.MilliCPU
		mem += int64(g.Count) * c.MemoryBytes
		pods += g.Count * slots
	}
	fargate, user := p.onFargate(e)
	n, wantCPU, wantMem := totals(user)
	for _, g := range user {
		if g.PerNode {
			n += nodes
			wantCPU += int64(nodes) * g.MilliCPU
			wantMem += int64(nodes) * g.MemoryBytes
		}
	}
	if wantCPU <= cpu && wantMem <= mem && n <= pods {
		return ""
	}
	why := fmt.Sprintf("today's %d worker nodes offer %.1f vCPU, %.1f GiB and %d pod slots; the workloads request %.1f vCPU, %.1f GiB and %d pods",
		nodes, float64(cpu)/1000, float64(mem)/(1<<30), pods, float64(wantCPU)/1000, float64(wantMem)/(1<<30), n)
	if len(fargate) > 0 {
		why += fmt.Sprintf(" (besides the %d pods on Fargate)", podCount(fargate))
	}
	return why
}

// tuned keeps today's platform and applies the changes that need no
// migration: gp3 volumes, right-sized node roots, one NAT gateway, ALBs in
// one IngressGroup.
func (p *planner) tuned() (Scenario, error) {
	e := p.e.Clone()
	var explain []string
	gp2 := 0
	for i := range e.NodeGroups {
		g := &e.NodeGroups[i]
		if g.RootVolume.Type == "gp2" {
			g.RootVolume.Type = "gp3"
			gp2++
		}
		limit := float64(p.opt.RootVolumeGiB)
		if g.Role == estate.RoleMaster {
			limit = 64 // kops' default for masters; etcd has its own volumes
		}
		if g.RootVolume.SizeGiB > limit {
			explain = append(explain, fmt.Sprintf("root volumes of %s: %g GiB -> %g GiB", g.Name, g.RootVolume.SizeGiB, limit))
			g.RootVolume.SizeGiB = limit
		}
	}
	for i := range e.Volumes {
		if e.Volumes[i].Type == "gp2" {
			e.Volumes[i].Type = "gp3"
			gp2++
		}
	}
	e.Claims = gp3Claims(e.Claims)
	e.StorageClasses = gp3Classes(e.StorageClasses)
	if gp2 > 0 {
		explain = append(explain, fmt.Sprintf("%d gp2 volume sets become gp3: 20%% cheaper per GB with 3,000 IOPS included (an online change: aws ec2 modify-volume --volume-type gp3)", gp2))
	}
	if len(e.NATGateways) > 1 {
		explain = append(explain, fmt.Sprintf("one NAT gateway instead of %d", len(e.NATGateways)))
		e.NATGateways = e.NATGateways[:1]
		var ips []estate.PublicIP
		nat := 0
		for _, ip := range e.PublicIPs {
			if ip.Purpose == "nat" {
				if nat++; nat > 1 {
					continue
				}
			}
			ips = append(ips, ip)
		}
		e.PublicIPs = ips
	}
	var lbs []estate.LoadBalancer
	lbs, saved := mergeALBs(e.LoadBalancers)
	if saved > 0 {
		explain = append(explain, fmt.Sprintf("%d ALBs fewer: Ingresses share one ALB per scheme (alb.ingress.kubernetes.io/group.name)", saved))
	}
	e.LoadBalancers = lbs
	s, err := p.price("today-tuned", "Today's platform, tuned: gp3, right-sized roots, one NAT gateway, shared ALBs", e)
	if err != nil {
		return s, err
	}
	s.Nodes = p.withFargate(e, currentNodes(e, s.Breakdown))
	s.Explain = explain
	s.Risks = currentRisks(e)
	if why := p.fitsToday(e); why != "" {
		s.Eligible, s.WhyNot = false, why
	}
	return s, nil
}

// kopsOneMaster keeps one master of a kops cluster with several.
func (p *planner) kopsOneMaster() (Scenario, bool, error) {
	e := p.e.Clone()
	var groups []estate.NodeGroup
	masters := 0
	for _, g := range e.NodeGroups {
		if g.Role == estate.RoleMaster {
			if masters += g.Count; masters > 1 {
				continue
			}
		}
		groups = append(groups, g)
	}
	if masters < 2 {
		return Scenario{}, false, nil
	}
	e.NodeGroups = groups
	// Keep the etcd volumes of one member: the first by name.
	var etcd []estate.Volume
	first := ""
	for _, v := range e.Volumes {
		if v.Purpose == "etcd" {
			member, _, _ := strings.Cut(v.Name, ".")
			if first == "" || member < first {
				first = member
			}
		}
	}
	for _, v := range e.Volumes {
		member, _, _ := strings.Cut(v.Name, ".")
		if v.Purpose != "etcd" || member == first {
			etcd = append(etcd, v)
		}
	}
	e.Volumes = etcd
	s, err := p.price("kops-one-master", "kops with one master instead of "+fmt.Sprint(masters), e)
	if err != nil {
		return s, false, err
	}
	s.Nodes = currentNodes(e, s.Breakdown)
	s.Risks = append(currentRisks(e), "one master: the API and etcd have no standby; losing the instance or its zone stops the control plane until it is restored")
	s.Explain = []string{fmt.Sprintf("%d masters become 1 (and their etcd volumes)", masters)}
	if why := p.fitsToday(e); why != "" {
		s.Eligible, s.WhyNot = false, why
	}
	return s, true, nil
}

// natPerZone is the best EKS design with one NAT gateway per zone.
func (p *planner) natPerZone(best Scenario) (Scenario, error) {
	e := best.Estate.Clone()
	e.NATGateways, e.PublicIPs = nil, nil
	for i := range p.opt.Zones {
		name := fmt.Sprintf("%s-%d", e.Clusters[0].Name, i+1)
		e.NATGateways = append(e.NATGateways, estate.NATGateway{Name: name, Origin: planned})
		e.PublicIPs = append(e.PublicIPs, estate.PublicIP{Name: "of NAT gateway " + name, Attached: true, Purpose: "nat", Origin: planned})
	}
	s, err := p.price(best.Name+"-nat-per-zone", best.Title+", one NAT gateway per zone", e)
	if err != nil {
		return s, err
	}
	s.Nodes, s.LowerBoundMonthly = best.Nodes, s.Breakdown.Total().Sub(best.Monthly().Sub(best.LowerBoundMonthly))
	s.Risks = withoutNATRisk(best.Risks)
	extra := s.Monthly().Sub(best.Monthly())
	s.Explain = []string{fmt.Sprintf("%d NAT gateways cost %s a month more than one; they keep egress working when a zone fails", p.opt.Zones, usd(extra))}
	s.Eksctl = withNAT(best.Eksctl, "HighlyAvailable", true)
	return s, nil
}

// publicNodes is the best EKS design with nodes in public subnets and no
// NAT gateway.
func (p *planner) publicNodes(best Scenario) (Scenario, error) {
	e := best.Estate.Clone()
	e.NATGateways, e.PublicIPs = nil, nil
	for i := range e.NodeGroups {
		e.NodeGroups[i].PublicIP = true
	}
	s, err := p.price(best.Name+"-public-nodes", best.Title+", nodes in public subnets, no NAT gateway", e)
	if err != nil {
		return s, err
	}
	s.Nodes, s.LowerBoundMonthly = best.Nodes, s.Breakdown.Total().Sub(best.Monthly().Sub(best.LowerBoundMonthly))
	s.Risks = append(withoutNATRisk(best.Risks), "nodes have public IPv4 addresses in public subnets: security groups are all that stands between them and the internet")
	if !p.opt.AllowPublicNodes {
		s.Eligible, s.WhyNot = false, "nodes in public subnets (allow with --allow-public-nodes)"
	}
	s.Explain = []string{fmt.Sprintf("no NAT gateway saves %s a month; each node pays for its own public IPv4 instead", usd(best.Monthly().Sub(s.Monthly())))}
	s.Eksctl = withNAT(best.Eksctl, "Disable", false)
	return s, nil
}

// vpcEndpoints is the best EKS design plus interface endpoints for ECR and
// STS (image pulls and IRSA stay off the NAT gateway; S3 uses a free gateway
// endpoint).
func (p *planner) vpcEndpoints(best Scenario) (Scenario, error) {
	e := best.Estate.Clone()
	for _, svc := range []string{"ecr.api", "ecr.dkr", "sts"} {
		e.VPCEndpoints = append(e.VPCEndpoints, estate.VPCEndpoint{Name: svc, Service: "com.amazonaws." + p.opt.Region + "." + svc, Zones: p.opt.Zones, Origin: planned})
	}
	s, err := p.price(best.Name+"-vpc-endpoints", best.Title+", VPC endpoints for ECR and STS", e)
	if err != nil {
		return s, err
	}
	s.Nodes, s.LowerBoundMonthly = best.Nodes, s.Breakdown.Total().Sub(best.Monthly().Sub(best.LowerBoundMonthly))
	s.Risks = best.Risks
	extra := s.Monthly().Sub(best.Monthly())
	explain := fmt.Sprintf("3 interface endpoints in %d zones cost %s a month", p.opt.Zones, usd(extra))
	natGB, err1 := p.cat.Service("nat_gateway", "data_processed", p.opt.Region)
	epGB, err2 := p.cat.Service("vpc_endpoint", "interface_data_processed", p.opt.Region)
	if err1 == nil && err2 == nil && natGB.USD.GreaterThan(epGB.USD) {
		breakEven := extra.Div(natGB.USD.Sub(epGB.USD))
		explain += fmt.Sprintf("; they pay off above %s GB a month of ECR/STS traffic that would cross the NAT gateway", breakEven.StringFixed(0))
	}
	s.Explain = []string{explain}
	s.Eksctl = best.Eksctl
	return s, nil
}

func withoutNATRisk(risks []string) []string {
	var out []string
	for _, r := range risks {
		if !strings.HasPrefix(r, "one NAT gateway") {
			out = append(out, r)
		}
	}
	return out
}

func withNAT(c *eksctlcfg.Config, nat string, private bool) *eksctlcfg.Config {
	if c == nil {
		return nil
	}
	cp := *c
	cp.NAT = nat
	cp.NodeGroups = append([]eksctlcfg.NodeGroup(nil), c.NodeGroups...)
	for i := range cp.NodeGroups {
		cp.NodeGroups[i].PrivateNetworking = private
	}
	return &cp
}

// sortScenarios orders scenarios by monthly cost, today first and the ones
// that could not be priced last.
func sortScenarios(ss []Scenario) {
	sort.SliceStable(ss, func(i, j int) bool {
		if ss[i].Name == "today" || ss[j].Name == "today" {
			return ss[i].Name == "today"
		}
		if (ss[i].NotPriced != "") != (ss[j].NotPriced != "") {
			return ss[j].NotPriced != ""
		}
		return ss[i].Monthly().LessThan(ss[j].Monthly())
	})
}
