// Package rightsize recommends container requests from what the pods
// really used (Prometheus' cAdvisor series), shows what they do to the
// cheapest node design (refit plan before and after), and writes them
// back into the manifests with comments and order kept.
package rightsize

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/kubeapi/convert"
	"github.com/refit-dev/refit/internal/plan"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/source/rewrite"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Workload is one container of a workload: its declared requests, and
// the recommended ones or why there are none.
type Workload struct {
	Namespace string `json:"namespace"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Container string `json:"container"`
	// Samples is the number of CPU points read (5-minute rates, one per step).
	Samples     int        `json:"samples"`
	Current     Resources  `json:"current"`
	Recommended *Resources `json:"recommended,omitempty"`
	// Limits are the limits --fix writes (nil: unchanged), RemoveLimits
	// that it removes them.
	Limits       *Resources `json:"limits,omitempty"`
	RemoveLimits bool       `json:"removeLimits,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	// CPUPercentileMilli and PeakMemoryBytes are the usage read.
	CPUPercentileMilli int64  `json:"cpuPercentileMilli,omitempty"`
	PeakMemoryBytes    int64  `json:"peakMemoryBytes,omitempty"`
	File               string `json:"file,omitempty"`
	Line               int    `json:"line,omitempty"`
	// namespace as the manifests resolve it, for --fix.
	manifestNS string
	// patch is the Kustomize patch --fix leaves (see Container.patch).
	patch *patchSite
}

// PlanSummary is the recommended scenario of a plan.
type PlanSummary struct {
	Scenario string          `json:"scenario"`
	Title    string          `json:"title"`
	Monthly  decimal.Decimal `json:"monthly"`
}

// Result is a rightsizing.
type Result struct {
	Window      time.Duration
	Step        time.Duration
	Workloads   []Workload
	PlanBefore  *PlanSummary
	PlanAfter   *PlanSummary
	Assumptions []string
	// Source names where the usage came from ("" for Prometheus at the
	// URL View is given).
	Source string
}

// Manifests are the containers of a set of manifest paths.
type Manifests struct {
	Paths      []string
	Containers []Container
	namespaces *namespaces
}

// namespaces resolves the namespace of a container of a Kustomize source
// file that names none: the namespace the build gives the same kind and
// name, when only one. A container whose resources an overlay's patch
// sets is the patch's in that overlay's namespace, not the base's.
type namespaces struct {
	built map[string]map[string]bool // kind/name -> namespaces
	// sites are the patches that set containers' resources last in a
	// build, by ContainerID.
	sites map[string]patchSite
	// patchFiles maps each patch file (absolute) to the namespaces, in
	// the builds, of the workloads (kind/name) it patches.
	patchFiles map[string]map[string][]string
}

// of returns the namespace of a container of a source file, and whether
// that file's container is the one a build takes its resources from: a
// base's container that every build patches is not, nor is a patch's that
// sets no resources.
func (n *namespaces) of(file, kind, name, ns, container string) (string, bool) {
	if n == nil {
		return ns, true
	}
	if abs, err := filepath.Abs(file); err == nil {
		if pf, ok := n.patchFiles[abs]; ok {
			set := pf[kind+"/"+name]
			if len(set) == 1 {
				if s, ok := n.sites[ContainerID(set[0], kind, name, container)]; ok && s.Editable && s.abs == abs {
					return set[0], true
				}
			}
			return "", false
		}
	}
	if ns != "" {
		_, patched := n.sites[ContainerID(ns, kind, name, container)]
		return ns, !patched
	}
	set := n.built[kind+"/"+name]
	if len(set) == 0 {
		// Builds that give no namespace, if any.
		_, patched := n.sites[ContainerID("", kind, name, container)]
		return "", !patched
	}
	var left []string
	for k := range set {
		if _, patched := n.sites[ContainerID(k, kind, name, container)]; !patched {
			left = append(left, k)
		}
	}
	switch {
	case len(left) == 1:
		return left[0], true
	case len(left) == 0:
		return "", false // every build sets it with a patch
	}
	return "", true
}

// isPatch reports whether file is a patch of a kustomization.
func (n *namespaces) isPatch(file string) bool {
	abs, err := filepath.Abs(file)
	if n == nil || err != nil {
		return false
	}
	_, ok := n.patchFiles[abs]
	return ok
}

// ReadManifests reads the workloads' containers of paths (files,
// directories, Kustomize directories: their source files, with the
// namespace their build gives).
func ReadManifests(paths []string) (*Manifests, error) {
	for _, p := range paths {
		if p == source.Stdin {
			return nil, fmt.Errorf("rightsize reads manifests from files (it may write them back), not from stdin")
		}
	}
	l := &source.Loader{FS: source.OS}
	ns := &namespaces{built: map[string]map[string]bool{}, sites: map[string]patchSite{}, patchFiles: map[string]map[string][]string{}}
	m := &Manifests{Paths: paths, namespaces: ns}
	var docs []yamldoc.Document
	// Each Kustomize build's workloads, and the resources every built
	// container ends up with.
	var roots []string
	objsOf := map[string]map[string]builtObject{}
	builtRes := map[string][2]Resources{}
	// Errors of source files wait for the patches to be known: a JSON 6902
	// patch is a list, not an object, and is read as a patch.
	type fileErr struct {
		file string
		err  error
	}
	var errs []fileErr
	err := l.Documents(paths, func(b source.Batch) error {
		if b.Err != nil {
			if b.Built || b.Data == nil {
				return b.Err
			}
			errs = append(errs, fileErr{b.File, b.Err})
			return nil
		}
		dir, kustomized := strings.CutSuffix(b.File, " (kustomize build)")
		for _, d := range b.Docs {
			if !b.Built {
				docs = append(docs, d)
				continue
			}
			for _, obj := range objects(d.Node) {
				kind, name := yamldoc.Scalar(obj, "kind"), yamldoc.Scalar(obj, "metadata", "name")
				k := kind + "/" + name
				on := yamldoc.Scalar(obj, "metadata", "namespace")
				if on != "" {
					if ns.built[k] == nil {
						ns.built[k] = map[string]bool{}
					}
					ns.built[k][on] = true
				}
				if kustomized {
					if objsOf[dir] == nil {
						objsOf[dir] = map[string]builtObject{}
						roots = append(roots, dir)
					}
					bo := builtObject{namespace: on}
					containerNodes(obj, func(c *yaml.Node, init bool) {
						if !init {
							bo.containers = append(bo.containers, yamldoc.Scalar(c, "name"))
						}
					})
					objsOf[dir][k] = bo
				}
			}
			if cs, err := ContainersOf(d); err == nil {
				for _, c := range cs {
					builtRes[ContainerID(c.Namespace, c.Kind, c.Name, c.Container)] = [2]Resources{c.Requests, c.Limits}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, dir := range roots {
		patchSites(diskFS{}, dir, objsOf[dir], ns.sites, ns.patchFiles)
	}
	for _, e := range errs {
		if !ns.isPatch(e.file) {
			return nil, e.err
		}
	}
	for _, d := range docs {
		cs, err := ContainersOf(d)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			var keep bool
			if c.Namespace, keep = ns.of(c.File, c.Kind, c.Name, c.Namespace, c.Container); !keep {
				continue
			}
			if ns.isPatch(c.File) {
				// A patch may set only some of the resources: the build
				// says what the container runs with.
				if r, ok := builtRes[ContainerID(c.Namespace, c.Kind, c.Name, c.Container)]; ok {
					c.Requests, c.Limits = r[0], r[1]
				}
			}
			m.Containers = append(m.Containers, c)
		}
	}
	// Containers whose resources a patch refit does not edit sets: listed
	// (sized, and reported by --fix), at the patch.
	ids := make([]string, 0, len(ns.sites))
	for id := range ns.sites {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s := ns.sites[id]
		if s.Editable {
			continue
		}
		parts := strings.SplitN(id, "/", 4)
		c := Container{File: s.File, Line: s.Line, Namespace: parts[0], Kind: parts[1], Name: parts[2], Container: parts[3], patch: &s}
		if r, ok := builtRes[id]; ok {
			c.Requests, c.Limits = r[0], r[1]
		}
		m.Containers = append(m.Containers, c)
	}
	return m, nil
}

// Workloads lists the manifests' workloads, for owners by pod name.
func (m *Manifests) Workloads() []Owned {
	if m == nil {
		return nil
	}
	seen := map[Owned]bool{}
	var out []Owned
	for _, c := range m.Containers {
		o := Owned{Namespace: c.Namespace, Kind: c.Kind, Name: c.Name}
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out
}

// Recommendations sizes every container: those of the manifests when
// there are some (containers in usage but not in the manifests are
// counted in an assumption), else every container seen.
func Recommendations(usage map[Key]*Usage, step, window time.Duration, m *Manifests, p Policy) *Result {
	res := &Result{Window: window, Step: step}
	if m == nil || len(m.Containers) == 0 {
		for _, u := range usage {
			w := Workload{Namespace: u.Namespace, Kind: u.Kind, Name: u.Name, Container: u.Container}
			res.Workloads = append(res.Workloads, size(w, u, step, Resources{}, p))
		}
	} else {
		used := map[Key]bool{}
		for _, c := range m.Containers {
			if c.Init {
				continue // init containers run briefly: left as they are
			}
			w := Workload{Namespace: c.Namespace, Kind: c.Kind, Name: c.Name, Container: c.Container,
				Current: c.Requests, File: c.File, Line: c.Line, manifestNS: c.Namespace, patch: c.patch}
			var u *Usage
			if c.Namespace != "" {
				u = usage[Key{Namespace: c.Namespace, Kind: c.Kind, Name: c.Name, Container: c.Container}]
			} else {
				var found []*Usage
				for k, v := range usage {
					if k.Kind == c.Kind && k.Name == c.Name && k.Container == c.Container {
						found = append(found, v)
					}
				}
				if len(found) == 1 {
					u = found[0]
					w.Namespace = u.Namespace
				} else if len(found) > 1 {
					w.Reason = fmt.Sprintf("the manifest names no namespace and %d namespaces run %s %s: give its namespace", len(found), c.Kind, c.Name)
					res.Workloads = append(res.Workloads, w)
					for _, f := range found {
						used[f.Key] = true
					}
					continue
				}
			}
			if u != nil {
				used[u.Key] = true
			}
			w = size(w, u, step, c.Limits, p)
			if w.patch != nil && w.Recommended != nil {
				w.Reason = fmt.Sprintf("set by %s (%s): --fix leaves it", w.patch.What, w.patch)
			}
			res.Workloads = append(res.Workloads, w)
		}
		if n := len(usage) - len(used); n > 0 {
			src := "Prometheus"
			if p.Snapshot {
				src = "metrics-server"
			}
			res.Assumptions = append(res.Assumptions, fmt.Sprintf("%d containers that %s reports are not in the manifests given: left out", n, src))
		}
	}
	sort.Slice(res.Workloads, func(i, j int) bool {
		a, b := res.Workloads[i], res.Workloads[j]
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Container < b.Container
	})
	return res
}

func size(w Workload, u *Usage, step time.Duration, limits Resources, p Policy) Workload {
	r := Recommend(u, step, limits, p)
	if u != nil {
		w.Samples = u.CPUSamples
	}
	if r.Requests == nil {
		w.Reason = r.Reason
		return w
	}
	w.Recommended, w.Limits, w.RemoveLimits = r.Requests, r.Limits, r.RemoveLimits
	if p.Snapshot {
		w.Reason = SnapshotReason
	}
	w.CPUPercentileMilli, w.PeakMemoryBytes = r.CPUPercentileMilli, r.PeakMemoryBytes
	return w
}

// Sized counts the containers with a recommendation.
func (r *Result) Sized() int {
	n := 0
	for _, w := range r.Workloads {
		if w.Recommended != nil {
			n++
		}
	}
	return n
}

// Apply returns a copy of e with each workload's pod requests recomputed
// from the recommendations: the sum of its containers (recommended where
// sized, declared elsewhere), or its largest init container when larger.
func (r *Result) Apply(e *estate.Estate, m *Manifests) *estate.Estate {
	out := e.Clone()
	if m == nil {
		return out
	}
	rec := map[string]Resources{}
	for _, w := range r.Workloads {
		if w.Recommended != nil {
			rec[ContainerID(w.manifestNS, w.Kind, w.Name, w.Container)] = *w.Recommended
		}
	}
	for i := range out.Workloads {
		ew := &out.Workloads[i]
		var sum, initMax Resources
		changed := false
		for _, c := range m.Containers {
			if c.Kind != ew.Kind || c.Name != ew.Name || c.Namespace != "" && c.Namespace != ew.Namespace {
				continue
			}
			req := c.Requests
			if v, ok := rec[ContainerID(c.Namespace, c.Kind, c.Name, c.Container)]; ok && !c.Init {
				req, changed = v, true
			}
			if c.Init {
				initMax.CPUMilli, initMax.MemoryBytes = max(initMax.CPUMilli, req.CPUMilli), max(initMax.MemoryBytes, req.MemoryBytes)
			} else {
				sum.CPUMilli += req.CPUMilli
				sum.MemoryBytes += req.MemoryBytes
			}
		}
		if changed {
			ew.Requests = estate.Resources{MilliCPU: max(sum.CPUMilli, initMax.CPUMilli), MemoryBytes: max(sum.MemoryBytes, initMax.MemoryBytes)}
		}
	}
	return out
}

// Plans runs refit plan on e as declared and on e with the recommended
// requests, and keeps the recommended scenario of each.
func (r *Result) Plans(e *estate.Estate, m *Manifests, cat *pricing.Catalog, opt plan.Options) error {
	before, err := plan.Make(e.Clone(), cat, opt)
	if err != nil {
		return fmt.Errorf("plan with the declared requests: %w", err)
	}
	after, err := plan.Make(r.Apply(e, m), cat, opt)
	if err != nil {
		return fmt.Errorf("plan with the recommended requests: %w", err)
	}
	r.PlanBefore, r.PlanAfter = summary(before), summary(after)
	return nil
}

func summary(res *plan.Result) *PlanSummary {
	s, ok := res.Scenario(res.Recommended)
	if !ok {
		return nil
	}
	return &PlanSummary{Scenario: s.Name, Title: s.Title, Monthly: s.Monthly()}
}

// Mode is what Fix does with a rewritten file (see rewrite.Mode).
type Mode = rewrite.Mode

// The modes, as rewrite names them.
const (
	Diff      = rewrite.Diff
	DryRun    = rewrite.DryRun
	InPlace   = rewrite.InPlace
	OutputDir = rewrite.OutputDir
)

// FixOptions say how Fix writes.
type FixOptions struct {
	Mode   Mode
	OutDir string
	Backup bool
	Out    io.Writer
}

// FixResult is what Fix did.
type FixResult struct {
	ChangedFiles int
	Containers   int
	Notes        []string
}

// Fix writes the recommended requests (and limits, per the policy) into
// the manifests' containers: the files where each container is defined
// (a Kustomize base's own file, not the built output), keeping comments
// and order; unchanged documents are copied byte for byte. With
// OutputDir, every output path is checked before anything is written;
// InPlace writes each file atomically.
func (r *Result) Fix(m *Manifests, o FixOptions) (FixResult, error) {
	var fr FixResult
	w := o.Out
	if w == nil {
		w = io.Discard
	}
	changes := map[string]Change{}
	for _, wl := range r.Workloads {
		if wl.Recommended != nil && wl.patch != nil {
			fr.Notes = append(fr.Notes, fmt.Sprintf("%s: %s sets the resources of %s/%s %s, container %s: not edited; set requests cpu: %s, memory: %s there",
				wl.patch, wl.patch.What, wl.Namespace, wl.Kind, wl.Name, wl.Container, FormatCPU(wl.Recommended.CPUMilli), FormatMemory(wl.Recommended.MemoryBytes)))
			continue
		}
		if wl.Recommended != nil {
			changes[ContainerID(wl.manifestNS, wl.Kind, wl.Name, wl.Container)] = Change{Requests: *wl.Recommended, Limits: wl.Limits, RemoveLimits: wl.RemoveLimits}
		}
	}
	if len(changes) == 0 || m == nil {
		return fr, nil
	}
	l := &source.Loader{FS: source.OS}
	inputs, err := l.Inputs(m.Paths)
	if err != nil {
		return fr, err
	}
	var outputs map[string]string
	if o.Mode == OutputDir {
		if outputs, err = rewrite.OutputPaths(o.OutDir, inputs); err != nil {
			return fr, err
		}
	}
	err = l.Documents(m.Paths, func(b source.Batch) error {
		if b.Built || b.Data == nil {
			return nil
		}
		if b.Err != nil {
			if m.namespaces.isPatch(b.File) {
				return nil // a JSON 6902 patch: not edited
			}
			return b.Err
		}
		var done []string
		out, _, err := convert.FixFileWith(b.File, b.Data, kubeapi.Version{}, convert.FixOptions{EditOnly: true, Edit: func(docs []yamldoc.Document) error {
			done = EditDocs(docs, m.namespaces.of, changes)
			return nil
		}})
		if err != nil {
			return err
		}
		if bytes.Equal(out, b.Data) {
			if o.Mode == OutputDir {
				return rewrite.WriteOutput(outputs[b.File], out)
			}
			return nil
		}
		fr.ChangedFiles++
		fr.Containers += len(done)
		switch o.Mode {
		case DryRun:
			fmt.Fprintf(w, "would rewrite %s\n", b.File)
		case Diff:
			return rewrite.WriteDiff(w, b.File, b.Data, out)
		case InPlace:
			notes, err := rewrite.ReplaceInPlace(b.File, b.Root, out, o.Backup)
			fr.Notes = append(fr.Notes, notes...)
			if err != nil {
				return fmt.Errorf("%s: %w", b.File, err)
			}
		case OutputDir:
			return rewrite.WriteOutput(outputs[b.File], out)
		}
		return nil
	})
	return fr, err
}

// Run reads usage from Prometheus and sizes the manifests' containers (or
// every container seen when m is nil).
func Run(ctx context.Context, p *Prometheus, uo UsageOptions, m *Manifests, pol Policy) (*Result, error) {
	uo.defaults()
	if uo.Owners == nil {
		uo.Owners = &Owners{}
	}
	if m != nil {
		uo.Owners.Workloads = m.Workloads()
	}
	usage, step, err := Collect(ctx, p, uo)
	if err != nil {
		return nil, err
	}
	res := Recommendations(usage, step, uo.Window, m, pol)
	if n := uo.Owners.Guessed(); n > 0 {
		res.Assumptions = append(res.Assumptions, fmt.Sprintf("the workload of %d pods was read from the pod's name (NAME-HASH-XXXXX a Deployment, NAME-N a StatefulSet, NAME-XXXXX a DaemonSet): give --kubeconfig, or run kube-state-metrics, to read their owners", n))
	}
	return res, nil
}
