package cost

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
)

// DefaultRegion is used when neither the input nor --region names one.
const DefaultRegion = "us-east-1"

// Options tune an estimate.
type Options struct {
	// Region overrides the estate's region.
	Region string
	// At is the date that decides the EKS support tier (default: now).
	At    time.Time
	Usage Usage
	// AllowMissingPrices turns prices that no region has into notes
	// instead of an error.
	AllowMissingPrices bool
	// StrictPrices makes a price missing in the region an error, instead of
	// estimating it from the nearest region that has it.
	StrictPrices bool
	// Catalog names the catalog directory used, "" for the embedded one.
	Catalog string
}

// Estimate prices the estate. A missing price, an unknown region or an unknown
// instance type is an error naming the item's origin; all such problems are
// reported together.
func Estimate(e *estate.Estate, cat *pricing.Catalog, opt Options) (*Breakdown, error) {
	if opt.At.IsZero() {
		opt.At = time.Now()
	}
	if opt.Usage.Storage.DefaultVolumeType == "" {
		opt.Usage = DefaultUsage()
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	p := &pricer{cat: cat, opt: opt, b: &Breakdown{Currency: "USD"}}
	switch {
	case opt.Region != "":
		p.region = opt.Region
	case e.Region != "":
		p.region = e.Region
	default:
		p.region = DefaultRegion
		p.assume("region: %s (no region in the input; set --region)", DefaultRegion)
	}
	p.b.Region = p.region
	if err := cat.CheckRegion(p.region); err != nil {
		if e.Region == p.region && opt.Region == "" {
			return nil, e.RegionOrigin.Errorf("%v", err)
		}
		return nil, err
	}
	if opt.Catalog != "" {
		p.assume("prices from %s (written by refit prices update), not the embedded catalog", opt.Catalog)
	}
	if opt.Usage.Origin != "" {
		p.assume("usage assumptions from %s", opt.Usage.Origin)
	}
	p.fromSources(e)

	e, merged := dedupe(e)
	for _, n := range merged {
		p.note("%s", n)
	}
	for _, price := range resources {
		price(p, e)
	}

	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	p.b.SortItems()
	if p.b.Items == nil {
		p.b.Items = []Item{}
	}
	if p.b.Assumptions == nil {
		p.b.Assumptions = []string{}
	}
	return p.b, nil
}

// resources lists the priced resource kinds, each a method that adds the
// items, assumptions and notes of every such resource in the estate, in
// its own file with the catalog keys (service and item) it looks up. They
// run in this order, which is the order of assumptions, notes and errors in
// the Breakdown (items are sorted afterwards). Add a new kind at the end.
var resources = []func(p *pricer, e *estate.Estate){
	(*pricer).eksClusters,   // EKS clusters: eks.go
	(*pricer).nodeGroups,    // node groups: nodegroup.go (instances, root volumes, node public IPv4)
	(*pricer).volumes,       // EBS volumes: ebs.go
	(*pricer).claims,        // PersistentVolumeClaims: claim.go
	(*pricer).workloads,     // Fargate pods: fargate.go
	(*pricer).natGateways,   // NAT gateways: natgateway.go
	(*pricer).publicIPs,     // public IPv4: publicipv4.go
	(*pricer).loadBalancers, // load balancers: loadbalancer.go
	(*pricer).dataTransfer,  // data transfer: datatransfer.go
	(*pricer).snapshots,     // EBS snapshots: snapshot.go
	(*pricer).vpcEndpoints,  // VPC endpoints: vpcendpoint.go
	(*pricer).hostedZones,   // Route 53 hosted zones: route53.go
	(*pricer).databases,     // RDS instances: rds.go
	(*pricer).alarms,        // CloudWatch alarms: cloudwatch.go
}

type pricer struct {
	cat    *pricing.Catalog
	opt    Options
	region string
	b      *Breakdown
	errs   []error
	// ec2Nodes is the number of EC2 nodes that run pods, counted by
	// nodeGroups for workloads.
	ec2Nodes int
}

func (p *pricer) assume(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	for _, a := range p.b.Assumptions {
		if a == s {
			return
		}
	}
	p.b.Assumptions = append(p.b.Assumptions, s)
}

func (p *pricer) note(format string, args ...any) {
	p.b.Notes = append(p.b.Notes, fmt.Sprintf(format, args...))
}

// fail records an error at an origin; with AllowMissingPrices, missing
// prices become "not priced" entries instead.
func (p *pricer) fail(o estate.Origin, err error) {
	var mp *pricing.MissingPriceError
	if p.opt.AllowMissingPrices && errors.As(err, &mp) {
		p.b.NotPriced = append(p.b.NotPriced, fmt.Sprintf("%s: %v", o, err))
		return
	}
	p.errs = append(p.errs, o.Errorf("%v", err))
}

// lookup finds a price with look in the estimate's region. A price the
// catalog lacks there is estimated from the nearest region that has it
// (unless StrictPrices), with an assumption saying so; a failure is
// recorded at o.
func (p *pricer) lookup(o estate.Origin, look func(region string) (pricing.Price, error)) (pricing.Price, bool) {
	var (
		pr  pricing.Price
		err error
	)
	if p.opt.StrictPrices {
		pr, err = look(p.region)
	} else {
		pr, err = p.cat.Estimated(p.region, look)
	}
	if err != nil {
		p.fail(o, err)
		return pr, false
	}
	if pr.EstimatedFrom != "" {
		p.estimated(pr)
	}
	return pr, true
}

// estimated records an estimated price once, as an assumption.
func (p *pricer) estimated(pr pricing.Price) {
	what := pr.Service + " " + pr.Item
	if pr.Service == "ec2" && !strings.Contains(pr.Item, " spot") {
		what = "ec2 " + pr.Item + " on-demand Linux"
	}
	n := len(p.b.Assumptions)
	p.assume("%s in %s: not in the catalog, estimated from %s ($%s/%s); run refit prices update --fetch for the real price",
		what, p.region, pr.EstimatedFrom, pr.USD.String(), pricing.UnitLabel(pr.Unit))
	if len(p.b.Assumptions) > n {
		p.b.Estimates = append(p.b.Estimates, p.b.Assumptions[n])
	}
}

// add appends an item; quantity × unit price = monthly cost.
func (p *pricer) add(resource string, c Component, qty decimal.Decimal, unit string, price pricing.Price, o estate.Origin, note string) {
	if qty.IsZero() {
		return
	}
	p.b.Items = append(p.b.Items, Item{
		Resource: resource, Component: c, Quantity: qty, Unit: unit,
		UnitPrice: price.USD, MonthlyCost: qty.Mul(price.USD), Origin: o.String(), Note: note,
		Estimated: price.EstimatedFrom != "",
	})
}

// service looks a service price up, recording a failure at o.
func (p *pricer) service(o estate.Origin, service, item string) (pricing.Price, bool) {
	return p.lookup(o, func(region string) (pricing.Price, error) { return p.cat.Service(service, item, region) })
}

func hours(n int) decimal.Decimal { return decimal.NewFromInt(int64(n) * HoursPerMonth) }

func num(f float64) decimal.Decimal { return decimal.NewFromFloat(f) }
