package manifest

import (
	"strings"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/yamldoc"
)

// Service annotations and classes read by the AWS cloud provider and the AWS
// Load Balancer Controller (LBC):
// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
const (
	annLBType     = "service.beta.kubernetes.io/aws-load-balancer-type"
	annLBInternal = "service.beta.kubernetes.io/aws-load-balancer-internal"
	annLBScheme   = "service.beta.kubernetes.io/aws-load-balancer-scheme"
	lbcNLBClass   = "service.k8s.aws/nlb"

	annIngressClass = "kubernetes.io/ingress.class"
	annALBGroup     = "alb.ingress.kubernetes.io/group.name"
	annALBScheme    = "alb.ingress.kubernetes.io/scheme"
	annDefaultClass = "ingressclass.kubernetes.io/is-default-class"

	// albIngressClass is the class name the LBC answers to by default
	// (its --ingress-class flag) and the IngressClass its Helm chart creates.
	albIngressClass = "alb"
)

// albControllers are the IngressClass controllers that make ALBs: the LBC
// (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/)
// and EKS Auto Mode (https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-alb.html).
var albControllers = map[string]bool{"ingress.k8s.aws/alb": true, "eks.amazonaws.com/alb": true}

// service translates a Service of type LoadBalancer.
func (p *parser) service(d yamldoc.Document) error {
	var svc struct {
		Metadata meta `yaml:"metadata"`
		Spec     struct {
			Type              string  `yaml:"type"`
			LoadBalancerClass *string `yaml:"loadBalancerClass"`
		} `yaml:"spec"`
	}
	if err := decode(d, d.Node, &svc); err != nil {
		return err
	}
	if svc.Spec.Type != "LoadBalancer" {
		return nil
	}
	ann := svc.Metadata.Annotations
	lbType := strings.ToLower(ann[annLBType])
	var lbc bool // reconciled by the AWS Load Balancer Controller
	switch {
	case svc.Spec.LoadBalancerClass != nil && *svc.Spec.LoadBalancerClass != "":
		if *svc.Spec.LoadBalancerClass != lbcNLBClass {
			// Another implementation owns it; the cloud provider ignores
			// Services with a class:
			// https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-class
			return nil
		}
		lbc = true
	case lbType == "external" || lbType == "nlb-ip":
		lbc = true
	}
	lb := estate.LoadBalancer{
		Name:   svc.Metadata.namespace() + "/" + svc.Metadata.Name,
		Type:   estate.CLB,
		Origin: origin(d),
	}
	if lbc || lbType == "nlb" {
		lb.Type = estate.NLB
	}
	if lbc {
		// The LBC makes internal NLBs unless told otherwise (since v2.2.0):
		// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/
		lb.Internal = true
		if s, ok := ann[annLBScheme]; ok {
			lb.Internal = s != "internet-facing"
		} else if v, ok := ann[annLBInternal]; ok {
			lb.Internal = v != "false"
		}
	} else {
		// The cloud provider makes internet-facing ELBs unless the internal
		// annotation is set to anything but "false"
		// (kubernetes/cloud-provider-aws, pkg/providers/v1/aws.go).
		v := ann[annLBInternal]
		lb.Internal = (v != "" && v != "false") || ann[annLBScheme] == "internal"
	}
	p.est.LoadBalancers = append(p.est.LoadBalancers, lb)
	return nil
}

// ingressClass records an IngressClass's controller.
func (p *parser) ingressClass(d yamldoc.Document) error {
	var ic struct {
		Metadata meta `yaml:"metadata"`
		Spec     struct {
			Controller string `yaml:"controller"`
		} `yaml:"spec"`
	}
	if err := decode(d, d.Node, &ic); err != nil {
		return err
	}
	p.ingressClasses[ic.Metadata.Name] = ic.Spec.Controller
	if ic.Metadata.Annotations[annDefaultClass] == "true" {
		p.defaultIngressClass = ic.Spec.Controller
	}
	return nil
}

// albGroup is one ALB shared by the Ingresses of an IngressGroup.
type albGroup struct {
	index int
	// scheme is the first scheme annotation seen in the group; the LBC
	// requires members that set it to agree.
	scheme string
}

// internal reports whether the group's ALB is internal; the LBC's default
// scheme is internal:
// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#scheme
func (g *albGroup) internal() bool { return g.scheme != "internet-facing" }

// pendingIngress is an Ingress waiting for Finish.
type pendingIngress struct {
	id          string
	annotations map[string]string
	className   *string
	origin      estate.Origin
}

// ingress records an Ingress; resolveIngress translates it once every
// IngressClass is known.
func (p *parser) ingress(d yamldoc.Document) error {
	var ing struct {
		Metadata meta `yaml:"metadata"`
		Spec     struct {
			IngressClassName *string `yaml:"ingressClassName"`
		} `yaml:"spec"`
	}
	if err := decode(d, d.Node, &ing); err != nil {
		return err
	}
	p.ingresses = append(p.ingresses, pendingIngress{
		id:          ing.Metadata.namespace() + "/" + ing.Metadata.Name,
		annotations: ing.Metadata.Annotations,
		className:   ing.Spec.IngressClassName,
		origin:      origin(d),
	})
	return nil
}

// resolveIngress translates an Ingress handled by the AWS Load Balancer
// Controller into an ALB, shared by all Ingresses of one IngressGroup.
func (p *parser) resolveIngress(ing pendingIngress) {
	if !p.isALB(ing.annotations, ing.className) {
		return
	}
	// Ingresses without a group.name form an implicit group of their own:
	// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ingressgroup
	key, name := "\x00"+ing.id, ing.id
	if g := ing.annotations[annALBGroup]; g != "" {
		key, name = g, g
	}
	g, ok := p.albGroups[key]
	if !ok {
		g = &albGroup{index: len(p.est.LoadBalancers)}
		p.albGroups[key] = g
		p.est.LoadBalancers = append(p.est.LoadBalancers, estate.LoadBalancer{
			Name: name, Type: estate.ALB, Origin: ing.origin,
		})
	}
	if s, ok := ing.annotations[annALBScheme]; ok && g.scheme == "" {
		g.scheme = s
	}
	lb := &p.est.LoadBalancers[g.index]
	lb.Members = append(lb.Members, ing.id)
}

// isALB reports whether the AWS Load Balancer Controller handles an Ingress.
// The legacy annotation wins over spec.ingressClassName, as Kubernetes
// requires: https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation
func (p *parser) isALB(ann map[string]string, className *string) bool {
	if c, ok := ann[annIngressClass]; ok {
		return c == albIngressClass
	}
	if className != nil && *className != "" {
		if ctrl, ok := p.ingressClasses[*className]; ok {
			return albControllers[ctrl]
		}
		// Not in the input: assume the class the LBC's chart installs.
		return *className == albIngressClass
	}
	return albControllers[p.defaultIngressClass]
}
