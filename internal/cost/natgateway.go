package cost

import "github.com/refit-dev/refit/internal/estate"

// NAT gateways: gateway-hours, and the GB each processes (usage
// natGateway.dataProcessedGB). A public NAT gateway's Elastic IP is a
// PublicIP, priced in publicipv4.go.
const (
	svcNATGateway = "nat_gateway"
	itemNATHour   = "gateway_hour"
	itemNATData   = "data_processed"
)

func (p *pricer) natGateways(e *estate.Estate) {
	u := p.opt.Usage
	for _, n := range e.NATGateways {
		name := "NAT gateway " + n.Name
		if pr, ok := p.service(n.Origin, svcNATGateway, itemNATHour); ok {
			p.add(name, NATHours, hours(1), "gateway-hours", pr, n.Origin, "")
		}
		if u.NATGateway.DataProcessedGB > 0 {
			if pr, ok := p.service(n.Origin, svcNATGateway, itemNATData); ok {
				p.add(name+": data processed", NATData, num(u.NATGateway.DataProcessedGB), "GB", pr, n.Origin, "")
			}
		}
	}
	if len(e.NATGateways) > 0 {
		p.assume("NAT gateway data processed: %g GB a month per gateway (natGateway.dataProcessedGB)", u.NATGateway.DataProcessedGB)
	}
}
