// Package manifest translates Kubernetes manifests (plain YAML or JSON, or the
// output of a kustomize build) into an estate.Estate: the pods they run, the
// load balancers and volumes they make AWS create, and the storage classes
// those volumes use.
package manifest

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/yamldoc"
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
func (ps *Parser) Add(docs []yamldoc.Document) error {
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

// intField reads an optional non-negative integer field.
func intField(d yamldoc.Document, n *yaml.Node, what string, def int) (int, error) {
	if isNull(n) {
		return def, nil
	}
	var v int
	if err := decode(d, n, &v); err != nil {
		return 0, err
	}
	if v < 0 {
		return 0, originAt(d, n).Errorf("%s %d is negative", what, v)
	}
	return v, nil
}

// describe names an object in messages: "Deployment shop/web".
func describe(d yamldoc.Document, m meta) string {
	if clusterScoped[d.Kind] {
		return fmt.Sprintf("%s %s", d.Kind, m.Name)
	}
	return fmt.Sprintf("%s %s/%s", d.Kind, m.namespace(), m.Name)
}
