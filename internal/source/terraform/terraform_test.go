package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/estate"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parse(t *testing.T, name string) *estate.Estate {
	t.Helper()
	e, err := Parse(name, read(t, name))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	if err := e.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return e
}

func origin(file string, line int, ref string) estate.Origin {
	return estate.Origin{File: file, Line: line, Ref: ref}
}

func TestIsPlan(t *testing.T) {
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"eks fixture", string(read(t, "testdata/eks.plan.json")), true},
		{"compact", `{"format_version":"1.2","planned_values":{}}`, true},
		{"resource_changes only", ` {"format_version": "1.2", "resource_changes": []}`, true},
		{"state", `{"format_version":"1.0","values":{"root_module":{}}}`, false},
		{"no format_version", `{"planned_values":{}}`, false},
		{"key only as a value", `{"format_version":"1.2","x":"planned_values"}`, false},
		{"yaml", "apiVersion: v1\nkind: Pod\n", false},
		{"kubernetes json", `{"apiVersion":"v1","kind":"Pod"}`, false},
		{"empty", ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsPlan([]byte(tt.data)); got != tt.want {
				t.Errorf("IsPlan = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseEKS(t *testing.T) {
	const f = "testdata/eks.plan.json"
	e := parse(t, f)
	const spot = `module.eks.module.eks_managed_node_group["spot"].aws_eks_node_group.this[0]`
	const def = `module.eks.module.eks_managed_node_group["default"].aws_eks_node_group.this[0]`

	if e.Region != "eu-west-1" || e.RegionOrigin != origin(f, 474, "provider.aws.region") {
		t.Errorf("region = %q at %v", e.Region, e.RegionOrigin)
	}
	wantClusters := []estate.Cluster{{
		Name: "shop", ControlPlane: estate.ControlPlaneEKS, KubernetesVersion: "1.30", Source: "terraform",
		Origin: origin(f, 116, "module.eks.aws_eks_cluster.this[0]"),
	}}
	if !reflect.DeepEqual(e.Clusters, wantClusters) {
		t.Errorf("clusters = %+v", e.Clusters)
	}
	wantGroups := []estate.NodeGroup{
		{
			Name: "default", Cluster: "shop", Role: estate.RoleNode,
			InstanceTypes: []string{"t3.medium"}, // EKS default
			Count:         2, MinSize: 1, MaxSize: 3, Purchase: estate.OnDemand, Managed: true,
			RootVolume: estate.Volume{Name: "root", Type: "gp2", SizeGiB: 20, Purpose: "root", Origin: origin(f, 219, def)},
			Origin:     origin(f, 219, def),
		},
		{
			Name: "spot", Cluster: "shop", Role: estate.RoleNode,
			InstanceTypes: []string{"m6i.large", "m5.large"},
			Count:         3, MinSize: 1, MaxSize: 10, Purchase: estate.Spot, Managed: true,
			// From the launch template the node group references.
			RootVolume: estate.Volume{Name: "root", Type: "gp3", SizeGiB: 100, IOPS: 3000, ThroughputMiBps: 150, Purpose: "root", Origin: origin(f, 281, spot)},
			Labels:     map[string]string{"workload": "batch"},
			Taints:     []string{"spot=true:NoSchedule"},
			Origin:     origin(f, 281, spot),
		},
	}
	if !reflect.DeepEqual(e.NodeGroups, wantGroups) {
		t.Errorf("node groups:\n got %+v\nwant %+v", e.NodeGroups, wantGroups)
	}
	wantFargate := []estate.FargateProfile{{
		Name: "kube-system", Cluster: "shop",
		Selectors: []estate.FargateSelector{
			{Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}},
			{Namespace: "batch"},
		},
		Origin: origin(f, 177, `module.eks.aws_eks_fargate_profile.this["kube-system"]`),
	}}
	if !reflect.DeepEqual(e.FargateProfiles, wantFargate) {
		t.Errorf("fargate = %+v", e.FargateProfiles)
	}
	if want := []estate.NATGateway{{Name: "shop-nat", Origin: origin(f, 68, "aws_nat_gateway.this")}}; !reflect.DeepEqual(e.NATGateways, want) {
		t.Errorf("NAT = %+v", e.NATGateways)
	}
	if want := []estate.PublicIP{{Name: "shop-nat", Attached: true, Origin: origin(f, 13, "aws_eip.nat")}}; !reflect.DeepEqual(e.PublicIPs, want) {
		t.Errorf("public IPs = %+v", e.PublicIPs)
	}
	if want := []estate.LoadBalancer{{Name: "shop-ingress", Type: estate.ALB, Origin: origin(f, 39, "aws_lb.ingress")}}; !reflect.DeepEqual(e.LoadBalancers, want) {
		t.Errorf("LBs = %+v", e.LoadBalancers)
	}
}

func TestParseEC2(t *testing.T) {
	const f = "testdata/ec2.plan.json"
	e := parse(t, f)
	if e.Region != "eu-central-1" || e.RegionOrigin != origin(f, 423, "var.region") {
		t.Errorf("region = %q at %v", e.Region, e.RegionOrigin)
	}
	web := func(i, line int) estate.NodeGroup {
		ref := "aws_instance.web[" + string(rune('0'+i)) + "]"
		return estate.NodeGroup{
			Name: "web-" + string(rune('0'+i)), Role: estate.RoleInstance, InstanceTypes: []string{"t3.large"},
			Count: 1, Purchase: estate.OnDemand,
			RootVolume: estate.Volume{Name: "root", Type: "gp3", SizeGiB: 30, IOPS: 4000, ThroughputMiBps: 250, Purpose: "root", Origin: origin(f, line, ref)},
			Origin:     origin(f, line, ref),
		}
	}
	asg := "aws_autoscaling_group.workers"
	wantGroups := []estate.NodeGroup{
		{
			Name: "legacy-workers", Cluster: "legacy", Role: estate.RoleNode,
			InstanceTypes: []string{"c6i.xlarge", "c5.xlarge"}, Count: 4, MinSize: 2, MaxSize: 8,
			Purchase:     estate.Spot,
			Distribution: &estate.InstancesDistribution{OnDemandBaseCapacity: 1, OnDemandPercentageAboveBaseCapacity: 25},
			RootVolume:   estate.Volume{Name: "root", Type: "gp3", SizeGiB: 50, Purpose: "root", Origin: origin(f, 21, asg)},
			Zones:        []string{"eu-central-1a", "eu-central-1b"},
			Origin:       origin(f, 21, asg),
		},
		{
			Name: "bastion", Role: estate.RoleInstance, InstanceTypes: []string{"m5.xlarge"}, Count: 1,
			Purchase: estate.Spot, PublicIP: true, Zones: []string{"eu-central-1b"},
			// No root_block_device: the AMI default.
			RootVolume: estate.Volume{Name: "root", Type: "gp3", SizeGiB: 8, Purpose: "root", Origin: origin(f, 174, "aws_instance.bastion")},
			Origin:     origin(f, 174, "aws_instance.bastion"),
		},
		web(0, 231),
		web(1, 268),
	}
	if !reflect.DeepEqual(e.NodeGroups, wantGroups) {
		t.Errorf("node groups:\n got %+v\nwant %+v", e.NodeGroups, wantGroups)
	}
	attached := true
	wantVolumes := []estate.Volume{
		{Name: "web-data", Type: "gp2", SizeGiB: 200, Purpose: "data", Origin: origin(f, 114, "aws_ebs_volume.data")},
		{Name: "bastion:/dev/sdf", Type: "st1", SizeGiB: 500, Purpose: "data", Attached: &attached, Origin: origin(f, 174, "aws_instance.bastion")},
	}
	if !reflect.DeepEqual(e.Volumes, wantVolumes) {
		t.Errorf("volumes = %+v", e.Volumes)
	}
	wantIPs := []estate.PublicIP{
		{Name: "aws_eip.bastion", Attached: true, Origin: origin(f, 137, "aws_eip.bastion")},
		{Name: "spare-ip", Attached: false, Origin: origin(f, 154, "aws_eip.spare")},
	}
	if !reflect.DeepEqual(e.PublicIPs, wantIPs) {
		t.Errorf("public IPs = %+v", e.PublicIPs)
	}
	wantDBs := []estate.Database{{
		Name: "shop-db", Engine: "postgres", InstanceClass: "db.m6g.large", MultiAZ: true,
		StorageGiB: 100, StorageType: "gp2", Origin: origin(f, 84, "aws_db_instance.main"),
	}}
	if !reflect.DeepEqual(e.Databases, wantDBs) {
		t.Errorf("databases = %+v", e.Databases)
	}
	if want := []estate.HostedZone{{Name: "shop.example.com", Origin: origin(f, 352, "aws_route53_zone.main")}}; !reflect.DeepEqual(e.HostedZones, want) {
		t.Errorf("zones = %+v", e.HostedZones)
	}
}

// Terraform itself writes the plan on one line; everything is on line 1.
func TestParseCompact(t *testing.T) {
	pretty := read(t, "testdata/eks.plan.json")
	var buf bytes.Buffer
	if err := json.Compact(&buf, pretty); err != nil {
		t.Fatal(err)
	}
	e, err := Parse("plan.json", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Parse("plan.json", pretty)
	if len(e.NodeGroups) != len(want.NodeGroups) || len(e.PublicIPs) != 1 || !e.PublicIPs[0].Attached {
		t.Fatalf("compact plan differs: %+v", e)
	}
	for _, g := range e.NodeGroups {
		if g.Origin.Line != 1 {
			t.Errorf("%s: line %d, want 1", g.Name, g.Origin.Line)
		}
	}
}

// planJSON wraps root module resources and configuration in a minimal plan.
func planJSON(resources, config string) string {
	if config == "" {
		config = "{}"
	}
	return `{"format_version": "1.2", "planned_values": {"root_module": {"resources": [` + resources + `]}}, "configuration": ` + config + `}`
}

func TestParseCases(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		check func(t *testing.T, e *estate.Estate)
	}{
		{
			name: "region from availability zone",
			data: planJSON(`{"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a", "values": {"availability_zone": "us-west-2-lax-1a"}},
{"address": "aws_ebs_volume.v", "mode": "managed", "type": "aws_ebs_volume", "name": "v", "values": {"availability_zone": "eu-west-1a", "size": 10, "type": "io2", "iops": 5000}}`, ""),
			check: func(t *testing.T, e *estate.Estate) {
				if e.Region != "us-west-2" || e.RegionOrigin != origin("plan.json", 1, "aws_subnet.a") {
					t.Errorf("region %q at %v", e.Region, e.RegionOrigin)
				}
				if v := e.Volumes[0]; v.Type != "io2" || v.IOPS != 5000 || v.SizeGiB != 10 {
					t.Errorf("volume = %+v", v)
				}
			},
		},
		{
			name: "load balancer types",
			data: planJSON(`{"address": "aws_lb.n", "mode": "managed", "type": "aws_lb", "name": "n", "values": {"name": "n", "load_balancer_type": "network", "internal": true}},
{"address": "aws_lb.g", "mode": "managed", "type": "aws_lb", "name": "g", "values": {"load_balancer_type": "gateway"}},
{"address": "aws_alb.a", "mode": "managed", "type": "aws_alb", "name": "a", "values": {}},
{"address": "aws_elb.c", "mode": "managed", "type": "aws_elb", "name": "c", "values": {"name": "classic"}}`, ""),
			check: func(t *testing.T, e *estate.Estate) {
				want := []estate.LoadBalancer{
					{Name: "n", Type: estate.NLB, Internal: true, Origin: origin("plan.json", 1, "aws_lb.n")},
					{Name: "aws_alb.a", Type: estate.ALB, Origin: origin("plan.json", 3, "aws_alb.a")},
					{Name: "classic", Type: estate.CLB, Origin: origin("plan.json", 4, "aws_elb.c")},
				}
				if !reflect.DeepEqual(e.LoadBalancers, want) {
					t.Errorf("LBs = %+v", e.LoadBalancers)
				}
			},
		},
		{
			name: "NAT gateway reaching its EIP through a local (terraform-aws-modules/vpc)",
			data: `{"format_version": "1.2", "planned_values": {"root_module": {"child_modules": [{"address": "module.vpc", "resources": [
{"address": "module.vpc.aws_eip.nat[0]", "mode": "managed", "type": "aws_eip", "name": "nat", "index": 0, "values": {"domain": "vpc"}},
{"address": "module.vpc.aws_nat_gateway.this[0]", "mode": "managed", "type": "aws_nat_gateway", "name": "this", "index": 0, "values": {"connectivity_type": "public"}},
{"address": "module.vpc.aws_nat_gateway.private[0]", "mode": "managed", "type": "aws_nat_gateway", "name": "private", "index": 0, "values": {"connectivity_type": "private"}}]}]}},
"configuration": {"root_module": {"module_calls": {"vpc": {"module": {"resources": [
{"address": "aws_nat_gateway.this", "mode": "managed", "type": "aws_nat_gateway", "name": "this", "expressions": {"allocation_id": {"references": ["local.nat_gateway_ips", "count.index"]}}}]}}}}}}`,
			check: func(t *testing.T, e *estate.Estate) {
				if len(e.NATGateways) != 2 || len(e.PublicIPs) != 1 || !e.PublicIPs[0].Attached {
					t.Errorf("NAT %+v, IPs %+v", e.NATGateways, e.PublicIPs)
				}
			},
		},
		{
			name: "EIP associated by known allocation id",
			data: planJSON(`{"address": "aws_eip.a", "mode": "managed", "type": "aws_eip", "name": "a", "values": {"id": "eipalloc-1", "allocation_id": "eipalloc-1", "instance": ""}},
{"address": "aws_eip_association.a", "mode": "managed", "type": "aws_eip_association", "name": "a", "values": {"allocation_id": "eipalloc-1"}},
{"address": "aws_eip.b", "mode": "managed", "type": "aws_eip", "name": "b", "values": {"id": "eipalloc-2", "instance": ""}}`, ""),
			check: func(t *testing.T, e *estate.Estate) {
				if len(e.PublicIPs) != 2 || !e.PublicIPs[0].Attached || e.PublicIPs[1].Attached {
					t.Errorf("IPs %+v", e.PublicIPs)
				}
			},
		},
		{
			name: "data sources and unknown types are ignored",
			data: planJSON(`{"address": "data.aws_ami.al2023", "mode": "data", "type": "aws_ami", "name": "al2023", "values": {"id": 5}},
{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "values": {"bucket": 5}}`, ""),
			check: func(t *testing.T, e *estate.Estate) {
				if !reflect.DeepEqual(e, &estate.Estate{}) {
					t.Errorf("estate = %+v", e)
				}
			},
		},
		{
			name: "node group without cluster name, windows, unknown desired size",
			data: planJSON(`{"address": "aws_eks_cluster.c", "mode": "managed", "type": "aws_eks_cluster", "name": "c", "values": {"name": "c1"}},
{"address": "aws_eks_node_group.w", "mode": "managed", "type": "aws_eks_node_group", "name": "w", "values": {"ami_type": "WINDOWS_CORE_2022_x86_64", "scaling_config": [{"min_size": 2, "max_size": 4}],
 "taint": [{"key": "os", "effect": "NO_EXECUTE"}]}}`, ""),
			check: func(t *testing.T, e *estate.Estate) {
				g := e.NodeGroups[0]
				if g.Cluster != "c1" || g.Count != 2 || g.RootVolume.SizeGiB != 50 || g.Name != "aws_eks_node_group.w" ||
					!reflect.DeepEqual(g.Taints, []string{"os:NoExecute"}) {
					t.Errorf("node group = %+v", g)
				}
			},
		},
		{
			name: "CloudWatch metric alarms: standard, high resolution, metric math",
			data: planJSON(`{"address": "aws_cloudwatch_metric_alarm.cpu", "mode": "managed", "type": "aws_cloudwatch_metric_alarm", "name": "cpu", "values": {"alarm_name": "cpu-high", "period": 300}},
{"address": "aws_cloudwatch_metric_alarm.fast", "mode": "managed", "type": "aws_cloudwatch_metric_alarm", "name": "fast", "values": {"period": 10}},
{"address": "aws_cloudwatch_metric_alarm.ratio", "mode": "managed", "type": "aws_cloudwatch_metric_alarm", "name": "ratio", "values": {"alarm_name": "error-ratio", "period": null,
 "metric_query": [{"id": "e", "expression": "m1/m2", "metric": []}, {"id": "m1", "metric": [{"metric_name": "Errors", "period": 60}]}, {"id": "m2", "metric": [{"metric_name": "Requests", "period": 30}]}]}}`, ""),
			check: func(t *testing.T, e *estate.Estate) {
				want := []estate.Alarm{
					{Name: "cpu-high", Metrics: 1, Origin: origin("plan.json", 1, "aws_cloudwatch_metric_alarm.cpu")},
					{Name: "aws_cloudwatch_metric_alarm.fast", Metrics: 1, HighResolution: true, Origin: origin("plan.json", 2, "aws_cloudwatch_metric_alarm.fast")},
					{Name: "error-ratio", Metrics: 2, HighResolution: true, Origin: origin("plan.json", 3, "aws_cloudwatch_metric_alarm.ratio")},
				}
				if !reflect.DeepEqual(e.Alarms, want) {
					t.Errorf("alarms = %+v", e.Alarms)
				}
			},
		},
		{
			name: "database with provisioned iops",
			data: planJSON(`{"address": "aws_db_instance.d", "mode": "managed", "type": "aws_db_instance", "name": "d", "values": {"identifier_prefix": "app-", "engine": "mysql", "instance_class": "db.r6g.large", "allocated_storage": 400, "iops": 12000}}`, ""),
			check: func(t *testing.T, e *estate.Estate) {
				if d := e.Databases[0]; d.StorageType != "io1" || d.Name != "app" || d.MultiAZ {
					t.Errorf("database = %+v", d)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse("plan.json", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, e)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"syntax error", "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {\n    \"root_module\": {,\n", "plan.json:4: invalid JSON"},
		{"truncated", "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {", "plan.json:3: invalid JSON: unexpected end of input"},
		{"syntax error after blank lines", "\n\n\n\n\nx", "plan.json:6: invalid JSON"},
		{"syntax error in a skipped value", "{\"variables\":\n\n\n x}", "plan.json:4: invalid JSON"},
		{"syntax error at the end of a line", "{\"format_version\": x\n}", "plan.json:1: invalid JSON"},
		{"syntax error in resources", "{\n\"format_version\": \"1.2\",\n\"planned_values\": {\"root_module\": {\"resources\": [\n{\"address\": \"a\"}\n\n,]}}}", "plan.json:6: invalid JSON"},
		{"trailing data", "{\"format_version\": \"1.2\", \"planned_values\": {}}\n{}", "plan.json:2: invalid JSON: unexpected data after the plan object"},
		{"not an object", `[1, 2]`, "plan.json:1: plan: want an object, got an array"},
		{"resources not an array", `{"format_version": "1.2", "planned_values": {"root_module": {"resources": {}}}}`, "plan.json:1: resources: want an array, got an object"},
		{"no planned values", `{"format_version": "1.2", "resource_changes": []}`, "plan.json: Terraform JSON has no planned_values"},
		{"no format version", `{"planned_values": {}}`, "plan.json: not a Terraform plan"},
		{"format version 2", `{"format_version": "2.0", "planned_values": {}}`, `unsupported Terraform JSON format_version "2.0"`},
		{"address type", planJSON(`{"address": 5}`, ""), "plan.json:1: resource address: want a string, got a JSON number"},
		{"no address", planJSON(`{"type": "aws_instance"}`, ""), "plan.json:1: planned resource without an address"},
		{
			"instance type of wrong type",
			planJSON("\n"+`{"address": "aws_instance.web[0]", "mode": "managed", "type": "aws_instance", "name": "web", "values": {"instance_type": 5}}`, ""),
			"plan.json:2 (aws_instance.web[0]): aws_instance: values.instance_type: want a string, got a JSON number",
		},
		{
			"node group scaling of wrong type",
			planJSON(`{"address": "module.eks.aws_eks_node_group.x", "mode": "managed", "type": "aws_eks_node_group", "name": "x", "values": {"scaling_config": [{"desired_size": "3"}]}}`, ""),
			"(module.eks.aws_eks_node_group.x): aws_eks_node_group: values.scaling_config.desired_size: want a number, got a JSON string",
		},
		{
			"unknown instance type",
			planJSON(`{"address": "aws_instance.x", "mode": "managed", "type": "aws_instance", "name": "x", "values": {}}`, ""),
			"plan.json:1 (aws_instance.x): aws_instance: instance_type is not known from the plan",
		},
		{"configuration of wrong type", planJSON("", `{"provider_config": []}`), "plan.json:1: configuration.provider_config: want an object, got a JSON array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("plan.json", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestAddresses(t *testing.T) {
	const addr = `module.eks.module.ng["a.b]"].aws_eks_node_group.this[0]`
	if got := moduleOf(addr); got != `module.eks.module.ng["a.b]"]` {
		t.Errorf("moduleOf = %q", got)
	}
	if got := configKey(addr); got != "module.eks.module.ng.aws_eks_node_group.this" {
		t.Errorf("configKey = %q", got)
	}
	if got := indexOf(addr); got != "[0]" {
		t.Errorf("indexOf = %q", got)
	}
	for ref, want := range map[string]string{
		"aws_eip.nat[0].id":    "module.vpc.aws_eip.nat",
		"aws_eip.nat":          "module.vpc.aws_eip.nat",
		"var.region":           "",
		"module.x.output":      "",
		"data.aws_ami.x.id":    "",
		"count.index":          "",
		"aws_subnet.public[*]": "module.vpc.aws_subnet.public",
	} {
		if got, _ := refTarget("module.vpc", ref); got != want {
			t.Errorf("refTarget(%q) = %q, want %q", ref, got, want)
		}
	}
	for az, want := range map[string]string{"eu-west-1a": "eu-west-1", "us-gov-west-1b": "us-gov-west-1", "use1-az1": "", "": ""} {
		if got := regionOfZone(az); got != want {
			t.Errorf("regionOfZone(%q) = %q, want %q", az, got, want)
		}
	}
}

// BenchmarkParse parses a plan of 5,000 instances, pretty-printed, with
// their resource_changes.
func BenchmarkParse(b *testing.B) {
	var res, changes []string
	for i := range 5000 {
		addr := fmt.Sprintf(`module.fleet["f%d"].aws_instance.node[%d]`, i/10, i%10)
		v := `{"address": ` + quote(addr) + `, "mode": "managed", "type": "aws_instance", "name": "node", "values": {"instance_type": "m5.large", "root_block_device": [{"volume_size": 50}], "tags": {"Name": "n"}, "user_data": "` + strings.Repeat("a", 2000) + `"}}`
		res = append(res, v)
		changes = append(changes, `{"address": `+quote(addr)+`, "change": {"actions": ["create"], "after": {"user_data": "`+strings.Repeat("a", 2000)+`"}}}`)
	}
	compact := `{"format_version": "1.2", "planned_values": {"root_module": {"resources": [` + strings.Join(res, ",") + `]}}, "resource_changes": [` + strings.Join(changes, ",") + `]}`
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(compact), "", "  "); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		e, err := Parse("plan.json", data)
		if err != nil || len(e.NodeGroups) != 5000 {
			b.Fatal(err)
		}
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
