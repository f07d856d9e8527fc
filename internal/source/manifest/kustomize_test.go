package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/estate"
)

func TestIsKustomization(t *testing.T) {
	tests := map[string]bool{
		"testdata/kustomize/base":          true,
		"testdata/kustomize/overlays/prod": true,
		"testdata":                         false,
		"testdata/missing":                 false,
	}
	for dir, want := range tests {
		if got := IsKustomization(dir); got != want {
			t.Errorf("IsKustomization(%s) = %v, want %v", dir, got, want)
		}
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "Kustomization"), []byte("resources: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !IsKustomization(other) {
		t.Error("a directory with Kustomization is not a kustomization")
	}
}

func TestBuildKustomize(t *testing.T) {
	tests := []struct {
		dir       string
		namespace string
		replicas  int
	}{
		{dir: "testdata/kustomize/base", namespace: "default", replicas: 1},
		{dir: "testdata/kustomize/overlays/prod", namespace: "prod", replicas: 6},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			docs, err := BuildKustomize(tt.dir)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(tt.dir, "kustomization.yaml")
			for _, d := range docs {
				if d.File != file || d.Line != 0 {
					t.Errorf("document %s at %s:%d, want %s with line 0", d.Kind, d.File, d.Line, file)
				}
			}
			est, err := Parse(docs)
			if err != nil {
				t.Fatal(err)
			}
			if len(est.Workloads) != 1 {
				t.Fatalf("workloads = %+v", est.Workloads)
			}
			w := est.Workloads[0]
			if w.Namespace != tt.namespace || w.Replicas != tt.replicas || w.Requests.MilliCPU != 300 {
				t.Errorf("api = %+v", w)
			}
			wantOrigin := estate.Origin{File: file, Ref: "Deployment/" + tt.namespace + "/api"}
			if w.Origin != wantOrigin {
				t.Errorf("origin = %+v, want %+v", w.Origin, wantOrigin)
			}
			lb := est.LoadBalancers[0]
			if lb.Name != tt.namespace+"/api" || lb.Type != estate.NLB || lb.Internal || lb.Origin.Ref != "Service/"+tt.namespace+"/api" {
				t.Errorf("lb = %+v", lb)
			}
		})
	}

	docs, err := BuildKustomize("testdata/kustomize/overlays/prod")
	if err != nil {
		t.Fatal(err)
	}
	est, err := Parse(docs)
	if err != nil {
		t.Fatal(err)
	}
	goldenFile(t, "kustomize.golden.json", est)
}

func TestBuildKustomizeErrors(t *testing.T) {
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "kustomization.yaml"), []byte("resources:\n  - missing.yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "kustomization.yml"), []byte("resources: [pod.yaml]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers: [{name: c, resources: {requests: {cpu: lots}}}]\n"
	if err := os.WriteFile(filepath.Join(bad, "pod.yaml"), []byte(pod), 0o644); err != nil {
		t.Fatal(err)
	}

	// The error names the kustomization file (the directory when there is
	// none).
	for dir, file := range map[string]string{broken: filepath.Join(broken, "kustomization.yaml"), "testdata": "testdata"} {
		if _, err := BuildKustomize(dir); err == nil || !strings.HasPrefix(err.Error(), file+": ") {
			t.Errorf("BuildKustomize(%s) err = %v, want one naming %s", dir, err, file)
		}
	}

	docs, err := BuildKustomize(bad)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(docs)
	want := filepath.Join(bad, "kustomization.yml") + " (Pod/ns/p): Pod ns/p: container c: cpu request"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Parse err = %v, want prefix %q", err, want)
	}
}
