package cost

import "github.com/refit-dev/refit/internal/estate"

// Public IPv4: address-hours of every public IPv4 address, in use or idle
// (an Elastic IP associated with nothing). Node groups' per-instance
// addresses (nodegroup.go) and internet-facing load balancers' per-zone
// addresses (loadbalancer.go) use the in-use price too.
const (
	svcPublicIPv4 = "vpc_public_ipv4"
	itemIPv4InUse = "in_use_address_hour"
	itemIPv4Idle  = "idle_address_hour"
)

func (p *pricer) publicIPs(e *estate.Estate) {
	for _, ip := range e.PublicIPs {
		item, what := itemIPv4InUse, "public IPv4 "+ip.Name
		if !ip.Attached {
			item, what = itemIPv4Idle, "idle Elastic IP "+ip.Name
		}
		if pr, ok := p.service(ip.Origin, svcPublicIPv4, item); ok {
			p.add(what, PublicIPv4, hours(1), "address-hours", pr, ip.Origin, "")
		}
	}
}
