package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/gen"

	"github.com/refit-dev/refit/internal/golden"
	"github.com/refit-dev/refit/internal/pricing"
)

// TestMain keeps a catalog a developer wrote with `refit prices update` out
// of the tests.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "refit-config")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run runs refit in-process and returns stdout, stderr and the exit code.
func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(args, IO{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	return out.String(), errOut.String(), code
}

func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	golden.AssertString(t, filepath.Join("testdata", name), got)
}

// csvPrice reads one price straight from the catalog's data files, so that
// expectations do not come from the code under test.
func csvPrice(t *testing.T, file string, match map[int]string, col int) decimal.Decimal {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "pricing", "data", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var found []decimal.Decimal
	for _, r := range rows[1:] {
		ok := true
		for i, v := range match {
			if r[i] != v {
				ok = false
			}
		}
		if ok {
			found = append(found, decimal.RequireFromString(r[col]))
		}
	}
	if len(found) == 0 {
		t.Fatalf("%s: no row %v", file, match)
	}
	return found[len(found)-1] // the last row wins, as when the catalog loads
}

type costJSON struct {
	TotalMonthlyCost decimal.Decimal `json:"totalMonthlyCost"`
	Components       []struct {
		Name        string          `json:"name"`
		MonthlyCost decimal.Decimal `json:"monthlyCost"`
	} `json:"components"`
	Items []struct {
		Resource    string          `json:"resource"`
		Component   string          `json:"component"`
		Quantity    decimal.Decimal `json:"quantity"`
		UnitPrice   decimal.Decimal `json:"unitPrice"`
		MonthlyCost decimal.Decimal `json:"monthlyCost"`
		Origin      string          `json:"origin"`
	} `json:"items"`
}

func costOf(t *testing.T, args ...string) costJSON {
	t.Helper()
	out, errOut, code := run(t, "", append(args, "-o", "json", "--at", "2026-11-26")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v costJSON
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func (c costJSON) component(name string) decimal.Decimal {
	for _, x := range c.Components {
		if x.Name == name {
			return x.MonthlyCost
		}
	}
	return decimal.Zero
}

func cents(d decimal.Decimal) string { return d.StringFixed(2) }

// The founding story's kops cluster: EC2, EBS and NAT lines equal count ×
// hours × the price in the data files, to the cent.
func TestExampleKopsBeforeToTheCent(t *testing.T) {
	v := costOf(t, "cost", "--example", "kops-before")
	hours := decimal.NewFromInt(730)
	t3medium := csvPrice(t, "ec2_ondemand_linux.csv", map[int]string{0: "us-east-1", 1: "t3.medium"}, 2)
	gp2 := csvPrice(t, "service_prices.csv", map[int]string{0: "ebs", 1: "gp2_storage", 2: "us-east-1"}, 4)
	natHour := csvPrice(t, "service_prices.csv", map[int]string{0: "nat_gateway", 1: "gateway_hour", 2: "us-east-1"}, 4)

	tests := []struct {
		component string
		want      decimal.Decimal
	}{
		{"control-plane", t3medium.Mul(hours).Mul(decimal.NewFromInt(3))},     // 3 masters
		{"compute/on-demand", t3medium.Mul(hours).Mul(decimal.NewFromInt(3))}, // 3 workers
		// 6 hosts × 200 GB root + 3 masters × 2 etcd volumes × 20 GB + the
		// Redis claim of 10 GB, all gp2
		{"storage/ebs", gp2.Mul(decimal.NewFromInt(6*200 + 6*20 + 10))},
		{"network/nat-hours", natHour.Mul(hours).Mul(decimal.NewFromInt(3))},
	}
	for _, tt := range tests {
		if got := v.component(tt.component); cents(got) != cents(tt.want) {
			t.Errorf("%s = %s, want %s", tt.component, cents(got), cents(tt.want))
		}
	}
	for _, it := range v.Items {
		if cents(it.Quantity.Mul(it.UnitPrice)) != cents(it.MonthlyCost) {
			t.Errorf("%s: %s × %s != %s", it.Resource, it.Quantity, it.UnitPrice, it.MonthlyCost)
		}
		if !strings.HasPrefix(it.Origin, "examples/kops-before/") || !strings.Contains(it.Origin, ".yaml:") {
			t.Errorf("%s: origin %q, want examples/kops-before/FILE:LINE", it.Resource, it.Origin)
		}
	}
	sum := decimal.Zero
	for _, c := range v.Components {
		sum = sum.Add(c.MonthlyCost)
	}
	if cents(sum) != cents(v.TotalMonthlyCost) {
		t.Errorf("components sum to %s, total says %s", cents(sum), cents(v.TotalMonthlyCost))
	}
}

// The founding story's EKS cluster: 3 spot t3.small, one NAT gateway.
func TestExampleEKSAfterToTheCent(t *testing.T) {
	v := costOf(t, "cost", "--example", "eks-after")
	hours := decimal.NewFromInt(730)
	t3small := csvPrice(t, "ec2_ondemand_linux.csv", map[int]string{0: "us-east-1", 1: "t3.small"}, 2)
	saving := csvPrice(t, "spot_advisor.csv", map[int]string{0: "us-east-1", 1: "t3.small", 2: "Linux"}, 3)
	spot := t3small.Mul(decimal.NewFromInt(100).Sub(saving)).Div(decimal.NewFromInt(100))
	natHour := csvPrice(t, "service_prices.csv", map[int]string{0: "nat_gateway", 1: "gateway_hour", 2: "us-east-1"}, 4)
	eks := csvPrice(t, "service_prices.csv", map[int]string{0: "eks", 1: "cluster_standard_support", 2: "us-east-1"}, 4)
	gp3 := csvPrice(t, "service_prices.csv", map[int]string{0: "ebs", 1: "gp3_storage", 2: "us-east-1"}, 4)

	tests := []struct {
		component string
		want      decimal.Decimal
	}{
		{"compute/spot", spot.Mul(hours).Mul(decimal.NewFromInt(3))},
		{"network/nat-hours", natHour.Mul(hours)},
		{"control-plane", eks.Mul(hours)},
		// 3 × 20 GB root volumes + the Redis claim of 10 GB, gp3
		{"storage/ebs", gp3.Mul(decimal.NewFromInt(3*20 + 10))},
	}
	for _, tt := range tests {
		if got := v.component(tt.component); cents(got) != cents(tt.want) {
			t.Errorf("%s = %s, want %s", tt.component, cents(got), cents(tt.want))
		}
	}
	// The two Ingresses share one ALB through their IngressGroup.
	albs := 0
	for _, it := range v.Items {
		if it.Component == "network/load-balancer" && strings.HasPrefix(it.Resource, "ALB ") && !strings.Contains(it.Resource, "capacity") {
			albs++
		}
	}
	if albs != 1 {
		t.Errorf("ALBs = %d, want 1 (one IngressGroup)", albs)
	}
}

func TestCostGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"cost-kops-before.table", []string{"cost", "--example", "kops-before"}},
		{"cost-eks-after.table", []string{"cost", "--example", "eks-after", "-o", "wide"}},
		{"cost-eks-after.markdown", []string{"cost", "--example", "eks-after", "-o", "markdown"}},
		{"cost-diff.table", []string{"cost", "diff", "--example"}},
		{"prices-show-t3small.table", []string{"prices", "show", "t3.small", "--region", "us-east-1"}},
		{"plan-kops-before.table", []string{"plan", "--example", "--explain"}},
		{"plan-kops-before.json", []string{"plan", "--example", "-o", "json"}},
		{"plan-kops-before.markdown", []string{"plan", "--example", "-o", "markdown"}},
		{"plan-eks-after.table", []string{"plan", "--example", "eks-after"}},
		{"plan-eksctl.yaml", []string{"plan", "--example", "--write-eksctl", "-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if args[0] == "cost" || args[0] == "plan" {
				args = append(args, "--at", "2026-11-26")
			}
			out, errOut, code := run(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			goldenFile(t, tt.name+".golden", out)
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(dir, "before.json")
	out, _, _ := run(t, "", "cost", "--example", "eks-after", "-o", "json", "--at", "2026-11-26")
	if err := os.WriteFile(saved, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"ok", "", []string{"cost", "--example"}, 0, ""},
		{"unknown flag", "", []string{"cost", "--nope"}, 2, "unknown flag"},
		{"no input", "", []string{"cost"}, 2, "no input"},
		{"bad yaml names file and line", "", []string{"cost", bad}, 2, "bad.yaml:"},
		{"missing file", "", []string{"cost", filepath.Join(dir, "nope.yaml")}, 2, "no such file"},
		{"unknown region suggests", "", []string{"cost", "--example", "--region", "us-est-1"}, 2, `did you mean "us-east-1"`},
		{"bad output format", "", []string{"cost", "--example", "-o", "xml"}, 2, "unknown output format"},
		{"over budget", "", []string{"cost", "--example", "--fail-over", "100"}, 1, "over --fail-over"},
		{"under budget", "", []string{"cost", "--example", "--fail-over", "10000"}, 0, ""},
		{"stdin", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: LoadBalancer}\n", []string{"cost", "-"}, 0, ""},
		{"diff increase over limit", "", []string{"cost", "diff", saved, "examples-not-needed", "--fail-on-increase", "5"}, 2, "examples-not-needed"},
		{"diff saved report vs itself", "", []string{"cost", "diff", saved, saved, "--fail-on-increase", "0"}, 0, ""},
		{"diff wrong args", "", []string{"cost", "diff", saved}, 2, "want BEFORE and AFTER"},
		{"unknown example", "", []string{"cost", "--example", "nope"}, 2, "unknown example"},
		{"unknown instance type", "", []string{"prices", "show", "t3.mediun"}, 2, `did you mean "t3.medium"`},
		{"missing price", "", []string{"prices", "show", "nat_gateway/no_such_item"}, 2, "no price for nat_gateway no_such_item in region us-east-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := run(t, tt.stdin, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.wantCode, errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.wantErr)
			}
		})
	}
}

func TestDiffFailOnIncrease(t *testing.T) {
	dir := t.TempDir()
	after, _, _ := run(t, "", "cost", "--example", "eks-after", "-o", "json", "--at", "2026-11-26")
	before, _, _ := run(t, "", "cost", "--example", "kops-before", "-o", "json", "--at", "2026-11-26")
	a, b := filepath.Join(dir, "after.json"), filepath.Join(dir, "before.json")
	os.WriteFile(a, []byte(after), 0o644)
	os.WriteFile(b, []byte(before), 0o644)
	// Going back from EKS to kops raises the bill: exit 1.
	_, errOut, code := run(t, "", "cost", "diff", a, b, "--fail-on-increase", "10%")
	if code != 1 || !strings.Contains(errOut, "rises") {
		t.Fatalf("exit %d (%s), want 1", code, errOut)
	}
	// The founding story's move lowers it: exit 0.
	if _, errOut, code := run(t, "", "cost", "diff", b, a, "--fail-on-increase", "0"); code != 0 {
		t.Fatalf("exit %d (%s), want 0", code, errOut)
	}
}

func TestPricesUpdateAndUse(t *testing.T) {
	out := t.TempDir()
	stdout, errOut, code := run(t, "", "prices", "update", "--from", filepath.Join("..", "pricing", "testdata", "offers"), "--to", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(stdout, "rebuilt:") {
		t.Errorf("summary %q lacks the rebuilt files", stdout)
	}
	// The rebuilt catalog prices the bundled example.
	if _, errOut, code := run(t, "", "cost", "--example", "--prices", out, "--at", "2026-11-26"); code != 0 {
		t.Fatalf("cost with --prices: exit %d: %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "prices", "update", "--to", out); code != 2 || !strings.Contains(errOut, "--from") {
		t.Errorf("update without --from: exit %d, %q", code, errOut)
	}
	// Without --to the catalog goes to the user's config directory, and
	// cost uses it from then on, saying so.
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	if _, errOut, code := run(t, "", "prices", "update", "--from", filepath.Join("..", "pricing", "testdata", "offers")); code != 0 {
		t.Fatalf("update to the config dir: exit %d: %s", code, errOut)
	}
	stdout, _, _ = run(t, "", "cost", "--example", "--at", "2026-11-26")
	if !strings.Contains(stdout, "prices from "+pricing.UserDir()) {
		t.Errorf("cost does not say it used %s:\n%s", pricing.UserDir(), stdout)
	}
}

func TestPlanCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "eks.yaml")
	_, errOut, code := run(t, "", "plan", "--example", "--at", "2026-11-26", "--write-eksctl", out, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), "kind: ClusterConfig") {
		t.Fatalf("eksctl config not written: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the directory, want only eks.yaml (no temp files left)", len(entries))
	}
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"plan", "--example", "--headroom", "120%"}, "--headroom"},
		{[]string{"plan", "--example", "--arch", "sparc"}, "--arch"},
		{[]string{"plan", "--example", "--default-requests", "gpu=1"}, "--default-requests"},
		{[]string{"plan", "--example", "--write-eksctl", "-", "--scenario", "nope"}, "no such scenario"},
		{[]string{"plan", "--example", "--write-eksctl", "-", "--scenario", "today"}, "not an EKS design"},
		{[]string{"plan", "--example", "--families", "zz9"}, "no instance type"},
	}
	for _, tt := range tests {
		_, errOut, code := run(t, "", append(tt.args, "--at", "2026-11-26")...)
		if code != 2 || !strings.Contains(errOut, tt.wantErr) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.wantErr)
		}
	}
}

func TestMigrateCommands(t *testing.T) {
	src := filepath.Join("..", "..", "examples", "kops-before", "manifests")
	out, errOut, code := run(t, "", "migrate", "check", src, "--to", "1.33", "-o", "json")
	if code != 1 || !strings.Contains(errOut, "--fail-on removed") {
		t.Fatalf("check: exit %d (%s), want 1 for removed APIs", code, errOut)
	}
	var v struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.Findings) == 0 {
		t.Fatalf("check -o json: %v (%d findings)", err, len(v.Findings))
	}
	if _, _, code := run(t, "", "migrate", "check", src, "--to", "1.33", "--fail-on", "none", "-o", "sarif"); code != 0 {
		t.Errorf("--fail-on none: exit %d", code)
	}

	// fix -o DIR: the output passes check at the target (only the PSP,
	// which has no replacement, remains).
	dir := t.TempDir()
	if _, errOut, code := run(t, "", "migrate", "fix", src, "--to", "1.33", "-o", dir, "--apply-readiness", "--target", "eks", "--ingress", "alb"); code != 0 {
		t.Fatalf("fix -o: exit %d: %s", code, errOut)
	}
	out, _, _ = run(t, "", "migrate", "check", dir, "--to", "1.33", "-o", "json")
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	for _, f := range v.Findings {
		if f["rule"] == "removed-api" && f["kind"] != "PodSecurityPolicy" {
			t.Errorf("still removed after fix: %v", f)
		}
	}
	// Each file is written at its path under the input directory.
	fixed, err := os.ReadFile(filepath.Join(dir, "app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(fixed), "# kube2iam: the role the pods assume") || !strings.Contains(string(fixed), "type: NodePort") {
		t.Errorf("converted file lost a comment or a readiness fix:\n%s", fixed)
	}

	// --in-place keeps a .bak and leaves no temp file.
	work := t.TempDir()
	orig, _ := os.ReadFile(filepath.Join(src, "argocd.yaml"))
	target := filepath.Join(work, "argocd.yaml")
	os.WriteFile(target, orig, 0o600)
	if _, errOut, code := run(t, "", "migrate", "fix", target, "--to", "1.33", "--in-place"); code != 0 {
		t.Fatalf("fix --in-place: exit %d: %s", code, errOut)
	}
	bak, _ := os.ReadFile(target + ".bak")
	now, _ := os.ReadFile(target)
	if string(bak) != string(orig) || string(now) == string(orig) {
		t.Error("--in-place: want the original in .bak and a rewritten file")
	}
	if info, _ := os.Stat(target); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", info.Mode().Perm())
	}
	entries, _ := os.ReadDir(work)
	if len(entries) != 2 {
		t.Errorf("%d files, want the file and its .bak", len(entries))
	}

	// --dry-run changes nothing; stdin works.
	out, _, code = run(t, string(orig), "migrate", "fix", "-", "--to", "1.33", "--dry-run")
	if code != 0 || !strings.Contains(out, "would rewrite <stdin>") {
		t.Errorf("dry-run on stdin: exit %d, %q", code, out)
	}
	for _, args := range [][]string{
		{"migrate", "check", src},
		{"migrate", "check", src, "--to", "two"},
		{"migrate", "fix", src, "--to", "1.33", "--dry-run", "--in-place"},
		{"migrate", "fix", src, "--to", "1.33", "--apply-readiness"},
		{"migrate", "check", src, "--to", "1.33", "--target", "gke"},
	} {
		if _, _, code := run(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestBillCommands(t *testing.T) {
	// The generated month's total, computed by the generator itself.
	var buf bytes.Buffer
	want, _, err := gen.GenerateEKSMonth(&buf, charge.FormatCURLegacy, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "", "bill", "summary", "--example", "-o", "json")
	if code != 0 {
		t.Fatalf("summary: exit %d: %s", code, errOut)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"currency", "periodStart", "periodEnd", "totalCost", "components", "services", "rows", "rejectedRows"} {
		if _, ok := s[k]; !ok {
			t.Errorf("summary JSON lacks %q", k)
		}
	}
	var sum struct {
		TotalCost  decimal.Decimal `json:"totalCost"`
		Components []struct {
			Name string          `json:"name"`
			Cost decimal.Decimal `json:"cost"`
		} `json:"components"`
	}
	json.Unmarshal([]byte(out), &sum)
	if !sum.TotalCost.Equal(want) {
		t.Errorf("total %s, generator wrote %s", sum.TotalCost, want)
	}
	parts := decimal.Zero
	for _, c := range sum.Components {
		parts = parts.Add(c.Cost)
	}
	if !parts.Equal(sum.TotalCost) {
		t.Errorf("components sum to %s, total %s", parts, sum.TotalCost)
	}

	out, _, code = run(t, "", "bill", "daily", "--example", "--by", "service", "-o", "json")
	var d struct {
		Days []struct {
			Date string                     `json:"date"`
			Cost decimal.Decimal            `json:"cost"`
			By   map[string]decimal.Decimal `json:"by"`
		} `json:"days"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || code != 0 || len(d.Days) != 31 {
		t.Fatalf("daily: exit %d, %v, %d days", code, err, len(d.Days))
	}
	daySum := decimal.Zero
	for _, day := range d.Days {
		daySum = daySum.Add(day.Cost)
		by := decimal.Zero
		for _, c := range day.By {
			by = by.Add(c)
		}
		if !by.Equal(day.Cost) {
			t.Errorf("%s: services sum to %s, day %s", day.Date, by, day.Cost)
		}
	}
	if !daySum.Equal(want) {
		t.Errorf("days sum to %s, want %s", daySum, want)
	}

	out, _, code = run(t, "", "bill", "anomalies", "--example", "--fail-on-anomaly")
	if code != 1 || !strings.Contains(out, "2026-10-20") {
		t.Errorf("anomalies: exit %d, %q; want day 20 and exit 1", code, out)
	}
	for _, args := range [][]string{
		{"bill", "summary"},
		{"bill", "summary", "--example", "--cost", "blended"},
		{"bill", "daily", "--example", "--by", "colour"},
		{"bill", "summary", "--example", "-o", "xml"},
		{"bill", "summary", filepath.Join(t.TempDir(), "nope.csv")},
		{"bill", "vs-estimate", "--example"},
	} {
		if _, _, code := run(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
