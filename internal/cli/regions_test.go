package cli

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-dev/refit/examples"
	"github.com/refit-dev/refit/internal/pricing"
)

type regionCost struct {
	Region      string   `json:"region"`
	Assumptions []string `json:"assumptions"`
	Estimates   []string `json:"estimates"`
	Items       []struct {
		Resource  string      `json:"resource"`
		UnitPrice json.Number `json:"unitPrice"`
		Estimated bool        `json:"estimated"`
	} `json:"items"`
}

type regionPlan struct {
	Recommended string `json:"recommended"`
	Scenarios   []struct {
		Name      string   `json:"name"`
		NotPriced string   `json:"notPriced"`
		Estimates []string `json:"estimates"`
	} `json:"scenarios"`
	Assumptions []string `json:"assumptions"`
}

// TestEveryCommercialRegion prices and plans every example in every
// commercial region: a price the catalog lacks there is estimated and named
// in the assumptions, never fatal; --strict-prices fails exactly where an
// estimate was needed.
func TestEveryCommercialRegion(t *testing.T) {
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	regions := cat.CommercialRegions()
	if len(regions) < 30 {
		t.Fatalf("only %d commercial regions", len(regions))
	}
	for _, example := range examples.Names() {
		for _, region := range regions {
			t.Run(example+"/"+region, func(t *testing.T) {
				out, errOut, code := run(t, "", "cost", "--example", example, "--region", region, "--at", "2026-11-26", "-o", "json")
				if code != 0 {
					t.Fatalf("cost: exit %d: %s", code, errOut)
				}
				var c regionCost
				if err := json.Unmarshal([]byte(out), &c); err != nil {
					t.Fatal(err)
				}
				if c.Region != region {
					t.Errorf("cost region %s", c.Region)
				}
				estimated := 0
				for _, it := range c.Items {
					if it.Estimated {
						estimated++
					}
				}
				if (estimated > 0) != (len(c.Estimates) > 0) {
					t.Errorf("%d estimated items but estimates %q", estimated, c.Estimates)
				}
				for _, e := range c.Estimates {
					if !strings.Contains(e, " in "+region+": not in the catalog, estimated from ") || !contains(c.Assumptions, e) {
						t.Errorf("estimate %q is not an assumption of the documented form", e)
					}
				}
				_, errOut, code = run(t, "", "cost", "--example", example, "--region", region, "--at", "2026-11-26", "--strict-prices")
				switch {
				case len(c.Estimates) > 0 && (code != 2 || !strings.Contains(errOut, "no price for")):
					t.Errorf("--strict-prices: exit %d, stderr %q; want 2 naming the missing prices", code, errOut)
				case len(c.Estimates) == 0 && code != 0:
					t.Errorf("--strict-prices with nothing estimated: exit %d: %s", code, errOut)
				}

				out, errOut, code = run(t, "", "plan", "--example", example, "--region", region, "--at", "2026-11-26", "-o", "json")
				if code != 0 {
					t.Fatalf("plan: exit %d: %s", code, errOut)
				}
				var p regionPlan
				if err := json.Unmarshal([]byte(out), &p); err != nil {
					t.Fatal(err)
				}
				if p.Recommended == "" {
					t.Error("plan recommends nothing")
				}
				for _, s := range p.Scenarios {
					if s.NotPriced != "" {
						t.Errorf("scenario %s not priced: %s", s.Name, s.NotPriced)
					}
					for _, e := range s.Estimates {
						if !contains(p.Assumptions, e) {
							t.Errorf("scenario %s estimate %q missing from the plan's assumptions", s.Name, e)
						}
					}
				}
			})
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestKopsUSEast2 is the user's case: a kops cluster in us-east-2 with an
// nginx LoadBalancer Service prices with us-east-2's real Classic ELB price.
func TestKopsUSEast2(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("..", "..", "examples", "kops-before")
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		out := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, []byte(strings.ReplaceAll(string(data), "us-east-1", "us-east-2")), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "", "cost", dir, "--at", "2026-11-26", "-o", "json", "--strict-prices")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var c regionCost
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.Region != "us-east-2" {
		t.Fatalf("region %s, want us-east-2 (from the zones)", c.Region)
	}
	want := csvPrice(t, pricing.FileServices, map[int]string{0: "elb_classic", 1: "load_balancer_hour", 2: "us-east-2"}, 4)
	found := false
	for _, it := range c.Items {
		if it.Resource == "Classic ELB ingress-nginx/ingress-nginx" {
			found = true
			if it.UnitPrice.String() != want.String() || it.Estimated {
				t.Errorf("%s: %s (estimated %v), want %s from the catalog", it.Resource, it.UnitPrice, it.Estimated, want)
			}
		}
	}
	if !found {
		t.Errorf("no Classic ELB for ingress-nginx in %+v", c.Items)
	}
	if _, errOut, code := run(t, "", "plan", dir, "--at", "2026-11-26"); code != 0 {
		t.Fatalf("plan: exit %d: %s", code, errOut)
	}
}

// catalogWithout writes the embedded catalog to a directory, leaving out
// every service row of the services named.
func catalogWithout(t *testing.T, services ...string) string {
	t.Helper()
	dir := t.TempDir()
	fsys := pricing.EmbeddedFS()
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == pricing.FileServices {
			var kept []string
			for _, line := range strings.SplitAfter(string(data), "\n") {
				drop := false
				for _, s := range services {
					drop = drop || strings.HasPrefix(line, s+",")
				}
				if !drop {
					kept = append(kept, line)
				}
			}
			data = []byte(strings.Join(kept, ""))
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestPlanScenarioNotPriced: a scenario the user did not ask for, that no
// region can price, is listed as not priced and the others are compared;
// --allow-missing-prices reaches plan too.
func TestPlanScenarioNotPriced(t *testing.T) {
	dir := catalogWithout(t, "vpc_endpoint")
	out, errOut, code := run(t, "", "plan", "--example", "--prices", dir, "--at", "2026-11-26", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var p regionPlan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	notPriced := map[string]string{}
	for _, s := range p.Scenarios {
		if s.NotPriced != "" {
			notPriced[s.Name] = s.NotPriced
		}
	}
	if len(notPriced) != 1 || !strings.Contains(notPriced[p.Recommended+"-vpc-endpoints"], "no price for vpc_endpoint interface_endpoint_hour") {
		t.Errorf("not priced = %v, want only the VPC endpoint scenario", notPriced)
	}
	table, _, code := run(t, "", "plan", "--example", "--prices", dir, "--at", "2026-11-26")
	if code != 0 || !strings.Contains(table, "not priced: "+p.Recommended+"-vpc-endpoints: ") {
		t.Errorf("exit %d; table does not list the scenario as not priced:\n%s", code, table)
	}

	out, errOut, code = run(t, "", "plan", "--example", "--prices", dir, "--at", "2026-11-26", "--allow-missing-prices", "-o", "json")
	if code != 0 {
		t.Fatalf("--allow-missing-prices: exit %d: %s", code, errOut)
	}
	p = regionPlan{}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Scenarios {
		if s.NotPriced != "" {
			t.Errorf("--allow-missing-prices: scenario %s not priced: %s", s.Name, s.NotPriced)
		}
	}
}

// TestMissingPricesSaid: with --allow-missing-prices, the total says it is
// incomplete and cost diff keeps the items left out.
func TestMissingPricesSaid(t *testing.T) {
	dir := catalogWithout(t, "elb_classic")
	table, errOut, code := run(t, "", "cost", "--example", "--prices", dir, "--at", "2026-11-26", "--allow-missing-prices")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(table, "TOTAL (incomplete: 2 items not priced)") || !strings.Contains(table, "Not priced (left out of the total):") {
		t.Errorf("table does not say the total is incomplete:\n%s", table)
	}
	out, errOut, code := run(t, "", "cost", "diff", "--example", "--prices", dir, "--at", "2026-11-26", "--allow-missing-prices", "-o", "json")
	if code != 0 {
		t.Fatalf("diff: exit %d: %s", code, errOut)
	}
	var d struct {
		NotPriced  []string `json:"notPriced"`
		Incomplete bool     `json:"incomplete"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if !d.Incomplete || len(d.NotPriced) != 2 || !strings.HasPrefix(d.NotPriced[0], "before: ") {
		t.Errorf("diff notPriced = %q, incomplete %v; want kops-before's two Classic ELBs", d.NotPriced, d.Incomplete)
	}
	table, _, _ = run(t, "", "cost", "diff", "--example", "--prices", dir, "--at", "2026-11-26", "--allow-missing-prices")
	if !strings.Contains(table, "Not priced (left out of the totals):") {
		t.Errorf("diff table drops the not-priced items:\n%s", table)
	}
}

func TestPricesCoverage(t *testing.T) {
	out, errOut, code := run(t, "", "prices", "coverage", "--region", "us-east-2,mx-central-1", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v []struct {
		Region        string            `json:"region"`
		Missing       []string          `json:"missing"`
		EstimatedFrom map[string]string `json:"estimatedFrom"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if len(v) != 2 || len(v[0].Missing) != 0 || v[1].EstimatedFrom["nat_gateway gateway_hour"] != "us-east-1" {
		t.Errorf("coverage = %+v", v)
	}
	table, _, code := run(t, "", "prices", "coverage")
	if code != 0 || !strings.Contains(table, "| us-east-2 |") || !strings.Contains(table, "| region | EC2 types |") {
		t.Errorf("exit %d, table:\n%s", code, table)
	}
	if _, errOut, code := run(t, "", "prices", "coverage", "--region", "us-est-2"); code != 2 || !strings.Contains(errOut, `did you mean "us-east-2"`) {
		t.Errorf("bad region: exit %d: %s", code, errOut)
	}
}

func TestPricesShowEstimates(t *testing.T) {
	out, errOut, code := run(t, "", "prices", "show", "nat_gateway/gateway_hour", "--region", "mx-central-1", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var ps []struct {
		USD           json.Number `json:"usd"`
		EstimatedFrom string      `json:"estimatedFrom"`
	}
	if err := json.Unmarshal([]byte(out), &ps); err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].EstimatedFrom != "us-east-1" {
		t.Errorf("got %+v, want us-east-1's price marked as an estimate", ps)
	}
}
