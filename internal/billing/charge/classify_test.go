package charge

import (
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/cost"
)

// TestClassifyCases runs testdata/classify_cases.csv: service, usage type,
// line item type, term, description, the component wanted and the rule
// wanted ("" for none).
func TestClassifyCases(t *testing.T) {
	f, err := os.Open("testdata/classify_cases.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = 7
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for i, rec := range recs {
		c := &Charge{Service: rec[0], UsageType: rec[1], LineItemType: rec[2], Term: Term(rec[3]), Description: rec[4]}
		comp, reason := ClassifyReason(c)
		if comp != cost.Component(rec[5]) {
			t.Errorf("case %d %q: component %s (%s), want %s", i+1, rec, comp, reason, rec[5])
		}
		if got := Classify(c); got != comp {
			t.Errorf("case %d: Classify %s, ClassifyReason %s", i+1, got, comp)
		}
		rule, _, _ := strings.Cut(reason, ":")
		if rec[6] == "" {
			if reason != "no rule matched" {
				t.Errorf("case %d %q: reason %q, want no rule", i+1, rec, reason)
			}
		} else if rule != rec[6] {
			t.Errorf("case %d %q: rule %q (%s), want %q", i+1, rec, rule, reason, rec[6])
		}
		used[rule] = true
	}
	for _, r := range Rules {
		if !used[r.ID] {
			t.Errorf("rule %s has no case in testdata/classify_cases.csv", r.ID)
		}
	}
}

func TestClassifyReasonNotes(t *testing.T) {
	for _, tc := range []struct {
		c    Charge
		want string
	}{
		{Charge{Service: "AmazonEC2", UsageType: "BoxUsage:m5.large", LineItemType: "SavingsPlanCoveredUsage"}, `ec2-on-demand: usage type "BoxUsage*"; covered by a savings plan`},
		{Charge{Service: "AmazonEC2", UsageType: "BoxUsage:m5.large", LineItemType: "DiscountedUsage"}, `ec2-on-demand: usage type "BoxUsage*"; covered by a reservation`},
		{Charge{Service: "AmazonEC2", UsageType: "BoxUsage:m5.large", Term: TermSpot}, `ec2-on-demand: usage type "BoxUsage*"; term spot`},
		{Charge{Service: "Amazon Route 53", Description: "$0.40 per 1,000,000 queries"}, `service-dns: service AmazonRoute53`},
		{Charge{Service: "AmazonS3", UsageType: "Requests-Tier1"}, `no rule matched`},
	} {
		if _, got := ClassifyReason(&tc.c); got != tc.want {
			t.Errorf("%+v: reason %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestBaseUsageType(t *testing.T) {
	for in, want := range map[string]string{
		"BoxUsage:t3.small":            "BoxUsage:t3.small",
		"USE1-BoxUsage:t3.small":       "BoxUsage:t3.small",
		"EU-NatGateway-Hours":          "NatGateway-Hours",
		"EUC1-EBS:VolumeUsage.gp3":     "EBS:VolumeUsage.gp3",
		"APN1-PublicIPv4:InUseAddress": "PublicIPv4:InUseAddress",
		"CAN1-Requests-Tier1":          "Requests-Tier1",
		"UGW1-BoxUsage:m5.large":       "BoxUsage:m5.large",
		"USE1-USW2-AWS-Out-Bytes":      "AWS-Out-Bytes",
		"USW2-LAX1-BoxUsage:t3.medium": "BoxUsage:t3.medium",
		"ca-central-1-KMS-Requests":    "KMS-Requests",
		"us-gov-west-1-KMS-Requests":   "KMS-Requests",
		"DNS-Queries":                  "DNS-Queries",
		"DataTransfer-Out-Bytes":       "DataTransfer-Out-Bytes",
		"EBS:SnapshotUsage":            "EBS:SnapshotUsage",
		"CW:Requests":                  "CW:Requests",
		"":                             "",
		"-":                            "-",
	} {
		if got := BaseUsageType(in); got != want {
			t.Errorf("BaseUsageType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"abc", "abc", true}, {"abc", "abcd", false}, {"a*", "a", true}, {"*c", "abc", true},
		{"*b*", "abc", true}, {"*b*", "ac", false}, {"a*c*e", "abcde", true}, {"a*c*e", "abcdf", false},
		{"*ab*ab", "ab", false}, {"*ab*ab", "abab", true}, {"*", "", true},
	} {
		if got := glob(tc.p, tc.s); got != tc.want {
			t.Errorf("glob(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}

// TestClassifyFOCUSSample classifies the FOCUS 1.0 sample's AWS rows, when
// a copy is in testdata (another part of the package adds it): every row of
// the services refit models must land in a component, not in other.
func TestClassifyFOCUSSample(t *testing.T) {
	files, _ := filepath.Glob("../testdata/focus*.csv")
	more, _ := filepath.Glob("../testdata/focus*/*.csv")
	files = append(files, more...)
	if len(files) == 0 {
		t.Skip("no FOCUS sample in testdata")
	}
	modelled := map[string]bool{
		"Amazon Elastic Compute Cloud": true, "Elastic Load Balancing": true, "Amazon Virtual Private Cloud": true,
		"Amazon Elastic Container Service for Kubernetes": true, "Amazon Route 53": true,
		"Amazon Relational Database Service": true,
	}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		if !hasColumns(col, "ProviderName", "ServiceName", "ChargeDescription", "ChargeCategory") {
			t.Logf("%s: not a FOCUS sample", file)
			continue
		}
		counts := map[cost.Component]int{}
		for n, rec := range recs[1:] {
			if rec[col["ProviderName"]] != "AWS" {
				continue
			}
			c := &Charge{Service: rec[col["ServiceName"]], Description: rec[col["ChargeDescription"]], LineItemType: rec[col["ChargeCategory"]]}
			comp, reason := ClassifyReason(c)
			counts[comp]++
			if comp == cost.Other && modelled[c.Service] {
				t.Errorf("%s:%d: %s %q classified other (%s)", file, n+2, c.Service, c.Description, reason)
			}
			if c.Service == "Amazon Elastic Container Service" && strings.Contains(c.Description, "Fargate") && comp != cost.ComputeFargate {
				t.Errorf("%s:%d: Fargate row is %s", file, n+2, comp)
			}
		}
		t.Logf("%s: %v", file, counts)
		for _, want := range []cost.Component{cost.ControlPlane, cost.ComputeOnDemand, cost.ComputeFargate, cost.StorageEBS,
			cost.StorageSnapshots, cost.NATHours, cost.NATData, cost.LoadBalancer, cost.PublicIPv4, cost.DataTransfer,
			cost.DNS, cost.Database, cost.Credits} {
			if counts[want] == 0 {
				t.Errorf("%s: no row classified %s", file, want)
			}
		}
	}
}

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/billing.md's classification table")

// Markers around the generated table in docs/billing.md.
const (
	tableBegin = "<!-- classification table: generated by go test ./internal/billing/charge -run TestDocsTable -update-docs -->\n"
	tableEnd   = "<!-- end of classification table -->\n"
)

func hasColumns(col map[string]int, names ...string) bool {
	for _, n := range names {
		if _, ok := col[n]; !ok {
			return false
		}
	}
	return true
}

// TestDocsTable keeps docs/billing.md's classification table in step with
// Rules (-update rewrites it).
func TestDocsTable(t *testing.T) {
	const path = "../../../docs/billing.md"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	b, e := strings.Index(s, tableBegin), strings.Index(s, tableEnd)
	if b < 0 || e < b {
		t.Fatalf("%s: no classification table markers", path)
	}
	want := s[:b+len(tableBegin)] + ClassificationTable() + s[e:]
	if s == want {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: classification table out of date; run go test ./internal/billing/charge -run TestDocsTable -update-docs", path)
}

func TestRuleIDsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.ID] {
			t.Errorf("rule %s twice", r.ID)
		}
		seen[r.ID] = true
		if r.Component.Rank() == len(cost.Components) {
			t.Errorf("rule %s: unknown component %s", r.ID, r.Component)
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add("AmazonEC2", "USE1-BoxUsage:t3.small", "Usage", "")
	f.Add("Amazon Elastic Compute Cloud", "", "Usage", "USD 0.147 per GB for USE1-AWS-Out-Bytes in Africa (Cape Town)")
	f.Fuzz(func(t *testing.T, service, usageType, lineItemType, desc string) {
		c := &Charge{Service: service, UsageType: usageType, LineItemType: lineItemType, Description: desc}
		comp, reason := ClassifyReason(c)
		if comp.Rank() == len(cost.Components) || reason == "" {
			t.Fatalf("%+v: %q %q", c, comp, reason)
		}
		_ = BaseUsageType(usageType)
	})
}
