package kubeapi

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// Rules of Check.
const (
	// RuleRemovedAPI: the object's apiVersion is not served at the target.
	RuleRemovedAPI = "removed-api"
	// RuleDeprecatedAPI: an apiVersion (the object's own or one inside it)
	// is deprecated at the target.
	RuleDeprecatedAPI = "deprecated-api"
	// RuleRemovedAPIReference: an apiVersion inside the object (a scale
	// target, an owner, a Kustomize patch target) is not served at the
	// target.
	RuleRemovedAPIReference = "removed-api-reference"
	// RuleNoReplacement: the apiVersion is removed (or deprecated) and no
	// API replaces it (PodSecurityPolicy).
	RuleNoReplacement = "no-replacement"
	// RuleNotServed: the source release (CheckOptions.From) does not serve
	// the object's apiVersion, so it cannot be applied there.
	RuleNotServed = "not-served"
	// RuleRemovedField: a field of an older API version that the served
	// version moved (CRD spec.conversion.webhookClientConfig).
	RuleRemovedField = "removed-field"
	// RuleDuplicateKey: a mapping has the same key more than once.
	RuleDuplicateKey = "duplicate-key"
	// RuleNotKubernetes: a document without apiVersion or kind.
	RuleNotKubernetes = "not-kubernetes"
)

// CheckOptions says which releases Check compares against.
type CheckOptions struct {
	// To is the release the manifests will be applied to (zero: Newest).
	To Version
	// From is the release the cluster runs now (zero: not used). When set,
	// Check also lists objects that From does not serve.
	From Version
}

// scaleTargets are the workload kinds whose HPA scaleTargetRef the
// converter rewrites to apps/v1.
var scaleTargets = map[string]bool{"Deployment": true, "ReplicaSet": true, "StatefulSet": true}

// Check finds deprecated and removed APIs in documents: each object's own
// apiVersion and kind, the API versions named inside objects (HPA scale
// targets, owner references, webhook review versions, CRD conversion
// fields, Kustomize patch and replacement targets), duplicate mapping keys,
// and documents that are not Kubernetes objects. Kinds the table does not
// know (custom resources) are not API-checked. Findings come in document
// order, by line within a document.
func Check(docs []yamldoc.Document, t *Table, opt CheckOptions) []Finding {
	c := newChecker(t, opt)
	var out []Finding
	for _, d := range docs {
		out = append(out, c.document(d)...)
	}
	return out
}

func newChecker(t *Table, opt CheckOptions) *checker {
	c := &checker{t: t, to: opt.To, from: opt.From}
	if c.to.IsZero() {
		c.to = Newest
	}
	return c
}

// CheckData checks the documents of one file's bytes and gives what
// Check(yamldoc.Split(file, data)) gives, faster: documents are identified
// by yamldoc.Scan, and node trees are built only for those that can name
// an API version inside them or must be reported from the tree (duplicate
// keys, Kustomizations, Lists, owner references, the kinds with embedded
// references). Input Scan does not read is split in full. The error is
// Split's.
func CheckData(file string, data []byte, t *Table, opt CheckOptions) ([]Finding, error) {
	heads, ok := yamldoc.Scan(data)
	if !ok {
		return checkSplit(file, data, t, opt)
	}
	c := newChecker(t, opt)
	var out []Finding
	for _, h := range heads {
		if !needsTree(file, h) {
			out = append(out, c.head(file, h)...)
			continue
		}
		d, err := yamldoc.ParseHead(file, data, h)
		if err != nil { // not expected once Scan read it: let Split say
			return checkSplit(file, data, t, opt)
		}
		out = append(out, c.document(d)...)
	}
	return out, nil
}

func checkSplit(file string, data []byte, t *Table, opt CheckOptions) ([]Finding, error) {
	docs, err := yamldoc.Split(file, data)
	if err != nil {
		return nil, err
	}
	return Check(docs, t, opt), nil
}

// needsTree reports a document that CheckData checks on its node tree:
// one whose head alone does not say all Check would find.
func needsTree(file string, h yamldoc.Head) bool {
	if h.Complex || h.Duplicate || h.OwnerReferences || (h.Items && strings.HasSuffix(h.Kind, "List")) {
		return true
	}
	switch h.Kind {
	case "HorizontalPodAutoscaler", "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration":
		return true
	}
	return isKustomization(yamldoc.Document{File: file, APIVersion: h.APIVersion, Kind: h.Kind})
}

// head checks a document from its head (one needsTree refuses): its own
// apiVersion and kind, or that it is not a Kubernetes object.
func (c *checker) head(file string, h yamldoc.Head) []Finding {
	o := object{file: file, apiVersion: h.APIVersion, kind: h.Kind, ns: h.Namespace, name: h.Name}
	if h.APIVersion == "" || h.Kind == "" {
		return []Finding{notKubernetes(o, h.APIVersion, h.Kind, h.Line)}
	}
	if f, ok := c.own(o, &yaml.Node{Line: h.APIVersionLine, Column: h.APIVersionColumn}); ok {
		return []Finding{f}
	}
	return nil
}

func notKubernetes(o object, apiVersion, kind string, line int) Finding {
	missing := "apiVersion and kind"
	if apiVersion != "" {
		missing = "kind"
	} else if kind != "" {
		missing = "apiVersion"
	}
	f := o.finding(RuleNotKubernetes, Info, nil)
	f.Line = line
	f.Message = fmt.Sprintf("no %s: not a Kubernetes object, skipped", missing)
	return f
}

type checker struct {
	t        *Table
	to, from Version
}

// object is the object a finding is in.
type object struct {
	file                       string
	apiVersion, kind, ns, name string
}

func (o object) finding(rule string, sev Severity, at *yaml.Node) Finding {
	f := Finding{Rule: rule, Severity: sev, File: o.file, APIVersion: o.apiVersion, Kind: o.kind, Namespace: o.ns, Name: o.name}
	if at != nil {
		f.Line, f.Column = at.Line, at.Column
	}
	return f
}

func objectOf(file string, n *yaml.Node) object {
	return object{
		file:       file,
		apiVersion: yamldoc.Scalar(n, "apiVersion"), kind: yamldoc.Scalar(n, "kind"),
		ns: yamldoc.Scalar(n, "metadata", "namespace"), name: yamldoc.Scalar(n, "metadata", "name"),
	}
}

func (c *checker) document(d yamldoc.Document) []Finding {
	if d.Node == nil {
		return nil
	}
	var out []Finding
	o := objectOf(d.File, d.Node)
	switch {
	case isKustomization(d):
		out = c.kustomization(o, d.Node)
	case d.APIVersion == "" || d.Kind == "":
		out = append(out, notKubernetes(o, d.APIVersion, d.Kind, d.Line))
	default:
		out = c.object(o, d.Node)
		if items := yamldoc.Lookup(d.Node, "items"); items != nil && items.Kind == yaml.SequenceNode && strings.HasSuffix(d.Kind, "List") {
			for _, it := range items.Content {
				if it.Kind == yaml.MappingNode {
					out = append(out, c.object(objectOf(d.File, it), it)...)
				}
			}
		}
	}
	out = append(out, DuplicateKeys(d)...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Column < out[j].Column
	})
	return out
}

// object checks one Kubernetes object (a document or a List item).
func (c *checker) object(o object, n *yaml.Node) []Finding {
	var out []Finding
	if f, ok := c.own(o, yamldoc.Lookup(n, "apiVersion")); ok {
		out = append(out, f)
	}
	meta := yamldoc.Lookup(n, "metadata", "ownerReferences")
	if meta != nil && meta.Kind == yaml.SequenceNode {
		for i, ref := range meta.Content {
			av := yamldoc.Lookup(ref, "apiVersion")
			field := fmt.Sprintf("metadata.ownerReferences[%d].apiVersion", i)
			out = append(out, c.reference(o, field, av, yamldoc.Scalar(ref, "kind"), "")...)
		}
	}
	switch o.kind {
	case "HorizontalPodAutoscaler":
		ref := yamldoc.Lookup(n, "spec", "scaleTargetRef")
		fs := c.reference(o, "spec.scaleTargetRef.apiVersion", yamldoc.Lookup(ref, "apiVersion"), yamldoc.Scalar(ref, "kind"), "")
		for i := range fs {
			// The converter points scale targets at apps/v1 workloads.
			fs[i].Fixable = fs[i].Replacement == "apps/v1" && scaleTargets[yamldoc.Scalar(ref, "kind")]
		}
		out = append(out, fs...)
	case "CustomResourceDefinition":
		if strings.HasPrefix(o.apiVersion, "apiextensions.k8s.io/") {
			out = append(out, c.crdConversion(o, n)...)
		}
	case "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration":
		if hooks := yamldoc.Lookup(n, "webhooks"); hooks != nil && hooks.Kind == yaml.SequenceNode {
			for i, h := range hooks.Content {
				field := fmt.Sprintf("webhooks[%d].admissionReviewVersions", i)
				out = append(out, c.reviewVersions(o, field, yamldoc.Lookup(h, "admissionReviewVersions"), "admission.k8s.io", "AdmissionReview")...)
			}
		}
	}
	return out
}

// own checks the object's own apiVersion and kind; at is the apiVersion
// value.
func (c *checker) own(o object, at *yaml.Node) (Finding, bool) {
	a, ok := c.t.Lookup(o.apiVersion, o.kind)
	if !ok {
		return Finding{}, false
	}
	k := ownKey{to: c.to, from: c.from, apiVersion: o.apiVersion, kind: o.kind}
	v, cached := c.t.own.Load(k)
	if !cached {
		f, ok := c.ownFinding(object{apiVersion: o.apiVersion, kind: o.kind}, a)
		v = ownFinding{f, ok}
		c.t.own.Store(k, v)
	}
	of := v.(ownFinding)
	if !of.ok {
		return Finding{}, false
	}
	f := of.f
	f.File, f.Namespace, f.Name = o.file, o.ns, o.name
	if at != nil {
		f.Line, f.Column = at.Line, at.Column
	}
	return f, true
}

// ownKey and ownFinding are the cache of own in Table.own.
type ownKey struct {
	to, from         Version
	apiVersion, kind string
}

type ownFinding struct {
	f  Finding
	ok bool
}

// ownFinding is own's finding for the API a, at no place.
func (c *checker) ownFinding(o object, a API) (Finding, bool) {
	repl := c.t.ReplacementAt(a, c.to)
	f := o.finding("", "", nil)
	f.FoundAPIVersion, f.DeprecatedIn, f.RemovedIn, f.Replacement = o.apiVersion, a.DeprecatedIn, a.RemovedIn, repl
	f.Notes = notes(a)
	use := c.use(a, repl)
	switch {
	case a.RemovedAt(c.to) && repl == "":
		f.Rule, f.Severity = RuleNoReplacement, Error
		f.Message = fmt.Sprintf("%s is not served by Kubernetes %s (removed in %s%s) and no API replaces it", a, c.to, a.RemovedIn, since(a)) + sentence(a.Notes)
	case a.RemovedAt(c.to):
		f.Rule, f.Severity, f.Fixable = RuleRemovedAPI, Error, a.Fixable()
		f.Message = fmt.Sprintf("%s is not served by Kubernetes %s (removed in %s%s); %s", a, c.to, a.RemovedIn, since(a), use)
	case a.DeprecatedAt(c.to) && repl == "":
		f.Rule, f.Severity = RuleNoReplacement, Warning
		f.Message = fmt.Sprintf("%s is deprecated since Kubernetes %s%s and no API replaces it", a, a.DeprecatedIn, removal(a)) + sentence(a.Notes)
	case a.DeprecatedAt(c.to):
		f.Rule, f.Severity, f.Fixable = RuleDeprecatedAPI, Warning, a.Fixable()
		f.Message = fmt.Sprintf("%s is deprecated since Kubernetes %s%s; %s", a, a.DeprecatedIn, removal(a), use)
	case !c.from.IsZero() && !a.ServedAt(c.from):
		f.Rule, f.Severity = RuleNotServed, Warning
		f.Message = fmt.Sprintf("%s is not served by the source cluster's Kubernetes %s (%s), so it cannot be applied there", a, c.from, servedRange(a))
		return f, true
	default:
		return Finding{}, false
	}
	if !c.from.IsZero() {
		if !a.ServedAt(c.from) {
			f.Message += fmt.Sprintf("; the source cluster's %s does not serve it either", c.from)
		} else if r, ok := c.t.Lookup(repl, a.NewKind()); ok && !r.ServedAt(c.from) {
			f.Message += fmt.Sprintf("; %s is served from %s, after the source cluster's %s, so upgrade the cluster to %s before applying it", repl, r.IntroducedIn, c.from, r.IntroducedIn)
		}
	}
	return f, true
}

// reference checks an apiVersion named inside an object. kind may be ""
// (Kustomize targets without kind): the reference is then flagged only when
// every kind the table knows in that apiVersion is affected.
func (c *checker) reference(o object, field string, avNode *yaml.Node, kind, why string) []Finding {
	if avNode == nil || avNode.Kind != yaml.ScalarNode || avNode.Value == "" {
		return nil
	}
	av := strings.TrimSpace(avNode.Value)
	var a API
	if kind != "" {
		var ok bool
		if a, ok = c.t.Lookup(av, kind); !ok {
			return nil
		}
	} else {
		all := c.t.GroupVersion(av)
		if len(all) == 0 {
			return nil
		}
		a = all[0]
		for _, x := range all[1:] {
			if a.RemovedAt(c.to) != x.RemovedAt(c.to) || a.DeprecatedAt(c.to) != x.DeprecatedAt(c.to) {
				return nil // depends on the kind
			}
		}
		a.Kind = ""
	}
	repl := c.t.ReplacementAt(a, c.to)
	if kind == "" {
		repl = a.Replacement
	}
	f := o.finding("", "", avNode)
	f.Field, f.FoundAPIVersion, f.DeprecatedIn, f.RemovedIn, f.Replacement = field, av, a.DeprecatedIn, a.RemovedIn, repl
	name := strings.TrimSpace(a.String())
	use := "no API replaces it"
	if repl != "" {
		use = "use " + repl
	}
	switch {
	case a.RemovedAt(c.to):
		f.Rule, f.Severity = RuleRemovedAPIReference, Error
		f.Message = fmt.Sprintf("%s names %s, which Kubernetes %s does not serve (removed in %s); %s%s", field, name, c.to, a.RemovedIn, use, why)
	case a.DeprecatedAt(c.to):
		f.Rule, f.Severity = RuleDeprecatedAPI, Warning
		f.Message = fmt.Sprintf("%s names %s, deprecated since Kubernetes %s%s; %s%s", field, name, a.DeprecatedIn, removal(a), use, why)
	default:
		return nil
	}
	return []Finding{f}
}

// reviewVersions flags a webhook that accepts only deprecated review
// versions (admissionReviewVersions: [v1beta1]).
func (c *checker) reviewVersions(o object, field string, list *yaml.Node, group, kind string) []Finding {
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return nil
	}
	var oldest API
	for _, v := range list.Content {
		a, ok := c.t.Lookup(group+"/"+v.Value, kind)
		if !ok || !a.DeprecatedAt(c.to) {
			return nil // a current (or unknown) version is listed
		}
		oldest = a
	}
	f := o.finding(RuleDeprecatedAPI, Warning, list.Content[0])
	f.Field, f.FoundAPIVersion, f.DeprecatedIn, f.Replacement = field, oldest.APIVersion(), oldest.DeprecatedIn, oldest.Replacement
	f.Notes = oldest.Notes
	f.Message = fmt.Sprintf("%s lists only deprecated versions: the webhook receives %s, deprecated since Kubernetes %s; make the webhook accept %s and list %s first",
		field, oldest, oldest.DeprecatedIn, oldest.Replacement, strings.TrimPrefix(oldest.Replacement, group+"/"))
	return []Finding{f}
}

// crdConversion flags the apiextensions.k8s.io/v1beta1 shapes of
// spec.conversion, which v1 moved under spec.conversion.webhook.
func (c *checker) crdConversion(o object, n *yaml.Node) []Finding {
	conv := yamldoc.Lookup(n, "spec", "conversion")
	if conv == nil || conv.Kind != yaml.MappingNode {
		return nil
	}
	crd, known := c.t.Lookup(o.apiVersion, o.kind)
	var out []Finding
	for _, m := range []struct{ old, moved string }{
		{"webhookClientConfig", "spec.conversion.webhook.clientConfig"},
		{"conversionReviewVersions", "spec.conversion.webhook.conversionReviewVersions"},
	} {
		var keyNode *yaml.Node
		for i := 0; i+1 < len(conv.Content); i += 2 {
			if conv.Content[i].Value == m.old {
				keyNode = conv.Content[i]
			}
		}
		if keyNode == nil {
			continue
		}
		field := "spec.conversion." + m.old
		f := o.finding(RuleRemovedField, Warning, keyNode)
		f.Field, f.FoundAPIVersion = field, o.apiVersion
		switch {
		case o.apiVersion == "apiextensions.k8s.io/v1":
			f.Severity = Error
			f.Message = fmt.Sprintf("%s is an apiextensions.k8s.io/v1beta1 field; apiextensions.k8s.io/v1 reads %s and rejects or drops this one", field, m.moved)
		case known && (crd.RemovedAt(c.to) || crd.DeprecatedAt(c.to)):
			if crd.RemovedAt(c.to) {
				f.Severity = Error
			}
			f.DeprecatedIn, f.RemovedIn, f.Replacement, f.Fixable = crd.DeprecatedIn, crd.RemovedIn, crd.Replacement, true
			f.Message = fmt.Sprintf("%s moves to %s in %s", field, m.moved, crd.Replacement)
		default:
			continue
		}
		out = append(out, f)
	}
	list := yamldoc.Lookup(conv, "webhook", "conversionReviewVersions")
	if list == nil {
		list = yamldoc.Lookup(conv, "conversionReviewVersions")
	}
	field := "spec.conversion.webhook.conversionReviewVersions"
	if list != nil && yamldoc.Lookup(conv, "webhook", "conversionReviewVersions") == nil {
		field = "spec.conversion.conversionReviewVersions"
	}
	return append(out, c.reviewVersions(o, field, list, "apiextensions.k8s.io", "ConversionReview")...)
}

// isKustomization reports a kustomization file: kind Kustomization or
// Component, or a file named like one with neither apiVersion nor kind.
func isKustomization(d yamldoc.Document) bool {
	if d.Kind == "Kustomization" || d.Kind == "Component" {
		return d.APIVersion == "" || strings.HasPrefix(d.APIVersion, "kustomize.config.k8s.io/")
	}
	if d.APIVersion != "" || d.Kind != "" {
		return false
	}
	switch filepath.Base(d.File) {
	case "kustomization.yaml", "kustomization.yml", "Kustomization":
		return true
	}
	return false
}

// kustomization checks the API versions a kustomization selects: patch
// targets, replacement sources and targets, and var references. Patched
// files themselves are documents of their own.
func (c *checker) kustomization(o object, n *yaml.Node) []Finding {
	const why = "; once the resources move to the served version this selector no longer matches them"
	var out []Finding
	selector := func(field string, sel *yaml.Node) {
		if sel == nil || sel.Kind != yaml.MappingNode {
			return
		}
		ver := yamldoc.Lookup(sel, "version")
		if ver == nil || ver.Kind != yaml.ScalarNode || ver.Value == "" {
			return // kustomize then matches any version
		}
		av := ver.Value
		if g := yamldoc.Scalar(sel, "group"); g != "" {
			av = g + "/" + av
		}
		// A synthetic node keeps the line of the version value.
		node := &yaml.Node{Kind: yaml.ScalarNode, Value: av, Line: ver.Line, Column: ver.Column}
		out = append(out, c.reference(o, field, node, yamldoc.Scalar(sel, "kind"), why)...)
	}
	each := func(key string, fn func(i int, item *yaml.Node)) {
		if seq := yamldoc.Lookup(n, key); seq != nil && seq.Kind == yaml.SequenceNode {
			for i, item := range seq.Content {
				fn(i, item)
			}
		}
	}
	each("patches", func(i int, p *yaml.Node) {
		selector(fmt.Sprintf("patches[%d].target", i), yamldoc.Lookup(p, "target"))
		out = append(out, c.inlinePatch(o, fmt.Sprintf("patches[%d].patch", i), yamldoc.Lookup(p, "patch"))...)
	})
	each("patchesStrategicMerge", func(i int, p *yaml.Node) {
		if p.Kind == yaml.ScalarNode && strings.Contains(p.Value, "\n") { // inline, not a file name
			out = append(out, c.inlinePatch(o, fmt.Sprintf("patchesStrategicMerge[%d]", i), p)...)
		}
	})
	each("patchesJson6902", func(i int, p *yaml.Node) {
		selector(fmt.Sprintf("patchesJson6902[%d].target", i), yamldoc.Lookup(p, "target"))
	})
	each("replacements", func(i int, r *yaml.Node) {
		selector(fmt.Sprintf("replacements[%d].source", i), yamldoc.Lookup(r, "source"))
		if ts := yamldoc.Lookup(r, "targets"); ts != nil && ts.Kind == yaml.SequenceNode {
			for j, tg := range ts.Content {
				selector(fmt.Sprintf("replacements[%d].targets[%d].select", i, j), yamldoc.Lookup(tg, "select"))
				if rej := yamldoc.Lookup(tg, "reject"); rej != nil && rej.Kind == yaml.SequenceNode {
					for k, r := range rej.Content {
						selector(fmt.Sprintf("replacements[%d].targets[%d].reject[%d]", i, j, k), r)
					}
				}
			}
		}
	})
	each("vars", func(i int, v *yaml.Node) {
		ref := yamldoc.Lookup(v, "objref")
		out = append(out, c.reference(o, fmt.Sprintf("vars[%d].objref.apiVersion", i), yamldoc.Lookup(ref, "apiVersion"), yamldoc.Scalar(ref, "kind"), why)...)
	})
	return out
}

// inlinePatch checks a strategic-merge patch written inline in a
// kustomization (patches[].patch, or an inline patchesStrategicMerge item):
// its apiVersion and kind pick the resource it patches, so once the
// resources move to the served version it no longer matches. Findings point
// at the line inside the kustomization. JSON 6902 patches (a list of
// operations) name no apiVersion and are left to their target.
func (c *checker) inlinePatch(o object, field string, p *yaml.Node) []Finding {
	if p == nil || p.Kind != yaml.ScalarNode || strings.TrimSpace(p.Value) == "" {
		return nil
	}
	// A block scalar's text starts on the line after its indicator.
	base := p.Line - 1
	if p.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		base = p.Line
	}
	const why = "; the inline patch selects its resource by apiVersion and kind, so once the resources move to the served version it no longer applies: update it with them"
	var out []Finding
	dec := yaml.NewDecoder(strings.NewReader(p.Value))
	for i := 0; ; i++ {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			break // the end, or not YAML: kustomize reports that itself
		}
		if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			continue
		}
		m := doc.Content[0]
		av := yamldoc.Lookup(m, "apiVersion")
		if av == nil {
			continue
		}
		node := &yaml.Node{Kind: yaml.ScalarNode, Value: av.Value, Line: base + av.Line, Column: av.Column}
		f := field + ".apiVersion"
		if i > 0 {
			f = fmt.Sprintf("%s (document %d).apiVersion", field, i+1)
		}
		out = append(out, c.reference(o, f, node, yamldoc.Scalar(m, "kind"), why)...)
	}
	return out
}

// LowestServingVersion returns the lowest release that serves the
// apiVersion and kind of every document (and List item) the table knows,
// at least Oldest: the default for CheckOptions.From. When no release
// serves them all (an API removed before another was introduced), it is
// the release where the newest of them appeared, and Check with that From
// reports the older ones as not served.
func LowestServingVersion(docs []yamldoc.Document, t *Table) Version {
	v := Oldest
	see := func(n *yaml.Node) {
		if a, ok := t.Lookup(yamldoc.Scalar(n, "apiVersion"), yamldoc.Scalar(n, "kind")); ok && v.Less(a.IntroducedIn) {
			v = a.IntroducedIn
		}
	}
	for _, d := range docs {
		if d.Node == nil {
			continue
		}
		see(d.Node)
		if items := yamldoc.Lookup(d.Node, "items"); items != nil && items.Kind == yaml.SequenceNode && strings.HasSuffix(d.Kind, "List") {
			for _, it := range items.Content {
				see(it)
			}
		}
	}
	return v
}

// DuplicateKeys finds mapping keys that appear more than once in a
// document. yaml.v3 keeps every pair in the node tree, while most parsers
// (kubectl's included) keep only the last value.
func DuplicateKeys(d yamldoc.Document) []Finding {
	if d.Node == nil {
		return nil
	}
	w := dupWalker{o: objectOf(d.File, d.Node)}
	w.walk(d.Node, 0)
	return w.out
}

type pathElem struct {
	key   string
	index int // for sequence items, key == ""
}

type dupWalker struct {
	o    object
	path []pathElem
	out  []Finding
}

func (w *dupWalker) pathString() string {
	var b strings.Builder
	for _, p := range w.path {
		if p.key == "" {
			b.WriteString("[" + strconv.Itoa(p.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p.key)
	}
	return b.String()
}

// maxDepth bounds recursion on deeply nested input.
const maxDepth = 512

func (w *dupWalker) walk(n *yaml.Node, depth int) {
	if n == nil || depth > maxDepth {
		return
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			w.walk(c, depth+1)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			w.path = append(w.path, pathElem{index: i})
			w.walk(c, depth+1)
			w.path = w.path[:len(w.path)-1]
		}
	case yaml.MappingNode:
		w.duplicates(n)
		for i := 0; i+1 < len(n.Content); i += 2 {
			w.path = append(w.path, pathElem{key: n.Content[i].Value})
			w.walk(n.Content[i+1], depth+1)
			w.path = w.path[:len(w.path)-1]
		}
	}
	// Aliases are checked where their anchor is defined.
}

func (w *dupWalker) duplicates(n *yaml.Node) {
	pairs := len(n.Content) / 2
	if pairs < 2 {
		return
	}
	key := func(i int) *yaml.Node {
		if k := n.Content[2*i]; k.Kind == yaml.ScalarNode && k.Value != "<<" {
			return k
		}
		return nil
	}
	if pairs <= 16 { // nearly all mappings: compare pairwise, no allocation
		var reported []string
	outer:
		for i := 0; i < pairs; i++ {
			k := key(i)
			if k == nil {
				continue
			}
			for _, r := range reported {
				if r == k.Value {
					continue outer
				}
			}
			var lines []int
			for j := i + 1; j < pairs; j++ {
				if o := key(j); o != nil && o.Value == k.Value {
					lines = append(lines, o.Line)
				}
			}
			if len(lines) > 0 {
				reported = append(reported, k.Value)
				w.report(k, append([]int{k.Line}, lines...))
			}
		}
		return
	}
	lines := make(map[string][]int, pairs)
	for i := 0; i < pairs; i++ {
		if k := key(i); k != nil {
			lines[k.Value] = append(lines[k.Value], k.Line)
		}
	}
	for i := 0; i < pairs; i++ {
		k := key(i)
		if k == nil {
			continue
		}
		if l := lines[k.Value]; len(l) > 1 && l[0] == k.Line {
			w.report(k, l)
			delete(lines, k.Value)
		}
	}
}

func (w *dupWalker) report(k *yaml.Node, lines []int) {
	strs := make([]string, len(lines))
	for i, l := range lines {
		strs[i] = strconv.Itoa(l)
	}
	f := w.o.finding(RuleDuplicateKey, Warning, k)
	f.Field = w.pathString()
	f.Message = fmt.Sprintf("key %s appears %d times (lines %s); most parsers keep only the last, losing the others", k.Value, len(lines), strings.Join(strs, ", "))
	w.out = append(w.out, f)
}

func since(a API) string {
	if a.DeprecatedIn.IsZero() {
		return ""
	}
	return ", deprecated since " + a.DeprecatedIn.String()
}

func removal(a API) string {
	if a.RemovedIn.IsZero() {
		return " (still served)"
	}
	return " and removed in " + a.RemovedIn.String()
}

func servedRange(a API) string {
	switch {
	case !a.IntroducedIn.IsZero() && !a.RemovedIn.IsZero():
		return fmt.Sprintf("served from %s to %d.%d", a.IntroducedIn, a.RemovedIn.Major, a.RemovedIn.Minor-1)
	case !a.IntroducedIn.IsZero():
		return "served from " + a.IntroducedIn.String()
	case !a.RemovedIn.IsZero():
		return "removed in " + a.RemovedIn.String()
	}
	return "served"
}

// use renders "use apps/v1" (with the kind when it changes), or the notes
// of an API without replacement.
func (c *checker) use(a API, repl string) string {
	if repl == "" {
		return "no API replaces it"
	}
	s := "use " + repl
	if a.NewKind() != a.Kind {
		s += " " + a.NewKind()
	}
	if r, ok := c.t.Lookup(repl, a.NewKind()); ok && !r.ServedAt(c.to) && !r.IntroducedIn.IsZero() {
		s += fmt.Sprintf(" (served from %s)", r.IntroducedIn)
	}
	return s
}

// sentence renders notes as a trailing sentence, without its final period.
func sentence(notes string) string {
	if notes == "" {
		return ""
	}
	return ". " + strings.TrimSuffix(notes, ".")
}

func notes(a API) string {
	if a.Notes == "No notable changes." {
		return ""
	}
	return a.Notes
}
