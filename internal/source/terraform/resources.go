package terraform

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
)

// Defaults for values a plan leaves unset or does not know yet (computed
// values are absent from planned_values).
const (
	// An aws_instance root_block_device without volume_size / volume_type
	// gets the AMI's: "Defaults to the volume type that the AMI uses"
	// (hashicorp/terraform-provider-aws website/docs/r/instance.html.markdown).
	// The AMI is not in the plan; we assume the usual one, Amazon Linux 2023,
	// whose root volume is 8 GiB gp3 (github.com/namecheap/ec2-github-runner
	// issue 44: "Amazon Linux 2023 default: 8 GiB gp3"; AL2023 made gp3 its
	// default, github.com/bottlerocket-os/bottlerocket issue 4000).
	amiRootGiB  = 8
	amiRootType = "gp3"

	// aws_ebs_volume type: "(Default: gp2)" (hashicorp/terraform-provider-aws
	// website/docs/r/ebs_volume.html.markdown). Also used for an EBS block
	// device of an instance or launch template that names no type.
	ebsDefaultType = "gp2"

	// aws_eks_node_group: instance_types "Defaults to ["t3.medium"]",
	// disk_size "Defaults to 50 for Windows, 20 all other node groups"
	// (hashicorp/terraform-provider-aws website/docs/r/eks_node_group.html.markdown).
	eksDefaultInstanceType = "t3.medium"
	eksDefaultDiskGiB      = 20
	eksWindowsDiskGiB      = 50
	// The launch template EKS generates for a managed node group without one
	// gives nodes gp2 root volumes ("Currently, by default, only volumes with
	// gp2 volume type are provisioned for Managed worker nodes",
	// https://github.com/aws/containers-roadmap/issues/1417).
	eksDefaultDiskType = "gp2"

	// aws_db_instance storage_type: "The default is "io1" if iops is
	// specified, "gp2" if not" (hashicorp/terraform-provider-aws
	// website/docs/r/db_instance.html.markdown). Newer RDS API pages say
	// gp3 for some calls; the provider's documented default is used.
	rdsDefaultType     = "gp2"
	rdsDefaultIOPSType = "io1"

	// aws_autoscaling_group instances_distribution:
	// on_demand_base_capacity "Default: 0",
	// on_demand_percentage_above_base_capacity "Default: 100"
	// (hashicorp/terraform-provider-aws website/docs/r/autoscaling_group.html.markdown).
	asgDefaultOnDemandPercent = 100
)

// translator turns planned resources into an Estate.
type translator struct {
	p    *plan
	e    *estate.Estate
	refs *refs
	// launchTemplates holds the planned aws_launch_template instances.
	launchTemplates []*launchTemplate
	// clusters holds the names of the planned EKS clusters.
	clusters []string
	// allocationIDs are the known allocation_id values of NAT gateways and
	// EIP associations in the plan.
	allocationIDs map[string]bool
	// natModules holds modules with a public NAT gateway whose allocation_id
	// reaches its Elastic IP through something other than a direct
	// reference (a local or variable), as terraform-aws-modules/vpc does.
	natModules map[string]bool
}

func (p *plan) translate() (*estate.Estate, error) {
	t := &translator{p: p, e: &estate.Estate{}, refs: indexConfig(&p.config), allocationIDs: map[string]bool{}, natModules: map[string]bool{}}
	if err := t.index(); err != nil {
		return nil, err
	}
	for i := range p.resources {
		r := &p.resources[i]
		if r.Mode != "managed" {
			continue
		}
		if err := t.add(r); err != nil {
			return nil, err
		}
	}
	t.region()
	return t.e, nil
}

// values decodes the values of r into v; a value of the wrong type is an
// error naming the resource.
func (t *translator) values(r *resource, v any) error {
	if len(r.Values) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.Values, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return r.origin(t.p.file).Errorf("%s: %s", r.Type, typeError("values", te))
		}
		return r.origin(t.p.file).Errorf("%s: values: %v", r.Type, err)
	}
	return nil
}

// with decodes the values of r (see values) and hands them to add.
func with[T any](t *translator, r *resource, add func(*resource, *T) error) error {
	var v T
	if err := t.values(r, &v); err != nil {
		return err
	}
	return add(r, &v)
}

// index reads what other resources need: launch templates, clusters and
// Elastic IP allocations.
func (t *translator) index() error {
	for i := range t.p.resources {
		r := &t.p.resources[i]
		if r.Mode != "managed" {
			continue
		}
		switch r.Type {
		case "aws_launch_template":
			lt := &launchTemplate{r: r}
			if err := t.values(r, lt); err != nil {
				return err
			}
			t.launchTemplates = append(t.launchTemplates, lt)
		case "aws_eks_cluster":
			var v struct {
				Name string `json:"name"`
			}
			if err := t.values(r, &v); err != nil {
				return err
			}
			t.clusters = append(t.clusters, v.Name)
		case "aws_nat_gateway", "aws_eip_association":
			var v struct {
				AllocationID     string `json:"allocation_id"`
				ConnectivityType string `json:"connectivity_type"`
			}
			if err := t.values(r, &v); err != nil {
				return err
			}
			if v.AllocationID != "" {
				t.allocationIDs[v.AllocationID] = true
			}
			key := configKey(r.Address)
			if r.Type == "aws_nat_gateway" && v.ConnectivityType != "private" && t.refs.attrs[key]["allocation_id"] &&
				len(t.refs.targets(key, "aws_eip")) == 0 {
				t.natModules[r.Module] = true
			}
		}
	}
	return nil
}

// add translates one planned resource. Types that do not cost money, or
// that this package does not price, are ignored.
func (t *translator) add(r *resource) error {
	switch r.Type {
	case "aws_instance", "aws_spot_instance_request":
		return with(t, r, t.instance)
	case "aws_ebs_volume":
		return with(t, r, t.ebsVolume)
	case "aws_nat_gateway":
		return with(t, r, t.natGateway)
	case "aws_eip":
		return with(t, r, t.eip)
	case "aws_lb", "aws_alb", "aws_elb":
		return with(t, r, t.loadBalancer)
	case "aws_eks_cluster":
		return with(t, r, t.eksCluster)
	case "aws_eks_node_group":
		return with(t, r, t.eksNodeGroup)
	case "aws_eks_fargate_profile":
		return with(t, r, t.fargateProfile)
	case "aws_autoscaling_group":
		return with(t, r, t.autoscalingGroup)
	case "aws_db_instance":
		return with(t, r, t.dbInstance)
	case "aws_route53_zone":
		return with(t, r, t.hostedZone)
	case "aws_cloudwatch_metric_alarm":
		return with(t, r, t.metricAlarm)
	}
	return nil
}

// blockDevice is an EBS block device of an instance or launch template.
type blockDevice struct {
	DeviceName string  `json:"device_name"`
	VolumeType string  `json:"volume_type"`
	VolumeSize float64 `json:"volume_size"`
	IOPS       int     `json:"iops"`
	Throughput int     `json:"throughput"`
}

// volume fills the unset fields of d from def.
func (d blockDevice) volume(def estate.Volume) estate.Volume {
	v := def
	if d.VolumeType != "" {
		v.Type = d.VolumeType
	}
	if d.VolumeSize > 0 {
		v.SizeGiB = d.VolumeSize
	}
	if d.IOPS > 0 {
		v.IOPS = d.IOPS
	}
	if d.Throughput > 0 {
		v.ThroughputMiBps = d.Throughput
	}
	return v
}

// ltSpec names a launch template, by id or name.
type ltSpec struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type marketOptions struct {
	MarketType string `json:"market_type"`
}

// launchTemplate is a planned aws_launch_template.
type launchTemplate struct {
	r                   *resource
	ID                  string `json:"id"`
	Name                string `json:"name"`
	InstanceType        string `json:"instance_type"`
	BlockDeviceMappings []struct {
		DeviceName string        `json:"device_name"`
		EBS        []blockDevice `json:"ebs"`
	} `json:"block_device_mappings"`
	InstanceMarketOptions []marketOptions `json:"instance_market_options"`
	NetworkInterfaces     []struct {
		// The provider types this as a string ("true", "false" or "").
		AssociatePublicIPAddress string `json:"associate_public_ip_address"`
	} `json:"network_interfaces"`
}

// root returns the template's root device: /dev/xvda or /dev/sda1 when
// mapped, else the first mapped EBS device.
func (lt *launchTemplate) root() (blockDevice, bool) {
	var first *blockDevice
	for _, m := range lt.BlockDeviceMappings {
		if len(m.EBS) == 0 {
			continue
		}
		d := m.EBS[0]
		d.DeviceName = m.DeviceName
		if m.DeviceName == "/dev/xvda" || m.DeviceName == "/dev/sda1" {
			return d, true
		}
		if first == nil {
			first = &d
		}
	}
	if first == nil {
		return blockDevice{}, false
	}
	return *first, true
}

func (lt *launchTemplate) spot() bool {
	return len(lt.InstanceMarketOptions) > 0 && lt.InstanceMarketOptions[0].MarketType == "spot"
}

func (lt *launchTemplate) publicIP() bool {
	return len(lt.NetworkInterfaces) > 0 && lt.NetworkInterfaces[0].AssociatePublicIPAddress == "true"
}

// launchTemplateFor finds the planned launch template r uses: by known id
// or name, else through the configuration references of r. Among the
// instances of a referenced template, the one in the same module instance
// (and with the same instance key) wins.
func (t *translator) launchTemplateFor(r *resource, id, name string) *launchTemplate {
	for _, lt := range t.launchTemplates {
		if (id != "" && lt.ID == id) || (name != "" && lt.Name == name) {
			return lt
		}
	}
	targets := t.refs.targets(configKey(r.Address), "aws_launch_template")
	var candidates []*launchTemplate
	for _, lt := range t.launchTemplates {
		if slices.Contains(targets, configKey(lt.r.Address)) {
			candidates = append(candidates, lt)
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	if same := slices.DeleteFunc(slices.Clone(candidates), func(lt *launchTemplate) bool { return lt.r.Module != r.Module }); len(same) > 0 {
		candidates = same
	}
	for _, lt := range candidates {
		if indexOf(lt.r.Address) == indexOf(r.Address) {
			return lt
		}
	}
	return candidates[0]
}

// nameOr returns the first non-empty name, else the resource address.
func nameOr(r *resource, names ...string) string {
	for _, n := range names {
		if n != "" {
			return n
		}
	}
	return r.Address
}

// prefixName names a resource by its name prefix: "spot-" -> "spot".
func prefixName(prefix string) string { return strings.TrimRight(prefix, "-_") }

// instanceValues are the planned values instance reads.
type instanceValues struct {
	InstanceType          string            `json:"instance_type"`
	AvailabilityZone      string            `json:"availability_zone"`
	AssociatePublicIP     bool              `json:"associate_public_ip_address"`
	InstanceMarketOptions []marketOptions   `json:"instance_market_options"`
	RootBlockDevice       []blockDevice     `json:"root_block_device"`
	EBSBlockDevice        []blockDevice     `json:"ebs_block_device"`
	Tags                  map[string]string `json:"tags"`
	LaunchTemplate        []ltSpec          `json:"launch_template"`
}

func (t *translator) instance(r *resource, v *instanceValues) error {
	origin := r.origin(t.p.file)
	g := estate.NodeGroup{
		Name:     nameOr(r, v.Tags["Name"]),
		Role:     estate.RoleInstance,
		Count:    1,
		Purchase: estate.OnDemand,
		// associate_public_ip_address is computed from the subnet when unset;
		// absent means unknown here, and counts as no public IP.
		PublicIP: v.AssociatePublicIP,
		Origin:   origin,
	}
	root := estate.Volume{Name: "root", Type: amiRootType, SizeGiB: amiRootGiB, Purpose: "root", Origin: origin}
	var lt *launchTemplate
	if len(v.LaunchTemplate) > 0 {
		lt = t.launchTemplateFor(r, v.LaunchTemplate[0].ID, v.LaunchTemplate[0].Name)
	}
	instanceType := v.InstanceType
	if lt != nil {
		if instanceType == "" {
			instanceType = lt.InstanceType
		}
		if d, ok := lt.root(); ok {
			root = d.volume(root)
		}
		if lt.spot() {
			g.Purchase = estate.Spot
		}
		g.PublicIP = g.PublicIP || lt.publicIP()
	}
	if instanceType == "" {
		return origin.Errorf("%s: instance_type is not known from the plan (set it, or plan the launch template it comes from)", r.Type)
	}
	g.InstanceTypes = []string{instanceType}
	if (len(v.InstanceMarketOptions) > 0 && v.InstanceMarketOptions[0].MarketType == "spot") || r.Type == "aws_spot_instance_request" {
		g.Purchase = estate.Spot
	}
	if len(v.RootBlockDevice) > 0 {
		root = v.RootBlockDevice[0].volume(root)
	}
	g.RootVolume = root
	if v.AvailabilityZone != "" {
		g.Zones = []string{v.AvailabilityZone}
	}
	t.e.NodeGroups = append(t.e.NodeGroups, g)
	attached := true
	for _, d := range v.EBSBlockDevice {
		vol := d.volume(estate.Volume{Type: ebsDefaultType, Purpose: "data", Attached: &attached, Origin: origin})
		vol.Name = g.Name + ":" + d.DeviceName
		t.e.Volumes = append(t.e.Volumes, vol)
	}
	return nil
}

// ebsVolumeValues are the planned values ebsVolume reads.
type ebsVolumeValues struct {
	Type       string            `json:"type"`
	Size       float64           `json:"size"`
	IOPS       int               `json:"iops"`
	Throughput int               `json:"throughput"`
	Tags       map[string]string `json:"tags"`
}

func (t *translator) ebsVolume(r *resource, v *ebsVolumeValues) error {
	vol := estate.Volume{
		Name:            nameOr(r, v.Tags["Name"]),
		Type:            v.Type,
		SizeGiB:         v.Size, // unknown (0) when restored from a snapshot without a size
		IOPS:            v.IOPS,
		ThroughputMiBps: v.Throughput,
		Purpose:         "data",
		Origin:          r.origin(t.p.file),
	}
	if vol.Type == "" {
		vol.Type = ebsDefaultType
	}
	t.e.Volumes = append(t.e.Volumes, vol)
	return nil
}

// natGatewayValues are the planned values natGateway reads.
type natGatewayValues struct {
	Tags map[string]string `json:"tags"`
}

func (t *translator) natGateway(r *resource, v *natGatewayValues) error {
	// A public NAT gateway's Elastic IP is its own aws_eip resource (listed
	// as a PublicIP); a private one (connectivity_type "private") has none.
	t.e.NATGateways = append(t.e.NATGateways, estate.NATGateway{Name: nameOr(r, v.Tags["Name"]), Origin: r.origin(t.p.file)})
	return nil
}

// eipValues are the planned values eip reads.
type eipValues struct {
	ID                     string            `json:"id"`
	AllocationID           string            `json:"allocation_id"`
	Instance               string            `json:"instance"`
	NetworkInterface       string            `json:"network_interface"`
	AssociateWithPrivateIP string            `json:"associate_with_private_ip"`
	Tags                   map[string]string `json:"tags"`
}

// eip adds an Elastic IP. It is attached when it names an instance or
// network interface, or when something in the plan uses its allocation:
// a NAT gateway, an EIP association or a load balancer subnet mapping
// referencing it through allocation_id, or a module call it is passed to.
// Values set from other resources are unknown in planned_values, so the
// configuration's expressions are checked as well.
func (t *translator) eip(r *resource, v *eipValues) error {
	key := configKey(r.Address)
	attrs := t.refs.attrs[key]
	attached := v.Instance != "" || v.NetworkInterface != "" || v.AssociateWithPrivateIP != "" ||
		attrs["instance"] || attrs["network_interface"] || attrs["associate_with_private_ip"] ||
		(v.ID != "" && t.allocationIDs[v.ID]) || (v.AllocationID != "" && t.allocationIDs[v.AllocationID]) ||
		t.refs.allocated[key] || t.refs.fromModuleCalls[key] || t.natModules[r.Module]
	t.e.PublicIPs = append(t.e.PublicIPs, estate.PublicIP{Name: nameOr(r, v.Tags["Name"]), Attached: attached, Origin: r.origin(t.p.file)})
	return nil
}

// loadBalancerValues are the planned values loadBalancer reads.
type loadBalancerValues struct {
	Name             string `json:"name"`
	NamePrefix       string `json:"name_prefix"`
	Internal         bool   `json:"internal"`
	LoadBalancerType string `json:"load_balancer_type"`
}

func (t *translator) loadBalancer(r *resource, v *loadBalancerValues) error {
	lb := estate.LoadBalancer{Name: nameOr(r, v.Name, prefixName(v.NamePrefix)), Internal: v.Internal, Origin: r.origin(t.p.file)}
	switch {
	case r.Type == "aws_elb":
		lb.Type = estate.CLB
	case v.LoadBalancerType == "network":
		lb.Type = estate.NLB
	case v.LoadBalancerType == "" || v.LoadBalancerType == "application":
		// load_balancer_type: "The default value is application"
		// (hashicorp/terraform-provider-aws website/docs/r/lb.html.markdown).
		lb.Type = estate.ALB
	default:
		// Gateway load balancers are not priced; skip them.
		return nil
	}
	t.e.LoadBalancers = append(t.e.LoadBalancers, lb)
	return nil
}

// eksClusterValues are the planned values eksCluster reads.
type eksClusterValues struct {
	Name    string `json:"name"`
	Version string `json:"version"` // unknown when unset: EKS picks its default version
}

func (t *translator) eksCluster(r *resource, v *eksClusterValues) error {
	t.e.Clusters = append(t.e.Clusters, estate.Cluster{
		Name:              nameOr(r, v.Name),
		ControlPlane:      estate.ControlPlaneEKS,
		KubernetesVersion: v.Version,
		Source:            "terraform",
		Origin:            r.origin(t.p.file),
	})
	return nil
}

// clusterName returns name, or when it is unknown and the plan has exactly
// one EKS cluster, that cluster's name.
func (t *translator) clusterName(name string) string {
	if name == "" && len(t.clusters) == 1 {
		return t.clusters[0]
	}
	return name
}

// eksNodeGroupValues are the planned values eksNodeGroup reads.
type eksNodeGroupValues struct {
	ClusterName         string            `json:"cluster_name"`
	NodeGroupName       string            `json:"node_group_name"`
	NodeGroupNamePrefix string            `json:"node_group_name_prefix"`
	AMIType             string            `json:"ami_type"`
	CapacityType        string            `json:"capacity_type"`
	DiskSize            float64           `json:"disk_size"`
	InstanceTypes       []string          `json:"instance_types"`
	Labels              map[string]string `json:"labels"`
	ScalingConfig       []struct {
		DesiredSize *int `json:"desired_size"`
		MinSize     int  `json:"min_size"`
		MaxSize     int  `json:"max_size"`
	} `json:"scaling_config"`
	Taint []struct {
		Key    string `json:"key"`
		Value  string `json:"value"`
		Effect string `json:"effect"`
	} `json:"taint"`
	LaunchTemplate []ltSpec `json:"launch_template"`
}

func (t *translator) eksNodeGroup(r *resource, v *eksNodeGroupValues) error {
	origin := r.origin(t.p.file)
	g := estate.NodeGroup{
		Name:     nameOr(r, v.NodeGroupName, prefixName(v.NodeGroupNamePrefix)),
		Cluster:  t.clusterName(v.ClusterName),
		Role:     estate.RoleNode,
		Purchase: estate.OnDemand, // capacity_type unset: ON_DEMAND
		Labels:   v.Labels,
		Managed:  true,
		Origin:   origin,
	}
	if v.CapacityType == "SPOT" {
		g.Purchase = estate.Spot
	}
	if len(v.ScalingConfig) > 0 {
		s := v.ScalingConfig[0]
		g.MinSize, g.MaxSize, g.Count = s.MinSize, s.MaxSize, s.MinSize
		if s.DesiredSize != nil {
			g.Count = *s.DesiredSize
		}
	}
	disk := float64(eksDefaultDiskGiB)
	if strings.HasPrefix(v.AMIType, "WINDOWS_") {
		disk = eksWindowsDiskGiB
	}
	if v.DiskSize > 0 {
		disk = v.DiskSize
	}
	g.RootVolume = estate.Volume{Name: "root", Type: eksDefaultDiskType, SizeGiB: disk, Purpose: "root", Origin: origin}
	g.InstanceTypes = slices.DeleteFunc(v.InstanceTypes, func(s string) bool { return s == "" })
	if len(v.LaunchTemplate) > 0 {
		// With a launch template, the root volume (and possibly the instance
		// type) come from the template; when the template is not in the
		// plan, or maps no device, the defaults above stand.
		if lt := t.launchTemplateFor(r, v.LaunchTemplate[0].ID, v.LaunchTemplate[0].Name); lt != nil {
			if d, ok := lt.root(); ok {
				g.RootVolume = d.volume(g.RootVolume)
			}
			if len(g.InstanceTypes) == 0 && lt.InstanceType != "" {
				g.InstanceTypes = []string{lt.InstanceType}
			}
		}
	}
	if len(g.InstanceTypes) == 0 {
		g.InstanceTypes = []string{eksDefaultInstanceType}
	}
	for _, tn := range v.Taint {
		g.Taints = append(g.Taints, taint(tn.Key, tn.Value, tn.Effect))
	}
	t.e.NodeGroups = append(t.e.NodeGroups, g)
	return nil
}

// taint renders an EKS API taint as kubectl does: key=value:NoSchedule.
func taint(key, value, effect string) string {
	switch effect {
	case "NO_SCHEDULE":
		effect = "NoSchedule"
	case "NO_EXECUTE":
		effect = "NoExecute"
	case "PREFER_NO_SCHEDULE":
		effect = "PreferNoSchedule"
	}
	if value != "" {
		key += "=" + value
	}
	return key + ":" + effect
}

// fargateProfileValues are the planned values fargateProfile reads.
type fargateProfileValues struct {
	ClusterName        string `json:"cluster_name"`
	FargateProfileName string `json:"fargate_profile_name"`
	Selector           []struct {
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"selector"`
}

func (t *translator) fargateProfile(r *resource, v *fargateProfileValues) error {
	p := estate.FargateProfile{
		Name:      nameOr(r, v.FargateProfileName),
		Cluster:   t.clusterName(v.ClusterName),
		Selectors: []estate.FargateSelector{},
		Origin:    r.origin(t.p.file),
	}
	for _, s := range v.Selector {
		p.Selectors = append(p.Selectors, estate.FargateSelector{Namespace: s.Namespace, Labels: s.Labels})
	}
	t.e.FargateProfiles = append(t.e.FargateProfiles, p)
	return nil
}

// autoscalingGroupValues are the planned values autoscalingGroup reads.
type autoscalingGroupValues struct {
	Name            string   `json:"name"`
	NamePrefix      string   `json:"name_prefix"`
	DesiredCapacity *int     `json:"desired_capacity"`
	MinSize         int      `json:"min_size"`
	MaxSize         int      `json:"max_size"`
	Zones           []string `json:"availability_zones"`
	LaunchTemplate  []ltSpec `json:"launch_template"`
	Mixed           []struct {
		Distribution []struct {
			OnDemandBase    *int `json:"on_demand_base_capacity"`
			OnDemandPercent *int `json:"on_demand_percentage_above_base_capacity"`
		} `json:"instances_distribution"`
		LaunchTemplate []struct {
			Spec []struct {
				ID   string `json:"launch_template_id"`
				Name string `json:"launch_template_name"`
			} `json:"launch_template_specification"`
			Override []struct {
				InstanceType string `json:"instance_type"`
			} `json:"override"`
		} `json:"launch_template"`
	} `json:"mixed_instances_policy"`
	Tag []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"tag"`
}

// autoscalingGroup adds an Auto Scaling group whose instance type is known:
// from mixed_instances_policy overrides, or from a launch template planned
// alongside. Groups whose instance type cannot be known from the plan are
// skipped. A group tagged kubernetes.io/cluster/NAME is a node group of
// that cluster (self-managed nodes).
func (t *translator) autoscalingGroup(r *resource, v *autoscalingGroupValues) error {
	origin := r.origin(t.p.file)
	g := estate.NodeGroup{
		Name:     nameOr(r, v.Name, prefixName(v.NamePrefix)),
		Role:     estate.RoleInstance,
		MinSize:  v.MinSize,
		MaxSize:  v.MaxSize,
		Count:    v.MinSize, // desired_capacity unset: the group starts at min_size
		Purchase: estate.OnDemand,
		Zones:    v.Zones,
		Origin:   origin,
	}
	if v.DesiredCapacity != nil {
		g.Count = *v.DesiredCapacity
	}
	var spec ltSpec
	if len(v.LaunchTemplate) > 0 {
		spec = v.LaunchTemplate[0]
	}
	if len(v.Mixed) > 0 {
		m := v.Mixed[0]
		if len(m.LaunchTemplate) > 0 {
			if len(m.LaunchTemplate[0].Spec) > 0 {
				spec = ltSpec{ID: m.LaunchTemplate[0].Spec[0].ID, Name: m.LaunchTemplate[0].Spec[0].Name}
			}
			for _, o := range m.LaunchTemplate[0].Override {
				if o.InstanceType != "" {
					g.InstanceTypes = append(g.InstanceTypes, o.InstanceType)
				}
			}
		}
		d := estate.InstancesDistribution{OnDemandPercentageAboveBaseCapacity: asgDefaultOnDemandPercent}
		if len(m.Distribution) > 0 {
			if p := m.Distribution[0].OnDemandBase; p != nil {
				d.OnDemandBaseCapacity = *p
			}
			if p := m.Distribution[0].OnDemandPercent; p != nil {
				d.OnDemandPercentageAboveBaseCapacity = *p
			}
		}
		if d.OnDemandPercentageAboveBaseCapacity < 100 {
			g.Purchase = estate.Spot
			g.Distribution = &d
		}
	}
	g.RootVolume = estate.Volume{Name: "root", Type: amiRootType, SizeGiB: amiRootGiB, Purpose: "root", Origin: origin}
	if lt := t.launchTemplateFor(r, spec.ID, spec.Name); lt != nil {
		if len(g.InstanceTypes) == 0 && lt.InstanceType != "" {
			g.InstanceTypes = []string{lt.InstanceType}
		}
		if d, ok := lt.root(); ok {
			g.RootVolume = d.volume(g.RootVolume)
		}
		if lt.spot() && g.Distribution == nil {
			g.Purchase = estate.Spot
		}
		g.PublicIP = lt.publicIP()
	}
	if len(g.InstanceTypes) == 0 {
		return nil
	}
	for _, tag := range v.Tag {
		if name, ok := strings.CutPrefix(tag.Key, "kubernetes.io/cluster/"); ok && name != "" {
			g.Role, g.Cluster = estate.RoleNode, name
		}
	}
	t.e.NodeGroups = append(t.e.NodeGroups, g)
	return nil
}

// dbInstanceValues are the planned values dbInstance reads.
type dbInstanceValues struct {
	Identifier       string  `json:"identifier"`
	IdentifierPrefix string  `json:"identifier_prefix"`
	Engine           string  `json:"engine"`
	InstanceClass    string  `json:"instance_class"`
	MultiAZ          bool    `json:"multi_az"`
	AllocatedStorage float64 `json:"allocated_storage"`
	StorageType      string  `json:"storage_type"`
	IOPS             int     `json:"iops"`
}

func (t *translator) dbInstance(r *resource, v *dbInstanceValues) error {
	db := estate.Database{
		Name:          nameOr(r, v.Identifier, prefixName(v.IdentifierPrefix)),
		Engine:        v.Engine,
		InstanceClass: v.InstanceClass,
		MultiAZ:       v.MultiAZ,
		StorageGiB:    v.AllocatedStorage,
		StorageType:   v.StorageType,
		Origin:        r.origin(t.p.file),
	}
	if db.StorageType == "" {
		db.StorageType = rdsDefaultType
		if v.IOPS > 0 {
			db.StorageType = rdsDefaultIOPSType
		}
	}
	t.e.Databases = append(t.e.Databases, db)
	return nil
}

// hostedZoneValues are the planned values hostedZone reads.
type hostedZoneValues struct {
	Name string `json:"name"`
}

func (t *translator) hostedZone(r *resource, v *hostedZoneValues) error {
	t.e.HostedZones = append(t.e.HostedZones, estate.HostedZone{Name: nameOr(r, v.Name), Origin: r.origin(t.p.file)})
	return nil
}

// metricAlarmValues are the planned values metricAlarm reads.
type metricAlarmValues struct {
	AlarmName   string  `json:"alarm_name"`
	Period      float64 `json:"period"`
	MetricQuery []struct {
		Metric []struct {
			Period float64 `json:"period"`
		} `json:"metric"`
	} `json:"metric_query"`
}

// metricAlarm reads a CloudWatch metric alarm. A metric math alarm
// (metric_query blocks) watches each metric its queries name; expressions
// are free. It is high resolution when a period is under 60 seconds (10 or
// 30: CloudWatch's high-resolution periods).
func (t *translator) metricAlarm(r *resource, v *metricAlarmValues) error {
	highRes := func(period float64) bool { return period > 0 && period < 60 }
	a := estate.Alarm{Name: nameOr(r, v.AlarmName), HighResolution: highRes(v.Period), Origin: r.origin(t.p.file)}
	for _, q := range v.MetricQuery {
		if len(q.Metric) == 0 {
			continue
		}
		a.Metrics++
		if highRes(q.Metric[0].Period) {
			a.HighResolution = true
		}
	}
	a.Metrics = max(a.Metrics, 1)
	t.e.Alarms = append(t.e.Alarms, a)
	return nil
}

// region sets the Estate's region from the aws provider configuration, else
// from the first availability zone a planned resource names.
func (t *translator) region() {
	if reg, origin := t.p.providerRegion(); reg != "" {
		t.e.Region, t.e.RegionOrigin = reg, origin
		return
	}
	for i := range t.p.resources {
		r := &t.p.resources[i]
		var v struct {
			AvailabilityZone string `json:"availability_zone"`
		}
		if r.Mode != "managed" || len(r.Values) == 0 || json.Unmarshal(r.Values, &v) != nil {
			continue
		}
		if reg := regionOfZone(v.AvailabilityZone); reg != "" {
			t.e.Region, t.e.RegionOrigin = reg, r.origin(t.p.file)
			return
		}
	}
}
