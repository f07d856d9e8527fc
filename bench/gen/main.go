// Command gen writes a large generated estate for refit's benchmarks:
//
//	go run ./bench/gen -objects 20000 -nodegroups 1000 -out /tmp/refit-bench
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/refit-dev/refit/internal/benchdata"
)

func main() {
	objects := flag.Int("objects", 20000, "Kubernetes objects to write")
	nodeGroups := flag.Int("nodegroups", 1000, "eksctl managed node groups to write")
	out := flag.String("out", "", "directory to write into (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	if err := benchdata.Generate(*out, *objects, *nodeGroups); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
