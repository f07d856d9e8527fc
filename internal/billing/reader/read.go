package reader

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/query"
)

// field is one input column a reader needs, whatever its name in a format.
type field int

const (
	fStart field = iota
	fEnd
	fAccount
	fAccountFallback
	fRegionCode
	fRegion
	fAZ
	fService
	fUsageType
	fOperation
	fResource
	fType
	fDesc
	fUnblended
	fNet
	fSPEffective
	fSPTotalCommitment
	fSPUsedCommitment
	fEffective
	fRIUnusedUpfront
	fRIUnusedRecurring
	fRIARN
	fUsage
	fUsageFallback
	fUnit
	fUnitFallback
	fTerm
	fCurrency
	fChargeClass
	fCommitType
	fCommitCategory
	fCommitStatus
	fTagsMap // CUR 2.0 resource_tags map, or FOCUS Tags JSON
	fProductMap
	numFields
)

type fieldKind int

const (
	kindString fieldKind = iota
	kindTime
	kindDecimal
	kindMap
)

// column names a field in each naming: legacy CUR CSV (category/Name),
// Athena/Parquet and CUR 2.0 (snake_case) and FOCUS.
type column struct {
	kind               fieldKind
	slash, snake, fcus string
}

// columns is refit's column mapping. CUR names: AWS CUR data dictionary
// (awsdocs/aws-cur-user-guide doc_source/Lineitem-columns.md,
// reservation-columns.md, savingsplans-columns.md); FOCUS 1.0 names:
// FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec v1.0 specification/columns;
// x_UsageType and x_Operation are AWS's FOCUS extension columns.
var columns = [numFields]column{
	fStart:             {kindTime, "lineItem/UsageStartDate", "line_item_usage_start_date", "ChargePeriodStart"},
	fEnd:               {kindTime, "lineItem/UsageEndDate", "line_item_usage_end_date", "ChargePeriodEnd"},
	fAccount:           {kindString, "lineItem/UsageAccountId", "line_item_usage_account_id", "SubAccountId"},
	fAccountFallback:   {kindString, "bill/PayerAccountId", "bill_payer_account_id", "BillingAccountId"},
	fRegionCode:        {kindString, "product/regionCode", "product_region_code", "RegionId"},
	fRegion:            {kindString, "product/region", "product_region", ""},
	fAZ:                {kindString, "lineItem/AvailabilityZone", "line_item_availability_zone", "AvailabilityZone"},
	fService:           {kindString, "lineItem/ProductCode", "line_item_product_code", "ServiceName"},
	fUsageType:         {kindString, "lineItem/UsageType", "line_item_usage_type", "x_UsageType"},
	fOperation:         {kindString, "lineItem/Operation", "line_item_operation", "x_Operation"},
	fResource:          {kindString, "lineItem/ResourceId", "line_item_resource_id", "ResourceId"},
	fType:              {kindString, "lineItem/LineItemType", "line_item_line_item_type", "ChargeCategory"},
	fDesc:              {kindString, "lineItem/LineItemDescription", "line_item_line_item_description", "ChargeDescription"},
	fUnblended:         {kindDecimal, "lineItem/UnblendedCost", "line_item_unblended_cost", "BilledCost"},
	fNet:               {kindDecimal, "lineItem/NetUnblendedCost", "line_item_net_unblended_cost", ""},
	fSPEffective:       {kindDecimal, "savingsPlan/SavingsPlanEffectiveCost", "savings_plan_savings_plan_effective_cost", ""},
	fSPTotalCommitment: {kindDecimal, "savingsPlan/TotalCommitmentToDate", "savings_plan_total_commitment_to_date", ""},
	fSPUsedCommitment:  {kindDecimal, "savingsPlan/UsedCommitment", "savings_plan_used_commitment", ""},
	fEffective:         {kindDecimal, "reservation/EffectiveCost", "reservation_effective_cost", "EffectiveCost"},
	fRIUnusedUpfront:   {kindDecimal, "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation_unused_amortized_upfront_fee_for_billing_period", ""},
	fRIUnusedRecurring: {kindDecimal, "reservation/UnusedRecurringFee", "reservation_unused_recurring_fee", ""},
	fRIARN:             {kindString, "reservation/ReservationARN", "reservation_reservation_a_r_n", ""},
	fUsage:             {kindDecimal, "lineItem/UsageAmount", "line_item_usage_amount", "ConsumedQuantity"},
	fUsageFallback:     {kindDecimal, "", "", "PricingQuantity"},
	fUnit:              {kindString, "pricing/unit", "pricing_unit", "ConsumedUnit"},
	fUnitFallback:      {kindString, "", "", "PricingUnit"},
	fTerm:              {kindString, "pricing/term", "pricing_term", "PricingCategory"},
	fCurrency:          {kindString, "lineItem/CurrencyCode", "line_item_currency_code", "BillingCurrency"},
	fChargeClass:       {kindString, "", "", "ChargeClass"},
	fCommitType:        {kindString, "", "", "CommitmentDiscountType"},
	fCommitCategory:    {kindString, "", "", "CommitmentDiscountCategory"},
	fCommitStatus:      {kindString, "", "", "CommitmentDiscountStatus"},
	fTagsMap:           {kindMap, "", "resource_tags", "Tags"},
	fProductMap:        {kindMap, "", "product", ""},
}

// naming picks the column-name style of a header.
type naming int

const (
	namingSlash naming = iota
	namingSnake
	namingFOCUS
)

func (c column) name(n naming) string {
	switch n {
	case namingSlash:
		return c.slash
	case namingSnake:
		return c.snake
	}
	return c.fcus
}

// namingOf tells the naming style from the format and the header.
func namingOf(f charge.Format, cols []string) naming {
	if f == charge.FormatFOCUS {
		return namingFOCUS
	}
	for _, c := range cols {
		if c == "lineItem/UnblendedCost" {
			return namingSlash
		}
	}
	return namingSnake
}

// tagKey turns a tag column name into a tag key, or "" if the column is
// not a tag: legacy CSV resourceTags/user:Name → Name and
// resourceTags/aws:createdBy → aws:createdBy; Athena
// resource_tags_user_cost_center → cost_center and
// resource_tags_aws_created_by → aws:created_by (Athena lower-cases and
// snake-cases the key, so the original spelling is lost).
func tagKey(col string) string {
	if k, ok := strings.CutPrefix(col, "resourceTags/"); ok {
		return strings.TrimPrefix(k, "user:")
	}
	if k, ok := strings.CutPrefix(col, "resource_tags_"); ok {
		return normalizeMapTagKey(k)
	}
	return ""
}

// normalizeMapTagKey normalizes a CUR 2.0 resource_tags map key (user_team,
// aws_created_by) the same way as Athena tag columns.
func normalizeMapTagKey(k string) string {
	if r, ok := strings.CutPrefix(k, "user_"); ok {
		return r
	}
	if r, ok := strings.CutPrefix(k, "user:"); ok {
		return r
	}
	if r, ok := strings.CutPrefix(k, "aws_"); ok {
		return "aws:" + r
	}
	return k
}

// row is one input row's needed values before normalization.
type row struct {
	s   [numFields]string
	d   [numFields]decimal.Decimal
	set [numFields]bool // a decimal field had a value
	t   [2]time.Time    // fStart, fEnd
}

func (r *row) reset() {
	*r = row{}
}

// interner shares repeated strings (services, usage types, regions) and
// copies them out of reader buffers, so callers may keep them.
type interner struct {
	m map[string]string
}

const maxInterned = 1 << 16

func (in *interner) str(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in.m[s]; ok {
		return v
	}
	c := strings.Clone(s)
	if in.m == nil {
		in.m = make(map[string]string, 1024)
	}
	if len(in.m) < maxInterned {
		in.m[c] = c
	}
	return c
}

func (in *interner) bytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if v, ok := in.m[string(b)]; ok {
		return v
	}
	return in.str(string(b))
}

const maxExponent = 64

// parseDecimal parses a cost or quantity string exactly. Empty and NULL
// are "no value".
func parseDecimal(s string) (decimal.Decimal, bool, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "NULL" || s == "null" {
		return decimal.Decimal{}, false, nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, false, fmt.Errorf("bad number %q", s)
	}
	// A huge exponent (1e-999999999) would make every later sum rescale to
	// a billion digits; billing numbers fit DECIMAL(38, x) with room to spare.
	if e := d.Exponent(); e < -maxExponent || e > maxExponent {
		return decimal.Decimal{}, false, fmt.Errorf("number out of range %q", s)
	}
	return d, true, nil
}

// parseDecimalBytes is parseDecimal for the common plain form
// (-?digits[.digits], at most 18 digits), without a string; anything else
// goes through parseDecimal.
func parseDecimalBytes(b []byte) (decimal.Decimal, bool, error) {
	if len(b) == 0 {
		return decimal.Decimal{}, false, nil
	}
	i := 0
	neg := b[0] == '-'
	if neg {
		i++
	}
	var m int64
	digits, frac := 0, -1
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + int64(c-'0')
			if digits++; digits > 18 {
				return parseDecimal(string(b))
			}
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0:
			frac = 0
		default:
			return parseDecimal(string(b))
		}
	}
	if digits == 0 || frac == 0 {
		return parseDecimal(string(b))
	}
	if neg {
		m = -m
	}
	return decimal.New(m, -int32(max(frac, 0))), true, nil
}

// timeLayouts are the date forms seen in exports: CUR CSV
// 2023-11-01T00:00:00Z and 2023-11-01T00:00:00.000Z, FOCUS CSV
// "2024-09-18 22:00:00" (UTC), and date-only values.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
	"20060102T150405.000Z",
}

// timeCache remembers the last parsed value: rows come sorted or grouped
// by hour, so most dates repeat.
type timeCache struct {
	s string
	t time.Time
}

func (c *timeCache) parse(s string) (time.Time, error) {
	if s == c.s && s != "" {
		return c.t, nil
	}
	t, err := parseTime(s)
	if err != nil {
		return t, err
	}
	c.s, c.t = strings.Clone(s), t
	return t, nil
}

// parseBytes is parse without making a string when the value repeats.
func (c *timeCache) parseBytes(b []byte) (time.Time, error) {
	if len(b) != 0 && string(b) == c.s {
		return c.t, nil
	}
	return c.parse(string(b))
}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "NULL" {
		return time.Time{}, errors.New("missing date")
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", s)
}

// regionFromAZ turns an availability zone (us-east-1a) into its region.
func regionFromAZ(az string) string {
	n := len(az)
	i := n
	for i > 0 && az[i-1] >= 'a' && az[i-1] <= 'z' {
		i--
	}
	if i == n || i == 0 || az[i-1] < '0' || az[i-1] > '9' {
		return ""
	}
	return az[:i]
}

// normalize fills c from r. The rules per format:
//
// Net is the net unblended cost when the export has it, else Unblended.
//
// Amortized (CUR) follows the amortized-cost rule of AWS's CUR query
// library (awslabs/aws-well-architected-labs
// static/Cost/300_CUR_Queries/Code/Global/amortized_cost_by_charge_type.sql):
//   - SavingsPlanCoveredUsage: savingsPlan/SavingsPlanEffectiveCost;
//   - SavingsPlanRecurringFee: TotalCommitmentToDate − UsedCommitment (the
//     unused commitment; the used part is in the covered usage);
//   - SavingsPlanNegation, SavingsPlanUpfrontFee: 0;
//   - DiscountedUsage: reservation/EffectiveCost;
//   - RIFee: UnusedAmortizedUpfrontFeeForBillingPeriod + UnusedRecurringFee;
//   - Fee with a reservation ARN (RI upfront payment): 0;
//   - anything else: Unblended.
//
// A rule whose columns the file lacks falls back to Unblended.
// Amortized (FOCUS) is EffectiveCost.
func normalize(f charge.Format, r *row, has *[numFields]bool, c *charge.Charge) {
	c.Start, c.End = r.t[0], r.t[1]
	c.Account = r.s[fAccount]
	if c.Account == "" {
		c.Account = r.s[fAccountFallback]
	}
	c.Region = r.s[fRegionCode]
	if c.Region == "" {
		c.Region = r.s[fRegion]
	}
	if c.Region == "" {
		c.Region = regionFromAZ(r.s[fAZ])
	}
	c.Service = r.s[fService]
	c.UsageType = r.s[fUsageType]
	c.Operation = r.s[fOperation]
	c.ResourceID = r.s[fResource]
	c.Description = r.s[fDesc]
	c.Unblended = r.d[fUnblended]
	c.Net = c.Unblended
	if r.set[fNet] {
		c.Net = r.d[fNet]
	}
	c.UsageAmount = r.d[fUsage]
	if !r.set[fUsage] && r.set[fUsageFallback] {
		c.UsageAmount = r.d[fUsageFallback]
	}
	c.Unit = r.s[fUnit]
	if c.Unit == "" {
		c.Unit = r.s[fUnitFallback]
	}
	c.Currency = r.s[fCurrency]
	if f == charge.FormatFOCUS {
		normalizeFOCUS(r, c)
		return
	}
	c.LineItemType = r.s[fType]
	c.Amortized = c.Unblended
	pick := func(fl field) {
		if has[fl] {
			c.Amortized = r.d[fl]
		}
	}
	switch c.LineItemType {
	case "SavingsPlanCoveredUsage":
		pick(fSPEffective)
	case "SavingsPlanRecurringFee":
		if has[fSPTotalCommitment] && has[fSPUsedCommitment] {
			c.Amortized = r.d[fSPTotalCommitment].Sub(r.d[fSPUsedCommitment])
		}
	case "SavingsPlanNegation", "SavingsPlanUpfrontFee":
		c.Amortized = decimal.Zero
	case "DiscountedUsage":
		pick(fEffective)
	case "RIFee":
		if has[fRIUnusedUpfront] && has[fRIUnusedRecurring] {
			c.Amortized = r.d[fRIUnusedUpfront].Add(r.d[fRIUnusedRecurring])
		}
	case "Fee":
		if r.s[fRIARN] != "" {
			c.Amortized = decimal.Zero
		}
	}
	c.Term = curTerm(c.LineItemType, c.UsageType, r.s[fTerm])
}

// curTerm says how CUR usage was bought: savings plan and reservation line
// item types first, then SpotUsage usage types, then pricing/term.
// Non-usage lines (Tax, Fee, Credit…) have no term.
func curTerm(lineItemType, usageType, pricingTerm string) charge.Term {
	switch lineItemType {
	case "SavingsPlanCoveredUsage", "SavingsPlanNegation", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee":
		return charge.TermSavingsPlan
	case "DiscountedUsage", "RIFee":
		return charge.TermReserved
	case "Usage":
	default:
		return charge.TermOther
	}
	switch {
	case strings.Contains(usageType, "SpotUsage"):
		return charge.TermSpot
	case pricingTerm == "Reserved":
		return charge.TermReserved
	}
	return charge.TermOnDemand
}

// normalizeFOCUS maps FOCUS charge columns to CUR-like values:
//
//	ChargeClass Correction                 → Refund
//	ChargeCategory Usage                   → Usage; with a used commitment
//	                                         SavingsPlanCoveredUsage or
//	                                         DiscountedUsage; unused
//	                                         commitment SavingsPlanRecurringFee
//	                                         or RIFee
//	ChargeCategory Purchase                → Fee (RIFee, SavingsPlanRecurringFee
//	                                         for commitments)
//	ChargeCategory Tax, Credit             → Tax, Credit
//	ChargeCategory Adjustment              → Refund when negative, else Fee
//
// Term: PricingCategory Standard → on-demand, Dynamic → spot, Committed →
// savings plan or reserved by the commitment's type/category (FOCUS 1.0
// CommitmentDiscountCategory Spend = savings plan, Usage = reservation).
func normalizeFOCUS(r *row, c *charge.Charge) {
	c.Amortized = r.d[fEffective]
	if !r.set[fEffective] {
		c.Amortized = c.Unblended
	}
	commit := commitmentTerm(r.s[fCommitType], r.s[fCommitCategory])
	switch r.s[fTerm] {
	case "Standard":
		c.Term = charge.TermOnDemand
	case "Dynamic":
		c.Term = charge.TermSpot
	case "Committed":
		c.Term = commit
	default:
		c.Term = charge.TermOther
	}
	if strings.Contains(c.UsageType, "SpotUsage") {
		c.Term = charge.TermSpot
	}
	cat := r.s[fType]
	switch {
	case strings.EqualFold(r.s[fChargeClass], "Correction"):
		c.LineItemType = "Refund"
	case cat == "Usage":
		c.LineItemType = "Usage"
		status := r.s[fCommitStatus]
		switch {
		case status == "Used" && commit == charge.TermSavingsPlan:
			c.LineItemType = "SavingsPlanCoveredUsage"
		case status == "Used" && commit == charge.TermReserved:
			c.LineItemType = "DiscountedUsage"
		case status == "Unused" && commit == charge.TermSavingsPlan:
			c.LineItemType = "SavingsPlanRecurringFee"
		case status == "Unused" && commit == charge.TermReserved:
			c.LineItemType = "RIFee"
		}
	case cat == "Purchase":
		switch commit {
		case charge.TermSavingsPlan:
			c.LineItemType = "SavingsPlanRecurringFee"
		case charge.TermReserved:
			c.LineItemType = "RIFee"
		default:
			c.LineItemType = "Fee"
		}
	case cat == "Tax", cat == "Credit":
		c.LineItemType = cat
	case cat == "Adjustment":
		c.LineItemType = "Fee"
		if c.Unblended.Sign() < 0 {
			c.LineItemType = "Refund"
		}
	default:
		c.LineItemType = cat
	}
}

func commitmentTerm(typ, category string) charge.Term {
	t := strings.ToLower(typ)
	switch {
	case strings.Contains(t, "savings"):
		return charge.TermSavingsPlan
	case strings.Contains(t, "reserv"):
		return charge.TermReserved
	case category == "Spend":
		return charge.TermSavingsPlan
	case category == "Usage":
		return charge.TermReserved
	}
	return charge.TermOther
}

// parseTagsJSON decodes a FOCUS Tags or CUR 2.0 CSV map value into tags.
// Non-string values are kept in their JSON form. A malformed value leaves
// the tags empty (tags never reject a row: its cost still counts).
func parseTagsJSON(s string, in *interner, tags map[string]string, normalizeKeys bool) {
	s = strings.TrimSpace(s)
	if s == "" || s == "NULL" || s == "{}" {
		return
	}
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &m) != nil {
		return
	}
	for k, raw := range m {
		var v string
		if json.Unmarshal(raw, &v) != nil {
			v = string(raw)
		}
		if normalizeKeys {
			k = normalizeMapTagKey(k)
		}
		tags[in.str(k)] = in.str(v)
	}
}

// rowErrors counts rejected rows and keeps the first few errors.
type rowErrors struct {
	opt   Options
	stats *query.Stats
}

// reject records a bad row; with Strict it returns the error to stop on.
func (re rowErrors) reject(file string, rowNum int, err error) error {
	re.stats.Rejected++
	e := charge.RowError{File: file, Row: rowNum, Err: err}
	if re.opt.Strict {
		return &e
	}
	if len(re.stats.Errors) < maxErrors(re.opt) {
		re.stats.Errors = append(re.stats.Errors, e)
	}
	return nil
}

func maxErrors(opt Options) int {
	if opt.MaxErrors > 0 {
		return opt.MaxErrors
	}
	return 20
}

func source(name string, n int) string { return name + ":" + strconv.Itoa(n) }

// Read reads one billing file (CSV, CSV.gz or Parquet, any format
// Detect knows) and calls fn for each charge, in file order. fn receives
// the same *Charge every call (its fields, including the Tags map, are
// overwritten for the next row): it must copy what it keeps. Strings in a
// Charge are safe to keep.
func Read(ctx context.Context, obj objstore.Object, opt Options, fn func(*charge.Charge) error) (query.Stats, error) {
	defer objstore.Close(obj)
	kind, err := sniff(obj)
	if err != nil {
		return query.Stats{}, err
	}
	var c charge.Charge
	switch kind {
	case containerJSON:
		return query.Stats{}, fmt.Errorf("%s: is a manifest; expand it to its report parts first (Expand)", obj.Name())
	case containerParquet:
		pf, err := openParquet(obj)
		if err != nil {
			return query.Stats{}, err
		}
		pr, err := newParquetReader(obj, pf, opt.Projection)
		if err != nil {
			return query.Stats{}, err
		}
		st, err := pr.read(ctx, allGroups(pf), opt, &c, fn)
		st.Files, st.Bytes = 1, obj.Size()
		return st, err
	}
	return readCSV(ctx, obj, kind, opt, &c, fn)
}

// regionFromProductJSON reads the region from a CUR 2.0 product map written
// as JSON (CUR 2.0 CSV exports).
func regionFromProductJSON(s string, in *interner) string {
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil {
		return ""
	}
	for _, k := range []string{"region_code", "region"} {
		if v, ok := m[k].(string); ok && v != "" {
			return in.str(v)
		}
	}
	return ""
}
