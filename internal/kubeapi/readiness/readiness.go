// Package readiness checks that Kubernetes manifests are ready for the
// cluster a team moves to: Amazon EKS, the AWS Load Balancer Controller's
// ALBs, and Fargate. Check reports findings; Apply makes the safe fixes in
// place on the documents' yaml.v3 nodes, keeping comments and key order.
package readiness

import (
	"cmp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Target is the cluster the manifests move to.
type Target struct {
	EKS               bool     // --target eks
	Ingress           string   // "alb" (--ingress alb) or ""
	FargateNamespaces []string // --fargate-namespaces
}

// Rule names, stable identifiers of the findings.
const (
	RuleALBInstanceModeService = "alb-instance-mode-service"
	RuleALBIPModeOnFargate     = "alb-ip-mode-on-fargate"
	RuleALBPathSemantics       = "alb-path-semantics"
	RuleIngressClassALB        = "ingress-class-alb"
	RuleExternalDNSHostname    = "external-dns-hostname"
	RuleFargateIncompatible    = "fargate-incompatible"
	RuleIRSANeeded             = "irsa-needed"
	RuleKube2IAMDaemonSet      = "kube2iam-daemonset"
)

// Rules lists every rule name, in the order the rules run.
var Rules = []string{
	RuleALBInstanceModeService, RuleALBIPModeOnFargate, RuleALBPathSemantics,
	RuleIngressClassALB, RuleExternalDNSHostname, RuleFargateIncompatible,
	RuleIRSANeeded, RuleKube2IAMDaemonSet,
}

// Annotations and names the rules read or write.
const (
	// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-type
	// ("instance" is the default; it needs a NodePort or LoadBalancer Service;
	// a Service's own annotation takes priority over the Ingress's).
	annTargetType = "alb.ingress.kubernetes.io/target-type"
	// The old class annotation, replaced by spec.ingressClassName
	// (https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation).
	annIngressClass = "kubernetes.io/ingress.class"
	// https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class
	annDefaultIngressClass = "ingressclass.kubernetes.io/is-default-class"
	// https://kubernetes.io/docs/concepts/storage/storage-classes/#default-storageclass
	annDefaultStorageClass = "storageclass.kubernetes.io/is-default-class"
	// https://github.com/kubernetes-sigs/external-dns/blob/master/docs/annotations/annotations.md
	annExternalDNSHostname = "external-dns.alpha.kubernetes.io/hostname"
	// kube2iam (https://github.com/jtblin/kube2iam#iam-roles) and kiam
	// (https://github.com/uswitch/kiam) read the pod annotation; both
	// restrict roles per namespace with iam.amazonaws.com/permitted.
	annKube2IAMRole      = "iam.amazonaws.com/role"
	annKube2IAMPermitted = "iam.amazonaws.com/permitted"
	// IRSA: https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
	annIRSARoleARN = "eks.amazonaws.com/role-arn"
	// The controller name of the AWS Load Balancer Controller's IngressClass
	// (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/).
	albController = "ingress.k8s.aws/alb"
	// The EFS CSI driver's provisioner; EFS can be mounted by Fargate pods,
	// EBS cannot (https://docs.aws.amazon.com/eks/latest/userguide/fargate.html#fargate-considerations).
	efsProvisioner = "efs.csi.aws.com"
)

// Check returns the readiness findings of docs for the target, sorted by
// file and line. It never fails: what it cannot read it skips.
func Check(docs []yamldoc.Document, t Target) []kubeapi.Finding {
	ix := newIndex(docs, t)
	var out []kubeapi.Finding
	for _, is := range ix.issues() {
		out = append(out, is.Finding)
	}
	sortFindings(out)
	return out
}

func sortFindings(fs []kubeapi.Finding) {
	slices.SortStableFunc(fs, func(a, b kubeapi.Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Rule, b.Rule))
	})
}

// issue is a finding and, when Apply can make it, its fix.
type issue struct {
	kubeapi.Finding
	fix func() (kubeapi.Finding, error)
	// node is the root of the document the fix edits.
	node *yaml.Node
}

// in reports whether the fix edits one of the given documents.
func (is issue) in(roots map[*yaml.Node]bool) bool { return roots[is.node] }

// key names a namespaced object.
type key struct{ ns, name string }

// object is one document with its identity.
type object struct {
	doc       *yamldoc.Document
	kind      string
	name      string
	namespace string // as written
}

func newObject(d *yamldoc.Document) object {
	return object{doc: d, kind: d.Kind, name: yamldoc.Scalar(d.Node, "metadata", "name"), namespace: yamldoc.Scalar(d.Node, "metadata", "namespace")}
}

// ns is the namespace the object lands in ("default" when unset).
func (o object) ns() string {
	if o.namespace == "" {
		return "default"
	}
	return o.namespace
}

func (o object) key() key { return key{o.ns(), o.name} }

func (o object) annotation(name string) string {
	return scalarAt(yamldoc.Lookup(o.doc.Node, "metadata", "annotations"), name)
}

// annotationNode returns the key node of an annotation, or nil.
func (o object) annotationNode(name string) *yaml.Node {
	return keyNode(yamldoc.Lookup(o.doc.Node, "metadata", "annotations"), name)
}

func (o object) ref() string {
	if o.namespace != "" {
		return o.kind + " " + o.namespace + "/" + o.name
	}
	return o.kind + " " + o.name
}

// finding builds a finding located at n (the document when n is nil).
func (o object) finding(rule string, sev kubeapi.Severity, n *yaml.Node, msg string) kubeapi.Finding {
	f := kubeapi.Finding{
		Rule: rule, Severity: sev, File: o.doc.File, Line: o.doc.Line,
		APIVersion: o.doc.APIVersion, Kind: o.kind, Namespace: o.namespace, Name: o.name,
		Message: msg,
	}
	if n != nil && n.Line > 0 {
		f.Line, f.Column = n.Line, n.Column
	}
	return f
}

// scalarAt returns the scalar value of key in mapping m, or "".
func scalarAt(m *yaml.Node, k string) string {
	v := yamldoc.Lookup(m, k)
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}

// keyNode returns the last key node named k of mapping m, or nil.
func keyNode(m *yaml.Node, k string) *yaml.Node {
	if m != nil && m.Kind == yaml.AliasNode {
		m = m.Alias
	}
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var found *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == k {
			found = m.Content[i]
		}
	}
	return found
}

// items returns the items of a sequence node (nil for anything else).
func items(n *yaml.Node) []*yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// pairs calls fn for each key and value of a mapping node.
func pairs(n *yaml.Node, fn func(k, v *yaml.Node)) {
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fn(n.Content[i], n.Content[i+1])
	}
}

func isTrue(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "true") }

// first returns the first non-nil node.
func first(ns ...*yaml.Node) *yaml.Node {
	for _, n := range ns {
		if n != nil {
			return n
		}
	}
	return nil
}
