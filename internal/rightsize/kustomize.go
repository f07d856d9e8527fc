package rightsize

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/source/manifest"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Kustomize overlays often size their containers with a patch: the base
// defines the container, and the overlay's patch sets its resources. When
// the overlay is built the patch's values win, so --fix must write there,
// not into the base. The functions here read the kustomization files (not
// the built output, which has no lines of its own) and find, for each
// container of each build, the patch that sets its resources last.

// patchSite is the patch that sets a container's resources in a build.
type patchSite struct {
	// File and Line name the patch: the container in a strategic-merge
	// patch file, an operation of a JSON 6902 patch file, or the
	// kustomization's entry of an inline patch.
	File string
	Line int
	abs  string // File's absolute path
	// Editable is set for a strategic-merge patch in a file of its own:
	// --fix writes the requests there. Other patches are reported.
	Editable bool
	// What says which kind of patch it is, for the note.
	What string
}

// kustomizePatch is one patch a kustomization applies.
type kustomizePatch struct {
	file       string // the patch file (under the directory as given), "" for an inline patch
	abs        string // its absolute path
	kfile      string // the kustomization file
	line       int    // the kustomization's entry
	json6902   bool
	kind, name string // the target's, when the entry names one
	docs       []*yaml.Node
}

// kustomizeInfo is what one kustomization says about patches and bases.
type kustomizeInfo struct {
	dirs    []string // kustomization directories of resources, bases and components, in order
	patches []kustomizePatch
}

// kustomizeFS is what reading kustomizations needs of the file system
// (the disk, or a map in the fuzz test).
type kustomizeFS interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (os.FileInfo, error)
	// Kustomization is the kustomization file of dir ("" when none).
	Kustomization(dir string) string
}

type diskFS struct{}

func (diskFS) ReadFile(name string) ([]byte, error)  { return os.ReadFile(name) }
func (diskFS) Stat(name string) (os.FileInfo, error) { return os.Stat(name) }
func (diskFS) Kustomization(dir string) string       { return manifest.KustomizationFile(dir) }

// readKustomize reads dir's kustomization file; nil when it has none or it
// is not YAML (the build reports that).
func readKustomize(fsys kustomizeFS, dir string) *kustomizeInfo {
	kfile := fsys.Kustomization(dir)
	if kfile == "" {
		return nil
	}
	data, err := fsys.ReadFile(kfile)
	if err != nil {
		return nil
	}
	return parseKustomize(fsys, dir, kfile, data)
}

// parseKustomize reads the bases and patches of a kustomization file.
func parseKustomize(fsys kustomizeFS, dir, kfile string, data []byte) *kustomizeInfo {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	doc := root.Content[0]
	k := &kustomizeInfo{}
	for _, key := range []string{"resources", "bases", "components"} {
		if s := yamldoc.Lookup(doc, key); s != nil && s.Kind == yaml.SequenceNode {
			for _, n := range s.Content {
				if n.Kind != yaml.ScalarNode || n.Value == "" || strings.Contains(n.Value, "://") {
					continue
				}
				p := filepath.Join(dir, n.Value)
				if fi, err := fsys.Stat(p); err == nil && fi.IsDir() && fsys.Kustomization(p) != "" {
					k.dirs = append(k.dirs, p)
				}
			}
		}
	}
	add := func(entry *yaml.Node, path, inline string, json6902 bool, kind, name string) {
		p := kustomizePatch{kfile: kfile, line: entry.Line, json6902: json6902, kind: kind, name: name}
		var content []byte
		if path != "" {
			p.file = filepath.Join(dir, path)
			abs, err := filepath.Abs(p.file)
			if err != nil {
				return
			}
			if content, err = fsys.ReadFile(abs); err != nil {
				return
			}
			p.abs = abs
		} else {
			content = []byte(inline)
		}
		// Not yamldoc.Split: a JSON 6902 patch is a list.
		dec := yaml.NewDecoder(bytes.NewReader(content))
		for {
			var n yaml.Node
			if dec.Decode(&n) != nil {
				break // the end, or an error the build reports
			}
			if len(n.Content) == 0 {
				continue
			}
			if n.Content[0].Kind == yaml.SequenceNode {
				p.json6902 = true
			}
			p.docs = append(p.docs, n.Content[0])
		}
		k.patches = append(k.patches, p)
	}
	// patchesStrategicMerge: paths, or inline patches.
	if s := yamldoc.Lookup(doc, "patchesStrategicMerge"); s != nil && s.Kind == yaml.SequenceNode {
		for _, n := range s.Content {
			if n.Kind != yaml.ScalarNode {
				continue
			}
			if fi, err := fsys.Stat(filepath.Join(dir, n.Value)); err == nil && fi.Mode().IsRegular() {
				add(n, n.Value, "", false, "", "")
			} else {
				add(n, "", n.Value, false, "", "")
			}
		}
	}
	// patches and patchesJson6902: {path | patch, target}.
	for _, key := range []string{"patches", "patchesJson6902"} {
		s := yamldoc.Lookup(doc, key)
		if s == nil || s.Kind != yaml.SequenceNode {
			continue
		}
		for _, n := range s.Content {
			if n.Kind != yaml.MappingNode {
				continue
			}
			kind, name := yamldoc.Scalar(n, "target", "kind"), yamldoc.Scalar(n, "target", "name")
			if path := yamldoc.Scalar(n, "path"); path != "" {
				add(n, path, "", key == "patchesJson6902", kind, name)
			} else if inline := yamldoc.Lookup(n, "patch"); inline != nil && inline.Kind == yaml.ScalarNode {
				add(n, "", inline.Value, key == "patchesJson6902", kind, name)
			}
		}
	}
	return k
}

// patchOrder lists the patches a build of dir applies, in the order they
// apply: its bases' (and components') first, then its own; a later one
// that sets a container's resources wins.
func patchOrder(fsys kustomizeFS, dir string) []kustomizePatch {
	var out []kustomizePatch
	seen := map[string]bool{}
	var walk func(d string, depth int)
	walk = func(d string, depth int) {
		abs, err := filepath.Abs(d)
		if err != nil || seen[abs] || depth > 32 {
			return
		}
		seen[abs] = true
		k := readKustomize(fsys, d)
		if k == nil {
			return
		}
		for _, sub := range k.dirs {
			walk(sub, depth+1)
		}
		out = append(out, k.patches...)
	}
	walk(dir, 0)
	return out
}

// builtObject is a workload of a build: its namespace and its containers'
// names, in order (for JSON 6902 paths, which name containers by index).
type builtObject struct {
	namespace  string
	containers []string
}

// patchSites finds, for the build of dir whose workloads are objs (by
// kind/name), the patch that sets each container's resources last, keyed
// by ContainerID. Patch files (absolute) map to the namespace of each
// workload they patch.
func patchSites(fsys kustomizeFS, dir string, objs map[string]builtObject, sites map[string]patchSite, patchFiles map[string]map[string][]string) {
	for _, p := range patchOrder(fsys, dir) {
		if p.abs != "" && patchFiles[p.abs] == nil {
			patchFiles[p.abs] = map[string][]string{}
		}
		for _, doc := range p.docs {
			if p.json6902 {
				json6902Sites(p, doc, objs, sites)
				continue
			}
			kind, name := yamldoc.Scalar(doc, "kind"), yamldoc.Scalar(doc, "metadata", "name")
			// A target that names another object than the patch's own:
			// the file's containers do not say whose they are.
			retargeted := p.kind != "" && p.kind != kind || p.name != "" && p.name != name
			if p.kind != "" {
				kind = p.kind
			}
			if p.name != "" {
				name = p.name
			}
			obj, ok := objs[kind+"/"+name]
			if !ok {
				continue
			}
			if p.file != "" && !retargeted {
				k := yamldoc.Scalar(doc, "kind") + "/" + yamldoc.Scalar(doc, "metadata", "name")
				patchFiles[p.abs][k] = appendUnique(patchFiles[p.abs][k], obj.namespace)
			}
			containerNodes(doc, func(c *yaml.Node, init bool) {
				if init || yamldoc.Lookup(c, "resources") == nil {
					return
				}
				id := ContainerID(obj.namespace, kind, name, yamldoc.Scalar(c, "name"))
				switch {
				case p.file != "" && !retargeted:
					sites[id] = patchSite{File: p.file, abs: p.abs, Line: c.Line, Editable: true, What: "a strategic-merge patch"}
				case p.file != "":
					sites[id] = patchSite{File: p.file, abs: p.abs, Line: c.Line, What: "a strategic-merge patch whose target names another object"}
				default:
					sites[id] = patchSite{File: p.kfile, Line: p.line, What: "an inline patch"}
				}
			})
		}
	}
}

// json6902Sites marks the containers whose resources a JSON 6902 patch's
// operations set: a path to a container's resources, to the container, to
// the list, or to a parent of the pod spec.
func json6902Sites(p kustomizePatch, doc *yaml.Node, objs map[string]builtObject, sites map[string]patchSite) {
	obj, ok := objs[p.kind+"/"+p.name]
	if !ok {
		return
	}
	spec := podSpecPath(p.kind)
	if spec == nil {
		return
	}
	list := "/" + strings.Join(spec, "/") + "/containers"
	for _, op := range doc.Content {
		path := yamldoc.Scalar(op, "path")
		if op.Kind != yaml.MappingNode || path == "" {
			continue
		}
		var hit []string
		switch {
		case path == list || strings.HasPrefix(list, path+"/"):
			hit = obj.containers // the list, or a parent of it
		case strings.HasPrefix(path, list+"/"):
			idx, rest, _ := strings.Cut(strings.TrimPrefix(path, list+"/"), "/")
			if rest != "" && rest != "resources" && !strings.HasPrefix(rest, "resources/") {
				continue
			}
			i, err := strconv.Atoi(idx)
			switch {
			case idx == "-" && len(obj.containers) > 0:
				hit = obj.containers[len(obj.containers)-1:]
			case err == nil && i >= 0 && i < len(obj.containers):
				hit = obj.containers[i : i+1]
			default:
				hit = obj.containers
			}
		}
		site := patchSite{File: p.kfile, Line: p.line, What: "an inline JSON 6902 patch"}
		if p.file != "" {
			site = patchSite{File: p.file, abs: p.abs, Line: op.Line, What: "a JSON 6902 patch"}
		}
		for _, c := range hit {
			sites[ContainerID(obj.namespace, p.kind, p.name, c)] = site
		}
	}
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// String names a site for messages: "overlays/prod/patch.yaml:12".
func (s patchSite) String() string { return fmt.Sprintf("%s:%d", s.File, s.Line) }
