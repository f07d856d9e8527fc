package rightsize

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/source"
)

const deployment = `# the shop's web front
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3 # three for availability
  template:
    spec:
      containers:
        - name: app # the app itself
          image: web:1
        - name: sidecar
          image: proxy:2
          resources:
            limits:
              cpu: 50m
              memory: 64Mi
---
apiVersion: v1
kind: Service
metadata:
  name: web # untouched
spec:
  ports: [{port: 80}]
`

// usageOf builds a Usage with CPU samples (millicores) over a history.
func usageOf(ns, kind, name, container string, cpuMilli []int64, peak float64, history time.Duration) *Usage {
	u := newUsage(Key{ns, kind, name, container})
	for _, c := range cpuMilli {
		u.cpu.add(c)
		u.CPUSamples++
	}
	u.MemorySamples, u.PeakMemoryBytes = 1, peak
	u.First = time.Unix(0, 0)
	u.Last = u.First.Add(history)
	return u
}

func TestFixWritesRequestsKeepingComments(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "web.yaml")
	if err := os.WriteFile(path, []byte(deployment), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifests([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Containers) != 2 || m.Containers[1].Limits.MemoryBytes != 64<<20 || m.Containers[1].Requests.CPUMilli != 50 {
		t.Fatalf("containers = %+v", m.Containers)
	}
	usage := map[Key]*Usage{}
	for _, u := range []*Usage{
		usageOf("shop", "Deployment", "web", "app", []int64{100, 200, 300, 400, 1000}, 300<<20, 3*24*time.Hour),
		usageOf("shop", "Deployment", "web", "sidecar", []int64{70, 80}, 90<<20, 3*24*time.Hour),
		usageOf("other", "Deployment", "api", "app", []int64{1}, 1, 3*24*time.Hour),
	} {
		usage[u.Key] = u
	}
	res := Recommendations(usage, 5*time.Minute, 7*24*time.Hour, m, Policy{CPUPercentile: 80, MemoryMargin: 0.15})
	if len(res.Workloads) != 2 || res.Sized() != 2 {
		t.Fatalf("workloads = %+v", res.Workloads)
	}
	if a := res.Workloads[0]; a.Recommended.CPUMilli != 400 || a.Recommended.MemoryBytes != 352<<20 {
		t.Errorf("app = %+v, want 400m 352Mi", a.Recommended)
	}
	if s := res.Workloads[1]; s.Recommended.CPUMilli != 80 || s.Limits == nil || s.Limits.CPUMilli != 80 || s.Limits.MemoryBytes != 104<<20 {
		t.Errorf("sidecar = %+v limits %+v, want 80m and limits raised to the requests", s.Recommended, s.Limits)
	}
	if len(res.Assumptions) != 1 {
		t.Errorf("assumptions = %q", res.Assumptions)
	}

	var diff bytes.Buffer
	fr, err := res.Fix(m, FixOptions{Mode: Diff, Out: &diff})
	if err != nil || fr.ChangedFiles != 1 || fr.Containers != 2 {
		t.Fatalf("diff: %+v %v", fr, err)
	}
	if got, _ := os.ReadFile(path); string(got) != deployment {
		t.Fatal("Diff changed the file")
	}
	if _, err := res.Fix(m, FixOptions{Mode: InPlace, Backup: true}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := strings.Replace(deployment, `        - name: app # the app itself
          image: web:1
`, `        - name: app # the app itself
          image: web:1
          resources:
            requests:
              cpu: 400m
              memory: 352Mi
`, 1)
	want = strings.Replace(want, `            limits:
              cpu: 50m
              memory: 64Mi
`, `            limits:
              cpu: 80m
              memory: 104Mi
            requests:
              cpu: 80m
              memory: 104Mi
`, 1)
	if string(got) != want {
		t.Errorf("rewritten:\n%s\nwant:\n%s\ndiff was:\n%s", got, want, diff.String())
	}
	if bak, _ := os.ReadFile(path + ".bak"); string(bak) != deployment {
		t.Error("no .bak with the original")
	}

	// The plan's estate takes the new pod requests: 400m+80m, 352Mi+104Mi.
	e, err := source.LoadPaths([]string{dir}, false, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := ReadManifests([]string{dir})
	after := res.Apply(e, m2)
	webs := 0
	for _, w := range after.Workloads {
		if w.Name != "web" {
			continue
		}
		webs++
		if w.Requests.MilliCPU != 480 || w.Requests.MemoryBytes != 456<<20 {
			t.Errorf("planned requests = %+v, want 480m 456Mi", w.Requests)
		}
	}
	if webs != 1 {
		t.Errorf("%d workloads named web in the planned estate, want 1", webs)
	}
}

func TestRecommend(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name   string
		u      *Usage
		limits Resources
		p      Policy
		cpu    int64
		mem    int64
		lim    *Resources
		reason string
	}{
		{"floors", usageOf("n", "Deployment", "a", "c", []int64{1, 2}, 1<<20, day), Resources{}, Policy{}, 10, 32 << 20, nil, ""},
		{"p95 nearest rank", usageOf("n", "Deployment", "a", "c", []int64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200}, 100<<20, day), Resources{}, Policy{}, 190, 104 << 20, nil, ""},
		{"ratio limits", usageOf("n", "Deployment", "a", "c", []int64{250}, 100<<20, day), Resources{}, Policy{MemoryMargin: 0.15, Limits: Limits{Mode: LimitsRatio, Ratio: 2}}, 250, 120 << 20, &Resources{500, 240 << 20}, ""},
		{"keep limits above", usageOf("n", "Deployment", "a", "c", []int64{250}, 100<<20, day), Resources{1000, 1 << 30}, Policy{}, 250, 104 << 20, nil, ""},
		{"under a day", usageOf("n", "Deployment", "a", "c", []int64{250}, 100<<20, 20*time.Hour), Resources{}, Policy{}, 0, 0, nil, "not enough history: 20h of data"},
		{"no usage", nil, Resources{}, Policy{}, 0, 0, nil, "no usage in the window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Recommend(tt.u, 5*time.Minute, tt.limits, tt.p)
			if tt.reason != "" {
				if r.Requests != nil || !strings.HasPrefix(r.Reason, strings.Split(tt.reason, " of data")[0]) {
					t.Errorf("got %+v %q, want reason %q", r.Requests, r.Reason, tt.reason)
				}
				return
			}
			if r.Requests == nil || r.Requests.CPUMilli != tt.cpu || r.Requests.MemoryBytes != tt.mem {
				t.Fatalf("requests = %+v (%s), want %d %d", r.Requests, r.Reason, tt.cpu, tt.mem)
			}
			if (r.Limits == nil) != (tt.lim == nil) || r.Limits != nil && *r.Limits != *tt.lim {
				t.Errorf("limits = %+v, want %+v", r.Limits, tt.lim)
			}
		})
	}
}

func TestRoundingAndFormats(t *testing.T) {
	for _, tt := range []struct {
		in   int64
		want string
	}{{1, "5m"}, {101, "110m"}, {999, "1"}, {1001, "1100m"}, {2000, "2"}} {
		if got := FormatCPU(RoundCPU(tt.in)); got != tt.want {
			t.Errorf("cpu %d = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   int64
		want string
	}{{1, "8Mi"}, {33 << 20, "40Mi"}, {1<<30 + 1, "1088Mi"}, {9 << 30, "9Gi"}} {
		if got := FormatMemory(RoundMemory(tt.in)); got != tt.want {
			t.Errorf("memory %d = %s, want %s", tt.in, got, tt.want)
		}
	}
	for s, ok := range map[string]bool{"keep": true, "none": true, "ratio:1.5": true, "ratio:0.5": false, "ratio:x": false, "some": false} {
		if _, err := ParseLimits(s); (err == nil) != ok {
			t.Errorf("ParseLimits(%q) = %v", s, err)
		}
	}
	for s, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour, "0d": 0, "5m": 0} {
		if got, _ := ParseWindow(s); got != want {
			t.Errorf("ParseWindow(%q) = %v, want %v", s, got, want)
		}
	}
	if Step(14*24*time.Hour, 0) != 5*time.Minute || Step(90*24*time.Hour, 0) != 13*time.Minute {
		t.Errorf("steps: %v %v", Step(14*24*time.Hour, 0), Step(90*24*time.Hour, 0))
	}
}

func TestOwnerFromName(t *testing.T) {
	known := []Owned{{"", "Deployment", "web"}, {"", "Deployment", "web-api"}, {"", "StatefulSet", "db"}, {"", "CronJob", "report"}}
	for pod, want := range map[string]Owner{
		"web-5d8f7b9c6-x7k2p":     {"Deployment", "web"},
		"web-api-5d8f7b9c6-x7k2p": {"Deployment", "web-api"},
		"db-2":                    {"StatefulSet", "db"},
		"report-28934560-x7k2p":   {"CronJob", "report"},
		"other-7c9d8f6b5-q4w9z":   {"Deployment", "other"},
		"cache-7":                 {"StatefulSet", "cache"},
		"fluentd-x7k2p":           {"DaemonSet", "fluentd"},
		"nightly-28934560-x7k2p":  {"CronJob", "nightly"},
		"standalone":              {"Pod", "standalone"},
	} {
		if got := OwnerFromName(pod, known); got != want {
			t.Errorf("%s: %v, want %v", pod, got, want)
		}
	}
}

// TestOwnersOf: the cluster's owners first, else the name matched against
// the manifests' workloads of the pod's namespace (or of none); a pod asked
// for again (once per series and chunk in Collect) is counted once.
func TestOwnersOf(t *testing.T) {
	o := &Owners{
		Pods:      map[string]Owner{"shop/web-5d8f7b9c6-x7k2p": {"Deployment", "web-from-cluster"}},
		Workloads: []Owned{{"other", "Job", "nightly"}, {"", "Deployment", "web"}, {"shop", "Deployment", "db"}},
	}
	for range 3 {
		for _, tt := range []struct {
			ns, pod string
			want    Owner
		}{
			{"shop", "web-5d8f7b9c6-x7k2p", Owner{"Deployment", "web-from-cluster"}},
			{"other", "web-6b7c8d9f5-q4w9z", Owner{"Deployment", "web"}},
			{"other", "nightly-x7k2p", Owner{"Job", "nightly"}},
			{"shop", "nightly-x7k2p", Owner{"DaemonSet", "nightly"}}, // by pattern: the Job is in other
		} {
			if got := o.Of(tt.ns, tt.pod); got != tt.want {
				t.Errorf("Of(%s, %s) = %v, want %v", tt.ns, tt.pod, got, tt.want)
			}
		}
	}
	if n := o.Guessed(); n != 3 {
		t.Errorf("Guessed = %d, want 3", n)
	}
}

func FuzzDecodeResponse(f *testing.F) {
	f.Add([]byte(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"pod":"a"},"values":[[1,"1.5"],[2,"NaN"]]}]}}`))
	f.Add([]byte(`{"status":"error","errorType":"bad_data","error":"parse error"}`))
	f.Add([]byte(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1.5,"2"]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = decodeResponse(bytes.NewReader(data), func(Series) error { return nil })
	})
}

func TestDecodeResponse(t *testing.T) {
	for _, tt := range []struct {
		name, in, want, err string
	}{
		{"matrix", `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"pod":"a","container":"app"},"values":[[1796342700,"0.25"],[1796343000.5,"NaN"],[1796343300,"+Inf"]]},{"metric":{},"values":[]}]}}`,
			"app/a:1796342700000=0.25,1796343000500=NaN,1796343300000=+Inf; /:", ""},
		{"vector, spaced, escaped, extra keys", "{ \"status\" : \"success\" ,\n \"data\" : { \"resultType\" : \"vector\" , \"result\" : [ { \"metric\" : { \"pod\" : \"a\\\"b\\u00e9\" } , \"value\" : [ 1.5 , \"2e3\" ] , \"histogram\" : [1, {\"count\": \"3\", \"buckets\": [[0, \"1\", \"2\", \"3\"]]}] } ] , \"stats\" : {\"x\": [true, false, null, -1.5e-3]} } , \"warnings\" : [\"w\"] }",
			`/a"bé:1500=2000`, ""},
		{"error", `{"status":"error","errorType":"bad_data","error":"parse error"}`, "", "bad_data: parse error"},
		{"truncated", `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"pod":"a"},"values":[[1,"1`, "", "response ended early"},
		{"not json", `<html>`, "", "unexpected response"},
		{"bad value", `{"status":"success","data":{"result":[{"values":[[1,"x"]]}]}}`, "", `sample value "x"`},
		{"bad time", `{"status":"success","data":{"result":[{"values":[[1e,"1"]]}]}}`, "", `sample time "1e"`},
		{"missing comma", `{"status":"success" "data":{}}`, "", "want ',' or '}'"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := decodeResponse(strings.NewReader(tt.in), func(s Series) error {
				var pts []string
				for _, sm := range s.Samples {
					pts = append(pts, fmt.Sprintf("%d=%s", sm.T.UnixMilli(), strconv.FormatFloat(sm.V, 'g', -1, 64)))
				}
				got = append(got, s.Labels["container"]+"/"+s.Labels["pod"]+":"+strings.Join(pts, ","))
				return nil
			})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g := strings.Join(got, "; "); g != tt.want {
				t.Errorf("got %s\nwant %s", g, tt.want)
			}
		})
	}
}

func TestCPUHistogram(t *testing.T) {
	u := newUsage(Key{})
	for _, b := range []int64{5, 5, 0, 10000, 10010, 12345, 100000, 100100, 12345, 99990, 5} {
		u.cpu.add(b)
		u.CPUSamples++
	}
	b, n := u.cpu.counts()
	if got, want := fmt.Sprint(b, n), "[0 5 10000 10010 12345 99990 100000 100100] [1 3 1 1 2 1 1 1]"; got != want {
		t.Errorf("counts = %s, want %s", got, want)
	}
	for p, want := range map[float64]int64{1: 0, 30: 5, 40: 10000, 70: 12345, 95: 100100, 100: 100100} {
		if got := u.CPUPercentile(p); got != want {
			t.Errorf("p%v = %d, want %d", p, got, want)
		}
	}
}

// TestCollectError: the CPU and memory queries run side by side; when one
// fails, the other is cancelled and the failure (not the cancellation) is
// returned.
func TestCollectError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Query().Get("query"), "memory") {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"status":"error","errorType":"bad_data","error":"out of bounds"}`)
			return
		}
		<-r.Context().Done() // the CPU query waits until cancelled
	}))
	defer srv.Close()
	done := make(chan error, 1)
	go func() {
		_, _, err := Collect(context.Background(), &Prometheus{URL: srv.URL}, UsageOptions{Window: 2 * 24 * time.Hour, End: time.Unix(1796428800, 0), Owners: &Owners{}})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "HTTP 400: bad_data: out of bounds") {
			t.Errorf("err = %v, want the memory query's", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Collect did not return")
	}
}
