// Package convert rewrites Kubernetes objects from deprecated or removed API
// versions to versions that are served, the way `refit migrate fix` does.
//
// It edits the YAML node tree in place rather than decoding into Go types, so
// that comments, key order, quoting and the other documents of a file stay as
// they were. Every conversion reports what it changed, the behaviour changes a
// user should know about (Notes) and what it could not convert (Unconverted):
// nothing is dropped silently.
//
// Which API versions it converts, to what, and from which release, come
// from the API table (internal/kubeapi/data/apis.yaml, field convert:): a
// plain apiVersion rename needs no code here; a conversion that edits fields
// is a function registered in conversions, one file each.
package convert

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Result says what Convert did to one object.
type Result struct {
	// Changed is true when the object was edited.
	Changed bool `json:"changed"`
	// From and To are the object's apiVersion before and after.
	From string `json:"from"`
	To   string `json:"to"`
	// Notes are behaviour changes the user should know about (defaults
	// that differ between the versions, fields moved or removed).
	Notes []string `json:"notes,omitempty"`
	// Unconverted lists what could not be converted and needs a person.
	Unconverted []string `json:"unconverted,omitempty"`
}

// Error is a conversion error at a line of the input.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

func errorf(n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// conversionFunc edits an object moving from apiVersion `from` to c.dest
// (apiVersion itself is set afterwards), or, as a report, only explains it.
type conversionFunc func(c *ctx, from string) error

// conversions are the Go conversions that data/apis.yaml names in convert:,
// each registered by the file that holds it (func init); convert: rename
// needs none: apiVersion alone changes. reports are the functions it names
// in report: for objects a person converts; they explain without changing
// anything. TestConversionNames holds the table and these maps to each
// other.
var conversions, reports = map[string]conversionFunc{}, map[string]conversionFunc{}

// v is release 1.minor.
func v(minor int) kubeapi.Version { return kubeapi.Version{Major: 1, Minor: minor} }

// lookup finds the table's entry for an object that migrate fix converts or
// reports on.
func lookup(apiVersion, kind string) (*kubeapi.Table, kubeapi.API, bool, error) {
	t, err := kubeapi.LoadTable()
	if err != nil {
		return nil, kubeapi.API{}, false, err
	}
	a, ok := t.Lookup(apiVersion, kind)
	if !ok || (!a.Fixable() && a.Report == "") {
		return t, kubeapi.API{}, false, nil
	}
	return t, a, true, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Supported reports whether Convert knows how to rewrite (or, for kinds
// without a replacement, report on) objects of this apiVersion and kind.
func Supported(apiVersion, kind string) bool {
	_, _, ok, _ := lookup(apiVersion, kind)
	return ok
}

// ctx carries the object being converted and the result being built.
type ctx struct {
	obj *yaml.Node
	res *Result
	to  kubeapi.Version
	// api is the table's entry for the object's own version, and dest the
	// apiVersion it moves to.
	api  kubeapi.API
	dest string
	opts Options
}

// Options say what Convert cannot see in the object itself.
type Options struct {
	// SelectorLabelsFrom names the kustomization whose commonLabels (or
	// labels with includeSelectors) kustomize build adds to the object's
	// selector and pod template labels; "" when none does. A workload
	// without them is then converted with a note instead of an
	// Unconverted message.
	SelectorLabelsFrom string
}

func (c *ctx) notef(format string, args ...any) {
	c.res.Notes = append(c.res.Notes, fmt.Sprintf(format, args...))
}

func (c *ctx) unconvertedf(format string, args ...any) {
	c.res.Unconverted = append(c.res.Unconverted, fmt.Sprintf(format, args...))
}

// Convert rewrites one object (the document's root mapping node) in place to
// a version served at `to` (the zero Version means the newest release). It
// returns what it changed, notes on behaviour changes, and Unconverted
// messages for what it cannot convert. Objects whose apiVersion is current,
// and kinds it does not know, are left unchanged. On error the object is
// left exactly as it was.
//
// An object is converted when data/apis.yaml lists its apiVersion and kind
// with a convert: other than manual, to the newest version on the
// replacement chain that `to` serves (flowcontrol v1beta2 → v1beta3 at
// 1.28, → v1 from 1.29); if none is served yet the object is left alone
// (and reported when its own version is not served either). Objects marked
// manual with a report: are only reported on.
func Convert(doc *yaml.Node, to kubeapi.Version) (Result, error) {
	return ConvertWith(doc, to, Options{})
}

// ConvertWith is Convert with options.
func ConvertWith(doc *yaml.Node, to kubeapi.Version, opts Options) (Result, error) {
	if doc == nil {
		return Result{}, &Error{Msg: "no object"}
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return Result{}, errorf(doc, "expected a mapping (an object with apiVersion and kind)")
	}
	apiVersion := yamldoc.Scalar(doc, "apiVersion")
	kind := yamldoc.Scalar(doc, "kind")
	res := Result{From: apiVersion, To: apiVersion}

	work := deepCopy(doc)
	c := &ctx{obj: work, res: &res, to: to, opts: opts}

	t, a, known, err := lookup(apiVersion, kind)
	if err != nil {
		return res, &Error{Msg: err.Error()}
	}
	at := to
	if at.IsZero() {
		at = kubeapi.Newest
	}
	switch {
	case !known:
		// Current, unknown or manual: only references inside the object
		// may need fixing.
	case !a.Fixable():
		fn := reports[a.Report]
		if fn == nil {
			return res, &Error{Msg: fmt.Sprintf("data/apis.yaml names report %q for %s, which package convert does not have", a.Report, a)}
		}
		c.api = a
		if err := fn(c, a.APIVersion()); err != nil {
			return Result{From: apiVersion, To: apiVersion}, err
		}
		return res, nil
	default:
		dest := t.ReplacementAt(a, at)
		r, _ := t.Lookup(dest, a.NewKind())
		if dest == "" || !r.ServedAt(at) {
			if dest != "" && a.RemovedAt(to) {
				c.unconvertedf("%s %s is not served at %s and %s is served only from %s", apiVersion, kind, to, dest, r.IntroducedIn)
			}
			return res, nil
		}
		c.api, c.dest = a, dest
		if a.Convert != kubeapi.ConvertRename {
			fn := conversions[a.Convert]
			if fn == nil {
				return res, &Error{Msg: fmt.Sprintf("data/apis.yaml names conversion %q for %s, which package convert does not have", a.Convert, a)}
			}
			if err := fn(c, a.APIVersion()); err != nil {
				return Result{From: apiVersion, To: apiVersion}, err
			}
		}
		setScalar(work, "apiVersion", dest)
		res.To = dest
		res.Changed = true
	}
	if kind == "HorizontalPodAutoscaler" {
		if err := fixHPARefs(c); err != nil {
			return Result{From: apiVersion, To: apiVersion}, err
		}
	}
	if res.Changed {
		*doc = *work
	}
	return res, nil
}
