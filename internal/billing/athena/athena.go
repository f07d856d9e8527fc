// Package athena is the Athena engine: it runs billing queries as SQL in
// Amazon Athena, where the CUR, CUR 2.0 or FOCUS table already is, and
// classifies charges there with the same rules (charge.Rules) as a CASE.
package athena

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/refit-dev/refit/internal/awsclient"
	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/netlimit"
	"github.com/shopspring/decimal"
)

// API is the part of *athena.Client the Athena engine uses.
type API interface {
	StartQueryExecution(ctx context.Context, in *athena.StartQueryExecutionInput, opts ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error)
	GetQueryExecution(ctx context.Context, in *athena.GetQueryExecutionInput, opts ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error)
	GetQueryResults(ctx context.Context, in *athena.GetQueryResultsInput, opts ...func(*athena.Options)) (*athena.GetQueryResultsOutput, error)
	StopQueryExecution(ctx context.Context, in *athena.StopQueryExecutionInput, opts ...func(*athena.Options)) (*athena.StopQueryExecutionOutput, error)
	GetTableMetadata(ctx context.Context, in *athena.GetTableMetadataInput, opts ...func(*athena.Options)) (*athena.GetTableMetadataOutput, error)
}

// Options say where the billing table is and how to run queries.
type Options struct {
	// Database and Table name the CUR, CUR 2.0 or FOCUS table (Table may be
	// "database.table").
	Database, Table string
	// Workgroup and OutputLocation (s3://bucket/prefix/) are passed to
	// StartQueryExecution when set; a workgroup may enforce its own.
	Workgroup, OutputLocation string
	// Catalog is the data catalog holding Database (default
	// DefaultCatalog).
	Catalog string
	// Format is the table's column layout. FormatAuto (or "") reads it from
	// the table's columns with GetTableMetadata, falling back to
	// FormatCURLegacy with a warning when the metadata cannot be read.
	Format charge.Format
	// Partitions is how the table is partitioned, for pruning by date.
	// PartitionsAuto (or "") reads the partition keys with GetTableMetadata,
	// falling back to PartitionsNone with a warning.
	Partitions PartitionScheme
	// Warn receives one-line notes, such as a fallback taken because the
	// table metadata could not be read (nil: dropped).
	Warn func(msg string)
	// Rules classify charges into components (default Rules).
	Rules []charge.Rule
	// Timeout bounds a query when ctx has no deadline (default 10 minutes).
	Timeout time.Duration
	// Poll is the first wait between status checks; it grows by half up to
	// 5 s (default 250 ms).
	Poll time.Duration
}

// Athena engine defaults.
const (
	defaultAthenaTimeout = 10 * time.Minute
	defaultAthenaPoll    = 250 * time.Millisecond
	maxAthenaPoll        = 5 * time.Second
)

// Engine runs aggregations as SQL in Amazon Athena, where the billing
// export already is: only the aggregated rows leave AWS.
type Engine struct {
	api API
	opt Options

	// The format and partitioning in use, resolved before the first query
	// (and kept for the engine's life only).
	mu       sync.Mutex
	resolved bool
	format   charge.Format
	parts    PartitionScheme
}

// New returns an Engine querying opt.Table through client (an
// *athena.Client, or a fake in tests).
func New(client API, opt Options) *Engine {
	if opt.Format == "" {
		opt.Format = FormatAuto
	}
	if opt.Partitions == "" {
		opt.Partitions = PartitionsAuto
	}
	if opt.Catalog == "" {
		opt.Catalog = DefaultCatalog
	}
	if opt.Timeout <= 0 {
		opt.Timeout = defaultAthenaTimeout
	}
	if opt.Poll <= 0 {
		opt.Poll = defaultAthenaPoll
	}
	return &Engine{api: client, opt: opt}
}

// Aggregate runs q as one Athena query and reads its result. Before the
// engine's first query it settles the table's format and partitions (see
// Options), reading the table metadata when either is auto.
func (e *Engine) Aggregate(ctx context.Context, q query.Query) (*query.Result, error) {
	if e.api == nil {
		return nil, errNoEngine
	}
	rules := e.opt.Rules
	if rules == nil {
		rules = charge.Rules
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.opt.Timeout)
		defer cancel()
	}
	format, parts, err := e.resolve(ctx)
	if err != nil {
		return nil, err
	}
	sql, err := buildSQL(q, e.opt.Table, format, rules, parts)
	if err != nil {
		return nil, err
	}
	in := &athena.StartQueryExecutionInput{QueryString: aws.String(sql)}
	if e.opt.Database != "" || e.opt.Catalog != DefaultCatalog {
		in.QueryExecutionContext = &types.QueryExecutionContext{}
		if e.opt.Database != "" {
			in.QueryExecutionContext.Database = aws.String(e.opt.Database)
		}
		if e.opt.Catalog != DefaultCatalog {
			in.QueryExecutionContext.Catalog = aws.String(e.opt.Catalog)
		}
	}
	if e.opt.Workgroup != "" {
		in.WorkGroup = aws.String(e.opt.Workgroup)
	}
	if e.opt.OutputLocation != "" {
		in.ResultConfiguration = &types.ResultConfiguration{OutputLocation: aws.String(e.opt.OutputLocation)}
	}
	start, err := e.api.StartQueryExecution(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("athena: starting query: %w", err)
	}
	id := aws.ToString(start.QueryExecutionId)
	exec, err := e.wait(ctx, id)
	if err != nil {
		return nil, err
	}
	res, err := e.results(ctx, id, len(q.GroupBy))
	if err != nil {
		return nil, err
	}
	res.Stats.Format = format
	if exec.Statistics != nil {
		res.Stats.Bytes = aws.ToInt64(exec.Statistics.DataScannedInBytes)
	}
	query.SortRows(res.Rows, q.GroupBy)
	return res, nil
}

// wait polls the query until it ends, backing off; when ctx ends first the
// query is stopped so it does not go on scanning (and billing).
func (e *Engine) wait(ctx context.Context, id string) (*types.QueryExecution, error) {
	delay := e.opt.Poll
	for {
		out, err := e.api.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: &id})
		if err != nil {
			if ctx.Err() != nil {
				return nil, e.stop(id, whyEnded(ctx, err))
			}
			return nil, fmt.Errorf("athena: query %s: %w", id, err)
		}
		qe := out.QueryExecution
		if qe == nil || qe.Status == nil {
			return nil, fmt.Errorf("athena: query %s: no status in the answer", id)
		}
		switch qe.Status.State {
		case types.QueryExecutionStateSucceeded:
			return qe, nil
		case types.QueryExecutionStateFailed, types.QueryExecutionStateCancelled:
			return nil, fmt.Errorf("athena: query %s %s: %s", id, strings.ToLower(string(qe.Status.State)), aws.ToString(qe.Status.StateChangeReason))
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, e.stop(id, whyEnded(ctx, nil))
		case <-t.C:
		}
		if delay = delay * 3 / 2; delay > maxAthenaPoll {
			delay = maxAthenaPoll
		}
	}
}

// whyEnded says why ctx ended a call that failed with err: the
// *netlimit.NoAnswerError in err (it names the operation and endpoint),
// else ctx's cause.
func whyEnded(ctx context.Context, err error) error {
	var na *netlimit.NoAnswerError
	if errors.As(err, &na) {
		return na
	}
	if cause := context.Cause(ctx); cause != nil {
		return cause
	}
	return ctx.Err()
}

func (e *Engine) stop(id string, cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = e.api.StopQueryExecution(ctx, &athena.StopQueryExecutionInput{QueryExecutionId: &id})
	return fmt.Errorf("athena: query %s stopped: %w", id, cause)
}

// results reads every page of the result set: a header row, then one row
// per group with the columns buildSQL selects.
func (e *Engine) results(ctx context.Context, id string, dims int) (*query.Result, error) {
	res := &query.Result{}
	idx := map[string]int{}
	header := true
	p := athena.NewGetQueryResultsPaginator(e.api, &athena.GetQueryResultsInput{QueryExecutionId: &id})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("athena: query %s results: %w", id, err)
		}
		if page.ResultSet == nil {
			continue
		}
		for _, r := range page.ResultSet.Rows {
			vals := make([]string, len(r.Data))
			for i, d := range r.Data {
				vals[i] = aws.ToString(d.VarCharValue)
			}
			if header {
				header = false
				for i, v := range vals {
					idx[v] = i
				}
				for _, c := range resultColumns(dims) {
					if _, ok := idx[c]; !ok {
						return nil, fmt.Errorf("athena: query %s: result has no column %q", id, c)
					}
				}
				continue
			}
			if err := addResultRow(res, idx, vals, dims); err != nil {
				return nil, fmt.Errorf("athena: query %s: result row %d: %w", id, len(res.Rows)+2, err)
			}
		}
	}
	if header {
		return nil, fmt.Errorf("athena: query %s: empty result (no header row)", id)
	}
	return res, nil
}

func resultColumns(dims int) []string {
	cols := make([]string, 0, dims+6)
	for i := 0; i < dims; i++ {
		cols = append(cols, "k"+strconv.Itoa(i))
	}
	return append(cols, "cost", "usage", "row_count", "first_day", "last_day", "currency")
}

func addResultRow(res *query.Result, idx map[string]int, vals []string, dims int) error {
	get := func(c string) string {
		if i := idx[c]; i < len(vals) {
			return vals[i]
		}
		return ""
	}
	row := query.Row{Keys: make([]string, dims)}
	for i := range row.Keys {
		row.Keys[i] = get("k" + strconv.Itoa(i))
	}
	var err error
	if row.Cost, err = sqlDecimal(get("cost")); err != nil {
		return fmt.Errorf("cost: %w", err)
	}
	if row.Usage, err = sqlDecimal(get("usage")); err != nil {
		return fmt.Errorf("usage: %w", err)
	}
	if row.Rows, err = strconv.ParseInt(get("row_count"), 10, 64); err != nil {
		return fmt.Errorf("row_count: %w", err)
	}
	for _, c := range []string{"first_day", "last_day"} {
		s := get(c)
		if s == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return fmt.Errorf("%s: %w", c, err)
		}
		if res.First.IsZero() || d.Before(res.First) {
			res.First = d
		}
		if d.After(res.Last) {
			res.Last = d
		}
	}
	if cur := get("currency"); res.Currency == "" {
		res.Currency = cur
	}
	res.Rows = append(res.Rows, row)
	res.Total = res.Total.Add(row.Cost)
	res.Stats.Rows += row.Rows
	return nil
}

// sqlDecimal parses an Athena decimal or double ("" and NULL are zero).
func sqlDecimal(s string) (decimal.Decimal, error) {
	if s == "" {
		return decimal.Zero, nil
	}
	return decimal.NewFromString(s)
}

// SQL renders q as an Athena (Trino) query over table, a CUR, CUR 2.0 or
// FOCUS table in format, with the default classification Rules. The query
// returns one row per group: k0..kN (the GroupBy keys, as strings), cost and
// usage (DECIMAL(38,10) sums), row_count, first_day and last_day
// (YYYY-MM-DD) and currency. It mirrors the local engine: the same cost
// kinds, the same keys, and the component of a charge as Classify gives it.
func SQL(q query.Query, table string, format charge.Format) (string, error) {
	return buildSQL(q, table, format, charge.Rules, PartitionsNone)
}

// cols are the SQL expressions of a format's normalized fields.
type cols struct {
	start, account, region, service, usageType, resource, lineItemType, desc, usage, currency string
	unblended, net, amortized                                                                 string
	svcCode, spot                                                                             string
	tag                                                                                       func(key string) (string, error)
	// pre are columns computed beneath the classification columns
	// (FOCUS: the commitment kind), as {alias, expression}.
	pre [][2]string
}

// q quotes an identifier.
func q(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// lit quotes a string literal.
func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// dec casts a numeric expression to the decimal refit sums in.
func dec(expr string) string { return "CAST(COALESCE(" + expr + ", 0) AS DECIMAL(38, 10))" }

// curAmortized is the amortized cost of a CUR line, as read.go's normalize
// computes it (AWS CUR query library, amortized cost by charge type).
func curAmortized() string {
	u := q("line_item_unblended_cost")
	return "CASE " + q("line_item_line_item_type") +
		"\n      WHEN 'SavingsPlanCoveredUsage' THEN " + q("savings_plan_savings_plan_effective_cost") +
		"\n      WHEN 'SavingsPlanRecurringFee' THEN " + q("savings_plan_total_commitment_to_date") + " - " + q("savings_plan_used_commitment") +
		"\n      WHEN 'SavingsPlanNegation' THEN 0" +
		"\n      WHEN 'SavingsPlanUpfrontFee' THEN 0" +
		"\n      WHEN 'DiscountedUsage' THEN " + q("reservation_effective_cost") +
		"\n      WHEN 'RIFee' THEN " + q("reservation_unused_amortized_upfront_fee_for_billing_period") + " + " + q("reservation_unused_recurring_fee") +
		"\n      WHEN 'Fee' THEN CASE WHEN COALESCE(" + q("reservation_reservation_a_r_n") + ", '') <> '' THEN 0 ELSE " + u + " END" +
		"\n      ELSE " + u + " END"
}

// serviceCodeSQL maps FOCUS service names to lower-cased product codes, as
// ServiceCode does.
func serviceCodeSQL(expr string) string {
	codes := charge.ServiceCodes()
	names := make([]string, 0, len(codes))
	for n := range codes {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("CASE lower(trim(" + expr + "))")
	for _, n := range names {
		b.WriteString("\n      WHEN " + lit(n) + " THEN " + lit(strings.ToLower(codes[n])))
	}
	b.WriteString("\n      ELSE lower(" + expr + ") END")
	return b.String()
}

// curTagColumn is the legacy CUR Athena column of a tag: the CUR Athena
// integration lower-cases and snake-cases tag keys (user:CostCenter →
// resource_tags_user_cost_center), as tagKey in read.go undoes.
func curTagColumn(key string) (string, error) {
	prefix := "resource_tags_user_"
	if k, ok := strings.CutPrefix(key, "aws:"); ok {
		prefix, key = "resource_tags_aws_", k
	} else {
		key = strings.TrimPrefix(key, "user:")
	}
	var b strings.Builder
	var prev rune
	for _, r := range key {
		switch {
		case unicode.IsUpper(r) && r < unicode.MaxASCII:
			if unicode.IsLower(prev) || unicode.IsDigit(prev) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		case r < unicode.MaxASCII && (unicode.IsLower(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		prev = r
	}
	name := strings.Trim(b.String(), "_")
	for strings.Contains(name, "__") {
		name = strings.ReplaceAll(name, "__", "_")
	}
	if name == "" {
		return "", fmt.Errorf("tag %q has no Athena column name", key)
	}
	return q(prefix + name), nil
}

func formatCols(f charge.Format) (*cols, error) {
	switch f {
	case charge.FormatCURLegacy, charge.FormatCUR2, "":
		c := &cols{
			start:        q("line_item_usage_start_date"),
			account:      "COALESCE(NULLIF(" + q("line_item_usage_account_id") + ", ''), " + q("bill_payer_account_id") + ", '')",
			region:       "COALESCE(" + q("product_region") + ", '')",
			service:      q("line_item_product_code"),
			usageType:    q("line_item_usage_type"),
			resource:     q("line_item_resource_id"),
			lineItemType: q("line_item_line_item_type"),
			desc:         q("line_item_line_item_description"),
			usage:        q("line_item_usage_amount"),
			currency:     q("line_item_currency_code"),
			unblended:    q("line_item_unblended_cost"),
			net:          "COALESCE(" + q("line_item_net_unblended_cost") + ", " + q("line_item_unblended_cost") + ")",
			amortized:    curAmortized(),
			svcCode:      "lower(" + q("line_item_product_code") + ")",
			spot:         q("line_item_line_item_type") + " = 'Usage' AND strpos(" + q("line_item_usage_type") + ", 'SpotUsage') > 0",
			tag:          curTagColumn,
		}
		if f == charge.FormatCUR2 {
			// CUR 2.0: product_region_code is a column; other product
			// attributes and the tags are maps
			// (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-resource-tags.html).
			// element_at gives NULL for a missing key where [] would fail.
			c.region = "COALESCE(NULLIF(" + q("product_region_code") + ", ''), element_at(" + q("product") + ", 'region'), '')"
			c.tag = func(key string) (string, error) {
				k := "user_" + strings.TrimPrefix(key, "user:")
				if r, ok := strings.CutPrefix(key, "aws:"); ok {
					k = "aws_" + r
				}
				return "element_at(" + q("resource_tags") + ", " + lit(k) + ")", nil
			}
		}
		return c, nil
	case charge.FormatFOCUS:
		// FOCUS 1.0 columns, lower-cased as the Glue catalog stores them;
		// x_usagetype is AWS's extension column (see read.go's columns).
		// The commitment kind (savings plan or reservation) of a charge, as
		// commitmentTerm gives it; computed once beneath the line item type.
		commitExpr := "CASE WHEN lower(" + q("commitmentdiscounttype") + ") LIKE '%savings%' THEN 'sp'" +
			" WHEN lower(" + q("commitmentdiscounttype") + ") LIKE '%reserv%' THEN 'ri'" +
			" WHEN " + q("commitmentdiscountcategory") + " = 'Spend' THEN 'sp'" +
			" WHEN " + q("commitmentdiscountcategory") + " = 'Usage' THEN 'ri' ELSE '' END"
		commit := q("refit_commit")
		status := q("commitmentdiscountstatus")
		cat := q("chargecategory")
		// As normalizeFOCUS maps ChargeCategory/ChargeClass to CUR line
		// item types.
		lineItemType := "CASE WHEN lower(" + q("chargeclass") + ") = 'correction' THEN 'Refund'" +
			"\n      WHEN " + cat + " = 'Usage' AND " + status + " = 'Used' AND " + commit + " = 'sp' THEN 'SavingsPlanCoveredUsage'" +
			"\n      WHEN " + cat + " = 'Usage' AND " + status + " = 'Used' AND " + commit + " = 'ri' THEN 'DiscountedUsage'" +
			"\n      WHEN " + cat + " = 'Usage' AND " + status + " = 'Unused' AND " + commit + " = 'sp' THEN 'SavingsPlanRecurringFee'" +
			"\n      WHEN " + cat + " = 'Usage' AND " + status + " = 'Unused' AND " + commit + " = 'ri' THEN 'RIFee'" +
			"\n      WHEN " + cat + " = 'Purchase' AND " + commit + " = 'sp' THEN 'SavingsPlanRecurringFee'" +
			"\n      WHEN " + cat + " = 'Purchase' AND " + commit + " = 'ri' THEN 'RIFee'" +
			"\n      WHEN " + cat + " = 'Purchase' THEN 'Fee'" +
			"\n      WHEN " + cat + " = 'Adjustment' THEN CASE WHEN " + q("billedcost") + " < 0 THEN 'Refund' ELSE 'Fee' END" +
			"\n      ELSE " + cat + " END"
		return &cols{
			start:        q("chargeperiodstart"),
			account:      "COALESCE(NULLIF(" + q("subaccountid") + ", ''), " + q("billingaccountid") + ", '')",
			region:       "COALESCE(" + q("regionid") + ", '')",
			service:      q("servicename"),
			usageType:    q("x_usagetype"),
			resource:     q("resourceid"),
			lineItemType: lineItemType,
			desc:         q("chargedescription"),
			usage:        "COALESCE(" + q("consumedquantity") + ", " + q("pricingquantity") + ")",
			currency:     q("billingcurrency"),
			unblended:    q("billedcost"),
			net:          q("billedcost"),
			amortized:    "COALESCE(" + q("effectivecost") + ", " + q("billedcost") + ")",
			svcCode:      serviceCodeSQL(q("servicename")),
			spot:         "(" + q("pricingcategory") + " = 'Dynamic' OR strpos(" + q("x_usagetype") + ", 'SpotUsage') > 0)",
			tag: func(key string) (string, error) {
				return "element_at(" + q("tags") + ", " + lit(key) + ")", nil
			},
			pre: [][2]string{{"refit_commit", commitExpr}},
		}, nil
	}
	return nil, fmt.Errorf("billing: unknown format %q (want cur, cur2 or focus)", f)
}

// baseUsageTypeRegex removes a usage type's region prefix as BaseUsageType
// does: a region name ("ca-central-1-"), or a billing region code with an
// optional Local Zone code ("USW2-LAX1-", "USE1-USW2-").
const baseUsageTypeRegex = `^([a-z]{2}(-gov)?-[a-z]+-[0-9]+-|(US|EU|AP|CA|SA|ME|AF|IL|MX|UG|CN|JP|IN|ZA|AU)[A-Z]{0,2}[0-9]{0,2}-([A-Z]{3}[0-9]-)?)`

// descUsageTypeRegex is classify.go's descUsageType, for charges that name
// their usage type only in the description.
const descUsageTypeRegex = `\bfor +([A-Za-z0-9]+[-:][A-Za-z0-9.:\-]+)( +usage)? +in `

func sqlTime(t time.Time) string {
	return "TIMESTAMP " + lit(t.UTC().Format("2006-01-02 15:04:05.000"))
}

// buildSQL renders q over table in format, classifying with rules; with a
// date range, a predicate on the partition columns of parts prunes the
// months outside it.
func buildSQL(qry query.Query, table string, format charge.Format, rules []charge.Rule, parts PartitionScheme) (string, error) {
	if format == "" {
		format = charge.FormatCURLegacy
	}
	c, err := formatCols(format)
	if err != nil {
		return "", err
	}
	var from []string
	for _, part := range strings.Split(table, ".") {
		if part == "" {
			return "", fmt.Errorf("billing: bad Athena table name %q (want table or database.table)", table)
		}
		from = append(from, q(part))
	}
	var costExpr string
	switch qry.Cost {
	case query.Unblended, "":
		costExpr = c.unblended
	case query.Net:
		costExpr = c.net
	case query.Amortized:
		costExpr = c.amortized
	default:
		return "", fmt.Errorf("billing: unknown cost kind %q (want unblended, net or amortized)", qry.Cost)
	}
	if !qry.From.IsZero() && !qry.To.IsZero() && !qry.From.Before(qry.To) {
		return "", fmt.Errorf("billing: empty date range %s to %s", qry.From.Format(time.DateOnly), qry.To.Format(time.DateOnly))
	}

	// Inner query: one row per charge, normalized.
	inner := []string{
		"date_format(" + c.start + ", '%Y-%m-%d') AS \"day\"",
		dec(costExpr) + " AS \"cost\"",
		dec(c.usage) + " AS \"usage\"",
		"COALESCE(" + c.currency + ", '') AS \"currency\"",
	}
	var keys []string
	component := false
	for i, d := range qry.GroupBy {
		if err := query.CheckDimension(d); err != nil {
			return "", err
		}
		alias := "k" + strconv.Itoa(i)
		var expr string
		switch d {
		case query.ByDay:
			keys = append(keys, "n.\"day\" AS "+q(alias))
			continue
		case query.ByComponent:
			component = true
			keys = append(keys, ComponentCASE(rules, "n")+" AS "+q(alias))
			continue
		case query.ByService:
			expr = c.service
		case query.ByUsageType:
			expr = c.usageType
		case query.ByResource:
			expr = c.resource
		case query.ByAccount:
			expr = c.account
		case query.ByRegion:
			expr = c.region
		default:
			key := strings.TrimPrefix(string(d), "tag:")
			if expr, err = c.tag(key); err != nil {
				return "", fmt.Errorf("billing: %w", err)
			}
		}
		inner = append(inner, "COALESCE("+expr+", '') AS "+q(alias))
		keys = append(keys, "n."+q(alias)+" AS "+q(alias))
	}
	if component {
		ut := "COALESCE(NULLIF(" + c.usageType + ", ''), regexp_extract(" + c.desc + ", " + lit(descUsageTypeRegex) + ", 1), '')"
		inner = append(inner,
			"lower(regexp_replace("+ut+", "+lit(baseUsageTypeRegex)+", '')) AS \"ut\"",
			"lower(COALESCE("+c.lineItemType+", '')) AS \"lit\"",
			"lower(COALESCE("+c.desc+", '')) AS \"descr\"",
			"COALESCE("+c.svcCode+", '') AS \"svc\"",
			"COALESCE("+c.spot+", false) AS \"spot\"",
		)
	}
	var where []string
	pp, err := partitionPredicate(parts, qry.From, qry.To)
	if err != nil {
		return "", err
	}
	if pp != "" {
		where = append(where, pp)
	}
	if !qry.From.IsZero() {
		where = append(where, c.start+" >= "+sqlTime(qry.From))
	}
	if !qry.To.IsZero() {
		where = append(where, c.start+" < "+sqlTime(qry.To))
	}

	var b strings.Builder
	b.WriteString("-- refit: " + string(format) + " " + costName(qry.Cost) + " cost")
	if len(qry.GroupBy) > 0 {
		ds := make([]string, len(qry.GroupBy))
		for i, d := range qry.GroupBy {
			ds[i] = string(d)
		}
		b.WriteString(" by " + commentSafe(strings.Join(ds, ", ")))
	}
	b.WriteString("\nSELECT\n")
	for _, k := range keys {
		b.WriteString("  " + k + ",\n")
	}
	b.WriteString("  SUM(n.\"cost\") AS \"cost\",\n  SUM(n.\"usage\") AS \"usage\",\n  COUNT(*) AS \"row_count\",\n" +
		"  MIN(n.\"day\") AS \"first_day\",\n  MAX(n.\"day\") AS \"last_day\",\n  MAX(n.\"currency\") AS \"currency\"\n")
	b.WriteString("FROM (\n  SELECT\n    " + strings.Join(inner, ",\n    ") + "\n")
	if component && len(c.pre) > 0 {
		b.WriteString("  FROM (\n    SELECT\n      *")
		for _, p := range c.pre {
			b.WriteString(",\n      " + p[1] + " AS " + q(p[0]))
		}
		b.WriteString("\n    FROM " + strings.Join(from, ".") + "\n")
		if len(where) > 0 {
			b.WriteString("    WHERE " + strings.Join(where, "\n      AND ") + "\n")
		}
		b.WriteString("  ) t\n")
	} else {
		b.WriteString("  FROM " + strings.Join(from, ".") + "\n")
		if len(where) > 0 {
			b.WriteString("  WHERE " + strings.Join(where, "\n    AND ") + "\n")
		}
	}
	b.WriteString(") n\n")
	if len(keys) > 0 {
		ords := make([]string, len(keys))
		for i := range keys {
			ords[i] = strconv.Itoa(i + 1)
		}
		b.WriteString("GROUP BY " + strings.Join(ords, ", ") + "\n")
	}
	return b.String(), nil
}

// commentSafe keeps a comment to one harmless line: a tag key could
// otherwise end the comment with a newline and add SQL.
func commentSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" _:./,-", r)) {
			return r
		}
		return '?'
	}, s)
}

func costName(k query.CostKind) string {
	if k == "" {
		return string(query.Unblended)
	}
	return string(k)
}

// ComponentCASE renders rules as a SQL CASE expression over the normalized
// columns of the relation alias (ut: usage type without region prefix, lit:
// line item type, descr: description, all lower-cased; svc: lower-cased
// product code; spot: a boolean). It applies the rules as Classify does:
// line item types first, then usage types, then descriptions, then rules
// that name only services, each in table order; a compute/on-demand match
// that is spot becomes compute/spot; anything else is "other". Patterns use
// '*' for any run of characters and become LIKE patterns.
func ComponentCASE(rules []charge.Rule, alias string) string {
	col := func(name string) string { return alias + "." + q(name) }
	var b strings.Builder
	b.WriteString("CASE")
	when := func(cond string, r charge.Rule) {
		if r.Component == cost.ComputeOnDemand {
			b.WriteString("\n    WHEN " + cond + " AND " + col("spot") + " THEN " + lit(string(cost.ComputeSpot)))
		}
		b.WriteString("\n    WHEN " + cond + " THEN " + lit(string(r.Component)))
	}
	services := func(r charge.Rule) string {
		if len(r.Services) == 0 {
			return ""
		}
		vs := make([]string, len(r.Services))
		for i, s := range r.Services {
			vs[i] = lit(strings.ToLower(s))
		}
		return col("svc") + " IN (" + strings.Join(vs, ", ") + ")"
	}
	and := func(a, s string) string {
		if s == "" {
			return a
		}
		return a + " AND " + s
	}
	for pass := 1; pass <= 4; pass++ {
		for _, r := range rules {
			var pats []string
			var subject string
			switch pass {
			case 1:
				if len(r.LineItemTypes) > 0 {
					vs := make([]string, len(r.LineItemTypes))
					for i, t := range r.LineItemTypes {
						vs[i] = lit(strings.ToLower(t))
					}
					when(and(col("lit")+" IN ("+strings.Join(vs, ", ")+")", services(r)), r)
				}
				continue
			case 2:
				pats, subject = r.UsageTypes, col("ut")
			case 3:
				pats, subject = r.Descriptions, col("descr")
			case 4:
				if len(r.LineItemTypes)+len(r.UsageTypes)+len(r.Descriptions) == 0 && len(r.Services) > 0 {
					when(services(r), r)
				}
				continue
			}
			if len(pats) == 0 {
				continue
			}
			conds := make([]string, len(pats))
			for i, p := range pats {
				conds[i] = likeCond(subject, strings.ToLower(p))
			}
			cond := strings.Join(conds, " OR ")
			if len(conds) > 1 {
				cond = "(" + cond + ")"
			}
			when(and(cond, services(r)), r)
		}
	}
	b.WriteString("\n    ELSE " + lit(string(cost.Other)) + "\n  END")
	return b.String()
}

// likeCond matches subject against a '*' glob: = without wildcards, else
// LIKE with % and _ escaped. A pattern of only '*' matches any non-empty
// subject, as glob does after classify's empty-subject check.
func likeCond(subject, pattern string) string {
	if !strings.Contains(pattern, "*") {
		return subject + " = " + lit(pattern)
	}
	if strings.Trim(pattern, "*") == "" {
		return subject + " <> ''"
	}
	escaped := false
	var b strings.Builder
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteByte('%')
		case '%', '_', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
			escaped = true
		default:
			b.WriteRune(r)
		}
	}
	s := subject + " LIKE " + lit(b.String())
	if escaped {
		s += ` ESCAPE '\'`
	}
	return s
}

// errNoEngine is Aggregate's error without a client.
var errNoEngine = errors.New("billing: Athena engine has no client")

// ClientOptions say how to reach Athena.
type ClientOptions struct {
	// Region and Profile override the SDK's defaults.
	Region, Profile string
	// EndpointURL replaces Athena's endpoint (tests, private endpoints).
	EndpointURL string
}

// NewClient is an Athena client from the SDK's configuration (awsclient:
// the credential chain, with time limits on every call).
func NewClient(ctx context.Context, opt ClientOptions) (API, error) {
	cfg, err := awsclient.LoadConfig(ctx, awsclient.Options{Region: opt.Region, Profile: opt.Profile})
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	return athena.NewFromConfig(cfg, func(o *athena.Options) {
		if opt.EndpointURL != "" {
			o.BaseEndpoint = aws.String(opt.EndpointURL)
		}
	}), nil
}
