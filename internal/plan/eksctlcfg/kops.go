package eksctlcfg

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
)

// Root volume figures eksctl uses when none are given, so FromKops leaves
// them out (eksctl pkg/apis/eksctl.io/v1alpha5/types.go,
// DefaultNodeVolumeGP3IOPS = 3000, DefaultNodeVolumeThroughput = 125).
const (
	defaultGP3IOPS       = 3000
	defaultGP3Throughput = 125
)

// FromKops maps each kops InstanceGroup of role node in e to an EKS managed
// node group: name, instance types, spot when the group is spot or mixed,
// min/desired/max, root volume, labels, taints (kops writes them as
// "key=value:Effect"), zones and private networking. Groups of clusters
// that are not kops clusters are left alone.
//
// unmapped lists what has no EKS counterpart, one sentence each naming it:
// control plane InstanceGroups, etcd volumes, bastions and their load
// balancer, the API load balancer, the kops VPC's NAT gateways, additional
// volumes, and the settings that cannot be carried over (on-demand shares of
// mixed groups, reserved labels, malformed taints, single-zone placement).
func FromKops(e *estate.Estate) (groups []NodeGroup, unmapped []string) {
	var clusters []string
	for _, c := range e.Clusters {
		if c.Source == "kops" {
			clusters = append(clusters, c.Name)
		}
	}
	if len(clusters) == 0 {
		return nil, nil
	}
	if len(clusters) > 1 {
		unmapped = append(unmapped, fmt.Sprintf("kops clusters %s: their node groups are planned as one EKS cluster; plan each cluster from its own files to keep them apart.", strings.Join(clusters, ", ")))
	}

	kopsIGs := map[string]bool{} // "cluster/name" of every kops InstanceGroup
	used := map[string]bool{}
	for _, g := range e.NodeGroups {
		if !slices.Contains(clusters, g.Cluster) {
			continue
		}
		kopsIGs[g.Cluster+"/"+g.Name] = true
		switch g.Role {
		case estate.RoleMaster:
			unmapped = append(unmapped, fmt.Sprintf("InstanceGroup %s (%s, control plane, %s): EKS runs the control plane itself, billed per cluster-hour, so it gets no node group.", g.Name, sizeOf(g), g.Origin))
		case estate.RoleBastion:
			unmapped = append(unmapped, fmt.Sprintf("InstanceGroup %s (%s, bastion, %s): the plan has no bastion; reach managed nodes with SSM Session Manager, whose agent EKS AMIs run.", g.Name, sizeOf(g), g.Origin))
		case estate.RoleNode:
			ng, notes := fromKopsGroup(g, used)
			groups = append(groups, ng)
			unmapped = append(unmapped, notes...)
		}
	}

	// EKS needs subnets in two zones, and eksctl picks the cluster's zones
	// itself unless told; with fewer than two zones among the groups, let it.
	var zones []string
	for _, g := range groups {
		for _, z := range g.Zones {
			if !slices.Contains(zones, z) {
				zones = append(zones, z)
			}
		}
	}
	if len(zones) == 1 {
		for i := range groups {
			groups[i].Zones = nil
		}
		unmapped = append(unmapped, fmt.Sprintf("zone %s: kops ran every node group there, but an EKS cluster needs subnets in at least %d zones; the plan leaves the zones to eksctl.", zones[0], minZones))
	}

	var etcd []string
	var etcdGiB float64
	for _, v := range e.Volumes {
		switch {
		case v.Purpose == "etcd" && ofCluster(v.Name, clusters):
			etcd = append(etcd, v.Name)
			etcdGiB += v.SizeGiB * float64(v.N())
		case v.Purpose == "data" && ofInstanceGroup(v.Name, e.NodeGroups, kopsIGs):
			unmapped = append(unmapped, fmt.Sprintf("volume %s (%d × %v GiB %s, %s): the plan gives managed nodes a root volume only; add a launch template if the workload needs it.", v.Name, v.N(), v.SizeGiB, v.Type, v.Origin))
		}
	}
	if len(etcd) > 0 {
		unmapped = append(unmapped, fmt.Sprintf("etcd volumes %s (%v GiB in all): EKS keeps etcd inside its managed control plane.", strings.Join(etcd, ", "), etcdGiB))
	}

	for _, lb := range e.LoadBalancers {
		for _, c := range clusters {
			scheme := "public"
			if lb.Internal {
				scheme = "internal"
			}
			switch lb.Name {
			case "api." + c:
				unmapped = append(unmapped, fmt.Sprintf("API load balancer %s (%s %s, %s): EKS serves the Kubernetes API from its own endpoint, included in the cluster price.", lb.Name, scheme, strings.ToUpper(string(lb.Type)), lb.Origin))
			case "bastion." + c:
				unmapped = append(unmapped, fmt.Sprintf("bastion load balancer %s (%s %s, %s): it goes with the bastion.", lb.Name, scheme, strings.ToUpper(string(lb.Type)), lb.Origin))
			}
		}
	}

	var nats []string
	for _, n := range e.NATGateways {
		if ofCluster(n.Name, clusters) {
			nats = append(nats, n.Name)
		}
	}
	if len(nats) > 0 {
		unmapped = append(unmapped, fmt.Sprintf("NAT gateways %s and their Elastic IPs: they belong to the kops VPC; eksctl builds a new VPC whose NAT gateways follow vpc.nat.gateway.", strings.Join(nats, ", ")))
	}
	return groups, unmapped
}

// fromKopsGroup maps one node InstanceGroup; notes say what it could not
// carry over.
func fromKopsGroup(g estate.NodeGroup, used map[string]bool) (NodeGroup, []string) {
	var notes []string
	ng := NodeGroup{
		Name:              nodeGroupName(g.Name, used),
		InstanceTypes:     slices.Clone(g.InstanceTypes),
		Spot:              g.Purchase == estate.Spot,
		Desired:           max(g.Count, 0),
		Min:               max(g.MinSize, 0),
		Max:               g.MaxSize,
		Zones:             slices.Clone(g.Zones),
		PrivateNetworking: !g.PublicIP,
	}
	if ng.Name != g.Name {
		notes = append(notes, fmt.Sprintf("InstanceGroup %s (%s): renamed %s, as EKS node group names allow letters, digits, - and _ only, at most 63.", g.Name, g.Origin, ng.Name))
	}
	ng.Min = min(ng.Min, ng.Desired)
	ng.Max = max(ng.Max, ng.Desired, 1)

	if d := g.Distribution; d != nil && g.OnDemandCount() > 0 {
		notes = append(notes, fmt.Sprintf("InstanceGroup %s (%s): its mixed instances policy keeps %d on-demand (base %d, %d%% above base); a managed node group is all spot or all on-demand, so the plan makes it all spot; add an on-demand group if a floor must stay on-demand.",
			g.Name, g.Origin, g.OnDemandCount(), d.OnDemandBaseCapacity, d.OnDemandPercentageAboveBaseCapacity))
	}

	rv := g.RootVolume
	if rv.SizeGiB > 0 {
		ng.VolumeSize = int(math.Ceil(rv.SizeGiB))
	}
	switch rv.Type {
	case "gp3":
		ng.VolumeType = rv.Type
		if rv.IOPS > defaultGP3IOPS {
			ng.VolumeIOPS = rv.IOPS
		}
		if rv.ThroughputMiBps > defaultGP3Throughput {
			ng.VolumeThroughput = rv.ThroughputMiBps
		}
	case "io1", "io2":
		ng.VolumeType, ng.VolumeIOPS = rv.Type, max(rv.IOPS, 0)
	case "gp2":
		ng.VolumeType = rv.Type
	case "":
	default:
		ng.VolumeType = "gp3"
		notes = append(notes, fmt.Sprintf("InstanceGroup %s (%s): root volume type %s is not one EKS nodes boot from; the plan uses gp3.", g.Name, g.Origin, rv.Type))
	}

	var reserved []string
	for _, k := range estate.SortedKeys(g.Labels) {
		if ReservedLabel(k) {
			reserved = append(reserved, k+"="+g.Labels[k])
			continue
		}
		if !qualifiedName(k) || !labelValue(g.Labels[k]) {
			notes = append(notes, fmt.Sprintf("InstanceGroup %s (%s): label %q=%q is dropped, as it is not a valid Kubernetes label.", g.Name, g.Origin, k, g.Labels[k]))
			continue
		}
		if ng.Labels == nil {
			ng.Labels = map[string]string{}
		}
		ng.Labels[k] = g.Labels[k]
	}
	if len(reserved) > 0 {
		// eksctl labels each node with alpha.eksctl.io/nodegroup-name
		// (pkg/apis/eksctl.io/v1alpha5/defaults.go, setDefaultNodeLabels).
		notes = append(notes, fmt.Sprintf("InstanceGroup %s (%s): labels %s are dropped, as EKS rejects labels under kubernetes.io/, k8s.io/ and eks.amazonaws.com/; select the group by alpha.eksctl.io/nodegroup-name=%s, which eksctl sets.",
			g.Name, g.Origin, strings.Join(reserved, ", "), ng.Name))
	}

	for _, s := range g.Taints {
		t, err := ParseTaint(s)
		if err != nil {
			notes = append(notes, fmt.Sprintf("InstanceGroup %s (%s): taint %q is dropped: %v.", g.Name, g.Origin, s, err))
			continue
		}
		ng.Taints = append(ng.Taints, t)
	}

	purchase := "on-demand"
	switch {
	case g.Distribution != nil:
		purchase = fmt.Sprintf("spot and on-demand (%d on-demand at %d nodes); all spot here", g.OnDemandCount(), g.Count)
	case ng.Spot:
		purchase = "spot"
	}
	ng.Comment = fmt.Sprintf("kops InstanceGroup %s of %s (%s):\nkops ran %s, %s.", g.Name, g.Cluster, g.Origin, sizeOf(g), purchase)
	return ng, notes
}

// ParseTaint parses a taint as kops and kubectl write it: "key=value:Effect"
// or "key:Effect".
func ParseTaint(s string) (Taint, error) {
	kv, effect, ok := strings.Cut(s, ":")
	if !ok {
		return Taint{}, fmt.Errorf("no effect (want key=value:Effect)")
	}
	key, value, _ := strings.Cut(kv, "=")
	switch {
	case key == "":
		return Taint{}, fmt.Errorf("no key")
	case !qualifiedName(key):
		return Taint{}, fmt.Errorf("key %q is not a qualified name", key)
	case !labelValue(value):
		return Taint{}, fmt.Errorf("value %q is not a valid label value", value)
	case !slices.Contains(taintEffects, effect):
		return Taint{}, fmt.Errorf("effect %q is not one of %s", effect, strings.Join(taintEffects, ", "))
	}
	return Taint{Key: key, Value: value, Effect: effect}, nil
}

// qualifiedName checks a Kubernetes key: an optional DNS subdomain prefix
// and "/", then a name of at most 63 alphanumerics, '-', '_' or '.',
// starting and ending alphanumeric
// (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).
func qualifiedName(s string) bool {
	prefix, name, found := strings.Cut(s, "/")
	if !found {
		prefix, name = "", s
	} else if prefix == "" || len(prefix) > 253 || !dnsSubdomain(prefix) {
		return false
	}
	return name != "" && labelValue(name)
}

// labelValue: empty, or at most 63 alphanumerics, '-', '_' or '.', starting
// and ending alphanumeric.
func labelValue(s string) bool {
	if len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && ((i == 0 || i == len(s)-1) || (c != '-' && c != '_' && c != '.')) {
			return false
		}
	}
	return true
}

func dnsSubdomain(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if part == "" || len(part) > 63 {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
			if !alnum && (c != '-' || i == 0 || i == len(part)-1) {
				return false
			}
		}
	}
	return true
}

// nodeGroupName makes name valid and unique as an EKS node group name.
func nodeGroupName(name string, used map[string]bool) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'):
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.TrimLeft(b.String(), "-_")
	if s == "" {
		s = "nodes"
	}
	if len(s) > 63 {
		s = s[:63]
	}
	base := s
	for i := 2; used[s]; i++ {
		suffix := fmt.Sprintf("-%d", i)
		s = base[:min(len(base), 63-len(suffix))] + suffix
	}
	used[s] = true
	return s
}

// sizeOf describes a group's size: "3 × m5.large" or "2-6 × m5.large,m5a.large".
func sizeOf(g estate.NodeGroup) string {
	n := fmt.Sprint(g.Count)
	if g.MaxSize > g.Count {
		n = fmt.Sprintf("%d-%d", g.Count, g.MaxSize)
	}
	return n + " × " + strings.Join(g.InstanceTypes, ",")
}

// ofCluster reports whether a name kops derived from a cluster name
// ("a.etcd-main.<cluster>", "<zone>.<cluster>") belongs to one of clusters.
func ofCluster(name string, clusters []string) bool {
	for _, c := range clusters {
		if strings.HasSuffix(name, "."+c) {
			return true
		}
	}
	return false
}

// ofInstanceGroup reports whether a kops additional volume, named
// "<instance group> <device>", belongs to a kops InstanceGroup.
func ofInstanceGroup(volume string, groups []estate.NodeGroup, kopsIGs map[string]bool) bool {
	for _, g := range groups {
		if kopsIGs[g.Cluster+"/"+g.Name] && strings.HasPrefix(volume, g.Name+" ") {
			return true
		}
	}
	return false
}
