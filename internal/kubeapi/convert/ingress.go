package convert

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ingressClassAnnotation is the annotation that networking.k8s.io/v1
// replaced with spec.ingressClassName.
const ingressClassAnnotation = "kubernetes.io/ingress.class"

func init() { conversions["ingress"] = convertIngress } // data/apis.yaml: convert: ingress

// convertIngress moves an Ingress from extensions/v1beta1 or
// networking.k8s.io/v1beta1 to networking.k8s.io/v1:
//
//   - backend.serviceName/servicePort become backend.service.name and
//     backend.service.port.number (an integer) or .name (a string);
//   - spec.backend becomes spec.defaultBackend;
//   - paths without pathType get pathType: ImplementationSpecific, which is
//     what the v1beta1 APIs defaulted it to ("Defaults to
//     ImplementationSpecific", k8s.io/api@v0.34.1 extensions/v1beta1/types.go
//     and networking/v1beta1/types.go HTTPIngressPath), so the controller
//     matches exactly as before. Prefix or Exact would change matching for
//     controllers that read paths as regular expressions or wildcards (the
//     AWS Load Balancer Controller's "/*" is a wildcard only with
//     ImplementationSpecific:
//     https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/spec/);
//   - the kubernetes.io/ingress.class annotation becomes spec.ingressClassName.
func convertIngress(c *ctx, from string) error {
	spec := get(c.obj, "spec")
	if spec == nil || isNull(spec) {
		c.unconvertedf("Ingress has no spec")
		return nil
	}
	if spec.Kind != yaml.MappingNode {
		return errorf(spec, "spec of Ingress is not a mapping")
	}

	if has(spec, "backend") {
		if has(spec, "defaultBackend") {
			c.unconvertedf("spec has both backend and defaultBackend: keep one (v1 has only defaultBackend)")
		} else {
			rename(spec, "backend", "defaultBackend")
		}
	}
	if b := get(spec, "defaultBackend"); b != nil {
		if err := convertBackend(c, b, "spec.defaultBackend"); err != nil {
			return err
		}
	}

	rules := get(spec, "rules")
	if rules != nil && !isNull(rules) && rules.Kind != yaml.SequenceNode {
		return errorf(rules, "spec.rules of Ingress is not a list")
	}
	added := 0
	for ri, rule := range seq(spec, "rules") {
		if rule.Kind != yaml.MappingNode {
			return errorf(rule, "spec.rules[%d] is not a mapping", ri)
		}
		http := get(rule, "http")
		if http == nil || isNull(http) {
			continue
		}
		if http.Kind != yaml.MappingNode {
			return errorf(http, "spec.rules[%d].http is not a mapping", ri)
		}
		if p := get(http, "paths"); p != nil && !isNull(p) && p.Kind != yaml.SequenceNode {
			return errorf(p, "spec.rules[%d].http.paths is not a list", ri)
		}
		for pi, path := range seq(http, "paths") {
			if path.Kind != yaml.MappingNode {
				return errorf(path, "spec.rules[%d].http.paths[%d] is not a mapping", ri, pi)
			}
			where := fmt.Sprintf("spec.rules[%d].http.paths[%d]", ri, pi)
			if b := get(path, "backend"); b != nil {
				if err := convertBackend(c, b, where+".backend"); err != nil {
					return err
				}
			} else {
				c.unconvertedf("%s has no backend (required)", where)
			}
			if !has(path, "pathType") {
				pt := strNode("ImplementationSpecific")
				if has(path, "path") {
					insertAfter(path, "path", "pathType", pt)
				} else {
					insertAt(path, 0, "pathType", pt)
				}
				added++
			}
			if p := str(path, "path"); strings.HasSuffix(p, "*") {
				c.notef("%s.path %q uses a wildcard: it keeps working only with pathType ImplementationSpecific (the AWS Load Balancer Controller reads * as a wildcard); if you switch to Prefix, write %q instead", where, p, strings.TrimSuffix(strings.TrimSuffix(p, "*"), "/")+"/")
			}
		}
	}
	if added > 0 {
		c.notef("set pathType: ImplementationSpecific on %d path(s): the v1beta1 default, so the controller matches paths as before (v1 requires pathType; Prefix or Exact are portable alternatives)", added)
	}

	ingressClass(c, spec)
	return nil
}

// ingressClass moves the kubernetes.io/ingress.class annotation to
// spec.ingressClassName.
func ingressClass(c *ctx, spec *yaml.Node) {
	md := mapping(c.obj, "metadata")
	ann := mapping(md, "annotations")
	i := keyIndex(ann, ingressClassAnnotation)
	if i < 0 {
		return
	}
	class := ann.Content[i+1]
	if class.Kind != yaml.ScalarNode || class.Value == "" {
		c.unconvertedf("annotation %s is not a class name: set spec.ingressClassName yourself", ingressClassAnnotation)
		return
	}
	if cur := str(spec, "ingressClassName"); cur != "" {
		if cur != class.Value {
			c.unconvertedf("annotation %s: %s conflicts with spec.ingressClassName: %s (the API server rejects both): keep one", ingressClassAnnotation, class.Value, cur)
			return
		}
	} else {
		v := strNode(class.Value)
		v.LineComment = joinComments(ann.Content[i].LineComment, class.LineComment)
		insertAt(spec, 0, "ingressClassName", v)
		// The line comment went with the value; the head comment stays.
		ann.Content[i].LineComment, class.LineComment = "", ""
	}
	removeKeepComments(ann, ingressClassAnnotation)
	if len(ann.Content) == 0 && ann.FootComment == "" {
		ai := keyIndex(md, "annotations")
		if ai >= 0 && md.Content[ai].HeadComment == "" && md.Content[ai].LineComment == "" && md.Content[ai+1] == ann {
			removeKeepComments(md, "annotations")
		}
	}
	c.notef("moved annotation %s: %s to spec.ingressClassName: %s; an IngressClass named %q must exist (ingress-nginx 1.x and the AWS Load Balancer Controller install theirs)", ingressClassAnnotation, class.Value, class.Value, class.Value)
}

// convertBackend rewrites serviceName/servicePort into service{name, port}.
func convertBackend(c *ctx, b *yaml.Node, where string) error {
	if isNull(b) {
		return nil
	}
	if b.Kind != yaml.MappingNode {
		return errorf(b, "%s is not a mapping", where)
	}
	iName, iPort := keyIndex(b, "serviceName"), keyIndex(b, "servicePort")
	if iName < 0 && iPort < 0 {
		return nil // already v1, or a resource backend (same schema in v1)
	}
	if has(b, "service") {
		c.unconvertedf("%s has both serviceName/servicePort and service: keep one", where)
		return nil
	}
	svc := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	var first *yaml.Node // key node reused as "service" (keeps its comments)
	pos := len(b.Content)
	if iName >= 0 {
		k, val := b.Content[iName], b.Content[iName+1]
		first, pos = k, iName
		nk := keyNode("name")
		nk.LineComment = k.LineComment
		svc.Content = append(svc.Content, nk, val)
	} else {
		c.unconvertedf("%s has servicePort but no serviceName", where)
	}
	if iPort >= 0 {
		k, val := b.Content[iPort], b.Content[iPort+1]
		if first == nil || iPort < pos {
			first, pos = k, iPort
		}
		pk := keyNode("port")
		if k != first {
			pk.HeadComment = k.HeadComment
		}
		pk.LineComment = k.LineComment
		val = resolve(val)
		var port *yaml.Node
		switch {
		case val.Kind == yaml.ScalarNode && isInt(val):
			port = newMap("number", val)
		case val.Kind == yaml.ScalarNode && isDigits(val.Value):
			n, err := strconv.ParseInt(val.Value, 10, 32)
			if err != nil {
				return errorf(val, "%s.servicePort %q is out of range", where, val.Value)
			}
			num := intNode(n)
			num.LineComment = val.LineComment
			port = newMap("number", num)
			c.notef("%s.servicePort %q was a quoted number: written as port.number %d", where, val.Value, n)
		case val.Kind == yaml.ScalarNode && !isNull(val):
			port = newMap("name", val)
		default:
			return errorf(val, "%s.servicePort is not a port number or name", where)
		}
		svc.Content = append(svc.Content, pk, port)
	} else {
		c.unconvertedf("%s has no servicePort: networking.k8s.io/v1 requires service.port.number or service.port.name", where)
	}

	if iName >= 0 && b.Content[iName] != first {
		svc.Content[0].HeadComment = b.Content[iName].HeadComment
	}
	// Rebuild the mapping: drop both old pairs, put service where the first was.
	var out []*yaml.Node
	for i := 0; i+1 < len(b.Content); i += 2 {
		if i == pos {
			first.Value, first.Tag, first.Style = "service", "!!str", 0
			first.LineComment = ""
			out = append(out, first, svc)
		}
		if i == iName || i == iPort {
			continue
		}
		out = append(out, b.Content[i], b.Content[i+1])
	}
	b.Content = out
	return nil
}
