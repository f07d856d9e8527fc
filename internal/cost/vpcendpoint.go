package cost

import (
	"fmt"

	"github.com/refit-dev/refit/internal/estate"
)

// Interface VPC endpoints (PrivateLink): endpoint-hours in each zone.
// Gateway endpoints are free and never listed.
const (
	svcVPCEndpoint        = "vpc_endpoint"
	itemInterfaceEndpoint = "interface_endpoint_hour"
)

func (p *pricer) vpcEndpoints(e *estate.Estate) {
	for _, ep := range e.VPCEndpoints {
		if pr, ok := p.service(ep.Origin, svcVPCEndpoint, itemInterfaceEndpoint); ok {
			p.add(fmt.Sprintf("VPC endpoint %s (%s, %d zones)", ep.Name, ep.Service, ep.Zones), VPCEndpoint, hours(ep.Zones), "endpoint-zone-hours", pr, ep.Origin, "")
		}
	}
}
