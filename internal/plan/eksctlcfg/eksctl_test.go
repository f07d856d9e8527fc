package eksctlcfg

import (
	"bytes"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	api "github.com/weaveworks/eksctl/pkg/apis/eksctl.io/v1alpha5"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/plan/eksctlcfg/eksctltest"
)

// TestEksctlAcceptsWrite decodes every Write case into eksctl's own
// ClusterConfig type, strictly, and runs eksctl's defaulting and
// validation as `eksctl create cluster -f` does.
func TestEksctlAcceptsWrite(t *testing.T) {
	for name, c := range configs(t) {
		t.Run(name, func(t *testing.T) { validateWithEksctl(t, c) })
	}
}

// TestEksctlCatchesBadConfig makes sure the harness is not vacuous: a
// config eksctl rejects fails it.
func TestEksctlCatchesBadConfig(t *testing.T) {
	bad := map[string]string{
		"unknown key":    "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: us-east-1}\nmanagedNodeGroups:\n- name: ng\n  instanceType: [m5.large]\n",
		"taint effect":   "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: us-east-1}\nmanagedNodeGroups:\n- name: ng\n  taints: [{key: a, effect: Never}]\n",
		"reserved label": "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: us-east-1}\nmanagedNodeGroups:\n- name: ng\n  labels: {node-role.kubernetes.io/node: \"\"}\n",
		"one zone":       "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: us-east-1}\navailabilityZones: [us-east-1a]\n",
		"bad NAT":        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: us-east-1}\nvpc: {nat: {gateway: Sometimes}}\n",
		"fargate prefix": "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: us-east-1}\nfargateProfiles:\n- name: eks-x\n  selectors: [{namespace: a}]\n",
	}
	for name, doc := range bad {
		if _, err := eksctlLoad([]byte(doc)); err == nil {
			t.Errorf("%s: eksctl harness accepted:\n%s", name, doc)
		}
	}
}

// validateWithEksctl writes c, loads it as eksctl would and checks that
// eksctl reads back what c says.
func validateWithEksctl(t *testing.T, c Config) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	cfg, err := eksctlLoad(buf.Bytes())
	if err != nil {
		t.Fatalf("eksctl rejects the config: %v\n%s", err, buf.String())
	}

	if cfg.Metadata.Name != c.Name || cfg.Metadata.Region != c.Region {
		t.Errorf("metadata = %s/%s, want %s/%s", cfg.Metadata.Name, cfg.Metadata.Region, c.Name, c.Region)
	}
	if c.Version != "" && !strings.HasPrefix(c.Version+".", cfg.Metadata.Version+".") {
		t.Errorf("version = %q, want the major.minor of %q", cfg.Metadata.Version, c.Version)
	}
	wantNAT := c.NAT
	if wantNAT == "" {
		wantNAT = api.ClusterSingleNAT
	}
	if got := *cfg.VPC.NAT.Gateway; got != wantNAT {
		t.Errorf("vpc.nat.gateway = %s, want %s", got, wantNAT)
	}

	// IRSA.
	var sas []string
	for _, sa := range cfg.IAM.ServiceAccounts {
		p := sa.WellKnownPolicies
		sas = append(sas, sa.Namespace+"/"+sa.Name+" lbc="+boolStr(p.AWSLoadBalancerController)+" dns="+boolStr(p.ExternalDNS))
	}
	var wantSAs []string
	if c.LoadBalancerController {
		wantSAs = append(wantSAs, "kube-system/aws-load-balancer-controller lbc=true dns=false")
	}
	if c.ExternalDNS {
		wantSAs = append(wantSAs, "external-dns/external-dns lbc=false dns=true")
	}
	if !slices.Equal(sas, wantSAs) {
		t.Errorf("iam.serviceAccounts = %v, want %v", sas, wantSAs)
	}
	if len(wantSAs) > 0 && !api.IsEnabled(cfg.IAM.WithOIDC) {
		t.Errorf("iam.withOIDC is not enabled")
	}

	// Node groups, as eksctl reads them after defaulting.
	if len(cfg.ManagedNodeGroups) != len(c.NodeGroups) {
		t.Fatalf("%d managed node groups, want %d", len(cfg.ManagedNodeGroups), len(c.NodeGroups))
	}
	for i, want := range c.NodeGroups {
		got := cfg.ManagedNodeGroups[i]
		if got.Name != want.Name || !slices.Equal(got.InstanceTypes, want.InstanceTypes) || got.Spot != want.Spot ||
			*got.DesiredCapacity != want.Desired || *got.MinSize != want.Min || *got.MaxSize != want.Max ||
			got.PrivateNetworking != want.PrivateNetworking || !slices.Equal(got.AvailabilityZones, want.Zones) {
			t.Errorf("managedNodeGroups[%d] = %s %v spot=%v %d/%d/%d private=%v zones=%v; want %+v", i, got.Name, got.InstanceTypes,
				got.Spot, *got.MinSize, *got.DesiredCapacity, *got.MaxSize, got.PrivateNetworking, got.AvailabilityZones, want)
		}
		if want.VolumeSize > 0 && *got.VolumeSize != want.VolumeSize {
			t.Errorf("%s: volumeSize %d, want %d", want.Name, *got.VolumeSize, want.VolumeSize)
		}
		if want.VolumeType != "" && *got.VolumeType != want.VolumeType {
			t.Errorf("%s: volumeType %s, want %s", want.Name, *got.VolumeType, want.VolumeType)
		}
		if want.VolumeIOPS > 0 && *got.VolumeIOPS != want.VolumeIOPS {
			t.Errorf("%s: volumeIOPS %d, want %d", want.Name, *got.VolumeIOPS, want.VolumeIOPS)
		}
		if want.VolumeThroughput > 0 && *got.VolumeThroughput != want.VolumeThroughput {
			t.Errorf("%s: volumeThroughput %d, want %d", want.Name, *got.VolumeThroughput, want.VolumeThroughput)
		}
		// eksctl adds its own alpha.eksctl.io/ labels.
		labels := maps.Clone(got.Labels)
		maps.DeleteFunc(labels, func(k, _ string) bool { return strings.HasPrefix(k, "alpha.eksctl.io/") })
		if len(labels) != len(want.Labels) || (len(labels) > 0 && !maps.Equal(labels, want.Labels)) {
			t.Errorf("%s: labels %v, want %v", want.Name, labels, want.Labels)
		}
		var taints []Taint
		for _, tt := range got.Taints {
			taints = append(taints, Taint{tt.Key, tt.Value, string(tt.Effect)})
		}
		if !slices.Equal(taints, want.Taints) {
			t.Errorf("%s: taints %v, want %v", want.Name, taints, want.Taints)
		}
	}

	// Fargate profiles.
	var profiles []FargateProfile
	for _, p := range cfg.FargateProfiles {
		fp := FargateProfile{Name: p.Name}
		for _, s := range p.Selectors {
			fp.Selectors = append(fp.Selectors, estate.FargateSelector{Namespace: s.Namespace, Labels: s.Labels})
		}
		profiles = append(profiles, fp)
	}
	if !reflect.DeepEqual(profiles, c.FargateProfiles) {
		t.Errorf("fargateProfiles = %+v, want %+v", profiles, c.FargateProfiles)
	}
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func eksctlLoad(data []byte) (*api.ClusterConfig, error) { return eksctltest.Load(data) }

// FuzzWrite writes configs with arbitrary label values, names and comments
// and checks that eksctl's strict decoder reads back exactly the values
// written: no YAML 1.1 surprises (yes, on, 0x1f), and no comment that
// breaks out of its line.
func FuzzWrite(f *testing.F) {
	f.Add("yes", "team", "web tier\nspot", "refit plan", "fp")
	f.Add("0x1F", "a.b/c", "# already a comment", "", "jobs")
	f.Add("1:20", "on", "\r\n\t", "line\n\nline", "0")
	f.Fuzz(func(t *testing.T, value, key, comment, header, namespace string) {
		c := Config{
			Name: "c", Region: "us-east-1", Header: header,
			NodeGroups: []NodeGroup{{
				Name: "ng", InstanceTypes: []string{"m5.large"}, Desired: 1, Min: 1, Max: 1,
				Labels: map[string]string{key: value}, Comment: comment,
			}},
			FargateProfiles: []FargateProfile{{Name: "fp", Selectors: []estate.FargateSelector{{Namespace: namespace, Labels: map[string]string{key: value}}}}},
		}
		var buf bytes.Buffer
		if err := Write(&buf, c); err != nil {
			return
		}
		cfg := &api.ClusterConfig{}
		if err := sigsyaml.UnmarshalStrict(buf.Bytes(), cfg); err != nil {
			t.Fatalf("eksctl cannot decode Write output: %v\n%s", err, buf.String())
		}
		if len(cfg.ManagedNodeGroups) != 1 || len(cfg.FargateProfiles) != 1 {
			t.Fatalf("decoded %d groups, %d profiles:\n%s", len(cfg.ManagedNodeGroups), len(cfg.FargateProfiles), buf.String())
		}
		if got, ok := cfg.ManagedNodeGroups[0].Labels[key]; !ok || got != value || len(cfg.ManagedNodeGroups[0].Labels) != 1 {
			t.Fatalf("label %q=%q read back as %v:\n%s", key, value, cfg.ManagedNodeGroups[0].Labels, buf.String())
		}
		sel := cfg.FargateProfiles[0].Selectors
		if len(sel) != 1 || sel[0].Namespace != namespace || sel[0].Labels[key] != value {
			t.Fatalf("selector %q %q=%q read back as %+v:\n%s", namespace, key, value, sel, buf.String())
		}
	})
}
