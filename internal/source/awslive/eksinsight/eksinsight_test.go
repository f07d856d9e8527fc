package eksinsight

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/golden"
	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/source/awslive"
)

// TestFindingsGolden maps the upgrade insights awslive's tests read from
// their EKS fixture server (its golden file).
func TestFindingsGolden(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "insights", "insights.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var u awslive.UpgradeInsights
	if err := json.Unmarshal(data, &u); err != nil {
		t.Fatal(err)
	}
	golden.AssertJSON(t, filepath.Join("testdata", "eks-insights.findings-1.33.golden.json"), Findings(&u, kubeapi.Version{Major: 1, Minor: 33}))
}

func TestFindings(t *testing.T) {
	to := kubeapi.Version{Major: 1, Minor: 33}
	tests := []struct {
		name string
		in   awslive.UpgradeInsights
		want []string // rule severity file apiVersion→replacement removedIn
	}{
		{"cluster behind", awslive.UpgradeInsights{Clusters: []awslive.Cluster{{Region: "r", Name: "a", Version: "1.30"}}},
			[]string{"eks-version info eks:r/a →"}},
		{"cluster past", awslive.UpgradeInsights{Clusters: []awslive.Cluster{{Region: "r", Name: "a", Version: "1.34"}}},
			[]string{"eks-version info eks:r/a →"}},
		{"unreadable version", awslive.UpgradeInsights{Clusters: []awslive.Cluster{{Region: "r", Name: "a", Version: "x"}}},
			[]string{"eks-version info eks:r/a →"}},
		{"insight past target", awslive.UpgradeInsights{Insights: []awslive.Insight{{Region: "r", Cluster: "a", Status: "ERROR", KubernetesVersion: "1.34"}}},
			nil},
		{"insight without details", awslive.UpgradeInsights{Insights: []awslive.Insight{{Region: "r", Cluster: "a", Status: "UNKNOWN", KubernetesVersion: "1.31"}}},
			[]string{"eks-insight info eks:r/a →"}},
		{"insight without version", awslive.UpgradeInsights{Insights: []awslive.Insight{{Region: "r", Cluster: "a", Status: "WARNING"}}},
			[]string{"eks-insight warning eks:r/a →"}},
		{"deprecations", awslive.UpgradeInsights{Insights: []awslive.Insight{{Region: "r", Cluster: "a", Status: "ERROR", KubernetesVersion: "1.25",
			Deprecations: []awslive.Deprecation{
				{Usage: "/apis/policy/v1beta1/podsecuritypolicies", StopServingVersion: "1.25"},
				{Usage: "/apis/batch/v1beta1/namespaces/x/cronjobs", ReplacedWith: "/apis/batch/v1/cronjobs", StopServingVersion: "1.25", StartServingReplacementVersion: "1.21"},
			}}}},
			[]string{"eks-insight error eks:r/a policy/v1beta1→ 1.25", "eks-insight error eks:r/a batch/v1beta1→batch/v1 1.25"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range Findings(&tt.in, to) {
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
