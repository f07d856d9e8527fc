package kubelive

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/refit-dev/refit/internal/estate"
)

// Well-known node labels.
//
//   - Instance type, zone, region, roles:
//     https://kubernetes.io/docs/reference/labels-annotations-taints/
//   - EKS managed node groups and Fargate:
//     https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html#managed-node-group-capacity-types
//   - Karpenter: https://karpenter.sh/docs/concepts/scheduling/#well-known-labels
//   - kops instance groups: https://kops.sigs.k8s.io/instance_groups/
const (
	labelInstanceType     = "node.kubernetes.io/instance-type"
	labelInstanceTypeBeta = "beta.kubernetes.io/instance-type"
	labelZone             = "topology.kubernetes.io/zone"
	labelZoneBeta         = "failure-domain.beta.kubernetes.io/zone"
	labelRegion           = "topology.kubernetes.io/region"
	labelRegionBeta       = "failure-domain.beta.kubernetes.io/region"
	labelEKSCapacity      = "eks.amazonaws.com/capacityType" // ON_DEMAND | SPOT | CAPACITY_BLOCK
	labelEKSComputeType   = "eks.amazonaws.com/compute-type" // fargate, auto
	labelEKSNodegroup     = "eks.amazonaws.com/nodegroup"    // managed node group name
	labelKarpenterCap     = "karpenter.sh/capacity-type"     // on-demand | spot | reserved
	labelKarpenterPool    = "karpenter.sh/nodepool"          // NodePool name
	labelEksctlNodegroup  = "alpha.eksctl.io/nodegroup-name" // eksctl self-managed groups
	labelKopsGroup        = "kops.k8s.io/instancegroup"      // kops InstanceGroup name
	labelLifecycle        = "node.kubernetes.io/lifecycle"   // "spot" on many self-managed groups
	labelRoleControlPlane = "node-role.kubernetes.io/control-plane"
	labelRoleMaster       = "node-role.kubernetes.io/master"

	annDefaultStorageClass = "storageclass.kubernetes.io/is-default-class"
)

// Snapshot is what one cluster runs, as its API server reported it.
type Snapshot struct {
	// Context is the kubeconfig context the snapshot was read through.
	Context        string
	Nodes          []Node
	Pods           []Pod
	Claims         []Claim
	StorageClasses []StorageClass
	// Services are the Services of type LoadBalancer.
	Services []Service
	// Ingresses are the Ingresses the AWS Load Balancer Controller turns
	// into ALBs.
	Ingresses []Ingress
	// Warnings name lists the credentials could not read.
	Warnings []string
}

// Node is one node.
type Node struct {
	Name         string
	InstanceType string
	Zone         string
	Region       string
	Purchase     estate.Purchase
	// Group is the node's group: kops instance group, EKS or eksctl node
	// group, or Karpenter NodePool ("" when unlabelled); GroupKind says
	// which: "kops", "eks", "eksctl" or "karpenter".
	Group     string
	GroupKind string
	// InstanceID is the EC2 instance id from spec.providerID
	// ("aws:///us-east-1a/i-0abc…"), "" when it names none.
	InstanceID string
	// ControlPlane is true for control-plane (master) nodes.
	ControlPlane bool
	// Fargate is true for EKS Fargate's per-pod virtual nodes.
	Fargate     bool
	Allocatable estate.Resources
	Capacity    estate.Resources
	Labels      map[string]string
}

// Pod is one pod.
type Pod struct {
	Namespace string
	Name      string
	// Node is spec.nodeName, "" while unscheduled.
	Node  string
	Phase corev1.PodPhase
	// Requests are the effective requests, by the scheduler's rule.
	Requests estate.Resources
	// OwnerKind and OwnerName name the workload: Deployment (through its
	// ReplicaSet), StatefulSet, DaemonSet, Job, CronJob (through its Job),
	// or "Pod" and the pod's own name for a bare pod.
	OwnerKind string
	OwnerName string
	Labels    map[string]string
	// Claims names the PVCs the pod mounts.
	Claims       []string
	NodeSelector map[string]string
}

// Finished reports whether the pod has terminated and holds no resources.
func (p Pod) Finished() bool {
	return p.Phase == corev1.PodSucceeded || p.Phase == corev1.PodFailed
}

// Workload is "Kind/name" of the pod's owner.
func (p Pod) Workload() string { return p.OwnerKind + "/" + p.OwnerName }

// Claim is one PersistentVolumeClaim.
type Claim struct {
	Namespace    string
	Name         string
	StorageClass string
	// SizeGiB is the bound volume's capacity, else the request.
	SizeGiB float64
	// Phase is the claim's status phase: Pending, Bound or Lost.
	Phase corev1.PersistentVolumeClaimPhase
	// Volume is the bound PersistentVolume's name; ReclaimPolicy its
	// persistentVolumeReclaimPolicy (Delete, Retain) and VolumeID the EBS
	// volume behind it, when the volumes could be listed.
	Volume        string
	ReclaimPolicy string
	VolumeID      string
	// Pods are the unfinished pods that mount it.
	Pods []string
}

// Bound reports whether the claim is bound to a volume, the only state in
// which it bills.
func (c Claim) Bound() bool { return c.Phase == corev1.ClaimBound }

// StorageClass is one StorageClass; EBSType is "" for non-EBS classes.
type StorageClass struct {
	Name        string
	Provisioner string
	EBSType     string
	Default     bool
}

// Service is one Service of type LoadBalancer.
type Service struct {
	Namespace string
	Name      string
	Type      estate.LoadBalancerType
	Internal  bool
	Selector  map[string]string
	Labels    map[string]string
	// Hostname is the load balancer's DNS name from the Service's status.
	Hostname string
}

// Ingress is one Ingress that makes (or shares) an ALB.
type Ingress struct {
	Namespace string
	Name      string
	// Group is the IngressGroup; Ingresses of one group share one ALB.
	Group    string
	Internal bool
	Labels   map[string]string
	// Hostname is the ALB's DNS name from the Ingress's status.
	Hostname string
}

func nodeFrom(n *corev1.Node) Node {
	l := n.Labels
	out := Node{
		Name:         n.Name,
		InstanceType: first(l, labelInstanceType, labelInstanceTypeBeta),
		Zone:         first(l, labelZone, labelZoneBeta),
		Region:       first(l, labelRegion, labelRegionBeta),
		Purchase:     purchaseOf(l),
		Fargate:      l[labelEKSComputeType] == "fargate",
		InstanceID:   instanceID(n.Spec.ProviderID),
		Allocatable:  resources(n.Status.Allocatable),
		Capacity:     resources(n.Status.Capacity),
		Labels:       l,
	}
	for _, k := range []struct{ label, kind string }{
		{labelKopsGroup, "kops"}, {labelEKSNodegroup, "eks"}, {labelEksctlNodegroup, "eksctl"}, {labelKarpenterPool, "karpenter"},
	} {
		if v := l[k.label]; v != "" {
			out.Group, out.GroupKind = v, k.kind
			break
		}
	}
	_, cp := l[labelRoleControlPlane]
	_, m := l[labelRoleMaster]
	out.ControlPlane = cp || m
	if out.Allocatable == (estate.Resources{}) {
		out.Allocatable = out.Capacity
	}
	return out
}

// instanceID reads the EC2 instance id from a node's providerID,
// "aws:///ZONE/i-…" as the AWS cloud provider writes it
// (https://github.com/kubernetes/cloud-provider-aws/blob/master/docs/prerequisites.md).
func instanceID(providerID string) string {
	rest, ok := strings.CutPrefix(providerID, "aws://")
	if !ok {
		return ""
	}
	id := rest[strings.LastIndexByte(rest, '/')+1:]
	if !strings.HasPrefix(id, "i-") || len(id) < 3 {
		return ""
	}
	return id
}

// purchaseOf reads the capacity type labels of EKS, Karpenter and the
// common self-managed conventions; on-demand when none says spot.
func purchaseOf(l map[string]string) estate.Purchase {
	switch {
	case strings.EqualFold(l[labelEKSCapacity], "SPOT"),
		strings.EqualFold(l[labelKarpenterCap], "spot"),
		strings.EqualFold(l[labelLifecycle], "spot"),
		strings.EqualFold(l["lifecycle"], "Ec2Spot"),
		strings.EqualFold(l["spot"], "true"):
		return estate.Spot
	case l[labelEKSComputeType] == "fargate":
		return estate.Fargate
	}
	return estate.OnDemand
}

func first(l map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := l[k]; v != "" {
			return v
		}
	}
	return ""
}

func resources(rl corev1.ResourceList) estate.Resources {
	var r estate.Resources
	if q, ok := rl[corev1.ResourceCPU]; ok {
		r.MilliCPU = q.MilliValue()
	}
	if q, ok := rl[corev1.ResourceMemory]; ok {
		r.MemoryBytes = q.Value()
	}
	return r
}

// containerRequests reads a container's requests, falling back to its
// limits (the API server already defaults requests to limits; this keeps
// objects from other sources right too).
func containerRequests(c *corev1.Container) estate.Resources {
	r := resources(c.Resources.Requests)
	l := resources(c.Resources.Limits)
	if _, ok := c.Resources.Requests[corev1.ResourceCPU]; !ok {
		r.MilliCPU = l.MilliCPU
	}
	if _, ok := c.Resources.Requests[corev1.ResourceMemory]; !ok {
		r.MemoryBytes = l.MemoryBytes
	}
	return r
}

// podRequests computes the effective requests of a pod the way the
// scheduler does (k8s.io/component-helpers/resource PodRequests;
// https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#resource-sharing-within-containers):
// per resource, the larger of the sum of the app and sidecar containers and
// of each ordinary init container plus the sidecars started before it; plus
// the pod overhead.
func podRequests(spec *corev1.PodSpec) estate.Resources {
	var sum, sidecars, initMax estate.Resources
	for i := range spec.Containers {
		sum = add(sum, containerRequests(&spec.Containers[i]))
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		r := containerRequests(c)
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			sum = add(sum, r)
			sidecars = add(sidecars, r)
			continue
		}
		initMax = maxOf(initMax, add(r, sidecars))
	}
	return add(maxOf(sum, initMax), resources(spec.Overhead))
}

func add(a, b estate.Resources) estate.Resources {
	return estate.Resources{MilliCPU: a.MilliCPU + b.MilliCPU, MemoryBytes: a.MemoryBytes + b.MemoryBytes}
}

func maxOf(a, b estate.Resources) estate.Resources {
	return estate.Resources{MilliCPU: max(a.MilliCPU, b.MilliCPU), MemoryBytes: max(a.MemoryBytes, b.MemoryBytes)}
}

func podFrom(p *corev1.Pod) Pod {
	out := Pod{
		Namespace:    p.Namespace,
		Name:         p.Name,
		Node:         p.Spec.NodeName,
		Phase:        p.Status.Phase,
		Requests:     podRequests(&p.Spec),
		OwnerKind:    "Pod",
		OwnerName:    p.Name,
		Labels:       p.Labels,
		NodeSelector: p.Spec.NodeSelector,
	}
	if c := controllerOf(p.OwnerReferences); c != nil {
		out.OwnerKind, out.OwnerName = c.Kind, c.Name
	}
	for _, v := range p.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			out.Claims = append(out.Claims, v.PersistentVolumeClaim.ClaimName)
		}
	}
	return out
}

func claimFrom(c *corev1.PersistentVolumeClaim) Claim {
	out := Claim{Namespace: c.Namespace, Name: c.Name, Volume: c.Spec.VolumeName, Phase: c.Status.Phase}
	if c.Spec.StorageClassName != nil {
		out.StorageClass = *c.Spec.StorageClassName
	}
	q := c.Spec.Resources.Requests[corev1.ResourceStorage]
	if got, ok := c.Status.Capacity[corev1.ResourceStorage]; ok && c.Status.Phase == corev1.ClaimBound {
		q = got
	}
	out.SizeGiB = gib(q.Value())
	return out
}

func gib(bytes int64) float64 { return float64(bytes) / (1 << 30) }

// EBS provisioners and their default volume types: the EBS CSI driver makes
// gp3 (https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md),
// the in-tree plugin gp2
// (https://kubernetes.io/docs/concepts/storage/storage-classes/#aws-ebs).
var ebsProvisioners = map[string]string{"ebs.csi.aws.com": "gp3", "ebs.csi.eks.amazonaws.com": "gp3", "kubernetes.io/aws-ebs": "gp2"}

func storageClassFrom(sc *storagev1.StorageClass) StorageClass {
	out := StorageClass{Name: sc.Name, Provisioner: sc.Provisioner, Default: sc.Annotations[annDefaultStorageClass] == "true"}
	if def, ok := ebsProvisioners[sc.Provisioner]; ok {
		out.EBSType = def
		if t := sc.Parameters["type"]; t != "" {
			out.EBSType = strings.ToLower(t)
		}
	}
	return out
}
