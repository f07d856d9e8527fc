package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/refit-dev/refit/internal/billing"
)

func main() {
	prof := flag.String("cpuprofile", "", "")
	workers := flag.Int("workers", 0, "")
	flag.Parse()
	f, _ := os.Create(*prof)
	pprof.StartCPUProfile(f)
	defer pprof.StopCPUProfile()
	objs, err := billing.ExpandContext(context.Background(), flag.Args())
	if err != nil {
		panic(err)
	}
	src := billing.NewFileSource(objs, billing.ReadOptions{}, *workers)
	res, err := billing.NewLocalEngine(src).Aggregate(context.Background(), billing.Query{Cost: billing.Unblended, GroupBy: []billing.Dimension{billing.ByDay, billing.ByService}})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Total, len(res.Rows))
}
