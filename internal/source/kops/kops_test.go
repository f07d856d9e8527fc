package kops

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// summary renders the parts of an Estate the tests check, one line per item.
func summary(e *estate.Estate) []string {
	var out []string
	out = append(out, fmt.Sprintf("region %s @%s", e.Region, e.RegionOrigin))
	for _, c := range e.Clusters {
		out = append(out, fmt.Sprintf("cluster %s %s %s %s @%s", c.Name, c.ControlPlane, c.KubernetesVersion, c.Source, c.Origin))
	}
	for _, g := range e.NodeGroups {
		dist := ""
		if g.Distribution != nil {
			dist = fmt.Sprintf(" base=%d above=%d", g.Distribution.OnDemandBaseCapacity, g.Distribution.OnDemandPercentageAboveBaseCapacity)
		}
		rv := g.RootVolume
		out = append(out, fmt.Sprintf("group %s %s %s n=%d [%d,%d] %s%s root=%s/%v/%d/%d pub=%v zones=%s labels=%d taints=%v @%s",
			g.Name, g.Role, strings.Join(g.InstanceTypes, ","), g.Count, g.MinSize, g.MaxSize, g.Purchase, dist,
			rv.Type, rv.SizeGiB, rv.IOPS, rv.ThroughputMiBps, g.PublicIP, strings.Join(g.Zones, ","), len(g.Labels), g.Taints, g.Origin))
	}
	for _, v := range e.Volumes {
		out = append(out, fmt.Sprintf("volume %s %s %s/%v/%d/%d x%d @%s", v.Name, v.Purpose, v.Type, v.SizeGiB, v.IOPS, v.ThroughputMiBps, v.N(), v.Origin))
	}
	for _, n := range e.NATGateways {
		out = append(out, fmt.Sprintf("nat %s %s @%s", n.Name, n.Zone, n.Origin))
	}
	for _, p := range e.PublicIPs {
		out = append(out, fmt.Sprintf("eip %s attached=%v @%s", p.Name, p.Attached, p.Origin))
	}
	for _, l := range e.LoadBalancers {
		out = append(out, fmt.Sprintf("lb %s %s internal=%v @%s", l.Name, l.Type, l.Internal, l.Origin))
	}
	return out
}

func parseFile(t *testing.T, path string) (*estate.Estate, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := yamldoc.Split(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(docs)
}

func TestParseFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{
			// The founding story: a kops 1.11-era cluster, 3 masters and 3
			// nodes of t3.medium, private topology over 3 zones.
			file: "legacy-private.yaml",
			want: []string{
				"region eu-west-1 @testdata/legacy-private.yaml:107",
				"cluster prod.k8s.example.com self-managed 1.11.6 kops @testdata/legacy-private.yaml:1",
				"group master-eu-west-1a master t3.medium n=1 [1,1] on-demand root=gp3/64/3000/125 pub=false zones=eu-west-1a labels=1 taints=[] @testdata/legacy-private.yaml:136",
				"group master-eu-west-1b master t3.medium n=1 [1,1] on-demand root=gp3/64/3000/125 pub=false zones=eu-west-1b labels=1 taints=[] @testdata/legacy-private.yaml:156",
				"group master-eu-west-1c master t3.medium n=1 [1,1] on-demand root=gp3/64/3000/125 pub=false zones=eu-west-1c labels=1 taints=[] @testdata/legacy-private.yaml:176",
				"group nodes node t3.medium n=3 [3,3] on-demand root=gp3/200/3000/125 pub=false zones=eu-west-1a,eu-west-1b,eu-west-1c labels=1 taints=[] @testdata/legacy-private.yaml:196",
				"volume a.etcd-main.prod.k8s.example.com etcd gp3/20/3000/125 x1 @testdata/legacy-private.yaml:31",
				"volume b.etcd-main.prod.k8s.example.com etcd gp3/20/3000/125 x1 @testdata/legacy-private.yaml:34",
				"volume c.etcd-main.prod.k8s.example.com etcd gp3/20/3000/125 x1 @testdata/legacy-private.yaml:37",
				"volume a.etcd-events.prod.k8s.example.com etcd gp3/20/3000/125 x1 @testdata/legacy-private.yaml:46",
				"volume b.etcd-events.prod.k8s.example.com etcd gp3/20/3000/125 x1 @testdata/legacy-private.yaml:49",
				"volume c.etcd-events.prod.k8s.example.com etcd gp3/20/3000/125 x1 @testdata/legacy-private.yaml:52",
				"nat eu-west-1a.prod.k8s.example.com eu-west-1a @testdata/legacy-private.yaml:104",
				"nat eu-west-1b.prod.k8s.example.com eu-west-1b @testdata/legacy-private.yaml:108",
				"nat eu-west-1c.prod.k8s.example.com eu-west-1c @testdata/legacy-private.yaml:112",
				"eip of NAT gateway eu-west-1a.prod.k8s.example.com attached=true @testdata/legacy-private.yaml:104",
				"eip of NAT gateway eu-west-1b.prod.k8s.example.com attached=true @testdata/legacy-private.yaml:108",
				"eip of NAT gateway eu-west-1c.prod.k8s.example.com attached=true @testdata/legacy-private.yaml:112",
				"lb api.prod.k8s.example.com clb internal=false @testdata/legacy-private.yaml:9",
			},
		},
		{
			file: "public-bastion.yaml",
			want: []string{
				"region us-west-2 @testdata/public-bastion.yaml:29",
				"cluster dev.example.org self-managed 1.29.3 kops @testdata/public-bastion.yaml:3",
				"group control-plane-us-west-2a master m6i.large n=1 [1,1] on-demand root=gp2/64/0/0 pub=false zones=us-west-2a labels=0 taints=[] @testdata/public-bastion.yaml:51",
				"group spot node m5.large,m5a.large n=4 [4,10] spot base=1 above=25 root=gp3/128/4000/125 pub=false zones=us-west-2a,us-west-2b labels=0 taints=[dedicated=spot:NoSchedule] @testdata/public-bastion.yaml:64",
				"group edge node t3.small n=2 [2,2] spot root=gp3/128/3000/125 pub=true zones=us-west-2b labels=0 taints=[] @testdata/public-bastion.yaml:93",
				"group bastions bastion t3.micro n=1 [1,1] on-demand root=gp3/32/3000/125 pub=true zones=us-west-2a,us-west-2b labels=0 taints=[] @testdata/public-bastion.yaml:106",
				"volume spot /dev/xvdd data st1/100/0/0 x4 @testdata/public-bastion.yaml:89",
				"volume a.etcd-main.dev.example.org etcd io1/50/500/0 x1 @testdata/public-bastion.yaml:16",
				"volume a.etcd-events.dev.example.org etcd gp3/20/3000/125 x1 @testdata/public-bastion.yaml:23",
				"nat us-west-2b.dev.example.org us-west-2b @testdata/public-bastion.yaml:31",
				"eip of NAT gateway us-west-2b.dev.example.org attached=true @testdata/public-bastion.yaml:31",
				"lb api.dev.example.org nlb internal=true @testdata/public-bastion.yaml:10",
				"lb bastion.dev.example.org nlb internal=false @testdata/public-bastion.yaml:106",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e, err := parseFile(t, filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := summary(e)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

const clusterDoc = `apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: c.example.com
spec:
  subnets:
  - name: us-east-1a
    type: Public
    zone: us-east-1a
`

func TestParseInline(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string // lines that must be in the summary
		wantErr string
	}{
		{
			name: "public topology uses DNS, no NAT, defaults for a node group",
			in:   clusterDoc + "---\napiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: nodes\nspec:\n  role: Node\n  machineType: t3.large\n",
			want: []string{
				"region us-east-1 @f.yaml:9",
				"group nodes node t3.large n=2 [2,2] on-demand root=gp3/128/3000/125 pub=true zones=us-east-1a labels=0 taints=[] @f.yaml:11",
			},
		},
		{
			name: "private topology without spec.api implies a classic public LB",
			in: `apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata: {name: p.example.com}
spec:
  topology: {masters: private, nodes: private}
  subnets:
  - {name: a, type: Private, zone: ap-south-1a, egress: External}
  - {name: b, type: Private, zone: ap-south-1b, id: subnet-123}
  - {name: c, type: Private, zone: ap-south-1c, egress: eipalloc-0abc}
`,
			want: []string{
				"lb api.p.example.com clb internal=false @f.yaml:5",
				"nat ap-south-1c.p.example.com ap-south-1c @f.yaml:9",
			},
		},
		{
			name: "api.dns means no load balancer",
			in:   strings.Replace(clusterDoc, "spec:\n", "spec:\n  api:\n    dns: {}\n  topology:\n    masters: private\n", 1),
			want: []string{"cluster c.example.com self-managed  kops @f.yaml:1"},
		},
		{
			name: "associatePublicIp false in a public subnet; mixed policy at 100% on demand",
			in:   clusterDoc + "---\napiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: ng\nspec:\n  role: Node\n  machineType: c5.large,c5a.large\n  minSize: 5\n  associatePublicIp: false\n  mixedInstancesPolicy:\n    onDemandBase: 2\n",
			want: []string{"group ng node c5.large,c5a.large n=5 [5,5] on-demand root=gp3/128/3000/125 pub=false zones=us-east-1a labels=0 taints=[] @f.yaml:11"},
		},
		{
			name: "local zone region",
			in:   strings.Replace(clusterDoc, "zone: us-east-1a", "zone: us-west-2-lax-1a", 1),
			want: []string{"region us-west-2 @f.yaml:9"},
		},
		{name: "unknown kind", in: "apiVersion: kops.k8s.io/v1alpha2\nkind: Federation\nmetadata: {name: x}\n", wantErr: "f.yaml:1: kind \"Federation\""},
		{name: "other apiVersion", in: "apiVersion: kops.k8s.io/v1alpha3\nkind: Cluster\n", wantErr: "f.yaml:1: apiVersion"},
		{name: "negative minSize", in: clusterDoc + "---\napiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: ng\nspec:\n  role: Node\n  machineType: t3.small\n  minSize: -1\n", wantErr: "f.yaml:18: minSize: -1 is negative"},
		{name: "bad minSize", in: clusterDoc + "---\napiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: ng\nspec:\n  role: Node\n  machineType: t3.small\n  minSize: lots\n", wantErr: "f.yaml:18: minSize: expected a whole number"},
		{name: "max below min", in: clusterDoc + "---\napiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: ng\nspec:\n  role: Node\n  machineType: t3.small\n  minSize: 3\n  maxSize: 1\n", wantErr: "f.yaml:19: InstanceGroup \"ng\": maxSize 1 is less than minSize 3"},
		{name: "negative etcd size", in: strings.Replace(clusterDoc, "spec:\n", "spec:\n  etcdClusters:\n  - name: main\n    etcdMembers:\n    - name: a\n      volumeSize: -20\n", 1), wantErr: "f.yaml:10: volumeSize: -20 is negative"},
		{name: "negative root volume", in: clusterDoc + "---\napiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: ng\nspec:\n  role: Node\n  machineType: t3.small\n  rootVolumeSize: -5\n", wantErr: "f.yaml:18: rootVolumeSize: -5 is negative"},
		{name: "no machine type", in: clusterDoc + "---\napiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: ng\nspec:\n  role: Node\n", wantErr: "f.yaml:16: InstanceGroup \"ng\": spec.machineType is not set"},
		{name: "unknown role", in: clusterDoc + "---\napiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: ng\nspec:\n  role: Worker\n  machineType: t3.small\n", wantErr: "f.yaml:16: InstanceGroup \"ng\": role \"Worker\""},
		{name: "unknown subnet", in: clusterDoc + "---\napiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: ng\nspec:\n  role: Node\n  machineType: t3.small\n  subnets:\n  - nowhere\n", wantErr: "f.yaml:19: InstanceGroup \"ng\": subnet \"nowhere\""},
		{name: "unknown cluster label", in: clusterDoc + "---\napiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: ng\n  labels:\n    kops.k8s.io/cluster: other\nspec:\n  role: Node\n  machineType: t3.small\n", wantErr: "f.yaml:11: InstanceGroup \"ng\": label"},
		{name: "group without cluster", in: "apiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: ng\nspec:\n  role: Node\n", wantErr: "f.yaml:1: InstanceGroup without a kops Cluster"},
		{name: "bad zone", in: strings.Replace(clusterDoc, "zone: us-east-1a", "zone: moon", 1), wantErr: "f.yaml:9: cluster \"c.example.com\": subnet \"us-east-1a\": zone \"moon\""},
		{name: "two regions", in: clusterDoc + "  - {name: b, type: Public, zone: eu-west-1a}\n", wantErr: "f.yaml:10: cluster \"c.example.com\": subnet \"b\" is in region eu-west-1"},
		{name: "bad egress", in: strings.Replace(clusterDoc, "type: Public", "type: Private\n    egress: igw-1", 1), wantErr: "f.yaml:9: cluster \"c.example.com\": subnet \"us-east-1a\": egress \"igw-1\""},
		{name: "bad lb class", in: strings.Replace(clusterDoc, "spec:\n", "spec:\n  api:\n    loadBalancer:\n      class: Application\n", 1), wantErr: "f.yaml:8: spec.api.loadBalancer.class \"Application\""},
		{name: "not aws", in: strings.Replace(clusterDoc, "spec:\n", "spec:\n  cloudProvider: gce\n", 1), wantErr: "f.yaml:6: cluster \"c.example.com\": cloudProvider is not aws"},
		{name: "onDemandAboveBase over 100", in: clusterDoc + "---\napiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: ng\nspec:\n  role: Node\n  machineType: t3.small\n  mixedInstancesPolicy:\n    onDemandAboveBase: 101\n", wantErr: "f.yaml:19: InstanceGroup \"ng\": onDemandAboveBase 101"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := yamldoc.Split("f.yaml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			e, err := Parse(docs)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want prefix %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(summary(e), "\n")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
		})
	}
}

func TestIgnoresOtherGroups(t *testing.T) {
	docs, err := yamldoc.Split("f.yaml", []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Parse(docs)
	if err != nil || len(e.Clusters) != 0 {
		t.Fatalf("Parse = %+v, %v; want an empty estate", e, err)
	}
}

func FuzzKops(f *testing.F) {
	// Seeds are in testdata/fuzz/FuzzKops.
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := yamldoc.Split("fuzz.yaml", data)
		if err != nil {
			return
		}
		e, err := Parse(docs)
		if err == nil {
			if verr := e.Validate(); verr != nil {
				t.Fatalf("Parse returned an invalid estate: %v", verr)
			}
		}
	})
}
