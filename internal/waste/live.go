package waste

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/refit-dev/refit/internal/estate"
)

// DefaultStoppedDays is how long an instance must have been stopped for
// stopped-instance to be sure of it (high confidence). AWS Config's
// ec2-stopped-instance rule uses the same default, AllowedDays 30
// (https://docs.aws.amazon.com/config/latest/developerguide/ec2-stopped-instance.html).
const DefaultStoppedDays = 30

// DefaultIdleThresholdPercent is the share of a node's allocatable cpu and
// memory below which idle-node-capacity calls the node idle (both must be
// below). The Cluster Autoscaler removes nodes below 50% of both by default
// (--scale-down-utilization-threshold 0.5,
// https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md);
// refit reports only nodes well below that, which an autoscaler at its
// defaults would already have removed.
const DefaultIdleThresholdPercent = 30

// stoppedInstances reports stopped instances with what their volumes and
// Elastic IPs cost.
func (f *finder) stoppedInstances() error {
	now := f.opt.Cost.At
	for _, in := range f.e.StoppedInstances {
		small := &estate.Estate{}
		var vols, ips []string
		for _, v := range f.e.Volumes {
			if v.Instance == in.Name {
				small.Volumes = append(small.Volumes, v)
				vols = append(vols, v.Name)
			}
		}
		for _, ip := range f.e.PublicIPs {
			if ip.Instance == in.Name {
				small.PublicIPs = append(small.PublicIPs, ip)
				ips = append(ips, ip.Name)
			}
		}
		if len(vols) == 0 && len(ips) == 0 {
			continue // nothing of it bills (or its volumes were not read)
		}
		saving, err := f.monthly(small)
		if err != nil {
			return err
		}
		conf, since := Medium, "since an unknown date"
		if !in.StoppedSince.IsZero() {
			days := int(now.Sub(in.StoppedSince).Hours() / 24)
			since = fmt.Sprintf("for %d days (since %s)", days, in.StoppedSince.Format(time.DateOnly))
			if days > DefaultStoppedDays {
				conf = High
			}
		}
		var bills []string
		for _, v := range small.Volumes {
			bills = append(bills, fmt.Sprintf("%s (%s %s%s)", v.Name, gib(v.SizeGiB), v.Type, purposeNote(v.Purpose)))
		}
		for _, ip := range ips {
			bills = append(bills, "Elastic IP "+ip)
		}
		why := fmt.Sprintf("the instance has been stopped %s: it bills no instance hours, but %s still bill", since, strings.Join(bills, ", "))
		if in.Cluster != "" {
			why += fmt.Sprintf("; it is tagged for cluster %s: check that no node group or autoscaler expects to start it again", in.Cluster)
		}
		if conf == Medium {
			why += fmt.Sprintf("; stopped for less than %d days or since an unknown date, so it may be stopped on purpose (a schedule, a standby)", DefaultStoppedDays)
		}
		fix := fmt.Sprintf("if its data may be needed, keep an image first (aws ec2 create-image --instance-id %s --name refit-before-terminating-%s; its snapshots bill less than the volumes); then aws ec2 terminate-instances --instance-ids %s", in.Name, in.Name, in.Name)
		if len(vols) > 0 {
			fix += fmt.Sprintf("; volumes not marked DeleteOnTermination outlive it: check with aws ec2 describe-volumes --volume-ids %s and delete those left (aws ec2 delete-volume --volume-id ID)", strings.Join(vols, " "))
		}
		for _, ip := range ips {
			if awsID(ip) != "" {
				fix += "; release its Elastic IP unless it must be kept for another instance: aws ec2 release-address --allocation-id " + ip
			}
		}
		name := "instance " + in.Name
		if in.Label != "" {
			name += " (" + in.Label + ")"
		}
		if in.Type != "" {
			name += ", " + in.Type
		}
		f.add(RuleStoppedInstance, name+", stopped", saving, conf, in.Origin, fix, "%s", why)
	}
	return nil
}

func purposeNote(p string) string {
	if p == "" {
		return ""
	}
	return ", " + p
}

// idleNodes reports, per live node group, the nodes that could go: when
// some nodes' pods request less than the threshold of both their cpu and
// memory, the group keeps as many nodes as its total requests need (by the
// tighter resource, at least one and at least the group's minimum), and the
// idlest nodes above that go, at most as many as are idle.
func (f *finder) idleNodes() error {
	pct := f.opt.IdleThresholdPercent
	if pct <= 0 {
		pct = DefaultIdleThresholdPercent
	}
	accountGroups := accountGroupsByInstance(f.e)
	for _, g := range f.e.NodeGroups {
		if len(g.Nodes) == 0 || g.Role == estate.RoleMaster {
			continue
		}
		if g.MinSize == 0 {
			g.MinSize = accountMinSize(g, accountGroups)
		}
		var total, per estate.Resources
		var idle []estate.NodeUsage
		dsOnly := 0
		for _, n := range g.Nodes {
			total.MilliCPU += n.Requested.MilliCPU
			total.MemoryBytes += n.Requested.MemoryBytes
			per.MilliCPU = minPositive(per.MilliCPU, n.Allocatable.MilliCPU)
			per.MemoryBytes = minPositive(per.MemoryBytes, n.Allocatable.MemoryBytes)
			if n.DaemonSetOnly {
				dsOnly++
			}
			if isIdle(n, pct) {
				idle = append(idle, n)
			}
		}
		if len(idle) == 0 || per.MilliCPU == 0 || per.MemoryBytes == 0 {
			continue
		}
		need := max(1, g.MinSize, ceilDiv(total.MilliCPU, per.MilliCPU), ceilDiv(total.MemoryBytes, per.MemoryBytes))
		remove := min(len(g.Nodes)-need, len(idle))
		if remove <= 0 {
			continue
		}
		// The idlest go first.
		sort.SliceStable(idle, func(i, j int) bool { return usage(idle[i]) < usage(idle[j]) })
		gone := idle[:remove]
		priced := g
		priced.Count, priced.Nodes, priced.MinSize = remove, nil, 0
		if g.Distribution != nil {
			priced.Distribution = nil // a live group is one purchase option
		}
		saving, err := f.monthly(&estate.Estate{NodeGroups: []estate.NodeGroup{priced}})
		if err != nil {
			return err
		}
		conf := Medium
		var caveats []string
		if g.Purchase == estate.Spot {
			conf = Low
			caveats = append(caveats, "the group is spot: its nodes come and go, and the saving is at the spot price")
		}
		if dsOnly > 0 {
			conf = Low
			caveats = append(caveats, fmt.Sprintf("%d of its nodes run only DaemonSet pods: they may be reserved by taints for workloads that come and go, or being scaled in already", dsOnly))
		}
		var names []string
		for _, n := range gone {
			names = append(names, n.Name)
		}
		why := fmt.Sprintf("%d of its %d nodes have pods requesting under %d%% of both their cpu and memory (%s); all its pods request %s cpu and %s memory, which %d node(s) of %s cpu and %s hold (at least 1%s): %d node(s) can go (%s), leaving the rest about %s full by requests; pods must fit after the move (anti-affinity, topology spread, PodDisruptionBudgets, local storage)",
			len(idle), len(g.Nodes), pct, idleList(idle), cpuStr(total.MilliCPU), memStr(total.MemoryBytes), need, cpuStr(per.MilliCPU), memStr(per.MemoryBytes),
			minNote(g.MinSize), remove, strings.Join(names, ", "), fill(total, per, len(g.Nodes)-remove))
		if len(caveats) > 0 {
			why += "; " + strings.Join(caveats, "; ")
		}
		f.add(RuleIdleNodes, fmt.Sprintf("%s: %d of %d nodes", groupLabel(g), remove, len(g.Nodes)), saving, conf, g.Origin,
			f.idleNodesFix(g, gone), "%s", why)
	}
	return nil
}

// isIdle: both requests below pct of the allocatable.
func isIdle(n estate.NodeUsage, pct int) bool {
	a, r := n.Allocatable, n.Requested
	if a.MilliCPU <= 0 || a.MemoryBytes <= 0 {
		return false
	}
	return r.MilliCPU*100 < int64(pct)*a.MilliCPU && r.MemoryBytes*100 < int64(pct)*a.MemoryBytes
}

// usage is the larger of a node's cpu and memory request shares.
func usage(n estate.NodeUsage) float64 {
	return max(float64(n.Requested.MilliCPU)/float64(n.Allocatable.MilliCPU), float64(n.Requested.MemoryBytes)/float64(n.Allocatable.MemoryBytes))
}

func minPositive(a, b int64) int64 {
	switch {
	case b <= 0:
		return a
	case a <= 0:
		return b
	}
	return min(a, b)
}

func ceilDiv(a, b int64) int {
	if a <= 0 {
		return 0
	}
	return int((a + b - 1) / b)
}

func idleList(ns []estate.NodeUsage) string {
	var out []string
	for _, n := range ns {
		out = append(out, fmt.Sprintf("%s %.0f%% cpu %.0f%% memory", n.Name,
			100*float64(n.Requested.MilliCPU)/float64(n.Allocatable.MilliCPU), 100*float64(n.Requested.MemoryBytes)/float64(n.Allocatable.MemoryBytes)))
	}
	if len(out) > 5 {
		out = append(out[:5], fmt.Sprintf("and %d more", len(out)-5))
	}
	return strings.Join(out, ", ")
}

func minNote(m int) string {
	if m > 1 {
		return fmt.Sprintf(", and the group's minimum %d", m)
	}
	return ""
}

// fill is the tighter request share of n nodes of per holding total.
func fill(total, per estate.Resources, n int) string {
	if n <= 0 {
		return "0%"
	}
	c := float64(total.MilliCPU) / float64(per.MilliCPU*int64(n))
	m := float64(total.MemoryBytes) / float64(per.MemoryBytes*int64(n))
	return fmt.Sprintf("%.0f%%", 100*max(c, m))
}

func cpuStr(milli int64) string { return fmt.Sprintf("%.2f", float64(milli)/1000) }

func memStr(b int64) string { return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30)) }

// idleNodesFix drains the nodes that go, then shrinks their groups with the
// tool that owns them (read from the nodes' labels).
func (f *finder) idleNodesFix(g estate.NodeGroup, gone []estate.NodeUsage) string {
	var names []string
	byGroup := map[[2]string][]estate.NodeUsage{}
	var order [][2]string
	for _, n := range gone {
		names = append(names, n.Name)
		k := [2]string{n.GroupKind, n.Group}
		if _, ok := byGroup[k]; !ok {
			order = append(order, k)
		}
		byGroup[k] = append(byGroup[k], n)
	}
	// Nodes per labelled group in the whole estate, for the new size.
	size := map[[2]string]int{}
	for _, og := range f.e.NodeGroups {
		for _, n := range og.Nodes {
			size[[2]string{n.GroupKind, n.Group}]++
		}
	}
	cluster := clusterShortName(f.clusterName(g))
	steps := []string{fmt.Sprintf("for n in %s; do kubectl drain $n --ignore-daemonsets --delete-emptydir-data; done", strings.Join(names, " "))}
	for _, k := range order {
		nodes := byGroup[k]
		kind, name := k[0], k[1]
		left := size[k] - len(nodes)
		switch kind {
		case "eks", "eksctl":
			steps = append(steps, fmt.Sprintf("eksctl scale nodegroup --cluster %s --name %s --nodes %d (lower --nodes-min too if it is above %d; the Auto Scaling group picks which instances end, so uncordon any drained node it keeps)", cluster, name, left, left))
		case "kops":
			steps = append(steps, fmt.Sprintf("kops edit ig %s --name %s: set spec.minSize and spec.maxSize to %d; kops update cluster --name %s --yes (uncordon any drained node the group keeps)", name, cluster, left, cluster))
		case "karpenter":
			steps = append(steps, fmt.Sprintf("Karpenter removes the drained nodes of NodePool %s when its spec.disruption.consolidationPolicy is WhenEmptyOrUnderutilized (https://karpenter.sh/docs/concepts/disruption/); else kubectl delete node for each, which Karpenter terminates", name))
		default:
			var ids []string
			for _, n := range nodes {
				if n.InstanceID != "" {
					ids = append(ids, n.InstanceID)
				}
			}
			if len(ids) == len(nodes) {
				steps = append(steps, fmt.Sprintf("for i in %s; do aws autoscaling terminate-instance-in-auto-scaling-group --instance-id $i --should-decrement-desired-capacity; done (then lower the group's minimum and desired size where they are defined)", strings.Join(ids, " ")))
			} else {
				steps = append(steps, fmt.Sprintf("lower the desired capacity of their Auto Scaling group by %d and terminate the drained instances", len(nodes)))
			}
		}
	}
	return strings.Join(steps, "; then ")
}

// clusterShortName turns a kubeconfig context into the cluster name eksctl
// and kops take: the name after "cluster/" in an EKS ARN, the name before
// the region in eksctl's "user@NAME.REGION.eksctl.io", else as it is.
func clusterShortName(c string) string {
	if _, after, ok := strings.Cut(c, ":cluster/"); ok && strings.HasPrefix(c, "arn:") {
		return after
	}
	if _, after, ok := strings.Cut(c, "@"); ok && strings.HasSuffix(after, ".eksctl.io") {
		name, _, _ := strings.Cut(after, ".")
		return name
	}
	return c
}

// liveClaim reports whether a claim comes from a live cluster (bound to a
// volume the cluster named).
func liveClaim(c estate.Claim) bool { return c.Volume != "" }

// claimFix deletes a claim a live cluster reports unmounted, with its
// volume when the reclaim policy keeps it.
func claimFix(c estate.Claim) string {
	fix := fmt.Sprintf("check that nothing will mount it again (a CronJob, a StatefulSet scaled to zero), then kubectl delete pvc -n %s %s", c.Namespace, c.Name)
	vol := c.VolumeID
	if vol == "" {
		vol = fmt.Sprintf(`"$(kubectl get pv %s -o jsonpath='{.spec.csi.volumeHandle}{.spec.awsElasticBlockStore.volumeID}' | sed 's|.*/||')"`, c.Volume)
	}
	switch c.ReclaimPolicy {
	case "Retain":
		return fmt.Sprintf("%s; its PersistentVolume %s has reclaimPolicy Retain, so the EBS volume stays and bills: then kubectl delete pv %s && aws ec2 delete-volume --volume-id %s (aws ec2 create-snapshot --volume-id %s first if the data matters)",
			fix, c.Volume, c.Volume, vol, vol)
	case "Delete":
		return fmt.Sprintf("aws ec2 create-snapshot --volume-id %s if the data matters; %s; its PersistentVolume %s has reclaimPolicy Delete, so the EBS volume goes with it", vol, fix, c.Volume)
	}
	return fmt.Sprintf("%s; if its PersistentVolume %s has reclaimPolicy Retain, the EBS volume stays: then kubectl delete pv %s && aws ec2 delete-volume --volume-id %s", fix, c.Volume, c.Volume, vol)
}

// accountGroupsByInstance maps each EC2 instance an account lists (with
// --aws) to its group.
func accountGroupsByInstance(e *estate.Estate) map[string]*estate.NodeGroup {
	out := map[string]*estate.NodeGroup{}
	for i := range e.NodeGroups {
		for _, id := range e.NodeGroups[i].InstanceIDs {
			out[id] = &e.NodeGroups[i]
		}
	}
	return out
}

// accountMinSize is the minimum size of the account's group (an EKS managed
// node group's scaling configuration) whose instances are exactly the
// cluster group's nodes; 0 when there is none, or when the account's group
// holds other nodes too (its minimum then bounds them together).
func accountMinSize(g estate.NodeGroup, byInstance map[string]*estate.NodeGroup) int {
	var acct *estate.NodeGroup
	for _, n := range g.Nodes {
		a := byInstance[n.InstanceID]
		if n.InstanceID == "" || a == nil || (acct != nil && a != acct) {
			return 0
		}
		acct = a
	}
	if acct == nil || len(acct.InstanceIDs) != len(g.Nodes) {
		return 0
	}
	return acct.MinSize
}
