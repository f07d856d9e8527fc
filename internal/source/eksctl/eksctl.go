// Package eksctl translates an eksctl ClusterConfig (eksctl.io/v1alpha5) into
// an Estate: the EKS cluster, its self-managed and managed node groups, its
// Fargate profiles, and the NAT gateways eksctl creates in a new VPC. Each
// default below cites the eksctl source it comes from
// (https://github.com/eksctl-io/eksctl).
package eksctl

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/yamldoc"
)

const apiVersion = "eksctl.io/v1alpha5"

// Defaults of eksctl.
const (
	// Instance type and node count of a node group that sets neither:
	// pkg/apis/eksctl.io/v1alpha5/types.go (DefaultNodeType = m5.large,
	// DefaultNodeCount = 2).
	defaultInstanceType = "m5.large"
	defaultNodeCount    = 2

	// Root volume: pkg/apis/eksctl.io/v1alpha5/types.go (DefaultNodeVolumeSize
	// = 80, DefaultNodeVolumeType = gp3, DefaultNodeVolumeGP3IOPS = 3000,
	// DefaultNodeVolumeThroughput = 125, DefaultNodeVolumeIO1IOPS = 100),
	// applied by setVolumeDefaults in defaults.go.
	defaultVolumeSizeGiB     = 80
	defaultVolumeType        = "gp3"
	defaultGP3IOPS           = 3000
	defaultGP3Throughput     = 125
	defaultIO1IOPS           = 100
	defaultOnDemandAboveBase = 100 // instancesDistribution.onDemandPercentageAboveBaseCapacity, types.go: "Defaults to `100`"

	// NAT: pkg/apis/eksctl.io/v1alpha5/vpc.go, ClusterNATDefault = Single.
	defaultNAT = "single"

	// Zones eksctl picks for a new VPC: RecommendedAvailabilityZones = 3
	// (pkg/apis/eksctl.io/v1alpha5/vpc.go), except in us-east-1 where it
	// picks MinRequiredAvailabilityZones = 2 (pkg/az/az.go).
	defaultZones         = 3
	defaultZonesUSEast1  = 2
	eksctlClusterLabel   = "alpha.eksctl.io/cluster-name"
	eksctlNodeGroupLabel = "alpha.eksctl.io/nodegroup-name"
)

var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// Parse translates one eksctl.io/v1alpha5 ClusterConfig document into an
// Estate. Any other document is an error naming file and line.
func Parse(doc yamldoc.Document) (*estate.Estate, error) {
	if doc.Group() != "eksctl.io" || doc.Kind != "ClusterConfig" {
		return nil, doc.Errorf("expected an eksctl ClusterConfig (%s), found apiVersion %q kind %q", apiVersion, doc.APIVersion, doc.Kind)
	}
	if doc.APIVersion != apiVersion {
		return nil, doc.Errorf("apiVersion %q is not supported (want %s)", doc.APIVersion, apiVersion)
	}
	r := &yamldoc.Reader{Doc: doc}
	root := doc.Node
	meta := r.Mapping(root, "metadata")
	name := r.Str(meta, "name")
	region := r.Str(meta, "region")
	version := r.Str(meta, "version")
	zones := r.StrList(root, "availabilityZones")
	if r.Err != nil {
		return nil, r.Err
	}
	if name == "" {
		return nil, doc.OriginAt(meta).Errorf("ClusterConfig has no metadata.name")
	}
	e := &estate.Estate{}
	if region != "" {
		if !regionRE.MatchString(region) {
			return nil, doc.OriginAt(r.At(meta, "region")).Errorf("metadata.region %q is not an AWS region", region)
		}
		e.Region, e.RegionOrigin = region, doc.OriginAt(r.At(meta, "region"))
	}
	switch strings.ToLower(version) {
	case "auto", "latest", "default":
		version = "" // the cost engine picks the default version
	}
	e.Clusters = append(e.Clusters, estate.Cluster{
		Name:              name,
		ControlPlane:      estate.ControlPlaneEKS,
		KubernetesVersion: version,
		Source:            "eksctl",
		Origin:            doc.Origin(),
	})

	p := &parser{r: r, cluster: name, zones: zones, assumed: map[string]bool{}}
	for i, n := range r.List(root, "nodeGroups") {
		g, err := p.nodeGroup(n, fmt.Sprintf("nodeGroups[%d]", i), false)
		if err != nil {
			return nil, err
		}
		e.NodeGroups = append(e.NodeGroups, g)
	}
	for i, n := range r.List(root, "managedNodeGroups") {
		g, err := p.nodeGroup(n, fmt.Sprintf("managedNodeGroups[%d]", i), true)
		if err != nil {
			return nil, err
		}
		e.NodeGroups = append(e.NodeGroups, g)
	}
	if r.Err != nil {
		return nil, r.Err
	}
	for i := range e.NodeGroups {
		for j := range i {
			if e.NodeGroups[j].Name == e.NodeGroups[i].Name {
				return nil, e.NodeGroups[i].Origin.Errorf("node group %q is defined twice (also at %s)", e.NodeGroups[i].Name, e.NodeGroups[j].Origin)
			}
		}
	}
	for i, n := range r.List(root, "fargateProfiles") {
		fp, err := p.fargateProfile(n, fmt.Sprintf("fargateProfiles[%d]", i))
		if err != nil {
			return nil, err
		}
		e.FargateProfiles = append(e.FargateProfiles, fp)
	}
	if err := p.nat(e, root, region); err != nil {
		return nil, err
	}
	var defaulted []string
	for _, g := range e.NodeGroups {
		if p.assumed[g.Name] {
			defaulted = append(defaulted, fmt.Sprintf("%s (%s)", g.Name, g.Origin))
		}
	}
	if len(defaulted) > 0 {
		e.Assumptions = append(e.Assumptions, fmt.Sprintf("eksctl node root volumes are %s, eksctl's default volumeType, for the node groups that set none: %s; "+
			"groups created by an older eksctl or by hand may have gp2 (set volumeType to price them as they are)", defaultVolumeType, strings.Join(defaulted, ", ")))
	}
	if r.Err != nil {
		return nil, r.Err
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}

type parser struct {
	r       *yamldoc.Reader
	cluster string
	zones   []string
	// assumed names the node groups whose volume type is eksctl's default.
	assumed map[string]bool
}

// nodeGroup parses one entry of nodeGroups or managedNodeGroups.
func (p *parser) nodeGroup(n *yaml.Node, path string, managed bool) (estate.NodeGroup, error) {
	r, doc := p.r, p.r.Doc
	if n == nil || n.Kind != yaml.MappingNode {
		return estate.NodeGroup{}, doc.OriginAt(n).Errorf("%s: expected a mapping", path)
	}
	g := estate.NodeGroup{
		Name:     r.Str(n, "name"),
		Cluster:  p.cluster,
		Role:     estate.RoleNode,
		Purchase: estate.OnDemand,
		Managed:  managed,
		Origin:   doc.OriginAt(n),
	}
	if r.Err == nil && g.Name == "" {
		return g, doc.OriginAt(n).Errorf("%s has no name", path)
	}
	what := fmt.Sprintf("%s %q", path, g.Name)

	// Instance types and purchase option.
	instanceType := r.Str(n, "instanceType")
	if managed {
		g.InstanceTypes = r.StrList(n, "instanceTypes")
		if spot, _ := r.Boolean(n, "spot"); spot {
			g.Purchase = estate.Spot
		}
	} else if dist := r.Mapping(n, "instancesDistribution"); dist != nil {
		g.InstanceTypes = r.StrList(dist, "instanceTypes")
		base, _ := r.Count(dist, "onDemandBaseCapacity")
		above, ok := r.Count(dist, "onDemandPercentageAboveBaseCapacity")
		if !ok {
			above = defaultOnDemandAboveBase
		}
		r.Count(dist, "spotInstancePools")
		if r.Str(dist, "maxPrice") != "" {
			r.Size(dist, "maxPrice") // checks it is a non-negative number
		}
		if above > 100 && r.Err == nil {
			return g, doc.OriginAt(r.At(dist, "onDemandPercentageAboveBaseCapacity")).Errorf("%s: onDemandPercentageAboveBaseCapacity %d is more than 100", what, above)
		}
		if above < 100 {
			g.Purchase = estate.Spot
			g.Distribution = &estate.InstancesDistribution{OnDemandBaseCapacity: base, OnDemandPercentageAboveBaseCapacity: above}
		}
	}
	if len(g.InstanceTypes) == 0 && instanceType != "" && !strings.EqualFold(instanceType, "mixed") {
		g.InstanceTypes = []string{instanceType}
	}
	if r.Err != nil {
		return g, r.Err
	}
	if len(g.InstanceTypes) == 0 {
		switch {
		case r.Get(n, "instanceSelector") != nil:
			return g, doc.OriginAt(r.At(n, "instanceSelector")).Errorf("%s: instanceSelector picks instance types when the group is created; list them in instanceType(s) to price it", what)
		case managed && r.Get(n, "launchTemplate") != nil:
			return g, doc.OriginAt(r.At(n, "launchTemplate")).Errorf("%s: the instance type comes from its launch template; set instanceType to price it", what)
		case strings.EqualFold(instanceType, "mixed"):
			return g, doc.OriginAt(r.At(n, "instanceType")).Errorf("%s: instanceType mixed needs instancesDistribution.instanceTypes", what)
		}
		g.InstanceTypes = []string{defaultInstanceType}
	}

	// Scaling, as eksctl fills it in (pkg/apis/eksctl.io/v1alpha5/validation.go
	// for managed groups, pkg/cfn/builder/nodegroup.go for self-managed ones):
	// minSize defaults to desiredCapacity, else to 2; maxSize to
	// desiredCapacity, else to minSize. The group runs desiredCapacity
	// instances, or minSize when that is unset.
	desired, desiredSet := r.Count(n, "desiredCapacity")
	minSize, minSet := r.Count(n, "minSize")
	maxSize, maxSet := r.Count(n, "maxSize")
	if r.Err != nil {
		return g, r.Err
	}
	if !minSet {
		minSize = defaultNodeCount
		if desiredSet {
			minSize = desired
		}
	}
	if !maxSet {
		maxSize = minSize
		if desiredSet {
			maxSize = desired
		}
	}
	if !desiredSet {
		desired = minSize
	}
	switch {
	case desiredSet && desired < minSize:
		return g, doc.OriginAt(r.At(n, "desiredCapacity")).Errorf("%s: desiredCapacity %d is less than minSize %d", what, desired, minSize)
	case desiredSet && desired > maxSize:
		return g, doc.OriginAt(r.At(n, "desiredCapacity")).Errorf("%s: desiredCapacity %d is more than maxSize %d", what, desired, maxSize)
	case minSize > maxSize:
		return g, doc.OriginAt(r.At(n, "maxSize")).Errorf("%s: maxSize %d is less than minSize %d", what, maxSize, minSize)
	}
	g.Count, g.MinSize, g.MaxSize = desired, minSize, maxSize

	// maxPodsPerNode sets the kubelet's max pods (pkg/apis/eksctl.io/v1alpha5/types.go,
	// NodeGroupBase.MaxPodsPerNode); unset, the VPC CNI's limit applies.
	g.MaxPods, _ = r.Count(n, "maxPodsPerNode")
	if r.Err != nil {
		return g, r.Err
	}

	// Root volume.
	size, ok := r.Size(n, "volumeSize")
	if !ok {
		size = defaultVolumeSizeGiB
	}
	typ := strings.ToLower(r.Str(n, "volumeType"))
	if typ == "" {
		typ = defaultVolumeType
		p.assumed[g.Name] = true
	}
	iops, iopsSet := r.Count(n, "volumeIOPS")
	tp, tpSet := r.Count(n, "volumeThroughput")
	switch typ {
	case "gp3":
		if !iopsSet {
			iops = defaultGP3IOPS
		}
		if !tpSet {
			tp = defaultGP3Throughput
		}
	case "io1", "io2":
		if !iopsSet {
			iops = defaultIO1IOPS
		}
		tp = 0
	default:
		iops, tp = 0, 0
	}
	g.RootVolume = estate.Volume{
		Name: g.Name + " root", Type: typ, SizeGiB: size, IOPS: iops, ThroughputMiBps: tp,
		Purpose: "root", Origin: doc.OriginAt(r.At(n, "volumeSize")),
	}

	// Nodes in public subnets get a public IPv4 address; privateNetworking
	// puts them in the private subnets.
	private, _ := r.Boolean(n, "privateNetworking")
	g.PublicIP = !private

	g.Zones = r.StrList(n, "availabilityZones")
	if len(g.Zones) == 0 {
		g.Zones = p.zones
	}

	// Labels, with those eksctl adds to every node group
	// (setDefaultNodeLabels in pkg/apis/eksctl.io/v1alpha5/defaults.go).
	g.Labels = r.StrMap(n, "labels")
	if g.Labels == nil {
		g.Labels = map[string]string{}
	}
	g.Labels[eksctlClusterLabel] = p.cluster
	g.Labels[eksctlNodeGroupLabel] = g.Name

	g.Taints = p.taints(n, what)
	return g, r.Err
}

// taints reads taints either as a list of {key, value, effect} or, in the
// older form, as a map of key to "value:effect". It renders them as
// key=value:effect.
func (p *parser) taints(n *yaml.Node, what string) []string {
	r := p.r
	t := r.Get(n, "taints")
	if t == nil {
		return nil
	}
	var out []string
	switch t.Kind {
	case yaml.MappingNode:
		m := r.StrMap(n, "taints")
		for _, k := range estate.SortedKeys(m) {
			out = append(out, k+"="+m[k])
		}
	case yaml.SequenceNode:
		for _, it := range r.List(n, "taints") {
			key, value, effect := r.Str(it, "key"), r.Str(it, "value"), r.Str(it, "effect")
			if r.Err == nil && (it.Kind != yaml.MappingNode || key == "") {
				r.Failf(it, "%s: a taint needs a key", what)
			}
			s := key
			if value != "" {
				s += "=" + value
			}
			if effect != "" {
				s += ":" + effect
			}
			out = append(out, s)
		}
	default:
		r.Failf(t, "%s: taints: expected a list or a mapping", what)
	}
	return out
}

func (p *parser) fargateProfile(n *yaml.Node, path string) (estate.FargateProfile, error) {
	r, doc := p.r, p.r.Doc
	if n == nil || n.Kind != yaml.MappingNode {
		return estate.FargateProfile{}, doc.OriginAt(n).Errorf("%s: expected a mapping", path)
	}
	fp := estate.FargateProfile{Name: r.Str(n, "name"), Cluster: p.cluster, Origin: doc.OriginAt(n)}
	if r.Err == nil && fp.Name == "" {
		return fp, doc.OriginAt(n).Errorf("%s has no name", path)
	}
	for _, s := range r.List(n, "selectors") {
		sel := estate.FargateSelector{Namespace: r.Str(s, "namespace"), Labels: r.StrMap(s, "labels")}
		if r.Err == nil && sel.Namespace == "" {
			return fp, doc.OriginAt(s).Errorf("%s %q: a selector needs a namespace", path, fp.Name)
		}
		fp.Selectors = append(fp.Selectors, sel)
	}
	if r.Err == nil && len(fp.Selectors) == 0 {
		return fp, doc.OriginAt(n).Errorf("%s %q has no selectors", path, fp.Name)
	}
	return fp, r.Err
}

// nat adds the NAT gateways (and their Elastic IPs) eksctl creates in a new
// VPC: one for vpc.nat.gateway Single (the default), one per zone for
// HighlyAvailable, none for Disable. With an existing VPC (vpc.id or
// vpc.subnets) eksctl creates none.
func (p *parser) nat(e *estate.Estate, root *yaml.Node, region string) error {
	r, doc := p.r, p.r.Doc
	vpc := r.Mapping(root, "vpc")
	natNode := r.Mapping(vpc, "nat")
	gateway := r.Str(natNode, "gateway")
	existing := r.Str(vpc, "id") != "" || r.Get(vpc, "subnets") != nil
	if r.Err != nil {
		return r.Err
	}
	at := doc.Origin()
	if vpc != nil {
		at = doc.OriginAt(vpc)
	}
	if natNode != nil {
		at = doc.OriginAt(r.At(natNode, "gateway"))
	}
	var zones []string
	switch g := strings.ToLower(gateway); {
	case g == "" || g == defaultNAT:
		zones = []string{""}
	case g == "highlyavailable":
		zones = p.zones
		if len(zones) == 0 {
			n := defaultZones
			if region == "us-east-1" {
				n = defaultZonesUSEast1
			}
			zones = make([]string, n)
		}
	case g == "disable":
	default:
		return at.Errorf("vpc.nat.gateway %q is not Single, HighlyAvailable or Disable", gateway)
	}
	if existing {
		return nil
	}
	for i, z := range zones {
		name := p.cluster
		switch {
		case z != "":
			name += " " + z
		case len(zones) > 1:
			name += fmt.Sprintf(" %d", i+1)
		}
		e.NATGateways = append(e.NATGateways, estate.NATGateway{Name: name, Zone: z, Origin: at})
		e.PublicIPs = append(e.PublicIPs, estate.PublicIP{Name: "of NAT gateway " + name, Attached: true, Purpose: "nat", Origin: at})
	}
	return nil
}
