package manifest

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/quantity"
	"github.com/refit-dev/refit/internal/yamldoc"
)

type podTemplate struct {
	Metadata meta    `yaml:"metadata"`
	Spec     podSpec `yaml:"spec"`
}

type podSpec struct {
	Containers     []container       `yaml:"containers"`
	InitContainers []container       `yaml:"initContainers"`
	Volumes        []podVolume       `yaml:"volumes"`
	NodeSelector   map[string]string `yaml:"nodeSelector"`
	HostNetwork    bool              `yaml:"hostNetwork"`
	// Overhead is normally filled in by the RuntimeClass admission
	// controller; it is counted when a manifest carries it.
	Overhead map[string]yaml.Node `yaml:"overhead"`
}

type container struct {
	Name          string `yaml:"name"`
	RestartPolicy string `yaml:"restartPolicy"`
	Resources     struct {
		Requests map[string]yaml.Node `yaml:"requests"`
		Limits   map[string]yaml.Node `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext struct {
		Privileged bool `yaml:"privileged"`
	} `yaml:"securityContext"`
}

type podVolume struct {
	PersistentVolumeClaim *struct {
		ClaimName string `yaml:"claimName"`
	} `yaml:"persistentVolumeClaim"`
}

// controllerSpec is the spec of every pod controller; each kind uses the
// fields it has.
type controllerSpec struct {
	// Counts are kept as nodes to report their lines; yaml.v3 leaves
	// *yaml.Node fields empty, so they are values (Kind 0 when absent).
	Replicas             yaml.Node   `yaml:"replicas"`
	Parallelism          yaml.Node   `yaml:"parallelism"`
	Completions          yaml.Node   `yaml:"completions"`
	Template             podTemplate `yaml:"template"`
	VolumeClaimTemplates []yaml.Node `yaml:"volumeClaimTemplates"`
	JobTemplate          *struct {
		Spec *controllerSpec `yaml:"spec"`
	} `yaml:"jobTemplate"`
}

// workload translates a Pod or a pod controller.
func (p *parser) workload(d yamldoc.Document) error {
	var obj struct {
		Metadata meta      `yaml:"metadata"`
		Spec     yaml.Node `yaml:"spec"`
	}
	if err := decode(d, d.Node, &obj); err != nil {
		return err
	}
	w := estate.Workload{
		Kind:      d.Kind,
		Namespace: obj.Metadata.namespace(),
		Name:      obj.Metadata.Name,
		Origin:    origin(d),
	}
	what := describe(d, obj.Metadata)
	var tmpl podTemplate
	var spec controllerSpec
	if !isNull(&obj.Spec) {
		if d.Kind == "Pod" {
			tmpl.Metadata = obj.Metadata
			if err := decode(d, &obj.Spec, &tmpl.Spec); err != nil {
				return err
			}
		} else if err := decode(d, &obj.Spec, &spec); err != nil {
			return err
		}
	}
	var err error
	switch d.Kind {
	case "Pod":
		w.Replicas = 1
	case "DaemonSet":
		// One pod per matching node: the count depends on the cluster.
		w.PerNode = true
		tmpl = spec.Template
	case "Job":
		if w.Replicas, err = jobPods(d, &spec, what); err != nil {
			return err
		}
		tmpl = spec.Template
	case "CronJob":
		w.Replicas = 1
		if spec.JobTemplate != nil && spec.JobTemplate.Spec != nil {
			job := spec.JobTemplate.Spec
			if w.Replicas, err = jobPods(d, job, what); err != nil {
				return err
			}
			tmpl = job.Template
		}
	default: // Deployment, StatefulSet, ReplicaSet, ReplicationController
		// spec.replicas defaults to 1 in every version of these kinds:
		// https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas
		if w.Replicas, err = intField(d, &spec.Replicas, what+": replicas", 1); err != nil {
			return err
		}
		tmpl = spec.Template
	}
	if d.Kind != "Pod" {
		w.Labels = tmpl.Metadata.Labels
	} else {
		w.Labels = obj.Metadata.Labels
	}
	w.NodeSelector = tmpl.Spec.NodeSelector
	w.HostNetwork = tmpl.Spec.HostNetwork
	if w.Requests, err = podRequests(d, what, tmpl.Spec); err != nil {
		return err
	}
	if err := p.count(d, what, w); err != nil {
		return err
	}
	for _, c := range append(append([]container(nil), tmpl.Spec.Containers...), tmpl.Spec.InitContainers...) {
		if c.SecurityContext.Privileged {
			w.Privileged = true
		}
	}
	seen := map[string]bool{}
	addClaim := func(name string) {
		if name != "" && !seen[name] {
			seen[name] = true
			w.Claims = append(w.Claims, name)
		}
	}
	for _, v := range tmpl.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			addClaim(v.PersistentVolumeClaim.ClaimName)
		}
	}
	if d.Kind == "StatefulSet" {
		for i := range spec.VolumeClaimTemplates {
			n := &spec.VolumeClaimTemplates[i]
			c, err := p.parseClaim(d, n, w.Namespace, what+": volumeClaimTemplates")
			if err != nil {
				return err
			}
			// The StatefulSet makes one claim per replica, named
			// <template>-<statefulset>-<ordinal>; none with no replicas.
			c.Name = c.Name + "-" + w.Name
			addClaim(c.Name)
			if w.Replicas > 0 {
				c.Count = w.Replicas
				p.est.Claims = append(p.est.Claims, c)
			}
		}
	}
	p.est.Workloads = append(p.est.Workloads, w)
	return nil
}

// jobPods is the number of pods a Job runs at once: parallelism (default 1),
// but no more than completions when that is set, as the Job controller does:
// https://kubernetes.io/docs/concepts/workloads/controllers/job/#controlling-parallelism
func jobPods(d yamldoc.Document, spec *controllerSpec, what string) (int, error) {
	par, err := intField(d, &spec.Parallelism, what+": parallelism", 1)
	if err != nil {
		return 0, err
	}
	if !isNull(&spec.Completions) {
		comp, err := intField(d, &spec.Completions, what+": completions", 1)
		if err != nil {
			return 0, err
		}
		par = min(par, comp)
	}
	return par, nil
}

// podRequests computes the effective requests of one pod the way the
// scheduler does (k8s.io/component-helpers/resource, PodRequests;
// https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#resource-sharing-within-containers):
// per resource, the larger of
//   - the sum of the app containers and of the restartable (sidecar) init
//     containers, and
//   - each ordinary init container plus the sidecars started before it,
//
// plus the pod overhead.
func podRequests(d yamldoc.Document, what string, spec podSpec) (estate.Resources, error) {
	var sum, sidecars, initMax estate.Resources
	for _, c := range spec.Containers {
		r, err := containerRequests(d, what, c)
		if err != nil {
			return estate.Resources{}, err
		}
		sum = add(sum, r)
	}
	for _, c := range spec.InitContainers {
		r, err := containerRequests(d, what, c)
		if err != nil {
			return estate.Resources{}, err
		}
		if c.RestartPolicy == "Always" {
			sum = add(sum, r)
			sidecars = add(sidecars, r)
			continue
		}
		initMax = maxOf(initMax, add(r, sidecars))
	}
	total := maxOf(sum, initMax)
	over, err := resourceList(d, what+": overhead", spec.Overhead, nil)
	if err != nil {
		return estate.Resources{}, err
	}
	return add(total, over), nil
}

// containerRequests reads a container's cpu and memory requests. A resource
// with a limit and no request is requested at its limit, as the API server
// defaults it:
// https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
func containerRequests(d yamldoc.Document, what string, c container) (estate.Resources, error) {
	return resourceList(d, what+": container "+c.Name, c.Resources.Requests, c.Resources.Limits)
}

// resourceList reads cpu and memory from requests, falling back to limits.
func resourceList(d yamldoc.Document, what string, requests, limits map[string]yaml.Node) (estate.Resources, error) {
	var r estate.Resources
	for _, name := range []string{"cpu", "memory"} {
		kind := "request"
		n, ok := requests[name]
		if !ok || isNull(&n) {
			n, ok = limits[name]
			kind = "limit"
		}
		if !ok || isNull(&n) {
			continue
		}
		if n.Kind != yaml.ScalarNode {
			return r, originAt(d, &n).Errorf("%s: %s %s is not a quantity", what, name, kind)
		}
		var err error
		if name == "cpu" {
			r.MilliCPU, err = quantity.MilliValue(n.Value)
			if err == nil && r.MilliCPU > maxPodMilliCPU {
				err = fmt.Errorf("quantity %q is out of range (at most %d vCPU for one pod)", n.Value, maxPodMilliCPU/1000)
			}
		} else {
			r.MemoryBytes, err = quantity.Value(n.Value)
			if err == nil && r.MemoryBytes > maxPodMemory {
				err = fmt.Errorf("quantity %q is out of range (at most %dTi for one pod)", n.Value, maxPodMemory>>40)
			}
		}
		if err != nil {
			return r, originAt(d, &n).Errorf("%s: %s %s: %v", what, name, kind, err)
		}
	}
	return r, nil
}

// Bounds on requests. No EC2 instance has more than a few hundred vCPU or
// a few dozen TiB; these bounds are far above that, and low enough that no
// sum of requests over replicas, nodes and workloads overflows downstream.
const (
	maxPodMilliCPU   = 1 << 30 // about a million vCPU
	maxPodMemory     = 1 << 42 // 4 TiB
	maxTotalMilliCPU = 1 << 50
	maxTotalMemory   = 1 << 60
)

// count adds a workload's pods to the totals, and fails when they pass the
// bounds (the input is then wrong, not a cluster).
func (p *parser) count(d yamldoc.Document, what string, w estate.Workload) error {
	if w.Requests.MilliCPU > maxPodMilliCPU || w.Requests.MemoryBytes > maxPodMemory {
		return origin(d).Errorf("%s: the containers of one pod request more than %d vCPU or %dTi in total: the input is out of range",
			what, maxPodMilliCPU/1000, maxPodMemory>>40)
	}
	if w.PerNode {
		return nil
	}
	n := int64(w.Replicas)
	// Checked before multiplying: replicas × requests may pass int64.
	if n > 0 && (w.Requests.MilliCPU > (maxTotalMilliCPU-p.totalMilliCPU)/n || w.Requests.MemoryBytes > (maxTotalMemory-p.totalMemory)/n) {
		return origin(d).Errorf("%s: %d replicas bring the pods' requests past %d vCPU or %d PiB in total: the input is out of range",
			what, w.Replicas, maxTotalMilliCPU/1000, maxTotalMemory>>50)
	}
	p.totalMilliCPU += n * w.Requests.MilliCPU
	p.totalMemory += n * w.Requests.MemoryBytes
	return nil
}

func add(a, b estate.Resources) estate.Resources {
	return estate.Resources{MilliCPU: satAdd(a.MilliCPU, b.MilliCPU), MemoryBytes: satAdd(a.MemoryBytes, b.MemoryBytes)}
}

// satAdd adds two non-negative numbers, saturating instead of overflowing.
func satAdd(a, b int64) int64 {
	if s := a + b; s >= a {
		return s
	}
	return 1<<63 - 1
}

func maxOf(a, b estate.Resources) estate.Resources {
	return estate.Resources{MilliCPU: max(a.MilliCPU, b.MilliCPU), MemoryBytes: max(a.MemoryBytes, b.MemoryBytes)}
}
