package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadMixedDirectory(t *testing.T) {
	e, err := Load([]string{"testdata/mixed"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.Region != "eu-west-1" {
		t.Errorf("region = %q, want eu-west-1", e.Region)
	}
	if len(e.Clusters) != 1 || len(e.NodeGroups) != 1 || len(e.FargateProfiles) != 1 {
		t.Errorf("eksctl config not loaded: %d clusters, %d node groups, %d profiles", len(e.Clusters), len(e.NodeGroups), len(e.FargateProfiles))
	}
	if len(e.Workloads) != 1 || e.Workloads[0].Origin.File != "testdata/mixed/k8s/app.yml" {
		t.Errorf("workloads = %+v, want the one in k8s/app.yml", e.Workloads)
	}
	if len(e.HostedZones) != 1 || !strings.Contains(e.HostedZones[0].Origin.String(), "plan.json") {
		t.Errorf("terraform plan not loaded: %+v", e.HostedZones)
	}
	// The overlay is built with Kustomize: the patched size and namespace.
	if len(e.Claims) != 1 || e.Claims[0].SizeGiB != 50 || e.Claims[0].Namespace != "db" {
		t.Errorf("claims = %+v, want one 50 GiB claim in db from the overlay", e.Claims)
	}
}

func TestLoadStdinAndFS(t *testing.T) {
	in := "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: n}\nspec: {type: LoadBalancer}\n"
	e, err := Load([]string{"-"}, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(e.LoadBalancers) != 1 || e.LoadBalancers[0].Origin.File != "<stdin>" {
		t.Fatalf("load balancers = %+v", e.LoadBalancers)
	}
	fsys := fstest.MapFS{"a/svc.yaml": {Data: []byte(in)}}
	l := &Loader{FS: Prefixed("examples", fsys)}
	e, err = l.Load([]string{"examples/a"})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.LoadBalancers[0].Origin.File; got != "examples/a/svc.yaml" {
		t.Errorf("origin file = %q, want examples/a/svc.yaml", got)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	tests := []struct {
		name    string
		paths   []string
		wantErr string
	}{
		{"no paths", nil, "no input"},
		{"missing", []string{filepath.Join(dir, "nope")}, "no such file"},
		{"empty directory", []string{empty}, "no .yaml, .yml or .json files"},
		{"bad yaml", []string{write("bad.yaml", "kind: A\nspec: [\n")}, "bad.yaml:"},
		{"json that is not a plan", []string{write("x.json", `{"hello": 1}`)}, "neither a Terraform plan"},
		{"unknown kops kind", []string{write("k.yaml", "apiVersion: kops.k8s.io/v1alpha2\nkind: Nonsense\nmetadata: {name: x}\n")}, "k.yaml:1:"},
		{"no kind", []string{write("nk.yaml", "apiVersion: v1\nmetadata: {name: x}\n")}, "nk.yaml:1:"},
		{"only comments", []string{write("c.yaml", "# nothing\n")}, "no kops, eksctl, Kubernetes or Terraform documents"},
		{"regions disagree", []string{"testdata/mixed/cluster.yaml", write("r.yaml", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: r, region: us-east-1}\n")}, "price one region at a time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.paths, nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
			}
		})
	}
}
