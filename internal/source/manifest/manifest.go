// Package manifest translates Kubernetes manifests (plain YAML or JSON, or the
// output of a kustomize build) into an estate.Estate: the pods they run, the
// load balancers and volumes they make AWS create, and the storage classes
// those volumes use.
package manifest

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// maxListDepth bounds nested `kind: List` documents.
const maxListDepth = 8

// groupKind names a kind in an API group ("" is the core group). Versions
// are ignored: a kind is read the same way in every version it was served in.
type groupKind struct{ group, kind string }

// handlers translate the kinds that cost money. Every other kind (ConfigMap,
// Secret, Role...) and every custom resource is skipped.
var handlers = map[groupKind]func(*parser, yamldoc.Document) error{
	// Deployments were served in extensions/v1beta1, apps/v1beta1,
	// apps/v1beta2 and apps/v1; the other controllers in some of those.
	{"apps", "Deployment"}:           (*parser).workload,
	{"extensions", "Deployment"}:     (*parser).workload,
	{"apps", "StatefulSet"}:          (*parser).workload,
	{"apps", "DaemonSet"}:            (*parser).workload,
	{"extensions", "DaemonSet"}:      (*parser).workload,
	{"apps", "ReplicaSet"}:           (*parser).workload,
	{"extensions", "ReplicaSet"}:     (*parser).workload,
	{"", "ReplicationController"}:    (*parser).workload,
	{"", "Pod"}:                      (*parser).workload,
	{"batch", "Job"}:                 (*parser).workload,
	{"extensions", "Job"}:            (*parser).workload,
	{"batch", "CronJob"}:             (*parser).workload,
	{"", "Service"}:                  (*parser).service,
	{"extensions", "Ingress"}:        (*parser).ingress,
	{"networking.k8s.io", "Ingress"}: (*parser).ingress,
	// IngressClasses cost nothing but say which Ingresses the AWS Load
	// Balancer Controller serves.
	{"networking.k8s.io", "IngressClass"}: (*parser).ingressClass,
	{"", "PersistentVolumeClaim"}:         (*parser).claim,
	{"storage.k8s.io", "StorageClass"}:    (*parser).storageClass,
}

// clusterScoped kinds have no namespace.
var clusterScoped = map[string]bool{"StorageClass": true, "IngressClass": true}

// meta is the part of metadata that matters here.
type meta struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// namespace returns the namespace, "default" when unset.
func (m meta) namespace() string {
	if m.Namespace == "" {
		return "default"
	}
	return m.Namespace
}

type parser struct {
	est *estate.Estate
	// ingressClasses maps IngressClass names to their controller.
	ingressClasses map[string]string
	// defaultIngressClass is the controller of the IngressClass annotated
	// as the cluster default, if any.
	defaultIngressClass string
	// ingresses wait for Finish: their class may be defined in a later file.
	ingresses []pendingIngress
	// albGroups maps an IngressGroup name to its ALB in est.LoadBalancers.
	albGroups map[string]*albGroup
	// unplaced names the objects that set no namespace and that no
	// kustomization places: they are assumed in "default".
	unplaced []string
	// totalMilliCPU and totalMemory sum the pods' requests, bounded so
	// that no total downstream can overflow.
	totalMilliCPU, totalMemory int64
}

// Parser translates Kubernetes objects as they come, so that a caller can
// drop each file's YAML tree as soon as it is added; Finish resolves what
// needs every document (an Ingress's IngressClass).
type Parser struct{ p *parser }

// NewParser returns an empty Parser.
func NewParser() *Parser {
	return &Parser{p: &parser{
		est:            &estate.Estate{},
		ingressClasses: map[string]string{},
		albGroups:      map[string]*albGroup{},
	}}
}

// Add translates docs. Kinds without cost (ConfigMap, Secret, Role...) and
// custom resources are skipped. A document with no apiVersion or no kind is
// an error naming file:line. `kind: List` (and *List) items are expanded.
//
// Documents with Line 0 (from BuildKustomize) get Origin.Ref set to
// "Kind/namespace/name" ("Kind/name" when cluster-scoped).
func (ps *Parser) Add(docs []yamldoc.Document) error { return ps.AddIn(docs, "") }

// AddIn is Add for documents that a kustomization setting namespace ns
// builds: objects that set no namespace are in ns. With ns "", they are in
// "default", and Finish names them in an assumption.
func (ps *Parser) AddIn(docs []yamldoc.Document, ns string) error {
	var objs []yamldoc.Document
	for _, d := range docs {
		var err error
		if objs, err = expand(objs, d, 0); err != nil {
			return err
		}
	}
	for _, d := range objs {
		h, ok := handlers[groupKind{d.Group(), d.Kind}]
		if !ok {
			continue
		}
		if !clusterScoped[d.Kind] && yamldoc.Scalar(d.Node, "metadata", "namespace") == "" {
			if ns != "" {
				setNamespace(d.Node, ns)
			} else {
				ps.p.unplaced = append(ps.p.unplaced, fmt.Sprintf("%s %s (%s)", d.Kind, yamldoc.Scalar(d.Node, "metadata", "name"), d.Origin()))
			}
		}
		if err := h(ps.p, d); err != nil {
			return err
		}
	}
	return nil
}

// Finish resolves the Ingresses against the IngressClasses seen and returns
// the Estate. The Parser must not be used after.
func (ps *Parser) Finish() (*estate.Estate, error) {
	p := ps.p
	for _, ing := range p.ingresses {
		p.resolveIngress(ing)
	}
	for _, g := range p.albGroups {
		p.est.LoadBalancers[g.index].Internal = g.internal()
	}
	if n := len(p.unplaced); n > 0 {
		const shown = 8
		list := strings.Join(p.unplaced[:min(n, shown)], ", ")
		if n > shown {
			list += fmt.Sprintf(" and %d more", n-shown)
		}
		p.est.Assumptions = append(p.est.Assumptions, fmt.Sprintf(
			"namespace default for %d object(s) that set none and that no kustomization places (kubectl apply -n would put them elsewhere): %s", n, list))
	}
	return p.est, nil
}

// Parse translates Kubernetes objects into an Estate: Add then Finish.
func Parse(docs []yamldoc.Document) (*estate.Estate, error) {
	ps := NewParser()
	if err := ps.Add(docs); err != nil {
		return nil, err
	}
	return ps.Finish()
}

// expand appends d to objs, or its items when d is a List.
func expand(objs []yamldoc.Document, d yamldoc.Document, depth int) ([]yamldoc.Document, error) {
	if d.APIVersion == "" {
		return nil, origin(d).Errorf("object has no apiVersion")
	}
	if d.Kind == "" {
		return nil, origin(d).Errorf("object has no kind")
	}
	if !strings.HasSuffix(d.Kind, "List") {
		return append(objs, d), nil
	}
	items := yamldoc.Lookup(d.Node, "items")
	if items == nil || (items.Kind == yaml.ScalarNode && items.Tag == "!!null") {
		if d.Kind == "List" {
			return objs, nil
		}
		return append(objs, d), nil // a kind that merely ends in List
	}
	if items.Kind != yaml.SequenceNode {
		return nil, originAt(d, items).Errorf("%s: items is not a list", d.Kind)
	}
	if depth >= maxListDepth {
		return nil, origin(d).Errorf("lists nested more than %d deep", maxListDepth)
	}
	for _, it := range items.Content {
		if it.Kind == yaml.AliasNode && it.Alias != nil {
			it = it.Alias
		}
		if it.Kind != yaml.MappingNode {
			return nil, originAt(d, it).Errorf("%s: item is not an object", d.Kind)
		}
		item := yamldoc.Document{File: d.File, Line: it.Line, Node: it,
			APIVersion: yamldoc.Scalar(it, "apiVersion"), Kind: yamldoc.Scalar(it, "kind")}
		if d.Line == 0 {
			item.Line = 0
		}
		// Items of a typed list (DeploymentList) may omit their type.
		if item.Kind == "" && d.Kind != "List" {
			item.Kind = strings.TrimSuffix(d.Kind, "List")
			if item.APIVersion == "" {
				item.APIVersion = d.APIVersion
			}
		}
		var err error
		if objs, err = expand(objs, item, depth+1); err != nil {
			return nil, err
		}
	}
	return objs, nil
}

// ref names an object as "Kind/namespace/name" ("Kind/name" when
// cluster-scoped), for objects that have no line of their own.
func ref(d yamldoc.Document) string {
	name := yamldoc.Scalar(d.Node, "metadata", "name")
	if clusterScoped[d.Kind] {
		return d.Kind + "/" + name
	}
	ns := yamldoc.Scalar(d.Node, "metadata", "namespace")
	if ns == "" {
		ns = "default"
	}
	return d.Kind + "/" + ns + "/" + name
}

// origin is the document's origin; documents without a line (kustomize
// output) also carry their Ref.
func origin(d yamldoc.Document) estate.Origin {
	o := d.Origin()
	if d.Line == 0 {
		o.Ref = ref(d)
	}
	return o
}

// originAt is the origin of node n in d (the document's when d has no lines).
func originAt(d yamldoc.Document, n *yaml.Node) estate.Origin {
	if d.Line == 0 {
		return origin(d)
	}
	return d.OriginAt(n)
}

// decode decodes d (or one node of it) into v with a file:line error.
func decode(d yamldoc.Document, n *yaml.Node, v any) error {
	if err := n.Decode(v); err != nil {
		if d.Line == 0 {
			return yamldoc.WrapError(origin(d).String(), 0, err)
		}
		return yamldoc.WrapError(d.File, d.Line, err)
	}
	return nil
}

// isNull reports whether n is absent or an explicit null.
func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") || n.Kind == 0
}

// maxInt32 is the largest value of the API's int32 fields (replicas,
// parallelism, completions).
const maxInt32 = 1<<31 - 1

// wholeRE matches a decimal integer.
var wholeRE = regexp.MustCompile(`^[-+]?[0-9]+$`)

// intField reads an optional non-negative int32 field: a whole number in
// the API's range, as the API server would accept it.
func intField(d yamldoc.Document, n *yaml.Node, what string, def int) (int, error) {
	if isNull(n) {
		return def, nil
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!float" && wholeRE.MatchString(n.Value) {
		// yaml.v3 reads integers past int64 as floats.
		return 0, originAt(d, n).Errorf("%s %s is out of range (at most %d)", what, n.Value, maxInt32)
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return 0, originAt(d, n).Errorf("%s %q is not a whole number", what, n.Value)
	}
	var v int64
	if err := n.Decode(&v); err != nil {
		return 0, originAt(d, n).Errorf("%s %s is out of range (at most %d)", what, n.Value, maxInt32)
	}
	if v < 0 {
		return 0, originAt(d, n).Errorf("%s %d is negative", what, v)
	}
	if v > maxInt32 {
		return 0, originAt(d, n).Errorf("%s %d is out of range (at most %d)", what, v, maxInt32)
	}
	return int(v), nil
}

// setNamespace sets metadata.namespace of object n to ns.
func setNamespace(n *yaml.Node, ns string) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	md := yamldoc.Lookup(n, "metadata")
	if md == nil || md.Kind != yaml.MappingNode {
		if md != nil {
			return // a malformed metadata: its handler reports it
		}
		md = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "metadata"}, md)
	}
	found := false
	for i := 0; i+1 < len(md.Content); i += 2 {
		if md.Content[i].Value == "namespace" {
			md.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ns}
			found = true
		}
	}
	if found {
		return
	}
	md.Content = append(md.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "namespace"},
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ns})
}

// describe names an object in messages: "Deployment shop/web".
func describe(d yamldoc.Document, m meta) string {
	if clusterScoped[d.Kind] {
		return fmt.Sprintf("%s %s", d.Kind, m.Name)
	}
	return fmt.Sprintf("%s %s/%s", d.Kind, m.namespace(), m.Name)
}
