// Package promtest runs the real Prometheus (Debian's prometheus package,
// scripts/prometheus.sh install) on generated usage series with known
// values, loaded as blocks by promtool, for the tests of refit rightsize.
// Tests that use it skip when either binary is missing.
package promtest

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Series is a generated container's usage: a CPU counter whose slope is
// constant over each 5-minute segment (so every 5-minute rate read at a
// segment's end is exactly its slope) and a working set sampled each
// minute.
type Series struct {
	NS, Pod, Container string
	From, To           time.Time         // first and last sample
	Slopes             map[int64]float64 // segment end (unix s) -> cores
	Memory             map[int64]float64 // sample time (unix s) -> bytes
}

// Gen generates a series from from to to: CPU slopes from 1m to maxMilli,
// working sets from 20Mi to 20Mi+maxMem.
func Gen(r *rand.Rand, ns, pod, container string, from, to time.Time, maxMilli int, maxMem float64) *Series {
	s := &Series{NS: ns, Pod: pod, Container: container, From: from, To: to, Slopes: map[int64]float64{}, Memory: map[int64]float64{}}
	for t := from.Add(5 * time.Minute); !t.After(to); t = t.Add(5 * time.Minute) {
		s.Slopes[t.Unix()] = float64(1+r.IntN(maxMilli)) / 1000
	}
	for t := from; !t.After(to); t = t.Add(time.Minute) {
		s.Memory[t.Unix()] = float64(20<<20 + r.IntN(int(maxMem)))
	}
	return s
}

// WriteOpenMetrics writes every series as OpenMetrics text, then extra
// (more families, each with its # TYPE line).
func WriteOpenMetrics(t testing.TB, path string, ss []*Series, extra string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "# TYPE container_cpu_usage_seconds counter")
	for _, s := range ss {
		v := 1000.0 // a counter's value at From
		for ts := s.From; !ts.After(s.To); ts = ts.Add(time.Minute) {
			if ts.After(s.From) {
				end := ts.Add(4 * time.Minute).Truncate(5 * time.Minute) // the segment's end
				v += s.Slopes[end.Unix()] * 60
			}
			fmt.Fprintf(w, "container_cpu_usage_seconds_total{namespace=%q,pod=%q,container=%q,id=\"/kubepods/x\"} %s %d\n", s.NS, s.Pod, s.Container, fmtFloat(v), ts.Unix())
		}
	}
	fmt.Fprintln(w, "# TYPE container_memory_working_set_bytes gauge")
	for _, s := range ss {
		for ts := s.From; !ts.After(s.To); ts = ts.Add(time.Minute) {
			fmt.Fprintf(w, "container_memory_working_set_bytes{namespace=%q,pod=%q,container=%q} %s %d\n", s.NS, s.Pod, s.Container, fmtFloat(s.Memory[ts.Unix()]), ts.Unix())
		}
	}
	w.WriteString(extra)
	fmt.Fprintln(w, "# EOF")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func fmtFloat(v float64) string { return fmt.Sprintf("%.6f", v) }

// Start loads the OpenMetrics file as blocks and serves them on
// 127.0.0.1 until the test ends; it returns the base URL. It skips the
// test when prometheus or promtool is not installed.
func Start(t testing.TB, om string) string {
	t.Helper()
	for _, bin := range []string{"prometheus", "promtool"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s not installed (scripts/prometheus.sh install): %v", bin, err)
		}
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if out, err := exec.Command("promtool", "tsdb", "create-blocks-from", "openmetrics", om, data).CombinedOutput(); err != nil {
		t.Fatalf("promtool: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global:\n  scrape_interval: 1m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "prometheus", "--config.file="+cfg, "--storage.tsdb.path="+data,
		"--storage.tsdb.retention.time=60d", "--web.listen-address="+addr, "--log.level=warn")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	url := "http://" + addr
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := client.Get(url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus not ready after 60s: %v\n%s", err, logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// NearestRank is the p-th percentile of values by the nearest-rank method.
func NearestRank(values []float64, p float64) float64 {
	s := append([]float64(nil), values...)
	sort.Float64s(s)
	return s[int(math.Ceil(p/100*float64(len(s))))-1]
}
