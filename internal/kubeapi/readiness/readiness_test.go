package readiness

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"

	"github.com/refit-dev/refit/internal/golden"
)

// load splits every .yaml file of testdata/dir, named dir/file.
func load(t *testing.T, dirs ...string) []yamldoc.Document {
	t.Helper()
	var docs []yamldoc.Document
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(files)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name, _ := filepath.Rel("testdata", f)
			ds, err := yamldoc.Split(filepath.ToSlash(name), data)
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, ds...)
		}
	}
	return docs
}

// render writes findings as one line each.
func render(fs []kubeapi.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		obj := f.Name
		if f.Namespace != "" {
			obj = f.Namespace + "/" + f.Name
		}
		fix := ""
		if f.Fixable {
			fix = " [fixable]"
		}
		fmt.Fprintf(&b, "%s:%d %s %s %s %s%s: %s\n", f.File, f.Line, f.Severity, f.Rule, f.Kind, obj, fix, f.Message)
	}
	return b.String()
}

func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	golden.AssertString(t, filepath.Join("testdata", "golden", name), got)
}

func encode(t *testing.T, docs []yamldoc.Document) string {
	t.Helper()
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for _, d := range docs {
		if err := enc.Encode(d.Node); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var (
	eksALB      = Target{EKS: true, Ingress: "alb"}
	eksFargate  = Target{EKS: true, Ingress: "alb", FargateNamespaces: []string{"app", "jobs"}}
	fargateOnly = Target{FargateNamespaces: []string{"jobs"}}
)

func TestCheckGolden(t *testing.T) {
	tests := []struct {
		name   string
		dirs   []string
		target Target
	}{
		{"kops-before-eks-alb", []string{"kops-before"}, eksALB},
		{"kops-before-fargate", []string{"kops-before"}, eksFargate},
		{"eks-after-eks-alb", []string{"eks-after"}, eksALB},
		{"cases-eks-alb", []string{"cases"}, eksALB},
		{"cases-fargate", []string{"cases"}, eksFargate},
		{"cases-fargate-only", []string{"cases"}, fargateOnly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			goldenFile(t, tt.name+".txt", render(Check(load(t, tt.dirs...), tt.target)))
		})
	}
}

// TestCheckRules pins the rules each input must (and must not) raise.
func TestCheckRules(t *testing.T) {
	tests := []struct {
		name      string
		dirs      []string
		target    Target
		want, not []string
	}{
		{"kops before, no target", []string{"kops-before"}, Target{}, nil, Rules},
		{"kops before to EKS with ALB", []string{"kops-before"}, eksALB,
			[]string{RuleALBInstanceModeService, RuleIngressClassALB, RuleExternalDNSHostname, RuleIRSANeeded, RuleKube2IAMDaemonSet},
			[]string{RuleALBIPModeOnFargate, RuleFargateIncompatible, RuleALBPathSemantics}},
		{"kops before to Fargate", []string{"kops-before"}, eksFargate,
			[]string{RuleALBIPModeOnFargate, RuleIngressClassALB},
			[]string{RuleFargateIncompatible}},
		{"eks after is ready", []string{"eks-after"}, eksALB, nil, Rules},
		{"cases", []string{"cases"}, eksFargate, slices.DeleteFunc(slices.Clone(Rules), func(r string) bool { return r == RuleKube2IAMDaemonSet }), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]int{}
			for _, f := range Check(load(t, tt.dirs...), tt.target) {
				got[f.Rule]++
				if f.File == "" || f.Line == 0 || f.Kind == "" || f.Message == "" {
					t.Errorf("finding without location or object: %+v", f)
				}
			}
			for _, r := range tt.want {
				if got[r] == 0 {
					t.Errorf("no %s finding; got %v", r, got)
				}
			}
			for _, r := range tt.not {
				if got[r] > 0 {
					t.Errorf("%d unexpected %s findings", got[r], r)
				}
			}
		})
	}
}

// TestEksAfterWithoutClusterConfig: without the ClusterConfig's
// iam.serviceAccounts, the controllers' service accounts lack roles.
func TestEksAfterWithoutClusterConfig(t *testing.T) {
	var docs []yamldoc.Document
	for _, d := range load(t, "eks-after") {
		if d.Kind != "ClusterConfig" {
			docs = append(docs, d)
		}
	}
	var names []string
	for _, f := range Check(docs, eksALB) {
		if f.Rule == RuleIRSANeeded {
			names = append(names, f.Name)
		}
	}
	if want := []string{"aws-load-balancer-controller", "external-dns"}; !slices.Equal(names, want) {
		t.Errorf("irsa-needed for %v, want %v", names, want)
	}
}

// comments collects every comment of a node tree.
func comments(n *yaml.Node, out map[string]bool) {
	if n == nil {
		return
	}
	for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
		if c != "" {
			out[c] = true
		}
	}
	for _, c := range n.Content {
		comments(c, out)
	}
}

func TestApply(t *testing.T) {
	tests := []struct {
		name   string
		dirs   []string
		target Target
	}{
		{"kops-before", []string{"kops-before"}, eksALB},
		{"cases", []string{"cases"}, eksFargate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := load(t, tt.dirs...)
			before := map[string]bool{}
			for _, d := range docs {
				comments(d.Node, before)
			}
			changed, err := Apply(docs, tt.target)
			if err != nil {
				t.Fatal(err)
			}
			after := map[string]bool{}
			for _, d := range docs {
				comments(d.Node, after)
			}
			for c := range before {
				if !after[c] {
					t.Errorf("comment lost: %q", c)
				}
			}
			out := encode(t, docs)
			goldenFile(t, "apply-"+tt.name+".txt", render(changed))
			goldenFile(t, "apply-"+tt.name+".yaml", out)

			// The output parses, and checking it again finds nothing left
			// that Apply fixes.
			again, err := yamldoc.Split("fixed.yaml", []byte(out))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range Check(again, tt.target) {
				if f.Fixable {
					t.Errorf("still fixable after Apply: %s", render([]kubeapi.Finding{f}))
				}
				if f.Rule == RuleALBInstanceModeService && !strings.Contains(f.Message, "headless") {
					t.Errorf("instance-mode Service left: %s", render([]kubeapi.Finding{f}))
				}
			}
			// Apply is idempotent.
			if _, err := Apply(again, tt.target); err != nil {
				t.Fatal(err)
			}
			if out2 := encode(t, again); out2 != out {
				t.Errorf("second Apply changed the output:\n%s", out2)
			}
		})
	}
}

func TestApplyServiceAndAccount(t *testing.T) {
	docs := load(t, "cases")
	if _, err := Apply(docs, eksFargate); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		name := yamldoc.Scalar(d.Node, "metadata", "name")
		switch {
		case d.Kind == "Service" && name == "static":
			if got := yamldoc.Scalar(d.Node, "spec", "type"); got != "NodePort" {
				t.Errorf("static Service type = %q, want NodePort", got)
			}
		case d.Kind == "Service" && name == "shop": // headless: left alone
			if got := yamldoc.Scalar(d.Node, "spec", "type"); got != "" {
				t.Errorf("headless Service type = %q, want unset", got)
			}
		case d.Kind == "Service" && name == "trainer": // on Fargate: needs IP mode, not a NodePort
			if got := yamldoc.Scalar(d.Node, "spec", "type"); got != "" {
				t.Errorf("Fargate Service type = %q, want unset", got)
			}
		case d.Kind == "ServiceAccount" && name == "trainer":
			if got := yamldoc.Scalar(d.Node, "metadata", "annotations", "eks.amazonaws.com/role-arn"); got != "arn:aws:iam::123456789012:role/trainer" {
				t.Errorf("role-arn = %q", got)
			}
		}
	}
}

func TestApplyKube2IAMRoleName(t *testing.T) {
	docs := load(t, "kops-before")
	changed, err := Apply(docs, eksALB)
	if err != nil {
		t.Fatal(err)
	}
	var msg string
	for _, f := range changed {
		if f.Rule == RuleIRSANeeded {
			msg = f.Message
		}
	}
	if !strings.Contains(msg, "account id") {
		t.Errorf("role-name annotation: want a report that the account id is needed, got %q", msg)
	}
}

func TestApplyErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"spec not a mapping", `
apiVersion: v1
kind: Service
metadata: {name: s}
spec: [1]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  ingressClassName: alb
  defaultBackend: {service: {name: s, port: {number: 80}}}
`, "bad.yaml:5: spec is not a mapping"},
		{"service type not a string: skipped", `
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  type: [ClusterIP]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  ingressClassName: alb
  defaultBackend: {service: {name: s, port: {number: 80}}}
`, ""},
		{"annotations not a mapping", `
apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  annotations: [x]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    metadata:
      annotations: {iam.amazonaws.com/role: "arn:aws:iam::123456789012:role/r"}
    spec:
      containers: [{name: c, image: x}]
`, "bad.yaml:6: annotations is not a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := yamldoc.Split("bad.yaml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Apply(docs, eksALB)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("error = %v, want %s", err, tt.want)
			}
		})
	}
}

// TestAliasBomb: nested aliases that expand to billions of backends are
// skipped, not walked.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nx0: &a0 {path: /, backend: {service: {name: s}}}\n")
	for i := 1; i < 8; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("spec: {ingressClassName: alb, rules: [{http: {paths: *a7}}]}\n")
	docs, err := yamldoc.Split("bomb.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !aliasBomb(docs[0].Node) {
		t.Error("not detected")
	}
	_ = Check(docs, eksALB)
	if _, err := Apply(docs, eksALB); err != nil {
		t.Fatal(err)
	}
}
