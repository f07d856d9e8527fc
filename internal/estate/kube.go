package estate

// Node is one node of a live cluster, as its API server reports it. The
// cost engine prices nodes through their NodeGroup; Nodes say which pods
// run where, for cost allocation.
type Node struct {
	Name    string `json:"name"`
	Cluster string `json:"cluster,omitempty"`
	// NodeGroup names the NodeGroup (of the same Cluster) the node is
	// counted in; "" when the node is not priced as an EC2 instance (a
	// Fargate node, or one with no instance type label).
	NodeGroup string `json:"nodeGroup,omitempty"`
	// Allocatable is what pods may request on the node (its capacity when
	// the node reports no allocatable).
	Allocatable Resources         `json:"allocatable"`
	Capacity    Resources         `json:"capacity"`
	Labels      map[string]string `json:"labels,omitempty"`
	Origin      Origin            `json:"origin"`
}

// Pod phases that Pod.Finished reads
// (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-phase).
const (
	PodSucceeded = "Succeeded"
	PodFailed    = "Failed"
)

// Pod is one pod of a live cluster. The cost engine prices its Workload
// (one per owner); Pods say which node each one is bound to, for cost
// allocation.
type Pod struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Node is the node it is bound to (spec.nodeName), "" while unscheduled.
	Node string `json:"node,omitempty"`
	// Phase is the pod's status phase: Pending, Running, Succeeded, Failed
	// or Unknown.
	Phase string `json:"phase,omitempty"`
	// Requests are the pod's effective requests, by the scheduler's rule.
	Requests Resources `json:"requests"`
	// OwnerKind and OwnerName name its workload: Deployment (through its
	// ReplicaSet), StatefulSet, DaemonSet, Job, CronJob (through its Job),
	// or "Pod" and the pod's own name for a bare pod.
	OwnerKind string            `json:"ownerKind"`
	OwnerName string            `json:"ownerName"`
	Labels    map[string]string `json:"labels,omitempty"`
	// Claims names the PVCs (in its namespace) the pod mounts.
	Claims []string `json:"claims,omitempty"`
	Origin Origin   `json:"origin"`
}

// Finished reports whether the pod has terminated and holds no resources.
func (p Pod) Finished() bool { return p.Phase == PodSucceeded || p.Phase == PodFailed }
