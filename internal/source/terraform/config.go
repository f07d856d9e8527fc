package terraform

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
)

// configuration is the part of the plan's "configuration" section read
// here: provider blocks and the expressions of resources and module calls.
type configuration struct {
	ProviderConfig map[string]providerConfig `json:"provider_config"`
	RootModule     configModule              `json:"root_module"`
}

type providerConfig struct {
	Name          string `json:"name"`
	ModuleAddress string `json:"module_address"`
	Expressions   struct {
		Region *expression `json:"region"`
	} `json:"expressions"`
}

type expression struct {
	ConstantValue any      `json:"constant_value"`
	References    []string `json:"references"`
}

type configModule struct {
	Resources   []configResource      `json:"resources"`
	ModuleCalls map[string]moduleCall `json:"module_calls"`
}

type moduleCall struct {
	Expressions map[string]any `json:"expressions"`
	Module      configModule   `json:"module"`
}

type configResource struct {
	Mode        string         `json:"mode"`
	Type        string         `json:"type"`
	Name        string         `json:"name"`
	Expressions map[string]any `json:"expressions"`
}

// refs indexes the references between resources in the configuration.
// Keys are configuration addresses: module path and resource without
// instance keys, e.g. "module.vpc.aws_eip.nat".
type refs struct {
	// attrs holds the top-level attributes each resource sets.
	attrs map[string]map[string]bool
	// to holds, per resource, the resources it references, each with the
	// attribute (innermost key) that references it.
	to map[string][]reference
	// fromModuleCalls holds resources passed into a module call.
	fromModuleCalls map[string]bool
	// allocated holds the resources some allocation_id argument references
	// (NAT gateways, EIP associations, load balancer subnet mappings).
	allocated map[string]bool
}

type reference struct {
	attr   string
	target string // configuration address of a managed resource
}

func indexConfig(c *configuration) *refs {
	x := &refs{
		attrs:           map[string]map[string]bool{},
		to:              map[string][]reference{},
		fromModuleCalls: map[string]bool{},
		allocated:       map[string]bool{},
	}
	x.module(&c.RootModule, "")
	return x
}

func (x *refs) module(m *configModule, path string) {
	for _, r := range m.Resources {
		if r.Mode != "" && r.Mode != "managed" {
			continue
		}
		key := joinAddr(path, r.Type+"."+r.Name)
		attrs := map[string]bool{}
		for k := range r.Expressions {
			attrs[k] = true
		}
		x.attrs[key] = attrs
		walkExpressions(r.Expressions, "", func(attr, ref string) {
			if t, ok := refTarget(path, ref); ok {
				x.to[key] = append(x.to[key], reference{attr: attr, target: t})
				if attr == "allocation_id" {
					x.allocated[t] = true
				}
			}
		})
	}
	for _, name := range estate.SortedKeys(m.ModuleCalls) {
		call := m.ModuleCalls[name]
		walkExpressions(call.Expressions, "", func(_, ref string) {
			if t, ok := refTarget(path, ref); ok {
				x.fromModuleCalls[t] = true
			}
		})
		x.module(&call.Module, joinAddr(path, "module."+name))
	}
}

// targets returns the resources of type typ that key references, by
// configuration address.
func (x *refs) targets(key, typ string) []string {
	var out []string
	for _, r := range x.to[key] {
		if resourceType(r.target) == typ && !slices.Contains(out, r.target) {
			out = append(out, r.target)
		}
	}
	return out
}

// resourceType returns the type of a configuration address.
func resourceType(key string) string {
	parts := splitAddress(key)
	if len(parts) < 2 {
		return ""
	}
	return parts[len(parts)-2]
}

func joinAddr(path, rest string) string {
	if path == "" {
		return rest
	}
	return path + "." + rest
}

// walkExpressions calls fn for every reference in an expressions object,
// with the innermost attribute name it appears under. Nested blocks are
// objects or arrays of objects of expressions.
func walkExpressions(v any, attr string, fn func(attr, ref string)) {
	switch v := v.(type) {
	case map[string]any:
		if list, ok := v["references"].([]any); ok {
			for _, r := range list {
				if s, ok := r.(string); ok {
					fn(attr, s)
				}
			}
			return
		}
		for _, k := range estate.SortedKeys(v) {
			walkExpressions(v[k], k, fn)
		}
	case []any:
		for _, e := range v {
			walkExpressions(e, attr, fn)
		}
	}
}

// refTarget resolves a reference made in module path to the configuration
// address of a managed resource: "aws_eip.nat[0].id" in module.vpc ->
// "module.vpc.aws_eip.nat". Other references (var., local., module outputs,
// data sources) return false.
func refTarget(path, ref string) (string, bool) {
	parts := splitAddress(ref)
	if len(parts) < 2 {
		return "", false
	}
	switch parts[0] {
	case "var", "local", "module", "data", "count", "each", "path", "self", "terraform":
		return "", false
	}
	if !strings.Contains(parts[0], "_") {
		return "", false
	}
	name := parts[1]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	return joinAddr(path, parts[0]+"."+name), true
}

var azRE = regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-[0-9]+)(?:[a-z]$|-[a-z])`)

// regionOfZone returns the region of an availability zone name
// ("eu-west-1a" -> "eu-west-1", "us-west-2-lax-1a" -> "us-west-2").
func regionOfZone(az string) string {
	m := azRE.FindStringSubmatch(az)
	if m == nil {
		return ""
	}
	return m[1]
}

// providerRegion returns the region set in the aws provider configuration:
// a constant, or a root variable's value. The default (unaliased) provider
// of the root module wins; then aliases and module providers, by name.
func (p *plan) providerRegion() (string, estate.Origin) {
	keys := estate.SortedKeys(p.config.ProviderConfig)
	sort.SliceStable(keys, func(i, j int) bool { return keys[i] == "aws" && keys[j] != "aws" })
	for _, k := range keys {
		pc := p.config.ProviderConfig[k]
		if pc.Name != "aws" && k != "aws" && !strings.HasPrefix(k, "aws.") {
			continue
		}
		e := pc.Expressions.Region
		if e == nil {
			continue
		}
		origin := estate.Origin{File: p.file, Line: p.regionLine(k), Ref: "provider." + k + ".region"}
		if s, ok := e.ConstantValue.(string); ok && s != "" {
			return s, origin
		}
		if pc.ModuleAddress != "" {
			continue
		}
		for _, ref := range e.References {
			name, ok := strings.CutPrefix(ref, "var.")
			if !ok {
				continue
			}
			var s string
			if v, ok := p.variables[name]; ok && json.Unmarshal(v.Value, &s) == nil && s != "" {
				origin.Ref = ref
				return s, origin
			}
		}
	}
	return "", estate.Origin{}
}

// regionLine finds the line of the region expression of provider key in the
// configuration text: the first "region" key after the provider's key inside
// "provider_config". It falls back to the configuration's first line.
func (p *plan) regionLine(key string) int {
	lo, hi := int(p.configStart), int(p.configEnd)
	if lo < 0 || hi > len(p.data) || lo >= hi {
		return 0
	}
	text := p.data[lo:hi]
	off := lo
	quotedKey, _ := json.Marshal(key)
	for _, pat := range [][]byte{[]byte(`"provider_config"`), quotedKey, []byte(`"region"`)} {
		i := keyIndex(text, pat)
		if i < 0 {
			break
		}
		text, off = text[i:], off+i
	}
	return 1 + bytes.Count(p.data[:off], []byte{'\n'})
}

// keyIndex returns the index of pat used as an object key (followed by a
// colon) in text, or -1.
func keyIndex(text, pat []byte) int {
	base := 0
	for {
		i := bytes.Index(text[base:], pat)
		if i < 0 {
			return -1
		}
		j := base + i + len(pat)
		rest := bytes.TrimLeft(text[j:], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			return base + i
		}
		base = j
	}
}
