package kops

import (
	"fmt"
	"slices"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/yamldoc"
)

// addInstanceGroup parses an InstanceGroup document and adds it to the
// cluster it belongs to: the one its kops.k8s.io/cluster label names, or the
// only cluster.
func addInstanceGroup(d yamldoc.Document, clusters []*cluster) error {
	r := &reader{doc: d}
	meta := r.mapping(d.Node, "metadata")
	name := r.str(meta, "name")
	labels := r.strMap(meta, "labels")
	spec := r.mapping(d.Node, "spec")
	if r.err != nil {
		return r.err
	}
	if name == "" {
		return d.Errorf("InstanceGroup has no metadata.name")
	}
	if spec == nil {
		return d.Errorf("InstanceGroup %q has no spec", name)
	}

	var c *cluster
	if want := labels[clusterLabel]; want != "" {
		for _, o := range clusters {
			if o.name == want {
				c = o
			}
		}
		if c == nil {
			return d.Errorf("InstanceGroup %q: label %s=%s names no Cluster document", name, clusterLabel, want)
		}
	} else if len(clusters) == 1 {
		c = clusters[0]
	} else {
		return d.Errorf("InstanceGroup %q has no %s label, and there are %d clusters", name, clusterLabel, len(clusters))
	}
	for _, g := range c.groups {
		if g.Name == name {
			return d.Errorf("InstanceGroup %q of cluster %q is defined twice (also at %s)", name, c.name, g.Origin)
		}
	}

	g := estate.NodeGroup{Name: name, Cluster: c.name, Origin: d.Origin(), Purchase: estate.OnDemand}

	// Role: Master and ControlPlane run the control plane; APIServer groups
	// run an API server beside ordinary node duties.
	var defaultSize, defaultRoot int
	switch role := r.str(spec, "role"); strings.ToLower(role) {
	case "master", "controlplane":
		g.Role, defaultSize, defaultRoot = estate.RoleMaster, defaultSizeMaster, defaultRootSizeMaster
	case "node", "apiserver":
		g.Role, defaultSize, defaultRoot = estate.RoleNode, defaultSizeNode, defaultRootSizeNode
	case "bastion":
		g.Role, defaultSize, defaultRoot = estate.RoleBastion, defaultSizeBastion, defaultRootSizeBastion
	case "":
		if r.err == nil {
			return d.Errorf("InstanceGroup %q: spec.role is not set", name)
		}
	default:
		return d.OriginAt(r.at(spec, "role")).Errorf("InstanceGroup %q: role %q is not Master, ControlPlane, Node, APIServer or Bastion", name, role)
	}

	// Instance types: machineType may list several, comma-separated; the
	// launch template uses the first (pkg/model/awsmodel/autoscalinggroup.go).
	// A mixed instances policy lists the types the group may use.
	for _, t := range strings.Split(r.str(spec, "machineType"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			g.InstanceTypes = append(g.InstanceTypes, t)
		}
	}
	mip := r.mapping(spec, "mixedInstancesPolicy")
	if types := r.strList(mip, "instances"); len(types) > 0 {
		g.InstanceTypes = types
	}
	if r.err != nil {
		return r.err
	}
	if len(g.InstanceTypes) == 0 {
		return d.OriginAt(spec).Errorf("InstanceGroup %q: spec.machineType is not set", name)
	}

	// Size: the group runs minSize instances unless something scales it.
	minSize, minSet := r.count(spec, "minSize")
	maxSize, maxSet := r.count(spec, "maxSize")
	if !minSet {
		minSize = defaultSize
	}
	switch {
	case !maxSet:
		maxSize = max(defaultSize, minSize)
	case maxSize < minSize && r.err == nil:
		return d.OriginAt(r.at(spec, "maxSize")).Errorf("InstanceGroup %q: maxSize %d is less than minSize %d", name, maxSize, minSize)
	}
	g.Count, g.MinSize, g.MaxSize = minSize, minSize, maxSize

	// Purchase option. With a mixed instances policy the Auto Scaling group
	// runs onDemandBase on-demand instances, then onDemandAboveBase percent
	// of the rest on demand (default 100: all of them). Without one, a
	// maxPrice makes the whole group spot.
	if mip != nil {
		base, _ := r.count(mip, "onDemandBase")
		above, ok := r.count(mip, "onDemandAboveBase")
		if !ok {
			above = defaultOnDemandAboveBase
		}
		if above > 100 && r.err == nil {
			return d.OriginAt(r.at(mip, "onDemandAboveBase")).Errorf("InstanceGroup %q: onDemandAboveBase %d is more than 100", name, above)
		}
		if above < 100 {
			g.Purchase = estate.Spot
			g.Distribution = &estate.InstancesDistribution{OnDemandBaseCapacity: base, OnDemandPercentageAboveBaseCapacity: above}
		}
	} else if r.str(spec, "maxPrice") != "" {
		g.Purchase = estate.Spot
	}

	// Root volume, with kops' defaults by role.
	g.RootVolume = estate.Volume{Name: name + " root", Purpose: "root", Origin: d.OriginAt(r.at(spec, "rootVolumeSize"))}
	size, ok := r.size(spec, "rootVolumeSize")
	if !ok {
		size = float64(defaultRoot)
	}
	typ := strings.ToLower(r.str(spec, "rootVolumeType"))
	if typ == "" {
		typ = defaultVolumeType
	}
	iops, _ := r.count(spec, "rootVolumeIops")
	tp, _ := r.count(spec, "rootVolumeThroughput")
	g.RootVolume.SizeGiB, g.RootVolume.Type = size, typ
	g.RootVolume.IOPS, g.RootVolume.ThroughputMiBps = ebsPerformance(typ, iops, tp)

	// Zones: the zones of the group's subnets. Without subnets, kops puts
	// bastions in the utility subnets and other groups in the rest
	// (upup/pkg/fi/cloudup/populate_instancegroup_spec.go).
	var subnets []subnet
	for _, it := range r.list(spec, "subnets") {
		sn := r.scalarOf(it, "subnets")
		s, ok := c.subnet(sn)
		if !ok && r.err == nil {
			return d.OriginAt(it).Errorf("InstanceGroup %q: subnet %q is not in cluster %q's spec.subnets", name, sn, c.name)
		}
		subnets = append(subnets, s)
	}
	if r.err != nil {
		return r.err
	}
	if len(subnets) == 0 {
		for _, s := range c.subnets {
			if (s.typ == "Utility") == (g.Role == estate.RoleBastion) {
				subnets = append(subnets, s)
			}
		}
	}
	for _, s := range subnets {
		if !slices.Contains(g.Zones, s.zone) {
			g.Zones = append(g.Zones, s.zone)
		}
	}
	// Instances in a public or utility subnet get a public IPv4 address
	// unless associatePublicIp is false; in private subnets never
	// (pkg/model/awsmodel/autoscalinggroup.go).
	if len(subnets) > 0 && subnets[0].public() {
		assoc, set := r.boolean(spec, "associatePublicIp")
		g.PublicIP = !set || assoc
	}

	g.Labels = r.strMap(spec, "nodeLabels")
	g.Taints = r.strList(spec, "taints")

	// Additional volumes, one set per instance.
	var extra []estate.Volume
	for i, v := range r.list(spec, "volumes") {
		size, ok := r.size(v, "size")
		if !ok && r.err == nil {
			return d.OriginAt(v).Errorf("InstanceGroup %q: volumes[%d].size is not set", name, i)
		}
		typ := strings.ToLower(r.str(v, "type"))
		if typ == "" {
			typ = defaultVolumeType
		}
		iops, _ := r.count(v, "iops")
		tp, _ := r.count(v, "throughput")
		iops, tp = ebsPerformance(typ, iops, tp)
		if g.Count == 0 {
			continue
		}
		label := r.str(v, "device")
		if label == "" {
			label = fmt.Sprintf("volume %d", i)
		}
		extra = append(extra, estate.Volume{
			Name: name + " " + label, Type: typ, SizeGiB: size, IOPS: iops, ThroughputMiBps: tp,
			Count: g.Count, Purpose: "data", Origin: d.OriginAt(v),
		})
	}
	if r.err != nil {
		return r.err
	}
	c.groups = append(c.groups, g)
	c.extraVolumes = append(c.extraVolumes, extra...)
	return nil
}
