// Package convert rewrites Kubernetes objects from deprecated or removed API
// versions to versions that are served, the way `refit migrate fix` does.
//
// It edits the YAML node tree in place rather than decoding into Go types, so
// that comments, key order, quoting and the other documents of a file stay as
// they were. Every conversion reports what it changed, the behaviour changes a
// user should know about (Notes) and what it could not convert (Unconverted):
// nothing is dropped silently.
//
// The API versions and the releases they were removed in follow the
// Kubernetes deprecation guide:
// https://kubernetes.io/docs/reference/using-api/deprecation-guide/
package convert

import (
	"fmt"

	"gopkg.in/yaml.v3"

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

// conversion is one row of the table: objects of Kinds in one of From are
// rewritten to To, which is served since Since.
type conversion struct {
	From  []string
	Kinds []string
	To    string
	// Since is the first release that serves To.
	Since kubeapi.Version
	// Removed is the release that stopped serving From (for messages).
	Removed kubeapi.Version
	// Fn edits the object (apiVersion is set afterwards). Nil means the
	// schemas are identical.
	Fn func(c *ctx, from string) error
	// NoReplacement marks kinds that have no successor (PodSecurityPolicy);
	// Fn then only reports.
	NoReplacement bool
}

func v(minor int) kubeapi.Version { return kubeapi.Version{Major: 1, Minor: minor} }

// Release numbers: the "available since" and "no longer served as of"
// versions of https://kubernetes.io/docs/reference/using-api/deprecation-guide/
// (v1.16, v1.22, v1.25, v1.26 sections) and the release notes that
// introduced the GA versions.
var table = []conversion{
	{From: []string{"extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"}, Kinds: []string{"Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"},
		To: "apps/v1", Since: v(9), Removed: v(16), Fn: convertWorkload},
	{From: []string{"extensions/v1beta1", "networking.k8s.io/v1beta1"}, Kinds: []string{"Ingress"},
		To: "networking.k8s.io/v1", Since: v(19), Removed: v(22), Fn: convertIngress},
	{From: []string{"networking.k8s.io/v1beta1"}, Kinds: []string{"IngressClass"},
		To: "networking.k8s.io/v1", Since: v(19), Removed: v(22)},
	{From: []string{"extensions/v1beta1"}, Kinds: []string{"NetworkPolicy"},
		To: "networking.k8s.io/v1", Since: v(7), Removed: v(16)},
	// CronJob: the defaults (concurrencyPolicy Allow, successfulJobsHistoryLimit
	// 3, failedJobsHistoryLimit 1, suspend false) are the same in batch/v1beta1
	// and batch/v1 (k8s.io/api@v0.34.1 batch/v1beta1/types.go and batch/v1/types.go).
	{From: []string{"batch/v1beta1"}, Kinds: []string{"CronJob"},
		To: "batch/v1", Since: v(21), Removed: v(25)},
	{From: []string{"policy/v1beta1"}, Kinds: []string{"PodDisruptionBudget"},
		To: "policy/v1", Since: v(21), Removed: v(25), Fn: convertPDB},
	{From: []string{"autoscaling/v2beta1"}, Kinds: []string{"HorizontalPodAutoscaler"},
		To: "autoscaling/v2", Since: v(23), Removed: v(25), Fn: convertHPA},
	{From: []string{"autoscaling/v2beta2"}, Kinds: []string{"HorizontalPodAutoscaler"},
		To: "autoscaling/v2", Since: v(23), Removed: v(26), Fn: convertHPA},
	{From: []string{"rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1"}, Kinds: []string{"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
		To: "rbac.authorization.k8s.io/v1", Since: v(8), Removed: v(22), Fn: convertRBAC},
	{From: []string{"scheduling.k8s.io/v1beta1", "scheduling.k8s.io/v1alpha1"}, Kinds: []string{"PriorityClass"},
		To: "scheduling.k8s.io/v1", Since: v(14), Removed: v(22)},
	{From: []string{"storage.k8s.io/v1beta1"}, Kinds: []string{"StorageClass"},
		To: "storage.k8s.io/v1", Since: v(6), Removed: v(22)},
	{From: []string{"storage.k8s.io/v1beta1"}, Kinds: []string{"VolumeAttachment"},
		To: "storage.k8s.io/v1", Since: v(13), Removed: v(22)},
	{From: []string{"storage.k8s.io/v1beta1"}, Kinds: []string{"CSINode"},
		To: "storage.k8s.io/v1", Since: v(17), Removed: v(22)},
	{From: []string{"storage.k8s.io/v1beta1"}, Kinds: []string{"CSIDriver"},
		To: "storage.k8s.io/v1", Since: v(18), Removed: v(22)},
	{From: []string{"admissionregistration.k8s.io/v1beta1"}, Kinds: []string{"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"},
		To: "admissionregistration.k8s.io/v1", Since: v(16), Removed: v(22), Fn: convertWebhooks},
	{From: []string{"discovery.k8s.io/v1beta1"}, Kinds: []string{"EndpointSlice"},
		To: "discovery.k8s.io/v1", Since: v(21), Removed: v(25), Fn: convertEndpointSlice},
	{From: []string{"coordination.k8s.io/v1beta1"}, Kinds: []string{"Lease"},
		To: "coordination.k8s.io/v1", Since: v(14), Removed: v(22)},
	{From: []string{"apiextensions.k8s.io/v1beta1"}, Kinds: []string{"CustomResourceDefinition"},
		To: "apiextensions.k8s.io/v1", Since: v(16), Removed: v(22), Fn: convertCRD},
	{From: []string{"extensions/v1beta1"}, Kinds: []string{"PodSecurityPolicy"},
		Removed: v(16), NoReplacement: true, Fn: reportPSP},
	{From: []string{"policy/v1beta1"}, Kinds: []string{"PodSecurityPolicy"},
		Removed: v(25), NoReplacement: true, Fn: reportPSP},
}

func lookupConversion(apiVersion, kind string) *conversion {
	for i := range table {
		c := &table[i]
		if contains(c.From, apiVersion) && contains(c.Kinds, kind) {
			return c
		}
	}
	return nil
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
func Supported(apiVersion, kind string) bool { return lookupConversion(apiVersion, kind) != nil }

// ctx carries the object being converted and the result being built.
type ctx struct {
	obj  *yaml.Node
	res  *Result
	to   kubeapi.Version
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
// An object is converted when its apiVersion is a deprecated one listed in
// the table and the replacement is served at `to`; if the replacement is not
// served yet the object is left alone (and reported when its own version is
// not served either).
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

	conv := lookupConversion(apiVersion, kind)
	switch {
	case conv == nil:
		// Current or unknown: only references inside the object may need
		// fixing.
	case conv.NoReplacement:
		if err := conv.Fn(c, apiVersion); err != nil {
			return Result{From: apiVersion, To: apiVersion}, err
		}
		return res, nil
	case !to.IsZero() && to.Less(conv.Since):
		if !conv.Removed.IsZero() && to.AtLeast(conv.Removed) {
			c.unconvertedf("%s %s is not served at %s and %s is served only from %s", apiVersion, kind, to, conv.To, conv.Since)
		}
		return res, nil
	default:
		if conv.Fn != nil {
			if err := conv.Fn(c, apiVersion); err != nil {
				return Result{From: apiVersion, To: apiVersion}, err
			}
		}
		setScalar(work, "apiVersion", conv.To)
		res.To = conv.To
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
