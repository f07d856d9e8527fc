package convert

import (
	"fmt"
	"sort"

	"go.yaml.in/yaml/v3"
)

func init() { conversions["crd"] = convertCRD } // data/apis.yaml: convert: crd

// convertCRD moves a CustomResourceDefinition from apiextensions.k8s.io/v1beta1
// to v1 (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/
// and the v1beta1 defaults in kubernetes/kubernetes
// staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1beta1/defaults.go):
//
//   - spec.version becomes spec.versions [{name, served: true, storage: true}]
//     when versions is absent (what v1beta1 defaulted), else it is dropped;
//   - spec.validation, spec.subresources, spec.additionalPrinterColumns and
//     spec.selectableFields move into every version (validation becomes
//     schema); printer columns' JSONPath becomes jsonPath;
//   - spec.scope defaulted to Namespaced in v1beta1 and is required in v1;
//   - spec.preserveUnknownFields defaulted to true in v1beta1; v1 allows only
//     false and prunes fields that are not in the schema: true is removed and
//     the change is noted;
//   - v1 requires a structural schema for every version: a version without
//     one gets {type: object, x-kubernetes-preserve-unknown-fields: true},
//     which accepts anything as before; nodes without a type are reported;
//   - conversion.webhookClientConfig and conversionReviewVersions move under
//     conversion.webhook (clientConfig, conversionReviewVersions), and
//     conversionReviewVersions, which defaulted to [v1beta1], is set.
func convertCRD(c *ctx, _ string) error {
	spec := get(c.obj, "spec")
	if spec == nil || isNull(spec) {
		c.unconvertedf("CustomResourceDefinition has no spec")
		return nil
	}
	if spec.Kind != yaml.MappingNode {
		return errorf(spec, "spec of CustomResourceDefinition is not a mapping")
	}

	if !has(spec, "scope") {
		insertAfter(spec, "group", "scope", strNode("Namespaced"))
		c.notef("set spec.scope: Namespaced, the v1beta1 default (v1 requires it)")
	}

	// versions
	vs := get(spec, "versions")
	if vs == nil || isNull(vs) {
		ver := str(spec, "version")
		if ver == "" {
			c.unconvertedf("spec has neither version nor versions")
			return nil
		}
		if vs != nil { // versions: null
			removeKeepComments(spec, "versions")
		}
		list := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{
			newMap("name", strNode(ver), "served", boolNode(true), "storage", boolNode(true)),
		}}
		i := keyIndex(spec, "version")
		old := spec.Content[i+1]
		list.Content[0].Content[1].LineComment = old.LineComment
		rename(spec, "version", "versions")
		spec.Content[i+1] = list
	} else {
		if vs.Kind != yaml.SequenceNode {
			return errorf(vs, "spec.versions is not a list")
		}
		if has(spec, "version") {
			removeKeepComments(spec, "version")
		}
	}
	versions := seq(spec, "versions")
	for i, ver := range versions {
		if ver.Kind != yaml.MappingNode {
			return errorf(ver, "spec.versions[%d] is not a mapping", i)
		}
	}

	// Top-level fields move into every version.
	for _, f := range [][2]string{
		{"validation", "schema"},
		{"subresources", "subresources"},
		{"additionalPrinterColumns", "additionalPrinterColumns"},
		{"selectableFields", "selectableFields"},
	} {
		i := keyIndex(spec, f[0])
		if i < 0 {
			continue
		}
		k, val := spec.Content[i], spec.Content[i+1]
		remove(spec, f[0])
		if isNull(val) {
			continue
		}
		moved := false
		for _, ver := range versions {
			if has(ver, f[1]) {
				c.unconvertedf("spec.%s and spec.versions[%s].%s are both set: the top-level one was dropped by v1beta1 validation rules; check", f[0], str(ver, "name"), f[1])
				continue
			}
			nv := val
			nk := keyNode(f[1])
			if moved {
				var ok bool
				if nv, ok = plainCopy(val); !ok {
					return errorf(val, "spec.%s is too large to copy into every version (aliases)", f[0])
				}
			} else {
				nk.HeadComment, nk.LineComment, nk.FootComment = k.HeadComment, k.LineComment, k.FootComment
			}
			ver.Content = append(ver.Content, nk, nv)
			moved = true
		}
		if moved && len(versions) > 1 {
			c.notef("moved spec.%s into each of the %d versions (as %s)", f[0], len(versions), f[1])
		}
	}

	for _, ver := range versions {
		for _, col := range seq(ver, "additionalPrinterColumns") {
			if has(col, "JSONPath") && !has(col, "jsonPath") {
				rename(col, "JSONPath", "jsonPath")
			}
		}
	}

	// Pruning.
	if p := get(spec, "preserveUnknownFields"); p == nil || p.Value != "false" {
		if p != nil {
			removeKeepComments(spec, "preserveUnknownFields")
		}
		c.notef("spec.preserveUnknownFields was true (the v1beta1 default): v1 prunes fields that the schema does not list; add x-kubernetes-preserve-unknown-fields: true to the objects whose unlisted fields must be kept")
	}

	// Schemas.
	for i, ver := range versions {
		name := str(ver, "name")
		schema := mapping(mapping(ver, "schema"), "openAPIV3Schema")
		if schema == nil {
			set(ver, "schema", newMap("openAPIV3Schema", newMap(
				"type", strNode("object"),
				"x-kubernetes-preserve-unknown-fields", boolNode(true))))
			c.notef("version %s had no schema: added {type: object, x-kubernetes-preserve-unknown-fields: true} (v1 requires a structural schema; this one accepts any fields, as before)", name)
			continue
		}
		if probs := structuralProblems(schema, "", map[*yaml.Node]bool{}); len(probs) > 0 {
			sort.Strings(probs)
			if len(probs) > 5 {
				probs = append(probs[:5], fmt.Sprintf("and %d more", len(probs)-5))
			}
			c.unconvertedf("spec.versions[%d] (%s) schema is not structural, which v1 requires: %s", i, name, joinAnd(probs))
		}
	}

	// Conversion webhook.
	if conv := mapping(spec, "conversion"); conv != nil {
		regroup(conv, "webhook", "", [][2]string{{"webhookClientConfig", "clientConfig"}, {"conversionReviewVersions", "conversionReviewVersions"}})
		if str(conv, "strategy") == "Webhook" {
			w := mapping(conv, "webhook")
			if w == nil {
				c.unconvertedf("spec.conversion.strategy is Webhook but there is no webhookClientConfig")
			} else if !has(w, "conversionReviewVersions") {
				w.Content = append(w.Content, keyNode("conversionReviewVersions"), flowStrings("v1beta1"))
				c.notef("set spec.conversion.webhook.conversionReviewVersions: [v1beta1], the v1beta1 default (v1 requires it)")
			}
		}
	}
	return nil
}

// structuralProblems lists schema nodes without a type (outside of
// x-kubernetes-int-or-string and x-kubernetes-preserve-unknown-fields
// nodes), the main structural-schema rule
// (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema).
// Each node is visited once (aliases may repeat or nest a schema).
func structuralProblems(s *yaml.Node, path string, seen map[*yaml.Node]bool) []string {
	s = resolve(s)
	if s == nil || s.Kind != yaml.MappingNode || seen[s] {
		return nil
	}
	seen[s] = true
	var out []string
	name := path
	if name == "" {
		name = "the root"
	}
	if str(s, "type") == "" && str(s, "x-kubernetes-int-or-string") != "true" && str(s, "x-kubernetes-preserve-unknown-fields") != "true" {
		out = append(out, name+" has no type")
	}
	if path == "" && str(s, "type") != "" && str(s, "type") != "object" {
		out = append(out, "the root must be type: object")
	}
	if props := mapping(s, "properties"); props != nil {
		for i := 0; i+1 < len(props.Content); i += 2 {
			out = append(out, structuralProblems(props.Content[i+1], path+"."+props.Content[i].Value, seen)...)
		}
	}
	if it := mapping(s, "items"); it != nil {
		out = append(out, structuralProblems(it, path+"[]", seen)...)
	}
	if ap := mapping(s, "additionalProperties"); ap != nil {
		out = append(out, structuralProblems(ap, path+".*", seen)...)
	}
	return out
}
