// Command kubelive seeds a test API server with nodes and pods, then times
// refit's live-cluster path end to end: kubelive.Load, Snapshot.Estate,
// cost.Estimate, allocation.PricesFromBreakdown and allocation.Allocate. Used by
// bench/kubelive.sh.
//
//	go run ./bench/kubelive seed -kubeconfig K -nodes 500 -pods 15000
//	go run ./bench/kubelive run -kubeconfig K -by namespace
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/refit-dev/refit/internal/allocation"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/source/kubelive"
	"github.com/refit-dev/refit/internal/source/kubelive/kubetest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kubelive {seed|run} [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", os.Getenv(kubetest.EnvKubeconfig), "kubeconfig")
	nodes := fs.Int("nodes", 500, "nodes to create")
	pods := fs.Int("pods", 15000, "pods to create")
	workers := fs.Int("workers", 48, "parallel creates")
	by := fs.String("by", "namespace", "allocation dimension")
	_ = fs.Parse(os.Args[2:])
	var err error
	switch os.Args[1] {
	case "seed":
		err = seed(*kubeconfig, *nodes, *pods, *workers)
	case "run":
		err = run(*kubeconfig, *by)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubelive:", err)
		os.Exit(1)
	}
}

var types_ = []struct{ name, cpu, mem string }{
	{"m5.xlarge", "3920m", "14Gi"}, {"m5.2xlarge", "7910m", "29Gi"}, {"c5.xlarge", "3920m", "6Gi"}, {"r5.large", "1930m", "14Gi"},
}

func seed(kubeconfig string, nodes, pods, workers int) error {
	cs, err := kubetest.NewClient(kubeconfig)
	if err != nil {
		return err
	}
	ctx := context.Background()
	start := time.Now()
	const namespaces = 30
	for i := range namespaces {
		if err := kubetest.CreateNamespace(ctx, cs, fmt.Sprintf("team-%02d", i)); err != nil {
			return err
		}
	}
	err = kubetest.Parallel(nodes, workers, func(i int) error {
		t := types_[i%len(types_)]
		cap := "ON_DEMAND"
		if i%5 == 0 {
			cap = "SPOT"
		}
		return kubetest.CreateNode(ctx, cs, kubetest.NodeSpec{Name: fmt.Sprintf("ip-10-0-%d-%d", i/250, i%250), CPU: t.cpu, Memory: t.mem,
			Labels: map[string]string{"node.kubernetes.io/instance-type": t.name, "eks.amazonaws.com/capacityType": cap,
				"topology.kubernetes.io/zone": fmt.Sprintf("us-east-1%c", 'a'+i%3), "topology.kubernetes.io/region": "us-east-1"}})
	})
	if err != nil {
		return err
	}
	fmt.Printf("seed: %d nodes in %.1fs\n", nodes, time.Since(start).Seconds())
	start = time.Now()
	err = kubetest.Parallel(pods, workers, func(i int) error {
		ns := fmt.Sprintf("team-%02d", i%namespaces)
		dep := fmt.Sprintf("svc-%03d", (i/namespaces)%20)
		rs := dep + "-6b8f"
		return kubetest.CreatePod(ctx, cs, kubetest.PodSpec{Namespace: ns, Name: fmt.Sprintf("%s-%05d", rs, i), Node: fmt.Sprintf("ip-10-0-%d-%d", (i%nodes)/250, (i%nodes)%250),
			CPU: fmt.Sprintf("%dm", 50+(i%8)*25), Memory: fmt.Sprintf("%dMi", 64+(i%8)*64),
			Labels: map[string]string{"app": dep, "team": fmt.Sprintf("t%d", i%7), "pod-template-hash": "6b8f"},
			Owner:  &metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: rs, UID: types.UID(fmt.Sprintf("00000000-0000-0000-0000-%012d", i%600)), Controller: ptr(true)}})
	})
	if err != nil {
		return err
	}
	fmt.Printf("seed: %d pods in %.1fs\n", pods, time.Since(start).Seconds())
	return nil
}

func ptr[T any](v T) *T { return &v }

func run(kubeconfig, by string) error {
	dim, err := allocation.ParseDimension(by)
	if err != nil {
		return err
	}
	cat, err := pricing.Default()
	if err != nil {
		return err
	}
	start := time.Now()
	snap, err := kubelive.Load(context.Background(), kubeconfig, "")
	if err != nil {
		return err
	}
	loaded := time.Since(start)
	e := snap.Estate()
	b, err := cost.Estimate(e, cat, cost.Options{AllowMissingPrices: true})
	if err != nil {
		return err
	}
	res, err := allocation.Allocate(e, allocation.PricesFromBreakdown(e, b), dim)
	if err != nil {
		return err
	}
	total := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("run: %d nodes, %d pods; load %.3fs, load+estimate+allocate %.3fs; nodes $%s/month in %d lines (idle $%s); heap sys %.0f MiB\n",
		len(snap.Nodes), len(snap.Pods), loaded.Seconds(), total.Seconds(), res.NodesMonthlyCost.StringFixed(2), len(res.Allocations),
		res.IdleCost.StringFixed(2), float64(ms.HeapSys)/(1<<20))
	return nil
}
