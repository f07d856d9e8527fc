package eksctlcfg

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/estate"

	"github.com/refit-dev/refit/internal/golden"
)

// configs are the Write cases; each is compared with
// testdata/<name>.golden.yaml and validated by eksctl (eksctl_test.go).
func configs(t *testing.T) map[string]Config {
	return map[string]Config{
		"spot-and-on-demand": {
			Name: "shop", Region: "us-east-1", Version: "1.31.2", NAT: NATSingle,
			Header: "refit plan for shop\n\nmonthly: $1234.56",
			NodeGroups: []NodeGroup{
				{
					Name: "spot", InstanceTypes: []string{"m5.large", "m5a.large", "m6i.large"}, Spot: true,
					Desired: 4, Min: 2, Max: 12, VolumeSize: 50, VolumeType: "gp3",
					Labels: map[string]string{"lifecycle": "spot", "team": "true", "tier": "1.5"},
					Taints: []Taint{{Key: "spot", Value: "true", Effect: "NoSchedule"}, {Key: "example.com/batch", Effect: "PreferNoSchedule"}},
					Zones:  []string{"us-east-1a", "us-east-1b"}, PrivateNetworking: true,
					Comment: "spot for the stateless web tier:\n3 types keep interruptions apart",
				},
				{
					Name: "on-demand", InstanceTypes: []string{"m6i.xlarge"},
					Desired: 3, Min: 3, Max: 6, VolumeSize: 100, VolumeType: "gp3", VolumeIOPS: 4000, VolumeThroughput: 250,
					Zones: []string{"us-east-1a", "us-east-1b", "us-east-1c"}, PrivateNetworking: true,
					Comment: "on-demand for stateful workloads",
				},
			},
		},
		"fargate-irsa": {
			Name: "Batch-2", Region: "eu-central-1", Version: "1.32", NAT: NATHighlyAvailable,
			LoadBalancerController: true, ExternalDNS: true,
			NodeGroups: []NodeGroup{{
				Name: "system", InstanceTypes: []string{"t3.large"}, Desired: 2, Min: 2, Max: 2,
				VolumeType: "gp2", VolumeSize: 20, Labels: map[string]string{"role": "system"}, PrivateNetworking: true,
			}},
			FargateProfiles: []FargateProfile{
				{Name: "fp-default", Selectors: []estate.FargateSelector{{Namespace: "default"}}},
				{Name: "fp-jobs", Selectors: []estate.FargateSelector{
					{Namespace: "jobs", Labels: map[string]string{"app": "etl", "fargate": "true"}},
					{Namespace: "reports", Labels: map[string]string{"compute": "fargate"}},
				}},
			},
		},
		"nat-disable": {
			Name: "edge", Region: "ap-southeast-2", NAT: NATDisable, ExternalDNS: true,
			NodeGroups: []NodeGroup{{
				Name: "public_nodes", InstanceTypes: []string{"c6g.large"}, Desired: 0, Min: 0, Max: 3,
				VolumeType: "io1", VolumeIOPS: 500,
				Taints: []Taint{{Key: "edge", Value: "yes", Effect: "NoExecute"}},
			}},
		},
		"nat-default": {
			Name: "tiny", Region: "us-west-2", LoadBalancerController: true,
			Zones: []string{"us-west-2a", "us-west-2b", "us-west-2c"},
			NodeGroups: []NodeGroup{{
				Name: "ng-1", InstanceTypes: []string{"t3.medium"}, Desired: 1, Min: 1, Max: 1,
				Zones: []string{"us-west-2c"},
			}},
		},
		"kops": kopsConfig(t),
	}
}

func TestWriteGolden(t *testing.T) {
	for name, c := range configs(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, c); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join("testdata", name+".golden.yaml"), buf.Bytes())
		})
	}
}

func TestWriteErrors(t *testing.T) {
	ok := func() Config {
		return Config{Name: "c", Region: "us-east-1", NodeGroups: []NodeGroup{{Name: "ng", InstanceTypes: []string{"m5.large"}, Desired: 1, Min: 1, Max: 2}}}
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"dotted cluster name", func(c *Config) { c.Name = "prod.example.com" }, `cluster name "prod.example.com"`},
		{"no region", func(c *Config) { c.Region = "" }, "no region"},
		{"bad version", func(c *Config) { c.Version = "latest" }, `version "latest"`},
		{"bad NAT", func(c *Config) { c.NAT = "single" }, `NAT mode "single"`},
		{"one zone", func(c *Config) { c.NodeGroups[0].Zones = []string{"us-east-1a"} }, "at least 2"},
		{"zone outside cluster", func(c *Config) {
			c.Zones = []string{"us-east-1a", "us-east-1b"}
			c.NodeGroups[0].Zones = []string{"us-east-1c"}
		}, `zone "us-east-1c"`},
		{"group name", func(c *Config) { c.NodeGroups[0].Name = "a.b" }, `managedNodeGroups[0] (a.b): name "a.b"`},
		{"duplicate group", func(c *Config) { c.NodeGroups = append(c.NodeGroups, c.NodeGroups[0]) }, `name "ng" is used twice`},
		{"no instance type", func(c *Config) { c.NodeGroups[0].InstanceTypes = nil }, "no instance type"},
		{"max zero", func(c *Config) { c.NodeGroups[0].Max, c.NodeGroups[0].Desired, c.NodeGroups[0].Min = 0, 0, 0 }, "maxSize 0"},
		{"desired above max", func(c *Config) { c.NodeGroups[0].Desired = 3 }, "desiredCapacity 3"},
		{"volume type", func(c *Config) { c.NodeGroups[0].VolumeType = "standard" }, `volumeType "standard"`},
		{"iops on gp2", func(c *Config) { c.NodeGroups[0].VolumeType, c.NodeGroups[0].VolumeIOPS = "gp2", 100 }, "volumeIOPS"},
		{"throughput on io1", func(c *Config) { c.NodeGroups[0].VolumeType, c.NodeGroups[0].VolumeThroughput = "io1", 200 }, "volumeThroughput"},
		{"reserved label", func(c *Config) { c.NodeGroups[0].Labels = map[string]string{"node-role.kubernetes.io/node": ""} }, "node-role.kubernetes.io/node"},
		{"bad label", func(c *Config) { c.NodeGroups[0].Labels = map[string]string{"team": "a b"} }, `label "team"="a b"`},
		{"bad taint key", func(c *Config) { c.NodeGroups[0].Taints = []Taint{{Key: "a b", Effect: "NoSchedule"}} }, `taint "a b"`},
		{"taint effect", func(c *Config) { c.NodeGroups[0].Taints = []Taint{{Key: "k", Effect: "NoWay"}} }, `effect "NoWay"`},
		{"fargate reserved name", func(c *Config) {
			c.FargateProfiles = []FargateProfile{{Name: "eks-x", Selectors: []estate.FargateSelector{{Namespace: "a"}}}}
		}, `must not start with "eks-"`},
		{"fargate no selector", func(c *Config) { c.FargateProfiles = []FargateProfile{{Name: "fp"}} }, "no selector"},
		{"fargate no namespace", func(c *Config) {
			c.FargateProfiles = []FargateProfile{{Name: "fp", Selectors: []estate.FargateSelector{{}}}}
		}, "selectors[0]: no namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok()
			tt.change(&c)
			var buf bytes.Buffer
			err := Write(&buf, c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Write error = %v, want it to contain %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("Write wrote %d bytes before failing", buf.Len())
			}
		})
	}
	if err := Write(&bytes.Buffer{}, ok()); err != nil {
		t.Fatalf("base config: %v", err)
	}
}

func TestClusterName(t *testing.T) {
	for in, want := range map[string]string{
		"prod.k8s.example.com":   "prod-k8s-example-com",
		"shop":                   "shop",
		"1st.example.org":        "eks-1st-example-org",
		"a..b--c.":               "a-b-c",
		"":                       "eks",
		strings.Repeat("x", 120): strings.Repeat("x", 100),
	} {
		got := ClusterName(in)
		if got != want {
			t.Errorf("ClusterName(%q) = %q, want %q", in, got, want)
		}
		if !clusterNameRE().MatchString(got) {
			t.Errorf("ClusterName(%q) = %q is not a valid name", in, got)
		}
	}
}

func TestWriteFile(t *testing.T) {
	c := configs(t)["nat-default"]
	dir := t.TempDir()
	path := filepath.Join(dir, "cluster.yaml")

	// A new file: written whole, nothing else left in the directory.
	if err := WriteFile(path, c); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := Write(&want, c); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("file content differs from Write output")
	}
	assertOnly(t, dir, "cluster.yaml")
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode = %v, want 0644", fi.Mode().Perm())
	}

	// Replacing: an invalid config leaves the old file untouched.
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	bad := c
	bad.NAT = "Sometimes"
	err = WriteFile(path, bad)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("WriteFile(invalid) error = %v, want one naming %s", err, path)
	}
	if got, _ := os.ReadFile(path); string(got) != "old\n" {
		t.Errorf("failed WriteFile changed the target to %q", got)
	}
	assertOnly(t, dir, "cluster.yaml")

	// A valid config replaces it and keeps its mode.
	if err := WriteFile(path, c); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("WriteFile did not replace the target")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file mode = %v, want the old 0600", fi.Mode().Perm())
	}
	assertOnly(t, dir, "cluster.yaml")

	// A directory that cannot hold the file: the error names the path.
	notDir := filepath.Join(dir, "cluster.yaml", "x.yaml") // parent is a file
	if err := WriteFile(notDir, c); err == nil || !strings.Contains(err.Error(), notDir) {
		t.Errorf("WriteFile under a file: error = %v, want one naming %s", err, notDir)
	}
	missing := filepath.Join(dir, "no", "such", "dir", "x.yaml")
	if err := WriteFile(missing, c); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("WriteFile in a missing dir: error = %v, want one naming %s", err, missing)
	}
	if err := WriteFile(dir, c); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("WriteFile onto a directory: error = %v, want one naming %s", err, dir)
	}
	assertOnly(t, dir, "cluster.yaml")
}

func TestWriteFileReadOnlyDir(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	if f, err := os.CreateTemp(ro, "probe"); err == nil {
		f.Close()
		os.Remove(f.Name())
		t.Skip("directory permissions are not enforced (running as root?)")
	}
	path := filepath.Join(ro, "cluster.yaml")
	err := WriteFile(path, configs(t)["nat-default"])
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("WriteFile in a read-only dir: error = %v, want one naming %s", err, path)
	}
	assertOnly(t, ro)
}

// assertOnly fails unless dir holds exactly names.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v, want %v (temp file left behind?)", dir, got, names)
	}
}
