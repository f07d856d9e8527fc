// Package billtest has the helpers the billing packages' tests share:
// generated CUR 2.0 and FOCUS Parquet files with known sums, and local
// objects.
package billtest

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/objstore"
)

// No public CUR 2.0 or FOCUS Parquet sample exists, so tests write their
// own with parquet-go, shaped after the AWS CUR 2.0 table dictionary
// (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html)
// and the FOCUS 1.0 column list.

// cur2Row is a CUR 2.0 row: snake_case columns, TIMESTAMP(MILLIS) dates,
// DOUBLE costs, a DECIMAL net cost and the product / resource_tags maps.
type cur2Row struct {
	BillStart   time.Time         `parquet:"bill_billing_period_start_date,timestamp(millisecond)"`
	PayerName   string            `parquet:"bill_payer_account_name"`
	Account     string            `parquet:"line_item_usage_account_id"`
	Type        string            `parquet:"line_item_line_item_type"`
	Start       time.Time         `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
	End         time.Time         `parquet:"line_item_usage_end_date,timestamp(millisecond)"`
	Product     string            `parquet:"line_item_product_code"`
	UsageType   string            `parquet:"line_item_usage_type"`
	Operation   string            `parquet:"line_item_operation"`
	Resource    string            `parquet:"line_item_resource_id,optional"`
	AZ          string            `parquet:"line_item_availability_zone"`
	Usage       float64           `parquet:"line_item_usage_amount"`
	Unblended   float64           `parquet:"line_item_unblended_cost"`
	Net         int64             `parquet:"line_item_net_unblended_cost,decimal(8:18)"`
	SPEffective float64           `parquet:"savings_plan_savings_plan_effective_cost"`
	RIEffective float64           `parquet:"reservation_effective_cost"`
	Currency    string            `parquet:"line_item_currency_code"`
	Term        string            `parquet:"pricing_term"`
	Unit        string            `parquet:"pricing_unit"`
	ProductMap  map[string]string `parquet:"product"`
	Tags        map[string]string `parquet:"resource_tags"`
}

// Want is what a generated file sums to.
type Want struct {
	Unblended, Amortized decimal.Decimal
	Tagged, ProductRegion,
	Spot int
}

// WriteCUR2Parquet writes rows CUR 2.0 rows (perGroup rows per row group,
// 0 = one group) and returns the expected sums.
func WriteCUR2Parquet(t testing.TB, path string, rows, perGroup int) Want {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var opts []parquet.WriterOption
	if perGroup > 0 {
		opts = append(opts, parquet.MaxRowsPerRowGroup(int64(perGroup)))
	}
	w := parquet.NewGenericWriter[cur2Row](f, opts...)
	want := Want{Unblended: decimal.Zero, Amortized: decimal.Zero}
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	buf := make([]cur2Row, 0, 256)
	flush := func() {
		if _, err := w.Write(buf); err != nil {
			t.Fatal(err)
		}
		buf = buf[:0]
	}
	for i := range rows {
		start := base.Add(time.Duration(i%720) * time.Hour)
		cost := float64(i%97)*0.0137 + 0.01
		r := cur2Row{
			BillStart: base, PayerName: "payer", Account: fmt.Sprintf("1111%08d", i%3),
			Type: "Usage", Start: start, End: start.Add(time.Hour),
			Product: "AmazonEC2", UsageType: "BoxUsage:m5.large", Operation: "RunInstances",
			Resource: fmt.Sprintf("i-%06d", i%50), AZ: "us-east-1a",
			Usage: 1, Unblended: cost, Net: int64(i%97)*1370000/100 + 900000, // 0.009 + …
			Currency: "USD", Term: "OnDemand", Unit: "Hrs",
			ProductMap: map[string]string{"instance_type": "m5.large"},
		}
		amort := decimal.NewFromFloat(cost)
		switch i % 10 {
		case 1:
			r.Type, r.SPEffective, r.Term = "SavingsPlanCoveredUsage", cost*0.6, ""
			amort = decimal.NewFromFloat(r.SPEffective)
		case 2:
			r.Type, r.Unblended, r.RIEffective, r.Term = "DiscountedUsage", 0, 0.042, "Reserved"
			amort = decimal.NewFromFloat(0.042)
		case 3:
			r.UsageType = "SpotUsage:m5.large"
		case 4:
			r.AZ = ""
			r.ProductMap = map[string]string{"region": "eu-west-1", "instance_type": "m5.large"}
			want.ProductRegion++
		}
		if i%4 == 0 {
			r.Tags = map[string]string{"user_team": "payments", "aws_created_by": "someone"}
			want.Tagged++
		}
		want.Unblended = want.Unblended.Add(decimal.NewFromFloat(r.Unblended))
		want.Amortized = want.Amortized.Add(amort)
		buf = append(buf, r)
		if len(buf) == cap(buf) {
			flush()
		}
	}
	flush()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return want
}

// focusRow is a FOCUS 1.0 row with a STRING BilledCost, a DECIMAL
// EffectiveCost and string dates, as some FOCUS writers produce.
type focusRow struct {
	BilledCost         string  `parquet:"BilledCost"`
	EffectiveCost      int64   `parquet:"EffectiveCost,decimal(6:18)"`
	ListCost           float64 `parquet:"ListCost"`
	BillingAccountID   string  `parquet:"BillingAccountId"`
	SubAccountID       string  `parquet:"SubAccountId"`
	BillingCurrency    string  `parquet:"BillingCurrency"`
	ChargeCategory     string  `parquet:"ChargeCategory"`
	ChargeClass        *string `parquet:"ChargeClass,optional"`
	ChargeDescription  string  `parquet:"ChargeDescription"`
	ChargePeriodStart  string  `parquet:"ChargePeriodStart"`
	ChargePeriodEnd    string  `parquet:"ChargePeriodEnd"`
	PricingCategory    string  `parquet:"PricingCategory"`
	ConsumedQuantity   float64 `parquet:"ConsumedQuantity"`
	ConsumedUnit       string  `parquet:"ConsumedUnit"`
	RegionID           string  `parquet:"RegionId"`
	ResourceID         *string `parquet:"ResourceId,optional"`
	ServiceName        string  `parquet:"ServiceName"`
	Tags               string  `parquet:"Tags"`
	CommitmentDiscount *string `parquet:"CommitmentDiscountType,optional"`
}

func WriteFOCUSParquet(t testing.TB, path string, rows, perGroup int) Want {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var opts []parquet.WriterOption
	if perGroup > 0 {
		opts = append(opts, parquet.MaxRowsPerRowGroup(int64(perGroup)))
	}
	w := parquet.NewGenericWriter[focusRow](f, opts...)
	want := Want{Unblended: decimal.Zero, Amortized: decimal.Zero}
	base := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		start := base.Add(time.Duration(i%240) * time.Hour)
		billed := decimal.New(int64(i%89)*1234+7, -7) // exact decimal strings
		eff := int64(i%89) * 100                      // 6 decimal places
		r := focusRow{
			BilledCost: billed.String(), EffectiveCost: eff, ListCost: 1,
			BillingAccountID: "999", SubAccountID: "123", BillingCurrency: "USD",
			ChargeCategory: "Usage", ChargeDescription: "On Demand Linux m5.large Instance Hour",
			ChargePeriodStart: start.Format("2006-01-02 15:04:05"), ChargePeriodEnd: start.Add(time.Hour).Format("2006-01-02 15:04:05"),
			PricingCategory: "Standard", ConsumedQuantity: 1, ConsumedUnit: "Hours", RegionID: "us-west-2",
			ServiceName: "Amazon Elastic Compute Cloud", Tags: `{"env": "prod", "team": "x"}`,
		}
		if i%7 == 0 {
			r.PricingCategory = "Dynamic"
			want.Spot++
		}
		want.Unblended = want.Unblended.Add(billed)
		want.Amortized = want.Amortized.Add(decimal.New(eff, -6))
		if _, err := w.Write([]focusRow{r}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return want
}

// WriteStringDateParquet writes a legacy-CUR-shaped file whose dates and
// costs are strings, for bad-row tests.
func WriteStringDateParquet(t testing.TB, path string, dates, costs []string) {
	t.Helper()
	type strRow struct {
		Start string `parquet:"line_item_usage_start_date"`
		Cost  string `parquet:"line_item_unblended_cost"`
		Code  string `parquet:"line_item_product_code"`
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := parquet.NewGenericWriter[strRow](f)
	for i := range dates {
		if _, err := w.Write([]strRow{{dates[i], costs[i], "AmazonEC2"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// Local is path as a local object.
func Local(t testing.TB, path string) *objstore.LocalObject {
	t.Helper()
	o, err := objstore.NewLocalObject(path)
	if err != nil {
		t.Fatal(err)
	}
	return o
}
