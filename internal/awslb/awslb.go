// Package awslb decides which AWS load balancer a Kubernetes Service or
// Ingress gets, as the AWS cloud provider and the AWS Load Balancer
// Controller (LBC) do. The manifest and live-cluster sources share it.
package awslb

import (
	"strings"

	"github.com/refit-dev/refit/internal/estate"
)

// Annotations and classes read by the cloud provider and the LBC:
// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/
const (
	AnnLBType     = "service.beta.kubernetes.io/aws-load-balancer-type"
	AnnLBInternal = "service.beta.kubernetes.io/aws-load-balancer-internal"
	AnnLBScheme   = "service.beta.kubernetes.io/aws-load-balancer-scheme"
	NLBClass      = "service.k8s.aws/nlb"

	AnnIngressClass = "kubernetes.io/ingress.class"
	AnnALBGroup     = "alb.ingress.kubernetes.io/group.name"
	AnnALBScheme    = "alb.ingress.kubernetes.io/scheme"
	AnnDefaultClass = "ingressclass.kubernetes.io/is-default-class"

	// ALBIngressClass is the class name the LBC answers to by default (its
	// --ingress-class flag) and the IngressClass its Helm chart creates.
	ALBIngressClass = "alb"
)

// ALBControllers are the IngressClass controllers that make ALBs: the LBC
// (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/)
// and EKS Auto Mode (https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-alb.html).
var ALBControllers = map[string]bool{"ingress.k8s.aws/alb": true, "eks.amazonaws.com/alb": true}

// ForService says which load balancer AWS makes for a Service of type
// LoadBalancer with these annotations and spec.loadBalancerClass (nil or
// "" when unset); ok is false when another implementation owns it.
func ForService(ann map[string]string, class *string) (typ estate.LoadBalancerType, internal, ok bool) {
	lbType := strings.ToLower(ann[AnnLBType])
	lbc := false // reconciled by the LBC
	switch {
	case class != nil && *class != "":
		if *class != NLBClass {
			// Another implementation owns it; the cloud provider ignores
			// Services with a class:
			// https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-class
			return "", false, false
		}
		lbc = true
	case lbType == "external" || lbType == "nlb-ip":
		lbc = true
	}
	typ = estate.CLB
	if lbc || lbType == "nlb" {
		typ = estate.NLB
	}
	if lbc {
		// The LBC makes internal NLBs unless told otherwise (since v2.2.0):
		// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/
		internal = true
		if s, ok := ann[AnnLBScheme]; ok {
			internal = s != "internet-facing"
		} else if v, ok := ann[AnnLBInternal]; ok {
			internal = v != "false"
		}
		return typ, internal, true
	}
	// The cloud provider makes internet-facing ELBs unless the internal
	// annotation is set to anything but "false"
	// (kubernetes/cloud-provider-aws, pkg/providers/v1/aws.go).
	v := ann[AnnLBInternal]
	return typ, (v != "" && v != "false") || ann[AnnLBScheme] == "internal", true
}

// IsALB reports whether the LBC handles an Ingress with these annotations
// and spec.ingressClassName, given the IngressClasses known (name to
// controller) and the default class's controller. The legacy annotation wins
// over spec.ingressClassName, as Kubernetes requires:
// https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation
func IsALB(ann map[string]string, className *string, classes map[string]string, defaultController string) bool {
	if c, ok := ann[AnnIngressClass]; ok {
		return c == ALBIngressClass
	}
	if className != nil && *className != "" {
		if ctrl, ok := classes[*className]; ok {
			return ALBControllers[ctrl]
		}
		// Not known: assume the class the LBC's chart installs.
		return *className == ALBIngressClass
	}
	return ALBControllers[defaultController]
}
