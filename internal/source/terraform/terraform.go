// Package terraform reads the JSON form of a Terraform plan (the output of
// `terraform show -json plan.out`) and translates the AWS resources it plans
// into an estate.Estate.
//
// Only planned_values is read for resources: it holds every resource instance
// (count and for_each instances separately) as it will be after the apply,
// in the root module and in child modules, recursively. Values that are not
// known until the apply (computed values) are absent there; for those the
// documented AWS defaults are used. The configuration section is read for the
// provider region and for references between resources (which Elastic IP a
// NAT gateway uses, which launch template a node group uses), which planned
// values cannot show before the apply.
package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/refit-dev/refit/internal/estate"
)

// IsPlan reports whether data looks like `terraform show -json` output of a
// plan: a JSON object with a "format_version" key and a "planned_values" or
// "resource_changes" key. It only scans for the keys; it does not decode.
func IsPlan(data []byte) bool {
	head := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	return hasKey(head, "format_version") && (hasKey(head, "planned_values") || hasKey(head, "resource_changes"))
}

// hasKey reports whether `"key"` followed by a colon occurs in data.
func hasKey(data []byte, key string) bool {
	pat := []byte(`"` + key + `"`)
	for {
		i := bytes.Index(data, pat)
		if i < 0 {
			return false
		}
		data = data[i+len(pat):]
		rest := bytes.TrimLeft(data, " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			return true
		}
	}
}

// Parse translates the resources planned in a Terraform plan JSON file into
// an Estate. file names the input in origins and errors. Malformed JSON is
// an error "file:line: ..."; a value of the wrong type in a resource is an
// error naming the file, line and resource address.
func Parse(file string, data []byte) (*estate.Estate, error) {
	p, err := decode(file, data)
	if err != nil {
		return nil, err
	}
	return p.translate()
}

// plan is the part of the plan JSON this package reads.
type plan struct {
	file          string
	data          []byte
	formatVersion string
	hasPlanned    bool
	resources     []resource
	config        configuration
	// configStart and configEnd bound the configuration value in data.
	configStart, configEnd int64
	variables              map[string]variable
}

// resource is one resource instance of planned_values.
type resource struct {
	Address string
	Mode    string
	Type    string
	Name    string
	// Module is the address of the module instance holding the resource
	// ("" for the root module).
	Module string
	// Line is where "address" appears.
	Line   int
	Values json.RawMessage
}

func (r *resource) origin(file string) estate.Origin {
	return estate.Origin{File: file, Line: r.Line, Ref: r.Address}
}

type variable struct {
	Value json.RawMessage `json:"value"`
}

// decode walks the plan with a streaming decoder so that it can record the
// line of every resource address without tokenizing the parts it skips.
func decode(file string, data []byte) (*plan, error) {
	w := &walker{file: file, data: data, dec: json.NewDecoder(bytes.NewReader(data)), line: 1}
	w.dec.UseNumber()
	p := &plan{file: file, data: data}
	err := w.object("plan", func(key string, _ int64) error {
		switch key {
		case "format_version":
			return w.decode(&p.formatVersion, "format_version")
		case "planned_values":
			p.hasPlanned = true
			return w.object("planned_values", func(key string, _ int64) error {
				if key == "root_module" {
					return w.module(p)
				}
				return w.skip()
			})
		case "configuration":
			p.configStart = w.dec.InputOffset()
			if err := w.decode(&p.config, "configuration"); err != nil {
				return err
			}
			p.configEnd = w.dec.InputOffset()
			return nil
		case "variables":
			return w.decode(&p.variables, "variables")
		default:
			return w.skip()
		}
	})
	if err != nil {
		return nil, err
	}
	if _, err := w.dec.Token(); err != io.EOF {
		return nil, w.errorAt(w.dec.InputOffset(), "invalid JSON: unexpected data after the plan object")
	}
	if p.formatVersion == "" {
		return nil, fmt.Errorf("%s: not a Terraform plan: no format_version (expected `terraform show -json` output)", file)
	}
	if major, _, _ := strings.Cut(p.formatVersion, "."); major != "1" {
		return nil, fmt.Errorf("%s: unsupported Terraform JSON format_version %q (want 1.x)", file, p.formatVersion)
	}
	if !p.hasPlanned {
		return nil, fmt.Errorf("%s: Terraform JSON has no planned_values; give the output of `terraform show -json` on a saved plan", file)
	}
	return p, nil
}

// walker reads JSON tokens and keeps a running line count.
type walker struct {
	file string
	data []byte
	dec  *json.Decoder
	// lineOff is the offset up to which newlines were counted; line is the
	// line number at lineOff.
	lineOff int
	line    int
}

// lineAt returns the 1-based line of offset off. Offsets usually grow, so
// the count continues from the last one.
func (w *walker) lineAt(off int64) int {
	o := int(min(max(off, 0), int64(len(w.data))))
	if o < w.lineOff {
		w.lineOff, w.line = 0, 1
	}
	w.line += bytes.Count(w.data[w.lineOff:o], []byte{'\n'})
	w.lineOff = o
	return w.line
}

func (w *walker) errorAt(off int64, format string, args ...any) error {
	return estate.Origin{File: w.file, Line: w.lineAt(off)}.Errorf(format, args...)
}

// wrap turns an error of dec.Token into a "file:line: ..." error. The
// offset of a syntax error from Token is where the decoder stood, before
// any whitespace leading to the bad character.
func (w *walker) wrap(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := se.Offset
		for off < int64(len(w.data)) && isSpace(w.data[off]) {
			off++
		}
		return w.errorAt(off, "invalid JSON: %s", se.Error())
	}
	return w.wrapError(err)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// valueStart returns the offset of the value that follows off, skipping
// whitespace and the colon or comma the decoder has not consumed yet.
func (w *walker) valueStart(off int64) int64 {
	for off < int64(len(w.data)) && (isSpace(w.data[off]) || w.data[off] == ':' || w.data[off] == ',') {
		off++
	}
	return off
}

// wrapError turns a decoder error into a "file:line: ..." error.
func (w *walker) wrapError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return w.errorAt(se.Offset, "invalid JSON: %s", se.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return w.errorAt(int64(len(w.data)), "invalid JSON: unexpected end of input")
	default:
		return w.errorAt(w.dec.InputOffset(), "invalid JSON: %v", err)
	}
}

// decode decodes the next value into v; what names the value in errors.
//
// Offsets in Decode's errors are not positions in the input (a type error's
// is relative to the value; a syntax error's counts only the bytes Decode
// itself scanned), so they are rebased here.
func (w *walker) decode(v any, what string) error {
	start := w.valueStart(w.dec.InputOffset())
	if err := w.dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return w.errorAt(start+te.Offset, "%s", typeError(what, te))
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Scan again from the value's start to find where it breaks.
			if rerr := json.Unmarshal(w.data[start:], &skipValue{}); errors.As(rerr, &se) {
				return w.errorAt(start+se.Offset-1, "invalid JSON: %s", se.Error())
			}
		}
		return w.wrapError(err)
	}
	return nil
}

// skipValue consumes any JSON value without keeping it.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

func (w *walker) skip() error { return w.decode(&skipValue{}, "value") }

// open reads the opening delimiter of an object or array; it returns false
// for null.
func (w *walker) open(want json.Delim, what string) (bool, error) {
	t, err := w.dec.Token()
	if err != nil {
		return false, w.wrap(err)
	}
	if t == nil {
		return false, nil
	}
	if d, ok := t.(json.Delim); ok && d == want {
		return true, nil
	}
	kind := "an object"
	if want == '[' {
		kind = "an array"
	}
	return false, w.errorAt(w.dec.InputOffset(), "%s: want %s, got %s", what, kind, tokenKind(t))
}

// object reads an object, calling field for each key with the offset just
// after the key; field must consume the value.
func (w *walker) object(what string, field func(key string, off int64) error) error {
	ok, err := w.open('{', what)
	if !ok || err != nil {
		return err
	}
	for w.dec.More() {
		t, err := w.dec.Token()
		if err != nil {
			return w.wrap(err)
		}
		key, _ := t.(string) // the decoder only returns strings as keys
		if err := field(key, w.dec.InputOffset()); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.wrap(err)
	}
	return nil
}

// array reads an array, calling elem for each element.
func (w *walker) array(what string, elem func() error) error {
	ok, err := w.open('[', what)
	if !ok || err != nil {
		return err
	}
	for w.dec.More() {
		if err := elem(); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.wrap(err)
	}
	return nil
}

// module reads a module of planned_values and its child modules.
func (w *walker) module(p *plan) error {
	return w.object("module", func(key string, _ int64) error {
		switch key {
		case "resources":
			return w.array("resources", func() error { return w.resource(p) })
		case "child_modules":
			return w.array("child_modules", func() error { return w.module(p) })
		default:
			return w.skip()
		}
	})
}

// resource reads one resource instance of planned_values.
func (w *walker) resource(p *plan) error {
	var r resource
	err := w.object("resource", func(key string, off int64) error {
		switch key {
		case "address":
			r.Line = w.lineAt(off)
			return w.decode(&r.Address, "resource address")
		case "mode":
			return w.decode(&r.Mode, "resource mode")
		case "type":
			return w.decode(&r.Type, "resource type")
		case "name":
			return w.decode(&r.Name, "resource name")
		case "values":
			return w.decode(&r.Values, "resource values")
		default:
			return w.skip()
		}
	})
	if err != nil {
		return err
	}
	if r.Address == "" {
		return w.errorAt(w.dec.InputOffset(), "planned resource without an address")
	}
	r.Module = moduleOf(r.Address)
	p.resources = append(p.resources, r)
	return nil
}

func tokenKind(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		if v == '[' {
			return "an array"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	default:
		return "something else"
	}
}

// typeError describes a JSON value of the wrong type.
func typeError(what string, te *json.UnmarshalTypeError) string {
	field := what
	if te.Field != "" {
		field += "." + te.Field
	}
	return fmt.Sprintf("%s: want %s, got a JSON %s", field, goKind(te.Type.Kind().String()), te.Value)
}

func goKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "a number"
	case k == "bool":
		return "a boolean"
	case k == "string":
		return "a string"
	case k == "slice", k == "array":
		return "an array"
	case k == "map", k == "struct":
		return "an object"
	default:
		return k
	}
}

// moduleOf returns the module part of a resource address:
// `module.a["x"].module.b.aws_instance.web[0]` -> `module.a["x"].module.b`.
func moduleOf(addr string) string {
	parts := splitAddress(addr)
	var mod []string
	for i := 0; i+1 < len(parts); i += 2 {
		if parts[i] != "module" {
			break
		}
		mod = append(mod, parts[i], parts[i+1])
	}
	return strings.Join(mod, ".")
}

// splitAddress splits an address at dots outside brackets and quotes.
func splitAddress(addr string) []string {
	var parts []string
	depth, inQuote, start := 0, false, 0
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '.' && depth == 0:
			parts = append(parts, addr[start:i])
			start = i + 1
		}
	}
	return append(parts, addr[start:])
}

// configKey drops instance keys from an address, giving the address of the
// resource or module in the configuration: `module.a["x"].aws_eip.nat[0]`
// -> `module.a.aws_eip.nat`.
func configKey(addr string) string {
	var b strings.Builder
	depth, inQuote := 0, false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case inQuote && c == '\\':
			i++
		case inQuote && c == '"':
			inQuote = false
		case inQuote:
		case depth > 0 && c == '"':
			inQuote = true
		case c == '[':
			depth++
		case c == ']':
			if depth > 0 {
				depth--
			}
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// indexOf returns the instance key of a resource address ("" when none):
// `aws_instance.web[0]` -> `[0]`.
func indexOf(addr string) string {
	parts := splitAddress(addr)
	last := parts[len(parts)-1]
	if i := strings.IndexByte(last, '['); i >= 0 {
		return last[i:]
	}
	return ""
}
