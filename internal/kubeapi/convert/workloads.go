package convert

import (
	"go.yaml.in/yaml/v3"
)

func init() { conversions["workloads"] = convertWorkload } // data/apis.yaml: convert: workloads

// convertWorkload moves Deployment, DaemonSet, ReplicaSet and StatefulSet
// from extensions/v1beta1, apps/v1beta1 and apps/v1beta2 to apps/v1.
//
// apps/v1 requires spec.selector (the older versions defaulted it to the pod
// template's labels, so adding exactly those labels matches what the API
// server stored) and changed several defaults. The defaults cited:
//
//   - extensions/v1beta1 Deployment: revisionHistoryLimit and
//     progressDeadlineSeconds default to MaxInt32 ("retaining all old
//     ReplicaSets", "no deadline"), rollingUpdate maxUnavailable and maxSurge
//     to 1 (k8s.io/api@v0.34.1 extensions/v1beta1/types.go, DeploymentSpec and
//     RollingUpdateDeployment; kubernetes/kubernetes
//     pkg/apis/extensions/v1beta1/defaults.go SetDefaults_Deployment).
//   - apps/v1beta1 Deployment: revisionHistoryLimit 2, progressDeadlineSeconds
//     600, maxUnavailable/maxSurge 25% (kubernetes/kubernetes
//     pkg/apis/apps/v1beta1/defaults.go SetDefaults_Deployment).
//   - apps/v1 (and apps/v1beta2) Deployment: revisionHistoryLimit 10,
//     progressDeadlineSeconds 600, maxUnavailable/maxSurge 25%
//     (k8s.io/api@v0.34.1 apps/v1/types.go DeploymentSpec).
//   - extensions/v1beta1 DaemonSet: updateStrategy "Default is OnDelete"
//     (k8s.io/api@v0.34.1 extensions/v1beta1/types.go DaemonSetUpdateStrategy);
//     apps/v1: RollingUpdate with maxUnavailable 1 (apps/v1/types.go).
//   - apps/v1beta1 StatefulSet: updateStrategy OnDelete (kubernetes/kubernetes
//     pkg/apis/apps/v1beta1/defaults.go SetDefaults_StatefulSet); apps/v1beta2
//     and apps/v1: RollingUpdate with partition 0. podManagementPolicy is
//     OrderedReady in every version, so it needs no note.
//   - extensions/v1beta1 and apps/v1beta1 copied the template labels to the
//     object's own metadata.labels when it had none; apps/v1 does not.
func convertWorkload(c *ctx, from string) error {
	kind := str(c.obj, "kind")
	spec := get(c.obj, "spec")
	if spec == nil || isNull(spec) {
		c.unconvertedf("%s has no spec; apps/v1 requires spec.selector and spec.template", kind)
		return nil
	}
	if spec.Kind != yaml.MappingNode {
		return errorf(spec, "spec of %s is not a mapping", kind)
	}
	tmplLabels := mapping(mapping(mapping(spec, "template"), "metadata"), "labels")

	// Selector.
	sel := get(spec, "selector")
	if sel == nil || isNull(sel) {
		if (tmplLabels == nil || len(tmplLabels.Content) == 0) && c.opts.SelectorLabelsFrom != "" {
			c.notef("spec.selector and the pod template labels come from the labels of %s: kustomize build adds them, as apps/v1 requires (keep them there)", c.opts.SelectorLabelsFrom)
		} else if tmplLabels == nil || len(tmplLabels.Content) == 0 {
			c.unconvertedf("apps/v1 %s requires spec.selector and spec.template.metadata.labels, and the template has no labels: add labels and a matching selector", kind)
		} else {
			labels, ok := plainCopy(tmplLabels)
			if !ok {
				return errorf(tmplLabels, "the pod template labels are too large to copy into spec.selector (aliases)")
			}
			ns := newMap("matchLabels", labels)
			if sel != nil {
				set(spec, "selector", ns)
			} else {
				// Before the template, where people usually write it.
				insertBefore(spec, "template", "selector", ns)
			}
			c.notef("added spec.selector.matchLabels from the pod template labels (%s defaulted the selector to them; apps/v1 requires it and it cannot change later)", from)
		}
	} else if sel.Kind == yaml.MappingNode && len(seq(sel, "matchExpressions")) == 0 && mapLen(mapping(sel, "matchLabels")) == 0 {
		c.unconvertedf("spec.selector is empty: apps/v1 rejects an empty selector for a %s; set matchLabels to the pod template labels", kind)
	}

	// Object labels were defaulted from the template by the old versions.
	if from == "extensions/v1beta1" || from == "apps/v1beta1" {
		if ol := mapping(mapping(c.obj, "metadata"), "labels"); (ol == nil || len(ol.Content) == 0) && tmplLabels != nil && len(tmplLabels.Content) > 0 {
			c.notef("metadata.labels is empty: %s copied the pod template labels onto the %s itself, apps/v1 does not (selectors such as kubectl get -l on the %s stop matching)", from, kind, kind)
		}
	}

	// Fields that apps/v1 no longer has.
	if k, _ := removeKeepComments(spec, "rollbackTo"); k != nil {
		c.notef("removed spec.rollbackTo: apps/v1 has no such field; use `kubectl rollout undo` instead")
	}
	if k, _ := removeKeepComments(spec, "templateGeneration"); k != nil {
		c.notef("removed spec.templateGeneration: apps/v1 DaemonSets track revisions with ControllerRevisions")
	}

	switch kind {
	case "Deployment":
		deploymentNotes(c, from, spec)
	case "DaemonSet":
		if from == "extensions/v1beta1" && str(mapping(spec, "updateStrategy"), "type") == "" {
			c.notef("spec.updateStrategy defaulted to OnDelete in extensions/v1beta1 and defaults to RollingUpdate (maxUnavailable 1) in apps/v1: pods are now replaced as soon as the template changes; set updateStrategy.type: OnDelete to keep the old behaviour")
		}
	case "StatefulSet":
		if from == "apps/v1beta1" && str(mapping(spec, "updateStrategy"), "type") == "" {
			c.notef("spec.updateStrategy defaulted to OnDelete in apps/v1beta1 and defaults to RollingUpdate in apps/v1: pods are now replaced one by one as soon as the template changes; set updateStrategy.type: OnDelete to keep the old behaviour")
		}
	}
	return nil
}

func deploymentNotes(c *ctx, from string, spec *yaml.Node) {
	switch from {
	case "extensions/v1beta1":
		if !has(spec, "revisionHistoryLimit") {
			c.notef("spec.revisionHistoryLimit defaulted to unlimited (2147483647) in extensions/v1beta1 and defaults to 10 in apps/v1: older ReplicaSets beyond 10 are garbage-collected")
		}
		if !has(spec, "progressDeadlineSeconds") {
			c.notef("spec.progressDeadlineSeconds had no default (no deadline) in extensions/v1beta1 and defaults to 600 in apps/v1: a rollout that makes no progress for 10 minutes is marked failed (ProgressDeadlineExceeded)")
		}
		strategy := mapping(spec, "strategy")
		if t := str(strategy, "type"); t == "" || t == "RollingUpdate" {
			ru := mapping(strategy, "rollingUpdate")
			var missing []string
			if !has(ru, "maxUnavailable") {
				missing = append(missing, "maxUnavailable")
			}
			if !has(ru, "maxSurge") {
				missing = append(missing, "maxSurge")
			}
			if len(missing) > 0 {
				c.notef("spec.strategy.rollingUpdate %s defaulted to 1 in extensions/v1beta1 and default to 25%% in apps/v1 (rounded down for maxUnavailable, up for maxSurge)", joinAnd(missing))
			}
		}
	case "apps/v1beta1":
		if !has(spec, "revisionHistoryLimit") {
			c.notef("spec.revisionHistoryLimit defaulted to 2 in apps/v1beta1 and defaults to 10 in apps/v1")
		}
	}
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	out := s[0]
	for _, x := range s[1 : len(s)-1] {
		out += ", " + x
	}
	return out + " and " + s[len(s)-1]
}
