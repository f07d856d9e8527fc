package rightsize

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Policy says how usage becomes requests.
type Policy struct {
	// CPUPercentile is the percentile of the 5-minute CPU rate the CPU
	// request covers (95 when 0).
	CPUPercentile float64
	// MemoryMargin is added to the memory peak (0.15 is 15%).
	MemoryMargin float64
	// Limits says what happens to limits.
	Limits Limits
	// MinCPUMilli and MinMemoryBytes are the floors (10m, 32Mi when 0).
	MinCPUMilli    int64
	MinMemoryBytes int64
	// MinHistory is the least time a container must have been seen over
	// (1 day when 0): with less it is reported, not sized.
	MinHistory time.Duration
	// Snapshot sizes from one sample per container (metrics-server): no
	// history is asked for, and each sized workload says so.
	Snapshot bool
}

func (p *Policy) defaults() {
	if p.CPUPercentile <= 0 {
		p.CPUPercentile = 95
	}
	if p.MinCPUMilli <= 0 {
		p.MinCPUMilli = 10
	}
	if p.MinMemoryBytes <= 0 {
		p.MinMemoryBytes = 32 << 20
	}
	if p.MinHistory <= 0 {
		p.MinHistory = 24 * time.Hour
	}
}

// LimitsMode is what --limits does.
type LimitsMode string

// Limits policies.
const (
	// LimitsKeep leaves limits as they are, raising one only where the new
	// request would exceed it (the API server refuses a request above its
	// limit).
	LimitsKeep LimitsMode = "keep"
	// LimitsNone removes cpu and memory limits.
	LimitsNone LimitsMode = "none"
	// LimitsRatio sets each limit to Ratio times its request.
	LimitsRatio LimitsMode = "ratio"
)

// Limits is the limits policy.
type Limits struct {
	Mode  LimitsMode
	Ratio float64
}

// ParseLimits reads --limits: keep, none or ratio:X (X at least 1).
func ParseLimits(s string) (Limits, error) {
	switch s {
	case "", "keep":
		return Limits{Mode: LimitsKeep}, nil
	case "none":
		return Limits{Mode: LimitsNone}, nil
	}
	if r, ok := strings.CutPrefix(s, "ratio:"); ok {
		x, err := strconv.ParseFloat(r, 64)
		if err == nil && x >= 1 && x <= 100 && !math.IsNaN(x) {
			return Limits{Mode: LimitsRatio, Ratio: x}, nil
		}
	}
	return Limits{}, fmt.Errorf("want keep, none or ratio:X with X from 1 to 100 (ratio:2 sets limits to twice the requests)")
}

// ParsePercent reads "15%" or "15" as 0.15 (0 to 1000%).
func ParsePercent(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || v < 0 || v > 1000 || math.IsNaN(v) {
		return 0, fmt.Errorf("want a percentage such as 15%%")
	}
	return v / 100, nil
}

// Resources are a container's cpu and memory (requests or limits); zero
// means not set.
type Resources struct {
	CPUMilli    int64 `json:"cpuMilli"`
	MemoryBytes int64 `json:"memoryBytes"`
}

// Recommendation is the sizing of one container, or why it was not sized.
type Recommendation struct {
	Requests *Resources
	// Limits are the limits to write (nil: leave them; with LimitsNone,
	// RemoveLimits is set).
	Limits       *Resources
	RemoveLimits bool
	// Reason says why there is no recommendation ("" when there is one).
	Reason string
	// CPUPercentileMilli and PeakMemoryBytes are the usage it came from.
	CPUPercentileMilli int64
	PeakMemoryBytes    int64
}

// Recommend sizes a container from its usage; current limits matter only
// for LimitsKeep.
func Recommend(u *Usage, step time.Duration, currentLimits Resources, p Policy) Recommendation {
	p.defaults()
	if u == nil || u.CPUSamples == 0 && u.MemorySamples == 0 {
		if p.Snapshot {
			return Recommendation{Reason: "no sample from metrics-server (no pod running)"}
		}
		return Recommendation{Reason: "no usage in the window"}
	}
	if seen := u.History() + step; !p.Snapshot && seen < p.MinHistory {
		return Recommendation{Reason: fmt.Sprintf("not enough history: %s of data, want at least %s", human(seen), human(p.MinHistory))}
	}
	if u.CPUSamples == 0 || u.MemorySamples == 0 {
		return Recommendation{Reason: "not enough history: CPU or memory series missing"}
	}
	cpu := u.CPUPercentile(p.CPUPercentile)
	peak := int64(math.Ceil(u.PeakMemoryBytes))
	mem := int64(math.Ceil(u.PeakMemoryBytes * (1 + p.MemoryMargin)))
	req := Resources{CPUMilli: RoundCPU(max(cpu, p.MinCPUMilli)), MemoryBytes: RoundMemory(max(mem, p.MinMemoryBytes))}
	r := Recommendation{Requests: &req, CPUPercentileMilli: cpu, PeakMemoryBytes: peak}
	switch p.Limits.Mode {
	case LimitsNone:
		r.RemoveLimits = true
	case LimitsRatio:
		r.Limits = &Resources{
			CPUMilli:    RoundCPU(int64(math.Ceil(float64(req.CPUMilli) * p.Limits.Ratio))),
			MemoryBytes: RoundMemory(int64(math.Ceil(float64(req.MemoryBytes) * p.Limits.Ratio))),
		}
	default: // keep, but never below the request
		if currentLimits.CPUMilli > 0 && currentLimits.CPUMilli < req.CPUMilli || currentLimits.MemoryBytes > 0 && currentLimits.MemoryBytes < req.MemoryBytes {
			l := currentLimits
			if l.CPUMilli > 0 {
				l.CPUMilli = max(l.CPUMilli, req.CPUMilli)
			}
			if l.MemoryBytes > 0 {
				l.MemoryBytes = max(l.MemoryBytes, req.MemoryBytes)
			}
			r.Limits = &l
		}
	}
	return r
}

// RoundCPU rounds millicores up to a friendly value: 5m steps below 100m,
// 10m below 1 core, 100m above.
func RoundCPU(m int64) int64 {
	switch {
	case m <= 100:
		return roundUp(m, 5)
	case m <= 1000:
		return roundUp(m, 10)
	}
	return roundUp(m, 100)
}

// RoundMemory rounds bytes up to a friendly value: 8Mi steps below 1Gi,
// 64Mi below 8Gi, 256Mi above.
func RoundMemory(b int64) int64 {
	const mi = 1 << 20
	switch {
	case b <= 1<<30:
		return roundUp(b, 8*mi)
	case b <= 8<<30:
		return roundUp(b, 64*mi)
	}
	return roundUp(b, 256*mi)
}

func roundUp(v, unit int64) int64 {
	if v <= 0 {
		return 0
	}
	return (v + unit - 1) / unit * unit
}

// FormatCPU writes millicores as Kubernetes writes them: "250m", "2".
func FormatCPU(m int64) string {
	if m%1000 == 0 {
		return strconv.FormatInt(m/1000, 10)
	}
	return strconv.FormatInt(m, 10) + "m"
}

// FormatMemory writes bytes in the largest binary unit that divides them:
// "256Mi", "2Gi".
func FormatMemory(b int64) string {
	for _, u := range []struct {
		s string
		n int64
	}{{"Ti", 1 << 40}, {"Gi", 1 << 30}, {"Mi", 1 << 20}, {"Ki", 1 << 10}} {
		if b != 0 && b%u.n == 0 {
			return strconv.FormatInt(b/u.n, 10) + u.s
		}
	}
	return strconv.FormatInt(b, 10)
}

// human writes a duration in days and hours ("3d", "5h", "1d2h").
func human(d time.Duration) string {
	if d < time.Hour {
		return d.Round(time.Minute).String()
	}
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	switch {
	case days == 0:
		return fmt.Sprintf("%dh", hours)
	case hours == 0:
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%dh", days, hours)
}

// ParseWindow reads --window: a number of days ("7d"), or a Go duration
// ("36h").
func ParseWindow(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err == nil && n > 0 && n <= 400 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d >= time.Hour && d <= 400*24*time.Hour {
		return d, nil
	}
	return 0, fmt.Errorf("want a number of days such as 7d, or a duration such as 36h (1h to 400d)")
}
