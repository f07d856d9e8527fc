// Package estate defines the normalized description of what a user runs on AWS.
//
// Every source (kops, eksctl, manifests, Terraform, and later live AWS and live
// Kubernetes) only translates its input into an Estate; nothing downstream knows
// where an Estate came from. Every item keeps its Origin for messages.
package estate

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"
)

// Origin says where an item came from: a file and line, or an ARN / address.
type Origin struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Ref is a non-file reference: an ARN, a Terraform address, a kustomize
	// resource id. Shown after the file when both are set.
	Ref string `json:"ref,omitempty"`
}

// String renders the origin as "file:line", "file:line (ref)" or "ref".
func (o Origin) String() string {
	loc := o.File
	if o.File != "" && o.Line > 0 {
		loc = fmt.Sprintf("%s:%d", o.File, o.Line)
	}
	switch {
	case loc == "":
		return o.Ref
	case o.Ref == "":
		return loc
	default:
		return loc + " (" + o.Ref + ")"
	}
}

// Errorf returns an error prefixed with the origin, as "file:line: message".
func (o Origin) Errorf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if s := o.String(); s != "" {
		return fmt.Errorf("%s: %s", s, msg)
	}
	return fmt.Errorf("%s", msg)
}

// ControlPlaneKind says who runs the Kubernetes control plane.
type ControlPlaneKind string

const (
	// ControlPlaneEKS is an AWS-managed EKS control plane, billed per cluster-hour.
	ControlPlaneEKS ControlPlaneKind = "eks"
	// ControlPlaneSelfManaged is a control plane on the user's own instances
	// (kops masters); its cost is in the master node groups.
	ControlPlaneSelfManaged ControlPlaneKind = "self-managed"
)

// Cluster is one Kubernetes cluster.
type Cluster struct {
	Name              string           `json:"name"`
	ControlPlane      ControlPlaneKind `json:"controlPlane"`
	KubernetesVersion string           `json:"kubernetesVersion,omitempty"`
	// Source names the tool that defines the cluster: kops, eksctl, terraform.
	Source string `json:"source,omitempty"`
	Origin Origin `json:"origin"`
}

// NodeRole is what a node group is for.
type NodeRole string

// Node roles.
const (
	RoleNode    NodeRole = "node"
	RoleMaster  NodeRole = "master"
	RoleBastion NodeRole = "bastion"
	// RoleInstance is a standalone EC2 instance outside any cluster.
	RoleInstance NodeRole = "instance"
)

// Purchase is how capacity is bought.
type Purchase string

// Purchase options.
const (
	OnDemand Purchase = "on-demand"
	Spot     Purchase = "spot"
	Fargate  Purchase = "fargate"
)

// Volume is one EBS volume, or a set of identical ones.
type Volume struct {
	Name string `json:"name"`
	// Type is the EBS volume type: gp2, gp3, io1, io2, st1, sc1, standard.
	Type    string  `json:"type"`
	SizeGiB float64 `json:"sizeGiB"`
	// IOPS and ThroughputMiBps are the provisioned figures (0 = type default).
	IOPS            int `json:"iops,omitempty"`
	ThroughputMiBps int `json:"throughputMiBps,omitempty"`
	// Count is how many identical volumes (1 when zero).
	Count int `json:"count,omitempty"`
	// Purpose: root, etcd, pvc, data.
	Purpose string `json:"purpose,omitempty"`
	// Attached is false for volumes known to be unattached.
	Attached *bool `json:"attached,omitempty"`
	// Instance is the id of the EC2 instance the volume is attached to, when
	// a live source knows it (see StoppedInstance).
	Instance string `json:"instance,omitempty"`
	Origin   Origin `json:"origin"`
}

// N is the number of volumes (Count, at least 1).
func (v Volume) N() int {
	if v.Count <= 0 {
		return 1
	}
	return v.Count
}

// InstancesDistribution mixes on-demand and spot capacity in one group, as
// EC2 Auto Scaling mixed instances policies do.
type InstancesDistribution struct {
	OnDemandBaseCapacity                int `json:"onDemandBaseCapacity"`
	OnDemandPercentageAboveBaseCapacity int `json:"onDemandPercentageAboveBaseCapacity"`
}

// NodeGroup is a set of EC2 instances of one role: a kops InstanceGroup, an
// eksctl node group, an EKS managed node group, or standalone instances.
type NodeGroup struct {
	Name    string   `json:"name"`
	Cluster string   `json:"cluster,omitempty"`
	Role    NodeRole `json:"role"`
	// InstanceTypes lists the types the group may use; the first is the one
	// on-demand capacity uses.
	InstanceTypes []string `json:"instanceTypes"`
	Count         int      `json:"count"`
	MinSize       int      `json:"minSize,omitempty"`
	MaxSize       int      `json:"maxSize,omitempty"`
	Purchase      Purchase `json:"purchase"`
	// Distribution is set for mixed on-demand/spot groups (Purchase is spot).
	Distribution *InstancesDistribution `json:"distribution,omitempty"`
	RootVolume   Volume                 `json:"rootVolume"`
	// PublicIP is true when each instance gets a public IPv4 address.
	PublicIP bool              `json:"publicIP,omitempty"`
	Zones    []string          `json:"zones,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
	Taints   []string          `json:"taints,omitempty"`
	Managed  bool              `json:"managed,omitempty"`
	// MaxPods caps the pods each node runs (eksctl's maxPodsPerNode, the
	// kubelet's --max-pods); 0 when unset: the VPC CNI's limit applies.
	MaxPods int `json:"maxPods,omitempty"`
	// Nodes lists the group's nodes with what their pods request, when a
	// live cluster reports them (nil from files and from AWS).
	Nodes []NodeUsage `json:"nodes,omitempty"`
	// InstanceIDs are the group's EC2 instances when an AWS account reports
	// them (nil from files and clusters): a cluster's node whose instance is
	// listed here is priced once, as this group's.
	InstanceIDs []string `json:"instanceIDs,omitempty"`
	Origin      Origin   `json:"origin"`
}

// NodeUsage is one live node: what it can allocate and what the pods bound
// to it (those not Succeeded or Failed) request.
type NodeUsage struct {
	Name        string    `json:"name"`
	Allocatable Resources `json:"allocatable"`
	Requested   Resources `json:"requested"`
	// Pods counts the pods bound to the node; DaemonSetOnly is true when
	// none of them (if any) belongs to anything but a DaemonSet.
	Pods          int  `json:"pods"`
	DaemonSetOnly bool `json:"daemonSetOnly,omitempty"`
	// Group names the node's group by its labels and GroupKind says whose:
	// "kops" (instance group), "eks" (managed node group), "eksctl" (eksctl
	// node group) or "karpenter" (NodePool); both "" when unlabelled.
	Group     string `json:"group,omitempty"`
	GroupKind string `json:"groupKind,omitempty"`
	// InstanceID is the node's EC2 instance id, when its providerID says.
	InstanceID string `json:"instanceID,omitempty"`
}

// OnDemandCount and SpotCount split Count by the purchase option.
func (g NodeGroup) OnDemandCount() int {
	switch {
	case g.Purchase == OnDemand:
		return g.Count
	case g.Purchase == Spot && g.Distribution != nil:
		base := min(g.Distribution.OnDemandBaseCapacity, g.Count)
		above := g.Count - base
		// Auto Scaling rounds the on-demand share up.
		od := (above*g.Distribution.OnDemandPercentageAboveBaseCapacity + 99) / 100
		return base + od
	default:
		return 0
	}
}

// SpotCount is the number of spot instances in the group.
func (g NodeGroup) SpotCount() int {
	if g.Purchase != Spot {
		return 0
	}
	return g.Count - g.OnDemandCount()
}

// FargateSelector selects pods by namespace and labels.
type FargateSelector struct {
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels,omitempty"`
}

// FargateProfile runs the pods its selectors match on Fargate.
type FargateProfile struct {
	Name      string            `json:"name"`
	Cluster   string            `json:"cluster,omitempty"`
	Selectors []FargateSelector `json:"selectors"`
	Origin    Origin            `json:"origin"`
}

// FargateProfileFor returns the first of e's Fargate profiles that selects a
// pod in namespace with labels (EKS runs the pod on Fargate), if any.
func (e *Estate) FargateProfileFor(namespace string, labels map[string]string) (FargateProfile, bool) {
	for _, prof := range e.FargateProfiles {
		if prof.Matches(namespace, labels) {
			return prof, true
		}
	}
	return FargateProfile{}, false
}

// Matches reports whether a pod in namespace with labels is selected.
func (p FargateProfile) Matches(namespace string, labels map[string]string) bool {
	for _, s := range p.Selectors {
		if s.Namespace != namespace {
			continue
		}
		ok := true
		for k, v := range s.Labels {
			if labels[k] != v {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// Resources are the requests of one pod.
type Resources struct {
	// MilliCPU is the cpu request in millicores.
	MilliCPU int64 `json:"milliCPU"`
	// MemoryBytes is the memory request in bytes.
	MemoryBytes int64 `json:"memoryBytes"`
}

// Workload is a set of identical pods: a Deployment, StatefulSet, DaemonSet...
type Workload struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Replicas is the number of pods; for DaemonSets it is 0 and PerNode is true.
	Replicas int  `json:"replicas"`
	PerNode  bool `json:"perNode,omitempty"`
	// Requests are the effective requests of one pod, by the scheduler's rule:
	// max(sum of containers, largest init container) per resource.
	Requests Resources         `json:"requests"`
	Labels   map[string]string `json:"labels,omitempty"`
	// NodeSelector of the pod template.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// Claims names the PVCs the pods mount.
	Claims      []string `json:"claims,omitempty"`
	HostNetwork bool     `json:"hostNetwork,omitempty"`
	Privileged  bool     `json:"privileged,omitempty"`
	Origin      Origin   `json:"origin"`
}

// LoadBalancerType is the kind of Elastic Load Balancer.
type LoadBalancerType string

// Load balancer types.
const (
	ALB LoadBalancerType = "alb"
	NLB LoadBalancerType = "nlb"
	CLB LoadBalancerType = "clb"
)

// LoadBalancer is one Elastic Load Balancer.
type LoadBalancer struct {
	Name     string           `json:"name"`
	Type     LoadBalancerType `json:"type"`
	Internal bool             `json:"internal,omitempty"`
	// Members names what shares it (Ingresses in one IngressGroup).
	Members []string `json:"members,omitempty"`
	// Purpose is "api" or "bastion" for a self-managed cluster's own load
	// balancers, "" for the workloads'.
	Purpose string `json:"purpose,omitempty"`
	// Service is true when a Kubernetes Service of type LoadBalancer makes
	// it (from manifests, a kustomization or a live cluster): its type is
	// then changed by the Service's annotations, not by Terraform.
	Service bool `json:"service,omitempty"`
	// Targets and HealthyTargets count registered and healthy targets when a
	// live source knows them (nil from files).
	Targets        *int `json:"targets,omitempty"`
	HealthyTargets *int `json:"healthyTargets,omitempty"`
	// DNSName is the load balancer's DNS name when a live source knows it
	// (the account's, or a Service's or Ingress's status): an account and a
	// cluster naming the same one price it once.
	DNSName string `json:"dnsName,omitempty"`
	// Selector and Labels are the pod selector and the labels of the
	// Service that makes it, when a live cluster reports them.
	Selector map[string]string `json:"selector,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
	// MemberLabels are the labels of each member, by its name in Members,
	// when a live cluster reports them.
	MemberLabels map[string]map[string]string `json:"memberLabels,omitempty"`
	Origin       Origin                       `json:"origin"`
}

// NATGateway is one NAT gateway. Public NAT gateways also hold an Elastic IP,
// which is listed separately as a PublicIP.
type NATGateway struct {
	Name   string `json:"name"`
	Zone   string `json:"zone,omitempty"`
	Origin Origin `json:"origin"`
}

// PublicIP is one public IPv4 address (Elastic IP or auto-assigned).
type PublicIP struct {
	Name string `json:"name"`
	// Attached is false for an idle Elastic IP.
	Attached bool `json:"attached"`
	// Purpose is "nat" for the Elastic IP of a NAT gateway.
	Purpose string `json:"purpose,omitempty"`
	// Instance is the id of the EC2 instance an Elastic IP is associated
	// with, when a live source knows it.
	Instance string `json:"instance,omitempty"`
	Origin   Origin `json:"origin"`
}

// StoppedInstance is an EC2 instance in the stopped state, read from a live
// account. It bills no instance hours, so the cost engine does not price it;
// its EBS volumes (the Volumes whose Instance is its id) and Elastic IPs (the
// PublicIPs whose Instance is its id) are listed and priced as usual.
type StoppedInstance struct {
	// Name is the instance id; Label its Name tag.
	Name  string `json:"name"`
	Label string `json:"label,omitempty"`
	Type  string `json:"type"`
	// Cluster is the Kubernetes cluster its tags name, if any.
	Cluster string `json:"cluster,omitempty"`
	// StoppedSince is when it was stopped, zero when unknown; Reason is
	// EC2's state transition reason, such as "User initiated (2026-10-01
	// 12:00:00 GMT)".
	StoppedSince time.Time `json:"stoppedSince,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	Origin       Origin    `json:"origin"`
}

// Snapshot is one EBS snapshot.
type Snapshot struct {
	Name    string  `json:"name"`
	SizeGiB float64 `json:"sizeGiB"`
	Archive bool    `json:"archive,omitempty"`
	// Created is when it was taken (zero when unknown); SourceGone is true
	// when the volume it was taken from no longer exists.
	Created    time.Time `json:"created,omitempty"`
	SourceGone bool      `json:"sourceGone,omitempty"`
	Origin     Origin    `json:"origin"`
}

// HostedZone is a Route 53 hosted zone.
type HostedZone struct {
	Name   string `json:"name"`
	Origin Origin `json:"origin"`
}

// VPCEndpoint is an interface VPC endpoint (PrivateLink), billed per zone
// per hour and per GB processed. Gateway endpoints (S3, DynamoDB) are free
// and are not listed.
type VPCEndpoint struct {
	Name    string `json:"name"`
	Service string `json:"service"`
	Zones   int    `json:"zones"`
	Origin  Origin `json:"origin"`
}

// Alarm is a CloudWatch metric alarm, billed per metric it watches per
// month; high-resolution alarms (a period under 60 seconds) cost more.
type Alarm struct {
	Name string `json:"name"`
	// Metrics is how many metrics it watches: one, or each metric of a
	// metric math alarm.
	Metrics        int    `json:"metrics"`
	HighResolution bool   `json:"highResolution,omitempty"`
	Origin         Origin `json:"origin"`
}

// Environment is an Elastic Beanstalk environment, read from a live account.
// Its instances and load balancer are priced as EC2 and ELB; Instances lists
// them again (as one-instance groups) so that waste rules can price what
// removing the environment saves.
type Environment struct {
	Name      string      `json:"name"`
	Platform  string      `json:"platform,omitempty"`
	Health    string      `json:"health,omitempty"`
	Updated   time.Time   `json:"updated,omitempty"`
	Instances []NodeGroup `json:"instances,omitempty"`
	Origin    Origin      `json:"origin"`
}

// Database is an RDS instance.
type Database struct {
	Name          string  `json:"name"`
	Engine        string  `json:"engine"`
	InstanceClass string  `json:"instanceClass"`
	MultiAZ       bool    `json:"multiAZ,omitempty"`
	StorageGiB    float64 `json:"storageGiB"`
	StorageType   string  `json:"storageType"`
	Origin        Origin  `json:"origin"`
}

// StorageClass maps a Kubernetes StorageClass to its EBS volume type.
type StorageClass struct {
	Name    string `json:"name"`
	EBSType string `json:"ebsType"`
	Default bool   `json:"default,omitempty"`
	Origin  Origin `json:"origin"`
}

// Claim is a PersistentVolumeClaim (or one generated by a StatefulSet's
// volumeClaimTemplates). Its volume type comes from its StorageClass.
type Claim struct {
	Namespace    string  `json:"namespace"`
	Name         string  `json:"name"`
	StorageClass string  `json:"storageClass,omitempty"`
	SizeGiB      float64 `json:"sizeGiB"`
	Count        int     `json:"count,omitempty"`
	// Volume, ReclaimPolicy and VolumeID describe the PersistentVolume a
	// live claim is bound to: its name, its persistentVolumeReclaimPolicy
	// (Delete or Retain) and the EBS volume id behind it, when known. A
	// live source lists only bound claims: a claim with no volume bills
	// nothing.
	Volume        string `json:"volume,omitempty"`
	ReclaimPolicy string `json:"reclaimPolicy,omitempty"`
	VolumeID      string `json:"volumeID,omitempty"`
	Origin        Origin `json:"origin"`
}

// Estate is everything a user runs, normalized.
type Estate struct {
	Region          string           `json:"region,omitempty"`
	Clusters        []Cluster        `json:"clusters,omitempty"`
	NodeGroups      []NodeGroup      `json:"nodeGroups,omitempty"`
	FargateProfiles []FargateProfile `json:"fargateProfiles,omitempty"`
	Workloads       []Workload       `json:"workloads,omitempty"`
	Claims          []Claim          `json:"claims,omitempty"`
	StorageClasses  []StorageClass   `json:"storageClasses,omitempty"`
	Volumes         []Volume         `json:"volumes,omitempty"`
	Snapshots       []Snapshot       `json:"snapshots,omitempty"`
	NATGateways     []NATGateway     `json:"natGateways,omitempty"`
	PublicIPs       []PublicIP       `json:"publicIPs,omitempty"`
	LoadBalancers   []LoadBalancer   `json:"loadBalancers,omitempty"`
	HostedZones     []HostedZone     `json:"hostedZones,omitempty"`
	Databases       []Database       `json:"databases,omitempty"`
	VPCEndpoints    []VPCEndpoint    `json:"vpcEndpoints,omitempty"`
	Environments    []Environment    `json:"environments,omitempty"`
	// StoppedInstances are EC2 instances in the stopped state (live AWS).
	StoppedInstances []StoppedInstance `json:"stoppedInstances,omitempty"`
	Alarms           []Alarm           `json:"alarms,omitempty"`
	// Nodes and Pods are a live cluster's nodes and pods, one by one (nil
	// from files and from AWS).
	Nodes []Node `json:"nodes,omitempty"`
	Pods  []Pod  `json:"pods,omitempty"`
	// RegionOrigin is where Region was set.
	RegionOrigin Origin `json:"-"`
	// Assumptions are what a source supposed where its input did not say
	// (a default namespace, a default volume type); they are printed with
	// every result. Notes are facts about how the input was read (which
	// kustomizations were built). Unread lists inputs that could not be
	// read, each as "file: reason": the result is partial when it is not
	// empty.
	Assumptions []string `json:"assumptions,omitempty"`
	Notes       []string `json:"notes,omitempty"`
	Unread      []string `json:"unread,omitempty"`
}

// Partial reports whether some input could not be read.
func (e *Estate) Partial() bool { return len(e.Unread) > 0 }

// Merge adds everything in o to e. A region set in both must agree.
func (e *Estate) Merge(o *Estate) error {
	if o.Region != "" {
		if e.Region != "" && e.Region != o.Region {
			return o.RegionOrigin.Errorf("region %q differs from %q set at %s; price one region at a time", o.Region, e.Region, e.RegionOrigin)
		}
		if e.Region == "" {
			e.Region, e.RegionOrigin = o.Region, o.RegionOrigin
		}
	}
	e.Clusters = append(e.Clusters, o.Clusters...)
	e.NodeGroups = append(e.NodeGroups, o.NodeGroups...)
	e.FargateProfiles = append(e.FargateProfiles, o.FargateProfiles...)
	e.Workloads = append(e.Workloads, o.Workloads...)
	e.Claims = append(e.Claims, o.Claims...)
	e.StorageClasses = append(e.StorageClasses, o.StorageClasses...)
	e.Volumes = append(e.Volumes, o.Volumes...)
	e.Snapshots = append(e.Snapshots, o.Snapshots...)
	e.NATGateways = append(e.NATGateways, o.NATGateways...)
	e.PublicIPs = append(e.PublicIPs, o.PublicIPs...)
	e.LoadBalancers = append(e.LoadBalancers, o.LoadBalancers...)
	e.HostedZones = append(e.HostedZones, o.HostedZones...)
	e.Databases = append(e.Databases, o.Databases...)
	e.VPCEndpoints = append(e.VPCEndpoints, o.VPCEndpoints...)
	e.Environments = append(e.Environments, o.Environments...)
	e.StoppedInstances = append(e.StoppedInstances, o.StoppedInstances...)
	e.Alarms = append(e.Alarms, o.Alarms...)
	e.Nodes = append(e.Nodes, o.Nodes...)
	e.Pods = append(e.Pods, o.Pods...)
	e.Assumptions = append(e.Assumptions, o.Assumptions...)
	e.Notes = append(e.Notes, o.Notes...)
	e.Unread = append(e.Unread, o.Unread...)
	return nil
}

// Clone returns a deep copy of e: changing the copy (its items, their
// lists, maps and pointers) leaves e as it was. Like Merge, it names every
// field of Estate; TestMergeAndCloneCoverEveryField fails when a field is
// added to one and not the other.
func (e *Estate) Clone() *Estate {
	c := *e
	c.Clusters = slices.Clone(e.Clusters)
	c.NodeGroups = cloneEach(e.NodeGroups, NodeGroup.clone)
	c.FargateProfiles = cloneEach(e.FargateProfiles, FargateProfile.clone)
	c.Workloads = cloneEach(e.Workloads, Workload.clone)
	c.Claims = slices.Clone(e.Claims)
	c.StorageClasses = slices.Clone(e.StorageClasses)
	c.Volumes = cloneEach(e.Volumes, Volume.clone)
	c.Snapshots = slices.Clone(e.Snapshots)
	c.NATGateways = slices.Clone(e.NATGateways)
	c.PublicIPs = slices.Clone(e.PublicIPs)
	c.LoadBalancers = cloneEach(e.LoadBalancers, LoadBalancer.clone)
	c.HostedZones = slices.Clone(e.HostedZones)
	c.Databases = slices.Clone(e.Databases)
	c.VPCEndpoints = slices.Clone(e.VPCEndpoints)
	c.Environments = cloneEach(e.Environments, Environment.clone)
	c.StoppedInstances = slices.Clone(e.StoppedInstances)
	c.Alarms = slices.Clone(e.Alarms)
	c.Nodes = cloneEach(e.Nodes, Node.clone)
	c.Pods = cloneEach(e.Pods, Pod.clone)
	c.Assumptions = slices.Clone(e.Assumptions)
	c.Notes = slices.Clone(e.Notes)
	c.Unread = slices.Clone(e.Unread)
	return &c
}

// cloneEach copies s with clone applied to each element (nil stays nil).
func cloneEach[T any](s []T, clone func(T) T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, x := range s {
		out[i] = clone(x)
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

func (v Volume) clone() Volume {
	v.Attached = clonePtr(v.Attached)
	return v
}

func (g NodeGroup) clone() NodeGroup {
	g.InstanceTypes = slices.Clone(g.InstanceTypes)
	g.Distribution = clonePtr(g.Distribution)
	g.RootVolume = g.RootVolume.clone()
	g.Zones = slices.Clone(g.Zones)
	g.Labels = maps.Clone(g.Labels)
	g.Taints = slices.Clone(g.Taints)
	g.Nodes = slices.Clone(g.Nodes)
	g.InstanceIDs = slices.Clone(g.InstanceIDs)
	return g
}

func (p FargateProfile) clone() FargateProfile {
	p.Selectors = cloneEach(p.Selectors, func(s FargateSelector) FargateSelector {
		s.Labels = maps.Clone(s.Labels)
		return s
	})
	return p
}

func (w Workload) clone() Workload {
	w.Labels = maps.Clone(w.Labels)
	w.NodeSelector = maps.Clone(w.NodeSelector)
	w.Claims = slices.Clone(w.Claims)
	return w
}

func (lb LoadBalancer) clone() LoadBalancer {
	lb.Members = slices.Clone(lb.Members)
	lb.Targets = clonePtr(lb.Targets)
	lb.HealthyTargets = clonePtr(lb.HealthyTargets)
	lb.Selector = maps.Clone(lb.Selector)
	lb.Labels = maps.Clone(lb.Labels)
	if lb.MemberLabels != nil {
		m := make(map[string]map[string]string, len(lb.MemberLabels))
		for k, v := range lb.MemberLabels {
			m[k] = maps.Clone(v)
		}
		lb.MemberLabels = m
	}
	return lb
}

func (n Node) clone() Node {
	n.Labels = maps.Clone(n.Labels)
	return n
}

func (p Pod) clone() Pod {
	p.Labels = maps.Clone(p.Labels)
	p.Claims = slices.Clone(p.Claims)
	return p
}

func (env Environment) clone() Environment {
	env.Instances = cloneEach(env.Instances, NodeGroup.clone)
	return env
}

// Validate checks the invariants every source must keep: non-negative counts
// and sizes, at least one instance type per node group.
func (e *Estate) Validate() error {
	for _, g := range e.NodeGroups {
		if g.Count < 0 {
			return g.Origin.Errorf("node group %q: count %d is negative", g.Name, g.Count)
		}
		if len(g.InstanceTypes) == 0 {
			return g.Origin.Errorf("node group %q: no instance type", g.Name)
		}
		if g.RootVolume.SizeGiB < 0 {
			return g.Origin.Errorf("node group %q: root volume size %v is negative", g.Name, g.RootVolume.SizeGiB)
		}
	}
	for _, w := range e.Workloads {
		if w.Replicas < 0 {
			return w.Origin.Errorf("%s %s/%s: replicas %d is negative", w.Kind, w.Namespace, w.Name, w.Replicas)
		}
		if w.Requests.MilliCPU < 0 || w.Requests.MemoryBytes < 0 {
			return w.Origin.Errorf("%s %s/%s: negative resource request", w.Kind, w.Namespace, w.Name)
		}
	}
	for _, v := range e.Volumes {
		if v.SizeGiB < 0 || v.Count < 0 {
			return v.Origin.Errorf("volume %q: negative size or count", v.Name)
		}
	}
	for _, c := range e.Claims {
		if c.SizeGiB < 0 || c.Count < 0 {
			return c.Origin.Errorf("claim %s/%s: negative size or count", c.Namespace, c.Name)
		}
	}
	return nil
}

// ClusterByName returns the cluster with that name, if any.
func (e *Estate) ClusterByName(name string) (Cluster, bool) {
	for _, c := range e.Clusters {
		if c.Name == name {
			return c, true
		}
	}
	return Cluster{}, false
}

// SortedKeys returns the keys of m in order, for stable output.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
