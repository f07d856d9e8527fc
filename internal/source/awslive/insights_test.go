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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/golden"
	"github.com/refit-dev/refit/internal/source/awslive/awstest"
)

// insightsServer answers EKS ListInsights (POST /clusters/NAME/insights,
// JSON body) and DescribeInsight (GET /clusters/NAME/insights/ID) from
// fixtures eks.ListInsights.NAME[.page-TOKEN].json and
// eks.DescribeInsight.NAME.ID.json, and hands every other request to the
// shared fake (clusters, STS). It checks that ListInsights asks only for
// upgrade-readiness insights.
type insightsServer struct {
	f        *awstest.Fake
	mu       sync.Mutex
	filtered []string // categories each ListInsights asked for
}

func (s *insightsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 3 || parts[0] != "clusters" || parts[2] != "insights" {
		s.f.ServeHTTP(w, r)
		return
	}
	region, ok := awstest.Region(r)
	if !ok {
		http.Error(w, "unsigned request", http.StatusForbidden)
		return
	}
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
		s.mu.Lock()
		s.filtered = append(s.filtered, strings.Join(body.Filter.Categories, ","))
		s.mu.Unlock()
		action, key, token = "ListInsights", cluster, body.NextToken
	case len(parts) == 4 && r.Method == http.MethodGet:
		id, _ := url.PathUnescape(parts[3])
		action, key = "DescribeInsight", cluster+"."+id
	default:
		http.Error(w, "no route "+r.Method+" "+r.URL.Path, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if code := s.f.Fault(region, "eks", action); code != "" {
		status := http.StatusForbidden
		if code == "ThrottlingException" {
			status = http.StatusTooManyRequests
		}
		w.Header().Set("X-Amzn-Errortype", code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message":"fake %s"}`, code)
		return
	}
	body, ok := s.f.Fixture(region, "eks", action, key, token, "json")
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
	s := &insightsServer{f: awstest.NewHandler(filepath.Join("testdata", "insights"))}
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
	s.f.Deny["eu-west-1"] = true
	s.f.Throttle["us-east-1/eks.ListInsights"] = 1
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
	if n := s.f.Calls("us-east-1/eks.ListInsights"); n != 4 {
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
	if n := s.f.Calls("us-east-1/eks.DescribeInsight"); n != 3 {
		t.Errorf("DescribeInsight: %d requests, want 3", n)
	}
	dep := got.Insights[0].Deprecations
	if len(dep) != 2 || dep[0].Usage != "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas" || len(dep[0].Clients) != 2 ||
		dep[0].Clients[0].UserAgent != "kube-state-metrics/v2.10.0" || dep[0].Clients[0].Requests30Days != 8640 ||
		!dep[0].Clients[0].LastRequest.Equal(time.Unix(1735686000, 0)) {
		t.Errorf("deprecations %+v", dep)
	}

	// What was read, whole: eksinsight's tests turn this golden file into
	// findings.
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	goldenInsights(t, "insights.golden.json", string(data)+"\n")
}

func goldenInsights(t *testing.T, name, got string) {
	t.Helper()
	golden.AssertString(t, filepath.Join("testdata", "insights", name), got)
}

func TestLoadInsightsCredentials(t *testing.T) {
	testEnv(t, "us-east-1")
	s, srv := newInsightsServer(t)
	s.f.Expired = true
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
	s.f.Deny["us-east-1"] = true
	_, err := loadInsights(t, srv.URL)
	if err == nil || !strings.Contains(err.Error(), "nothing could be read: us-east-1: access denied for eks:ListClusters") {
		t.Fatalf("err %v", err)
	}
}
