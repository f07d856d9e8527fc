package convert

import (
	"strconv"

	"go.yaml.in/yaml/v3"
)

// preserveZeroShares is the v1beta3 annotation that makes an explicit
// nominalConcurrencyShares: 0 mean zero (k8s.io/api@v0.34.1
// flowcontrol/v1beta3/types.go PriorityLevelPreserveZeroConcurrencySharesKey).
const preserveZeroShares = "flowcontrol.k8s.io/v1beta3-preserve-zero-concurrency-shares"

func init() { conversions["prioritylevel"] = convertPriorityLevel } // data/apis.yaml: convert: prioritylevel

// convertPriorityLevel moves a PriorityLevelConfiguration along
// flowcontrol.apiserver.k8s.io v1alpha1 → v1beta1 → v1beta2 → v1beta3 → v1
// (k8s.io/api@v0.34.1 flowcontrol/*/types.go; deprecation guide, v1.29 and
// v1.32 sections):
//
//	spec.limited.assuredConcurrencyShares (up to v1beta2) is
//	spec.limited.nominalConcurrencyShares from v1beta3 on: renamed.
//	Up to v1beta3, 0 is replaced by the default 30; in v1 only an unset
//	value defaults to 30 and an explicit 0 means zero seats: moving to v1,
//	an explicit 0 is written as 30, unless the v1beta3 object carries the
//	preserve-zero annotation (0 already meant zero).
//
// Every other field, and FlowSchema as a whole (convert: rename), is the
// same in all these versions.
func convertPriorityLevel(c *ctx, from string) error {
	limited := mapping(mapping(c.obj, "spec"), "limited")
	if limited == nil {
		return nil
	}
	if has(limited, "assuredConcurrencyShares") {
		if has(limited, "nominalConcurrencyShares") {
			c.unconvertedf("spec.limited has both assuredConcurrencyShares and nominalConcurrencyShares: not renamed; keep nominalConcurrencyShares only")
		} else {
			rename(limited, "assuredConcurrencyShares", "nominalConcurrencyShares")
			c.notef("spec.limited.assuredConcurrencyShares → nominalConcurrencyShares")
		}
	}
	if c.dest != "flowcontrol.apiserver.k8s.io/v1" {
		return nil
	}
	_, preserve := annotation(mapping(mapping(c.obj, "metadata"), "annotations"), preserveZeroShares)
	if preserve && from == "flowcontrol.apiserver.k8s.io/v1beta3" {
		c.notef("the annotation %s has no effect in v1, where an explicit 0 always means zero; it can be removed", preserveZeroShares)
		return nil
	}
	if n := get(limited, "nominalConcurrencyShares"); isZeroInt(n) {
		set(limited, "nominalConcurrencyShares", intNode(30))
		c.notef("spec.limited.nominalConcurrencyShares 0 → 30: before v1, 0 was replaced by the default 30; in v1 an explicit 0 means zero seats")
	}
	return nil
}

// isZeroInt reports an integer scalar equal to 0.
func isZeroInt(n *yaml.Node) bool {
	if !isInt(n) {
		return false
	}
	i, err := strconv.ParseInt(n.Value, 0, 64)
	return err == nil && i == 0
}
