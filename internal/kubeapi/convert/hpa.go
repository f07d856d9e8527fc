package convert

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

func init() { conversions["hpa"] = convertHPA } // data/apis.yaml: convert: hpa

// convertHPA moves a HorizontalPodAutoscaler from autoscaling/v2beta1 or
// v2beta2 to autoscaling/v2. v2beta2 and v2 have the same schema. v2beta1
// metric sources are restructured as the API server's own conversion does
// (kubernetes/kubernetes pkg/apis/autoscaling/v2beta1/conversion.go):
//
//	resource/containerResource: targetAverageUtilization → target{type: Utilization, averageUtilization}
//	                            targetAverageValue      → target{type: AverageValue, averageValue}
//	pods:     metricName, selector, targetAverageValue → metric{name, selector}, target{type: AverageValue, averageValue}
//	object:   target (the object), metricName, selector, targetValue, averageValue
//	          → describedObject, metric{name, selector}, target{type: Value|AverageValue, value, averageValue}
//	external: metricName, metricSelector, targetValue, targetAverageValue
//	          → metric{name, selector}, target{type: Value|AverageValue, value, averageValue}
func convertHPA(c *ctx, from string) error {
	if from != "autoscaling/v2beta1" {
		return nil
	}
	spec := get(c.obj, "spec")
	if spec == nil || isNull(spec) {
		c.unconvertedf("HorizontalPodAutoscaler has no spec")
		return nil
	}
	if spec.Kind != yaml.MappingNode {
		return errorf(spec, "spec of HorizontalPodAutoscaler is not a mapping")
	}
	if m := get(spec, "metrics"); m != nil && !isNull(m) && m.Kind != yaml.SequenceNode {
		return errorf(m, "spec.metrics is not a list")
	}
	for i, m := range seq(spec, "metrics") {
		if m.Kind != yaml.MappingNode {
			return errorf(m, "spec.metrics[%d] is not a mapping", i)
		}
		where := fmt.Sprintf("spec.metrics[%d]", i)
		typ := str(m, "type")
		var key string
		switch typ {
		case "Resource":
			key = "resource"
		case "ContainerResource":
			key = "containerResource"
		case "Pods":
			key = "pods"
		case "Object":
			key = "object"
		case "External":
			key = "external"
		default:
			c.unconvertedf("%s has metric type %q, which autoscaling/v2 does not know", where, typ)
			continue
		}
		src := get(m, key)
		if src == nil || src.Kind != yaml.MappingNode {
			c.unconvertedf("%s (type %s) has no %s mapping", where, typ, key)
			continue
		}
		switch key {
		case "resource", "containerResource":
			tt := "AverageValue"
			if has(src, "targetAverageUtilization") {
				tt = "Utilization"
			}
			regroup(src, "target", tt, [][2]string{{"targetAverageUtilization", "averageUtilization"}, {"targetAverageValue", "averageValue"}})
		case "pods":
			regroup(src, "metric", "", [][2]string{{"metricName", "name"}, {"selector", "selector"}})
			regroup(src, "target", "AverageValue", [][2]string{{"targetAverageValue", "averageValue"}})
		case "object":
			tt := "Value"
			if has(src, "averageValue") {
				tt = "AverageValue"
			}
			if has(src, "describedObject") {
				c.unconvertedf("%s.object already has describedObject: not converted", where)
				continue
			}
			rename(src, "target", "describedObject")
			regroup(src, "metric", "", [][2]string{{"metricName", "name"}, {"selector", "selector"}})
			regroup(src, "target", tt, [][2]string{{"targetValue", "value"}, {"averageValue", "averageValue"}})
		case "external":
			tt := "AverageValue"
			if has(src, "targetValue") {
				tt = "Value"
			}
			regroup(src, "metric", "", [][2]string{{"metricName", "name"}, {"metricSelector", "selector"}})
			regroup(src, "target", tt, [][2]string{{"targetValue", "value"}, {"targetAverageValue", "averageValue"}})
		}
	}
	if has(c.obj, "status") {
		c.unconvertedf("status is in the autoscaling/v2beta1 format and was not converted: delete it (the API server ignores status on create)")
	}
	return nil
}

// regroup moves the fields old→new of m into a new mapping under newKey,
// placed where the first moved field was, and returns whether any field was
// present. typ, when set, becomes the new mapping's first field "type".
// Comments of the moved keys go with them.
func regroup(m *yaml.Node, newKey, typ string, fields [][2]string) bool {
	type found struct {
		idx      int
		old, new string
	}
	var fs []found
	for _, f := range fields {
		if i := keyIndex(m, f[0]); i >= 0 {
			fs = append(fs, found{i, f[0], f[1]})
		}
	}
	if len(fs) == 0 {
		return false
	}
	first := fs[0].idx
	for _, f := range fs {
		first = min(first, f.idx)
	}
	firstKey := m.Content[first]
	group := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if typ != "" {
		group.Content = append(group.Content, keyNode("type"), strNode(typ))
	}
	drop := map[int]bool{}
	for _, f := range fs {
		k, val := m.Content[f.idx], m.Content[f.idx+1]
		nk := keyNode(f.new)
		nk.LineComment = k.LineComment
		if k != firstKey {
			nk.HeadComment = k.HeadComment
		}
		group.Content = append(group.Content, nk, val)
		drop[f.idx] = true
	}
	var out []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if i == first {
			firstKey.Value, firstKey.Tag, firstKey.Style, firstKey.LineComment = newKey, "!!str", 0, ""
			out = append(out, firstKey, group)
			continue
		}
		if drop[i] {
			continue
		}
		out = append(out, m.Content[i], m.Content[i+1])
	}
	m.Content = out
	return true
}

// oldWorkloadVersions are the API versions of Deployment, ReplicaSet and
// StatefulSet that apps/v1 replaced (no longer served as of 1.16).
var oldWorkloadVersions = []string{"extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"}

// fixHPARefs points scaleTargetRef (and object metrics' describedObject)
// of any HorizontalPodAutoscaler at apps/v1 when it names a removed
// workload version. The HPA controller looks the target up by that
// apiVersion, so a stale one breaks scaling after the upgrade.
func fixHPARefs(c *ctx) error {
	if !c.to.IsZero() && c.to.Less(v(9)) {
		return nil
	}
	spec := mapping(c.obj, "spec")
	if spec == nil {
		return nil
	}
	fix := func(ref *yaml.Node, where string) {
		if ref == nil || ref.Kind != yaml.MappingNode {
			return
		}
		av, kind := str(ref, "apiVersion"), str(ref, "kind")
		if !contains(oldWorkloadVersions, av) || !contains([]string{"Deployment", "ReplicaSet", "StatefulSet"}, kind) {
			return
		}
		setScalar(ref, "apiVersion", "apps/v1")
		c.res.Changed = true
		c.notef("%s.apiVersion %s → apps/v1 (the %s must be served as apps/v1 too)", where, av, kind)
	}
	fix(mapping(spec, "scaleTargetRef"), "spec.scaleTargetRef")
	for i, m := range seq(spec, "metrics") {
		obj := mapping(m, "object")
		if obj == nil {
			continue
		}
		fix(mapping(obj, "describedObject"), fmt.Sprintf("spec.metrics[%d].object.describedObject", i))
		if t := mapping(obj, "target"); t != nil && has(t, "kind") {
			fix(t, fmt.Sprintf("spec.metrics[%d].object.target", i))
		}
	}
	return nil
}
