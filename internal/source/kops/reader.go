package kops

import (
	"math"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/refit-dev/refit/internal/source/yamldoc"
)

// maxCount bounds instance and volume counts so that arithmetic downstream
// cannot overflow on absurd input.
const maxCount = 1_000_000

// reader reads typed fields from one document's nodes. It keeps the first
// error, prefixed with the file and line of the offending value, so that
// parsing code can read many fields and check once.
type reader struct {
	doc yamldoc.Document
	err error
}

func (r *reader) failf(n *yaml.Node, format string, args ...any) {
	if r.err == nil {
		r.err = r.doc.OriginAt(n).Errorf(format, args...)
	}
}

// resolve follows aliases (bounded, in case of a malformed graph).
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// get returns the value at key of mapping m, or nil when it is absent or null.
func (r *reader) get(m *yaml.Node, key string) *yaml.Node {
	v := resolve(yamldoc.Lookup(m, key))
	if v == nil || v.Kind == yaml.AliasNode || (v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
		return nil
	}
	return v
}

// mapping returns the mapping at key, or nil when absent.
func (r *reader) mapping(m *yaml.Node, key string) *yaml.Node {
	v := r.get(m, key)
	if v == nil {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		r.failf(v, "%s: expected a mapping", key)
		return nil
	}
	return v
}

// list returns the items of the sequence at key.
func (r *reader) list(m *yaml.Node, key string) []*yaml.Node {
	v := r.get(m, key)
	if v == nil {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		r.failf(v, "%s: expected a list", key)
		return nil
	}
	items := make([]*yaml.Node, 0, len(v.Content))
	for _, it := range v.Content {
		items = append(items, resolve(it))
	}
	return items
}

// str returns the scalar at key, trimmed ("" when absent).
func (r *reader) str(m *yaml.Node, key string) string {
	v := r.get(m, key)
	if v == nil {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		r.failf(v, "%s: expected a string", key)
		return ""
	}
	return strings.TrimSpace(v.Value)
}

// scalarOf returns the value of a scalar item (of a list).
func (r *reader) scalarOf(n *yaml.Node, what string) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		r.failf(n, "%s: expected a string", what)
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// strList returns the scalars of the list at key.
func (r *reader) strList(m *yaml.Node, key string) []string {
	var out []string
	for _, it := range r.list(m, key) {
		if s := r.scalarOf(it, key); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// strMap returns the mapping at key as strings.
func (r *reader) strMap(m *yaml.Node, key string) map[string]string {
	v := r.mapping(m, key)
	if v == nil || len(v.Content) == 0 {
		return nil
	}
	out := make(map[string]string, len(v.Content)/2)
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := resolve(v.Content[i]), resolve(v.Content[i+1])
		if k == nil || val == nil || k.Kind != yaml.ScalarNode || val.Kind != yaml.ScalarNode {
			r.failf(v.Content[i], "%s: expected string keys and values", key)
			return nil
		}
		if val.Tag == "!!null" {
			out[k.Value] = ""
			continue
		}
		out[k.Value] = val.Value
	}
	return out
}

// boolean returns the boolean at key and whether it was set.
func (r *reader) boolean(m *yaml.Node, key string) (value, set bool) {
	v := r.get(m, key)
	if v == nil {
		return false, false
	}
	if v.Kind != yaml.ScalarNode || v.Decode(&value) != nil {
		r.failf(v, "%s: expected true or false, found %q", key, v.Value)
		return false, false
	}
	return value, true
}

// count returns the non-negative integer at key and whether it was set.
func (r *reader) count(m *yaml.Node, key string) (int, bool) {
	v := r.get(m, key)
	if v == nil {
		return 0, false
	}
	var n int64
	if v.Kind != yaml.ScalarNode || v.Tag == "!!float" || v.Decode(&n) != nil {
		r.failf(v, "%s: expected a whole number, found %q", key, v.Value)
		return 0, false
	}
	if n < 0 {
		r.failf(v, "%s: %d is negative", key, n)
		return 0, false
	}
	if n > maxCount {
		r.failf(v, "%s: %d is too large", key, n)
		return 0, false
	}
	return int(n), true
}

// size returns the non-negative number at key (GiB) and whether it was set.
func (r *reader) size(m *yaml.Node, key string) (float64, bool) {
	v := r.get(m, key)
	if v == nil {
		return 0, false
	}
	var f float64
	if v.Kind != yaml.ScalarNode || v.Decode(&f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		r.failf(v, "%s: expected a number, found %q", key, v.Value)
		return 0, false
	}
	if f < 0 {
		r.failf(v, "%s: %v is negative", key, f)
		return 0, false
	}
	if f > 1<<20 {
		r.failf(v, "%s: %v is too large", key, f)
		return 0, false
	}
	return f, true
}

// line returns the node to cite for key: its value, else the mapping.
func (r *reader) at(m *yaml.Node, key string) *yaml.Node {
	if v := r.get(m, key); v != nil {
		return v
	}
	return m
}
