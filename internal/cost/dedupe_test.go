package cost

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/estate"
)

// An account and a cluster in it list the same instances, volumes and
// load balancers; each is priced once, as the account's.
func TestDedupe(t *testing.T) {
	acct := estate.Origin{Ref: "arn:aws:ec2:us-east-1:1:instance/i-1"}
	kube := estate.Origin{Ref: "kube:prod/node/n1"}
	awsGroup := estate.NodeGroup{Name: "nodes", Role: estate.RoleNode, InstanceTypes: []string{"t3.small"}, Count: 2,
		InstanceIDs: []string{"i-1", "i-2"}, Origin: acct}
	kubeGroup := func(ids ...string) estate.NodeGroup {
		g := estate.NodeGroup{Name: "prod t3.small", Role: estate.RoleNode, InstanceTypes: []string{"t3.small"}, Count: len(ids), Origin: kube}
		for i, id := range ids {
			g.Nodes = append(g.Nodes, estate.NodeUsage{Name: "n" + string(rune('1'+i)), InstanceID: id})
		}
		return g
	}
	vol := estate.Volume{Name: "vol-1", Type: "gp3", SizeGiB: 20, Origin: estate.Origin{Ref: "arn:aws:ec2:us-east-1:1:volume/vol-1"}}
	claim := func(id string) estate.Claim {
		return estate.Claim{Namespace: "db", Name: "data", SizeGiB: 20, Count: 1, VolumeID: id, Origin: kube}
	}
	lb := func(name, dns string) estate.LoadBalancer {
		return estate.LoadBalancer{Name: name, Type: estate.NLB, DNSName: dns, Origin: kube}
	}
	tests := []struct {
		name                string
		e                   estate.Estate
		groups, claims, lbs []string // what stays: names (group:count)
		notes               int
	}{
		{"files only: nothing to merge",
			estate.Estate{NodeGroups: []estate.NodeGroup{kubeGroup("i-1")}, Claims: []estate.Claim{claim("vol-1")}, LoadBalancers: []estate.LoadBalancer{lb("a", ""), lb("b", "")}},
			[]string{"prod t3.small:1"}, []string{"db/data"}, []string{"a", "b"}, 0},
		{"cluster nodes are the account's instances",
			estate.Estate{NodeGroups: []estate.NodeGroup{awsGroup, kubeGroup("i-1", "i-2")}},
			[]string{"nodes:2"}, nil, nil, 1},
		{"one node the account does not list (another account, or not yet read)",
			estate.Estate{NodeGroups: []estate.NodeGroup{awsGroup, kubeGroup("i-1", "i-9")}},
			[]string{"nodes:2", "prod t3.small:1"}, nil, nil, 1},
		{"nodes without an instance id stay",
			estate.Estate{NodeGroups: []estate.NodeGroup{awsGroup, kubeGroup("", "")}},
			[]string{"nodes:2", "prod t3.small:2"}, nil, nil, 0},
		{"claim on the account's volume",
			estate.Estate{Volumes: []estate.Volume{vol}, Claims: []estate.Claim{claim("vol-1"), claim("vol-2")}},
			nil, []string{"db/data"}, nil, 1},
		{"the same load balancer from both",
			estate.Estate{LoadBalancers: []estate.LoadBalancer{lb("acct-nlb", "x.elb.amazonaws.com"), lb("web/svc", "x.elb.amazonaws.com"), lb("web/other", "y.elb.amazonaws.com")}},
			nil, nil, []string{"acct-nlb", "web/other"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(tc.e.NodeGroups) + len(tc.e.Claims) + len(tc.e.LoadBalancers)
			got, notes := dedupe(&tc.e)
			var groups, claims, lbs []string
			for _, g := range got.NodeGroups {
				groups = append(groups, g.Name+":"+strconv.Itoa(g.Count))
			}
			for _, c := range got.Claims {
				claims = append(claims, c.Namespace+"/"+c.Name)
			}
			for _, l := range got.LoadBalancers {
				lbs = append(lbs, l.Name)
			}
			if !slices.Equal(groups, tc.groups) || !slices.Equal(claims, tc.claims) || !slices.Equal(lbs, tc.lbs) {
				t.Errorf("kept groups %q claims %q lbs %q; want %q %q %q", groups, claims, lbs, tc.groups, tc.claims, tc.lbs)
			}
			if len(notes) != tc.notes {
				t.Errorf("notes %q, want %d", notes, tc.notes)
			}
			if after := len(tc.e.NodeGroups) + len(tc.e.Claims) + len(tc.e.LoadBalancers); after != before {
				t.Error("dedupe changed its input")
			}
		})
	}
}

// Priced through Estimate, the merge is a note and the total counts each
// instance once.
func TestEstimateAccountAndCluster(t *testing.T) {
	c := catalog(t)
	acct := estate.NodeGroup{Name: "nodes", Role: estate.RoleNode, InstanceTypes: []string{"t3.small"}, Count: 2,
		InstanceIDs: []string{"i-1", "i-2"}, Origin: estate.Origin{Ref: "arn:aws:ec2:us-east-1:1:instance/i-1"}}
	node := estate.NodeGroup{Name: "prod t3.small", Role: estate.RoleNode, InstanceTypes: []string{"t3.small"}, Count: 2,
		Nodes: []estate.NodeUsage{{Name: "a", InstanceID: "i-1"}, {Name: "b", InstanceID: "i-2"}}, Origin: estate.Origin{Ref: "kube:prod/node/a"}}
	alone, err := Estimate(&estate.Estate{Region: "us-east-1", NodeGroups: []estate.NodeGroup{acct}}, c, Options{At: at})
	if err != nil {
		t.Fatal(err)
	}
	both, err := Estimate(&estate.Estate{Region: "us-east-1", NodeGroups: []estate.NodeGroup{acct, node}}, c, Options{At: at})
	if err != nil {
		t.Fatal(err)
	}
	if !both.Total().Equal(alone.Total()) {
		t.Errorf("account and cluster %s, account alone %s", both.Total(), alone.Total())
	}
	if !slices.ContainsFunc(both.Notes, func(n string) bool {
		return strings.Contains(n, "2 of its 2 node(s) are the account's instances (in nodes)")
	}) {
		t.Errorf("notes %q", both.Notes)
	}
}
