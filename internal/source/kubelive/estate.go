package kubelive

import (
	"fmt"
	"sort"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
)

// Origin is where an object of the snapshot came from:
// "kube:<context>/<kind>/<namespace>/<name>", without the namespace for
// cluster-scoped kinds. kind is lower case (node, pod, deployment, pvc...).
func (s *Snapshot) Origin(kind, namespace, name string) estate.Origin {
	if namespace == "" {
		return estate.Origin{Ref: fmt.Sprintf("kube:%s/%s/%s", s.Context, kind, name)}
	}
	return estate.Origin{Ref: fmt.Sprintf("kube:%s/%s/%s/%s", s.Context, kind, namespace, name)}
}

// NodeGroupName is the name of the estate node group a node is counted in:
// its instance type and purchase option, after "control-plane " for
// control-plane nodes; "" for nodes that are not EC2 instances (Fargate,
// or no instance type label).
func NodeGroupName(n Node) string {
	if n.Fargate || n.InstanceType == "" {
		return ""
	}
	name := n.InstanceType + " " + string(n.Purchase)
	if n.ControlPlane {
		name = "control-plane " + name
	}
	return name
}

// NodeGroupOrigin is the origin of the estate node group a node is counted in.
func (s *Snapshot) NodeGroupOrigin(n Node) estate.Origin {
	return s.Origin("nodegroup", "", strings.ReplaceAll(NodeGroupName(n), " ", "-"))
}

// ClaimOrigin, ServiceOrigin and IngressOrigin are the origins of the
// estate items made from a claim, a Service and an Ingress (an ALB shared by
// an IngressGroup has the origin of its first Ingress, by namespace/name).
func (s *Snapshot) ClaimOrigin(c Claim) estate.Origin { return s.Origin("pvc", c.Namespace, c.Name) }

// ServiceOrigin is the origin of the load balancer made for a Service.
func (s *Snapshot) ServiceOrigin(v Service) estate.Origin {
	return s.Origin("service", v.Namespace, v.Name)
}

// IngressOrigin is the origin of an Ingress.
func (s *Snapshot) IngressOrigin(i Ingress) estate.Origin {
	return s.Origin("ingress", i.Namespace, i.Name)
}

// ALBGroups returns the Ingresses that share one ALB, keyed by the ALB's
// name: the IngressGroup name, or "namespace/name" for an Ingress alone.
// Members are sorted by namespace/name.
func (s *Snapshot) ALBGroups() (names []string, members map[string][]Ingress) {
	members = map[string][]Ingress{}
	for _, i := range s.Ingresses {
		key := i.Group
		if key == "" {
			key = i.Namespace + "/" + i.Name
		}
		if _, ok := members[key]; !ok {
			names = append(names, key)
		}
		members[key] = append(members[key], i)
	}
	sort.Strings(names)
	for _, m := range members {
		sort.Slice(m, func(a, b int) bool {
			return m[a].Namespace+"/"+m[a].Name < m[b].Namespace+"/"+m[b].Name
		})
	}
	return names, members
}

// Estate translates the snapshot. Nodes become one node group per instance
// type and purchase option (control-plane nodes apart) with their count and
// zones and each node's requests (NodeUsage); unfinished pods become one
// workload per owner; bound claims (at their volume's size and class),
// storage classes, LoadBalancer Services and ALB Ingresses become their
// estate items. Every node and pod is also listed one by one (Estate.Nodes,
// Estate.Pods), with the Services' selectors and labels and the Ingresses'
// labels on their load balancers, for cost allocation.
// Nodes the cost engine cannot price as instances (Fargate, no instance type)
// are left out of the node groups and named in the snapshot's Warnings.
func (s *Snapshot) Estate() *estate.Estate {
	e := &estate.Estate{}
	cp := estate.ControlPlaneSelfManaged
	for _, n := range s.Nodes {
		for k := range n.Labels {
			if strings.HasPrefix(k, "eks.amazonaws.com/") {
				cp = estate.ControlPlaneEKS
			}
		}
		if n.Region != "" && e.Region == "" {
			e.Region = n.Region
			e.RegionOrigin = s.Origin("node", "", n.Name)
		}
	}
	e.Clusters = []estate.Cluster{{Name: s.Context, ControlPlane: cp, Source: "kube", Origin: s.Origin("cluster", "", s.Context)}}

	usage := s.NodeUsage()
	groups := map[string]*estate.NodeGroup{}
	zones := map[string]map[string]bool{}
	var order []string
	for _, n := range s.Nodes {
		name := NodeGroupName(n)
		e.Nodes = append(e.Nodes, estate.Node{Name: n.Name, Cluster: s.Context, NodeGroup: name, Allocatable: n.Allocatable,
			Capacity: n.Capacity, Labels: n.Labels, Origin: s.Origin("node", "", n.Name)})
		if name == "" {
			continue
		}
		g, ok := groups[name]
		if !ok {
			role := estate.RoleNode
			if n.ControlPlane {
				role = estate.RoleMaster
			}
			g = &estate.NodeGroup{Name: name, Cluster: s.Context, Role: role, InstanceTypes: []string{n.InstanceType},
				Purchase: n.Purchase, Origin: s.NodeGroupOrigin(n)}
			groups[name] = g
			zones[name] = map[string]bool{}
			order = append(order, name)
		}
		g.Count++
		g.Nodes = append(g.Nodes, usage[n.Name])
		if n.Zone != "" && !zones[name][n.Zone] {
			zones[name][n.Zone] = true
			g.Zones = append(g.Zones, n.Zone)
		}
	}
	sort.Strings(order)
	for _, name := range order {
		g := groups[name]
		sort.Strings(g.Zones)
		e.NodeGroups = append(e.NodeGroups, *g)
	}

	type wkey struct{ ns, kind, name string }
	work := map[wkey]int{}
	for _, p := range s.Pods {
		e.Pods = append(e.Pods, estate.Pod{Namespace: p.Namespace, Name: p.Name, Node: p.Node, Phase: string(p.Phase),
			Requests: p.Requests, OwnerKind: p.OwnerKind, OwnerName: p.OwnerName, Labels: p.Labels, Claims: p.Claims,
			Origin: s.Origin("pod", p.Namespace, p.Name)})
		if p.Finished() {
			continue
		}
		k := wkey{p.Namespace, p.OwnerKind, p.OwnerName}
		i, ok := work[k]
		if !ok {
			i = len(e.Workloads)
			work[k] = i
			w := estate.Workload{Kind: p.OwnerKind, Namespace: p.Namespace, Name: p.OwnerName, Requests: p.Requests,
				Labels: p.Labels, NodeSelector: p.NodeSelector, Origin: s.Origin(strings.ToLower(p.OwnerKind), p.Namespace, p.OwnerName)}
			w.PerNode = p.OwnerKind == "DaemonSet"
			e.Workloads = append(e.Workloads, w)
		}
		w := &e.Workloads[i]
		if !w.PerNode {
			w.Replicas++
		}
		for _, c := range p.Claims {
			if !contains(w.Claims, c) {
				w.Claims = append(w.Claims, c)
			}
		}
	}

	for _, c := range s.Claims {
		if !c.Bound() {
			continue // no volume yet (or lost): nothing bills
		}
		e.Claims = append(e.Claims, estate.Claim{Namespace: c.Namespace, Name: c.Name, StorageClass: c.StorageClass,
			SizeGiB: c.SizeGiB, Count: 1, Volume: c.Volume, ReclaimPolicy: c.ReclaimPolicy, VolumeID: c.VolumeID,
			Origin: s.ClaimOrigin(c)})
	}
	for _, sc := range s.StorageClasses {
		e.StorageClasses = append(e.StorageClasses, estate.StorageClass{Name: sc.Name, EBSType: sc.EBSType,
			Default: sc.Default, Origin: s.Origin("storageclass", "", sc.Name)})
	}
	for _, v := range s.Services {
		e.LoadBalancers = append(e.LoadBalancers, estate.LoadBalancer{Name: v.Namespace + "/" + v.Name, Type: v.Type,
			Internal: v.Internal, Service: true, DNSName: v.Hostname, Selector: v.Selector, Labels: v.Labels,
			Origin: s.ServiceOrigin(v)})
	}
	names, members := s.ALBGroups()
	for _, name := range names {
		m := members[name]
		lb := estate.LoadBalancer{Name: name, Type: estate.ALB, Internal: m[0].Internal, Origin: s.IngressOrigin(m[0])}
		for _, i := range m {
			lb.Members = append(lb.Members, i.Namespace+"/"+i.Name)
			if i.Labels != nil {
				if lb.MemberLabels == nil {
					lb.MemberLabels = map[string]map[string]string{}
				}
				lb.MemberLabels[i.Namespace+"/"+i.Name] = i.Labels
			}
			if lb.DNSName == "" {
				lb.DNSName = i.Hostname
			}
		}
		e.LoadBalancers = append(e.LoadBalancers, lb)
	}
	return e
}

// Skipped names the nodes and claims that Estate leaves out, one line each.
func (s *Snapshot) Skipped() []string {
	var out []string
	for _, n := range s.Nodes {
		switch {
		case n.Fargate:
			out = append(out, fmt.Sprintf("node %s: Fargate; its pods are billed per pod, not as an instance", n.Name))
		case n.InstanceType == "":
			out = append(out, fmt.Sprintf("node %s: no %s label; not priced", n.Name, labelInstanceType))
		}
	}
	for _, c := range s.Claims {
		if !c.Bound() {
			out = append(out, fmt.Sprintf("claim %s/%s: %s, bound to no volume; not priced", c.Namespace, c.Name, orUnknown(string(c.Phase))))
		}
	}
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "no phase"
	}
	return s
}

// NodeUsage sums, per node, the requests of the pods bound to it that have
// not finished (Running, or Pending but already scheduled), and says
// whether only DaemonSet pods run there.
func (s *Snapshot) NodeUsage() map[string]estate.NodeUsage {
	out := make(map[string]estate.NodeUsage, len(s.Nodes))
	for _, n := range s.Nodes {
		out[n.Name] = estate.NodeUsage{Name: n.Name, Allocatable: n.Allocatable, DaemonSetOnly: true,
			Group: n.Group, GroupKind: n.GroupKind, InstanceID: n.InstanceID}
	}
	for _, p := range s.Pods {
		u, ok := out[p.Node]
		if !ok || p.Finished() {
			continue
		}
		u.Pods++
		u.Requested = add(u.Requested, p.Requests)
		if p.OwnerKind != "DaemonSet" {
			u.DaemonSetOnly = false
		}
		out[p.Node] = u
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
