package charge

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/refit-dev/refit/internal/cost"
)

// Rule is one row of the classification table. A rule matches a charge when
// every field it sets matches; the first matching rule in Rules wins.
//
// Usage types are matched after their region prefix is removed
// (BaseUsageType), descriptions as they are; both case-insensitively, with
// '*' matching any run of characters.
type Rule struct {
	// ID names the rule in ClassifyReason's answer and in docs/billing.md.
	ID        string
	Component cost.Component
	// LineItemTypes match Charge.LineItemType (CUR lineItem/LineItemType,
	// or the FOCUS ChargeCategory the reader maps it to).
	LineItemTypes []string
	// UsageTypes are patterns over the usage type without region prefix.
	UsageTypes []string
	// Descriptions are patterns over the charge description (FOCUS
	// ChargeDescription, CUR lineItem/LineItemDescription); they are tried
	// only when no usage-type rule matched.
	Descriptions []string
	// Services restrict the rule to these product codes (FOCUS service
	// names are mapped to product codes first, see ServiceCode). A rule with
	// only Services is a fallback for the whole service.
	Services []string
	// Note says what the rule is about, for the documentation.
	Note string
}

// Rules is the classification table, in the order it is tried:
// billing adjustments by line-item type first, then usage types, then
// descriptions (FOCUS rows carry no usage type), then whole services.
// Anything left is cost.Other.
//
// The usage types are those AWS bills carry; sources for the less obvious
// ones: EKS and Fargate usage types as in the AWS Price List (see
// internal/pricing/usagetypes.csv); CUR line item types from the
// CUR data dictionary (awsdocs/aws-cur-user-guide, doc_source/Lineitem-columns.md,
// "lineItem/LineItemType"); FOCUS descriptions from the FOCUS 1.0 sample
// (FinOps-Open-Cost-and-Usage-Spec/FOCUS-Sample-Data:FOCUS-1.0/focus_sample.csv).
var Rules = []Rule{
	// Billing adjustments: kept apart from usage whatever their usage type.
	{ID: "tax", Component: cost.Tax, LineItemTypes: []string{"Tax"},
		Note: "tax on the bill"},
	{ID: "credit", Component: cost.Credits,
		LineItemTypes: []string{"Credit", "Refund", "Adjustment", "EdpDiscount", "PrivateRateDiscount", "BundledDiscount", "Discount", "SppDiscount", "DistributorDiscount"},
		Note:          "credits, refunds, adjustments and discounts"},
	{ID: "fee", Component: cost.Fees,
		LineItemTypes: []string{"Fee", "RIFee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee", "Purchase"},
		Note:          "support and other fees, reservation and savings-plan fees, purchases"},

	// Usage types (region prefix removed).
	{ID: "fargate", Component: cost.ComputeFargate, UsageTypes: []string{"*Fargate-*"},
		Note: "Fargate vCPU, memory, ARM and ephemeral storage hours (ECS or EKS), Fargate Spot"},
	{ID: "eks-cluster", Component: cost.ControlPlane, UsageTypes: []string{"AmazonEKS-Hours:*"},
		Note: "EKS cluster hours, standard and extended support"},
	{ID: "ec2-spot", Component: cost.ComputeSpot, UsageTypes: []string{"SpotUsage*"},
		Note: "EC2 spot instance hours"},
	{ID: "ec2-on-demand", Component: cost.ComputeOnDemand, UsageTypes: []string{"BoxUsage*"},
		Note: "EC2 instance hours; reserved or savings-plan covered hours stay here (the reason says so)"},
	{ID: "ec2-dedicated", Component: cost.ComputeOnDemand,
		UsageTypes: []string{"DedicatedUsage:*", "HostUsage:*", "HostBoxUsage:*", "ReservedHostUsage:*", "UnusedBox:*", "UnusedDed:*"},
		Note:       "dedicated instances and hosts, unused capacity reservations"},
	{ID: "ec2-instance-extras", Component: cost.ComputeOnDemand, UsageTypes: []string{"EBSOptimized:*", "CPUCredits:*"},
		Note: "EBS-optimized surcharge, burstable CPU credits"},
	{ID: "nat-hours", Component: cost.NATHours, UsageTypes: []string{"NatGateway-Hours*"},
		Note: "NAT gateway hours"},
	{ID: "nat-data", Component: cost.NATData, UsageTypes: []string{"NatGateway-Bytes*"},
		Note: "NAT gateway data processed"},
	{ID: "ebs-snapshots", Component: cost.StorageSnapshots,
		UsageTypes: []string{"EBS:Snapshot*", "EBS:FastSnapshotRestore*", "EBS:directAPI*"},
		Note:       "EBS snapshots (standard, archive), fast snapshot restore, direct APIs"},
	{ID: "ebs-volumes", Component: cost.StorageEBS, UsageTypes: []string{"EBS:*"},
		Note: "EBS volumes: EBS:VolumeUsage.*, EBS:VolumeP-IOPS.*, EBS:VolumeP-Throughput.*, EBS:VolumeIOUsage"},
	{ID: "load-balancer", Component: cost.LoadBalancer, UsageTypes: []string{"LoadBalancerUsage*", "LCUUsage*"},
		Note: "ALB, NLB, GWLB and classic ELB hours and capacity units"},
	{ID: "elb-data", Component: cost.LoadBalancer, UsageTypes: []string{"DataProcessing-Bytes*"}, Services: []string{"AWSELB"},
		Note: "classic ELB data processed"},
	{ID: "public-ipv4", Component: cost.PublicIPv4, UsageTypes: []string{"PublicIPv4:*", "ElasticIP:*"},
		Note: "public IPv4 addresses in use or idle, Elastic IPs"},
	{ID: "vpc-endpoint", Component: cost.VPCEndpoint, UsageTypes: []string{"VpcEndpoint*"},
		Note: "interface/gateway load balancer endpoint hours and data (PrivateLink)"},
	{ID: "data-transfer", Component: cost.DataTransfer,
		UsageTypes: []string{"*DataTransfer-*", "*AWS-Out-Bytes*", "*AWS-In-Bytes*", "*CloudFront-Out-Bytes*", "*CloudFront-In-Bytes*"},
		Note:       "internet out/in, regional (between zones), inter-region (USE1-USW2-AWS-Out-Bytes) — any service"},
	{ID: "route53", Component: cost.DNS, UsageTypes: []string{"HostedZone*", "DNS-Queries*", "*-Queries"}, Services: []string{"AmazonRoute53"},
		Note: "Route 53 hosted zones and queries"},
	{ID: "rds", Component: cost.Database,
		UsageTypes: []string{"InstanceUsage*", "Multi-AZUsage*", "RDS:*", "Aurora:*"}, Services: []string{"AmazonRDS"},
		Note: "RDS and Aurora instances, storage (RDS:GP2-Storage, RDS:GP3-Storage…), backups"},

	// Descriptions (FOCUS rows have no usage type).
	{ID: "desc-data-transfer", Component: cost.DataTransfer, Descriptions: []string{"*data transfer*"},
		Note: `"… per GB - first 10 TB / month data transfer out …", "… regional data transfer …"`},
	{ID: "desc-fargate", Component: cost.ComputeFargate, Descriptions: []string{"*Fargate*"},
		Note: `"AWS Fargate - vCPU - …", "AWS Fargate - ARM - Memory - …"`},
	{ID: "desc-eks-cluster", Component: cost.ControlPlane, Descriptions: []string{"*EKS cluster*"}, Services: []string{"AmazonEKS"},
		Note: `"Amazon EKS cluster usage in …"`},
	{ID: "desc-ec2-spot", Component: cost.ComputeSpot, Descriptions: []string{"*Spot Instance-hour*", "*Spot Instance hour*"}, Services: []string{"AmazonEC2"},
		Note: `"… per Linux/UNIX Spot Instance-hour …"`},
	{ID: "desc-nat-hours", Component: cost.NATHours, Descriptions: []string{"*NAT Gateway Hour*"},
		Note: `"$0.045 per NAT Gateway Hour"`},
	{ID: "desc-nat-data", Component: cost.NATData, Descriptions: []string{"*Data Processed by NAT Gateway*"},
		Note: `"$0.045 per GB Data Processed by NAT Gateways"`},
	{ID: "desc-public-ipv4", Component: cost.PublicIPv4, Descriptions: []string{"*public IPv4 address*", "*Elastic IP address*"},
		Note: `"$0.005 per In-use public IPv4 address per hour"`},
	{ID: "desc-vpc-endpoint", Component: cost.VPCEndpoint, Descriptions: []string{"*VPC Endpoint*"},
		Note: `"… per VPC Endpoint Hour"`},
	{ID: "desc-load-balancer", Component: cost.LoadBalancer, Descriptions: []string{"*LoadBalancer-hour*", "*load balancer capacity unit*", "*by the LoadBalancer*"},
		Note: `"$0.0225 per Application LoadBalancer-hour (or partial hour)", "… per used Application load balancer capacity unit-hour …"`},
	{ID: "desc-ebs-snapshots", Component: cost.StorageSnapshots, Descriptions: []string{"*snapshot*"}, Services: []string{"AmazonEC2"},
		Note: `"$0.05 per GB-Month of snapshot data stored - …"`},
	{ID: "desc-ebs-volumes", Component: cost.StorageEBS, Descriptions: []string{"*provisioned storage*", "*provisioned IOPS*", "*provisioned MiBps*", "*provisioned throughput*", "*I/O requests*"}, Services: []string{"AmazonEC2"},
		Note: `"$0.08 per GB-month of General Purpose (gp3) provisioned storage - …", "… per provisioned IOPS-month of gp3 …"`},
	{ID: "desc-ec2-instance", Component: cost.ComputeOnDemand, Descriptions: []string{"*Instance Hour*", "*instance-hour*"}, Services: []string{"AmazonEC2"},
		Note: `"$0.0416 per On Demand Linux t3.medium Instance Hour", EBS-optimized "… per t3a.small instance-hour"`},

	// Whole services.
	{ID: "service-dns", Component: cost.DNS, Services: []string{"AmazonRoute53"},
		Note: "anything else Route 53 bills"},
	{ID: "service-database", Component: cost.Database,
		Services: []string{"AmazonRDS", "AmazonElastiCache", "AmazonDocDB", "AmazonNeptune", "AmazonMemoryDB", "AmazonDynamoDB"},
		Note:     "anything else a database service bills"},
	{ID: "service-load-balancer", Component: cost.LoadBalancer, Services: []string{"AWSELB"},
		Note: "anything else Elastic Load Balancing bills"},
	{ID: "service-data-transfer", Component: cost.DataTransfer, Services: []string{"AWSDataTransfer"},
		Note: "the AWS Data Transfer product"},
}

// serviceCodes maps FOCUS ServiceName (and CUR product/ProductName) values
// to product codes, lower-cased. Names from the FOCUS 1.0 sample.
var serviceCodes = map[string]string{
	"amazon elastic compute cloud": "AmazonEC2",
	"amazon ec2":                   "AmazonEC2",
	"amazon elastic container service for kubernetes": "AmazonEKS",
	"amazon elastic kubernetes service":               "AmazonEKS",
	"amazon elastic container service":                "AmazonECS",
	"elastic load balancing":                          "AWSELB",
	"amazon virtual private cloud":                    "AmazonVPC",
	"amazon route 53":                                 "AmazonRoute53",
	"amazon relational database service":              "AmazonRDS",
	"amazon elasticache":                              "AmazonElastiCache",
	"amazon documentdb (with mongodb compatibility)":  "AmazonDocDB",
	"amazon neptune":                                  "AmazonNeptune",
	"amazon memorydb":                                 "AmazonMemoryDB",
	"amazon dynamodb":                                 "AmazonDynamoDB",
	"aws data transfer":                               "AWSDataTransfer",
}

// ServiceCode returns the product code for a FOCUS service name
// ("Elastic Load Balancing" → "AWSELB"); product codes and unknown names are
// returned unchanged.
func ServiceCode(service string) string {
	if code, ok := serviceCodes[strings.ToLower(strings.TrimSpace(service))]; ok {
		return code
	}
	return service
}

// regionPrefix matches a billing region code: USE1, USW2, EU, EUC1, APN1,
// APS3, CAN1, UGW1, SAE1… and CloudFront's US, EU, JP, AU, IN, ZA.
var regionPrefix = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(US|EU|AP|CA|SA|ME|AF|IL|MX|UG|CN|JP|IN|ZA|AU)[A-Z]{0,2}[0-9]{0,2}$`)
})

// localZonePrefix matches a Local Zone code after a region code
// ("USW2-LAX1-BoxUsage:t3.medium").
var localZonePrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z]{3}[0-9]$`) })

// regionNamePrefix matches usage types that begin with a region name
// ("ca-central-1-KMS-Requests").
var regionNamePrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]+-`) })

// BaseUsageType removes a usage type's region prefix: "USE2-BoxUsage:t3.small"
// and "BoxUsage:t3.small" (us-east-1 often has none) both give
// "BoxUsage:t3.small"; "USE1-USW2-AWS-Out-Bytes" gives "AWS-Out-Bytes".
func BaseUsageType(u string) string {
	if m := regionNamePrefix().FindString(u); m != "" {
		return u[len(m):]
	}
	p, rest, ok := strings.Cut(u, "-")
	if !ok || !regionPrefix().MatchString(p) {
		return u
	}
	if p2, rest2, ok := strings.Cut(rest, "-"); ok && localZonePrefix().MatchString(p2) {
		return rest2
	}
	return rest
}

// descUsageType finds a usage type quoted in a description:
// "USD 0.147 per GB for USE1-AWS-Out-Bytes in Africa (Cape Town)".
var descUsageType = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\bfor +([A-Za-z0-9]+[-:][A-Za-z0-9.:\-]+)( +usage)? +in `)
})

// compiled is Rules lower-cased, built once.
type compiledRule struct {
	lineItemTypes, usageTypes, descriptions, services []string
}

var compiled = sync.OnceValue(func() []compiledRule {
	lower := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = strings.ToLower(s)
		}
		return out
	}
	out := make([]compiledRule, len(Rules))
	for i, r := range Rules {
		out[i] = compiledRule{lower(r.LineItemTypes), lower(r.UsageTypes), lower(r.Descriptions), lower(r.Services)}
	}
	return out
})

// Classify returns the cost component of a charge (see Rules).
func Classify(c *Charge) cost.Component {
	comp, _ := classify(c)
	return comp
}

// ClassifyReason returns the component and why: the rule that matched and
// its pattern, plus notes on the term ("term spot", "covered by a
// reservation or savings plan").
func ClassifyReason(c *Charge) (cost.Component, string) {
	comp, m := classify(c)
	var reason string
	switch {
	case m.rule < 0:
		reason = "no rule matched"
	case m.field == "":
		reason = fmt.Sprintf("%s: service %s", Rules[m.rule].ID, ServiceCode(c.Service))
	default:
		reason = fmt.Sprintf("%s: %s %q", Rules[m.rule].ID, m.field, m.pattern)
	}
	if m.spot {
		reason += "; term spot"
	}
	switch strings.ToLower(c.LineItemType) {
	case "discountedusage":
		reason += "; covered by a reservation"
	case "savingsplancoveredusage", "savingsplannegation":
		reason += "; covered by a savings plan"
	}
	return comp, reason
}

type match struct {
	rule           int
	field, pattern string
	spot           bool
}

func classify(c *Charge) (cost.Component, match) {
	m := match{rule: -1}
	lit := strings.ToLower(c.LineItemType)
	ut := strings.ToLower(BaseUsageType(c.UsageType))
	desc := strings.ToLower(c.Description)
	if ut == "" && desc != "" {
		if sub := descUsageType().FindStringSubmatch(c.Description); sub != nil {
			ut = strings.ToLower(BaseUsageType(sub[1]))
		}
	}
	svc := strings.ToLower(ServiceCode(c.Service))
	var comp cost.Component = cost.Other
	found := false
	// Pass 1: line item types; pass 2: usage types; pass 3: descriptions;
	// pass 4: whole services.
	for pass := 1; pass <= 4 && !found; pass++ {
		for i, r := range compiled() {
			var pats []string
			var subject, field string
			switch pass {
			case 1:
				pats, subject, field = r.lineItemTypes, lit, "line item type"
			case 2:
				pats, subject, field = r.usageTypes, ut, "usage type"
			case 3:
				pats, subject, field = r.descriptions, desc, "description"
			case 4:
				if len(r.lineItemTypes)+len(r.usageTypes)+len(r.descriptions) > 0 {
					continue
				}
			}
			if pass < 4 && (len(pats) == 0 || subject == "") {
				continue
			}
			if len(r.services) > 0 && !contains(r.services, svc) {
				continue
			}
			if pass == 4 {
				comp, m.rule, found = Rules[i].Component, i, true
				break
			}
			for j, p := range pats {
				if glob(p, subject) {
					comp, m.rule, m.field, m.pattern, found = Rules[i].Component, i, field, Rules[i].patterns(pass)[j], true
					break
				}
			}
			if found {
				break
			}
		}
	}
	if comp == cost.ComputeOnDemand && c.Term == TermSpot {
		comp, m.spot = cost.ComputeSpot, true
	}
	return comp, m
}

func (r Rule) patterns(pass int) []string {
	switch pass {
	case 1:
		return r.LineItemTypes
	case 2:
		return r.UsageTypes
	}
	return r.Descriptions
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// glob reports whether s matches pattern, where '*' matches any run of
// characters (including none) and everything else matches itself.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}

// ClassificationTable renders Rules as a Markdown table, as docs/billing.md
// shows it.
func ClassificationTable() string {
	var b strings.Builder
	b.WriteString("| # | rule | component | line item type | usage type (no region prefix) | description | service | what |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	code := func(ss []string) string {
		if len(ss) == 0 {
			return ""
		}
		q := make([]string, len(ss))
		for i, s := range ss {
			q[i] = "`" + s + "`"
		}
		return strings.Join(q, ", ")
	}
	for i, r := range Rules {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %s |\n", i+1, r.ID, r.Component,
			code(r.LineItemTypes), code(r.UsageTypes), code(r.Descriptions), code(r.Services),
			strings.ReplaceAll(r.Note, "|", `\|`))
	}
	fmt.Fprintf(&b, "| %d | (none) | %s | | | | | everything else |\n", len(Rules)+1, cost.Other)
	return b.String()
}
