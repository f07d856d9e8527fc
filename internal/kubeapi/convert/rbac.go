package convert

import "go.yaml.in/yaml/v3"

func init() { conversions["rbac"] = convertRBAC } // data/apis.yaml: convert: rbac

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
