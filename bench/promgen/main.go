// Command promgen writes generated container usage (cAdvisor's
// container_cpu_usage_seconds_total and container_memory_working_set_bytes)
// as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`,
// one file per 2-hour block (promtool's block range), so that promtool
// reads each sample once:
//
//	go run ./bench/promgen -workloads 2000 -days 14 -out /tmp/usage
//
// Workload i is a Deployment wNNNN with one pod (wNNNN-5d8f7b9c6-x7k2p),
// one container "app"; CPU slopes and working sets are random (seeded).
// It prints the end of the data (unix seconds), for refit rightsize --end.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

func main() {
	workloads := flag.Int("workloads", 2000, "Deployments (one pod, one container each)")
	days := flag.Int("days", 14, "days of data, ending at the last whole 2 hours before now")
	interval := flag.Duration("interval", 150*time.Second, "time between samples (at most 2m30s: rate over 5m needs two)")
	out := flag.String("out", "", "directory to write the block files into (required)")
	flag.Parse()
	if *out == "" || *workloads <= 0 || *days <= 0 || *interval <= 0 || *interval > 150*time.Second {
		fmt.Fprintln(os.Stderr, "promgen: -out DIR is required; -workloads and -days above 0; -interval from 1s to 2m30s")
		os.Exit(2)
	}
	if err := run(*workloads, *days, *interval, *out); err != nil {
		fmt.Fprintln(os.Stderr, "promgen:", err)
		os.Exit(1)
	}
}

func run(workloads, days int, interval time.Duration, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	const block = 2 * time.Hour
	end := time.Now().Add(-time.Hour).Truncate(block)
	start := end.Add(-time.Duration(days) * 24 * time.Hour)
	counters := make([]float64, workloads)
	pods := make([]string, workloads)
	for i := range pods {
		pods[i] = fmt.Sprintf("w%04d-5d8f7b9c6-x7k2p", i)
		counters[i] = 1000
	}
	r := rand.New(rand.NewPCG(20, 14))
	n := 0
	for from := start; from.Before(end); from = from.Add(block) {
		to := from.Add(block) // samples in [from, to); the last block includes end
		if to.Equal(end) {
			to = to.Add(time.Second)
		}
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("block-%04d.om", n)))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		var b []byte
		w.WriteString("# TYPE container_cpu_usage_seconds counter\n")
		for i := range workloads {
			maxMilli := 10 + i%2000 // workloads from 10m to 2 cores at most
			for ts := from; ts.Before(to); ts = ts.Add(interval) {
				counters[i] += float64(1+r.IntN(maxMilli)) / 1000 * interval.Seconds()
				b = append(b[:0], `container_cpu_usage_seconds_total{namespace="bench",pod="`...)
				b = append(b, pods[i]...)
				b = append(b, `",container="app"} `...)
				b = strconv.AppendFloat(b, counters[i], 'f', 3, 64)
				b = append(b, ' ')
				b = strconv.AppendInt(b, ts.Unix(), 10)
				b = append(b, '\n')
				w.Write(b)
			}
		}
		w.WriteString("# TYPE container_memory_working_set_bytes gauge\n")
		for i := range workloads {
			maxMem := 16<<20 + (i%64)<<24 // up to about 1Gi
			for ts := from; ts.Before(to); ts = ts.Add(interval) {
				b = append(b[:0], `container_memory_working_set_bytes{namespace="bench",pod="`...)
				b = append(b, pods[i]...)
				b = append(b, `",container="app"} `...)
				b = strconv.AppendInt(b, int64(20<<20+r.IntN(maxMem)), 10)
				b = append(b, ' ')
				b = strconv.AppendInt(b, ts.Unix(), 10)
				b = append(b, '\n')
				w.Write(b)
			}
		}
		w.WriteString("# EOF\n")
		if err := w.Flush(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		n++
	}
	fmt.Println(end.Unix())
	return nil
}
