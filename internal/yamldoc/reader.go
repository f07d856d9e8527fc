package yamldoc

import (
	"math"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxCount bounds instance and volume counts so that arithmetic downstream
// cannot overflow on absurd input.
const MaxCount = 1_000_000

// Reader reads typed fields from one document's nodes. It keeps the first
// error, prefixed with the file and line of the offending value, so that
// parsing code can read many fields and check once.
type Reader struct {
	Doc Document
	Err error
}

func (r *Reader) Failf(n *yaml.Node, format string, args ...any) {
	if r.Err == nil {
		r.Err = r.Doc.OriginAt(n).Errorf(format, args...)
	}
}

// resolve follows aliases (bounded, in case of a malformed graph).
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// get returns the value at key of mapping m, or nil when it is absent or null.
func (r *Reader) Get(m *yaml.Node, key string) *yaml.Node {
	v := Resolve(Lookup(m, key))
	if v == nil || v.Kind == yaml.AliasNode || (v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
		return nil
	}
	return v
}

// mapping returns the mapping at key, or nil when absent.
func (r *Reader) Mapping(m *yaml.Node, key string) *yaml.Node {
	v := r.Get(m, key)
	if v == nil {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		r.Failf(v, "%s: expected a mapping", key)
		return nil
	}
	return v
}

// list returns the items of the sequence at key.
func (r *Reader) List(m *yaml.Node, key string) []*yaml.Node {
	v := r.Get(m, key)
	if v == nil {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		r.Failf(v, "%s: expected a list", key)
		return nil
	}
	items := make([]*yaml.Node, 0, len(v.Content))
	for _, it := range v.Content {
		items = append(items, Resolve(it))
	}
	return items
}

// str returns the scalar at key, trimmed ("" when absent).
func (r *Reader) Str(m *yaml.Node, key string) string {
	v := r.Get(m, key)
	if v == nil {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		r.Failf(v, "%s: expected a string", key)
		return ""
	}
	return strings.TrimSpace(v.Value)
}

// scalarOf returns the value of a scalar item (of a list).
func (r *Reader) ScalarOf(n *yaml.Node, what string) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		r.Failf(n, "%s: expected a string", what)
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// strList returns the scalars of the list at key.
func (r *Reader) StrList(m *yaml.Node, key string) []string {
	var out []string
	for _, it := range r.List(m, key) {
		if s := r.ScalarOf(it, key); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// strMap returns the mapping at key as strings.
func (r *Reader) StrMap(m *yaml.Node, key string) map[string]string {
	v := r.Mapping(m, key)
	if v == nil || len(v.Content) == 0 {
		return nil
	}
	out := make(map[string]string, len(v.Content)/2)
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := Resolve(v.Content[i]), Resolve(v.Content[i+1])
		if k == nil || val == nil || k.Kind != yaml.ScalarNode || val.Kind != yaml.ScalarNode {
			r.Failf(v.Content[i], "%s: expected string keys and values", key)
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
func (r *Reader) Boolean(m *yaml.Node, key string) (value, set bool) {
	v := r.Get(m, key)
	if v == nil {
		return false, false
	}
	if v.Kind != yaml.ScalarNode || v.Decode(&value) != nil {
		r.Failf(v, "%s: expected true or false, found %q", key, v.Value)
		return false, false
	}
	return value, true
}

// count returns the non-negative integer at key and whether it was set.
func (r *Reader) Count(m *yaml.Node, key string) (int, bool) {
	v := r.Get(m, key)
	if v == nil {
		return 0, false
	}
	var n int64
	if v.Kind != yaml.ScalarNode || v.Tag == "!!float" || v.Decode(&n) != nil {
		r.Failf(v, "%s: expected a whole number, found %q", key, v.Value)
		return 0, false
	}
	if n < 0 {
		r.Failf(v, "%s: %d is negative", key, n)
		return 0, false
	}
	if n > MaxCount {
		r.Failf(v, "%s: %d is too large", key, n)
		return 0, false
	}
	return int(n), true
}

// size returns the non-negative number at key (GiB) and whether it was set.
func (r *Reader) Size(m *yaml.Node, key string) (float64, bool) {
	v := r.Get(m, key)
	if v == nil {
		return 0, false
	}
	var f float64
	if v.Kind != yaml.ScalarNode || v.Decode(&f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		r.Failf(v, "%s: expected a number, found %q", key, v.Value)
		return 0, false
	}
	if f < 0 {
		r.Failf(v, "%s: %v is negative", key, f)
		return 0, false
	}
	if f > 1<<20 {
		r.Failf(v, "%s: %v is too large", key, f)
		return 0, false
	}
	return f, true
}

// line returns the node to cite for key: its value, else the mapping.
func (r *Reader) At(m *yaml.Node, key string) *yaml.Node {
	if v := r.Get(m, key); v != nil {
		return v
	}
	return m
}
