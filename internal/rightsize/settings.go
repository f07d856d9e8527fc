package rightsize

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/source/kubelive"
	"github.com/refit-dev/refit/internal/source/live"

	"k8s.io/client-go/rest"
)

// Settings are the usage window and sizing policy as the flags give them
// (refit rightsize, refit plan --usage-from-prometheus), and where owners
// come from.
type Settings struct {
	Window, Margin, Limits string
	Percentile             float64
	Namespace              string
	Kubeconfig, Context    string
	// KubeTimeout bounds the cluster read (0: the kube client's default).
	KubeTimeout time.Duration
	// End is the window's end (now when zero).
	End time.Time
}

// DefaultSettings are the flags' defaults: 7 days, p95 CPU, peak memory
// +15%, limits kept.
func DefaultSettings() Settings {
	return Settings{Window: "7d", Percentile: 95, Margin: "15%", Limits: "keep"}
}

// policy reads the flags' sizing policy and window.
func (s Settings) policy() (Policy, time.Duration, error) {
	window, err := ParseWindow(s.Window)
	if err != nil {
		return Policy{}, 0, fmt.Errorf("--window %q: %w", s.Window, err)
	}
	var pol Policy
	if s.Percentile <= 0 || s.Percentile > 100 {
		return Policy{}, 0, fmt.Errorf("--cpu-percentile %g: want more than 0 and at most 100", s.Percentile)
	}
	pol.CPUPercentile = s.Percentile
	if pol.MemoryMargin, err = ParsePercent(s.Margin); err != nil {
		return Policy{}, 0, fmt.Errorf("--memory-margin %q: %w", s.Margin, err)
	}
	if pol.Limits, err = ParseLimits(s.Limits); err != nil {
		return Policy{}, 0, fmt.Errorf("--limits %q: %w", s.Limits, err)
	}
	return pol, window, nil
}

// clusterOwners reads the pods' owners from the cluster (nil, "" without
// a kubeconfig or context).
func (s Settings) clusterOwners(ctx context.Context, warn io.Writer) (*Owners, string, error) {
	if s.Kubeconfig == "" && s.Context == "" {
		return nil, "", nil
	}
	_, cluster, err := live.Load(ctx, live.Options{Kube: true, Kubeconfig: s.Kubeconfig, Context: s.Context, KubeTimeout: s.KubeTimeout}, warn)
	if err != nil {
		return nil, "", err
	}
	owners := &Owners{Pods: map[string]Owner{}}
	if cluster != nil {
		for _, p := range cluster.Pods {
			owners.Pods[p.Namespace+"/"+p.Name] = Owner{Kind: p.OwnerKind, Name: p.OwnerName}
		}
	}
	return owners, "owners read from the cluster's pods (pods gone since are named by their name's pattern)", nil
}

// Run reads the usage from the Prometheus at url and sizes m's containers
// (all containers seen when m is nil). Owners come from the cluster with a
// kubeconfig or context, else from kube-state-metrics, else from pod names.
func (s Settings) Run(ctx context.Context, url string, m *Manifests, warn io.Writer) (*Result, error) {
	pol, window, err := s.policy()
	if err != nil {
		return nil, err
	}
	prom := &Prometheus{URL: url}
	end := s.End
	if end.IsZero() {
		end = time.Now()
	}
	owners, ownerNote, err := s.clusterOwners(ctx, warn)
	if err != nil {
		return nil, err
	}
	if owners == nil {
		owners = &Owners{}
		pods, err := OwnersFromKubeStateMetrics(ctx, prom, end, window)
		if err != nil {
			return nil, err
		}
		if len(pods) > 0 {
			owners.Pods = pods
			ownerNote = "owners read from kube-state-metrics (kube_pod_owner, kube_replicaset_owner, kube_job_owner)"
		}
	}
	res, err := Run(ctx, prom, UsageOptions{Window: window, End: end, Namespace: s.Namespace, Owners: owners}, m, pol)
	if err != nil {
		return nil, err
	}
	if ownerNote != "" {
		res.Assumptions = append([]string{ownerNote}, res.Assumptions...)
	}
	return res, nil
}

// RunMetricsServer sizes m's containers (all containers seen when m is
// nil) from one sample each read from metrics-server (metrics.k8s.io):
// the sizing says it has no history. ms is the metrics.k8s.io server;
// when its URL is empty, the API server of the kubeconfig is read.
func (s Settings) RunMetricsServer(ctx context.Context, ms *MetricsServer, m *Manifests, warn io.Writer) (*Result, error) {
	pol, _, err := s.policy()
	if err != nil {
		return nil, err
	}
	pol.Snapshot = true
	source := "metrics-server " + Redact(ms.URL)
	if ms.URL == "" {
		cfg, name, err := kubelive.RESTConfig(s.Kubeconfig, s.Context)
		if err != nil {
			return nil, err
		}
		// metrics.k8s.io is read as JSON through the kubeconfig's
		// credentials and netlimit-guarded transport.
		client, err := rest.HTTPClientFor(cfg)
		if err != nil {
			return nil, fmt.Errorf("kube: %v", err)
		}
		ms.URL, ms.Client = cfg.Host, client
		source = "metrics-server (kube context " + name + ")"
	}
	samples, err := ms.Pods(ctx, s.Namespace)
	if err != nil {
		return nil, err
	}
	owners, ownerNote, err := s.clusterOwners(ctx, warn)
	if err != nil {
		return nil, err
	}
	if owners == nil {
		owners = &Owners{}
	}
	if m != nil {
		owners.Workloads = m.Workloads()
	}
	res := Recommendations(SnapshotUsage(samples, owners), 0, 0, m, pol)
	res.Source = source
	res.Assumptions = append([]string{SnapshotNote}, res.Assumptions...)
	if ownerNote != "" {
		res.Assumptions = append(res.Assumptions, ownerNote)
	}
	if n := owners.Guessed(); n > 0 {
		res.Assumptions = append(res.Assumptions, fmt.Sprintf("the workload of %d pods was read from the pod's name (NAME-HASH-XXXXX a Deployment, NAME-N a StatefulSet, NAME-XXXXX a DaemonSet): give --kubeconfig to read their owners", n))
	}
	return res, nil
}

// UsageRequests is refit plan --usage-from-prometheus: e with the requests
// the default settings recommend for the containers of the manifests at
// paths.
func UsageRequests(ctx context.Context, url string, paths []string, e *estate.Estate, warn io.Writer) (*estate.Estate, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("--usage-from-prometheus needs the manifests whose requests it replaces")
	}
	m, err := ReadManifests(paths)
	if err != nil {
		return nil, err
	}
	res, err := DefaultSettings().Run(ctx, url, m, warn)
	if err != nil {
		return nil, err
	}
	out := res.Apply(e, m)
	out.Assumptions = append(out.Assumptions, fmt.Sprintf("requests from %d containers' usage over 7 days in Prometheus (refit rightsize); %d containers kept their declared requests", res.Sized(), len(res.Workloads)-res.Sized()))
	return out, nil
}

// View is the JSON contract of a rightsizing read from the Prometheus at url.
func (res *Result) View(url string) report.RightsizeView {
	v := report.RightsizeView{Window: windowText(res.Window), Step: res.Step.String(), Source: "Prometheus " + Redact(url), Assumptions: res.Assumptions}
	if res.Source != "" {
		v.Window, v.Step, v.Source = "one sample", "", res.Source
	}
	for _, w := range res.Workloads {
		wv := report.RightsizeWorkloadView{Namespace: w.Namespace, Kind: w.Kind, Name: w.Name, Container: w.Container,
			Samples: w.Samples, Current: report.RightsizeResources(w.Current), RemoveLimits: w.RemoveLimits, Reason: w.Reason}
		if w.Recommended != nil {
			r := report.RightsizeResources(*w.Recommended)
			wv.Recommended = &r
		}
		if w.Limits != nil {
			l := report.RightsizeResources(*w.Limits)
			wv.Limits = &l
		}
		if w.File != "" {
			wv.Origin = fmt.Sprintf("%s:%d", w.File, w.Line)
		}
		v.Workloads = append(v.Workloads, wv)
	}
	for _, p := range []struct {
		in  *PlanSummary
		out **report.RightsizePlanView
	}{{res.PlanBefore, &v.PlanBefore}, {res.PlanAfter, &v.PlanAfter}} {
		if p.in != nil {
			*p.out = &report.RightsizePlanView{Scenario: p.in.Scenario, Title: p.in.Title, Monthly: report.Number{Decimal: p.in.Monthly.Round(2)}}
		}
	}
	return v
}

func windowText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
