// Package kubeapi knows which Kubernetes APIs were deprecated and removed in
// which release, finds them in manifests (and the API versions embedded
// inside objects), rewrites objects to served versions while keeping
// comments and order, and checks that manifests are ready for the cluster a
// team moves to (EKS, the AWS Load Balancer Controller, Fargate).
//
// It is meant to be called by other Go programs as well as by refit.
package kubeapi

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a Kubernetes minor release, such as 1.33.
type Version struct{ Major, Minor int }

// ParseVersion reads "1.33", "v1.33" or "1.33.2".
func ParseVersion(s string) (Version, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "v")
	parts := strings.Split(t, ".")
	if len(parts) < 2 {
		return Version{}, fmt.Errorf("bad Kubernetes version %q (want MAJOR.MINOR, for example 1.33)", s)
	}
	maj, err1 := strconv.Atoi(parts[0])
	min, err2 := strconv.Atoi(strings.SplitN(parts[1], "-", 2)[0])
	if err1 != nil || err2 != nil || maj != 1 || min < 0 {
		return Version{}, fmt.Errorf("bad Kubernetes version %q (want MAJOR.MINOR, for example 1.33)", s)
	}
	return Version{maj, min}, nil
}

// IsZero reports an unset version.
func (v Version) IsZero() bool { return v.Major == 0 }

// Less orders versions.
func (v Version) Less(o Version) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	return v.Minor < o.Minor
}

// AtLeast reports v ≥ o (false when o is unset).
func (v Version) AtLeast(o Version) bool { return !o.IsZero() && !v.Less(o) }

func (v Version) String() string {
	if v.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

// MarshalText writes "1.33".
func (v Version) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads "1.33"; empty is the zero version.
func (v *Version) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*v = Version{}
		return nil
	}
	p, err := ParseVersion(string(b))
	*v = p
	return err
}

// Severity of a finding.
type Severity string

// Severities, from worst.
const (
	Error   Severity = "error"   // breaks at the target (removed API, cannot run)
	Warning Severity = "warning" // deprecated, or behaviour changes
	Info    Severity = "info"
)

// Finding is one thing found in the input. Rule is a stable identifier
// (for SARIF and for suppressing): "removed-api", "deprecated-api",
// "removed-api-reference", "duplicate-key", "no-replacement",
// "unconvertible", and the readiness rules' own names.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column,omitempty"`
	// The object the finding is in.
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name,omitempty"`
	// Field is the path of an API version found inside the object
	// ("spec.scaleTargetRef.apiVersion"), "" for the object's own.
	Field string `json:"field,omitempty"`
	// FoundAPIVersion is the deprecated or removed version found (the
	// object's own, or the one in Field).
	FoundAPIVersion string  `json:"foundAPIVersion,omitempty"`
	DeprecatedIn    Version `json:"deprecatedIn,omitempty"`
	RemovedIn       Version `json:"removedIn,omitempty"`
	Replacement     string  `json:"replacement,omitempty"`
	Message         string  `json:"message"`
	// Notes says what changes when moving to the replacement (from the
	// API table), "" when nothing notable does.
	Notes string `json:"notes,omitempty"`
	// Fixable says `refit migrate fix` rewrites it.
	Fixable bool `json:"fixable,omitempty"`
}

// Location renders "file:line".
func (f Finding) Location() string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return f.File
}
