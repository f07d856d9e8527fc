package gen

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Generated billing data: one payer and eight linked accounts, October 2026
// (744 hours), ~20 services in us-east-1. Unit rates are illustrative
// us-east-1 on-demand list prices of the kind the AWS price list carries
// (https://aws.amazon.com/ec2/pricing/on-demand/ and each service's pricing
// page); the benchmark needs realistic shapes and decimals, not a real bill.
const (
	billPayer  = "111122223333"
	billRegion = "us-east-1"
	// BillRowGroup is how many rows each FOCUS Parquet row group holds.
	BillRowGroup = 1 << 20
)

var billAccounts = []string{"111122223333", "444455556666", "777788889999", "123456789012", "210987654321", "135792468024", "246813579135", "999900001111"}

var billZones = []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"}

// billService is one kind of resource: what it is billed as and how much
// each hourly line of it uses.
type billService struct {
	code, name, category, usageType, operation, unit string
	// rate is the unit price in 1e-7 USD.
	rate int64
	// hourly lines use exactly 1 unit; others use up to maxMicro millionths
	// of a unit (GB, requests in millions...), chosen per row.
	hourly   bool
	maxMicro int64
	zonal    bool
	resource string // fmt pattern taking the resource slot
	weight   int    // share of resource slots
}

var billServices = []billService{
	{"AmazonEC2", "Amazon Elastic Compute Cloud", "Compute", "BoxUsage:m6i.xlarge", "RunInstances", "Hrs", 1_920_000, true, 0, true, "i-0%016x", 24},
	{"AmazonEC2", "Amazon Elastic Compute Cloud", "Compute", "SpotUsage:c6i.2xlarge", "RunInstances:SV001", "Hrs", 1_306_000, true, 0, true, "i-0%016x", 10},
	{"AmazonEC2", "Amazon Elastic Compute Cloud", "Storage", "EBS:VolumeUsage.gp3", "CreateVolume-Gp3", "GB-Mo", 800_000, false, 140_000, true, "vol-0%016x", 18},
	{"AmazonEKS", "Amazon Elastic Kubernetes Service", "Compute", "USE1-AmazonEKS-Hours:perCluster", "CreateOperation", "Hours", 1_000_000, true, 0, false, "arn:aws:eks:us-east-1:%012d:cluster/c%d", 1},
	{"AmazonRDS", "Amazon Relational Database Service", "Databases", "InstanceUsage:db.r6g.large", "CreateDBInstance:0014", "Hrs", 2_250_000, true, 0, true, "arn:aws:rds:us-east-1:%012d:db:db-%d", 3},
	{"AmazonS3", "Amazon Simple Storage Service", "Storage", "TimedStorage-ByteHrs", "StandardStorage", "GB-Mo", 230_000, false, 900_000_000, false, "bucket-%012d-%d", 6},
	{"AWSELB", "Elastic Load Balancing", "Networking", "LoadBalancerUsage", "LoadBalancing:Application", "Hrs", 225_000, true, 0, false, "arn:aws:elasticloadbalancing:us-east-1:%012d:loadbalancer/app/lb-%d", 3},
	{"AmazonVPC", "Amazon Virtual Private Cloud", "Networking", "PublicIPv4:InUseAddress", "AssociateAddressVPC", "Hrs", 50_000, true, 0, false, "arn:aws:ec2:us-east-1:%012d:ipv4pool/eipalloc-%d", 4},
	{"AmazonCloudWatch", "AmazonCloudWatch", "Management and Governance", "TimedStorage-ByteHrs", "PutLogEvents", "GB-Mo", 300_000, false, 30_000_000, false, "arn:aws:logs:us-east-1:%012d:log-group:/aws/eks/g%d", 3},
	{"AWSLambda", "AWS Lambda", "Compute", "Lambda-GB-Second", "Invoke", "Lambda-GB-Second", 167, false, 4_000_000_000, false, "arn:aws:lambda:us-east-1:%012d:function:fn-%d", 4},
	{"AmazonDynamoDB", "Amazon DynamoDB", "Databases", "ReadRequestUnits", "PayPerRequestThroughput", "ReadRequestUnits", 2, false, 90_000_000_000, false, "arn:aws:dynamodb:us-east-1:%012d:table/t%d", 3},
	{"AmazonElastiCache", "Amazon ElastiCache", "Databases", "NodeUsage:cache.r7g.large", "CreateCacheCluster:0002", "NodeHour", 2_190_000, true, 0, true, "arn:aws:elasticache:us-east-1:%012d:cluster:cache-%d", 2},
	{"AmazonEFS", "Amazon Elastic File System", "Storage", "TimedStorage-ByteHrs", "", "GB-Mo", 3_000_000, false, 5_000_000, false, "arn:aws:elasticfilesystem:us-east-1:%012d:file-system/fs-%d", 2},
	{"AmazonRoute53", "Amazon Route 53", "Networking", "DNS-Queries", "Query", "Queries", 4, false, 400_000_000_000, false, "arn:aws:route53:::hostedzone/Z%012d%d", 2},
	{"AmazonSNS", "Amazon Simple Notification Service", "Application Integration", "Requests-Tier1", "Publish", "Requests", 5, false, 50_000_000_000, false, "arn:aws:sns:us-east-1:%012d:topic-%d", 2},
	{"AmazonSQS", "Amazon Simple Queue Service", "Application Integration", "Requests-Tier1", "SendMessage", "Requests", 4, false, 90_000_000_000, false, "arn:aws:sqs:us-east-1:%012d:queue-%d", 3},
	{"AWSDataTransfer", "AWS Data Transfer", "Networking", "DataTransfer-Out-Bytes", "", "GB", 900_000, false, 3_000_000, false, "i-0%016x", 4},
	{"AmazonECR", "Amazon EC2 Container Registry (ECR)", "Containers", "TimedStorage-ByteHrs", "", "GB-Mo", 1_000_000, false, 2_000_000, false, "arn:aws:ecr:us-east-1:%012d:repository/r%d", 2},
	{"awskms", "AWS Key Management Service", "Security", "KMS-Keys", "CreateKey", "Keys", 13_889, true, 0, false, "arn:aws:kms:us-east-1:%012d:key/k%d", 2},
	{"AWSSecretsManager", "AWS Secrets Manager", "Security", "AWSSecretsManager-Secrets", "", "Secrets", 5_556, true, 0, false, "arn:aws:secretsmanager:us-east-1:%012d:secret:s%d", 2},
	{"AmazonES", "Amazon OpenSearch Service", "Analytics", "ESInstance:r6g.large", "ESDomain", "Hrs", 1_670_000, true, 0, true, "arn:aws:es:us-east-1:%012d:domain/d%d", 1},
	{"AmazonMSK", "Amazon Managed Streaming for Apache Kafka", "Analytics", "Kafka.m7g.large", "RunBroker", "Hrs", 2_040_000, true, 0, true, "arn:aws:kafka:us-east-1:%012d:cluster/k%d", 1},
}

// billSlots maps a weighted slot to a service.
var billSlots = func() []int {
	var s []int
	for i, sv := range billServices {
		for range sv.weight {
			s = append(s, i)
		}
	}
	return s
}()

var billTeams = []string{"payments", "search", "platform", "data", "web", "mobile", "ml", "identity"}
var billEnvs = []string{"prod", "staging", "dev"}

// mix is splitmix64: a cheap, well-spread hash of a row or slot number.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// billLine is one generated line, shared by both formats.
type billLine struct {
	id                          string
	account, lineType           string
	start, end                  time.Time
	svc                         *billService
	zone, resource, desc        string
	usageMicro, cost, unitPrice int64 // 1e-6 units, 1e-10 USD, 1e-7 USD
	team, env, cluster          string
}

// billGen makes the n lines of a month, in hour order: row i falls in hour
// i·744/n, and its place within that hour is its resource slot, so every
// resource has one line an hour (n/744 resources).
type billGen struct {
	n, hours int64
	total    big.Int
	idBuf    [52]byte
}

func newBillGen(n int64) *billGen {
	end := Month.AddDate(0, 1, 0)
	return &billGen{n: n, hours: int64(end.Sub(Month).Hours())}
}

const base32 = "abcdefghijklmnopqrstuvwxyz234567"

func (g *billGen) line(i int64, l *billLine) {
	h := i * g.hours / g.n
	slot := i - (h*g.n+g.hours-1)/g.hours
	hs := mix(uint64(slot))
	sv := &billServices[billSlots[hs%uint64(len(billSlots))]]
	acct := billAccounts[hs>>8%uint64(len(billAccounts))]
	r := mix(uint64(i) ^ 0x5bd1e995)
	for k := range g.idBuf { // 52 base32 characters, as real line item ids
		if k%12 == 0 {
			r = mix(r)
		}
		g.idBuf[k] = base32[r>>(5*(k%12))&31]
	}
	l.id = string(g.idBuf[:])
	l.start = Month.Add(time.Duration(h) * time.Hour)
	l.end = l.start.Add(time.Hour)
	l.svc, l.account, l.lineType = sv, acct, "Usage"
	l.zone = ""
	if sv.zonal {
		l.zone = billZones[hs>>16%uint64(len(billZones))]
	}
	if sv.resource[len(sv.resource)-1] == 'x' {
		l.resource = fmt.Sprintf(sv.resource, hs>>4)
	} else {
		l.resource = fmt.Sprintf(sv.resource, acctNum(acct), slot)
	}
	l.usageMicro = 1_000_000
	if !sv.hourly {
		// day-shaped: 0.5× at night to 1.5× mid-day, and noise per row
		hod := h % 24
		diurnal := 500 + 1000*min(hod, 24-hod)/12
		l.usageMicro = int64(mix(uint64(i)) % uint64(sv.maxMicro+1) * uint64(diurnal) / 1000)
	}
	l.unitPrice = sv.rate
	// cost = usage × rate, in 1e-13 USD, rounded half up to 1e-10
	l.cost = (l.usageMicro*l.unitPrice + 500) / 1000
	l.desc = sv.usageType + " in US East (N. Virginia)"
	if r%500 == 0 { // a few credits, as promotional credits show up
		l.lineType, l.cost = "Credit", -l.cost
		l.desc = "AWS Credits"
	}
	l.team = billTeams[hs>>24%uint64(len(billTeams))]
	l.env = billEnvs[hs>>32%uint64(len(billEnvs))]
	l.cluster = ""
	if hs>>40%3 != 0 {
		l.cluster = "prod-" + l.env
	}
	g.total.Add(&g.total, big.NewInt(l.cost))
}

func acctNum(a string) int64 {
	n, _ := strconv.ParseInt(a, 10, 64)
	return n
}

// fixed formats v·10^-scale as a decimal, trailing zeros trimmed ("0.0416",
// "-1.25", "3").
func fixed(buf []byte, v int64, scale int) []byte {
	if v < 0 {
		buf = append(buf, '-')
		v = -v
	}
	p := int64(1)
	for range scale {
		p *= 10
	}
	buf = strconv.AppendInt(buf, v/p, 10)
	frac := v % p
	if frac == 0 {
		return buf
	}
	digits := strconv.AppendInt(nil, frac+p, 10)[1:] // zero-padded
	for digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	return append(append(buf, '.'), digits...)
}

// BillTotal is what a billing generator wrote: its rows and the exact sum of
// their unblended (billed) cost.
type BillTotal struct {
	Rows  int64
	Total string // exact decimal
}

func (g *billGen) result(rows int64) BillTotal {
	r := new(big.Rat).SetFrac(&g.total, big.NewInt(10_000_000_000))
	return BillTotal{Rows: rows, Total: r.FloatString(10)}
}

// scaleCURColumns is the header of the generated legacy CUR: the identity, bill,
// lineItem, product, pricing, reservation, savingsPlan and resourceTags
// columns of a real export (AWS CUR data dictionary,
// https://docs.aws.amazon.com/cur/latest/userguide/data-dictionary.html).
var scaleCURColumns = []string{
	"identity/LineItemId", "identity/TimeInterval",
	"bill/InvoiceId", "bill/BillingEntity", "bill/BillType", "bill/PayerAccountId",
	"bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate",
	"lineItem/UsageAccountId", "lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/UsageEndDate",
	"lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation", "lineItem/AvailabilityZone",
	"lineItem/ResourceId", "lineItem/UsageAmount", "lineItem/NormalizationFactor", "lineItem/CurrencyCode",
	"lineItem/UnblendedRate", "lineItem/UnblendedCost", "lineItem/BlendedRate", "lineItem/BlendedCost",
	"lineItem/LineItemDescription",
	"product/ProductName", "product/productFamily", "product/region", "product/regionCode", "product/servicecode",
	"pricing/publicOnDemandCost", "pricing/publicOnDemandRate", "pricing/term", "pricing/unit",
	"reservation/EffectiveCost", "savingsPlan/SavingsPlanEffectiveCost",
	"resourceTags/user:team", "resourceTags/user:env", "resourceTags/aws:eks:cluster-name",
}

// GenerateCUR writes rows [from, to) of an n-row legacy CUR (CSV,
// gzip-compressed) to w: a month of hourly lines over ~20 services and n/744
// resources, with about 0.2 % credits. Row i is the same whatever the range,
// so a month split into ranges adds up to the whole. It streams (memory does
// not grow with n) and returns the rows and exact total unblended cost it
// wrote.
func GenerateCUR(w io.Writer, n, from, to int64) (BillTotal, error) {
	zw := gzip.NewWriter(w)
	bw := bufio.NewWriterSize(zw, 1<<16)
	cw := csv.NewWriter(bw)
	if err := cw.Write(scaleCURColumns); err != nil {
		return BillTotal{}, err
	}
	g := newBillGen(n)
	var l billLine
	rec := make([]string, len(scaleCURColumns))
	var num []byte
	dec := func(v int64, scale int) string {
		num = fixed(num[:0], v, scale)
		return string(num)
	}
	periodStart, periodEnd := Month.Format(curTime), Month.AddDate(0, 1, 0).Format(curTime)
	interval := periodStart + "/" + periodEnd
	for i := from; i < to; i++ {
		g.line(i, &l)
		sv := l.svc
		rate := dec(l.unitPrice, 7)
		cost := dec(l.cost, 10)
		rec = append(rec[:0],
			l.id, interval,
			"", "AWS", "Anniversary", billPayer, periodStart, periodEnd,
			l.account, l.lineType, l.start.Format(curTime), l.end.Format(curTime),
			sv.code, sv.usageType, sv.operation, l.zone,
			l.resource, dec(l.usageMicro, 6), "0", "USD",
			rate, cost, rate, cost,
			l.desc,
			sv.name, sv.category, billRegion, billRegion, sv.code,
			cost, rate, "OnDemand", sv.unit,
			"", "",
			l.team, l.env, l.cluster,
		)
		if err := cw.Write(rec); err != nil {
			return BillTotal{}, err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return BillTotal{}, err
	}
	if err := bw.Flush(); err != nil {
		return BillTotal{}, err
	}
	if err := zw.Close(); err != nil {
		return BillTotal{}, err
	}
	return g.result(to - from), nil
}

// focusRow is one row of the generated FOCUS 1.0 export (column names and
// types: FinOps FOCUS 1.0 specification, https://focus.finops.org/focus-specification/v1-0/;
// x_UsageType and x_Operation as AWS's FOCUS export adds them). Money and
// quantities are DECIMAL, as the specification types them.
type focusRow struct {
	BilledCost          int64             `parquet:"BilledCost,decimal(10:18)"`
	EffectiveCost       int64             `parquet:"EffectiveCost,decimal(10:18)"`
	ListCost            int64             `parquet:"ListCost,decimal(10:18)"`
	ContractedCost      int64             `parquet:"ContractedCost,decimal(10:18)"`
	BillingAccountID    string            `parquet:"BillingAccountId,dict"`
	BillingAccountName  string            `parquet:"BillingAccountName,dict"`
	SubAccountID        string            `parquet:"SubAccountId,dict"`
	BillingCurrency     string            `parquet:"BillingCurrency,dict"`
	BillingPeriodStart  time.Time         `parquet:"BillingPeriodStart,timestamp(millisecond)"`
	BillingPeriodEnd    time.Time         `parquet:"BillingPeriodEnd,timestamp(millisecond)"`
	ChargePeriodStart   time.Time         `parquet:"ChargePeriodStart,timestamp(millisecond)"`
	ChargePeriodEnd     time.Time         `parquet:"ChargePeriodEnd,timestamp(millisecond)"`
	ChargeCategory      string            `parquet:"ChargeCategory,dict"`
	ChargeClass         *string           `parquet:"ChargeClass,optional,dict"`
	ChargeDescription   string            `parquet:"ChargeDescription,dict"`
	ChargeFrequency     string            `parquet:"ChargeFrequency,dict"`
	ProviderName        string            `parquet:"ProviderName,dict"`
	PublisherName       string            `parquet:"PublisherName,dict"`
	InvoiceIssuerName   string            `parquet:"InvoiceIssuerName,dict"`
	ServiceName         string            `parquet:"ServiceName,dict"`
	ServiceCategory     string            `parquet:"ServiceCategory,dict"`
	RegionID            string            `parquet:"RegionId,dict"`
	RegionName          string            `parquet:"RegionName,dict"`
	AvailabilityZone    *string           `parquet:"AvailabilityZone,optional,dict"`
	ResourceID          string            `parquet:"ResourceId"`
	ResourceType        string            `parquet:"ResourceType,dict"`
	SkuID               string            `parquet:"SkuId,dict"`
	PricingCategory     string            `parquet:"PricingCategory,dict"`
	PricingQuantity     int64             `parquet:"PricingQuantity,decimal(6:18)"`
	PricingUnit         string            `parquet:"PricingUnit,dict"`
	ConsumedQuantity    int64             `parquet:"ConsumedQuantity,decimal(6:18)"`
	ConsumedUnit        string            `parquet:"ConsumedUnit,dict"`
	ListUnitPrice       int64             `parquet:"ListUnitPrice,decimal(7:18)"`
	ContractedUnitPrice int64             `parquet:"ContractedUnitPrice,decimal(7:18)"`
	Tags                map[string]string `parquet:"Tags"`
	XUsageType          string            `parquet:"x_UsageType,dict"`
	XOperation          string            `parquet:"x_Operation,dict"`
}

// GenerateFOCUSParquet writes the same lines as GenerateCUR (rows [from, to)
// of an n-row month) as a FOCUS 1.0 Parquet file (snappy, row groups of
// BillRowGroup rows), streaming one batch at a time, and returns the rows
// and exact total BilledCost written.
func GenerateFOCUSParquet(w io.Writer, n, from, to int64) (BillTotal, error) {
	pw := parquet.NewGenericWriter[focusRow](w,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(BillRowGroup))
	g := newBillGen(n)
	var l billLine
	const batch = 4096
	rows := make([]focusRow, 0, batch)
	periodEnd := Month.AddDate(0, 1, 0)
	for i := from; i < to; i++ {
		g.line(i, &l)
		sv := l.svc
		r := focusRow{
			BilledCost: l.cost, EffectiveCost: l.cost, ListCost: l.cost, ContractedCost: l.cost,
			BillingAccountID: billPayer, BillingAccountName: "Example Corp", SubAccountID: l.account, BillingCurrency: "USD",
			BillingPeriodStart: Month, BillingPeriodEnd: periodEnd,
			ChargePeriodStart: l.start, ChargePeriodEnd: l.end,
			ChargeCategory: "Usage", ChargeDescription: l.desc, ChargeFrequency: "Usage-Based",
			ProviderName: "AWS", PublisherName: "AWS", InvoiceIssuerName: "AWS",
			ServiceName: sv.name, ServiceCategory: sv.category,
			RegionID: billRegion, RegionName: "US East (N. Virginia)",
			ResourceID: l.resource, ResourceType: sv.category, SkuID: sv.usageType,
			PricingCategory: "Standard", PricingQuantity: l.usageMicro, PricingUnit: sv.unit,
			ConsumedQuantity: l.usageMicro, ConsumedUnit: sv.unit,
			ListUnitPrice: l.unitPrice, ContractedUnitPrice: l.unitPrice,
			Tags:       map[string]string{"user:team": l.team, "user:env": l.env},
			XUsageType: sv.usageType, XOperation: sv.operation,
		}
		if l.lineType == "Credit" {
			r.ChargeCategory, r.ChargeClass, r.PricingCategory = "Credit", nil, "Other"
			r.ChargeFrequency = "One-Time"
		}
		if l.zone != "" {
			z := l.zone
			r.AvailabilityZone = &z
		}
		if l.cluster != "" {
			r.Tags["aws:eks:cluster-name"] = l.cluster
		}
		rows = append(rows, r)
		if len(rows) == batch || i == to-1 {
			if _, err := pw.Write(rows); err != nil {
				return BillTotal{}, err
			}
			rows = rows[:0]
		}
	}
	if err := pw.Close(); err != nil {
		return BillTotal{}, err
	}
	return g.result(to - from), nil
}

// WriteBillFile writes rows [from, to) of an n-row generated month to path:
// FOCUS Parquet when parquet is set, else a legacy CUR CSV.gz.
func WriteBillFile(path string, n, from, to int64, parquet bool) (BillTotal, error) {
	f, err := os.Create(path)
	if err != nil {
		return BillTotal{}, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	var t BillTotal
	if parquet {
		t, err = GenerateFOCUSParquet(bw, n, from, to)
	} else {
		t, err = GenerateCUR(bw, n, from, to)
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return BillTotal{}, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// SplitBill writes an n-row generated month as parts files of consecutive
// rows, named after path with "-Kofparts" before the extension
// (cur.csv.gz → cur-1of4.csv.gz), and returns their names and totals.
func SplitBill(path string, n int64, parts int, parquet bool) ([]string, []BillTotal, error) {
	ext := ".csv.gz"
	if parquet {
		ext = ".parquet"
	}
	stem := strings.TrimSuffix(path, ext)
	var names []string
	var totals []BillTotal
	for k := range int64(parts) {
		name := fmt.Sprintf("%s-%dof%d%s", stem, k+1, parts, ext)
		t, err := WriteBillFile(name, n, k*n/int64(parts), (k+1)*n/int64(parts), parquet)
		if err != nil {
			return nil, nil, err
		}
		names, totals = append(names, name), append(totals, t)
	}
	return names, totals, nil
}

// SumBill adds totals up exactly.
func SumBill(ts []BillTotal) (BillTotal, error) {
	var sum BillTotal
	acc := new(big.Rat)
	for _, t := range ts {
		r, ok := new(big.Rat).SetString(t.Total)
		if !ok {
			return sum, fmt.Errorf("bad total %q", t.Total)
		}
		acc.Add(acc, r)
		sum.Rows += t.Rows
	}
	sum.Total = acc.FloatString(10)
	return sum, nil
}
