package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
)

// PodGroup is a set of identical pods the plan must place.
type PodGroup struct {
	Kind      string            `json:"kind"`
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	Labels    map[string]string `json:"labels,omitempty"`
	Count     int               `json:"count"`
	// PerNode pods (DaemonSets) run once on every EC2 node.
	PerNode     bool  `json:"perNode,omitempty"`
	MilliCPU    int64 `json:"milliCPU"`
	MemoryBytes int64 `json:"memoryBytes"`
	// NotFargate says why Fargate cannot run these pods ("" when it can).
	NotFargate string `json:"notFargate,omitempty"`
	// System pods are the ones EKS adds (kube-proxy, VPC CNI, CoreDNS).
	System bool `json:"system,omitempty"`
	// Defaulted is true when the pods had no requests and the plan's
	// default requests were assumed.
	Defaulted bool          `json:"defaulted,omitempty"`
	Origin    estate.Origin `json:"origin"`
}

// ID names the group as "Kind namespace/name".
func (g PodGroup) ID() string { return g.Kind + " " + g.Namespace + "/" + g.Name }

// Demand is what the workloads ask of a cluster.
type Demand struct {
	Groups      []PodGroup `json:"groups"`
	Assumptions []string   `json:"assumptions"`
}

// FargateOK reports whether Fargate can run the group.
func (g PodGroup) FargateOK() bool { return g.NotFargate == "" }

// eksSystemPods are the pods every EKS cluster runs, with the requests of the
// default add-on manifests:
//   - aws-node (VPC CNI), a DaemonSet requesting cpu 25m:
//     aws/amazon-vpc-cni-k8s@0055425 config/master/aws-k8s-cni.yaml;
//   - kube-proxy, a DaemonSet requesting cpu 100m (the EKS kube-proxy add-on);
//   - CoreDNS, 2 replicas requesting cpu 100m and memory 70Mi: the upstream
//     manifest kubernetes/kubernetes cluster/addons/dns/coredns, and the EKS
//     user guide's "Manage CoreDNS" page (two replicas by default).
var eksSystemPods = []PodGroup{
	{Kind: "DaemonSet", Namespace: "kube-system", Name: "kube-proxy", PerNode: true, MilliCPU: 100, NotFargate: "a DaemonSet", System: true},
	{Kind: "DaemonSet", Namespace: "kube-system", Name: "aws-node", PerNode: true, MilliCPU: 25, NotFargate: "a DaemonSet", System: true},
	{Kind: "Deployment", Namespace: "kube-system", Name: "coredns", Count: 2, MilliCPU: 100, MemoryBytes: 70 << 20,
		Labels: map[string]string{"k8s-app": "kube-dns"}, System: true},
}

// DemandOf reads the pods of an estate. Jobs and CronJobs are left out: they
// run for part of the month and fit in the headroom. Pods with no requests
// at all get defaultMilliCPU and defaultMemory, and are named in the
// assumptions. EKS's system pods are added when withSystem is set.
func DemandOf(e *estate.Estate, defaultMilliCPU, defaultMemory int64, withSystem bool) Demand {
	var d Demand
	claimsEBS := map[string]bool{} // namespace/claim -> backed by EBS
	for _, c := range e.Claims {
		claimsEBS[c.Namespace+"/"+c.Name] = true
	}
	var noRequests, jobs []string
	for _, w := range e.Workloads {
		if w.Kind == "Job" || w.Kind == "CronJob" {
			jobs = append(jobs, w.Namespace+"/"+w.Name)
			continue
		}
		g := PodGroup{
			Kind: w.Kind, Namespace: w.Namespace, Name: w.Name, Labels: w.Labels, Count: w.Replicas, PerNode: w.PerNode,
			MilliCPU: w.Requests.MilliCPU, MemoryBytes: w.Requests.MemoryBytes, Origin: w.Origin,
		}
		if g.MilliCPU == 0 && g.MemoryBytes == 0 {
			g.MilliCPU, g.MemoryBytes, g.Defaulted = defaultMilliCPU, defaultMemory, true
			noRequests = append(noRequests, fmt.Sprintf("%s (%s)", g.ID(), w.Origin))
		}
		g.NotFargate = notFargate(w, claimsEBS)
		if g.Count == 0 && !g.PerNode {
			continue
		}
		d.Groups = append(d.Groups, g)
	}
	if withSystem {
		d.Groups = append(d.Groups, eksSystemPods...)
		d.Assumptions = append(d.Assumptions, "EKS system pods added: kube-proxy (100m) and aws-node (25m) on every node, 2 CoreDNS replicas (100m, 70Mi)")
	}
	if len(noRequests) > 0 {
		sort.Strings(noRequests)
		d.Assumptions = append(d.Assumptions, fmt.Sprintf("no resource requests, so %dm CPU and %d MiB were assumed for each pod of: %s",
			defaultMilliCPU, defaultMemory>>20, strings.Join(noRequests, ", ")))
	}
	if len(jobs) > 0 {
		sort.Strings(jobs)
		d.Assumptions = append(d.Assumptions, "Jobs and CronJobs are not planned for (they run part of the month, in the headroom): "+strings.Join(jobs, ", "))
	}
	return d
}

// notFargate says why Fargate cannot run a workload's pods, following the
// EKS user guide's Fargate considerations: no DaemonSets, no privileged
// containers, no host network, no EBS-backed persistent volumes.
func notFargate(w estate.Workload, claimsEBS map[string]bool) string {
	switch {
	case w.PerNode:
		return "a DaemonSet"
	case w.Privileged:
		return "privileged containers"
	case w.HostNetwork:
		return "host network"
	}
	for _, c := range w.Claims {
		if claimsEBS[w.Namespace+"/"+c] {
			return "an EBS volume (" + c + ")"
		}
	}
	return ""
}

// totals sums the requests of the non-DaemonSet pods.
func totals(groups []PodGroup) (pods int, milliCPU, memory int64) {
	for _, g := range groups {
		if g.PerNode {
			continue
		}
		pods += g.Count
		milliCPU += int64(g.Count) * g.MilliCPU
		memory += int64(g.Count) * g.MemoryBytes
	}
	return
}
