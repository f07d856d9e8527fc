package rightsize

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/refit-dev/refit/internal/quantity"
)

// SnapshotNote is the assumption line of a sizing from metrics-server.
const SnapshotNote = "one sample from metrics-server is not a history: each container was sized from its usage at one instant (low confidence); give --prometheus for a window of usage"

// SnapshotReason marks each workload sized from one sample.
const SnapshotReason = "low confidence: one sample from metrics-server, not a history"

// MetricsServer reads metrics.k8s.io/v1beta1 PodMetrics
// (GET /apis/metrics.k8s.io/v1beta1/pods) from the API server (or a
// kubectl proxy). Every request is bounded in time by netlimit.
type MetricsServer struct {
	// URL is the API server's base URL.
	URL string
	// Client sends the requests (a netlimit-guarded client when nil).
	Client *http.Client
}

// PodMetrics is one item of a PodMetricsList, as metrics-server documents
// it: the pod, when and over what window it was measured, and each
// container's usage as quantities.
type PodMetrics struct {
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Timestamp  time.Time `json:"timestamp"`
	Window     string    `json:"window"`
	Containers []struct {
		Name  string            `json:"name"`
		Usage map[string]string `json:"usage"`
	} `json:"containers"`
}

// ContainerSample is one container's usage at one instant.
type ContainerSample struct {
	Namespace, Pod, Container string
	T                         time.Time
	CPUMilli, MemoryBytes     int64
}

// ParsePodMetrics reads a PodMetricsList (metrics.k8s.io/v1beta1) into
// one sample per container; a quantity that does not parse is an error
// naming the pod and container.
func ParsePodMetrics(r io.Reader) ([]ContainerSample, error) {
	var list struct {
		Kind  string       `json:"kind"`
		Items []PodMetrics `json:"items"`
	}
	if err := json.NewDecoder(r).Decode(&list); err != nil {
		return nil, fmt.Errorf("metrics-server: PodMetricsList: %w", err)
	}
	if list.Kind != "" && list.Kind != "PodMetricsList" {
		return nil, fmt.Errorf("metrics-server: want a PodMetricsList, got %q", list.Kind)
	}
	var out []ContainerSample
	for _, p := range list.Items {
		for _, c := range p.Containers {
			s := ContainerSample{Namespace: p.Metadata.Namespace, Pod: p.Metadata.Name, Container: c.Name, T: p.Timestamp}
			where := fmt.Sprintf("metrics-server: pod %s/%s container %s", s.Namespace, s.Pod, s.Container)
			var err error
			if s.CPUMilli, err = quantity.MilliValue(c.Usage["cpu"]); err != nil {
				return nil, fmt.Errorf("%s: cpu %q: %w", where, c.Usage["cpu"], err)
			}
			if s.MemoryBytes, err = quantity.Value(c.Usage["memory"]); err != nil {
				return nil, fmt.Errorf("%s: memory %q: %w", where, c.Usage["memory"], err)
			}
			if s.CPUMilli < 0 || s.MemoryBytes < 0 {
				return nil, fmt.Errorf("%s: negative usage", where)
			}
			out = append(out, s)
		}
	}
	return out, nil
}

func (ms *MetricsServer) client() *http.Client {
	if ms.Client == nil {
		ms.Client = guardedClient("metrics-server", 0)
	}
	return ms.Client
}

// Pods reads every pod's metrics (one namespace's when namespace is set).
func (ms *MetricsServer) Pods(ctx context.Context, namespace string) ([]ContainerSample, error) {
	u, err := url.Parse(strings.TrimRight(ms.URL, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("metrics-server URL %q: want a URL such as http://localhost:8001", Redact(ms.URL))
	}
	if namespace != "" {
		u.Path += "/apis/metrics.k8s.io/v1beta1/namespaces/" + url.PathEscape(namespace) + "/pods"
	} else {
		u.Path += "/apis/metrics.k8s.io/v1beta1/pods"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := ms.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("metrics-server %s: %w", u.Path, unwrapURL(err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("metrics-server %s: HTTP 404: metrics.k8s.io is not served (is metrics-server installed?)", u.Path)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("metrics-server %s: HTTP %d", u.Path, resp.StatusCode)
	}
	return ParsePodMetrics(resp.Body)
}

// unwrapURL drops the URL from a *url.Error (it may carry credentials).
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// SnapshotUsage folds one sample per container into each workload's
// container usage: the largest sample among its pods, CPU and memory.
func SnapshotUsage(samples []ContainerSample, owners *Owners) map[Key]*Usage {
	out := map[Key]*Usage{}
	for _, s := range samples {
		w := owners.Of(s.Namespace, s.Pod)
		k := Key{Namespace: s.Namespace, Kind: w.Kind, Name: w.Name, Container: s.Container}
		u := out[k]
		if u == nil {
			u = newUsage(k)
			out[k] = u
		}
		u.cpu.add(max(s.CPUMilli, 0))
		u.CPUSamples++
		u.MemorySamples++
		u.PeakMemoryBytes = max(u.PeakMemoryBytes, float64(s.MemoryBytes))
		u.seen(s.T)
	}
	return out
}
