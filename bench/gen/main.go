// Command gen writes a large generated estate for refit's benchmarks:
//
//	go run ./bench/gen -objects 20000 -nodegroups 1000 -out /tmp/refit-bench
//	go run ./bench/gen -pods 10000 -out /tmp/refit-plan-bench
//	go run ./bench/gen -legacy 20000 -out /tmp/refit-migrate-bench
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
	legacy := flag.Int("legacy", 0, "instead: write this many Kubernetes 1.11-era manifest files, for refit migrate")
	out := flag.String("out", "", "directory to write into (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	var err error
	switch {
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
