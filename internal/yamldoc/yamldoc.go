// Package yamldoc splits YAML (and JSON) input into documents that keep their
// file and line, so that every source can name where a problem is.
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/estate"
)

// Document is one YAML document of a file.
type Document struct {
	File string
	// Line is the line of the document's first key (1-based).
	Line int
	// Node is the document's root mapping node.
	Node       *yaml.Node
	APIVersion string
	Kind       string
}

// Origin returns the document's origin, with an optional reference.
func (d Document) Origin() estate.Origin { return estate.Origin{File: d.File, Line: d.Line} }

// OriginAt returns an origin at a node of the document (its line).
func (d Document) OriginAt(n *yaml.Node) estate.Origin {
	if n == nil || n.Line == 0 {
		return d.Origin()
	}
	return estate.Origin{File: d.File, Line: n.Line}
}

// Group returns the API group of the document ("" for the core group).
func (d Document) Group() string {
	g, _, ok := strings.Cut(d.APIVersion, "/")
	if !ok {
		return ""
	}
	return g
}

// Errorf returns an error prefixed by "file:line:" of the document.
func (d Document) Errorf(format string, args ...any) error {
	return d.Origin().Errorf(format, args...)
}

// Decode decodes the document into v, turning yaml.v3's "line N" errors into
// "file:N" errors.
func (d Document) Decode(v any) error {
	if err := d.Node.Decode(v); err != nil {
		return WrapError(d.File, d.Line, err)
	}
	return nil
}

var lineRE = regexp.MustCompile(`line (\d+): `)

// WrapError rewrites a yaml.v3 error so that it starts with file:line. The
// line is taken from the error text when it has one, else line is used.
func WrapError(file string, line int, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
		if len(te.Errors) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(te.Errors)-1)
		}
	}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			line = n
		}
		msg = strings.Replace(msg, m[0], "", 1)
	}
	return &Error{File: file, Line: line, Msg: msg}
}

// Error is a YAML error at a line of a file (Line 0 when yaml.v3 did not
// say where). Its text is "file:line: message".
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Split parses every document in data. Empty documents are skipped, and so
// are JSON 6902 patches (a list of {op, path, ...}), which Kustomize trees
// keep beside their manifests. A document that is not a mapping otherwise
// is an error naming file and line.
func Split(file string, data []byte) ([]Document, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []Document
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, WrapError(file, 0, err)
		}
		if len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		if root.Kind == yaml.SequenceNode && IsJSONPatch(root) {
			continue
		}
		if root.Kind != yaml.MappingNode {
			return nil, &Error{File: file, Line: root.Line, Msg: "expected a mapping (an object with apiVersion and kind), found " + kindName(root)}
		}
		d := Document{File: file, Line: root.Line, Node: root}
		d.APIVersion = Scalar(root, "apiVersion")
		d.Kind = Scalar(root, "kind")
		docs = append(docs, d)
	}
}

// IsJSONPatch says whether n is a JSON 6902 patch (RFC 6902, as Kustomize's
// patchesJson6902 and patches take them): a non-empty list of mappings,
// each with an op among add, remove, replace, move, copy and test, and a
// path.
func IsJSONPatch(n *yaml.Node) bool {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return false
	}
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode || Scalar(item, "path") == "" {
			return false
		}
		switch Scalar(item, "op") {
		case "add", "remove", "replace", "move", "copy", "test":
		default:
			return false
		}
	}
	return true
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	default:
		return "something else"
	}
}

// Lookup follows a path of mapping keys from n and returns the value node,
// or nil when any step is missing or not a mapping.
func Lookup(n *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		if n == nil {
			return nil
		}
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1] // the last duplicate wins, as in most parsers
			}
		}
		n = next
	}
	return n
}

// Scalar returns the scalar value at path, or "".
func Scalar(n *yaml.Node, path ...string) string {
	v := Lookup(n, path...)
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}
