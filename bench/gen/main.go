// Command gen writes a large generated estate for refit's benchmarks:
//
//	go run ./bench/gen -objects 20000 -nodegroups 1000 -out /tmp/refit-bench
//	go run ./bench/gen -pods 10000 -out /tmp/refit-plan-bench
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
	pods := flag.Int("pods", 0, "instead: write Deployments holding this many pods, for refit plan")
	out := flag.String("out", "", "directory to write into (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	var err error
	if *pods > 0 {
		err = benchdata.GeneratePods(*out, *pods)
	} else {
		err = benchdata.Generate(*out, *objects, *nodeGroups)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
