package convert

import "go.yaml.in/yaml/v3"

func init() { conversions["pdb"] = convertPDB } // data/apis.yaml: convert: pdb

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
