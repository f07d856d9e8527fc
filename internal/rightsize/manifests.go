package rightsize

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/quantity"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Container is one container of a workload the manifests define, with
// its declared requests and limits.
type Container struct {
	File string `json:"file"`
	Line int    `json:"line"`
	// Namespace is the object's (or, for a Kustomize source file, the one
	// the build gives it); "" when neither names one: it then matches usage
	// in any namespace.
	Namespace string `json:"namespace"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Container string `json:"container"`
	Init      bool   `json:"init,omitempty"`
	Requests  Resources
	Limits    Resources
	// patch is set when a Kustomize patch that --fix does not edit (a
	// JSON 6902 or inline patch) sets the container's resources; File and
	// Line then name the patch.
	patch *patchSite
}

// podSpecPath is where a kind keeps its pod spec.
func podSpecPath(kind string) []string {
	switch kind {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController":
		return []string{"spec", "template", "spec"}
	case "CronJob":
		return []string{"spec", "jobTemplate", "spec", "template", "spec"}
	case "Pod":
		return []string{"spec"}
	}
	return nil
}

// objects are a document's objects: the document, or the items of a List.
func objects(root *yaml.Node) []*yaml.Node {
	if strings.HasSuffix(yamldoc.Scalar(root, "kind"), "List") {
		if items := yamldoc.Lookup(root, "items"); items != nil && items.Kind == yaml.SequenceNode {
			return items.Content
		}
	}
	return []*yaml.Node{root}
}

// containerNodes calls visit for every container mapping of an object.
func containerNodes(obj *yaml.Node, visit func(c *yaml.Node, init bool)) {
	path := podSpecPath(yamldoc.Scalar(obj, "kind"))
	if path == nil {
		return
	}
	spec := yamldoc.Lookup(obj, path...)
	for _, list := range []struct {
		key  string
		init bool
	}{{"containers", false}, {"initContainers", true}} {
		s := yamldoc.Lookup(spec, list.key)
		if s == nil || s.Kind != yaml.SequenceNode {
			continue
		}
		for _, c := range s.Content {
			if c.Kind == yaml.MappingNode {
				visit(c, list.init)
			}
		}
	}
}

// ContainersOf lists the containers of a document's workloads; a request
// that is not a quantity is an error naming the file and line.
func ContainersOf(d yamldoc.Document) ([]Container, error) {
	var out []Container
	var err error
	for _, obj := range objects(d.Node) {
		kind := yamldoc.Scalar(obj, "kind")
		name := yamldoc.Scalar(obj, "metadata", "name")
		ns := yamldoc.Scalar(obj, "metadata", "namespace")
		containerNodes(obj, func(c *yaml.Node, init bool) {
			if err != nil {
				return
			}
			ct := Container{File: d.File, Line: c.Line, Namespace: ns, Kind: kind, Name: name,
				Container: yamldoc.Scalar(c, "name"), Init: init}
			for _, r := range []struct {
				dst *Resources
				key string
			}{{&ct.Requests, "requests"}, {&ct.Limits, "limits"}} {
				if err != nil {
					return
				}
				if cpu := yamldoc.Lookup(c, "resources", r.key, "cpu"); cpu != nil && cpu.Kind == yaml.ScalarNode {
					if r.dst.CPUMilli, err = quantity.MilliValue(cpu.Value); err != nil {
						err = fmt.Errorf("%s:%d: resources.%s.cpu %q: %v", d.File, cpu.Line, r.key, cpu.Value, err)
					}
				}
				if mem := yamldoc.Lookup(c, "resources", r.key, "memory"); err == nil && mem != nil && mem.Kind == yaml.ScalarNode {
					if r.dst.MemoryBytes, err = quantity.Value(mem.Value); err != nil {
						err = fmt.Errorf("%s:%d: resources.%s.memory %q: %v", d.File, mem.Line, r.key, mem.Value, err)
					}
				}
			}
			// Kubernetes defaults a missing request to the limit.
			if ct.Requests.CPUMilli == 0 {
				ct.Requests.CPUMilli = ct.Limits.CPUMilli
			}
			if ct.Requests.MemoryBytes == 0 {
				ct.Requests.MemoryBytes = ct.Limits.MemoryBytes
			}
			out = append(out, ct)
		})
	}
	return out, err
}

// Change is what --fix writes into one container.
type Change struct {
	Requests     Resources
	Limits       *Resources
	RemoveLimits bool
}

// EditDocs sets the requests (and limits) of changes in docs' containers,
// keeping every other key, comment and order; changes are keyed by
// ContainerID. It returns the containers it changed.
//
// namespaceOf gives the namespace of a container of a file (the object's
// own when set) and whether the file's container is the one to edit (a
// base's container that an overlay's patch sets is not: the patch is).
func EditDocs(docs []yamldoc.Document, namespaceOf func(file, kind, name, ns, container string) (string, bool), changes map[string]Change) []string {
	var done []string
	for _, d := range docs {
		for _, obj := range objects(d.Node) {
			kind := yamldoc.Scalar(obj, "kind")
			name := yamldoc.Scalar(obj, "metadata", "name")
			objNS := yamldoc.Scalar(obj, "metadata", "namespace")
			containerNodes(obj, func(c *yaml.Node, init bool) {
				cname := yamldoc.Scalar(c, "name")
				ns, edit := namespaceOf(d.File, kind, name, objNS, cname)
				id := ContainerID(ns, kind, name, cname)
				ch, ok := changes[id]
				if !ok || init || !edit {
					return
				}
				res := child(c, "resources", true)
				req := child(res, "requests", true)
				setScalar(req, "cpu", FormatCPU(ch.Requests.CPUMilli))
				setScalar(req, "memory", FormatMemory(ch.Requests.MemoryBytes))
				switch {
				case ch.RemoveLimits:
					if lim := child(res, "limits", false); lim != nil {
						removeKey(lim, "cpu")
						removeKey(lim, "memory")
						if len(lim.Content) == 0 {
							removeKey(res, "limits")
						}
					}
				case ch.Limits != nil:
					lim := child(res, "limits", true)
					if ch.Limits.CPUMilli > 0 {
						setScalar(lim, "cpu", FormatCPU(ch.Limits.CPUMilli))
					}
					if ch.Limits.MemoryBytes > 0 {
						setScalar(lim, "memory", FormatMemory(ch.Limits.MemoryBytes))
					}
				}
				done = append(done, id)
			})
		}
	}
	return done
}

// ContainerID keys a container of a workload.
func ContainerID(namespace, kind, name, container string) string {
	return namespace + "/" + kind + "/" + name + "/" + container
}

// child returns m's mapping under key, creating it (at the end) when
// create is set; a null or empty value becomes a mapping.
func child(m *yaml.Node, key string, create bool) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			if v.Kind == yaml.MappingNode {
				v.Style &^= yaml.FlowStyle
				return v
			}
			if !create {
				return nil
			}
			nv := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", LineComment: v.LineComment, HeadComment: v.HeadComment}
			m.Content[i+1] = nv
			return nv
		}
	}
	if !create {
		return nil
	}
	nv := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, nv)
	return nv
}

// setScalar sets m[key] to a string value, keeping the key's place and
// comments when it exists.
func setScalar(m *yaml.Node, key, value string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			old := m.Content[i+1]
			if old.Kind == yaml.ScalarNode && old.Value == value {
				return
			}
			m.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Value: value,
				LineComment: old.LineComment, HeadComment: old.HeadComment, FootComment: old.FootComment}
			return
		}
	}
	// No tag: "2" is written plain, as Kubernetes manifests write it.
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, &yaml.Node{Kind: yaml.ScalarNode, Value: value})
}

// removeKey removes key from m, moving its head comment to the next key.
func removeKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			hc := m.Content[i].HeadComment
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			if hc != "" && i < len(m.Content) && m.Content[i].HeadComment == "" {
				m.Content[i].HeadComment = hc
			}
			return
		}
	}
}
