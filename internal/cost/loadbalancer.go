package cost

import (
	"fmt"
	"sort"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
)

// Load balancers: LB-hours and capacity units (ALB LCUs, NLB NLCUs, Classic
// ELB GB processed; usage loadBalancer.*), and one public IPv4 per zone for
// internet-facing ones.
const (
	svcALB       = "elb_application"
	svcNLB       = "elb_network"
	svcCLB       = "elb_classic"
	itemLBHour   = "load_balancer_hour"
	itemALBLCU   = "lcu_hour"
	itemNLBNLCU  = "nlcu_hour"
	itemCLBBytes = "data_processed"
)

func (p *pricer) loadBalancers(e *estate.Estate) {
	lbs := append([]estate.LoadBalancer(nil), e.LoadBalancers...)
	sort.SliceStable(lbs, func(i, j int) bool { return lbs[i].Name < lbs[j].Name })
	for _, lb := range lbs {
		p.loadBalancer(lb)
	}
}

func (p *pricer) loadBalancer(lb estate.LoadBalancer) {
	u := p.opt.Usage.LoadBalancer
	var service, capItem, capUnit, label string
	var capQty float64
	switch lb.Type {
	case estate.ALB:
		service, capItem, capUnit, label, capQty = svcALB, itemALBLCU, "LCU-hours", "ALB", u.ALBLCUs*HoursPerMonth
		p.assume("ALB capacity: %g LCU per hour per ALB (loadBalancer.albLCUs)", u.ALBLCUs)
	case estate.NLB:
		service, capItem, capUnit, label, capQty = svcNLB, itemNLBNLCU, "NLCU-hours", "NLB", u.NLBNLCUs*HoursPerMonth
		p.assume("NLB capacity: %g NLCU per hour per NLB (loadBalancer.nlbNLCUs)", u.NLBNLCUs)
	case estate.CLB:
		service, capItem, capUnit, label, capQty = svcCLB, itemCLBBytes, "GB", "Classic ELB", u.CLBDataProcessedGB
		p.assume("Classic ELB data processed: %g GB a month per load balancer (loadBalancer.clbDataProcessedGB)", u.CLBDataProcessedGB)
	default:
		p.fail(lb.Origin, fmt.Errorf("load balancer %q: unknown type %q", lb.Name, lb.Type))
		return
	}
	name := label + " " + lb.Name
	if len(lb.Members) > 1 {
		name += fmt.Sprintf(" (%d Ingresses: %s)", len(lb.Members), strings.Join(lb.Members, ", "))
	}
	if pr, ok := p.service(lb.Origin, service, itemLBHour); ok {
		p.add(name, LoadBalancer, hours(1), "LB-hours", pr, lb.Origin, "")
	}
	if capQty > 0 {
		if pr, ok := p.service(lb.Origin, service, capItem); ok {
			p.add(name+": capacity units", LoadBalancer, num(capQty), capUnit, pr, lb.Origin, "")
		}
	}
	if !lb.Internal && u.Zones > 0 {
		if pr, ok := p.service(lb.Origin, svcPublicIPv4, itemIPv4InUse); ok {
			p.add(fmt.Sprintf("%s: %d public IPv4 (one per zone)", name, u.Zones), PublicIPv4, hours(u.Zones), "address-hours", pr, lb.Origin, "")
		}
		p.assume("internet-facing load balancers span %d zones, one public IPv4 each (loadBalancer.zones)", u.Zones)
	}
}
