package web

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/kubelive"
)

// exampleCluster is the bundled story's EKS cluster as a live read of it
// would find it (a generated snapshot, as the example's bill is generated):
// the nodes of its node groups, with a t3.small's allocatable by default
// and each node's zone in turn; each workload's pods (a DaemonSet's on
// every node) bound to the node with the least requested so far; its claims
// bound and its load balancers' Services. It is translated by kubelive as a
// real snapshot is, so the Cluster page of --example is computed by the
// same code as with --kubeconfig.
func exampleCluster(after *estate.Estate) *estate.Estate {
	s := &kubelive.Snapshot{Context: "example"}
	for _, g := range after.NodeGroups {
		if g.Role == estate.RoleMaster || len(g.InstanceTypes) == 0 {
			continue
		}
		for i := 0; i < g.Count; i++ {
			zone := after.Region + "a"
			if len(g.Zones) > 0 {
				zone = g.Zones[i%len(g.Zones)]
			}
			// What a t3.small (2 vCPU, 2 GiB) offers pods on EKS.
			alloc := estate.Resources{MilliCPU: 1930, MemoryBytes: 1418 << 20}
			s.Nodes = append(s.Nodes, kubelive.Node{Name: fmt.Sprintf("ip-10-0-%d-%d.ec2.internal", len(s.Nodes)+1, 10+i), InstanceType: g.InstanceTypes[0],
				Zone: zone, Region: after.Region, Purchase: g.Purchase, Group: g.Name, GroupKind: "eks",
				Allocatable: alloc, Capacity: alloc, Labels: map[string]string{"eks.amazonaws.com/nodegroup": g.Name}})
		}
	}
	if len(s.Nodes) == 0 {
		return nil
	}
	used := make([]int64, len(s.Nodes)) // requested cpu + memory (MiB), to spread the pods
	least := func() int {
		best := 0
		for i := range used {
			if used[i] < used[best] {
				best = i
			}
		}
		return best
	}
	for _, w := range after.Workloads {
		if w.Kind == "Pod" || w.Kind == "" {
			continue
		}
		owner := w.Kind
		n := w.Replicas
		if w.PerNode {
			n = len(s.Nodes)
		}
		for i := 0; i < n; i++ {
			node := least()
			if w.PerNode {
				node = i
			}
			used[node] += w.Requests.MilliCPU + w.Requests.MemoryBytes>>20
			s.Pods = append(s.Pods, kubelive.Pod{Namespace: w.Namespace, Name: fmt.Sprintf("%s-%d", w.Name, i), Node: s.Nodes[node].Name,
				Phase: corev1.PodRunning, Requests: w.Requests, OwnerKind: owner, OwnerName: w.Name, Labels: w.Labels, Claims: w.Claims})
		}
	}
	for _, c := range after.StorageClasses {
		s.StorageClasses = append(s.StorageClasses, kubelive.StorageClass{Name: c.Name, EBSType: c.EBSType, Default: c.Default})
	}
	for _, c := range after.Claims {
		n := max(c.Count, 1)
		for i := 0; i < n; i++ {
			name := c.Name
			if n > 1 {
				name = fmt.Sprintf("%s-%d", c.Name, i)
			}
			s.Claims = append(s.Claims, kubelive.Claim{Namespace: c.Namespace, Name: name, StorageClass: c.StorageClass, SizeGiB: c.SizeGiB,
				Phase: corev1.ClaimBound, Volume: "pvc-" + name})
		}
	}
	for _, lb := range after.LoadBalancers {
		if !lb.Service {
			continue
		}
		ns, name, _ := strings.Cut(lb.Name, "/")
		s.Services = append(s.Services, kubelive.Service{Namespace: ns, Name: name, Type: lb.Type, Internal: lb.Internal, Selector: lb.Selector, Labels: lb.Labels})
	}
	for _, lb := range after.LoadBalancers {
		if lb.Service || lb.Type != estate.ALB {
			continue
		}
		for _, m := range lb.Members {
			ns, name, _ := strings.Cut(m, "/")
			in := kubelive.Ingress{Namespace: ns, Name: name, Internal: lb.Internal, Labels: lb.MemberLabels[m]}
			if len(lb.Members) > 1 {
				in.Group = lb.Name
			}
			s.Ingresses = append(s.Ingresses, in)
		}
	}
	sort.Slice(s.Pods, func(i, j int) bool {
		return s.Pods[i].Namespace+"/"+s.Pods[i].Name < s.Pods[j].Namespace+"/"+s.Pods[j].Name
	})
	return s.Estate()
}
