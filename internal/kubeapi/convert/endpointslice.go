package convert

import "go.yaml.in/yaml/v3"

func init() { conversions["endpointslice"] = convertEndpointSlice } // data/apis.yaml: convert: endpointslice

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
