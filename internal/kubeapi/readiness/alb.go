package readiness

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// ingress is an Ingress of any API version (extensions/v1beta1,
// networking.k8s.io/v1beta1 and v1).
type ingress struct {
	object
	class     string     // resolved class name ("" for none)
	classNode *yaml.Node // where the class is set
	isALB     bool       // the AWS Load Balancer Controller reconciles it
	backends  []backend
	paths     []ingPath
	hosts     []string
	hostNode  *yaml.Node
}

type backend struct {
	service string
	node    *yaml.Node // the service name node
}

type ingPath struct {
	path, pathType string // pathType "" when unset
	node           *yaml.Node
}

func (ing *ingress) read(ix *index) {
	root := ing.doc.Node
	spec := yamldoc.Lookup(root, "spec")
	if c := yamldoc.Lookup(spec, "ingressClassName"); c != nil && c.Kind == yaml.ScalarNode && c.Value != "" {
		ing.class, ing.classNode = c.Value, c
	} else if c := ing.annotation(annIngressClass); c != "" {
		ing.class, ing.classNode = c, ing.annotationNode(annIngressClass)
	} else {
		ing.class = ix.defaultIngClass
	}
	ing.isALB = ing.class == "alb" || (ing.class != "" && ix.ingressClasses[ing.class] == albController)

	addBackend := func(b *yaml.Node) {
		if n := yamldoc.Lookup(b, "service", "name"); n != nil && n.Kind == yaml.ScalarNode { // v1
			ing.backends = append(ing.backends, backend{n.Value, n})
		} else if n := yamldoc.Lookup(b, "serviceName"); n != nil && n.Kind == yaml.ScalarNode { // v1beta1
			ing.backends = append(ing.backends, backend{n.Value, n})
		}
	}
	addBackend(yamldoc.Lookup(spec, "defaultBackend"))
	addBackend(yamldoc.Lookup(spec, "backend"))
	for _, r := range items(yamldoc.Lookup(spec, "rules")) {
		if h := yamldoc.Lookup(r, "host"); h != nil && h.Kind == yaml.ScalarNode && h.Value != "" {
			ing.addHost(h.Value, h)
		}
		for _, p := range items(yamldoc.Lookup(r, "http", "paths")) {
			addBackend(yamldoc.Lookup(p, "backend"))
			if pn := yamldoc.Lookup(p, "path"); pn != nil && pn.Kind == yaml.ScalarNode {
				ing.paths = append(ing.paths, ingPath{pn.Value, scalarAt(p, "pathType"), pn})
			}
		}
	}
	for _, tls := range items(yamldoc.Lookup(spec, "tls")) {
		for _, h := range items(yamldoc.Lookup(tls, "hosts")) {
			if h.Kind == yaml.ScalarNode && h.Value != "" {
				ing.addHost(h.Value, h)
			}
		}
	}
}

func (ing *ingress) addHost(h string, n *yaml.Node) {
	if !slices.Contains(ing.hosts, h) {
		ing.hosts = append(ing.hosts, h)
	}
	if ing.hostNode == nil {
		ing.hostNode = n
	}
}

// routesALB reports an Ingress that an ALB will serve: of an ALB class, or
// any Ingress when the target's ingress is ALB (the ingress-class-alb rule
// asks to move the others).
func (ix *index) routesALB(ing *ingress) bool { return ing.isALB || ix.t.Ingress == "alb" }

// targetType is the ALB target type for a Service behind an Ingress; the
// Service's annotation wins over the Ingress's, and "instance" is the
// default (see annTargetType).
func targetType(ing *ingress, svc *object) string {
	if svc != nil {
		if v := svc.annotation(annTargetType); v != "" {
			return strings.ToLower(v)
		}
	}
	if v := ing.annotation(annTargetType); v != "" {
		return strings.ToLower(v)
	}
	return "instance"
}

func (ix *index) albRules() []issue {
	var out []issue
	type svcUse struct {
		svc       *object
		ingresses []string
	}
	var needNodePort []*svcUse
	seen := map[key]*svcUse{}
	for _, ing := range ix.ingresses {
		if ix.t.Ingress == "alb" && !ing.isALB {
			out = append(out, ix.ingressClassIssue(ing))
		}
		if !ix.routesALB(ing) {
			continue
		}
		out = append(out, pathIssues(ing)...)
		onFargate := map[string]bool{}
		for _, b := range ing.backends {
			k := key{ing.ns(), b.service}
			svc := ix.services[k]
			if targetType(ing, svc) != "instance" {
				continue
			}
			if ix.fargate[k.ns] {
				if !onFargate[b.service] {
					onFargate[b.service] = true
					out = append(out, issue{Finding: ing.finding(RuleALBIPModeOnFargate, kubeapi.Error, b.node, fmt.Sprintf(
						"Service %s runs its pods on Fargate (namespace %s), but this ALB uses the instance target type: Fargate pods can only be ALB targets in IP mode; set the annotation %s: ip on the Ingress or the Service",
						b.service, k.ns, annTargetType))})
				}
				continue
			}
			if svc == nil {
				continue
			}
			typ := yamldoc.Lookup(svc.doc.Node, "spec", "type")
			if typ != nil && (typ.Kind != yaml.ScalarNode || (typ.Value != "" && typ.Value != "ClusterIP")) {
				continue // NodePort and LoadBalancer work in instance mode
			}
			u := seen[k]
			if u == nil {
				u = &svcUse{svc: svc}
				seen[k] = u
				needNodePort = append(needNodePort, u)
			}
			if !slices.Contains(u.ingresses, ing.name) {
				u.ingresses = append(u.ingresses, ing.name)
			}
		}
	}
	for _, u := range needNodePort {
		out = append(out, ix.nodePortIssue(u.svc, u.ingresses))
	}
	return out
}

func (ix *index) nodePortIssue(svc *object, ingresses []string) issue {
	spec := yamldoc.Lookup(svc.doc.Node, "spec")
	where := first(yamldoc.Lookup(spec, "type"), keyNode(svc.doc.Node, "spec"))
	typ := cmpOr(scalarAt(spec, "type"), "ClusterIP (the default)")
	msg := fmt.Sprintf("Ingress %s routes here through an ALB in instance mode (the default target type), which sends traffic to a node port: a Service of type %s has none, so the ALB cannot reach it; make it type NodePort (or LoadBalancer), or annotate %s: ip",
		strings.Join(ingresses, ", "), typ, annTargetType)
	if scalarAt(spec, "clusterIP") == "None" {
		return issue{Finding: svc.finding(RuleALBInstanceModeService, kubeapi.Error, where, strings.Replace(msg,
			"make it type NodePort (or LoadBalancer), or annotate", "it is headless (clusterIP: None), so it cannot become a NodePort: annotate", 1))}
	}
	f := svc.finding(RuleALBInstanceModeService, kubeapi.Error, where, msg)
	f.Fixable = true
	return issue{Finding: f, node: svc.doc.Node, fix: func() (kubeapi.Finding, error) {
		if err := setServiceNodePort(svc); err != nil {
			return kubeapi.Finding{}, err
		}
		done := f
		done.Severity = kubeapi.Info // fixed
		done.Message = fmt.Sprintf("set spec.type: NodePort (was %s) so that the ALB of Ingress %s can reach it in instance mode", typ, strings.Join(ingresses, ", "))
		return done, nil
	}}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// pathIssues flags the old ALB ingress controller's "/*" wildcards. The AWS
// Load Balancer Controller reads ImplementationSpecific paths as ALB path
// patterns, refuses wildcards in Prefix and Exact paths, and turns Prefix
// "/" into "/*" itself (buildPathPatterns in
// kubernetes-sigs/aws-load-balancer-controller pkg/ingress/model_build_listener_rules.go;
// Prefix matching: https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types).
func pathIssues(ing *ingress) []issue {
	var out []issue
	for _, p := range ing.paths {
		if !strings.HasSuffix(p.path, "/*") {
			continue
		}
		prefix := strings.TrimSuffix(p.path, "/*")
		if prefix == "" {
			prefix = "/"
		}
		suggest := fmt.Sprintf("write path: %s with pathType: Prefix", prefix)
		switch p.pathType {
		case "Prefix", "Exact":
			out = append(out, issue{Finding: ing.finding(RuleALBPathSemantics, kubeapi.Error, p.node, fmt.Sprintf(
				"path %q with pathType %s: \"*\" is a literal character in %s matching, not the old ALB ingress controller's wildcard, and the AWS Load Balancer Controller refuses to build the ALB for it; Prefix %q already matches everything below it: %s",
				p.path, p.pathType, p.pathType, prefix, suggest))})
		default: // ImplementationSpecific, or unset (the v1beta1 default)
			pt := p.pathType
			if pt == "" {
				pt = "unset (ImplementationSpecific once converted to networking.k8s.io/v1)"
			}
			out = append(out, issue{Finding: ing.finding(RuleALBPathSemantics, kubeapi.Warning, p.node, fmt.Sprintf(
				"path %q with pathType %s: the AWS Load Balancer Controller reads it as an ALB wildcard pattern, but other controllers and the Prefix semantics of networking.k8s.io/v1 do not (Prefix %q already matches everything below it); to keep one meaning, %s",
				p.path, pt, prefix, suggest))})
		}
	}
	return out
}

// nginxToALB maps ingress-nginx annotations to what an ALB needs instead
// (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/,
// https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/).
var nginxToALB = map[string]string{
	"ssl-redirect":             "alb.ingress.kubernetes.io/ssl-redirect: '443' with listen-ports '[{\"HTTP\": 80}, {\"HTTPS\": 443}]'",
	"force-ssl-redirect":       "alb.ingress.kubernetes.io/ssl-redirect: '443' with listen-ports '[{\"HTTP\": 80}, {\"HTTPS\": 443}]'",
	"rewrite-target":           "an ALB forwards the path unchanged: serve the app under the path, or use a redirect action (alb.ingress.kubernetes.io/actions.NAME)",
	"app-root":                 "a redirect action (alb.ingress.kubernetes.io/actions.NAME) for \"/\"",
	"permanent-redirect":       "a redirect action (alb.ingress.kubernetes.io/actions.NAME)",
	"temporal-redirect":        "a redirect action (alb.ingress.kubernetes.io/actions.NAME)",
	"whitelist-source-range":   "alb.ingress.kubernetes.io/inbound-cidrs",
	"allowlist-source-range":   "alb.ingress.kubernetes.io/inbound-cidrs",
	"backend-protocol":         "alb.ingress.kubernetes.io/backend-protocol",
	"proxy-read-timeout":       "alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=N",
	"affinity":                 "alb.ingress.kubernetes.io/target-group-attributes: stickiness.enabled=true,stickiness.type=lb_cookie",
	"auth-url":                 "alb.ingress.kubernetes.io/auth-type: oidc or cognito",
	"auth-type":                "alb.ingress.kubernetes.io/auth-type: oidc or cognito",
	"healthcheck-path":         "alb.ingress.kubernetes.io/healthcheck-path",
	"limit-rps":                "no ALB equivalent (AWS WAF rate-based rules: alb.ingress.kubernetes.io/wafv2-acl-arn)",
	"proxy-body-size":          "no ALB setting (ALB does not limit request bodies)",
	"configuration-snippet":    "no ALB equivalent",
	"server-snippet":           "no ALB equivalent",
	"use-regex":                "ALB path patterns only know * and ? wildcards",
	"enable-cors":              "no ALB equivalent: answer CORS in the app",
	"proxy-connect-timeout":    "no ALB setting",
	"upstream-vhost":           "no ALB equivalent",
	"service-upstream":         "no ALB equivalent (target-type ip or instance)",
	"backend-protocol-version": "alb.ingress.kubernetes.io/backend-protocol-version",
}

func (ix *index) ingressClassIssue(ing *ingress) issue {
	var b strings.Builder
	if ing.class == "" {
		b.WriteString("this Ingress has no class")
	} else {
		fmt.Fprintf(&b, "this Ingress has class %s", ing.class)
	}
	b.WriteString(": the AWS Load Balancer Controller only serves Ingresses of its class, so it will get no ALB; set spec.ingressClassName: alb")
	if ing.annotation(annIngressClass) != "" {
		fmt.Fprintf(&b, " and drop the %s annotation", annIngressClass)
	}
	var notes []string
	pairs(yamldoc.Lookup(ing.doc.Node, "metadata", "annotations"), func(k, _ *yaml.Node) {
		name, ok := strings.CutPrefix(k.Value, "nginx.ingress.kubernetes.io/")
		if !ok {
			return
		}
		if to, ok := nginxToALB[name]; ok {
			notes = append(notes, k.Value+" → "+to)
		} else {
			notes = append(notes, k.Value+" → no known ALB equivalent")
		}
	})
	if items(yamldoc.Lookup(ing.doc.Node, "spec", "tls")) != nil {
		notes = append(notes, "spec.tls secrets are not used by an ALB: it takes ACM certificates (alb.ingress.kubernetes.io/certificate-arn, or found by host)")
	}
	if len(notes) > 0 {
		b.WriteString("; notes: " + strings.Join(notes, "; "))
	}
	return issue{Finding: ing.finding(RuleIngressClassALB, kubeapi.Warning, first(ing.classNode, keyNode(ing.doc.Node, "spec")), b.String())}
}
