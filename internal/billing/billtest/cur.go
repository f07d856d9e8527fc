package billtest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"time"
)

// CURCSVGz builds a legacy CUR CSV.gz of n rows with the columns refit
// reads plus filler columns, like a real export.
func CURCSVGz(n int) []byte {
	cols := []string{
		"identity/LineItemId", "bill/PayerAccountId", "lineItem/UsageAccountId", "lineItem/LineItemType",
		"lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode", "lineItem/UsageType",
		"lineItem/Operation", "lineItem/AvailabilityZone", "lineItem/ResourceId", "lineItem/UsageAmount",
		"lineItem/CurrencyCode", "lineItem/UnblendedRate", "lineItem/UnblendedCost", "lineItem/BlendedCost",
		"lineItem/LineItemDescription", "product/ProductName", "product/instanceType", "product/region",
		"product/regionCode", "pricing/term", "pricing/unit", "reservation/EffectiveCost",
		"savingsPlan/SavingsPlanEffectiveCost", "resourceTags/user:team", "resourceTags/user:env",
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	fmt.Fprintln(zw, strings.Join(cols, ","))
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		s := base.Add(time.Duration(i%720) * time.Hour)
		fmt.Fprintf(zw, "id%d,111122223333,44445555%04d,Usage,%s,%s,AmazonEC2,USE2-BoxUsage:m5.large,RunInstances,us-east-2a,i-%08x,1.0,USD,0.096,0.%07d,0.096,\"$0.096 per On Demand Linux m5.large Instance Hour\",Amazon Elastic Compute Cloud,m5.large,us-east-2,us-east-2,OnDemand,Hrs,,,team%d,prod\n",
			i, i%7, s.Format("2006-01-02T15:04:05Z"), s.Add(time.Hour).Format("2006-01-02T15:04:05Z"), i%5000, 960000+i%1000, i%9)
	}
	zw.Close()
	return buf.Bytes()
}
