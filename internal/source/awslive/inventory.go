// Package awslive reads what an AWS account runs, read-only, through the AWS
// SDK for Go v2: EC2 instances, EBS volumes and snapshots, Elastic IPs, NAT
// gateways, Classic and v2 load balancers, EKS clusters with their node
// groups and Fargate profiles, Elastic Beanstalk environments and RDS
// instances.
//
// Load collects an Inventory, region by region in parallel; Inventory.Estate
// turns it into an estate.Estate whose origins are ARNs. Every AWS operation
// the package calls is listed in docs/iam-policy.json, and a test keeps the
// two in step.
package awslive

import (
	"regexp"
	"time"
)

// Inventory is what Load found, per resource, in the words of the AWS APIs.
// Estate maps it to the shared estate; fields the estate has no place for yet
// stay here.
type Inventory struct {
	// Account is the AWS account id, Partition its partition ("aws").
	Account   string `json:"account"`
	Partition string `json:"partition"`
	// Regions lists the regions read, in order.
	Regions []string `json:"regions"`
	// Partial lists what could not be read, as "eu-west-1: access denied
	// for ec2:DescribeInstances". An empty list means the inventory is whole.
	Partial []string `json:"partial,omitempty"`

	Instances       []Instance       `json:"instances,omitempty"`
	Volumes         []Volume         `json:"volumes,omitempty"`
	Snapshots       []Snapshot       `json:"snapshots,omitempty"`
	Addresses       []Address        `json:"addresses,omitempty"`
	NATGateways     []NATGateway     `json:"natGateways,omitempty"`
	LoadBalancers   []LoadBalancer   `json:"loadBalancers,omitempty"`
	Clusters        []Cluster        `json:"clusters,omitempty"`
	NodeGroups      []NodeGroup      `json:"nodeGroups,omitempty"`
	FargateProfiles []FargateProfile `json:"fargateProfiles,omitempty"`
	Environments    []Environment    `json:"environments,omitempty"`
	Databases       []Database       `json:"databases,omitempty"`
}

// Instance is one EC2 instance (terminated ones are left out).
type Instance struct {
	Region string `json:"region"`
	ID     string `json:"id"`
	ARN    string `json:"arn"`
	Type   string `json:"type"`
	// State is pending, running, stopping or stopped.
	State string `json:"state"`
	// Spot is true for spot instances (InstanceLifecycle "spot").
	Spot       bool      `json:"spot,omitempty"`
	LaunchTime time.Time `json:"launchTime"`
	Zone       string    `json:"zone,omitempty"`
	// PublicIP is the public IPv4 address, Elastic or auto-assigned.
	PublicIP string `json:"publicIP,omitempty"`
	// RootVolumeID is the EBS volume behind the root device, if any.
	RootVolumeID string `json:"rootVolumeID,omitempty"`
	// StateReason is EC2's StateTransitionReason, such as "User initiated
	// (2026-10-01 12:00:00 GMT)"; StoppedSince is the date in it for a
	// stopped instance (zero when it carries none).
	StateReason  string            `json:"stateReason,omitempty"`
	StoppedSince time.Time         `json:"stoppedSince,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
}

// Running reports whether the instance is billed for its hours.
func (i Instance) Running() bool { return i.State == "pending" || i.State == "running" }

// Stopped reports whether the instance is stopped: no instance hours, but
// its EBS volumes and Elastic IPs still bill.
func (i Instance) Stopped() bool { return i.State == "stopped" }

// transitionTime matches the date EC2 writes in a StateTransitionReason:
// "User initiated (2026-10-01 12:00:00 GMT)"; some regions and tools say
// UTC (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html,
// stateTransitionReason; https://github.com/getmoto/moto/issues/7486).
var transitionTime = regexp.MustCompile(`\((\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (?:GMT|UTC)\)`)

// transitionDate returns the date in a StateTransitionReason, if any.
func transitionDate(reason string) (time.Time, bool) {
	m := transitionTime.FindStringSubmatch(reason)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateTime, m[1])
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// Volume is one EBS volume.
type Volume struct {
	Region          string    `json:"region"`
	ID              string    `json:"id"`
	ARN             string    `json:"arn"`
	Type            string    `json:"type"`
	SizeGiB         int       `json:"sizeGiB"`
	IOPS            int       `json:"iops,omitempty"`
	ThroughputMiBps int       `json:"throughputMiBps,omitempty"`
	State           string    `json:"state"`
	Created         time.Time `json:"created"`
	// Instances lists the instances it is attached to.
	Instances []string          `json:"instances,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
}

// Attached reports whether the volume is attached to an instance.
func (v Volume) Attached() bool { return len(v.Instances) > 0 }

// Snapshot is one EBS snapshot the account owns.
type Snapshot struct {
	Region   string    `json:"region"`
	ID       string    `json:"id"`
	ARN      string    `json:"arn"`
	VolumeID string    `json:"volumeID,omitempty"`
	SizeGiB  int       `json:"sizeGiB"`
	Created  time.Time `json:"created"`
	// Archive is true for snapshots in the archive tier.
	Archive bool `json:"archive,omitempty"`
	// SourceVolumeExists is false when the volume it was taken from is gone
	// (or was never read: see Inventory.Partial).
	SourceVolumeExists bool              `json:"sourceVolumeExists"`
	Description        string            `json:"description,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
}

// Address is one Elastic IP address.
type Address struct {
	Region       string `json:"region"`
	AllocationID string `json:"allocationID"`
	ARN          string `json:"arn"`
	PublicIP     string `json:"publicIP"`
	// Associated is true when the address is associated with an instance or
	// a network interface.
	Associated bool   `json:"associated"`
	InstanceID string `json:"instanceID,omitempty"`
	// NATGateway names the NAT gateway holding the address, if any.
	NATGateway string            `json:"natGateway,omitempty"`
	Tags       map[string]string `json:"tags,omitempty"`
}

// NATGateway is one NAT gateway (deleted and failed ones are left out).
type NATGateway struct {
	Region   string `json:"region"`
	ID       string `json:"id"`
	ARN      string `json:"arn"`
	State    string `json:"state"`
	SubnetID string `json:"subnetID,omitempty"`
	VPCID    string `json:"vpcID,omitempty"`
	// Zone is the availability zone of its subnet ("" when the subnet
	// could not be read).
	Zone string `json:"zone,omitempty"`
	// Private is true for private NAT gateways (no Elastic IP).
	Private       bool              `json:"private,omitempty"`
	AllocationIDs []string          `json:"allocationIDs,omitempty"`
	Tags          map[string]string `json:"tags,omitempty"`
}

// LoadBalancer is one Elastic Load Balancer, Classic or v2.
type LoadBalancer struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	// Type is application, network, gateway or classic.
	Type     string    `json:"type"`
	Internal bool      `json:"internal,omitempty"`
	DNSName  string    `json:"dnsName,omitempty"`
	Created  time.Time `json:"created"`
	// Listeners is the number of listeners.
	Listeners int `json:"listeners"`
	// Targets counts the registered targets (instances for a Classic ELB),
	// HealthyTargets those healthy (InService).
	Targets        int `json:"targets"`
	HealthyTargets int `json:"healthyTargets"`
}

// Cluster is one EKS cluster.
type Cluster struct {
	Region  string `json:"region"`
	Name    string `json:"name"`
	ARN     string `json:"arn"`
	Version string `json:"version"`
	Status  string `json:"status"`
	// SupportType is the upgrade policy: STANDARD or EXTENDED.
	SupportType string    `json:"supportType,omitempty"`
	Created     time.Time `json:"created"`
}

// NodeGroup is one EKS managed node group.
type NodeGroup struct {
	Region        string            `json:"region"`
	Cluster       string            `json:"cluster"`
	Name          string            `json:"name"`
	ARN           string            `json:"arn"`
	Status        string            `json:"status"`
	CapacityType  string            `json:"capacityType,omitempty"`
	InstanceTypes []string          `json:"instanceTypes,omitempty"`
	MinSize       int               `json:"minSize"`
	MaxSize       int               `json:"maxSize"`
	DesiredSize   int               `json:"desiredSize"`
	DiskSizeGiB   int               `json:"diskSizeGiB,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	Taints        []string          `json:"taints,omitempty"`
	// AutoScalingGroups names the groups behind the node group.
	AutoScalingGroups []string `json:"autoScalingGroups,omitempty"`
}

// FargateProfile is one EKS Fargate profile.
type FargateProfile struct {
	Region    string            `json:"region"`
	Cluster   string            `json:"cluster"`
	Name      string            `json:"name"`
	ARN       string            `json:"arn"`
	Status    string            `json:"status"`
	Selectors []FargateSelector `json:"selectors"`
}

// FargateSelector selects pods by namespace and labels.
type FargateSelector struct {
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels,omitempty"`
}

// Environment is one Elastic Beanstalk environment (terminated ones are left
// out). Its instances and load balancer are listed with the others.
type Environment struct {
	Region      string `json:"region"`
	Name        string `json:"name"`
	ID          string `json:"id"`
	ARN         string `json:"arn"`
	Application string `json:"application"`
	// Tier is WebServer or Worker.
	Tier string `json:"tier,omitempty"`
	// Type is LoadBalanced or SingleInstance for web servers, guessed from
	// the endpoint: a single-instance environment's endpoint is its Elastic
	// IP, a load-balanced one's is the load balancer's DNS name; "" when
	// unknown.
	Type         string    `json:"type,omitempty"`
	Platform     string    `json:"platform,omitempty"`
	Status       string    `json:"status"`
	Health       string    `json:"health,omitempty"`
	HealthStatus string    `json:"healthStatus,omitempty"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
	EndpointURL  string    `json:"endpointURL,omitempty"`
}

// Database is one RDS DB instance.
type Database struct {
	Region        string `json:"region"`
	ID            string `json:"id"`
	ARN           string `json:"arn"`
	Engine        string `json:"engine"`
	EngineVersion string `json:"engineVersion,omitempty"`
	InstanceClass string `json:"instanceClass"`
	MultiAZ       bool   `json:"multiAZ,omitempty"`
	StorageGiB    int    `json:"storageGiB"`
	StorageType   string `json:"storageType,omitempty"`
	// Status is the DB instance status: available, stopped, ...
	Status string `json:"status"`
	// Cluster is the Aurora DB cluster it belongs to, if any.
	Cluster string    `json:"cluster,omitempty"`
	Created time.Time `json:"created"`
}
