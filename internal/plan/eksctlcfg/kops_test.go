package eksctlcfg

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/kops"
	"github.com/refit-dev/refit/internal/yamldoc"

	"github.com/refit-dev/refit/internal/golden"
)

const kopsFile = "testdata/kops-prod.yaml"

func kopsEstate(t *testing.T) *estate.Estate {
	t.Helper()
	data, err := os.ReadFile(kopsFile)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := yamldoc.Split(kopsFile, data)
	if err != nil {
		t.Fatal(err)
	}
	e, err := kops.Parse(docs)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// kopsConfig is the config refit would plan for testdata/kops-prod.yaml.
func kopsConfig(t *testing.T) Config {
	e := kopsEstate(t)
	groups, unmapped := FromKops(e)
	c := e.Clusters[0]
	header := fmt.Sprintf("refit plan: EKS in place of kops cluster %s\n%d managed node groups; %d things kops ran have no EKS counterpart", c.Name, len(groups), len(unmapped))
	return Config{
		Name: ClusterName(c.Name), Region: e.Region, Version: c.KubernetesVersion, NAT: NATHighlyAvailable,
		NodeGroups: groups, LoadBalancerController: true, Header: header,
	}
}

func TestFromKops(t *testing.T) {
	groups, unmapped := FromKops(kopsEstate(t))
	want := []NodeGroup{
		{
			Name: "nodes", InstanceTypes: []string{"m5.xlarge"}, Desired: 3, Min: 3, Max: 10,
			VolumeSize: 100, VolumeType: "gp3", Labels: map[string]string{"team": "platform"},
			Zones: []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}, PrivateNetworking: true,
		},
		{
			Name: "spot-batch", InstanceTypes: []string{"m5.large", "m5a.large", "m4.large"}, Spot: true,
			Desired: 2, Min: 2, Max: 20, VolumeSize: 128, VolumeType: "gp3", VolumeThroughput: 250,
			Labels: map[string]string{"lifecycle": "spot"}, Taints: []Taint{{Key: "spot", Value: "true", Effect: "NoSchedule"}},
			Zones: []string{"eu-west-1a", "eu-west-1b"}, PrivateNetworking: true,
		},
		{
			Name: "gpu", InstanceTypes: []string{"g4dn.xlarge"}, Desired: 1, Min: 1, Max: 4,
			VolumeSize: 200, VolumeType: "io1", VolumeIOPS: 3000,
			Taints: []Taint{{Key: "nvidia.com/gpu", Effect: "NoSchedule"}},
			Zones:  []string{"eu-west-1a"}, PrivateNetworking: true,
		},
	}
	for i := range groups {
		if !strings.Contains(groups[i].Comment, "kops InstanceGroup") || !strings.Contains(groups[i].Comment, kopsFile+":") {
			t.Errorf("group %s: comment %q does not name its InstanceGroup and origin", groups[i].Name, groups[i].Comment)
		}
		groups[i].Comment = ""
	}
	if !reflect.DeepEqual(groups, want) {
		t.Errorf("FromKops groups:\n got %+v\nwant %+v", groups, want)
	}

	got := strings.Join(unmapped, "\n") + "\n"
	golden.AssertString(t, filepath.Join("testdata", "kops.unmapped.golden.txt"), got)
	// Each thing without an EKS counterpart is named.
	for _, name := range []string{
		"control-plane-eu-west-1a", "control-plane-eu-west-1b", "control-plane-eu-west-1c",
		"a.etcd-main.prod.k8s.example.com", "c.etcd-events.prod.k8s.example.com",
		"bastions", "bastion.prod.k8s.example.com", "api.prod.k8s.example.com",
		"eu-west-1a.prod.k8s.example.com", "gpu /dev/sdf",
		"kops.k8s.io/instancegroup=nodes", "node-role.kubernetes.io/node=", `"dedicated=batch"`,
		"keeps 2 on-demand",
	} {
		if !strings.Contains(got, name) {
			t.Errorf("unmapped does not mention %s", name)
		}
	}
}

func TestFromKopsEdgeCases(t *testing.T) {
	cluster := estate.Cluster{Name: "k.example.com", Source: "kops", ControlPlane: estate.ControlPlaneSelfManaged}
	node := func(name string, zones ...string) estate.NodeGroup {
		return estate.NodeGroup{Name: name, Cluster: cluster.Name, Role: estate.RoleNode, InstanceTypes: []string{"m5.large"},
			Count: 0, MinSize: 0, MaxSize: 0, Purchase: estate.OnDemand, Zones: zones,
			RootVolume: estate.Volume{Type: "standard", SizeGiB: 20.5}}
	}
	e := &estate.Estate{
		Clusters: []estate.Cluster{cluster, {Name: "eks", Source: "eksctl", ControlPlane: estate.ControlPlaneEKS}},
		NodeGroups: []estate.NodeGroup{
			node("a.b", "us-east-1a"),
			node("a-b", "us-east-1a"),
			{Name: "labelled", Cluster: cluster.Name, Role: estate.RoleNode, InstanceTypes: []string{"m5.large"}, Count: 1, MinSize: 1, MaxSize: 1,
				Labels: map[string]string{"ok": "1", "bad key": "x"}, Zones: []string{"us-east-1a"}},
			{Name: "managed", Cluster: "eks", Role: estate.RoleNode, InstanceTypes: []string{"m5.large"}},
		},
	}
	groups, unmapped := FromKops(e)
	if len(groups) != 3 {
		t.Fatalf("FromKops mapped %d groups, want the 3 kops ones: %+v", len(groups), groups)
	}
	if want := map[string]string{"ok": "1"}; !reflect.DeepEqual(groups[2].Labels, want) {
		t.Errorf("labels = %v, want %v", groups[2].Labels, want)
	}
	groups = groups[:2]
	if groups[0].Name != "a-b" || groups[1].Name != "a-b-2" {
		t.Errorf("names = %s, %s; want a-b, a-b-2", groups[0].Name, groups[1].Name)
	}
	for _, g := range groups {
		if g.Max != 1 || g.Desired != 0 || g.Min != 0 {
			t.Errorf("%s: sizes %d/%d/%d, want 0/0/1", g.Name, g.Min, g.Desired, g.Max)
		}
		if g.VolumeType != "gp3" || g.VolumeSize != 21 {
			t.Errorf("%s: volume %d GiB %s, want 21 GiB gp3", g.Name, g.VolumeSize, g.VolumeType)
		}
		if g.Zones != nil {
			t.Errorf("%s: zones %v kept though the cluster had one zone", g.Name, g.Zones)
		}
	}
	text := strings.Join(unmapped, "\n")
	for _, want := range []string{"renamed a-b", "root volume type standard", "zone us-east-1a", `label "bad key"="x" is dropped`} {
		if !strings.Contains(text, want) {
			t.Errorf("unmapped does not mention %q:\n%s", want, text)
		}
	}
	// The single-zone result still writes and validates.
	c := Config{Name: "k", Region: "us-east-1", NodeGroups: groups}
	validateWithEksctl(t, c)

	if g, u := FromKops(&estate.Estate{}); g != nil || u != nil {
		t.Errorf("FromKops(empty) = %v, %v", g, u)
	}
}

func TestParseTaint(t *testing.T) {
	tests := []struct {
		in      string
		want    Taint
		wantErr string
	}{
		{"dedicated=spot:NoSchedule", Taint{"dedicated", "spot", "NoSchedule"}, ""},
		{"nvidia.com/gpu:NoExecute", Taint{"nvidia.com/gpu", "", "NoExecute"}, ""},
		{"k=:PreferNoSchedule", Taint{"k", "", "PreferNoSchedule"}, ""},
		{"dedicated=batch", Taint{}, "no effect"},
		{"=v:NoSchedule", Taint{}, "no key"},
		{"k=v:Never", Taint{}, `effect "Never"`},
		{"bad key=v:NoSchedule", Taint{}, "not a qualified name"},
		{"k=bad value:NoSchedule", Taint{}, "not a valid label value"},
		{"Example.COM/k=v:NoSchedule", Taint{}, "not a qualified name"},
		{"/k=v:NoSchedule", Taint{}, "not a qualified name"},
	}
	for _, tt := range tests {
		got, err := ParseTaint(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseTaint(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseTaint(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

// FuzzParseTaint checks that ParseTaint never panics and that whatever it
// accepts Write accepts too.
func FuzzParseTaint(f *testing.F) {
	f.Add("dedicated=spot:NoSchedule")
	f.Fuzz(func(t *testing.T, s string) {
		tt, err := ParseTaint(s)
		if err != nil {
			return
		}
		c := Config{Name: "c", Region: "us-east-1", NodeGroups: []NodeGroup{{
			Name: "ng", InstanceTypes: []string{"m5.large"}, Desired: 1, Min: 1, Max: 1, Taints: []Taint{tt},
		}}}
		if err := Write(&strings.Builder{}, c); err != nil {
			t.Fatalf("ParseTaint(%q) = %+v, but Write rejects it: %v", s, tt, err)
		}
	})
}
