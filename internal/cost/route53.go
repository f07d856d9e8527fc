package cost

import (
	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/estate"
)

// Route 53 hosted zones: one zone-month each, at the first-25-zones price.
const (
	svcRoute53     = "route53"
	itemHostedZone = "hosted_zone_first_25"
)

func (p *pricer) hostedZones(e *estate.Estate) {
	for _, z := range e.HostedZones {
		if pr, ok := p.service(z.Origin, svcRoute53, itemHostedZone); ok {
			p.add("Route 53 hosted zone "+z.Name, DNS, decimal.NewFromInt(1), "zone-months", pr, z.Origin, "")
		}
	}
}
