package athena

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/reader"
)

// FormatAuto asks the Athena engine to tell a table's format from its
// columns (Options.Format); it is not a format of its own.
const FormatAuto charge.Format = "auto"

// DefaultCatalog is the data catalog Athena queries by default: the
// AWS Glue Data Catalog, "awsdatacatalog" in Athena
// (https://docs.aws.amazon.com/athena/latest/ug/understanding-tables-databases-and-the-data-catalog.html).
const DefaultCatalog = "AwsDataCatalog"

// PartitionScheme is how an Athena billing table is partitioned, so that a
// query bounded in time reads only the months it needs.
type PartitionScheme string

// Partition schemes.
const (
	// PartitionsAuto reads the partition keys from the table metadata.
	PartitionsAuto PartitionScheme = "auto"
	// PartitionsNone adds no partition predicate.
	PartitionsNone PartitionScheme = "none"
	// PartitionsYearMonth is legacy CUR's Athena integration: string
	// partitions year and month, from the S3 layout year=2018/month=12
	// (https://docs.aws.amazon.com/cur/latest/userguide/access-cur-s3.html,
	// manifest files; queried as year='2018' in
	// https://docs.aws.amazon.com/cur/latest/userguide/cur-ate-run.html).
	PartitionsYearMonth PartitionScheme = "year-month"
	// PartitionsBillingPeriod is Data Exports (CUR 2.0, FOCUS): one
	// partition billing_period='YYYY-MM', from the S3 layout
	// data/BILLING_PERIOD=2023-11/
	// (https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html).
	PartitionsBillingPeriod PartitionScheme = "billing-period"
)

// ParseFormat parses an Athena table format: auto, cur, cur2 or focus.
func ParseFormat(s string) (charge.Format, error) {
	switch f := charge.Format(s); f {
	case FormatAuto, charge.FormatCURLegacy, charge.FormatCUR2, charge.FormatFOCUS:
		return f, nil
	}
	return "", fmt.Errorf("unknown Athena table format %q (want auto, cur, cur2 or focus)", s)
}

// ParsePartitionScheme parses a partition scheme: auto, none, year-month or
// billing-period.
func ParsePartitionScheme(s string) (PartitionScheme, error) {
	switch p := PartitionScheme(s); p {
	case PartitionsAuto, PartitionsNone, PartitionsYearMonth, PartitionsBillingPeriod:
		return p, nil
	}
	return "", fmt.Errorf("unknown partition scheme %q (want auto, none, year-month or billing-period)", s)
}

// maxPartitionMonths bounds the months listed in an IN predicate; a longer
// range becomes a BETWEEN on the same key.
const maxPartitionMonths = 120

// resolve settles the table format and partition scheme before the first
// query: what the options say, and for "auto" what GetTableMetadata tells.
// When the metadata cannot be read, auto falls back to legacy CUR without
// pruning, with one warning.
func (e *Engine) resolve(ctx context.Context) (charge.Format, PartitionScheme, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.resolved {
		return e.format, e.parts, nil
	}
	format, parts := e.opt.Format, e.opt.Partitions
	if format == FormatAuto || parts == PartitionsAuto {
		name, md, err := e.tableMetadata(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return "", "", fmt.Errorf("athena: table metadata: %w", whyEnded(ctx, err))
		case err != nil:
			var assumed []string
			if format == FormatAuto {
				format = charge.FormatCURLegacy
				assumed = append(assumed, "legacy CUR columns")
			}
			if parts == PartitionsAuto {
				parts = PartitionsNone
				assumed = append(assumed, "no partition pruning")
			}
			e.warn(fmt.Sprintf("cannot read the metadata of Athena table %s (%s); assuming %s",
				name, oneLine(err.Error()), strings.Join(assumed, " and ")))
		default:
			if format == FormatAuto {
				if format, err = reader.DetectColumns("Athena table "+name, glueColumnNames(md.Columns)); err != nil {
					return "", "", fmt.Errorf("athena: %w", err)
				}
			}
			if parts == PartitionsAuto {
				parts = partitionSchemeOf(md.PartitionKeys)
			}
		}
	}
	e.format, e.parts, e.resolved = format, parts, true
	return format, parts, nil
}

func (e *Engine) warn(msg string) {
	if e.opt.Warn != nil {
		e.opt.Warn(msg)
	}
}

// tableMetadata asks Athena for the table's columns and partition keys. The
// table is opt.Table in opt.Database, or "database.table", or
// "catalog.database.table"; name is how messages show it.
func (e *Engine) tableMetadata(ctx context.Context) (name string, md *types.TableMetadata, err error) {
	catalog, db, table := e.opt.Catalog, e.opt.Database, e.opt.Table
	parts := strings.Split(table, ".")
	switch len(parts) {
	case 2:
		db, table = parts[0], parts[1]
	case 3:
		catalog, db, table = parts[0], parts[1], parts[2]
	}
	name = table
	if db != "" {
		name = db + "." + table
	}
	if db == "" || table == "" || len(parts) > 3 {
		return name, nil, fmt.Errorf("no database: give one with the table as database.table")
	}
	in := &athena.GetTableMetadataInput{CatalogName: aws.String(catalog), DatabaseName: aws.String(db), TableName: aws.String(table)}
	if e.opt.Workgroup != "" {
		in.WorkGroup = aws.String(e.opt.Workgroup)
	}
	out, err := e.api.GetTableMetadata(ctx, in)
	if err != nil {
		return name, nil, err
	}
	if out.TableMetadata == nil {
		return name, nil, fmt.Errorf("no table metadata in the answer")
	}
	return name, out.TableMetadata, nil
}

// glueColumnNames lists a table's column names for DetectColumns. The Glue
// Data Catalog stores names in lower case, so FOCUS's BilledCost and
// ChargePeriodStart arrive as billedcost and chargeperiodstart; they are
// given back their FOCUS spelling.
func glueColumnNames(cols []types.Column) []string {
	out := make([]string, 0, len(cols)+2)
	for _, c := range cols {
		n := aws.ToString(c.Name)
		out = append(out, n)
		switch strings.ToLower(n) {
		case "billedcost":
			out = append(out, "BilledCost")
		case "chargeperiodstart":
			out = append(out, "ChargePeriodStart")
		}
	}
	return out
}

// partitionSchemeOf tells the scheme from a table's partition keys.
func partitionSchemeOf(keys []types.Column) PartitionScheme {
	has := map[string]bool{}
	for _, k := range keys {
		has[strings.ToLower(aws.ToString(k.Name))] = true
	}
	switch {
	case has["billing_period"]:
		return PartitionsBillingPeriod
	case has["year"] && has["month"]:
		return PartitionsYearMonth
	}
	return PartitionsNone
}

// yearMonth is a calendar month (UTC).
type yearMonth struct {
	year  int
	month time.Month
}

func monthOf(t time.Time) yearMonth {
	t = t.UTC()
	return yearMonth{t.Year(), t.Month()}
}

func (m yearMonth) index() int { return m.year*12 + int(m.month) - 1 }

func monthAt(index int) yearMonth {
	y, m := index/12, index%12
	if m < 0 { // years before 0 do not come from YYYY-MM-DD, but stay correct
		y, m = y-1, m+12
	}
	return yearMonth{y, time.Month(m + 1)}
}

// String is the billing period form, YYYY-MM.
func (m yearMonth) String() string { return fmt.Sprintf("%04d-%02d", m.year, int(m.month)) }

// key is the year-month scheme's integer key, year*100 + month.
func (m yearMonth) key() int { return m.year*100 + int(m.month) }

// monthSpan gives the first and last months a charge starting in
// [from, to) can fall in: from's month, and the month of the last instant
// before to (so a To on the 1st leaves its month out). A zero bound gives
// ok false for its side.
func monthSpan(from, to time.Time) (first, last yearMonth, hasFirst, hasLast bool) {
	if !from.IsZero() {
		first, hasFirst = monthOf(from), true
	}
	if !to.IsZero() {
		last, hasLast = monthOf(to.Add(-time.Nanosecond)), true
	}
	return
}

// partitionMonths lists the months overlapping [from, to), both bounds set
// (nil when the range is empty).
func partitionMonths(from, to time.Time) []yearMonth {
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		return nil
	}
	first, last, _, _ := monthSpan(from, to)
	var out []yearMonth
	for i := first.index(); i <= last.index(); i++ {
		out = append(out, monthAt(i))
	}
	return out
}

// partitionPredicate prunes partitions to the months of [from, to): an IN
// list of up to maxPartitionMonths months, else a range; with one bound a
// half-open range; with none, nothing. Legacy CUR's year and month are
// strings whose month may or may not be zero-padded (the docs show both
// month=12 and month=mm), so they are compared as integers.
func partitionPredicate(scheme PartitionScheme, from, to time.Time) (string, error) {
	var col string
	var val func(yearMonth) string
	switch scheme {
	case "", PartitionsNone, PartitionsAuto:
		return "", nil
	case PartitionsYearMonth:
		col = "CAST(" + q("year") + " AS integer) * 100 + CAST(" + q("month") + " AS integer)"
		val = func(m yearMonth) string { return strconv.Itoa(m.key()) }
	case PartitionsBillingPeriod:
		col = q("billing_period")
		val = func(m yearMonth) string { return lit(m.String()) }
	default:
		return "", fmt.Errorf("billing: unknown partition scheme %q (want none, year-month or billing-period)", scheme)
	}
	first, last, hasFirst, hasLast := monthSpan(from, to)
	switch {
	case hasFirst && hasLast:
		if n := last.index() - first.index() + 1; n > maxPartitionMonths {
			return col + " BETWEEN " + val(first) + " AND " + val(last), nil
		}
		months := partitionMonths(from, to)
		if len(months) == 0 {
			return "", nil // an empty range is buildSQL's error
		}
		if len(months) == 1 {
			return col + " = " + val(months[0]), nil
		}
		vs := make([]string, len(months))
		for i, m := range months {
			vs[i] = val(m)
		}
		return col + " IN (" + strings.Join(vs, ", ") + ")", nil
	case hasFirst:
		return col + " >= " + val(first), nil
	case hasLast:
		return col + " <= " + val(last), nil
	}
	return "", nil
}

// oneLine keeps an error message to one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
