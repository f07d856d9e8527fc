package cost

import (
	"fmt"
	"slices"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
)

// dedupe returns e without what an AWS account and a cluster running in it
// both list (refit cost --aws --kubeconfig), so that each thing is priced
// once, as the account's: the account knows the real instances, volumes and
// load balancer types. With a note per merge:
//   - a cluster's node group (it lists Nodes) loses the nodes whose EC2
//     instance is in an account's group (InstanceIDs); a group left with no
//     node is dropped;
//   - a claim whose EBS volume (VolumeID) is one of the estate's volumes;
//   - a load balancer whose DNS name an earlier one has.
//
// e itself is not changed; with nothing to merge, e is returned.
func dedupe(e *estate.Estate) (*estate.Estate, []string) {
	instances := map[string]string{} // instance id → account group
	for _, g := range e.NodeGroups {
		for _, id := range g.InstanceIDs {
			instances[id] = g.Name
		}
	}
	volumes := map[string]bool{}
	for _, v := range e.Volumes {
		volumes[v.Name] = true
	}
	var notes []string
	changed := false

	groups := make([]estate.NodeGroup, 0, len(e.NodeGroups))
	for _, g := range e.NodeGroups {
		if len(instances) == 0 || len(g.Nodes) == 0 {
			groups = append(groups, g)
			continue
		}
		var kept []estate.NodeUsage
		in := map[string]bool{}
		for _, n := range g.Nodes {
			if acct, ok := instances[n.InstanceID]; ok && n.InstanceID != "" {
				in[acct] = true
				continue
			}
			kept = append(kept, n)
		}
		matched := len(g.Nodes) - len(kept)
		if matched == 0 {
			groups = append(groups, g)
			continue
		}
		changed = true
		notes = append(notes, fmt.Sprintf("node group %s: %d of its %d node(s) are the account's instances (in %s), priced there",
			g.Name, matched, len(g.Nodes), strings.Join(sortedKeys(in), ", ")))
		if g.Count -= matched; g.Count <= 0 || len(kept) == 0 {
			continue
		}
		g.Nodes = kept
		groups = append(groups, g)
	}

	claims := make([]estate.Claim, 0, len(e.Claims))
	for _, c := range e.Claims {
		if c.VolumeID != "" && volumes[c.VolumeID] {
			changed = true
			notes = append(notes, fmt.Sprintf("claim %s/%s: its volume %s is the account's, priced there", c.Namespace, c.Name, c.VolumeID))
			continue
		}
		claims = append(claims, c)
	}

	lbs := make([]estate.LoadBalancer, 0, len(e.LoadBalancers))
	dns := map[string]string{}
	for _, lb := range e.LoadBalancers {
		if lb.DNSName != "" {
			if first, ok := dns[lb.DNSName]; ok {
				changed = true
				notes = append(notes, fmt.Sprintf("load balancer %s is %s (%s), priced once", lb.Name, first, lb.DNSName))
				continue
			}
			dns[lb.DNSName] = lb.Name
		}
		lbs = append(lbs, lb)
	}

	if !changed {
		return e, nil
	}
	out := *e
	out.NodeGroups, out.Claims, out.LoadBalancers = groups, claims, lbs
	return &out, notes
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
