package convert

import (
	"strconv"

	"go.yaml.in/yaml/v3"
)

// This file holds small helpers to edit yaml.v3 mapping nodes while keeping
// the comments attached to the keys and values that move.

// resolve follows an alias.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// keyIndex returns the index in m.Content of the last key named key (the
// last duplicate wins, as in yamldoc.Lookup), or -1.
func keyIndex(m *yaml.Node, key string) int {
	if m == nil || m.Kind != yaml.MappingNode {
		return -1
	}
	idx := -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i].Kind == yaml.ScalarNode {
			idx = i
		}
	}
	return idx
}

// get returns the value of key in mapping m (aliases resolved), or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	m = resolve(m)
	i := keyIndex(m, key)
	if i < 0 {
		return nil
	}
	return resolve(m.Content[i+1])
}

// mapping returns the value of key when it is a mapping.
func mapping(m *yaml.Node, key string) *yaml.Node {
	n := get(m, key)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	return n
}

// seq returns the items of key when it is a sequence.
func seq(m *yaml.Node, key string) []*yaml.Node {
	n := get(m, key)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, it := range n.Content {
		out = append(out, resolve(it))
	}
	return out
}

// str returns the scalar value of key, or "".
func str(m *yaml.Node, key string) string {
	n := get(m, key)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func has(m *yaml.Node, key string) bool { return keyIndex(resolve(m), key) >= 0 }

// isNull reports an explicit null value.
func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func intNode(i int64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(i, 10)}
}

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func keyNode(k string) *yaml.Node { return strNode(k) }

func newMap(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Content = append(m.Content, keyNode(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return m
}

func flowStrings(items ...string) *yaml.Node {
	s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, it := range items {
		s.Content = append(s.Content, strNode(it))
	}
	return s
}

// set replaces the value of key, or appends key: value at the end.
func set(m *yaml.Node, key string, value *yaml.Node) {
	if i := keyIndex(m, key); i >= 0 {
		old := m.Content[i+1]
		value.LineComment = old.LineComment
		m.Content[i+1] = value
		return
	}
	m.Content = append(m.Content, keyNode(key), value)
}

// setScalar sets a scalar value in place (keeping its comments and style
// unless the style cannot hold the new value).
func setScalar(m *yaml.Node, key, value string) {
	i := keyIndex(m, key)
	if i < 0 {
		m.Content = append(m.Content, keyNode(key), strNode(value))
		return
	}
	n := m.Content[i+1]
	if n.Kind != yaml.ScalarNode {
		m.Content[i+1] = strNode(value)
		return
	}
	n.Value = value
	n.Tag = "!!str"
}

// insertAt inserts key: value before the pair at index i (an index into
// m.Content, even). i beyond the end appends.
func insertAt(m *yaml.Node, i int, key string, value *yaml.Node) {
	if i < 0 || i > len(m.Content) {
		i = len(m.Content)
	}
	pair := []*yaml.Node{keyNode(key), value}
	m.Content = append(m.Content[:i], append(pair, m.Content[i:]...)...)
}

// insertBefore inserts key: value before the key named before, or appends.
func insertBefore(m *yaml.Node, before, key string, value *yaml.Node) {
	insertAt(m, keyIndex(m, before), key, value)
}

// insertAfter inserts key: value after the key named after, or appends.
func insertAfter(m *yaml.Node, after, key string, value *yaml.Node) {
	i := keyIndex(m, after)
	if i < 0 {
		insertAt(m, len(m.Content), key, value)
		return
	}
	insertAt(m, i+2, key, value)
}

// remove deletes key from m and returns its key and value nodes (nil when
// absent), comments and all.
func remove(m *yaml.Node, key string) (k, val *yaml.Node) {
	i := keyIndex(m, key)
	if i < 0 {
		return nil, nil
	}
	k, val = m.Content[i], m.Content[i+1]
	m.Content = append(m.Content[:i], m.Content[i+2:]...)
	return k, val
}

// removeKeepComments removes key and moves every comment of the removed
// pair (nested ones included) to the next key's head comment, or to the
// mapping's foot comment when it was the last key, so no comment is lost.
func removeKeepComments(m *yaml.Node, key string) (k, val *yaml.Node) {
	i := keyIndex(m, key)
	k, val = remove(m, key)
	if k == nil {
		return nil, nil
	}
	cs := subtreeComments(k, nil)
	cs = subtreeComments(val, cs)
	if len(cs) == 0 {
		return k, val
	}
	joined := joinComments(cs...)
	if i < len(m.Content) {
		next := m.Content[i]
		next.HeadComment = joinComments(joined, next.HeadComment)
	} else {
		m.FootComment = joinComments(m.FootComment, joined)
	}
	return k, val
}

func joinComments(cs ...string) string {
	out := ""
	for _, c := range cs {
		if c == "" {
			continue
		}
		if out != "" {
			out += "\n"
		}
		out += c
	}
	return out
}

// rename changes a key's name in place, keeping position and comments. It
// returns false when the key is absent.
func rename(m *yaml.Node, from, to string) bool {
	i := keyIndex(m, from)
	if i < 0 {
		return false
	}
	k := m.Content[i]
	k.Value = to
	k.Tag = "!!str"
	k.Style = 0
	return true
}

// deepCopy copies a node tree. Aliases inside the tree point to the copies
// of their anchors; aliases to nodes outside keep pointing there.
func deepCopy(n *yaml.Node) *yaml.Node {
	seen := map[*yaml.Node]*yaml.Node{}
	var cp func(*yaml.Node) *yaml.Node
	cp = func(x *yaml.Node) *yaml.Node {
		if x == nil {
			return nil
		}
		if y, ok := seen[x]; ok {
			return y
		}
		y := *x
		seen[x] = &y
		y.Content = nil
		if len(x.Content) > 0 {
			y.Content = make([]*yaml.Node, len(x.Content))
			for i, c := range x.Content {
				y.Content[i] = cp(c)
			}
		}
		return &y
	}
	out := cp(n)
	// Second pass: point aliases at copied anchors.
	var fix func(*yaml.Node, map[*yaml.Node]bool)
	fix = func(x *yaml.Node, visiting map[*yaml.Node]bool) {
		if x == nil || visiting[x] {
			return
		}
		visiting[x] = true
		if x.Kind == yaml.AliasNode && x.Alias != nil {
			if y, ok := seen[x.Alias]; ok {
				x.Alias = y
			}
		}
		for _, c := range x.Content {
			fix(c, visiting)
		}
	}
	fix(out, map[*yaml.Node]bool{})
	return out
}

// maxCopyNodes bounds plainCopy: aliases can make a small document expand
// exponentially ("billion laughs") or even refer to themselves.
const maxCopyNodes = 10000

// plainCopy copies a node tree without comments or anchors, expanding
// aliases, for values duplicated into a new place. It returns false when the
// expansion would exceed maxCopyNodes nodes (or is cyclic).
func plainCopy(n *yaml.Node) (*yaml.Node, bool) {
	budget := maxCopyNodes
	var cp func(*yaml.Node) *yaml.Node
	cp = func(x *yaml.Node) *yaml.Node {
		x = resolve(x)
		budget--
		if x == nil || budget < 0 {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
		}
		y := &yaml.Node{Kind: x.Kind, Style: x.Style, Tag: x.Tag, Value: x.Value}
		for _, c := range x.Content {
			if budget < 0 {
				break
			}
			y.Content = append(y.Content, cp(c))
		}
		return y
	}
	out := cp(n)
	return out, budget >= 0
}

// isInt reports a plain integer scalar.
func isInt(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.ScalarNode {
		return false
	}
	if n.Tag == "!!int" {
		return true
	}
	return false
}

// isDigits reports a string made only of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// mapLen returns the number of pairs of a mapping (0 for nil).
func mapLen(m *yaml.Node) int {
	if m == nil || m.Kind != yaml.MappingNode {
		return 0
	}
	return len(m.Content) / 2
}

// subtreeComments appends every comment of a node tree (aliases not
// followed), in document order.
func subtreeComments(n *yaml.Node, out []string) []string {
	if n == nil {
		return out
	}
	for _, c := range []string{n.HeadComment, n.LineComment} {
		if c != "" {
			out = append(out, c)
		}
	}
	for _, c := range n.Content {
		out = subtreeComments(c, out)
	}
	if n.FootComment != "" {
		out = append(out, n.FootComment)
	}
	return out
}
