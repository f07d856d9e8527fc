package convert

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// convertPDB moves a PodDisruptionBudget from policy/v1beta1 to policy/v1.
// The schema is the same but an empty selector changed meaning: "A null
// selector will match no pods, while an empty ({}) selector will select all
// pods within the namespace" in policy/v1 (k8s.io/api@v0.34.1
// policy/v1/types.go PodDisruptionBudgetSpec), whereas in policy/v1beta1 an
// empty selector selected no pods
// (https://kubernetes.io/docs/reference/using-api/deprecation-guide/#poddisruptionbudget-v125).
func convertPDB(c *ctx, _ string) error {
	spec := mapping(c.obj, "spec")
	sel := get(spec, "selector")
	if sel != nil && sel.Kind == yaml.MappingNode && mapLen(mapping(sel, "matchLabels")) == 0 && len(seq(sel, "matchExpressions")) == 0 {
		c.notef("spec.selector is empty: in policy/v1beta1 it selected no pods, in policy/v1 it selects every pod in the namespace; remove the selector to keep selecting none, or set matchLabels")
	}
	return nil
}

// convertRBAC moves RBAC objects to rbac.authorization.k8s.io/v1. v1beta1
// has the v1 schema; v1alpha1 subjects carry apiVersion instead of apiGroup
// (k8s.io/api@v0.34.1 rbac/v1alpha1/types.go Subject): ServiceAccount
// subjects get the core group "", User and Group rbac.authorization.k8s.io.
func convertRBAC(c *ctx, from string) error {
	if from != "rbac.authorization.k8s.io/v1alpha1" {
		return nil
	}
	for i, s := range seq(c.obj, "subjects") {
		if s.Kind != yaml.MappingNode || !has(s, "apiVersion") {
			continue
		}
		group := "rbac.authorization.k8s.io"
		if str(s, "kind") == "ServiceAccount" {
			group = ""
		}
		if has(s, "apiGroup") {
			removeKeepComments(s, "apiVersion")
		} else {
			rename(s, "apiVersion", "apiGroup")
			set(s, "apiGroup", strNode(group))
		}
		c.notef("subjects[%d].apiVersion → apiGroup %q", i, group)
	}
	return nil
}

// convertEndpointSlice moves an EndpointSlice from discovery.k8s.io/v1beta1
// to v1 the way the API server does (kubernetes/kubernetes
// pkg/apis/discovery/v1beta1/conversion.go): topology becomes
// deprecatedTopology, except topology.kubernetes.io/zone, which becomes the
// zone field, and kubernetes.io/hostname, which becomes nodeName when that is
// unset (and is dropped when equal to it).
func convertEndpointSlice(c *ctx, _ string) error {
	for i, ep := range seq(c.obj, "endpoints") {
		if ep.Kind != yaml.MappingNode {
			return errorf(ep, "endpoints[%d] is not a mapping", i)
		}
		ti := keyIndex(ep, "topology")
		if ti < 0 {
			continue
		}
		topo := resolve(ep.Content[ti+1])
		if isNull(topo) {
			removeKeepComments(ep, "topology")
			continue
		}
		if topo.Kind != yaml.MappingNode {
			return errorf(topo, "endpoints[%d].topology is not a mapping", i)
		}
		if has(ep, "deprecatedTopology") {
			c.unconvertedf("endpoints[%d] has both topology and deprecatedTopology: not converted", i)
			continue
		}
		rename(ep, "topology", "deprecatedTopology")
		if z := keyIndex(topo, "topology.kubernetes.io/zone"); z >= 0 && !has(ep, "zone") {
			val := topo.Content[z+1]
			removeKeepComments(topo, "topology.kubernetes.io/zone")
			insertAfter(ep, "deprecatedTopology", "zone", val)
		}
		if h := keyIndex(topo, "kubernetes.io/hostname"); h >= 0 {
			val := topo.Content[h+1]
			switch {
			case !has(ep, "nodeName"):
				removeKeepComments(topo, "kubernetes.io/hostname")
				insertAfter(ep, "deprecatedTopology", "nodeName", val)
			case str(ep, "nodeName") == val.Value:
				removeKeepComments(topo, "kubernetes.io/hostname")
			}
		}
		if len(topo.Content) == 0 {
			removeKeepComments(ep, "deprecatedTopology")
		}
		c.notef("endpoints[%d].topology → zone, nodeName and deprecatedTopology", i)
	}
	return nil
}

// convertWebhooks moves Validating/MutatingWebhookConfiguration from
// admissionregistration.k8s.io/v1beta1 to v1. The v1beta1 defaults that v1
// changed or dropped are written out so the webhook behaves as before
// (kubernetes/kubernetes pkg/apis/admissionregistration/v1beta1/defaults.go;
// k8s.io/api@v0.34.1 admissionregistration/v1/types.go):
//
//	failurePolicy            v1beta1 Ignore  → v1 Fail        : set Ignore
//	matchPolicy              v1beta1 Exact   → v1 Equivalent  : set Exact
//	timeoutSeconds           v1beta1 30      → v1 10          : set 30
//	admissionReviewVersions  v1beta1 [v1beta1] → v1 required  : set [v1beta1]
//	sideEffects              v1beta1 Unknown → v1 required, only None or
//	                         NoneOnDryRun allowed             : reported
//
// reinvocationPolicy (Never), namespaceSelector/objectSelector ({}), rule
// scope (*) and service port (443) have the same defaults in both.
func convertWebhooks(c *ctx, _ string) error {
	wh := get(c.obj, "webhooks")
	if wh == nil || isNull(wh) {
		return nil
	}
	if wh.Kind != yaml.SequenceNode {
		return errorf(wh, "webhooks is not a list")
	}
	for i, w := range seq(c.obj, "webhooks") {
		if w.Kind != yaml.MappingNode {
			return errorf(w, "webhooks[%d] is not a mapping", i)
		}
		name := str(w, "name")
		where := fmt.Sprintf("webhooks[%d] (%s)", i, name)
		var added []string
		if !has(w, "admissionReviewVersions") {
			w.Content = append(w.Content, keyNode("admissionReviewVersions"), flowStrings("v1beta1"))
			added = append(added, "admissionReviewVersions: [v1beta1]")
		}
		switch se := str(w, "sideEffects"); se {
		case "None", "NoneOnDryRun":
		case "":
			c.unconvertedf("%s has no sideEffects: v1beta1 defaulted it to Unknown, which v1 does not allow; set sideEffects: None (or NoneOnDryRun) once you know the webhook has no side effects", where)
		default:
			c.unconvertedf("%s has sideEffects: %s, which v1 does not allow; use None or NoneOnDryRun (a webhook with side effects must skip dry-run requests)", where, se)
		}
		if !has(w, "failurePolicy") {
			w.Content = append(w.Content, keyNode("failurePolicy"), strNode("Ignore"))
			added = append(added, "failurePolicy: Ignore")
		}
		if !has(w, "matchPolicy") {
			w.Content = append(w.Content, keyNode("matchPolicy"), strNode("Exact"))
			added = append(added, "matchPolicy: Exact")
		}
		if !has(w, "timeoutSeconds") {
			w.Content = append(w.Content, keyNode("timeoutSeconds"), intNode(30))
			added = append(added, "timeoutSeconds: 30")
		}
		if len(added) > 0 {
			c.notef("%s: set %s explicitly, the v1beta1 defaults (v1 defaults to failurePolicy Fail, matchPolicy Equivalent, timeoutSeconds 10 and requires admissionReviewVersions)", where, joinAnd(added))
		}
	}
	return nil
}
