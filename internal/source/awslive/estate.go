package awslive

import (
	"fmt"
	"sort"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
)

// Estate maps the whole inventory to an estate. Region is set when the
// inventory covers one region; use RegionEstate to price a region of many.
func (inv *Inventory) Estate() *estate.Estate {
	e := inv.build(func(string) bool { return true })
	if len(inv.Regions) == 1 {
		e.Region = inv.Regions[0]
		e.RegionOrigin = estate.Origin{Ref: "aws region " + e.Region}
	}
	return e
}

// RegionEstate maps the part of the inventory in one region.
func (inv *Inventory) RegionEstate(region string) *estate.Estate {
	e := inv.build(func(r string) bool { return r == region })
	e.Region = region
	e.RegionOrigin = estate.Origin{Ref: "aws region " + region}
	return e
}

// Tags that name a node's cluster and group. EKS managed node groups tag
// their instances eks:cluster-name and eks:nodegroup-name; eksctl tags
// alpha.eksctl.io/*; kops tags KubernetesCluster and
// kops.k8s.io/instancegroup; every cluster tags kubernetes.io/cluster/NAME.
// (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html,
// https://kops.sigs.k8s.io/labels/)
const (
	tagEKSCluster      = "eks:cluster-name"
	tagAWSEKSCluster   = "aws:eks:cluster-name"
	tagEKSNodegroup    = "eks:nodegroup-name"
	tagEksctlCluster   = "alpha.eksctl.io/cluster-name"
	tagEksctlNodegroup = "alpha.eksctl.io/nodegroup-name"
	tagKopsCluster     = "KubernetesCluster"
	tagKopsIG          = "kops.k8s.io/instancegroup"
	tagASG             = "aws:autoscaling:groupName"
	tagClusterPrefix   = "kubernetes.io/cluster/"
)

// clusterOf returns the Kubernetes cluster an instance belongs to, if any.
func clusterOf(tags map[string]string) string {
	for _, k := range []string{tagEKSCluster, tagAWSEKSCluster, tagEksctlCluster, tagKopsCluster} {
		if v := tags[k]; v != "" {
			return v
		}
	}
	var names []string
	for k, v := range tags {
		if name, ok := strings.CutPrefix(k, tagClusterPrefix); ok && name != "" && (v == "owned" || v == "shared") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) > 0 {
		return names[0]
	}
	return ""
}

// groupKey says which NodeGroup an instance goes to.
type groupKey struct {
	region, cluster, name string
	role                  estate.NodeRole
	managed, kops         bool
}

func keyOf(i Instance) groupKey {
	t := i.Tags
	k := groupKey{region: i.Region, cluster: clusterOf(t), role: estate.RoleNode}
	switch {
	case t[tagEKSNodegroup] != "":
		k.name, k.managed = t[tagEKSNodegroup], true
	case t[tagEksctlNodegroup] != "":
		k.name = t[tagEksctlNodegroup]
	case t[tagKopsIG] != "":
		k.name, k.kops = t[tagKopsIG], true
		switch {
		case t["k8s.io/role/master"] != "" || t["k8s.io/role/control-plane"] != "":
			k.role = estate.RoleMaster
		case t["k8s.io/role/bastion"] != "":
			k.role = estate.RoleBastion
		}
	case t[tagASG] != "":
		k.name = t[tagASG]
	default:
		k.name = i.ID
		if n := t["Name"]; n != "" {
			k.name = n + " (" + i.ID + ")"
		}
		k.role = estate.RoleInstance
		k.cluster = ""
	}
	if k.cluster == "" && k.role == estate.RoleNode {
		k.role = estate.RoleInstance // an Auto Scaling group outside any cluster
	}
	return k
}

// shape splits a group by what the cost engine prices per group: the
// instance type, whether each instance has an auto-assigned public IPv4
// address, and the root volume.
type shape struct {
	typ      string
	publicIP bool
	root     rootShape
}

// bucket holds the running instances of one group and shape.
type bucket struct {
	key       groupKey
	shape     shape
	instances []Instance
}

type rootShape struct {
	typ                    string
	size, iops, throughput int
}

func (inv *Inventory) build(in func(region string) bool) *estate.Estate {
	e := &estate.Estate{}
	defer inv.environments(e, in)
	vols := map[string]Volume{}
	for _, v := range inv.Volumes {
		vols[v.ID] = v
	}
	eips := map[string]bool{}
	for _, a := range inv.Addresses {
		eips[a.PublicIP] = true
	}
	managed := map[[3]string]NodeGroup{}
	for _, g := range inv.NodeGroups {
		managed[[3]string{g.Region, g.Cluster, g.Name}] = g
	}

	// Clusters: EKS from the EKS API, kops from its instances' tags.
	seen := map[[2]string]bool{}
	for _, c := range inv.Clusters {
		if !in(c.Region) {
			continue
		}
		seen[[2]string{c.Region, c.Name}] = true
		e.Clusters = append(e.Clusters, estate.Cluster{
			Name: c.Name, ControlPlane: estate.ControlPlaneEKS, KubernetesVersion: c.Version,
			Source: "aws", Origin: estate.Origin{Ref: c.ARN},
		})
	}

	// Node groups: running instances, by group and shape.
	buckets := map[groupKey]map[shape]*bucket{}
	var keys []groupKey
	countedRoots, roots := map[string]bool{}, map[string]bool{}
	for _, i := range inv.Instances {
		roots[i.RootVolumeID] = true
	}
	for _, i := range inv.Instances {
		if !in(i.Region) || !i.Running() {
			continue
		}
		k := keyOf(i)
		if k.kops && k.cluster != "" && !seen[[2]string{k.region, k.cluster}] {
			seen[[2]string{k.region, k.cluster}] = true
			e.Clusters = append(e.Clusters, estate.Cluster{
				Name: k.cluster, ControlPlane: estate.ControlPlaneSelfManaged, Source: "aws", Origin: estate.Origin{Ref: i.ARN},
			})
		}
		s := shape{typ: i.Type, publicIP: i.PublicIP != "" && !eips[i.PublicIP]}
		if v, ok := vols[i.RootVolumeID]; ok {
			s.root = rootShape{v.Type, v.SizeGiB, v.IOPS, v.ThroughputMiBps}
			countedRoots[v.ID] = true
		}
		if buckets[k] == nil {
			buckets[k] = map[shape]*bucket{}
			keys = append(keys, k)
		}
		b := buckets[k][s]
		if b == nil {
			b = &bucket{key: k, shape: s}
			buckets[k][s] = b
		}
		b.instances = append(b.instances, i)
	}
	sort.Slice(keys, func(a, b int) bool {
		x, y := keys[a], keys[b]
		return x.region+"\x00"+x.cluster+"\x00"+x.name < y.region+"\x00"+y.cluster+"\x00"+y.name
	})
	for _, k := range keys {
		shapes := make([]*bucket, 0, len(buckets[k]))
		for _, b := range buckets[k] {
			shapes = append(shapes, b)
		}
		sort.Slice(shapes, func(a, b int) bool { return shapes[a].instances[0].ID < shapes[b].instances[0].ID })
		for _, b := range shapes {
			g := estate.NodeGroup{
				Name: k.name, Cluster: k.cluster, Role: k.role, InstanceTypes: []string{b.shape.typ},
				Count: len(b.instances), Purchase: estate.OnDemand, PublicIP: b.shape.publicIP,
				Managed: k.managed, Origin: estate.Origin{Ref: b.instances[0].ARN},
			}
			if len(shapes) > 1 {
				g.Name = fmt.Sprintf("%s (%s)", k.name, shapeLabel(b.shape, shapes))
			}
			spot, zones := 0, []string{}
			for _, i := range b.instances {
				g.InstanceIDs = append(g.InstanceIDs, i.ID)
				if i.Spot {
					spot++
				}
				if i.Zone != "" {
					zones = append(zones, i.Zone)
				}
			}
			g.Zones = sortedUnique(zones)
			switch {
			case spot == g.Count:
				g.Purchase = estate.Spot
			case spot > 0:
				// Mixed: the on-demand instances as the base capacity, the
				// rest spot.
				g.Purchase = estate.Spot
				g.Distribution = &estate.InstancesDistribution{OnDemandBaseCapacity: g.Count - spot}
			}
			if r := b.shape.root; r.size > 0 {
				g.RootVolume = estate.Volume{Type: r.typ, SizeGiB: float64(r.size), IOPS: r.iops, ThroughputMiBps: r.throughput, Purpose: "root"}
			}
			if m, ok := managed[[3]string{k.region, k.cluster, k.name}]; ok && k.managed {
				g.MinSize, g.MaxSize, g.Labels, g.Taints = m.MinSize, m.MaxSize, m.Labels, m.Taints
				g.Origin = estate.Origin{Ref: m.ARN}
			}
			e.NodeGroups = append(e.NodeGroups, g)
		}
	}

	for _, p := range inv.FargateProfiles {
		if !in(p.Region) {
			continue
		}
		fp := estate.FargateProfile{Name: p.Name, Cluster: p.Cluster, Origin: estate.Origin{Ref: p.ARN}}
		for _, s := range p.Selectors {
			fp.Selectors = append(fp.Selectors, estate.FargateSelector{Namespace: s.Namespace, Labels: s.Labels})
		}
		e.FargateProfiles = append(e.FargateProfiles, fp)
	}

	// Volumes: all but the root volumes priced with their node group.
	// A stopped instance bills no hours: it is listed apart, and its
	// volumes and Elastic IPs name it.
	for _, i := range inv.Instances {
		if !in(i.Region) || !i.Stopped() {
			continue
		}
		e.StoppedInstances = append(e.StoppedInstances, estate.StoppedInstance{
			Name: i.ID, Label: i.Tags["Name"], Type: i.Type, Cluster: clusterOf(i.Tags),
			StoppedSince: i.StoppedSince, Reason: i.StateReason, Origin: estate.Origin{Ref: i.ARN},
		})
	}
	for _, v := range inv.Volumes {
		if !in(v.Region) || countedRoots[v.ID] {
			continue
		}
		attached := v.Attached()
		purpose := ""
		switch {
		case roots[v.ID]:
			purpose = "root" // of a stopped instance
		case attached:
			purpose = "data"
		}
		instance := ""
		if attached {
			instance = v.Instances[0]
		}
		e.Volumes = append(e.Volumes, estate.Volume{
			Name: v.ID, Type: v.Type, SizeGiB: float64(v.SizeGiB), IOPS: v.IOPS, ThroughputMiBps: v.ThroughputMiBps,
			Purpose: purpose, Attached: &attached, Instance: instance, Origin: estate.Origin{Ref: v.ARN},
		})
	}
	for _, s := range inv.Snapshots {
		if in(s.Region) {
			e.Snapshots = append(e.Snapshots, estate.Snapshot{Name: s.ID, SizeGiB: float64(s.SizeGiB), Archive: s.Archive,
				Created: s.Created, SourceGone: s.VolumeID != "" && !s.SourceVolumeExists, Origin: estate.Origin{Ref: s.ARN}})
		}
	}
	for _, n := range inv.NATGateways {
		if in(n.Region) {
			e.NATGateways = append(e.NATGateways, estate.NATGateway{Name: n.ID, Zone: n.Zone, Origin: estate.Origin{Ref: n.ARN}})
		}
	}
	for _, a := range inv.Addresses {
		if !in(a.Region) {
			continue
		}
		ip := estate.PublicIP{Name: a.AllocationID, Attached: a.Associated, Instance: a.InstanceID, Origin: estate.Origin{Ref: a.ARN}}
		if a.NATGateway != "" {
			// The name the waste rules use to tie an address to its gateway.
			ip.Name, ip.Purpose, ip.Attached = "of NAT gateway "+a.NATGateway, "nat", true
		}
		e.PublicIPs = append(e.PublicIPs, ip)
	}
	for _, lb := range inv.LoadBalancers {
		if !in(lb.Region) {
			continue
		}
		var t estate.LoadBalancerType
		switch lb.Type {
		case "application":
			t = estate.ALB
		case "network":
			t = estate.NLB
		case "classic":
			t = estate.CLB
		default:
			continue // gateway load balancers have no estate type yet
		}
		targets, healthy := lb.Targets, lb.HealthyTargets
		e.LoadBalancers = append(e.LoadBalancers, estate.LoadBalancer{Name: lb.Name, Type: t, Internal: lb.Internal,
			Targets: &targets, HealthyTargets: &healthy, DNSName: lb.DNSName, Origin: estate.Origin{Ref: lb.ARN}})
	}
	for _, d := range inv.Databases {
		if !in(d.Region) || d.Status == "stopped" || d.Status == "stopping" || d.Status == "deleting" {
			continue // a stopped instance bills storage only, which the estate cannot say yet
		}
		e.Databases = append(e.Databases, estate.Database{
			Name: d.ID, Engine: d.Engine, InstanceClass: d.InstanceClass, MultiAZ: d.MultiAZ,
			StorageGiB: float64(d.StorageGiB), StorageType: d.StorageType, Origin: estate.Origin{Ref: d.ARN},
		})
	}
	return e
}

// shapeLabel names one shape of a group split in several, by what differs.
func shapeLabel(s shape, all []*bucket) string {
	types, ips, roots := map[string]bool{}, map[bool]bool{}, map[rootShape]bool{}
	for _, b := range all {
		types[b.shape.typ], ips[b.shape.publicIP], roots[b.shape.root] = true, true, true
	}
	var parts []string
	if len(types) > 1 {
		parts = append(parts, s.typ)
	}
	if len(ips) > 1 {
		if s.publicIP {
			parts = append(parts, "public IPv4")
		} else {
			parts = append(parts, "no public IPv4")
		}
	}
	if len(roots) > 1 {
		parts = append(parts, fmt.Sprintf("%d GiB %s root", s.root.size, s.root.typ))
	}
	return strings.Join(parts, ", ")
}

// environments adds the Elastic Beanstalk environments that still run, each
// with its running instances (tagged elasticbeanstalk:environment-name).
func (inv *Inventory) environments(e *estate.Estate, in func(region string) bool) {
	for _, env := range inv.Environments {
		if !in(env.Region) || env.Status == "Terminated" || env.Status == "Terminating" {
			continue
		}
		ee := estate.Environment{Name: env.Name, Platform: env.Platform, Health: env.Health, Updated: env.Updated, Origin: estate.Origin{Ref: env.ARN}}
		for _, i := range inv.Instances {
			if i.Region != env.Region || !i.Running() || i.Tags["elasticbeanstalk:environment-name"] != env.Name {
				continue
			}
			p := estate.OnDemand
			if i.Spot {
				p = estate.Spot
			}
			ee.Instances = append(ee.Instances, estate.NodeGroup{Name: i.ID, Role: estate.RoleInstance, InstanceTypes: []string{i.Type},
				Count: 1, Purchase: p, Origin: estate.Origin{Ref: i.ARN}})
		}
		e.Environments = append(e.Environments, ee)
	}
}
