// Package kops translates kops cluster configuration (the documents of group
// kops.k8s.io/v1alpha2 that `kops get --full -o yaml` prints) into an Estate.
//
// Besides the instance groups, it adds what kops creates implicitly and bills:
// the etcd EBS volumes of the control plane, one NAT gateway (with its Elastic
// IP) per zone with private subnets, the API load balancer and the bastion
// load balancer. Each default below cites the kops source it comes from
// (https://github.com/kubernetes/kops).
package kops

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/yamldoc"
)

const (
	group      = "kops.k8s.io"
	apiVersion = group + "/v1alpha2"
	// clusterLabel ties an InstanceGroup to its Cluster.
	clusterLabel = "kops.k8s.io/cluster"
)

// Defaults of kops on AWS.
const (
	// Root volume sizes by role, in GiB: pkg/model/defaults/volumes.go
	// (DefaultVolumeSizeBastion, DefaultVolumeSizeMaster, DefaultVolumeSizeNode).
	defaultRootSizeBastion = 32
	defaultRootSizeMaster  = 64
	defaultRootSizeNode    = 128

	// Root (and additional) volume type and its minimum IOPS / throughput:
	// pkg/model/awsmodel/autoscalinggroup.go (DefaultVolumeType = gp3,
	// DefaultVolumeGp3Iops = 3000, DefaultVolumeGp3Throughput = 125,
	// DefaultVolumeIonIops = 100). kops raises smaller values to these.
	// Releases before gp3 support (kops < 1.19) used gp2; a cluster last
	// updated by such a release still runs gp2 volumes.
	defaultVolumeType = "gp3"
	minGP3IOPS        = 3000
	minGP3Throughput  = 125
	minIoNIOPS        = 100

	// etcd member volumes: pkg/model/master_volumes.go (DefaultEtcdVolumeSize
	// = 20, DefaultAWSEtcdVolumeType = gp3, DefaultAWSEtcdVolumeGp3Iops =
	// 3000, DefaultAWSEtcdVolumeGp3Throughput = 125, DefaultAWSEtcdVolumeIonIops
	// = 100).
	defaultEtcdSizeGiB = 20
	defaultEtcdType    = "gp3"

	// Instance group sizes when minSize / maxSize are unset: masters and
	// bastions 1, nodes 2 (upup/pkg/fi/cloudup/populate_instancegroup_spec.go).
	defaultSizeMaster  = 1
	defaultSizeBastion = 1
	defaultSizeNode    = 2

	// The share of on-demand capacity above the base in a mixed instances
	// policy when onDemandAboveBase is unset is the EC2 Auto Scaling default,
	// 100 (pkg/apis/kops/v1alpha2/instancegroup.go, MixedInstancesPolicySpec).
	defaultOnDemandAboveBase = 100
)

// Parse translates the kops.k8s.io documents among docs into an Estate:
// one Cluster per Cluster document, one NodeGroup per InstanceGroup, and the
// resources kops creates implicitly. Documents of other groups are skipped;
// SSHCredential and Keyset documents are ignored; any other kops kind is an
// error naming file and line.
func Parse(docs []yamldoc.Document) (*estate.Estate, error) {
	var clusters []*cluster
	var groups []yamldoc.Document
	for _, d := range docs {
		if d.Group() != group {
			continue
		}
		if d.APIVersion != apiVersion {
			return nil, d.Errorf("apiVersion %q is not supported; export the cluster with `kops get --full -o yaml` (%s)", d.APIVersion, apiVersion)
		}
		switch d.Kind {
		case "Cluster":
			c, err := parseCluster(d)
			if err != nil {
				return nil, err
			}
			for _, o := range clusters {
				if o.name == c.name {
					return nil, d.Errorf("cluster %q is defined twice (also at %s)", c.name, o.doc.Origin())
				}
			}
			clusters = append(clusters, c)
		case "InstanceGroup":
			groups = append(groups, d)
		case "SSHCredential", "Keyset":
			// Secrets; they cost nothing.
		default:
			return nil, d.Errorf("kind %q of %s is not supported (want Cluster or InstanceGroup)", d.Kind, group)
		}
	}

	e := &estate.Estate{}
	if len(clusters) == 0 {
		if len(groups) > 0 {
			return nil, groups[0].Errorf("InstanceGroup without a kops Cluster document; include the output of `kops get --full -o yaml`")
		}
		return e, nil
	}
	for _, d := range groups {
		if err := addInstanceGroup(d, clusters); err != nil {
			return nil, err
		}
	}
	for _, c := range clusters {
		sub := &estate.Estate{Region: c.region, RegionOrigin: c.regionOrigin}
		if err := c.build(sub); err != nil {
			return nil, err
		}
		if err := e.Merge(sub); err != nil {
			return nil, err
		}
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}

// subnet is one entry of the cluster's spec.subnets.
type subnet struct {
	name, zone, typ, egress, id string
	node                        *yaml.Node
}

func (s subnet) public() bool { return s.typ == "Public" || s.typ == "Utility" }

// cluster is a parsed Cluster document and the instance groups that belong
// to it.
type cluster struct {
	doc          yamldoc.Document
	name         string
	version      string
	subnets      []subnet
	region       string
	regionOrigin estate.Origin
	r            *yamldoc.Reader
	spec         *yaml.Node
	groups       []estate.NodeGroup
	extraVolumes []estate.Volume
}

var subnetTypes = map[string]string{"public": "Public", "private": "Private", "utility": "Utility", "dualstack": "DualStack"}

func parseCluster(d yamldoc.Document) (*cluster, error) {
	r := &yamldoc.Reader{Doc: d}
	c := &cluster{doc: d, r: r}
	meta := r.Mapping(d.Node, "metadata")
	c.name = r.Str(meta, "name")
	c.spec = r.Mapping(d.Node, "spec")
	if r.Err != nil {
		return nil, r.Err
	}
	if c.name == "" {
		return nil, d.Errorf("Cluster has no metadata.name")
	}
	if c.spec == nil {
		return nil, d.Errorf("cluster %q has no spec", c.name)
	}
	spec := c.spec
	c.version = r.Str(spec, "kubernetesVersion")
	if cp := r.Get(spec, "cloudProvider"); cp != nil {
		aws := (cp.Kind == yaml.ScalarNode && strings.EqualFold(cp.Value, "aws")) ||
			(cp.Kind == yaml.MappingNode && yamldoc.Lookup(cp, "aws") != nil)
		if !aws {
			return nil, d.OriginAt(cp).Errorf("cluster %q: cloudProvider is not aws; refit prices AWS only", c.name)
		}
	}
	for _, sn := range r.List(spec, "subnets") {
		s := subnet{node: sn, name: r.Str(sn, "name"), zone: r.Str(sn, "zone"), egress: r.Str(sn, "egress"), id: r.Str(sn, "id")}
		typ := r.Str(sn, "type")
		if r.Err != nil {
			return nil, r.Err
		}
		if sn.Kind != yaml.MappingNode {
			return nil, d.OriginAt(sn).Errorf("cluster %q: spec.subnets entry is not a mapping", c.name)
		}
		var ok bool
		if s.typ, ok = subnetTypes[strings.ToLower(typ)]; !ok {
			return nil, d.OriginAt(r.At(sn, "type")).Errorf("cluster %q: subnet %q has type %q (want Public, Private, Utility or DualStack)", c.name, s.name, typ)
		}
		if s.name == "" {
			return nil, d.OriginAt(sn).Errorf("cluster %q: subnet without a name", c.name)
		}
		region, ok := regionOf(s.zone)
		if !ok {
			return nil, d.OriginAt(r.At(sn, "zone")).Errorf("cluster %q: subnet %q: zone %q is not an AWS availability zone", c.name, s.name, s.zone)
		}
		if c.region == "" {
			c.region, c.regionOrigin = region, d.OriginAt(r.At(sn, "zone"))
		} else if region != c.region {
			return nil, d.OriginAt(r.At(sn, "zone")).Errorf("cluster %q: subnet %q is in region %s, but %s says %s", c.name, s.name, region, c.regionOrigin, c.region)
		}
		for _, o := range c.subnets {
			if o.name == s.name {
				return nil, d.OriginAt(sn).Errorf("cluster %q: subnet %q is defined twice", c.name, s.name)
			}
		}
		c.subnets = append(c.subnets, s)
	}
	if r.Err != nil {
		return nil, r.Err
	}
	if len(c.subnets) == 0 {
		return nil, d.Errorf("cluster %q has no spec.subnets, so its region is unknown", c.name)
	}
	return c, nil
}

// zoneRE matches the region part of an availability zone name: us-east-1 in
// us-east-1a, and in the Local Zone us-west-2-lax-1a.
var zoneRE = regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-[0-9]+)(?:[a-z]|-[a-z0-9-]+[a-z])$`)

func regionOf(zone string) (string, bool) {
	m := zoneRE.FindStringSubmatch(zone)
	if m == nil {
		return "", false
	}
	return m[1], true
}

func (c *cluster) subnet(name string) (subnet, bool) {
	for _, s := range c.subnets {
		if s.name == name {
			return s, true
		}
	}
	return subnet{}, false
}

// build adds the cluster, its groups and implied resources to e.
func (c *cluster) build(e *estate.Estate) error {
	r, spec := c.r, c.spec
	e.Clusters = append(e.Clusters, estate.Cluster{
		Name:              c.name,
		ControlPlane:      estate.ControlPlaneSelfManaged,
		KubernetesVersion: c.version,
		Source:            "kops",
		Origin:            c.doc.Origin(),
	})
	e.NodeGroups = append(e.NodeGroups, c.groups...)
	e.Volumes = append(e.Volumes, c.extraVolumes...)

	if err := c.etcdVolumes(e); err != nil {
		return err
	}
	if err := c.natGateways(e); err != nil {
		return err
	}

	// API load balancer. With spec.api unset, kops picks DNS for a public
	// control plane and a load balancer for a private one; the load balancer
	// type defaults to Public and its class to Classic
	// (pkg/apis/kops/v1alpha2/defaults.go, SetDefaults_ClusterSpec).
	api := r.Mapping(spec, "api")
	lb := r.Mapping(api, "loadBalancer")
	lbAt := r.At(api, "loadBalancer")
	if lb == nil && r.Get(api, "dns") == nil {
		topology := r.Mapping(spec, "topology")
		if strings.EqualFold(r.Str(topology, "masters"), "private") {
			lb, lbAt = &yaml.Node{Kind: yaml.MappingNode}, r.At(topology, "masters")
		}
	}
	if r.Err != nil {
		return r.Err
	}
	if lb != nil {
		internal, err := c.lbScheme(lb, "spec.api.loadBalancer.type")
		if err != nil {
			return err
		}
		typ := estate.CLB
		switch class := r.Str(lb, "class"); strings.ToLower(class) {
		case "", "classic":
		case "network":
			typ = estate.NLB
		default:
			return c.doc.OriginAt(r.At(lb, "class")).Errorf("spec.api.loadBalancer.class %q is not Classic or Network", class)
		}
		e.LoadBalancers = append(e.LoadBalancers, estate.LoadBalancer{
			Name: "api." + c.name, Type: typ, Internal: internal, Purpose: "api", Origin: c.doc.OriginAt(lbAt),
		})
	}

	// Bastion load balancer: kops fronts bastion instance groups with a load
	// balancer, public unless spec.topology.bastion.loadBalancer.type says
	// Internal (pkg/model/awsmodel/bastion.go). It was a Classic ELB until
	// kops 1.26 made it a Network Load Balancer
	// (https://github.com/kubernetes/kops/pull/14468).
	for _, g := range c.groups {
		if g.Role != estate.RoleBastion {
			continue
		}
		blb := r.Mapping(r.Mapping(r.Mapping(spec, "topology"), "bastion"), "loadBalancer")
		internal, err := c.lbScheme(blb, "spec.topology.bastion.loadBalancer.type")
		if err != nil {
			return err
		}
		e.LoadBalancers = append(e.LoadBalancers, estate.LoadBalancer{
			Name: "bastion." + c.name, Type: estate.NLB, Internal: internal, Purpose: "bastion", Origin: g.Origin,
		})
		break
	}
	return r.Err
}

// lbScheme reads a kops load balancer type: Public (default) or Internal.
func (c *cluster) lbScheme(lb *yaml.Node, field string) (internal bool, err error) {
	switch t := c.r.Str(lb, "type"); strings.ToLower(t) {
	case "", "public":
		return false, c.r.Err
	case "internal":
		return true, c.r.Err
	default:
		return false, c.doc.OriginAt(c.r.At(lb, "type")).Errorf("%s %q is not Public or Internal", field, t)
	}
}

// etcdVolumes adds one EBS volume per member of each etcd cluster (usually
// main and events), as pkg/model/master_volumes.go creates them.
func (c *cluster) etcdVolumes(e *estate.Estate) error {
	r := c.r
	for _, ec := range r.List(c.spec, "etcdClusters") {
		ecName := r.Str(ec, "name")
		for _, m := range r.List(ec, "etcdMembers") {
			name := r.Str(m, "name")
			typ := strings.ToLower(r.Str(m, "volumeType"))
			if typ == "" {
				typ = defaultEtcdType
			}
			size, ok := r.Size(m, "volumeSize")
			if !ok {
				size = defaultEtcdSizeGiB
			}
			iops, _ := r.Count(m, "volumeIops")
			if v, ok := r.Count(m, "volumeIOPS"); ok {
				iops = v
			}
			tp, _ := r.Count(m, "volumeThroughput")
			if r.Err != nil {
				return r.Err
			}
			iops, tp = ebsPerformance(typ, iops, tp)
			e.Volumes = append(e.Volumes, estate.Volume{
				Name:            fmt.Sprintf("%s.etcd-%s.%s", name, ecName, c.name),
				Type:            typ,
				SizeGiB:         size,
				IOPS:            iops,
				ThroughputMiBps: tp,
				Purpose:         "etcd",
				Origin:          c.doc.OriginAt(m),
			})
		}
	}
	return r.Err
}

// natGateways adds a NAT gateway and its Elastic IP for each zone that has
// a private subnet kops manages, unless the subnets' egress names an
// existing NAT gateway, NAT instance, transit gateway or External
// (pkg/model/awsmodel/network.go). Shared subnets (with an id) are skipped,
// as kops does not manage their routing.
func (c *cluster) natGateways(e *estate.Estate) error {
	type zone struct {
		name   string
		egress string
		first  subnet
	}
	var zones []*zone
	for _, s := range c.subnets {
		if s.typ != "Private" || s.id != "" {
			continue
		}
		var z *zone
		for _, o := range zones {
			if o.name == s.zone {
				z = o
			}
		}
		if z == nil {
			zones = append(zones, &zone{name: s.zone, egress: s.egress, first: s})
			continue
		}
		if z.egress != s.egress {
			return c.doc.OriginAt(s.node).Errorf("cluster %q: private subnets in zone %s mix egress values %q and %q, which kops rejects", c.name, s.zone, z.egress, s.egress)
		}
	}
	for _, z := range zones {
		switch eg := z.egress; {
		case eg == "" || strings.HasPrefix(eg, "eipalloc-"):
			// A new NAT gateway, with a new Elastic IP or the given one.
		case strings.HasPrefix(eg, "nat-"), strings.HasPrefix(eg, "i-"), strings.HasPrefix(eg, "tgw-"), eg == "External":
			continue
		default:
			return c.doc.OriginAt(c.r.At(z.first.node, "egress")).Errorf("cluster %q: subnet %q: egress %q is not a nat-, eipalloc-, i- or tgw- id or External", c.name, z.first.name, eg)
		}
		name := z.name + "." + c.name
		origin := c.doc.OriginAt(z.first.node)
		e.NATGateways = append(e.NATGateways, estate.NATGateway{Name: name, Zone: z.name, Origin: origin})
		e.PublicIPs = append(e.PublicIPs, estate.PublicIP{Name: "of NAT gateway " + name, Attached: true, Purpose: "nat", Origin: origin})
	}
	return nil
}

// ebsPerformance applies the floors kops applies to provisioned IOPS and
// throughput (pkg/model/awsmodel/autoscalinggroup.go), and drops them for
// volume types that have none.
func ebsPerformance(typ string, iops, throughput int) (int, int) {
	switch typ {
	case "gp3":
		return max(iops, minGP3IOPS), max(throughput, minGP3Throughput)
	case "io1", "io2":
		return max(iops, minIoNIOPS), 0
	default:
		return 0, 0
	}
}
