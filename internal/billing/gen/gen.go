// Package gen writes billing exports with known sums, the one generator of
// bills: GenerateEKSMonth, a month of a small EKS account (refit bill
// --example, tests), and GenerateCUR and GenerateFOCUSParquet, bills of any
// size over ~20 services (benchmarks: bench/gen, bench/bill.sh).
package gen

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/shopspring/decimal"
)

// The generated account: one small EKS cluster in us-east-1, shaped like the
// founding story's bill after the move to EKS (examples/eks-after): about
// $7.80 a day of usage.
const (
	genRegion    = "us-east-1"
	genAccount   = "111122223333"
	genCluster   = "example"
	genSpotType  = "t3.small"
	genSpikeDay  = 20  // the day NAT data spikes
	genSpikeGB   = 300 // extra GB through the NAT gateway that day
	genNATGBDay  = 35  // usual NAT data a day
	genOutGBDay  = 8   // internet egress a day
	genAZGBDay   = 20  // inter-zone traffic a day
	genTaxPct    = 6   // illustrative sales tax, percent of each product's usage
	genCreditUSD = 10  // a promotional credit
)

// GenSpikeDay is the day of the month GenerateEKSMonth puts its NAT data
// spike on.
const GenSpikeDay = genSpikeDay

// genLine is one generated billing line and the component it is meant to be.
type genLine struct {
	start, end                 time.Time
	lineItemType, product      string
	usageType, operation, az   string
	resource, desc, unit, term string
	amount, rate, cost         decimal.Decimal
	want                       cost.Component
	clusterTag                 bool
}

// GenerateEKSMonth writes a month of billing data for a small EKS account
// (hourly rows: EKS cluster hours, 3 spot t3.small nodes, a NAT gateway's
// hours and data, an ALB's hours and LCUs, gp3 volumes, public IPv4
// addresses, data transfer out and between zones; a Route 53 hosted zone;
// per-product tax and a promotional credit, dated to the first of the month
// as CUR dates them), with NAT data spiking on day 20. Usage types and unit
// prices are us-east-1's from the embedded price catalog (spot at its
// estimate). format is FormatCURLegacy (CSV, category/Column headers) or
// FormatFOCUS (FOCUS 1.0 CSV, no usage types: descriptions carry the
// meaning). It returns the total unblended cost written and its split by
// component, as the generator intends it.
func GenerateEKSMonth(w io.Writer, format charge.Format, month time.Time) (total decimal.Decimal, byComponent map[cost.Component]decimal.Decimal, err error) {
	lines, err := genEKSMonth(month)
	if err != nil {
		return decimal.Zero, nil, err
	}
	switch format {
	case charge.FormatCURLegacy:
		err = writeCURLegacy(w, lines, month)
	case charge.FormatFOCUS:
		err = writeFOCUS(w, lines, month)
	default:
		return decimal.Zero, nil, fmt.Errorf("billing: generate: format %q not supported (want %s or %s)", format, charge.FormatCURLegacy, charge.FormatFOCUS)
	}
	if err != nil {
		return decimal.Zero, nil, err
	}
	byComponent = map[cost.Component]decimal.Decimal{}
	for _, l := range lines {
		total = total.Add(l.cost)
		byComponent[l.want] = byComponent[l.want].Add(l.cost)
	}
	return total, byComponent, nil
}

func genEKSMonth(month time.Time) ([]genLine, error) {
	cat, err := pricing.Default()
	if err != nil {
		return nil, err
	}
	price := func(service, item string) (decimal.Decimal, error) {
		p, err := cat.Service(service, item, genRegion)
		return p.USD, err
	}
	var firstErr error
	must := func(service, item string) decimal.Decimal {
		d, err := price(service, item)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return d
	}
	eks := must("eks", "cluster_standard_support")
	natHour, natGB := must("nat_gateway", "gateway_hour"), must("nat_gateway", "data_processed")
	albHour, albLCU := must("elb_application", "load_balancer_hour"), must("elb_application", "lcu_hour")
	gp3 := must("ebs", "gp3_storage")
	ipv4 := must("vpc_public_ipv4", "in_use_address_hour")
	out, interAZ := must("data_transfer", "internet_out_first_10tb"), must("data_transfer", "inter_az_each_direction")
	zone := must("route53", "hosted_zone_first_25")
	if firstErr != nil {
		return nil, firstErr
	}
	spotEst, err := cat.Spot(genRegion, genSpotType)
	if err != nil {
		return nil, err
	}
	spot := spotEst.USD.Round(4)

	start := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	hoursInMonth := int(end.Sub(start).Hours())
	rng := rand.New(rand.NewPCG(uint64(start.Year()), uint64(start.Month())))
	arn := func(kind, id string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", kind, genRegion, genAccount, id)
	}
	var lines []genLine
	add := func(l genLine) {
		l.amount = l.amount.Round(10)
		if l.cost.IsZero() {
			l.cost = l.amount.Mul(l.rate).Round(10)
		}
		lines = append(lines, l)
	}
	one := decimal.NewFromInt(1)
	usd := func(d decimal.Decimal) string { return "$" + d.String() }
	zones := []string{"us-east-1a", "us-east-1b", "us-east-1c"}
	volumes := []struct {
		id string
		gb int64
	}{{"vol-0a1b2c3d4e5f60001", 20}, {"vol-0a1b2c3d4e5f60002", 20}, {"vol-0a1b2c3d4e5f60003", 20}, {"vol-0a1b2c3d4e5f60004", 10}}
	addresses := []string{"eipalloc-0alb0000000000001", "eipalloc-0alb0000000000002", "eipalloc-0nat0000000000001"}
	nat := arn("ec2", "natgateway/nat-0123456789abcdef0")
	alb := arn("elasticloadbalancing", "loadbalancer/app/k8s-public-ingress/0123456789abcdef")

	// daily factors, so days differ a little (±10 %) as real ones do
	days := hoursInMonth / 24
	natDay, outDay := make([]float64, days), make([]float64, days)
	for d := range days {
		natDay[d] = 0.9 + 0.2*rng.Float64()
		outDay[d] = 0.9 + 0.2*rng.Float64()
	}
	for h := range hoursInMonth {
		t0 := start.Add(time.Duration(h) * time.Hour)
		t1 := t0.Add(time.Hour)
		day, hour := h/24, h%24
		// traffic follows the working day: 0.5× at night to 1.5× mid-day
		diurnal := 1 - 0.5*math.Cos(2*math.Pi*float64(hour)/24)
		hourly := func(perDay, factor float64) decimal.Decimal {
			return decimal.NewFromFloat(perDay / 24 * factor * diurnal).Round(6)
		}
		base := genLine{start: t0, end: t1, lineItemType: "Usage", term: "OnDemand"}

		l := base
		l.product, l.usageType, l.operation, l.resource = "AmazonEKS", "USE1-AmazonEKS-Hours:perCluster", "CreateOperation", arn("eks", "cluster/"+genCluster)
		l.desc, l.unit, l.amount, l.rate, l.want, l.clusterTag = "Amazon EKS cluster usage in US East (N. Virginia)", "Hours", one, eks, cost.ControlPlane, true
		add(l)

		for i, az := range zones {
			l = base
			l.product, l.usageType, l.operation, l.az, l.term = "AmazonEC2", "SpotUsage:"+genSpotType, "RunInstances:SV001", az, "Spot"
			l.resource = fmt.Sprintf("i-0spot%013d", i+1)
			l.desc = usd(spot) + " per Linux/UNIX (Amazon VPC), " + genSpotType + " Spot Instance-hour"
			l.unit, l.amount, l.rate, l.want, l.clusterTag = "Hrs", one, spot, cost.ComputeSpot, true
			add(l)
		}

		l = base
		l.product, l.usageType, l.operation, l.az, l.resource = "AmazonEC2", "USE1-NatGateway-Hours", "NatGateway", zones[0], nat
		l.desc, l.unit, l.amount, l.rate, l.want = usd(natHour)+" per NAT Gateway Hour", "Hrs", one, natHour, cost.NATHours
		add(l)

		natAmount := hourly(genNATGBDay, natDay[day])
		if day+1 == genSpikeDay && hour >= 9 && hour < 17 {
			natAmount = natAmount.Add(decimal.NewFromInt(genSpikeGB).Div(decimal.NewFromInt(8)))
		}
		l = base
		l.product, l.usageType, l.operation, l.az, l.resource = "AmazonEC2", "USE1-NatGateway-Bytes", "NatGateway", zones[0], nat
		l.desc, l.unit, l.amount, l.rate, l.want = usd(natGB)+" per GB Data Processed by NAT Gateways", "GB", natAmount, natGB, cost.NATData
		add(l)

		l = base
		l.product, l.usageType, l.operation, l.resource = "AWSELB", "USE1-LoadBalancerUsage", "LoadBalancing:Application", alb
		l.desc, l.unit, l.amount, l.rate, l.want = usd(albHour)+" per Application LoadBalancer-hour (or partial hour)", "Hrs", one, albHour, cost.LoadBalancer
		add(l)

		l = base
		l.product, l.usageType, l.operation, l.resource = "AWSELB", "USE1-LCUUsage", "LoadBalancing:Application", alb
		l.desc = usd(albLCU) + " per used Application load balancer capacity unit-hour (or partial hour)"
		l.unit, l.amount, l.rate, l.want = "LCU-Hrs", hourly(24*0.8, 1), albLCU, cost.LoadBalancer
		add(l)

		for i, v := range volumes {
			l = base
			l.product, l.usageType, l.operation, l.az, l.resource = "AmazonEC2", "EBS:VolumeUsage.gp3", "CreateVolume-Gp3", zones[i%3], v.id
			l.desc = usd(gp3) + " per GB-month of General Purpose (gp3) provisioned storage - US East (N. Virginia)"
			// EBS bills GB-months prorated by the hour
			l.unit, l.amount, l.rate, l.want, l.clusterTag = "GB-Mo", decimal.NewFromInt(v.gb).Div(decimal.NewFromInt(int64(hoursInMonth))), gp3, cost.StorageEBS, true
			add(l)
		}

		for _, a := range addresses {
			l = base
			l.product, l.usageType, l.operation, l.resource = "AmazonVPC", "USE1-PublicIPv4:InUseAddress", "AssociateAddressVPC", arn("ec2", "elastic-ip/"+a)
			l.desc, l.unit, l.amount, l.rate, l.want = usd(ipv4)+" per In-use public IPv4 address per hour", "Hrs", one, ipv4, cost.PublicIPv4
			add(l)
		}

		l = base
		l.product, l.usageType, l.operation, l.resource = "AmazonEC2", "DataTransfer-Out-Bytes", "RunInstances", "i-0spot0000000000001"
		l.desc = usd(out) + " per GB - first 10 TB / month data transfer out beyond the global free tier"
		l.unit, l.amount, l.rate, l.want = "GB", hourly(genOutGBDay, outDay[day]), out, cost.DataTransfer
		add(l)

		l = base
		l.product, l.usageType, l.operation, l.resource = "AmazonEC2", "DataTransfer-Regional-Bytes", "InterZone-Out", "i-0spot0000000000002"
		l.desc = usd(interAZ) + " per GB - regional data transfer - in/out/between EC2 AZs or using elastic IPs or ELB"
		l.unit, l.amount, l.rate, l.want = "GB", hourly(genAZGBDay, 1), interAZ, cost.DataTransfer
		add(l)
	}

	// Monthly lines, dated to the whole month as CUR dates them.
	add(genLine{start: start, end: end, lineItemType: "Usage", term: "OnDemand", product: "AmazonRoute53",
		usageType: "HostedZone", resource: "arn:aws:route53:::hostedzone/Z0123456789EXAMPLE",
		desc: usd(zone) + " per Hosted Zone for the first 25 Hosted Zones", unit: "HostedZone",
		amount: one, rate: zone, want: cost.DNS})

	byProduct := map[string]decimal.Decimal{}
	var products []string
	for _, l := range lines {
		if _, ok := byProduct[l.product]; !ok {
			products = append(products, l.product)
		}
		byProduct[l.product] = byProduct[l.product].Add(l.cost)
	}
	for _, p := range products {
		tax := byProduct[p].Mul(decimal.NewFromInt(genTaxPct)).Div(decimal.NewFromInt(100)).Round(2)
		add(genLine{start: start, end: end, lineItemType: "Tax", product: p, desc: "Tax for product code " + p,
			amount: one, cost: tax, want: cost.Tax})
	}
	credit := decimal.NewFromInt(-genCreditUSD)
	add(genLine{start: start, end: end, lineItemType: "Credit", product: "AmazonEC2",
		desc: "AWS Promotional Credit", amount: one, cost: credit, want: cost.Credits})
	return lines, nil
}

// curTime is how CUR writes times.
const curTime = "2006-01-02T15:04:05Z"

// Month is the month the example (billing.Open's) and the benchmark bills
// (GenerateCUR, GenerateFOCUSParquet) are of.
var Month = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// curColumns is the header of GenerateEKSMonth's legacy CUR.
var curColumns = []string{
	"identity/LineItemId", "identity/TimeInterval", "bill/BillType", "bill/PayerAccountId",
	"bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate", "lineItem/UsageAccountId",
	"lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode",
	"lineItem/UsageType", "lineItem/Operation", "lineItem/AvailabilityZone", "lineItem/ResourceId",
	"lineItem/UsageAmount", "lineItem/CurrencyCode", "lineItem/UnblendedRate", "lineItem/UnblendedCost",
	"lineItem/BlendedRate", "lineItem/BlendedCost", "lineItem/LineItemDescription", "lineItem/TaxType",
	"product/region", "pricing/term", "pricing/unit",
	"resourceTags/aws:eks:cluster-name", "resourceTags/user:team",
}

func writeCURLegacy(w io.Writer, lines []genLine, month time.Time) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(curColumns); err != nil {
		return err
	}
	ps := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	pe := ps.AddDate(0, 1, 0)
	for i, l := range lines {
		region, taxType, rate := genRegion, "", l.rate.String()
		if l.lineItemType == "Tax" {
			taxType = "Sales Tax"
		}
		if l.lineItemType != "Usage" {
			region, rate = "", ""
		}
		cluster, team := "", ""
		if l.clusterTag {
			cluster, team = genCluster, "platform"
		}
		rec := []string{
			fmt.Sprintf("gen-%07d", i+1), l.start.Format(curTime) + "/" + l.end.Format(curTime), "Anniversary", genAccount,
			ps.Format(curTime), pe.Format(curTime), genAccount,
			l.lineItemType, l.start.Format(curTime), l.end.Format(curTime), l.product,
			l.usageType, l.operation, l.az, l.resource,
			l.amount.String(), "USD", rate, l.cost.String(),
			rate, l.cost.String(), l.desc, taxType,
			region, l.term, l.unit,
			cluster, team,
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

var focusColumns = []string{
	"BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
	"ChargeCategory", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
	"ConsumedQuantity", "ConsumedUnit", "EffectiveCost", "ListCost", "ListUnitPrice", "PricingCategory",
	"ProviderName", "RegionId", "ResourceId", "ServiceName", "SubAccountId", "Tags",
}

// focusServiceNames are the FOCUS ServiceName values of the generated
// product codes (as in the FOCUS 1.0 sample).
var focusServiceNames = map[string]string{
	"AmazonEKS":     "Amazon Elastic Container Service for Kubernetes",
	"AmazonEC2":     "Amazon Elastic Compute Cloud",
	"AWSELB":        "Elastic Load Balancing",
	"AmazonVPC":     "Amazon Virtual Private Cloud",
	"AmazonRoute53": "Amazon Route 53",
}

func writeFOCUS(w io.Writer, lines []genLine, month time.Time) error {
	const focusTime = "2006-01-02 15:04:05"
	cw := csv.NewWriter(w)
	if err := cw.Write(focusColumns); err != nil {
		return err
	}
	ps := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	pe := ps.AddDate(0, 1, 0)
	null := func(s string) string {
		if s == "" {
			return "NULL"
		}
		return s
	}
	for _, l := range lines {
		freq, pricingCat, region, qty, unit, unitPrice := "Usage-Based", "Standard", genRegion, l.amount.String(), l.unit, l.rate.String()
		if l.term == "Spot" {
			pricingCat = "Dynamic"
		}
		if l.lineItemType != "Usage" {
			freq, pricingCat, region, qty, unit, unitPrice = "One-Time", "", "", "", "", ""
		}
		tags := ""
		if l.clusterTag {
			tags = `{"aws:eks:cluster-name":"` + genCluster + `","user:team":"platform"}`
		}
		rec := []string{
			l.cost.String(), genAccount, "USD", pe.Format(focusTime), ps.Format(focusTime),
			l.lineItemType, l.desc, freq, l.end.Format(focusTime), l.start.Format(focusTime),
			null(qty), null(unit), l.cost.String(), l.cost.String(), null(unitPrice), null(pricingCat),
			"AWS", null(region), null(l.resource), focusServiceNames[l.product], genAccount, null(tags),
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
