package kubemanifests

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// maxDepth bounds the nesting of an object turned into nodes.
const maxDepth = 256

// document builds a yamldoc.Document from a decoded object. Its nodes carry
// no line: a live object has none, and findings then print the origin alone.
func document(origin string, obj map[string]any) yamldoc.Document {
	root := node(obj, 0)
	return yamldoc.Document{
		File: origin, Node: root,
		APIVersion: yamldoc.Scalar(root, "apiVersion"), Kind: yamldoc.Scalar(root, "kind"),
	}
}

// node converts JSON-like values (as client-go's unstructured objects and
// encoding/json with UseNumber produce them) to a YAML node tree, mapping
// keys sorted.
func node(v any, depth int) *yaml.Node {
	if depth > maxDepth {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: make([]*yaml.Node, 0, 2*len(keys))}
		for _, k := range keys {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, node(v[k], depth+1))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: make([]*yaml.Node, 0, len(v))}
		for _, x := range v {
			n.Content = append(n.Content, node(x, depth+1))
		}
		return n
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
	case int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v, 10)}
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
	case float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v, 'g', -1, 64)}
	case json.Number:
		tag := "!!float"
		if _, err := v.Int64(); err == nil {
			tag = "!!int"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v.String()}
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: fmt.Sprint(v)}
}

// parseApplied reads a last-applied-configuration annotation: one JSON
// object with apiVersion and kind.
func parseApplied(text string) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	av, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if av == "" || kind == "" {
		return nil, errors.New("no apiVersion or kind")
	}
	return obj, nil
}
