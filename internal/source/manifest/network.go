package manifest

import (
	"github.com/refit-dev/refit/internal/awslb"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/yamldoc"
)

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
	typ, internal, ok := awslb.ForService(svc.Metadata.Annotations, svc.Spec.LoadBalancerClass)
	if !ok {
		return nil
	}
	lb := estate.LoadBalancer{Name: svc.Metadata.namespace() + "/" + svc.Metadata.Name, Type: typ, Internal: internal, Service: true, Origin: origin(d)}
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
	if ic.Metadata.Annotations[awslb.AnnDefaultClass] == "true" {
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
	if g := ing.annotations[awslb.AnnALBGroup]; g != "" {
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
	if s, ok := ing.annotations[awslb.AnnALBScheme]; ok && g.scheme == "" {
		g.scheme = s
	}
	lb := &p.est.LoadBalancers[g.index]
	lb.Members = append(lb.Members, ing.id)
}

// isALB reports whether the AWS Load Balancer Controller handles an Ingress.
// The legacy annotation wins over spec.ingressClassName, as Kubernetes
// requires: https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation
func (p *parser) isALB(ann map[string]string, className *string) bool {
	return awslb.IsALB(ann, className, p.ingressClasses, p.defaultIngressClass)
}
