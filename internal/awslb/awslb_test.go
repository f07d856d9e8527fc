package awslb

import (
	"testing"

	"github.com/refit-dev/refit/internal/estate"
)

func TestForService(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		name     string
		ann      map[string]string
		class    *string
		typ      estate.LoadBalancerType
		internal bool
		ok       bool
	}{
		{"classic by default", nil, nil, estate.CLB, false, true},
		{"cloud-provider nlb", map[string]string{AnnLBType: "nlb"}, nil, estate.NLB, false, true},
		{"cloud-provider internal", map[string]string{AnnLBInternal: "true"}, nil, estate.CLB, true, true},
		{"LBC nlb is internal by default", map[string]string{AnnLBType: "external"}, nil, estate.NLB, true, true},
		{"LBC internet-facing", map[string]string{AnnLBType: "nlb-ip", AnnLBScheme: "internet-facing"}, nil, estate.NLB, false, true},
		{"LBC class", nil, str(NLBClass), estate.NLB, true, true},
		{"another class", nil, str("example.com/lb"), "", false, false},
	}
	for _, tt := range tests {
		typ, internal, ok := ForService(tt.ann, tt.class)
		if typ != tt.typ || internal != tt.internal || ok != tt.ok {
			t.Errorf("%s: %s internal=%v ok=%v", tt.name, typ, internal, ok)
		}
	}
}

func TestIsALB(t *testing.T) {
	str := func(s string) *string { return &s }
	classes := map[string]string{"public": "ingress.k8s.aws/alb", "nginx": "k8s.io/ingress-nginx"}
	tests := []struct {
		name  string
		ann   map[string]string
		class *string
		def   string
		want  bool
	}{
		{"annotation alb", map[string]string{AnnIngressClass: "alb"}, nil, "", true},
		{"annotation wins", map[string]string{AnnIngressClass: "nginx"}, str("public"), "", false},
		{"known class", nil, str("public"), "", true},
		{"known other class", nil, str("nginx"), "", false},
		{"unknown alb class", nil, str("alb"), "", true},
		{"default class", nil, nil, "ingress.k8s.aws/alb", true},
		{"nothing", nil, nil, "", false},
	}
	for _, tt := range tests {
		if got := IsALB(tt.ann, tt.class, classes, tt.def); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
