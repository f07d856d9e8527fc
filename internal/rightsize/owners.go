package rightsize

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Owner is the workload a pod belongs to.
type Owner struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Owners names the workload of each pod: from the pods' ownerReferences
// (a live cluster's pods, read by the caller), else from kube-state-metrics'
// series, else from the pod's name, matched against the workloads of the
// manifests when there are some.
type Owners struct {
	// Pods maps "namespace/pod" to its owner (Deployment through its
	// ReplicaSet, CronJob through its Job).
	Pods map[string]Owner
	// Workloads are the workloads the manifests define, for the name match
	// (set before the first Of).
	Workloads []Owned
	// guessed are the owners of the pods named by pattern, by
	// "namespace/pod": Collect asks for a pod's owner once per series and
	// chunk, the name match is made once.
	guessed map[string]Owner
}

// Owned is a workload of the manifests: namespace ("" when the manifest
// names none), kind and name.
type Owned struct {
	Namespace, Kind, Name string
}

// Guessed is the number of pods whose owner was read from their name.
func (o *Owners) Guessed() int {
	if o == nil {
		return 0
	}
	return len(o.guessed)
}

// Of returns the owner of a pod.
func (o *Owners) Of(namespace, pod string) Owner {
	if o == nil {
		return OwnerFromName(pod, nil)
	}
	id := namespace + "/" + pod
	if w, ok := o.Pods[id]; ok {
		return w
	}
	if w, ok := o.guessed[id]; ok {
		return w
	}
	if o.guessed == nil {
		o.guessed = map[string]Owner{}
	}
	w := ownerFromName(pod, o.Workloads, func(w Owned) bool { return w.Namespace == "" || w.Namespace == namespace })
	if len(o.guessed) < 1_000_000 {
		o.guessed[id] = w
	}
	return w
}

// Pod name patterns (the names controllers give their pods): a Deployment's
// pods are NAME-HASH-XXXXX (the ReplicaSet's pod-template-hash, then 5
// characters), a CronJob's NAME-MINUTES-XXXXX (its Job is named by the
// scheduled time in minutes), a StatefulSet's NAME-ORDINAL, a DaemonSet's
// or a Job's NAME-XXXXX. The random parts use Kubernetes' alphabet of
// consonants and digits without vowels, 0, 1 and 3.
const alnum = `[bcdfghjklmnpqrstvwxz2456789]`

var (
	suffixDeployment  = regexp.MustCompile(`^` + alnum + `{1,10}-` + alnum + `{5}$`)
	suffixCronJob     = regexp.MustCompile(`^[0-9]{6,}-` + alnum + `{5}$`)
	suffixStatefulSet = regexp.MustCompile(`^[0-9]+$`)
	suffixFive        = regexp.MustCompile(`^` + alnum + `{5}$`)
)

// OwnerFromName reads a pod's workload from its name. With known
// workloads, the longest name that the pod's name extends with its kind's
// suffix wins; else the suffix alone says the kind (NAME-XXXXX is taken
// for a DaemonSet); a name that fits no pattern is a bare Pod.
func OwnerFromName(pod string, known []Owned) Owner {
	return ownerFromName(pod, known, func(Owned) bool { return true })
}

// ownerFromName is OwnerFromName over the known workloads that in accepts.
func ownerFromName(pod string, known []Owned, in func(Owned) bool) Owner {
	best := Owner{}
	for _, w := range known {
		rest, ok := strings.CutPrefix(pod, w.Name+"-")
		if !ok || len(w.Name) <= len(best.Name) || !in(w) {
			continue
		}
		var fits bool
		switch w.Kind {
		case "Deployment":
			fits = suffixDeployment.MatchString(rest)
		case "CronJob":
			fits = suffixCronJob.MatchString(rest)
		case "StatefulSet":
			fits = suffixStatefulSet.MatchString(rest)
		case "DaemonSet", "Job", "ReplicaSet":
			fits = suffixFive.MatchString(rest)
		}
		if fits {
			best = Owner{Kind: w.Kind, Name: w.Name}
		}
	}
	if best.Name != "" {
		return best
	}
	parts := strings.Split(pod, "-")
	n := len(parts)
	switch {
	case n >= 3 && suffixCronJob.MatchString(parts[n-2]+"-"+parts[n-1]):
		return Owner{Kind: "CronJob", Name: strings.Join(parts[:n-2], "-")}
	case n >= 3 && suffixDeployment.MatchString(parts[n-2]+"-"+parts[n-1]) && len(parts[n-2]) >= 6:
		return Owner{Kind: "Deployment", Name: strings.Join(parts[:n-2], "-")}
	case n >= 2 && suffixStatefulSet.MatchString(parts[n-1]):
		return Owner{Kind: "StatefulSet", Name: strings.Join(parts[:n-1], "-")}
	case n >= 2 && suffixFive.MatchString(parts[n-1]):
		return Owner{Kind: "DaemonSet", Name: strings.Join(parts[:n-1], "-")}
	}
	return Owner{Kind: "Pod", Name: pod}
}

// OwnersFromKubeStateMetrics reads kube-state-metrics' kube_pod_owner,
// kube_replicaset_owner and kube_job_owner series over the window (three
// instant queries) and returns each pod's workload: a ReplicaSet's owner
// (its Deployment) and a Job's (its CronJob) stand for them. It returns
// no pods, and no error, when the series are absent.
func OwnersFromKubeStateMetrics(ctx context.Context, p *Prometheus, end time.Time, window time.Duration) (map[string]Owner, error) {
	w := promDuration(window)
	parents := map[string]Owner{} // "namespace/Kind/name" -> its owner
	for _, q := range []struct{ kind, label, metric string }{
		{"ReplicaSet", "replicaset", "kube_replicaset_owner"},
		{"Job", "job_name", "kube_job_owner"},
	} {
		query := fmt.Sprintf(`max by (namespace, %s, owner_kind, owner_name) (max_over_time(%s[%s]))`, q.label, q.metric, w)
		err := p.Query(ctx, query, end, func(s Series) error {
			ok, on := s.Labels["owner_kind"], s.Labels["owner_name"]
			if ok == "" || ok == "<none>" || on == "" || on == "<none>" {
				return nil
			}
			parents[s.Labels["namespace"]+"/"+q.kind+"/"+s.Labels[q.label]] = Owner{Kind: ok, Name: on}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	pods := map[string]Owner{}
	query := fmt.Sprintf(`max by (namespace, pod, owner_kind, owner_name) (max_over_time(kube_pod_owner[%s]))`, w)
	err := p.Query(ctx, query, end, func(s Series) error {
		ns, pod := s.Labels["namespace"], s.Labels["pod"]
		o := Owner{Kind: s.Labels["owner_kind"], Name: s.Labels["owner_name"]}
		if ns == "" || pod == "" {
			return nil
		}
		if o.Kind == "" || o.Kind == "<none>" {
			o = Owner{Kind: "Pod", Name: pod}
		}
		if (o.Kind == "ReplicaSet" || o.Kind == "Job") && o.Name != "" {
			if up, ok := parents[ns+"/"+o.Kind+"/"+o.Name]; ok {
				o = up
			}
		}
		pods[ns+"/"+pod] = o
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pods, nil
}
