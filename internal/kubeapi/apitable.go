package kubeapi

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Oldest is the oldest Kubernetes release the table describes; versions
// before it are treated as it. Newest is the newest Kubernetes release the
// table was checked against, the default target of Check. Both are the
// oldest: and newest: of data/apis.yaml.
var Oldest, Newest = tableReleases(apisYAML)

// tableReleases reads oldest: and newest: from the part of the table
// before apis:, so that setting these variables does not parse the whole
// table. TestReleasesFromTable holds them to ParseTable's reading.
func tableReleases(data []byte) (oldest, newest Version) {
	if i := bytes.Index(data, []byte("\napis:")); i >= 0 {
		data = data[:i]
	}
	var h struct {
		Oldest Version `yaml:"oldest"`
		Newest Version `yaml:"newest"`
	}
	if err := yaml.Unmarshal(data, &h); err != nil {
		return Version{}, Version{} // LoadTable reports it
	}
	return h.Oldest, h.Newest
}

// What `refit migrate fix` does with an API (API.Convert); any other value
// names a Go conversion of package convert.
const (
	// ConvertRename: set apiVersion to the replacement, nothing else.
	ConvertRename = "rename"
	// ConvertManual: leave the object to a person (API.ManualReason says
	// why).
	ConvertManual = "manual"
)

// API is one built-in group/version/kind and its lifecycle.
type API struct {
	Group   string `yaml:"group" json:"group"`
	Version string `yaml:"version" json:"version"`
	Kind    string `yaml:"kind" json:"kind"`
	// IntroducedIn is the first release that served it (zero: before
	// Oldest).
	IntroducedIn Version `yaml:"introducedIn" json:"introducedIn,omitempty"`
	// DeprecatedIn is the release that deprecated it (zero: not deprecated).
	DeprecatedIn Version `yaml:"deprecatedIn" json:"deprecatedIn,omitempty"`
	// RemovedIn is the first release that no longer serves it (zero: still
	// served).
	RemovedIn Version `yaml:"removedIn" json:"removedIn,omitempty"`
	// Replacement is the group/version that serves the same kind instead,
	// "" when there is none.
	Replacement string `yaml:"replacement" json:"replacement,omitempty"`
	// ReplacementKind is the kind to move to when it is not Kind
	// (v1 Endpoints → discovery.k8s.io/v1 EndpointSlice).
	ReplacementKind string `yaml:"replacementKind" json:"replacementKind,omitempty"`
	Notes           string `yaml:"notes" json:"notes,omitempty"`
	Source          string `yaml:"source" json:"source,omitempty"`
	// Convert is how `refit migrate fix` moves an object to the
	// replacement: ConvertRename, ConvertManual, or the name of a Go
	// conversion in package convert. Every deprecated or removed API says.
	Convert string `yaml:"convert" json:"convert,omitempty"`
	// ManualReason says why a person converts it (Convert is manual).
	ManualReason string `yaml:"manualReason" json:"manualReason,omitempty"`
	// Report names a Go function of package convert that explains a manual
	// object without changing it (psp).
	Report string `yaml:"report" json:"report,omitempty"`
}

// Fixable reports whether `refit migrate fix` rewrites objects of the API
// to its replacement.
func (a API) Fixable() bool { return a.Convert != "" && a.Convert != ConvertManual }

// APIVersion renders "group/version", or "version" for the core group.
func (a API) APIVersion() string {
	if a.Group == "" {
		return a.Version
	}
	return a.Group + "/" + a.Version
}

// NewKind is the kind of the replacement: ReplacementKind, or Kind.
func (a API) NewKind() string {
	if a.ReplacementKind != "" {
		return a.ReplacementKind
	}
	return a.Kind
}

// String renders "apiVersion Kind".
func (a API) String() string { return a.APIVersion() + " " + a.Kind }

// DeprecatedAt reports whether the API is deprecated at release v.
func (a API) DeprecatedAt(v Version) bool { return v.AtLeast(a.DeprecatedIn) }

// RemovedAt reports whether release v no longer serves the API.
func (a API) RemovedAt(v Version) bool { return v.AtLeast(a.RemovedIn) }

// ServedAt reports whether release v serves the API.
func (a API) ServedAt(v Version) bool {
	if a.RemovedAt(v) {
		return false
	}
	return a.IntroducedIn.IsZero() || v.AtLeast(a.IntroducedIn)
}

// Table is the set of known APIs, read from the embedded data/apis.yaml.
type Table struct {
	oldest, newest Version
	apis           []API
	index          map[string]int      // apiVersion + "\x00" + kind
	byGV           map[string][]int    // apiVersion
	kinds          map[string]struct{} // every kind named
	// own caches Check's finding on an object's own apiVersion and kind
	// (ownKey → ownFinding): its message is the same for every object.
	own sync.Map
}

//go:embed data/apis.yaml
var apisYAML []byte

var (
	tableOnce sync.Once
	table     *Table
	tableErr  error
)

// LoadTable returns the embedded table, parsed once.
func LoadTable() (*Table, error) {
	tableOnce.Do(func() { table, tableErr = ParseTable("data/apis.yaml", apisYAML) })
	return table, tableErr
}

// ParseTable reads a table in the format of data/apis.yaml. Errors name the
// file and line.
func ParseTable(file string, data []byte) (*Table, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	var doc struct {
		Oldest Version     `yaml:"oldest"`
		Newest Version     `yaml:"newest"`
		APIs   []yaml.Node `yaml:"apis"`
	}
	if err := root.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if !doc.Oldest.IsZero() && !doc.Newest.IsZero() && doc.Newest.Less(doc.Oldest) {
		return nil, fmt.Errorf("%s: newest %s is before oldest %s", file, doc.Newest, doc.Oldest)
	}
	t := &Table{oldest: doc.Oldest, newest: doc.Newest, index: map[string]int{}, byGV: map[string][]int{}, kinds: map[string]struct{}{}}
	for i := range doc.APIs {
		n := &doc.APIs[i]
		var a API
		if err := n.Decode(&a); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, n.Line, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		switch {
		case a.Version == "" || a.Kind == "":
			return nil, fmt.Errorf("%s:%d: an API needs version and kind", file, n.Line)
		case !a.RemovedIn.IsZero() && !a.DeprecatedIn.IsZero() && a.RemovedIn.Less(a.DeprecatedIn):
			return nil, fmt.Errorf("%s:%d: %s is removed in %s before it is deprecated in %s", file, n.Line, a, a.RemovedIn, a.DeprecatedIn)
		case !a.IntroducedIn.IsZero() && !a.RemovedIn.IsZero() && !a.IntroducedIn.Less(a.RemovedIn):
			return nil, fmt.Errorf("%s:%d: %s is removed in %s, not after it is introduced in %s", file, n.Line, a, a.RemovedIn, a.IntroducedIn)
		case a.Replacement == a.APIVersion():
			return nil, fmt.Errorf("%s:%d: %s replaces itself", file, n.Line, a)
		}
		if err := checkConvert(a); err != "" {
			return nil, fmt.Errorf("%s:%d: %s %s", file, n.Line, a, err)
		}
		key := a.APIVersion() + "\x00" + a.Kind
		if _, dup := t.index[key]; dup {
			return nil, fmt.Errorf("%s:%d: %s is listed twice", file, n.Line, a)
		}
		t.index[key] = len(t.apis)
		t.byGV[a.APIVersion()] = append(t.byGV[a.APIVersion()], len(t.apis))
		t.kinds[a.Kind] = struct{}{}
		t.apis = append(t.apis, a)
	}
	return t, nil
}

// checkConvert says what is wrong with an API's convert, manualReason and
// report fields, "" when nothing is.
func checkConvert(a API) string {
	switch {
	case a.Convert == "" && (!a.DeprecatedIn.IsZero() || !a.RemovedIn.IsZero()):
		return "is deprecated or removed but has no convert: (rename, manual with a manualReason, or the name of a Go conversion)"
	case a.Convert == ConvertManual && strings.TrimSpace(a.ManualReason) == "":
		return "is convert: manual without a manualReason"
	case a.Convert != ConvertManual && a.ManualReason != "":
		return "has a manualReason but is not convert: manual"
	case a.Convert != ConvertManual && a.Report != "":
		return "has a report but is not convert: manual"
	case a.Fixable() && a.Replacement == "":
		return "is convert: " + a.Convert + " but has no replacement to convert to"
	case a.Fixable() && a.ReplacementKind != "":
		return "is convert: " + a.Convert + " but its replacement is another kind; mark it manual"
	}
	return ""
}

// Oldest is the table's oldest: release (zero when it has none).
func (t *Table) Oldest() Version { return t.oldest }

// Newest is the table's newest: release, the newest it was checked against
// (zero when it has none).
func (t *Table) Newest() Version { return t.newest }

// Lookup finds an apiVersion ("apps/v1beta1", "v1") and kind.
func (t *Table) Lookup(apiVersion, kind string) (API, bool) {
	i, ok := t.index[strings.TrimSpace(apiVersion)+"\x00"+kind]
	if !ok {
		return API{}, false
	}
	return t.apis[i], true
}

// All returns every API of the table, in the table's order.
func (t *Table) All() []API { return append([]API(nil), t.apis...) }

// GroupVersion returns the known kinds of an apiVersion.
func (t *Table) GroupVersion(apiVersion string) []API {
	var out []API
	for _, i := range t.byGV[strings.TrimSpace(apiVersion)] {
		out = append(out, t.apis[i])
	}
	return out
}

// KnowsKind reports whether any entry names kind (the table describes it as
// a built-in kind).
func (t *Table) KnowsKind(kind string) bool {
	_, ok := t.kinds[kind]
	return ok
}

// Served reports whether release at serves apiVersion and kind. APIs the
// table does not list (the core group's stable kinds, custom resources)
// are taken as served.
func (t *Table) Served(apiVersion, kind string, at Version) bool {
	a, ok := t.Lookup(apiVersion, kind)
	if !ok {
		return true
	}
	return a.ServedAt(at)
}

// ReplacementAt follows the replacement chain of a (flowcontrol v1beta1 →
// v1beta3 → v1) and returns the newest group/version on it that release at
// serves; failing that, the first one not yet introduced at at; "" when
// every version on the chain is removed by at, or a has no replacement.
func (t *Table) ReplacementAt(a API, at Version) string {
	var best, later string
	r, kind := a.Replacement, a.NewKind()
	for i := 0; r != "" && i < 8; i++ {
		next, ok := t.Lookup(r, kind)
		if !ok {
			return r // not in the table: a current version
		}
		if next.ServedAt(at) {
			best = r
		} else if !next.RemovedAt(at) && later == "" {
			later = r
		}
		r, kind = next.Replacement, next.NewKind()
	}
	if best != "" {
		return best
	}
	return later
}

// Removals returns the APIs removed in release v, sorted by apiVersion and
// kind.
func (t *Table) Removals(v Version) []API {
	var out []API
	for _, a := range t.apis {
		if a.RemovedIn == v {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}
