package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/refit-dev/refit/internal/quantity"
)

// ParseHeadroom reads a share such as "20%" or "0.2" (--headroom).
func ParseHeadroom(s string) (float64, error) {
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		return 0, fmt.Errorf("want a percentage such as 20%%")
	}
	if pct || v > 1 {
		v /= 100
	}
	if v < 0 || v >= 1 {
		return 0, fmt.Errorf("must be from 0%% to below 100%%")
	}
	return v, nil
}

// ParseDefaultRequests reads the requests assumed for pods that set
// none, "cpu=100m,memory=128Mi" (--default-requests): millicores and
// bytes.
func ParseDefaultRequests(s string) (int64, int64, error) {
	var cpu, mem int64
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return 0, 0, fmt.Errorf("want cpu=QUANTITY,memory=QUANTITY")
		}
		var err error
		switch k {
		case "cpu":
			cpu, err = quantity.MilliValue(v)
		case "memory":
			mem, err = quantity.Value(v)
		default:
			return 0, 0, fmt.Errorf("unknown resource %q (cpu, memory)", k)
		}
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", k, err)
		}
	}
	if cpu <= 0 && mem <= 0 {
		return 0, 0, fmt.Errorf("give a positive cpu or memory")
	}
	return cpu, mem, nil
}

// ParseFlags sets the options given as text on the command line:
// --headroom, --families, --arch and --default-requests (families, arch
// already split at commas).
func (o *Options) ParseFlags(headroom string, families, arch []string, defaults string) error {
	var err error
	if o.Headroom, err = ParseHeadroom(headroom); err != nil {
		return fmt.Errorf("--headroom %q: %w", headroom, err)
	}
	o.Families, o.Arch = families, arch
	for _, a := range o.Arch {
		if a != "amd64" && a != "arm64" {
			return fmt.Errorf("--arch %q: want amd64, arm64 or both", a)
		}
	}
	if o.DefaultMilliCPU, o.DefaultMemory, err = ParseDefaultRequests(defaults); err != nil {
		return fmt.Errorf("--default-requests %q: %w", defaults, err)
	}
	return nil
}
