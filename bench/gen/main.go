// Command gen writes a large generated estate for refit's benchmarks:
//
//	go run ./bench/gen -objects 20000 -nodegroups 1000 -out /tmp/refit-bench
//	go run ./bench/gen -pods 10000 -out /tmp/refit-plan-bench
//	go run ./bench/gen -legacy 20000 -out /tmp/refit-migrate-bench
//	go run ./bench/gen -cur-rows 5000000 -out /tmp/cur.csv.gz
//	go run ./bench/gen -focus-parquet-rows 5000000 -out /tmp/focus.parquet
//
// The billing modes write one file and print the rows and the exact total
// unblended (billed) cost they wrote.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/refit-dev/refit/internal/benchdata"
	"github.com/refit-dev/refit/internal/billing/gen"
)

func main() {
	objects := flag.Int("objects", 20000, "Kubernetes objects to write")
	nodeGroups := flag.Int("nodegroups", 1000, "eksctl managed node groups to write")
	pods := flag.Int("pods", 0, "instead: write Deployments holding this many pods, for refit plan")
	legacy := flag.Int("legacy", 0, "instead: write this many Kubernetes 1.11-era manifest files, for refit migrate")
	curRows := flag.Int64("cur-rows", 0, "instead: write a legacy CUR CSV.gz of this many rows to the file -out")
	focusRows := flag.Int64("focus-parquet-rows", 0, "instead: write a FOCUS 1.0 Parquet file of this many rows to the file -out")
	split := flag.Int("split", 1, "with -cur-rows or -focus-parquet-rows: write the rows as this many files of consecutive rows (FILE-1ofN.csv.gz...)")
	out := flag.String("out", "", "directory (or, for -cur-rows and -focus-parquet-rows, file) to write into (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	var err error
	switch {
	case *curRows > 0 || *focusRows > 0:
		if *curRows > 0 && *focusRows > 0 {
			fmt.Fprintln(os.Stderr, "gen: give one of -cur-rows and -focus-parquet-rows")
			os.Exit(2)
		}
		n, parquet := max(*curRows, *focusRows), *focusRows > 0
		var t gen.BillTotal
		if *split > 1 {
			var names []string
			var ts []gen.BillTotal
			if names, ts, err = gen.SplitBill(*out, n, *split, parquet); err == nil {
				for k, name := range names {
					fmt.Printf("file %s rows %d total %s\n", name, ts[k].Rows, ts[k].Total)
				}
				t, err = gen.SumBill(ts)
			}
		} else {
			t, err = gen.WriteBillFile(*out, n, 0, n, parquet)
		}
		if err == nil {
			fmt.Printf("rows %d\ntotal %s\n", t.Rows, t.Total)
		}
	case *legacy > 0:
		err = benchdata.GenerateLegacy(*out, *legacy)
	case *pods > 0:
		err = benchdata.GeneratePods(*out, *pods)
	default:
		err = benchdata.Generate(*out, *objects, *nodeGroups)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
