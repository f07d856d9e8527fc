package source

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/source/manifest"
)

// maxKustomizeDepth bounds the chain of bases followed from one
// kustomization (kustomize itself rejects cycles).
const maxKustomizeDepth = 32

// maxAncestors bounds how far up from a file its kustomization is looked for.
const maxAncestors = 32

// kustomization is what a kustomization file says about the tree, read
// without building it: its namespace, and the local files and kustomization
// directories its resources, bases and components name.
type kustomization struct {
	namespace string
	files     []string // absolute paths of the files it names
	dirs      []string // absolute paths of the kustomization directories it names
}

// kustomizations reads kustomization files once each. Errors are ignored
// here: a kustomization that cannot be read is reported when it is built.
type kustomizations map[string]*kustomization // by absolute directory

func (ks kustomizations) get(dir string) *kustomization {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	if k, ok := ks[abs]; ok {
		return k
	}
	ks[abs] = nil // a cycle reads as nothing
	file := manifest.KustomizationFile(dir)
	if file == "" {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var raw struct {
		Namespace  string      `yaml:"namespace"`
		Resources  []yaml.Node `yaml:"resources"`
		Bases      []yaml.Node `yaml:"bases"`
		Components []yaml.Node `yaml:"components"`
	}
	k := &kustomization{}
	if yaml.Unmarshal(data, &raw) == nil {
		k.namespace = raw.Namespace
		for _, n := range slices.Concat(raw.Resources, raw.Bases, raw.Components) {
			if n.Kind != yaml.ScalarNode || n.Value == "" || isRemote(n.Value) {
				continue
			}
			p := filepath.Join(abs, n.Value)
			fi, err := os.Stat(p)
			switch {
			case err != nil:
			case fi.IsDir():
				if manifest.IsKustomization(p) {
					k.dirs = append(k.dirs, p)
				}
			case fi.Mode().IsRegular():
				k.files = append(k.files, p)
			}
		}
	}
	ks[abs] = k
	return k
}

// isRemote reports a resource kustomize fetches (a Git repository or URL).
func isRemote(s string) bool {
	return strings.Contains(s, "://") || strings.HasPrefix(s, "github.com/") || strings.HasPrefix(s, "git@")
}

// builds returns the kustomization directories dir builds, directly or
// through other bases (absolute paths), and the files they name.
func (ks kustomizations) builds(dir string) (dirs, files []string) {
	seen := map[string]bool{}
	var walk func(d string, depth int)
	walk = func(d string, depth int) {
		k := ks.get(d)
		if k == nil || depth > maxKustomizeDepth {
			return
		}
		files = append(files, k.files...)
		for _, sub := range k.dirs {
			if !seen[sub] {
				seen[sub] = true
				dirs = append(dirs, sub)
				walk(sub, depth+1)
			}
		}
	}
	walk(dir, 0)
	return dirs, files
}

// namespaceOf returns the namespace the kustomization that builds file gives
// it, looking in the file's directory and up: the nearest kustomization
// that names the file (directly or through its bases) and sets a namespace.
// It is "" when none does.
func (ks kustomizations) namespaceOf(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	dir := filepath.Dir(abs)
	for range maxAncestors {
		if ns := ks.namespaceVia(dir, abs); ns != "" {
			return ns
		}
		up := filepath.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	return ""
}

// namespaceVia returns the namespace kustomization dir gives file when it
// builds it: its own, else that of the base through which it does.
func (ks kustomizations) namespaceVia(dir, file string) string {
	seen := map[string]bool{}
	var walk func(d string, depth int) (string, bool)
	walk = func(d string, depth int) (string, bool) {
		k := ks.get(d)
		if k == nil || depth > maxKustomizeDepth || seen[d] {
			return "", false
		}
		seen[d] = true
		if slices.Contains(k.files, file) {
			return k.namespace, true
		}
		for _, sub := range k.dirs {
			if ns, ok := walk(sub, depth+1); ok {
				if k.namespace != "" {
					return k.namespace, true
				}
				return ns, true
			}
		}
		return "", false
	}
	ns, _ := walk(dir, 0)
	return ns
}

// selectKustomize drops the units an overlay in the input already builds:
// a kustomization directory that another one builds (a base under its
// overlays) and a file that a kustomization names. With overlay set, only
// the overlays (kustomizations that build another one) with a path element
// equal to it are kept. It returns the units to read and notes saying what
// was built and what was folded into what.
func selectKustomize(units []unit, overlay string, ks kustomizations) ([]unit, []string, error) {
	type built struct {
		u    unit
		abs  string
		dirs []string
	}
	var roots []built
	consumedBy := map[string][]string{} // abs dir or file → the units that build it
	for _, u := range units {
		if !u.kustomize {
			continue
		}
		abs, err := filepath.Abs(u.path)
		if err != nil {
			continue
		}
		dirs, files := ks.builds(u.path)
		roots = append(roots, built{u: u, abs: abs, dirs: dirs})
		for _, p := range slices.Concat(dirs, files) {
			if !slices.Contains(consumedBy[p], u.path) {
				consumedBy[p] = append(consumedBy[p], u.path)
			}
		}
	}
	if len(roots) == 0 {
		if overlay != "" {
			return nil, nil, fmt.Errorf("--overlay %s: the input has no Kustomize overlay", overlay)
		}
		return units, nil, nil
	}
	var notes []string
	var kept []unit
	var dropped, matched []string
	var overlays []string
	for _, u := range units {
		abs, err := filepath.Abs(u.path)
		if err != nil || u.path == Stdin {
			kept = append(kept, u)
			continue
		}
		if builtByOther(consumedBy[abs], u.path) {
			// A file a kustomization names, priced through it, or a
			// base, noted below.
			continue
		}
		if u.kustomize {
			var r built
			for _, b := range roots {
				if b.u.path == u.path {
					r = b
				}
			}
			if len(r.dirs) > 0 {
				overlays = append(overlays, u.path)
				if overlay != "" {
					if !hasElement(u.path, overlay) {
						dropped = append(dropped, u.path)
						continue
					}
					matched = append(matched, u.path)
				}
			}
		}
		kept = append(kept, u)
	}
	if overlay != "" && len(matched) == 0 {
		if len(overlays) == 0 {
			return nil, nil, fmt.Errorf("--overlay %s: the input has no Kustomize overlay", overlay)
		}
		return nil, nil, fmt.Errorf("--overlay %s: no overlay directory is named %s (have %s)", overlay, overlay, strings.Join(overlays, ", "))
	}
	keptSet := map[string]bool{}
	for _, u := range kept {
		keptSet[u.path] = true
	}
	for _, b := range roots {
		if !keptSet[b.u.path] {
			continue
		}
		var bases []string
		for _, d := range b.dirs {
			bases = append(bases, display(d, b.u.path, b.abs))
		}
		if len(bases) == 0 {
			notes = append(notes, "kustomize: built "+b.u.path)
		} else {
			notes = append(notes, fmt.Sprintf("kustomize: built %s, with its base(s) %s", b.u.path, strings.Join(bases, ", ")))
		}
	}
	// Each base in the input built by overlays: once, named with them.
	for _, u := range units {
		if !u.kustomize {
			continue
		}
		abs, err := filepath.Abs(u.path)
		if err != nil {
			continue
		}
		var by []string
		for _, o := range consumedBy[abs] {
			if o != u.path && keptSet[o] {
				by = append(by, o)
			}
		}
		if !builtByOther(consumedBy[abs], u.path) {
			continue
		}
		switch {
		case len(by) == 0:
			notes = append(notes, fmt.Sprintf("kustomize: %s is not priced: only overlays left out by --overlay build it", u.path))
		case len(by) == 1:
			notes = append(notes, fmt.Sprintf("kustomize: %s is not priced on its own: %s builds it", u.path, by[0]))
		default:
			hint := "; keep one with --overlay NAME"
			if overlay != "" {
				hint = ""
			}
			notes = append(notes, fmt.Sprintf("kustomize: %s is not priced on its own: %d overlays build it, priced together as one cluster running all of them: %s%s",
				u.path, len(by), strings.Join(by, ", "), hint))
		}
	}
	if len(dropped) > 0 {
		sort.Strings(dropped)
		notes = append(notes, fmt.Sprintf("kustomize: --overlay %s left out %s", overlay, strings.Join(dropped, ", ")))
	}
	return kept, notes, nil
}

// builtByOther reports whether by, the units that build a directory or
// file (an entry of consumedBy), names one other than path itself.
func builtByOther(by []string, path string) bool {
	return len(by) > 0 && !(len(by) == 1 && by[0] == path)
}

// hasElement reports whether one element of path p is name.
func hasElement(p, name string) bool {
	return slices.Contains(strings.Split(filepath.ToSlash(filepath.Clean(p)), "/"), name)
}

// display renders abs relative to the unit that named it, as the user
// wrote that unit's path (relative when the unit's is).
func display(abs, unitPath, unitAbs string) string {
	if filepath.IsAbs(unitPath) {
		return abs
	}
	rel, err := filepath.Rel(filepath.Dir(unitAbs), abs)
	if err != nil {
		return abs
	}
	return filepath.Join(filepath.Dir(filepath.Clean(unitPath)), rel)
}
