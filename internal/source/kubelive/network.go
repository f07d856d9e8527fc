package kubelive

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/refit-dev/refit/internal/estate"
)

// Service annotations and classes read by the AWS cloud provider and the AWS
// Load Balancer Controller (LBC), the same rules as the manifest source:
// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
const (
	annLBType     = "service.beta.kubernetes.io/aws-load-balancer-type"
	annLBInternal = "service.beta.kubernetes.io/aws-load-balancer-internal"
	annLBScheme   = "service.beta.kubernetes.io/aws-load-balancer-scheme"
	lbcNLBClass   = "service.k8s.aws/nlb"

	// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/
	annIngressClass = "kubernetes.io/ingress.class"
	annALBGroup     = "alb.ingress.kubernetes.io/group.name"
	annALBScheme    = "alb.ingress.kubernetes.io/scheme"
	annDefaultClass = "ingressclass.kubernetes.io/is-default-class"
	albClass        = "alb"
)

// albControllers are the IngressClass controllers that make ALBs: the LBC and
// EKS Auto Mode (https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-alb.html).
var albControllers = map[string]bool{"ingress.k8s.aws/alb": true, "eks.amazonaws.com/alb": true}

// serviceFrom keeps Services of type LoadBalancer that AWS implements.
func serviceFrom(s *corev1.Service) (Service, bool) {
	if s.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return Service{}, false
	}
	ann := s.Annotations
	lbType := strings.ToLower(ann[annLBType])
	lbc := false
	switch {
	case s.Spec.LoadBalancerClass != nil && *s.Spec.LoadBalancerClass != "":
		if *s.Spec.LoadBalancerClass != lbcNLBClass {
			// Another implementation owns it:
			// https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-class
			return Service{}, false
		}
		lbc = true
	case lbType == "external" || lbType == "nlb-ip":
		lbc = true
	}
	out := Service{Namespace: s.Namespace, Name: s.Name, Type: estate.CLB, Selector: s.Spec.Selector, Labels: s.Labels}
	if lbc || lbType == "nlb" {
		out.Type = estate.NLB
	}
	if lbc {
		// The LBC makes internal NLBs unless told otherwise.
		out.Internal = true
		if v, ok := ann[annLBScheme]; ok {
			out.Internal = v != "internet-facing"
		} else if v, ok := ann[annLBInternal]; ok {
			out.Internal = v != "false"
		}
	} else {
		v := ann[annLBInternal]
		out.Internal = (v != "" && v != "false") || ann[annLBScheme] == "internal"
	}
	return out, true
}

// isALB reports whether the LBC handles an Ingress; the legacy annotation
// wins over spec.ingressClassName
// (https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation).
func (l *loader) isALB(ing *networkingv1.Ingress) bool {
	if c, ok := ing.Annotations[annIngressClass]; ok {
		return c == albClass
	}
	if cn := ing.Spec.IngressClassName; cn != nil && *cn != "" {
		if ctrl, ok := l.classes[*cn]; ok {
			return albControllers[ctrl]
		}
		return *cn == albClass
	}
	return albControllers[l.defClass]
}
