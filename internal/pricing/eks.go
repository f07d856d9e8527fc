package pricing

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// EKSVersion is one Kubernetes minor version on Amazon EKS and its support
// calendar. A cluster pays the standard per-cluster-hour price until the end
// of standard support, then the extended-support price.
type EKSVersion struct {
	Version     string    `json:"version"`
	Release     time.Time `json:"release"`
	EndStandard time.Time `json:"endOfStandardSupport"`
	EndExtended time.Time `json:"endOfExtendedSupport"`
	Source      string    `json:"source,omitempty"`
}

// Support tiers.
const (
	SupportStandard = "standard"
	SupportExtended = "extended"
)

func (c *Catalog) addEKS(rec []string) error {
	var v EKSVersion
	v.Version, v.Source = rec[0], rec[4]
	if _, _, ok := parseMinor(v.Version); !ok {
		return fmt.Errorf("bad version %q", v.Version)
	}
	var err error
	for i, dst := range []*time.Time{&v.Release, &v.EndStandard, &v.EndExtended} {
		if *dst, err = time.Parse(time.DateOnly, rec[i+1]); err != nil {
			return fmt.Errorf("version %s: bad date %q", v.Version, rec[i+1])
		}
	}
	if v.EndStandard.Before(v.Release) || v.EndExtended.Before(v.EndStandard) {
		return fmt.Errorf("version %s: dates out of order (release, end of standard support, end of extended support)", v.Version)
	}
	c.eks = append(c.eks, v)
	return nil
}

// EKSVersions lists the known EKS versions, oldest first.
func (c *Catalog) EKSVersions() []EKSVersion { return append([]EKSVersion(nil), c.eks...) }

// EKSSupport says which support tier an EKS cluster on version is in at a
// time, and returns the version's calendar. Versions outside the calendar,
// or past the end of extended support, are an error.
func (c *Catalog) EKSSupport(version string, at time.Time) (string, EKSVersion, error) {
	maj, min, ok := parseMinor(version)
	if !ok {
		return "", EKSVersion{}, fmt.Errorf("bad Kubernetes version %q (want MAJOR.MINOR, for example 1.33)", version)
	}
	norm := fmt.Sprintf("%d.%d", maj, min)
	for _, v := range c.eks {
		if v.Version != norm {
			continue
		}
		switch {
		case at.Before(v.Release):
			return "", v, fmt.Errorf("EKS Kubernetes %s is not released until %s", norm, v.Release.Format(time.DateOnly))
		case at.Before(v.EndStandard):
			return SupportStandard, v, nil
		case at.Before(v.EndExtended):
			return SupportExtended, v, nil
		default:
			return "", v, fmt.Errorf("EKS Kubernetes %s left extended support on %s; EKS upgrades such clusters automatically", norm, v.EndExtended.Format(time.DateOnly))
		}
	}
	known := make([]string, len(c.eks))
	for i, v := range c.eks {
		known[i] = v.Version
	}
	return "", EKSVersion{}, fmt.Errorf("EKS does not offer Kubernetes %s (known: %s)", norm, strings.Join(known, ", "))
}

// DefaultEKSVersion is the newest version in standard support at a time.
func (c *Catalog) DefaultEKSVersion(at time.Time) string {
	best := ""
	for _, v := range c.eks {
		if !at.Before(v.Release) && at.Before(v.EndStandard) {
			best = v.Version
		}
	}
	return best
}

// parseMinor reads "1.33", "v1.33" or "1.33.2" as (1, 33).
func parseMinor(v string) (int, int, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return 0, 0, false
	}
	maj, err1 := strconv.Atoi(parts[0])
	min, err2 := strconv.Atoi(strings.SplitN(parts[1], "-", 2)[0])
	if err1 != nil || err2 != nil || maj < 0 || min < 0 {
		return 0, 0, false
	}
	return maj, min, true
}

func versionLess(a, b string) bool {
	am, an, _ := parseMinor(a)
	bm, bn, _ := parseMinor(b)
	if am != bm {
		return am < bm
	}
	return an < bn
}
