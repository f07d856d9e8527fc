package readiness

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// index holds what the rules look up across documents.
type index struct {
	t       Target
	fargate map[string]bool

	services        map[key]*object
	serviceAccounts map[key]*object
	claims          map[key]*object
	storageClasses  map[string]string // name → provisioner
	defaultClass    string            // default StorageClass in the input
	ingressClasses  map[string]string // name → controller
	defaultIngClass string
	// eksctlRoles are service accounts that a ClusterConfig in the input
	// gives an IAM role (iam.serviceAccounts, iam.podIdentityAssociations).
	eksctlRoles map[key]bool

	namespaces []*object
	workloads  []*workload
	ingresses  []*ingress
	lbServices []*object // Services of type LoadBalancer
}

// workload is an object with a pod template.
type workload struct {
	object
	podMeta *yaml.Node // the template's metadata (may be nil)
	podSpec *yaml.Node
}

// serviceAccount is the pod's service account name ("default" when unset).
func (w *workload) serviceAccount() string {
	if s := scalarAt(w.podSpec, "serviceAccountName"); s != "" {
		return s
	}
	if s := scalarAt(w.podSpec, "serviceAccount"); s != "" { // the deprecated alias
		return s
	}
	return "default"
}

// containers returns init and app containers.
func (w *workload) containers() []*yaml.Node {
	return append(append([]*yaml.Node(nil), items(yamldoc.Lookup(w.podSpec, "initContainers"))...), items(yamldoc.Lookup(w.podSpec, "containers"))...)
}

// images returns the lowercase images of its containers.
func (w *workload) images() []string {
	var out []string
	for _, c := range w.containers() {
		out = append(out, strings.ToLower(scalarAt(c, "image")))
	}
	return out
}

// args returns the command and args of its containers.
func (w *workload) args() []string {
	var out []string
	for _, c := range w.containers() {
		for _, f := range []string{"command", "args"} {
			for _, a := range items(yamldoc.Lookup(c, f)) {
				if a.Kind == yaml.ScalarNode {
					out = append(out, a.Value)
				}
			}
		}
	}
	return out
}

// podTemplatePath is where each workload kind keeps its pod template.
var podTemplatePath = map[string][]string{
	"Pod":                   nil,
	"Deployment":            {"spec", "template"},
	"StatefulSet":           {"spec", "template"},
	"DaemonSet":             {"spec", "template"},
	"ReplicaSet":            {"spec", "template"},
	"ReplicationController": {"spec", "template"},
	"Job":                   {"spec", "template"},
	"CronJob":               {"spec", "jobTemplate", "spec", "template"},
}

func newIndex(docs []yamldoc.Document, t Target) *index {
	ix := &index{
		t: t, fargate: map[string]bool{},
		services: map[key]*object{}, serviceAccounts: map[key]*object{}, claims: map[key]*object{},
		storageClasses: map[string]string{}, ingressClasses: map[string]string{}, eksctlRoles: map[key]bool{},
	}
	for _, ns := range t.FargateNamespaces {
		if ns = strings.TrimSpace(ns); ns != "" {
			ix.fargate[ns] = true
		}
	}
	for i := range docs {
		d := &docs[i]
		if d.Node == nil || d.Node.Kind != yaml.MappingNode || aliasBomb(d.Node) {
			continue
		}
		o := newObject(d)
		switch {
		case d.Kind == "Service":
			ix.services[o.key()] = &o
			if scalarAt(yamldoc.Lookup(d.Node, "spec"), "type") == "LoadBalancer" {
				ix.lbServices = append(ix.lbServices, &o)
			}
		case d.Kind == "ServiceAccount":
			ix.serviceAccounts[o.key()] = &o
		case d.Kind == "PersistentVolumeClaim":
			ix.claims[o.key()] = &o
		case d.Kind == "Namespace":
			ix.namespaces = append(ix.namespaces, &o)
		case d.Kind == "StorageClass":
			ix.storageClasses[o.name] = yamldoc.Scalar(d.Node, "provisioner")
			if isTrue(o.annotation(annDefaultStorageClass)) {
				ix.defaultClass = o.name
			}
		case d.Kind == "IngressClass":
			ix.ingressClasses[o.name] = yamldoc.Scalar(d.Node, "spec", "controller")
			if isTrue(o.annotation(annDefaultIngressClass)) {
				ix.defaultIngClass = o.name
			}
		case d.Kind == "Ingress":
			ix.ingresses = append(ix.ingresses, &ingress{object: o})
		case d.Kind == "ClusterConfig" && strings.HasPrefix(d.APIVersion, "eksctl.io/"):
			ix.addEksctlRoles(d.Node)
		default:
			path, ok := podTemplatePath[d.Kind]
			if !ok {
				continue
			}
			tmpl := d.Node
			if path != nil {
				tmpl = yamldoc.Lookup(d.Node, path...)
			}
			spec := yamldoc.Lookup(tmpl, "spec")
			if spec == nil || spec.Kind != yaml.MappingNode {
				continue
			}
			ix.workloads = append(ix.workloads, &workload{object: o, podMeta: yamldoc.Lookup(tmpl, "metadata"), podSpec: spec})
		}
	}
	for _, ing := range ix.ingresses {
		ing.read(ix)
	}
	return ix
}

// addEksctlRoles records the service accounts an eksctl ClusterConfig gives
// roles to (https://eksctl.io/usage/iamserviceaccounts/,
// https://eksctl.io/usage/pod-identity-associations/).
func (ix *index) addEksctlRoles(root *yaml.Node) {
	for _, sa := range items(yamldoc.Lookup(root, "iam", "serviceAccounts")) {
		ns := yamldoc.Scalar(sa, "metadata", "namespace")
		if ns == "" {
			ns = "default"
		}
		ix.eksctlRoles[key{ns, yamldoc.Scalar(sa, "metadata", "name")}] = true
	}
	for _, pia := range items(yamldoc.Lookup(root, "iam", "podIdentityAssociations")) {
		ix.eksctlRoles[key{scalarAt(pia, "namespace"), scalarAt(pia, "serviceAccountName")}] = true
	}
}

// hasRole reports whether the service account gets an IAM role from the
// input (an IRSA annotation or an eksctl ClusterConfig).
func (ix *index) hasRole(k key) bool {
	if ix.eksctlRoles[k] {
		return true
	}
	sa := ix.serviceAccounts[k]
	return sa != nil && sa.annotation(annIRSARoleARN) != ""
}

// onAWS reports a target that runs on EKS (Fargate implies EKS).
func (ix *index) onAWS() bool { return ix.t.EKS || len(ix.fargate) > 0 }

// issues runs every rule.
func (ix *index) issues() []issue {
	var out []issue
	out = append(out, ix.albRules()...)
	out = append(out, ix.externalDNSRule()...)
	if len(ix.fargate) > 0 {
		out = append(out, ix.fargateRule()...)
	}
	if ix.onAWS() {
		out = append(out, ix.iamRules()...)
	}
	return out
}

// maxAliasGrowth bounds how many nodes YAML aliases may add to a document
// once expanded: the rules walk nodes through aliases, and a few nested
// aliases can stand for billions of nodes. Manifests use few anchors.
const maxAliasGrowth = 10000

// aliasBomb reports a document whose aliases expand to more than
// maxAliasGrowth nodes beyond its own (or that refers to itself).
func aliasBomb(root *yaml.Node) bool {
	literal := 0
	seen := map[*yaml.Node]bool{}
	var count func(n *yaml.Node)
	count = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		literal++
		for _, c := range n.Content {
			count(c)
		}
	}
	count(root)
	limit := literal + maxAliasGrowth
	memo := map[*yaml.Node]int{}
	var size func(n *yaml.Node) int
	size = func(n *yaml.Node) int {
		if n == nil {
			return 0
		}
		if s, ok := memo[n]; ok {
			return s
		}
		memo[n] = limit + 1 // a cycle counts as too large
		s := 1
		if n.Kind == yaml.AliasNode {
			s += size(n.Alias)
		}
		for _, c := range n.Content {
			if s > limit {
				break
			}
			s += size(c)
		}
		memo[n] = min(s, limit+1)
		return memo[n]
	}
	return size(root) > limit
}
