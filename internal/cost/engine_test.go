package cost

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
)

var at = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func catalog(t *testing.T) *pricing.Catalog {
	t.Helper()
	c, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func origin(line int) estate.Origin { return estate.Origin{File: "in.yaml", Line: line} }

// price fetches a catalog price for expectations.
func svc(t *testing.T, c *pricing.Catalog, service, item string) decimal.Decimal {
	t.Helper()
	p, err := c.Service(service, item, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	return p.USD
}

func d(f float64) decimal.Decimal { return decimal.NewFromFloat(f) }

func TestEstimateComponents(t *testing.T) {
	c := catalog(t)
	od := func(typ string) decimal.Decimal {
		p, err := c.OnDemand("us-east-1", typ)
		if err != nil {
			t.Fatal(err)
		}
		return p.USD
	}
	spot := func(typ string) decimal.Decimal {
		p, err := c.Spot("us-east-1", typ)
		if err != nil {
			t.Fatal(err)
		}
		return p.USD
	}
	h := d(730)
	tests := []struct {
		name  string
		e     estate.Estate
		usage func(*Usage)
		want  map[Component]decimal.Decimal
	}{
		{
			name: "on-demand group with gp2 root volumes",
			e: estate.Estate{NodeGroups: []estate.NodeGroup{{Name: "nodes", Role: estate.RoleNode, InstanceTypes: []string{"t3.medium"}, Count: 3, Purchase: estate.OnDemand,
				RootVolume: estate.Volume{Type: "gp2", SizeGiB: 200}, Origin: origin(1)}}},
			want: map[Component]decimal.Decimal{
				ComputeOnDemand: od("t3.medium").Mul(d(3)).Mul(h),
				StorageEBS:      svc(t, c, "ebs", "gp2_storage").Mul(d(600)),
			},
		},
		{
			name: "masters are the control plane",
			e:    estate.Estate{NodeGroups: []estate.NodeGroup{{Name: "master-a", Role: estate.RoleMaster, InstanceTypes: []string{"t3.medium"}, Count: 1, Purchase: estate.OnDemand, Origin: origin(1)}}},
			want: map[Component]decimal.Decimal{ControlPlane: od("t3.medium").Mul(h)},
		},
		{
			name: "spot group at the mean of its types, with public IPs",
			e:    estate.Estate{NodeGroups: []estate.NodeGroup{{Name: "spot", Role: estate.RoleNode, InstanceTypes: []string{"t3.small", "t3a.small"}, Count: 2, Purchase: estate.Spot, PublicIP: true, Origin: origin(1)}}},
			want: map[Component]decimal.Decimal{
				ComputeSpot: spot("t3.small").Add(spot("t3a.small")).Div(d(2)).Mul(d(2)).Mul(h),
				PublicIPv4:  svc(t, c, "vpc_public_ipv4", "in_use_address_hour").Mul(d(2)).Mul(h),
			},
		},
		{
			name: "mixed instances: base 1 on-demand, 50% above base",
			e: estate.Estate{NodeGroups: []estate.NodeGroup{{Name: "mixed", Role: estate.RoleNode, InstanceTypes: []string{"m5.large"}, Count: 5, Purchase: estate.Spot,
				Distribution: &estate.InstancesDistribution{OnDemandBaseCapacity: 1, OnDemandPercentageAboveBaseCapacity: 50}, Origin: origin(1)}}},
			want: map[Component]decimal.Decimal{
				ComputeOnDemand: od("m5.large").Mul(d(3)).Mul(h),
				ComputeSpot:     spot("m5.large").Mul(d(2)).Mul(h),
			},
		},
		{
			name: "gp3 above the included IOPS and throughput",
			e:    estate.Estate{Volumes: []estate.Volume{{Name: "data", Type: "gp3", SizeGiB: 100, IOPS: 4000, ThroughputMiBps: 250, Count: 2, Origin: origin(1)}}},
			want: map[Component]decimal.Decimal{
				StorageEBS: svc(t, c, "ebs", "gp3_storage").Mul(d(200)).
					Add(svc(t, c, "ebs", "gp3_iops_above_3000").Mul(d(2000))).
					Add(svc(t, c, "ebs", "gp3_throughput_above_125mibps").Div(d(1024)).Mul(d(250))),
			},
		},
		{
			name: "claims take their class's type; unknown classes the default",
			e: estate.Estate{
				StorageClasses: []estate.StorageClass{{Name: "fast", EBSType: "io1"}, {Name: "std", EBSType: "gp3", Default: true}},
				Claims: []estate.Claim{
					{Namespace: "a", Name: "x", StorageClass: "fast", SizeGiB: 10, Origin: origin(1)},
					{Namespace: "a", Name: "y", SizeGiB: 10, Count: 3, Origin: origin(2)},
					{Namespace: "a", Name: "z", StorageClass: "mystery", SizeGiB: 10, Origin: origin(3)},
				}},
			want: map[Component]decimal.Decimal{
				StorageEBS: svc(t, c, "ebs", "io1_storage").Mul(d(10)).Add(svc(t, c, "ebs", "gp3_storage").Mul(d(30))).Add(svc(t, c, "ebs", "gp2_storage").Mul(d(10))),
			},
		},
		{
			name: "fargate pods sized by EKS's rule",
			e: estate.Estate{
				FargateProfiles: []estate.FargateProfile{{Name: "fp", Selectors: []estate.FargateSelector{{Namespace: "app"}}}},
				Workloads: []estate.Workload{
					// 250m / 512Mi + 256 MB overhead -> 0.25 vCPU, 1 GB
					{Kind: "Deployment", Namespace: "app", Name: "web", Replicas: 3, Requests: estate.Resources{MilliCPU: 250, MemoryBytes: 512 << 20}},
					{Kind: "Deployment", Namespace: "other", Name: "ec2", Replicas: 3, Requests: estate.Resources{MilliCPU: 250}},
				}},
			want: map[Component]decimal.Decimal{
				ComputeFargate: svc(t, c, "fargate", "linux_x86_vcpu_hour").Mul(d(0.25 * 3 * 730)).Add(svc(t, c, "fargate", "linux_x86_gb_hour").Mul(d(1 * 3 * 730))),
			},
		},
		{
			name: "NAT gateways, EIPs and load balancers",
			e: estate.Estate{
				NATGateways:   []estate.NATGateway{{Name: "a"}, {Name: "b"}},
				PublicIPs:     []estate.PublicIP{{Name: "a", Attached: true}, {Name: "idle"}},
				LoadBalancers: []estate.LoadBalancer{{Name: "alb", Type: estate.ALB}, {Name: "nlb", Type: estate.NLB, Internal: true}, {Name: "clb", Type: estate.CLB, Internal: true}},
			},
			usage: func(u *Usage) { u.NATGateway.DataProcessedGB = 100; u.LoadBalancer.ALBLCUs = 1 },
			want: map[Component]decimal.Decimal{
				NATHours: svc(t, c, "nat_gateway", "gateway_hour").Mul(d(2 * 730)),
				NATData:  svc(t, c, "nat_gateway", "data_processed").Mul(d(200)),
				LoadBalancer: svc(t, c, "elb_application", "load_balancer_hour").Add(svc(t, c, "elb_application", "lcu_hour")).
					Add(svc(t, c, "elb_network", "load_balancer_hour")).Add(svc(t, c, "elb_classic", "load_balancer_hour")).Mul(h),
				// one in-use + one idle EIP + the ALB's two zones
				PublicIPv4: svc(t, c, "vpc_public_ipv4", "in_use_address_hour").Mul(d(3 * 730)).Add(svc(t, c, "vpc_public_ipv4", "idle_address_hour").Mul(h)),
			},
		},
		{
			name: "EKS in standard support",
			e:    estate.Estate{Clusters: []estate.Cluster{{Name: "c", ControlPlane: estate.ControlPlaneEKS, KubernetesVersion: "1.34"}}},
			want: map[Component]decimal.Decimal{ControlPlane: svc(t, c, "eks", "cluster_standard_support").Mul(h)},
		},
		{
			name: "EKS in extended support",
			e:    estate.Estate{Clusters: []estate.Cluster{{Name: "c", ControlPlane: estate.ControlPlaneEKS, KubernetesVersion: "1.32"}}},
			want: map[Component]decimal.Decimal{ControlPlane: svc(t, c, "eks", "cluster_extended_support_total").Mul(h)},
		},
		{
			name: "self-managed control plane has no fee of its own",
			e:    estate.Estate{Clusters: []estate.Cluster{{Name: "k", ControlPlane: estate.ControlPlaneSelfManaged}}},
			want: map[Component]decimal.Decimal{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := DefaultUsage()
			if tt.usage != nil {
				tt.usage(&u)
			}
			tt.e.Region = "us-east-1"
			b, err := Estimate(&tt.e, c, Options{At: at, Usage: u})
			if err != nil {
				t.Fatal(err)
			}
			got := map[Component]decimal.Decimal{}
			for _, ct := range b.ComponentTotals() {
				got[ct.Name] = ct.MonthlyCost
			}
			for comp, want := range tt.want {
				if !got[comp].Round(2).Equal(want.Round(2)) {
					t.Errorf("%s = %s, want %s", comp, got[comp].StringFixed(4), want.StringFixed(4))
				}
			}
			for comp, v := range got {
				if _, ok := tt.want[comp]; !ok {
					t.Errorf("unexpected component %s = %s", comp, v)
				}
			}
			for _, it := range b.Items {
				if !it.Quantity.Mul(it.UnitPrice).Equal(it.MonthlyCost) {
					t.Errorf("%s: %s × %s != %s", it.Resource, it.Quantity, it.UnitPrice, it.MonthlyCost)
				}
			}
		})
	}
}

func TestEstimateErrors(t *testing.T) {
	c := catalog(t)
	tests := []struct {
		name    string
		e       estate.Estate
		opt     Options
		wantErr []string
	}{
		{
			name:    "unknown instance type suggests names",
			e:       estate.Estate{NodeGroups: []estate.NodeGroup{{Name: "n", Role: estate.RoleNode, InstanceTypes: []string{"t3.mediun"}, Count: 1, Purchase: estate.OnDemand, Origin: origin(7)}}},
			wantErr: []string{"in.yaml:7:", `unknown instance type "t3.mediun"`, `"t3.medium"`},
		},
		{
			name:    "unknown region",
			e:       estate.Estate{Region: "us-est-1", RegionOrigin: origin(3)},
			wantErr: []string{"in.yaml:3:", `unknown region "us-est-1"`, `"us-east-1"`},
		},
		{
			name:    "negative count",
			e:       estate.Estate{NodeGroups: []estate.NodeGroup{{Name: "n", InstanceTypes: []string{"t3.small"}, Count: -1, Origin: origin(4)}}},
			wantErr: []string{"in.yaml:4:", "negative"},
		},
		{
			name: "missing price names region and item, every one",
			e: estate.Estate{Region: "ap-southeast-5", Databases: []estate.Database{
				{Name: "a", Engine: "postgres", InstanceClass: "db.t3.micro", Origin: origin(1)},
				{Name: "b", Engine: "postgres", InstanceClass: "db.t3.micro", Origin: origin(2)},
			}},
			wantErr: []string{"in.yaml:1:", "in.yaml:2:", "ap-southeast-5", "rds db.t3.micro"},
		},
		{
			name:    "EKS version past extended support",
			e:       estate.Estate{Clusters: []estate.Cluster{{Name: "c", ControlPlane: estate.ControlPlaneEKS, KubernetesVersion: "1.23", Origin: origin(9)}}},
			wantErr: []string{"in.yaml:9:", "1.23", "extended support"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.At = at
			_, err := Estimate(&tt.e, c, tt.opt)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestAllowMissingPrices(t *testing.T) {
	e := estate.Estate{Region: "ap-southeast-5", Databases: []estate.Database{{Name: "a", Engine: "postgres", InstanceClass: "db.t3.micro", Origin: origin(1)}}}
	b, err := Estimate(&e, catalog(t), Options{At: at, AllowMissingPrices: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.NotPriced) != 1 || !strings.Contains(b.NotPriced[0], "no price for rds db.t3.micro") || !b.Incomplete() {
		t.Fatalf("not priced = %q, want the RDS instance", b.NotPriced)
	}
	var mp *pricing.MissingPriceError
	if errors.As(err, &mp) {
		t.Fatal("unexpected")
	}
}

func TestParseUsage(t *testing.T) {
	tests := []struct {
		in, wantErr string
	}{
		{in: "natGateway:\n  dataProcessedGB: 50\n"},
		{in: "natGateway:\n  dataProcesedGB: 50\n", wantErr: "u.yaml:2: field dataProcesedGB not found"},
		{in: "loadBalancer:\n  albLCUs: -1\n", wantErr: "albLCUs is negative"},
		{in: "storage:\n  defaultVolumeType: efs\n", wantErr: "not an EBS volume type"},
		{in: ""},
	}
	for _, tt := range tests {
		u, err := ParseUsage("u.yaml", []byte(tt.in))
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%q: %v", tt.in, err)
			}
			if u.LoadBalancer.Zones != 2 {
				t.Errorf("%q: defaults lost", tt.in)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%q: err = %v, want %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestCompare(t *testing.T) {
	before := &Breakdown{Items: []Item{
		{Resource: "a", Component: ComputeOnDemand, MonthlyCost: d(100)},
		{Resource: "nat", Component: NATHours, MonthlyCost: d(30)},
	}}
	after := &Breakdown{Items: []Item{
		{Resource: "a", Component: ComputeOnDemand, MonthlyCost: d(50)},
		{Resource: "b", Component: ComputeSpot, MonthlyCost: d(10)},
	}}
	diff := Compare(before, after)
	if !diff.Delta().Equal(d(-70)) || !diff.Percent().Round(2).Equal(d(-53.85)) {
		t.Fatalf("delta %s percent %s", diff.Delta(), diff.Percent())
	}
	kinds := map[string]string{}
	for _, c := range diff.Items {
		kinds[c.Name] = c.Kind
	}
	want := map[string]string{"a": "changed", "b": "added", "nat": "removed"}
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("%s: %s, want %s", k, kinds[k], v)
		}
	}
}

// estimateCatalog has a Classic ELB price in us-east-1 only, and t3.small in
// both us-east-1 and us-east-2.
func estimateCatalog(t *testing.T) *pricing.Catalog {
	t.Helper()
	c, err := pricing.Load(fstest.MapFS{
		pricing.FileEC2OnDemand:   {Data: []byte("region,instance_type,usd_per_hour\nus-east-1,t3.small,0.0208\nus-east-2,t3.small,0.0208\nus-east-1,t3.large,0.0832\n")},
		pricing.FileInstanceTypes: {Data: []byte("instance_type,vcpu,memory_mib,arch,max_pods_eni,burstable\nt3.small,2,2048,amd64,11,true\nt3.large,2,8192,amd64,35,true\n")},
		pricing.FileServices: {Data: []byte("service,item,region,unit,usd,source\n" +
			"elb_classic,load_balancer_hour,us-east-1,usd_per_hour,0.025,test\n" +
			"elb_classic,data_processed,us-east-1,usd_per_gb,0.008,test\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEstimatedPrices(t *testing.T) {
	e := estate.Estate{Region: "us-east-2",
		LoadBalancers: []estate.LoadBalancer{{Name: "ingress-nginx", Type: estate.CLB, Internal: true, Origin: origin(3)}},
		NodeGroups: []estate.NodeGroup{
			{Name: "a", Role: estate.RoleNode, InstanceTypes: []string{"t3.small"}, Count: 2, Purchase: estate.OnDemand, Origin: origin(7)},
			{Name: "b", Role: estate.RoleNode, InstanceTypes: []string{"t3.large"}, Count: 1, Purchase: estate.OnDemand, Origin: origin(9)},
		},
	}
	c := estimateCatalog(t)
	b, err := Estimate(&e, c, Options{At: at})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"elb_classic load_balancer_hour in us-east-2: not in the catalog, estimated from us-east-1 ($0.025/hour); run refit prices update --fetch for the real price",
		"ec2 t3.large on-demand Linux in us-east-2: not in the catalog, estimated from us-east-1 ($0.0832/hour); run refit prices update --fetch for the real price",
	}
	if len(b.Estimates) != len(want) {
		t.Fatalf("estimates = %q, want %q", b.Estimates, want)
	}
	for _, w := range want {
		found := false
		for _, a := range b.Assumptions {
			found = found || a == w
		}
		if !found {
			t.Errorf("assumptions %q lack %q", b.Assumptions, w)
		}
	}
	for _, it := range b.Items {
		est := strings.Contains(it.Resource, "ingress-nginx") || strings.Contains(it.Resource, "t3.large")
		if it.Estimated != est {
			t.Errorf("%s: estimated = %v, want %v", it.Resource, it.Estimated, est)
		}
		if strings.Contains(it.Resource, "ingress-nginx") && !it.UnitPrice.Equal(d(0.025)) {
			t.Errorf("%s: unit price %s, want the us-east-1 price", it.Resource, it.UnitPrice)
		}
	}

	// --strict-prices: every missing price is an error naming it.
	_, err = Estimate(&e, c, Options{At: at, StrictPrices: true})
	if err == nil {
		t.Fatal("strict: want an error")
	}
	for _, w := range []string{"no price for elb_classic load_balancer_hour in region us-east-2", "no price for ec2 t3.large on-demand Linux in region us-east-2"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("strict: error %q lacks %q", err, w)
		}
	}
}

func TestEstimateNeedsSomeRegion(t *testing.T) {
	// No region has a NAT gateway price: an error by default, a "not
	// priced" entry with AllowMissingPrices; never zero.
	e := estate.Estate{Region: "us-east-2", NATGateways: []estate.NATGateway{{Name: "nat", Origin: origin(4)}}}
	c := estimateCatalog(t)
	if _, err := Estimate(&e, c, Options{At: at}); err == nil || !strings.Contains(err.Error(), "in.yaml:4") {
		t.Fatalf("err = %v, want one at in.yaml:4", err)
	}
	b, err := Estimate(&e, c, Options{At: at, AllowMissingPrices: true})
	if err != nil {
		t.Fatal(err)
	}
	if !b.Incomplete() || len(b.Items) != 0 {
		t.Fatalf("not priced %q, items %v", b.NotPriced, b.Items)
	}
}
