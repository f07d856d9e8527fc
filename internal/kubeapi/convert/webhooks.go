package convert

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

func init() { conversions["webhooks"] = convertWebhooks } // data/apis.yaml: convert: webhooks

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
