package cost

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
)

// Node groups and standalone instances: on-demand instance-hours (the
// catalog's EC2 on-demand Linux prices), spot instance-hours (on-demand less
// the Spot Instance Advisor's saving), root volumes (as EBS volumes, ebs.go)
// and one public IPv4 per instance when the group assigns them
// (publicipv4.go). Masters are the control plane.

// nodeGroups prices instances, root volumes and node public IPv4; it counts
// the EC2 nodes that run pods in p.ec2Nodes.
func (p *pricer) nodeGroups(e *estate.Estate) {
	podNodes := 0
	for _, g := range e.NodeGroups {
		if g.Role == estate.RoleNode {
			podNodes += g.Count
		}
		ok := true
		for _, t := range g.InstanceTypes {
			if _, err := p.cat.InstanceType(t); err != nil {
				p.fail(g.Origin, fmt.Errorf("node group %q: %w", g.Name, err))
				ok = false
			}
		}
		if !ok || g.Count == 0 {
			continue
		}
		comp := ComputeOnDemand
		if g.Role == estate.RoleMaster {
			comp = ControlPlane
		}
		label := groupLabel(g)
		if n := g.OnDemandCount(); n > 0 {
			t := g.InstanceTypes[0]
			if pr, ok := p.lookup(g.Origin, func(region string) (pricing.Price, error) { return p.cat.OnDemand(region, t) }); ok {
				p.add(fmt.Sprintf("%s: %d × %s on-demand", label, n, t), comp, hours(n), "instance-hours", pr, g.Origin, "")
			}
		}
		if n := g.SpotCount(); n > 0 {
			p.spot(g, label, n)
		}
		p.rootVolumes(g, label)
		if g.PublicIP {
			if pr, ok := p.service(g.Origin, svcPublicIPv4, itemIPv4InUse); ok {
				p.add(fmt.Sprintf("%s: %d public IPv4 (one per instance)", label, g.Count), PublicIPv4, hours(g.Count), "address-hours", pr, g.Origin, "")
			}
		}
	}
	p.ec2Nodes = podNodes
}

func groupLabel(g estate.NodeGroup) string {
	kind := "node group"
	switch g.Role {
	case estate.RoleMaster:
		kind = "masters"
	case estate.RoleBastion:
		kind = "bastions"
	case estate.RoleInstance:
		kind = "instance"
	}
	return kind + " " + g.Name
}

// spot prices spot capacity at the mean spot estimate of the group's types:
// allocation strategies spread capacity over the pools.
func (p *pricer) spot(g estate.NodeGroup, label string, n int) {
	comp := ComputeSpot
	if g.Role == estate.RoleMaster {
		comp = ControlPlane
	}
	sum := decimal.Zero
	var parts []string
	var from []string
	for _, t := range g.InstanceTypes {
		var est pricing.SpotEstimate
		pr, ok := p.lookup(g.Origin, func(region string) (pricing.Price, error) {
			e, err := p.cat.Spot(region, t)
			if err == nil {
				est = e
			}
			return e.Price, err
		})
		if !ok {
			return
		}
		if pr.EstimatedFrom != "" {
			from = append(from, pr.EstimatedFrom)
		}
		sum = sum.Add(pr.USD)
		parts = append(parts, fmt.Sprintf("%s −%d%%, interruptions %s", t, est.SavingsPct, est.InterruptionBucket))
	}
	mean := sum.Div(decimal.NewFromInt(int64(len(g.InstanceTypes))))
	pr := pricing.Price{Service: "ec2", Item: "spot", Region: p.region, USD: mean, EstimatedFrom: strings.Join(from, ",")}
	if len(g.InstanceTypes) > 1 {
		p.assume("spot groups are priced at the mean spot estimate of their instance types")
	}
	p.assume("spot prices are estimates: on-demand less the Spot Instance Advisor's average saving for the type and region")
	p.add(fmt.Sprintf("%s: %d × %s spot", label, n, strings.Join(g.InstanceTypes, "|")), comp, hours(n), "instance-hours", pr, g.Origin,
		"spot estimate ("+strings.Join(parts, "; ")+")")
}

func (p *pricer) rootVolumes(g estate.NodeGroup, label string) {
	v := g.RootVolume
	if v.SizeGiB == 0 {
		return
	}
	v.Count = g.Count
	if v.Name == "" {
		v.Name = label + " root volumes"
	}
	v.Origin = g.Origin
	p.volume(v, fmt.Sprintf("%s: %d × %g GiB %s root volume", label, g.Count, v.SizeGiB, v.Type))
}
