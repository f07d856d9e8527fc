package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/source/kubemanifests/kubemanifeststest"
)

// liveFinding is a finding reduced to what the live tests compare.
func liveFinding(f kubeapi.Finding) string {
	s := fmt.Sprintf("%s %s %s %s", f.Location(), f.Rule, f.FoundAPIVersion, f.Kind)
	if f.Field != "" {
		s += " " + f.Field
	}
	return s
}

func decodeFindings(t *testing.T, out string) []kubeapi.Finding {
	t.Helper()
	var v struct {
		Findings []kubeapi.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	return v.Findings
}

// refit migrate check --kubeconfig against a real kube-apiserver finds the
// apps/v1beta1 a Deployment was applied with (the server stores apps/v1),
// the extensions/v1beta1 an HPA's scaleTargetRef names, and the
// policy/v1beta1 PodDisruptionBudget in a Helm release's latest manifest;
// a manifest given beside the cluster is checked too.
func TestMigrateCheckKubeconfig(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, kubeconfig, ns := kubemanifeststest.Setup(t, ctx, "migrate-live")
	file := filepath.Join(t.TempDir(), "ing.yaml")
	if err := os.WriteFile(file, []byte("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: ing\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		file bool // the manifest's finding is expected too
	}{
		{"cluster", []string{"migrate", "check", "--kubeconfig", kubeconfig, "--to", "1.33", "-o", "json"}, false},
		{"cluster and file", []string{"migrate", "check", file, "--kubeconfig", kubeconfig, "--context", "refit-test", "--to", "1.33", "-o", "json"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, "", tt.args...)
			if code != ExitFindings {
				t.Fatalf("exit %d, want 1 (removed APIs): %s", code, errOut)
			}
			if !strings.Contains(errOut, "note: --from 1.34 (the API server of context refit-test)") {
				t.Errorf("stderr %q: no --from note", errOut)
			}
			var got []string
			for _, f := range decodeFindings(t, out) {
				if strings.Contains(f.File, "/"+ns+"/") || strings.HasPrefix(f.File, "helm:"+ns+"/") || f.File == file {
					got = append(got, liveFinding(f))
					if f.Fixable && f.File != file {
						t.Errorf("%s: a live finding marked fixable", f.File)
					}
					if strings.HasPrefix(f.File, "kube:") && f.Kind == "Deployment" && !strings.Contains(f.Message, "last-applied-configuration") {
						t.Errorf("deployment finding does not say it comes from the annotation: %s", f.Message)
					}
				}
			}
			want := []string{
				"helm:" + ns + "/pay:3 removed-api policy/v1beta1 PodDisruptionBudget",
				"kube:refit-test/deployments.apps/" + ns + "/web removed-api apps/v1beta1 Deployment",
				"kube:refit-test/horizontalpodautoscalers.autoscaling/" + ns + "/web removed-api-reference extensions/v1beta1 HorizontalPodAutoscaler spec.scaleTargetRef.apiVersion",
			}
			if tt.file {
				want = append(want, file+":1 removed-api extensions/v1beta1 Ingress")
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestMigrateLiveFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"fix with kubeconfig", []string{"migrate", "fix", "k8s/", "--to", "1.33", "--kubeconfig", "k"}, "migrate fix rewrites files; use migrate check --kubeconfig to list live objects"},
		{"fix with aws", []string{"migrate", "fix", "k8s/", "--to", "1.33", "--aws"}, "migrate fix rewrites files; use migrate check --kubeconfig to list live objects"},
		{"no input", []string{"migrate", "check", "--to", "1.33"}, "no input: give files, directories or - for stdin"},
		{"live without --to", []string{"migrate", "check", "--kubeconfig", "/nonexistent/kubeconfig"}, "--to is required"},
		{"bad kubeconfig", []string{"migrate", "check", "--kubeconfig", "/nonexistent/kubeconfig", "--to", "1.33"}, "kube: kubeconfig /nonexistent/kubeconfig: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := run(t, "", tt.args...)
			if code != ExitUsage || !strings.Contains(errOut, tt.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want 2 and one line with %q", code, errOut, tt.want)
			}
		})
	}
	out, _, _ := run(t, "", "migrate", "fix", "--help")
	if strings.Contains(out, "--kubeconfig string") || strings.Contains(out, "--aws ") {
		t.Errorf("migrate fix --help lists --kubeconfig:\n%s", out)
	}
}

// fakeEKS answers EKS's REST/JSON API for one cluster with one insight.
func fakeEKS(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/clusters":
			fmt.Fprint(w, `{"clusters":["prod"]}`)
		case r.Method == http.MethodGet && r.URL.Path == "/clusters/prod":
			fmt.Fprint(w, `{"cluster":{"name":"prod","arn":"arn:aws:eks:eu-west-1:123456789012:cluster/prod","version":"1.31","status":"ACTIVE","createdAt":1672531200.0}}`)
		case r.Method == http.MethodPost && r.URL.Path == "/clusters/prod/insights":
			fmt.Fprint(w, `{"insights":[{"id":"i-132","name":"Deprecated APIs removed in Kubernetes v1.32","category":"UPGRADE_READINESS","kubernetesVersion":"1.32","insightStatus":{"status":"ERROR"}}]}`)
		case r.Method == http.MethodGet && r.URL.Path == "/clusters/prod/insights/i-132":
			fmt.Fprint(w, `{"insight":{"id":"i-132","name":"Deprecated APIs removed in Kubernetes v1.32","category":"UPGRADE_READINESS","kubernetesVersion":"1.32","insightStatus":{"status":"ERROR","reason":"Deprecated API usage detected within last 30 days."},"categorySpecificSummary":{"deprecationDetails":[{"usage":"/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas","replacedWith":"/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas","stopServingVersion":"1.32","startServingReplacementVersion":"1.29","clientStats":[{"userAgent":"kube-state-metrics/v2.10.0","numberOfRequestsLast30Days":10,"lastRequestTime":1735686000.0}]}]}}}`)
		default:
			w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"message":"no route %s %s"}`, r.Method, r.URL.Path)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// refit migrate check --aws reads EKS upgrade insights (through
// AWS_ENDPOINT_URL, as the SDK honours it) and takes --from from the
// cluster's version.
func TestMigrateCheckAWS(t *testing.T) {
	srv := fakeEKS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	file := filepath.Join(t.TempDir(), "cj.yaml")
	if err := os.WriteFile(file, []byte("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cj\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "", "migrate", "check", file, "--aws", "--to", "1.33", "-o", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "note: --from 1.31 (the version of the EKS clusters)") {
		t.Errorf("stderr %q: no --from note", errOut)
	}
	var got []string
	for _, f := range decodeFindings(t, out) {
		got = append(got, string(f.Severity)+" "+liveFinding(f))
	}
	want := []string{
		"info eks:eu-west-1/prod eks-version  ",
		"error eks:eu-west-1/prod eks-insight flowcontrol.apiserver.k8s.io/v1beta3 ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%q\nwant:\n%q", got, want)
	}
}
