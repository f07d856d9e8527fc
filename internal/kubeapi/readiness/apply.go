package readiness

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Apply makes the safe fixes in place on the documents' nodes, keeping
// comments and key order, and returns what it did (severity info), or, for
// a fix it could only start, why it stopped (the finding's severity):
//
//   - a ClusterIP Service behind an ALB in instance mode becomes NodePort;
//   - a kube2iam/kiam pod annotation gets a note, and the pods'
//     ServiceAccount, when it is in the input and the annotation holds a
//     full role ARN, gets the IRSA annotation eks.amazonaws.com/role-arn.
//
// The error names file and line of a document it could not edit.
func Apply(docs []yamldoc.Document, t Target) ([]kubeapi.Finding, error) {
	return ApplyIn(docs, nil, t)
}

// ApplyIn is Apply on the documents of one file, with other files'
// documents as read-only context (an Ingress here, its Service there): only
// fixes to objects of docs are made.
func ApplyIn(docs, context []yamldoc.Document, t Target) ([]kubeapi.Finding, error) {
	all := append(append(make([]yamldoc.Document, 0, len(docs)+len(context)), docs...), context...)
	mine := map[*yaml.Node]bool{}
	for _, d := range docs {
		mine[d.Node] = true
	}
	ix := newIndex(all, t)
	var out []kubeapi.Finding
	for _, is := range ix.issues() {
		if is.fix == nil || (context != nil && !is.in(mine)) {
			continue
		}
		f, err := is.fix()
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
	sortFindings(out)
	return out, nil
}

// setServiceNodePort sets spec.type: NodePort, adding the key (first in
// spec) or spec itself when missing.
func setServiceNodePort(svc *object) error {
	spec, err := mappingAt(svc.doc, svc.doc.Node, "spec")
	if err != nil {
		return err
	}
	if v := yamldoc.Lookup(spec, "type"); v != nil {
		if v.Kind != yaml.ScalarNode {
			return svc.doc.OriginAt(v).Errorf("spec.type is not a string")
		}
		v.Value, v.Tag, v.Style = "NodePort", "!!str", 0
		return nil
	}
	spec.Content = append([]*yaml.Node{scalar("type"), scalar("NodePort")}, spec.Content...)
	return nil
}

// setAnnotation sets metadata.annotations[name] = value.
func setAnnotation(o *object, name, value string) error {
	meta, err := mappingAt(o.doc, o.doc.Node, "metadata")
	if err != nil {
		return err
	}
	ann, err := mappingAt(o.doc, meta, "annotations")
	if err != nil {
		return err
	}
	if v := yamldoc.Lookup(ann, name); v != nil && v.Kind == yaml.ScalarNode {
		v.Value, v.Tag, v.Style = value, "!!str", 0
		return nil
	}
	ann.Content = append(ann.Content, scalar(name), scalar(value))
	return nil
}

// mappingAt returns the mapping under key k of m, creating it when it is
// missing or null.
func mappingAt(d *yamldoc.Document, m *yaml.Node, k string) (*yaml.Node, error) {
	if m.Kind == yaml.AliasNode {
		return nil, d.OriginAt(m).Errorf("cannot edit through a YAML alias")
	}
	v := yamldoc.Lookup(m, k)
	switch {
	case v == nil:
		v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		m.Content = append(m.Content, scalar(k), v)
	case v.Kind == yaml.ScalarNode && (v.Tag == "!!null" || v.Value == ""):
		*v = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: v.Line, Column: v.Column, HeadComment: v.HeadComment, LineComment: v.LineComment, FootComment: v.FootComment}
	case v.Kind != yaml.MappingNode:
		return nil, d.OriginAt(v).Errorf("%s is not a mapping", k)
	}
	return v, nil
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// addNote adds a comment line above n, once.
func addNote(n *yaml.Node, note string) {
	if n == nil || strings.Contains(n.HeadComment, "refit:") {
		return
	}
	if n.HeadComment != "" {
		n.HeadComment += "\n"
	}
	n.HeadComment += note
}
