package rightsize

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"
)

// Queries: the CPU rate over 5 minutes and the peak working set per step,
// per container (the pause container and the pod's cgroup, container="" or
// "POD", left out). cAdvisor may export a container twice (by cgroup id):
// sum (CPU) and max (memory) by namespace, pod and container fold them.
const (
	cpuQuery = `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{container!="",container!="POD"%s}[5m]))`
	memQuery = `max by (namespace, pod, container) (max_over_time(container_memory_working_set_bytes{container!="",container!="POD"%s}[%s]))`
	// MinStep is the least step: the 5-minute rate's own window, so the
	// points of the CPU series tile time.
	MinStep = 5 * time.Minute
)

// UsageOptions say which window to read, and how.
type UsageOptions struct {
	// Window is how far back to read (7 days when 0); End its end (now).
	Window time.Duration
	End    time.Time
	// MaxPoints bounds the points of a series over the window (10080 when
	// 0): the step is the least multiple of a minute, at least MinStep,
	// that keeps under it.
	MaxPoints int
	// Chunk is the time one range query covers (1 day when 0): longer
	// windows are read in chunks, one after the other.
	Chunk time.Duration
	// Namespace, when set, reads only that namespace.
	Namespace string
	// Owners names the workload of a pod.
	Owners *Owners
}

func (o *UsageOptions) defaults() {
	if o.Window <= 0 {
		o.Window = 7 * 24 * time.Hour
	}
	if o.End.IsZero() {
		o.End = time.Now()
	}
	if o.MaxPoints <= 0 {
		o.MaxPoints = 10080
	}
	if o.Chunk <= 0 {
		o.Chunk = 24 * time.Hour
	}
}

// Step is the step of the range queries for a window.
func Step(window time.Duration, maxPoints int) time.Duration {
	if maxPoints <= 0 {
		maxPoints = 10080
	}
	step := time.Duration(math.Ceil(float64(window)/float64(maxPoints)/float64(time.Minute))) * time.Minute
	return max(step, MinStep)
}

// Key names one container of one workload.
type Key struct {
	Namespace string `json:"namespace"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Container string `json:"container"`
}

// Usage is what one container of a workload used over the window, across
// its pods: a histogram of the CPU rate (bucketed by millicore, so memory
// grows with the distinct values seen, not with the samples) and the
// memory peak.
type Usage struct {
	Key
	// CPUSamples and MemorySamples count the points read.
	CPUSamples, MemorySamples int
	cpu                       cpuHistogram
	// PeakMemoryBytes is the largest working set seen.
	PeakMemoryBytes float64
	// First and Last are the times of the first and last points seen.
	First, Last time.Time
}

func newUsage(k Key) *Usage {
	return &Usage{Key: k}
}

// cpuHistogram counts CPU samples by bucket (millicores): the buckets
// cpuBucket gives up to 100 cores in a slice indexed by bucket (4 bytes a
// bucket up to the largest seen: 8 KiB for a container that peaks at 2
// cores, where a map took about ten times that), any other in a map.
type cpuHistogram struct {
	dense  []uint32
	sparse map[int64]int64
}

// denseIndex is the slice index of a bucket: 1m buckets to 10 cores, then
// 10m buckets to 100 cores.
func denseIndex(b int64) (int, bool) {
	switch {
	case b < 0:
	case b <= 10000:
		return int(b), true
	case b <= 100000 && b%10 == 0:
		return 10000 + int((b-10000)/10), true
	}
	return 0, false
}

func denseBucket(i int) int64 {
	if i <= 10000 {
		return int64(i)
	}
	return 10000 + int64(i-10000)*10
}

func (h *cpuHistogram) add(b int64) {
	i, ok := denseIndex(b)
	if ok && i < len(h.dense) && h.dense[i] == math.MaxUint32 {
		ok = false // full: the rest are counted in the map
	}
	if !ok {
		if h.sparse == nil {
			h.sparse = map[int64]int64{}
		}
		h.sparse[b]++
		return
	}
	if i >= len(h.dense) {
		h.dense = append(h.dense, make([]uint32, i+1-len(h.dense))...)
	}
	h.dense[i]++
}

// counts lists the buckets seen and their counts, in increasing order of
// bucket.
func (h *cpuHistogram) counts() (buckets, counts []int64) {
	for i, n := range h.dense {
		if n > 0 {
			buckets, counts = append(buckets, denseBucket(i)), append(counts, int64(n))
		}
	}
	if len(h.sparse) == 0 {
		return buckets, counts
	}
	m := make(map[int64]int64, len(buckets)+len(h.sparse))
	for i, b := range buckets {
		m[b] = counts[i]
	}
	for b, n := range h.sparse {
		m[b] += n
	}
	buckets, counts = buckets[:0], counts[:0]
	for b := range m {
		buckets = append(buckets, b)
	}
	sort.Slice(buckets, func(i, j int) bool { return buckets[i] < buckets[j] })
	for _, b := range buckets {
		counts = append(counts, m[b])
	}
	return buckets, counts
}

// History is the time between the first and last points.
func (u *Usage) History() time.Duration {
	if u.First.IsZero() {
		return 0
	}
	return u.Last.Sub(u.First)
}

// seen widens First and Last to t.
func (u *Usage) seen(t time.Time) {
	if u.First.IsZero() || t.Before(u.First) {
		u.First = t
	}
	if t.After(u.Last) {
		u.Last = t
	}
}

// cpuBucket rounds a CPU rate (cores) up to its bucket in millicores:
// 1m up to 10 cores, 10m up to 100 cores, 100m above (at most about
// 28,000 buckets per container). A float error of a millionth of a
// millicore is not rounded up.
func cpuBucket(cores float64) int64 {
	m := cores * 1000
	gran := 1.0
	switch {
	case m > 100000:
		gran = 100
	case m > 10000:
		gran = 10
	}
	return int64(math.Ceil(m/gran-1e-6) * gran)
}

// CPUPercentile is the p-th percentile (0 < p <= 100) of the CPU samples
// in millicores, by the nearest-rank method: the least bucket at or below
// which p% of the samples are.
func (u *Usage) CPUPercentile(p float64) int64 {
	if u.CPUSamples == 0 {
		return 0
	}
	keys, counts := u.cpu.counts()
	rank := int64(math.Ceil(p / 100 * float64(u.CPUSamples)))
	if rank < 1 {
		rank = 1
	}
	var n int64
	for i, k := range keys {
		n += counts[i]
		if n >= rank {
			return k
		}
	}
	return keys[len(keys)-1]
}

// Collect reads the usage of every container over the window, in chunks
// of o.Chunk, and folds each series into its container's Usage as it is
// decoded. The CPU and the memory queries run side by side (two requests
// in flight): Prometheus evaluates one while refit reads the other.
func Collect(ctx context.Context, p *Prometheus, o UsageOptions) (map[Key]*Usage, time.Duration, error) {
	o.defaults()
	step := Step(o.Window, o.MaxPoints)
	end := o.End.Truncate(step)
	start := end.Add(-o.Window)
	sel := ""
	if o.Namespace != "" {
		sel = fmt.Sprintf(`,namespace=%q`, o.Namespace)
	}
	out := map[Key]*Usage{}
	var mu sync.Mutex // guards out, its Usages and o.Owners
	get := func(ns, pod, container string) *Usage {
		w := o.Owners.Of(ns, pod)
		k := Key{Namespace: ns, Kind: w.Kind, Name: w.Name, Container: container}
		u := out[k]
		if u == nil {
			u = newUsage(k)
			out[k] = u
		}
		return u
	}
	queries := []struct {
		q   string
		add func(u *Usage, s Sample)
	}{
		{fmt.Sprintf(cpuQuery, sel), func(u *Usage, s Sample) { u.cpu.add(cpuBucket(s.V)); u.CPUSamples++ }},
		{fmt.Sprintf(memQuery, sel, promDuration(step)), func(u *Usage, s Sample) {
			u.MemorySamples++
			u.PeakMemoryBytes = max(u.PeakMemoryBytes, s.V)
		}},
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(queries))
	var wg sync.WaitGroup
	for i, q := range queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Chunks [from, to] of whole steps; the next starts a step later.
			chunk := max(o.Chunk.Truncate(step), step)
			for from := start.Add(step); !from.After(end); from = from.Add(chunk) {
				to := from.Add(chunk - step)
				if to.After(end) {
					to = end
				}
				err := p.QueryRange(ctx, q.q, from, to, step, func(s Series) error {
					ns, pod, c := s.Labels["namespace"], s.Labels["pod"], s.Labels["container"]
					if ns == "" || pod == "" || c == "" {
						return nil
					}
					mu.Lock()
					defer mu.Unlock()
					u := get(ns, pod, c)
					for _, sm := range s.Samples {
						if math.IsNaN(sm.V) || math.IsInf(sm.V, 0) || sm.V < 0 {
							continue
						}
						q.add(u, sm)
						u.seen(sm.T)
					}
					return nil
				})
				if err != nil {
					errs[i] = err
					cancel() // the other query stops too
					return
				}
			}
		}()
	}
	wg.Wait()
	// The first query's error unless it only saw the other's cancellation.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, step, err
		}
	}
	for _, err := range errs {
		if err != nil {
			return nil, step, err
		}
	}
	return out, step, nil
}

// promDuration writes d as Prometheus reads durations (whole seconds).
func promDuration(d time.Duration) string {
	return fmt.Sprintf("%ds", int64(d/time.Second))
}
