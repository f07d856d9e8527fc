package kops

import (
	"fmt"
	"slices"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// addInstanceGroup parses an InstanceGroup document and adds it to the
// cluster it belongs to: the one its kops.k8s.io/cluster label names, or the
// only cluster.
func addInstanceGroup(d yamldoc.Document, clusters []*cluster) error {
	r := &yamldoc.Reader{Doc: d}
	meta := r.Mapping(d.Node, "metadata")
	name := r.Str(meta, "name")
	labels := r.StrMap(meta, "labels")
	spec := r.Mapping(d.Node, "spec")
	if r.Err != nil {
		return r.Err
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
	switch role := r.Str(spec, "role"); strings.ToLower(role) {
	case "master", "controlplane":
		g.Role, defaultSize, defaultRoot = estate.RoleMaster, defaultSizeMaster, defaultRootSizeMaster
	case "node", "apiserver":
		g.Role, defaultSize, defaultRoot = estate.RoleNode, defaultSizeNode, defaultRootSizeNode
	case "bastion":
		g.Role, defaultSize, defaultRoot = estate.RoleBastion, defaultSizeBastion, defaultRootSizeBastion
	case "":
		if r.Err == nil {
			return d.Errorf("InstanceGroup %q: spec.role is not set", name)
		}
	default:
		return d.OriginAt(r.At(spec, "role")).Errorf("InstanceGroup %q: role %q is not Master, ControlPlane, Node, APIServer or Bastion", name, role)
	}

	// Instance types: machineType may list several, comma-separated; the
	// launch template uses the first (pkg/model/awsmodel/autoscalinggroup.go).
	// A mixed instances policy lists the types the group may use.
	for _, t := range strings.Split(r.Str(spec, "machineType"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			g.InstanceTypes = append(g.InstanceTypes, t)
		}
	}
	mip := r.Mapping(spec, "mixedInstancesPolicy")
	if types := r.StrList(mip, "instances"); len(types) > 0 {
		g.InstanceTypes = types
	}
	if r.Err != nil {
		return r.Err
	}
	if len(g.InstanceTypes) == 0 {
		return d.OriginAt(spec).Errorf("InstanceGroup %q: spec.machineType is not set", name)
	}

	// Size: the group runs minSize instances unless something scales it.
	minSize, minSet := r.Count(spec, "minSize")
	maxSize, maxSet := r.Count(spec, "maxSize")
	if !minSet {
		minSize = defaultSize
	}
	switch {
	case !maxSet:
		maxSize = max(defaultSize, minSize)
	case maxSize < minSize && r.Err == nil:
		return d.OriginAt(r.At(spec, "maxSize")).Errorf("InstanceGroup %q: maxSize %d is less than minSize %d", name, maxSize, minSize)
	}
	g.Count, g.MinSize, g.MaxSize = minSize, minSize, maxSize

	// Purchase option. With a mixed instances policy the Auto Scaling group
	// runs onDemandBase on-demand instances, then onDemandAboveBase percent
	// of the rest on demand (default 100: all of them). Without one, a
	// maxPrice makes the whole group spot.
	if mip != nil {
		base, _ := r.Count(mip, "onDemandBase")
		above, ok := r.Count(mip, "onDemandAboveBase")
		if !ok {
			above = defaultOnDemandAboveBase
		}
		if above > 100 && r.Err == nil {
			return d.OriginAt(r.At(mip, "onDemandAboveBase")).Errorf("InstanceGroup %q: onDemandAboveBase %d is more than 100", name, above)
		}
		if above < 100 {
			g.Purchase = estate.Spot
			g.Distribution = &estate.InstancesDistribution{OnDemandBaseCapacity: base, OnDemandPercentageAboveBaseCapacity: above}
		}
	} else if r.Str(spec, "maxPrice") != "" {
		g.Purchase = estate.Spot
	}

	// Root volume, with kops' defaults by role.
	g.RootVolume = estate.Volume{Name: name + " root", Purpose: "root", Origin: d.OriginAt(r.At(spec, "rootVolumeSize"))}
	size, ok := r.Size(spec, "rootVolumeSize")
	if !ok {
		size = float64(defaultRoot)
	}
	typ := strings.ToLower(r.Str(spec, "rootVolumeType"))
	if typ == "" {
		typ = defaultVolumeType
	}
	iops, _ := r.Count(spec, "rootVolumeIops")
	tp, _ := r.Count(spec, "rootVolumeThroughput")
	g.RootVolume.SizeGiB, g.RootVolume.Type = size, typ
	g.RootVolume.IOPS, g.RootVolume.ThroughputMiBps = ebsPerformance(typ, iops, tp)

	// Zones: the zones of the group's subnets. Without subnets, kops puts
	// bastions in the utility subnets and other groups in the rest
	// (upup/pkg/fi/cloudup/populate_instancegroup_spec.go).
	var subnets []subnet
	for _, it := range r.List(spec, "subnets") {
		sn := r.ScalarOf(it, "subnets")
		s, ok := c.subnet(sn)
		if !ok && r.Err == nil {
			return d.OriginAt(it).Errorf("InstanceGroup %q: subnet %q is not in cluster %q's spec.subnets", name, sn, c.name)
		}
		subnets = append(subnets, s)
	}
	if r.Err != nil {
		return r.Err
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
		assoc, set := r.Boolean(spec, "associatePublicIp")
		g.PublicIP = !set || assoc
	}

	g.Labels = r.StrMap(spec, "nodeLabels")
	g.Taints = r.StrList(spec, "taints")

	// Additional volumes, one set per instance.
	var extra []estate.Volume
	for i, v := range r.List(spec, "volumes") {
		size, ok := r.Size(v, "size")
		if !ok && r.Err == nil {
			return d.OriginAt(v).Errorf("InstanceGroup %q: volumes[%d].size is not set", name, i)
		}
		typ := strings.ToLower(r.Str(v, "type"))
		if typ == "" {
			typ = defaultVolumeType
		}
		iops, _ := r.Count(v, "iops")
		tp, _ := r.Count(v, "throughput")
		iops, tp = ebsPerformance(typ, iops, tp)
		if g.Count == 0 {
			continue
		}
		label := r.Str(v, "device")
		if label == "" {
			label = fmt.Sprintf("volume %d", i)
		}
		extra = append(extra, estate.Volume{
			Name: name + " " + label, Type: typ, SizeGiB: size, IOPS: iops, ThroughputMiBps: tp,
			Count: g.Count, Purpose: "data", Origin: d.OriginAt(v),
		})
	}
	if r.Err != nil {
		return r.Err
	}
	c.groups = append(c.groups, g)
	c.extraVolumes = append(c.extraVolumes, extra...)
	return nil
}
