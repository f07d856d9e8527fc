package awslive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/kubeapi"

	"github.com/refit-dev/refit/internal/golden"
)

// insightsServer answers EKS ListInsights (POST /clusters/NAME/insights,
// JSON body) and DescribeInsight (GET /clusters/NAME/insights/ID) from
// fixtures eks.ListInsights.NAME[.page-TOKEN].json and
// eks.DescribeInsight.NAME.ID.json, and hands every other request to the
// shared fake (clusters, STS). It checks that ListInsights asks only for
// upgrade-readiness insights.
type insightsServer struct {
	f        *fakeAWS
	filtered []string // categories each ListInsights asked for
}

func (s *insightsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 3 || parts[0] != "clusters" || parts[2] != "insights" {
		s.f.ServeHTTP(w, r)
		return
	}
	m := scope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "unsigned request", http.StatusForbidden)
		return
	}
	region := m[1]
	cluster, _ := url.PathUnescape(parts[1])
	var action, key, token string
	switch {
	case len(parts) == 3 && r.Method == http.MethodPost:
		var body struct {
			Filter struct {
				Categories []string `json:"categories"`
			} `json:"filter"`
			NextToken string `json:"nextToken"`
		}
		data, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(data, &body); err != nil {
			http.Error(w, "bad body "+string(data), http.StatusBadRequest)
			return
		}
		s.f.mu.Lock()
		s.filtered = append(s.filtered, strings.Join(body.Filter.Categories, ","))
		s.f.mu.Unlock()
		action, key, token = "ListInsights", cluster, body.NextToken
	case len(parts) == 4 && r.Method == http.MethodGet:
		id, _ := url.PathUnescape(parts[3])
		action, key = "DescribeInsight", cluster+"."+id
	default:
		http.Error(w, "no route "+r.Method+" "+r.URL.Path, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if code := s.f.fault(region, "eks", action); code != "" {
		status := http.StatusForbidden
		if code == "ThrottlingException" {
			status = http.StatusTooManyRequests
		}
		w.Header().Set("X-Amzn-Errortype", code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message":"fake %s"}`, code)
		return
	}
	body, ok := s.f.fixture(region, "eks", action, key, token, "json")
	if !ok {
		if action == "DescribeInsight" {
			w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			body = `{"message":"not found"}`
		} else {
			body = `{"insights":[]}`
		}
	}
	fmt.Fprint(w, body)
}

func newInsightsServer(t *testing.T) (*insightsServer, *httptest.Server) {
	f, _ := newFakeAWS(t, "insights")
	s := &insightsServer{f: f}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func loadInsights(t *testing.T, srv string, regions ...string) (*UpgradeInsights, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return LoadInsights(ctx, Options{Regions: regions, EndpointURL: srv, Concurrency: 2})
}

// TestLoadInsights reads two clusters (two ListClusters pages) and the
// insights of one (two ListInsights pages), through the real EKS client;
// eu-west-1 denies everything.
func TestLoadInsights(t *testing.T) {
	testEnv(t, "us-east-1")
	s, srv := newInsightsServer(t)
	s.f.deny["eu-west-1"] = true
	s.f.throttle["us-east-1/eks.ListInsights"] = 1
	got, err := loadInsights(t, srv.URL, "us-east-1", "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	var clusters []string
	for _, c := range got.Clusters {
		clusters = append(clusters, c.Region+"/"+c.Name+"/"+c.Version)
	}
	if want := []string{"us-east-1/prod/1.29", "us-east-1/staging/1.33"}; !reflect.DeepEqual(clusters, want) {
		t.Errorf("clusters %v, want %v", clusters, want)
	}
	if want := []string{"eu-west-1: access denied for eks:ListClusters"}; !reflect.DeepEqual(got.Partial, want) {
		t.Errorf("partial %q, want %q", got.Partial, want)
	}
	// Both pages of prod's insights, one of staging's; the throttled call
	// was retried.
	if n := s.f.callCount("us-east-1/eks.ListInsights"); n != 4 {
		t.Errorf("ListInsights: %d requests, want 4 (1 throttled, 2 pages for prod, 1 for staging)", n)
	}
	for _, c := range s.filtered {
		if c != "UPGRADE_READINESS" {
			t.Errorf("ListInsights filter categories %q, want UPGRADE_READINESS", c)
		}
	}
	// PASSING insights are not described.
	var names []string
	for _, in := range got.Insights {
		names = append(names, in.Cluster+": "+in.Name+" "+in.Status)
	}
	want := []string{
		"prod: Deprecated APIs removed in Kubernetes v1.32 ERROR",
		"prod: Deprecated APIs removed in Kubernetes v1.35 WARNING",
		"prod: Kubelet version skew WARNING",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("insights %q, want %q", names, want)
	}
	if n := s.f.callCount("us-east-1/eks.DescribeInsight"); n != 3 {
		t.Errorf("DescribeInsight: %d requests, want 3", n)
	}
	dep := got.Insights[0].Deprecations
	if len(dep) != 2 || dep[0].Usage != "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas" || len(dep[0].Clients) != 2 ||
		dep[0].Clients[0].UserAgent != "kube-state-metrics/v2.10.0" || dep[0].Clients[0].Requests30Days != 8640 ||
		!dep[0].Clients[0].LastRequest.Equal(time.Unix(1735686000, 0)) {
		t.Errorf("deprecations %+v", dep)
	}

	findings := got.Findings(kubeapi.Version{Major: 1, Minor: 33})
	data, err := json.MarshalIndent(findings, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	goldenInsights(t, "findings-1.33.golden.json", string(data)+"\n")
}

func goldenInsights(t *testing.T, name, got string) {
	t.Helper()
	golden.AssertString(t, filepath.Join("testdata", "insights", name), got)
}

func TestLoadInsightsCredentials(t *testing.T) {
	testEnv(t, "us-east-1")
	s, srv := newInsightsServer(t)
	s.f.expired = true
	_, err := loadInsights(t, srv.URL)
	if !errors.Is(err, ErrCredentials) {
		t.Fatalf("err %v, want ErrCredentials", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error on more than one line: %q", err)
	}
}

func TestLoadInsightsAllDenied(t *testing.T) {
	testEnv(t, "us-east-1")
	s, srv := newInsightsServer(t)
	s.f.deny["us-east-1"] = true
	_, err := loadInsights(t, srv.URL)
	if err == nil || !strings.Contains(err.Error(), "nothing could be read: us-east-1: access denied for eks:ListClusters") {
		t.Fatalf("err %v", err)
	}
}

func TestInsightFindings(t *testing.T) {
	to := kubeapi.Version{Major: 1, Minor: 33}
	tests := []struct {
		name string
		in   UpgradeInsights
		want []string // rule severity file apiVersion→replacement removedIn
	}{
		{"cluster behind", UpgradeInsights{Clusters: []Cluster{{Region: "r", Name: "a", Version: "1.30"}}},
			[]string{"eks-version info eks:r/a →"}},
		{"cluster past", UpgradeInsights{Clusters: []Cluster{{Region: "r", Name: "a", Version: "1.34"}}},
			[]string{"eks-version info eks:r/a →"}},
		{"unreadable version", UpgradeInsights{Clusters: []Cluster{{Region: "r", Name: "a", Version: "x"}}},
			[]string{"eks-version info eks:r/a →"}},
		{"insight past target", UpgradeInsights{Insights: []Insight{{Region: "r", Cluster: "a", Status: "ERROR", KubernetesVersion: "1.34"}}},
			nil},
		{"insight without details", UpgradeInsights{Insights: []Insight{{Region: "r", Cluster: "a", Status: "UNKNOWN", KubernetesVersion: "1.31"}}},
			[]string{"eks-insight info eks:r/a →"}},
		{"insight without version", UpgradeInsights{Insights: []Insight{{Region: "r", Cluster: "a", Status: "WARNING"}}},
			[]string{"eks-insight warning eks:r/a →"}},
		{"deprecations", UpgradeInsights{Insights: []Insight{{Region: "r", Cluster: "a", Status: "ERROR", KubernetesVersion: "1.25",
			Deprecations: []Deprecation{
				{Usage: "/apis/policy/v1beta1/podsecuritypolicies", StopServingVersion: "1.25"},
				{Usage: "/apis/batch/v1beta1/namespaces/x/cronjobs", ReplacedWith: "/apis/batch/v1/cronjobs", StopServingVersion: "1.25", StartServingReplacementVersion: "1.21"},
			}}}},
			[]string{"eks-insight error eks:r/a policy/v1beta1→ 1.25", "eks-insight error eks:r/a batch/v1beta1→batch/v1 1.25"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range tt.in.Findings(to) {
				if f.Message == "" {
					t.Errorf("no message: %+v", f)
				}
				s := fmt.Sprintf("%s %s %s %s→%s", f.Rule, f.Severity, f.File, f.FoundAPIVersion, f.Replacement)
				if !f.RemovedIn.IsZero() {
					s += " " + f.RemovedIn.String()
				}
				got = append(got, s)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestPathAPIVersion(t *testing.T) {
	tests := []struct{ in, av, res string }{
		{"/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas", "flowcontrol.apiserver.k8s.io/v1beta3", "flowschemas"},
		{"/api/v1/endpoints", "v1", "endpoints"},
		{"/api/v1/namespaces/default/endpoints", "v1", "endpoints"},
		{"/apis/batch/v1beta1/namespaces/ns/cronjobs/name", "batch/v1beta1", "cronjobs"},
		{"/apis/batch/v1beta1", "batch/v1beta1", ""},
		{"/apis/batch", "", ""},
		{"", "", ""},
		{"flowschemas", "", ""},
	}
	for _, tt := range tests {
		av, res := pathAPIVersion(tt.in)
		if av != tt.av || res != tt.res {
			t.Errorf("pathAPIVersion(%q) = %q, %q; want %q, %q", tt.in, av, res, tt.av, tt.res)
		}
	}
}

func FuzzPathAPIVersion(f *testing.F) {
	f.Add("/apis/apps/v1beta1/namespaces/x/deployments")
	f.Fuzz(func(t *testing.T, p string) {
		av, _ := pathAPIVersion(p)
		if av != "" && !strings.HasPrefix(strings.Trim(p, "/"), "api") {
			t.Errorf("%q: apiVersion %q from a path outside /api and /apis", p, av)
		}
	})
}
