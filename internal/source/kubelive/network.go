package kubelive

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/refit-dev/refit/internal/awslb"
)

// serviceFrom keeps Services of type LoadBalancer that AWS implements.
func serviceFrom(s *corev1.Service) (Service, bool) {
	if s.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return Service{}, false
	}
	typ, internal, ok := awslb.ForService(s.Annotations, s.Spec.LoadBalancerClass)
	if !ok {
		return Service{}, false
	}
	out := Service{Namespace: s.Namespace, Name: s.Name, Type: typ, Internal: internal, Selector: s.Spec.Selector, Labels: s.Labels}
	for _, in := range s.Status.LoadBalancer.Ingress {
		if in.Hostname != "" {
			out.Hostname = in.Hostname
			break
		}
	}
	return out, true
}

// isALB reports whether the LBC handles an Ingress; the legacy annotation
// wins over spec.ingressClassName
// (https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation).
func (l *loader) isALB(ing *networkingv1.Ingress) bool {
	return awslb.IsALB(ing.Annotations, ing.Spec.IngressClassName, l.classes, l.defClass)
}

// ingressHostname is the ALB's DNS name from an Ingress's status.
func ingressHostname(ing *networkingv1.Ingress) string {
	for _, in := range ing.Status.LoadBalancer.Ingress {
		if in.Hostname != "" {
			return in.Hostname
		}
	}
	return ""
}
