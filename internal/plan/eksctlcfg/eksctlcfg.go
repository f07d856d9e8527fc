// Package eksctlcfg writes the eksctl ClusterConfig that `refit plan`
// proposes: an EKS cluster with managed node groups, Fargate profiles, the
// VPC NAT mode and the IRSA service accounts of the AWS Load Balancer
// Controller and ExternalDNS.
//
// The output is eksctl.io/v1alpha5 YAML, built from go.yaml.in/yaml/v3 nodes so
// that comments (why a group was chosen, what refit planned) sit next to the
// settings they explain. Keys come in the order eksctl's own examples use
// (https://github.com/eksctl-io/eksctl/tree/main/examples, 15-managed-nodes.yaml
// and 26-managed-nodegroup-spot-instances.yaml).
package eksctlcfg

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/atomicfile"
	"github.com/refit-dev/refit/internal/estate"
)

// eksctl's config schema.
const (
	apiVersion = "eksctl.io/v1alpha5"
	kind       = "ClusterConfig"
)

// NAT gateway modes of vpc.nat.gateway (eksctl pkg/apis/eksctl.io/v1alpha5/vpc.go,
// ClusterHighlyAvailableNAT, ClusterSingleNAT, ClusterDisableNAT).
const (
	NATSingle          = "Single"
	NATHighlyAvailable = "HighlyAvailable"
	NATDisable         = "Disable"
)

// IRSA service accounts, named and placed where the Helm charts expect them:
// the AWS Load Balancer Controller chart's service account in kube-system
// (eksctl examples/13-iamserviceaccounts.yaml), ExternalDNS in its own
// namespace. Their policies are eksctl's wellKnownPolicies.
const (
	lbcServiceAccount     = "aws-load-balancer-controller"
	lbcNamespace          = "kube-system"
	dnsServiceAccount     = "external-dns"
	dnsNamespace          = "external-dns"
	reservedFargatePrefix = "eks-" // Fargate profile names must not start with it (eksctl validation.go, ReservedProfileNamePrefix)
)

// Taint is a Kubernetes node taint.
type Taint struct{ Key, Value, Effect string }

// taintEffects are the effects Kubernetes accepts.
var taintEffects = []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}

// NodeGroup is one EKS managed node group.
type NodeGroup struct {
	Name          string
	InstanceTypes []string
	// Spot makes the whole group spot capacity; managed node groups cannot
	// mix on-demand and spot.
	Spot bool
	// Desired, Min and Max are the scaling config; Max must be at least 1.
	Desired, Min, Max int
	// VolumeSize is the root volume in GiB (0: eksctl's default, 80).
	VolumeSize int
	// VolumeType is gp2, gp3, io1, io2, sc1 or st1 ("": eksctl's default, gp3).
	VolumeType string
	// VolumeIOPS and VolumeThroughput are provisioned figures (0: the type's
	// default; eksctl uses 3000 IOPS and 125 MiB/s for gp3).
	VolumeIOPS, VolumeThroughput int
	Labels                       map[string]string
	Taints                       []Taint
	// Zones pins the group to these availability zones; they must be among
	// the cluster's.
	Zones             []string
	PrivateNetworking bool
	// Comment is written as a YAML comment above the group (why it was
	// chosen). Lines are separated by "\n".
	Comment string
}

// FargateProfile runs the pods its selectors match on Fargate.
type FargateProfile struct {
	Name      string
	Selectors []estate.FargateSelector
}

// Config is the cluster refit plans.
type Config struct {
	Name, Region string
	// Version is the Kubernetes version; a patch level ("1.29.3") is
	// dropped, as EKS versions are major.minor. Empty: eksctl's default.
	Version string
	// NAT is NATSingle, NATHighlyAvailable or NATDisable ("": eksctl's
	// default, Single).
	NAT string
	// Zones are the cluster's availability zones. When empty and the node
	// groups pin zones, the union of their zones is written, since eksctl
	// otherwise picks zones at random and a pinned group may miss them
	// (eksctl examples/05-advanced-nodegroups.yaml: "cluster AZs must be set
	// explicitly for single AZ nodegroup example to work").
	Zones           []string
	NodeGroups      []NodeGroup
	FargateProfiles []FargateProfile
	// LoadBalancerController and ExternalDNS add IRSA service accounts
	// (iam.withOIDC and iam.serviceAccounts with eksctl's wellKnownPolicies
	// awsLoadBalancerController / externalDNS).
	LoadBalancerController, ExternalDNS bool
	// Header is written as comment lines at the top (what refit planned,
	// totals). Lines are separated by "\n".
	Header string
}

// minZones is how many availability zones an EKS cluster needs
// (eksctl pkg/apis/eksctl.io/v1alpha5/vpc.go, MinRequiredAvailabilityZones).
const minZones = 2

// Root volume types eksctl accepts (eksctl types.go, SupportedNodeVolumeTypes).
var volumeTypes = []string{"gp2", "gp3", "io1", "io2", "sc1", "st1"}

var (
	// clusterNameRE is eksctl's rule for cluster names (validation.go,
	// ErrInvalidName); EKS allows at most 100 characters
	// (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html).
	clusterNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,99}$`) })
	// nodeGroupNameRE: at most 63 characters, starting with a letter or
	// digit, then letters, digits, hyphens and underscores
	// (https://pub.dev/documentation/pulumi_aws/latest/eks/NodeGroup/nodeGroupName.html,
	// from the EKS CreateNodegroup API).
	nodeGroupNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9][-_a-zA-Z0-9]{0,62}$`) })
	versionRE       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^v?([0-9]+)\.([0-9]+)(?:\.[0-9]+)?$`) })
)

// Write writes c as an eksctl.io/v1alpha5 ClusterConfig. It checks what
// eksctl or EKS would reject later (names, sizes, zones, volume types,
// taints, reserved labels) and returns an error naming the setting.
func Write(w io.Writer, c Config) error {
	doc, err := build(c)
	if err != nil {
		return err
	}
	if bad := invalidUTF8(doc); bad != "" {
		return fmt.Errorf("eksctlcfg: cluster %s: %q is not valid UTF-8", c.Name, bad)
	}
	var buf bytes.Buffer
	if err := encode(&buf, doc); err != nil {
		return fmt.Errorf("eksctlcfg: encoding %s: %w", c.Name, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// encode encodes doc; yaml.v3 panics on some input it cannot emit, which
// becomes an error here.
func encode(buf *bytes.Buffer, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	enc := yaml.NewEncoder(buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return enc.Close()
}

// invalidUTF8 returns the first scalar in n that is not valid UTF-8.
func invalidUTF8(n *yaml.Node) string {
	if !utf8.ValidString(n.Value) {
		return n.Value
	}
	for _, c := range n.Content {
		if bad := invalidUTF8(c); bad != "" {
			return bad
		}
	}
	return ""
}

// WriteFile writes c to path atomically: the config is rendered first, then
// written to a temporary file in the same directory and renamed over path,
// so path is either left as it was or replaced whole. An existing file's
// permissions are kept; a new file gets 0644.
func WriteFile(path string, c Config) error {
	var buf bytes.Buffer
	if err := Write(&buf, c); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: not a regular file", path)
		}
		mode = fi.Mode().Perm()
	}
	if err := atomicfile.Write(path, buf.Bytes(), mode); err != nil {
		return fmt.Errorf("writing %w", err)
	}
	return nil
}

// ClusterName turns a name such as a kops cluster's DNS name
// ("prod.k8s.example.com") into a valid EKS cluster name
// ("prod-k8s-example-com").
func ClusterName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range name {
		ok := r < 128 && (r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		if !ok || r == '-' {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
	}
	s := b.String()
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		s = "eks-" + s
	}
	if len(s) > 100 {
		s = strings.TrimRight(s[:100], "-")
	}
	return strings.TrimRight(s, "-")
}

// build validates c and turns it into a YAML document.
func build(c Config) (*yaml.Node, error) {
	if !clusterNameRE().MatchString(c.Name) {
		return nil, fmt.Errorf("eksctlcfg: cluster name %q is not valid for EKS (letters, digits and hyphens, starting with a letter, at most 100)", c.Name)
	}
	if c.Region == "" {
		return nil, fmt.Errorf("eksctlcfg: cluster %s: no region", c.Name)
	}
	version := ""
	if c.Version != "" {
		m := versionRE().FindStringSubmatch(c.Version)
		if m == nil {
			return nil, fmt.Errorf("eksctlcfg: cluster %s: Kubernetes version %q is not major.minor", c.Name, c.Version)
		}
		version = m[1] + "." + m[2]
	}
	switch c.NAT {
	case "", NATSingle, NATHighlyAvailable, NATDisable:
	default:
		return nil, fmt.Errorf("eksctlcfg: cluster %s: NAT mode %q is not %s, %s or %s", c.Name, c.NAT, NATSingle, NATHighlyAvailable, NATDisable)
	}

	zones := slices.Clone(c.Zones)
	if len(zones) == 0 {
		for _, g := range c.NodeGroups {
			for _, z := range g.Zones {
				if !slices.Contains(zones, z) {
					zones = append(zones, z)
				}
			}
		}
	}
	if len(zones) > 0 && len(zones) < minZones {
		return nil, fmt.Errorf("eksctlcfg: cluster %s: availability zones %v: EKS needs at least %d; set Config.Zones or unpin the node groups", c.Name, zones, minZones)
	}

	root := mapping()
	root.HeadComment = comment(c.Header)
	add(root, "apiVersion", str(apiVersion))
	add(root, "kind", str(kind))
	meta := mapping()
	add(meta, "name", str(c.Name))
	add(meta, "region", str(c.Region))
	if version != "" {
		add(meta, "version", str(version))
	}
	add(root, "metadata", meta)
	if len(c.Zones) > 0 || len(zones) > 0 {
		add(root, "availabilityZones", strList(zones))
	}

	if c.LoadBalancerController || c.ExternalDNS {
		iam := mapping()
		add(iam, "withOIDC", boolean(true))
		var sas []*yaml.Node
		if c.LoadBalancerController {
			sas = append(sas, serviceAccount(lbcServiceAccount, lbcNamespace, "awsLoadBalancerController"))
		}
		if c.ExternalDNS {
			sas = append(sas, serviceAccount(dnsServiceAccount, dnsNamespace, "externalDNS"))
		}
		add(iam, "serviceAccounts", seq(sas...))
		add(root, "iam", iam)
	}

	if c.NAT != "" {
		nat := mapping()
		add(nat, "gateway", str(c.NAT))
		vpc := mapping()
		add(vpc, "nat", nat)
		add(root, "vpc", vpc)
	}

	if len(c.NodeGroups) > 0 {
		var groups []*yaml.Node
		seen := map[string]bool{}
		for i, g := range c.NodeGroups {
			n, err := nodeGroup(g, zones)
			if err != nil {
				return nil, fmt.Errorf("eksctlcfg: managedNodeGroups[%d] (%s): %w", i, g.Name, err)
			}
			if seen[g.Name] {
				return nil, fmt.Errorf("eksctlcfg: managedNodeGroups[%d]: name %q is used twice", i, g.Name)
			}
			seen[g.Name] = true
			groups = append(groups, n)
		}
		add(root, "managedNodeGroups", seq(groups...))
	}

	if len(c.FargateProfiles) > 0 {
		var profiles []*yaml.Node
		seen := map[string]bool{}
		for i, p := range c.FargateProfiles {
			n, err := fargateProfile(p)
			if err != nil {
				return nil, fmt.Errorf("eksctlcfg: fargateProfiles[%d] (%s): %w", i, p.Name, err)
			}
			if seen[p.Name] {
				return nil, fmt.Errorf("eksctlcfg: fargateProfiles[%d]: name %q is used twice", i, p.Name)
			}
			seen[p.Name] = true
			profiles = append(profiles, n)
		}
		add(root, "fargateProfiles", seq(profiles...))
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}, nil
}

func serviceAccount(name, namespace, policy string) *yaml.Node {
	meta := mapping()
	add(meta, "name", str(name))
	add(meta, "namespace", str(namespace))
	pol := mapping()
	add(pol, policy, boolean(true))
	sa := mapping()
	add(sa, "metadata", meta)
	add(sa, "wellKnownPolicies", pol)
	return sa
}

func nodeGroup(g NodeGroup, clusterZones []string) (*yaml.Node, error) {
	if !nodeGroupNameRE().MatchString(g.Name) {
		return nil, fmt.Errorf("name %q is not valid for EKS (letters, digits, - and _, starting with a letter or digit, at most 63)", g.Name)
	}
	if len(g.InstanceTypes) == 0 {
		return nil, fmt.Errorf("no instance type")
	}
	for _, t := range g.InstanceTypes {
		if t == "" || strings.ContainsAny(t, " \t,") {
			return nil, fmt.Errorf("instance type %q is not valid", t)
		}
	}
	switch {
	case g.Min < 0:
		return nil, fmt.Errorf("minSize %d is negative", g.Min)
	case g.Max < 1:
		return nil, fmt.Errorf("maxSize %d: EKS needs at least 1", g.Max)
	case g.Desired < g.Min || g.Desired > g.Max:
		return nil, fmt.Errorf("desiredCapacity %d is not between minSize %d and maxSize %d", g.Desired, g.Min, g.Max)
	}
	if g.VolumeSize < 0 {
		return nil, fmt.Errorf("volumeSize %d is negative", g.VolumeSize)
	}
	if g.VolumeType != "" && !slices.Contains(volumeTypes, g.VolumeType) {
		return nil, fmt.Errorf("volumeType %q is not one of %s", g.VolumeType, strings.Join(volumeTypes, ", "))
	}
	typ := g.VolumeType
	if typ == "" {
		typ = "gp3"
	}
	if g.VolumeIOPS < 0 || g.VolumeThroughput < 0 {
		return nil, fmt.Errorf("negative volume IOPS or throughput")
	}
	if g.VolumeIOPS > 0 && typ != "gp3" && typ != "io1" && typ != "io2" {
		return nil, fmt.Errorf("volumeIOPS is only for gp3, io1 and io2 volumes, not %s", typ)
	}
	if g.VolumeThroughput > 0 && typ != "gp3" {
		return nil, fmt.Errorf("volumeThroughput is only for gp3 volumes, not %s", typ)
	}
	for _, z := range g.Zones {
		if !slices.Contains(clusterZones, z) {
			return nil, fmt.Errorf("zone %q is not among the cluster's availability zones %v", z, clusterZones)
		}
	}
	for _, k := range estate.SortedKeys(g.Labels) {
		if k == "" {
			return nil, fmt.Errorf("empty label key")
		}
		if ReservedLabel(k) {
			return nil, fmt.Errorf("label %q: EKS rejects labels under kubernetes.io/, k8s.io/ and eks.amazonaws.com/", k)
		}
		if !qualifiedName(k) || !labelValue(g.Labels[k]) {
			return nil, fmt.Errorf("label %q=%q is not a valid Kubernetes label", k, g.Labels[k])
		}
	}
	for _, t := range g.Taints {
		if t.Key == "" {
			return nil, fmt.Errorf("taint without a key")
		}
		if !qualifiedName(t.Key) || !labelValue(t.Value) {
			return nil, fmt.Errorf("taint %q=%q is not a valid Kubernetes taint", t.Key, t.Value)
		}
		if !slices.Contains(taintEffects, t.Effect) {
			return nil, fmt.Errorf("taint %s: effect %q is not one of %s", t.Key, t.Effect, strings.Join(taintEffects, ", "))
		}
	}

	n := mapping()
	n.HeadComment = comment(g.Comment)
	add(n, "name", str(g.Name))
	add(n, "instanceTypes", strList(g.InstanceTypes))
	if g.Spot {
		add(n, "spot", boolean(true))
	}
	add(n, "minSize", integer(g.Min))
	add(n, "desiredCapacity", integer(g.Desired))
	add(n, "maxSize", integer(g.Max))
	if len(g.Zones) > 0 {
		add(n, "availabilityZones", strList(g.Zones))
	}
	if g.VolumeSize > 0 {
		add(n, "volumeSize", integer(g.VolumeSize))
	}
	if g.VolumeType != "" {
		add(n, "volumeType", str(g.VolumeType))
	}
	if g.VolumeIOPS > 0 {
		add(n, "volumeIOPS", integer(g.VolumeIOPS))
	}
	if g.VolumeThroughput > 0 {
		add(n, "volumeThroughput", integer(g.VolumeThroughput))
	}
	if g.PrivateNetworking {
		add(n, "privateNetworking", boolean(true))
	}
	if len(g.Labels) > 0 {
		add(n, "labels", strMap(g.Labels))
	}
	if len(g.Taints) > 0 {
		var ts []*yaml.Node
		for _, t := range g.Taints {
			m := mapping()
			add(m, "key", str(t.Key))
			if t.Value != "" {
				add(m, "value", str(t.Value))
			}
			add(m, "effect", str(t.Effect))
			ts = append(ts, m)
		}
		add(n, "taints", seq(ts...))
	}
	return n, nil
}

func fargateProfile(p FargateProfile) (*yaml.Node, error) {
	if p.Name == "" {
		return nil, fmt.Errorf("no name")
	}
	if strings.HasPrefix(p.Name, reservedFargatePrefix) {
		return nil, fmt.Errorf("name must not start with %q, which AWS reserves", reservedFargatePrefix)
	}
	if len(p.Selectors) == 0 {
		return nil, fmt.Errorf("no selector")
	}
	var sels []*yaml.Node
	for i, s := range p.Selectors {
		if s.Namespace == "" {
			return nil, fmt.Errorf("selectors[%d]: no namespace", i)
		}
		m := mapping()
		add(m, "namespace", str(s.Namespace))
		if len(s.Labels) > 0 {
			add(m, "labels", strMap(s.Labels))
		}
		sels = append(sels, m)
	}
	n := mapping()
	add(n, "name", str(p.Name))
	add(n, "selectors", seq(sels...))
	return n, nil
}

// ReservedLabel reports whether EKS managed node groups reject the label
// key: the API refuses prefixes containing kubernetes.io/, k8s.io/ and
// eks.amazonaws.com/ (https://github.com/eksctl-io/eksctl/issues/4007,
// https://github.com/kubernetes/cloud-provider-aws/issues/242).
func ReservedLabel(key string) bool {
	for _, p := range []string{"kubernetes.io/", "k8s.io/", "eks.amazonaws.com/"} {
		if strings.Contains(key, p) {
			return true
		}
	}
	return false
}

// lineBreaks are the characters YAML may read as line breaks; in a comment
// they would end it and let the rest be read as data.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n")

// comment turns lines of text into a YAML comment, one "# " per line.
// Invalid UTF-8 and control characters become U+FFFD.
func comment(text string) string {
	text = lineBreaks.Replace(strings.ToValidUTF8(text, "\uFFFD"))
	text = strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, text)
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return ""
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		switch {
		case l == "":
			lines[i] = "#"
		case strings.HasPrefix(l, "#"):
			lines[i] = l
		default:
			lines[i] = "# " + l
		}
	}
	return strings.Join(lines, "\n")
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func add(m *yaml.Node, key string, value *yaml.Node) {
	m.Content = append(m.Content, str(key), value)
}

// str is a string scalar; the !!str tag makes the encoder quote values that
// YAML 1.2 would read as numbers or booleans ("1.30", "true"). eksctl reads
// configs with sigs.k8s.io/yaml, which follows YAML 1.1, where yes, no, on,
// off, y and n are booleans too and numbers have more forms, so those are
// quoted as well.
func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if yaml11NonString(s) || !plainSafe(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// plainSafe reports whether s has no line breaks, control characters or
// edge spaces, which yaml.v3 would emit as block scalars that YAML 1.1
// parsers read differently; such strings are double-quoted and escaped.
func plainSafe(s string) bool {
	if strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\uFEFF' {
			return false
		}
	}
	return true
}

// yaml11NonString reports whether a plain scalar s might not read as a
// string under YAML 1.1 (https://yaml.org/type/bool.html,
// https://yaml.org/type/int.html, https://yaml.org/type/float.html,
// https://yaml.org/type/null.html). It errs on the side of quoting.
func yaml11NonString(s string) bool {
	switch strings.ToLower(s) {
	case "", "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~":
		return true
	}
	c := s[0]
	return c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

func integer(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

// strList is a flow-style list of strings, as eksctl's examples write
// instance types and zones.
func strList(ss []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range ss {
		n.Content = append(n.Content, str(s))
	}
	return n
}

func strMap(m map[string]string) *yaml.Node {
	n := mapping()
	for _, k := range estate.SortedKeys(m) {
		add(n, k, str(m[k]))
	}
	return n
}
