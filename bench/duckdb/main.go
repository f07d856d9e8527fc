// Command billduck runs, in DuckDB, the aggregation `refit bill daily FILE
// --by service` runs: the unblended cost summed per UTC day and service. It
// is refit's side-by-side baseline (see bench/bill.sh and
// docs/benchmarks.md); it lives in its own module so refit itself stays
// pure Go.
//
//	go run . FILE...            # CUR CSV(.gz) or FOCUS Parquet, by extension
//	go run . -q FILE...         # print only the grand total and row count
//
// Costs are CAST to DECIMAL(38,10) before SUM, so sums are exact (DuckDB
// widens SUM of DECIMAL(38,s) to HUGEINT-backed DECIMAL(38,s)).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	quiet := flag.Bool("q", false, "print only the rows count and the grand total")
	threads := flag.Int("threads", 0, "DuckDB threads (default: DuckDB's, the number of CPUs)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: billduck [-q] [-threads N] FILE.csv[.gz]|FILE.parquet...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), flag.Args(), *quiet, *threads); err != nil {
		fmt.Fprintln(os.Stderr, "billduck:", err)
		os.Exit(1)
	}
}

// query builds the SQL for files, which must all be of one kind.
func query(files []string) (string, error) {
	quoted := make([]string, len(files))
	parquet := strings.HasSuffix(files[0], ".parquet")
	for i, f := range files {
		if strings.HasSuffix(f, ".parquet") != parquet {
			return "", fmt.Errorf("%s: mix of Parquet and CSV files", f)
		}
		quoted[i] = "'" + strings.ReplaceAll(f, "'", "''") + "'"
	}
	list := "[" + strings.Join(quoted, ", ") + "]"
	if parquet {
		// FOCUS 1.0: ChargePeriodStart is a UTC timestamp, BilledCost the
		// unblended cost, ServiceName the service.
		return `SELECT CAST(ChargePeriodStart AS DATE) AS day, COALESCE(ServiceName, '') AS service,
       SUM(CAST(BilledCost AS DECIMAL(38,10))) AS cost, COUNT(*) AS n
FROM read_parquet(` + list + `)
GROUP BY ALL ORDER BY day, service`, nil
	}
	// Legacy CUR CSV: cost columns are read as text and cast, so no digit
	// is lost to a DOUBLE guess; dates are RFC 3339 in UTC.
	return `SELECT CAST(CAST("lineItem/UsageStartDate" AS TIMESTAMP) AS DATE) AS day,
       COALESCE("lineItem/ProductCode", '') AS service,
       SUM(CAST("lineItem/UnblendedCost" AS DECIMAL(38,10))) AS cost, COUNT(*) AS n
FROM read_csv(` + list + `, header = true,
     types = {'lineItem/UnblendedCost': 'VARCHAR', 'lineItem/UsageStartDate': 'VARCHAR'})
GROUP BY ALL ORDER BY day, service`, nil
}

func run(ctx context.Context, files []string, quiet bool, threads int) error {
	q, err := query(files)
	if err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	if threads > 0 {
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", threads)); err != nil {
			return err
		}
	}
	// The total is summed in SQL too, so it is DuckDB's exact answer, not a
	// client-side sum of the rows.
	rows, err := db.QueryContext(ctx, `WITH d AS (`+q+`)
SELECT CAST(day AS VARCHAR), service, CAST(cost AS VARCHAR), n,
       CAST(SUM(cost) OVER () AS VARCHAR), SUM(n) OVER (), COUNT(*) OVER ()
FROM d ORDER BY day, service`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var total string
	var lines, groups int64
	for rows.Next() {
		var day, service, cost string
		var n int64
		if err := rows.Scan(&day, &service, &cost, &n, &total, &lines, &groups); err != nil {
			return err
		}
		if !quiet {
			fmt.Printf("%s\t%s\t%s\t%d\n", day, service, cost, n)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	fmt.Printf("groups %d\nrows %d\ntotal %s\n", groups, lines, total)
	return nil
}
