package estate

import (
	"strings"
	"testing"
)

func TestOriginString(t *testing.T) {
	tests := []struct {
		o    Origin
		want string
	}{
		{Origin{File: "a.yaml", Line: 3}, "a.yaml:3"},
		{Origin{File: "a.yaml"}, "a.yaml"},
		{Origin{Ref: "arn:aws:ec2:x"}, "arn:aws:ec2:x"},
		{Origin{File: "plan.json", Line: 9, Ref: "aws_instance.web"}, "plan.json:9 (aws_instance.web)"},
		{Origin{}, ""},
	}
	for _, tt := range tests {
		if got := tt.o.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.o, got, tt.want)
		}
	}
}

func TestPurchaseSplit(t *testing.T) {
	tests := []struct {
		name         string
		g            NodeGroup
		wantOD, want int
	}{
		{"on-demand", NodeGroup{Count: 3, Purchase: OnDemand}, 3, 0},
		{"spot", NodeGroup{Count: 3, Purchase: Spot}, 0, 3},
		{"base only", NodeGroup{Count: 3, Purchase: Spot, Distribution: &InstancesDistribution{OnDemandBaseCapacity: 1}}, 1, 2},
		{"base above count", NodeGroup{Count: 2, Purchase: Spot, Distribution: &InstancesDistribution{OnDemandBaseCapacity: 5}}, 2, 0},
		{"percentage rounds up", NodeGroup{Count: 3, Purchase: Spot, Distribution: &InstancesDistribution{OnDemandPercentageAboveBaseCapacity: 50}}, 2, 1},
	}
	for _, tt := range tests {
		if od, sp := tt.g.OnDemandCount(), tt.g.SpotCount(); od != tt.wantOD || sp != tt.want {
			t.Errorf("%s: on-demand %d spot %d, want %d %d", tt.name, od, sp, tt.wantOD, tt.want)
		}
	}
}

func TestFargateMatches(t *testing.T) {
	p := FargateProfile{Selectors: []FargateSelector{{Namespace: "app", Labels: map[string]string{"tier": "web"}}, {Namespace: "jobs"}}}
	tests := []struct {
		ns     string
		labels map[string]string
		want   bool
	}{
		{"app", map[string]string{"tier": "web", "x": "y"}, true},
		{"app", map[string]string{"tier": "db"}, false},
		{"jobs", nil, true},
		{"other", nil, false},
	}
	for _, tt := range tests {
		if got := p.Matches(tt.ns, tt.labels); got != tt.want {
			t.Errorf("%s %v: %v, want %v", tt.ns, tt.labels, got, tt.want)
		}
	}
}

func TestMergeAndValidate(t *testing.T) {
	e := &Estate{}
	if err := e.Merge(&Estate{Region: "us-east-1", NATGateways: []NATGateway{{Name: "a"}}}); err != nil {
		t.Fatal(err)
	}
	err := e.Merge(&Estate{Region: "eu-west-1", RegionOrigin: Origin{File: "b.yaml", Line: 2}})
	if err == nil || !strings.HasPrefix(err.Error(), "b.yaml:2: ") {
		t.Fatalf("err = %v, want b.yaml:2: region conflict", err)
	}
	if len(e.NATGateways) != 1 {
		t.Errorf("NAT gateways = %d, want 1", len(e.NATGateways))
	}
	if err := e.Merge(&Estate{StoppedInstances: []StoppedInstance{{Name: "i-1"}}}); err != nil || len(e.StoppedInstances) != 1 {
		t.Errorf("stopped instances not merged: %v %+v", err, e.StoppedInstances)
	}
	bad := &Estate{NodeGroups: []NodeGroup{{Name: "n", InstanceTypes: []string{"t3.small"}, Count: -2, Origin: Origin{File: "c.yaml", Line: 5}}}}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "c.yaml:5") {
		t.Errorf("Validate = %v, want c.yaml:5 error", err)
	}
}
