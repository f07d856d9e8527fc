package kubeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/yamldoc"

	"github.com/refit-dev/refit/internal/golden"
)

func splitFile(t testing.TB, path string) []yamldoc.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := yamldoc.Split(filepath.ToSlash(path), data)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func legacyDocs(t testing.TB) []yamldoc.Document {
	var docs []yamldoc.Document
	for _, f := range []string{"app.yaml", "crd.yaml", "kustomization.yaml", "notes.yaml"} {
		docs = append(docs, splitFile(t, filepath.Join("testdata", "legacy", f))...)
	}
	return docs
}

// key identifies a finding in the expectations below.
func key(f Finding) string {
	s := fmt.Sprintf("%s:%d %s %s", filepath.Base(f.File), f.Line, f.Rule, f.Severity)
	if f.Field != "" {
		s += " " + f.Field
	}
	if f.Fixable {
		s += " fixable"
	}
	return s
}

func TestCheckLegacy(t *testing.T) {
	tab := mustTable(t)
	docs := legacyDocs(t)
	for _, tc := range []struct {
		name string
		opt  CheckOptions
		want []string
	}{
		{
			name: "to 1.33",
			opt:  CheckOptions{To: v("1.33")},
			want: []string{
				"app.yaml:2 removed-api error fixable",
				"app.yaml:18 removed-api error fixable",
				"app.yaml:26 duplicate-key warning metadata.annotations",
				"app.yaml:40 removed-api error fixable",
				"app.yaml:57 removed-api error fixable",
				"app.yaml:73 removed-api error fixable",
				"app.yaml:80 removed-api-reference error spec.scaleTargetRef.apiVersion fixable",
				"app.yaml:91 removed-api error fixable",
				"app.yaml:102 no-replacement error",
				"app.yaml:134 removed-api-reference error metadata.ownerReferences[0].apiVersion",
				"crd.yaml:1 removed-api error fixable",
				"crd.yaml:14 removed-field error spec.conversion.webhookClientConfig fixable",
				"crd.yaml:18 removed-field error spec.conversion.conversionReviewVersions fixable",
				"crd.yaml:18 deprecated-api warning spec.conversion.conversionReviewVersions",
				"crd.yaml:20 removed-api error fixable",
				"crd.yaml:26 deprecated-api warning webhooks[0].admissionReviewVersions",
				"kustomization.yaml:7 removed-api-reference error patches[0].target",
				"kustomization.yaml:16 removed-api-reference error patchesJson6902[0].target",
				"kustomization.yaml:27 removed-api-reference error replacements[0].targets[0].select",
				"notes.yaml:2 not-kubernetes info",
			},
		},
		{
			// 1.11 → 1.15: only deprecations; batch/v1beta1 CronJob and
			// autoscaling/v2beta1 are current then.
			name: "to 1.15",
			opt:  CheckOptions{To: v("1.15")},
			want: []string{
				"app.yaml:2 deprecated-api warning fixable",
				"app.yaml:18 deprecated-api warning fixable",
				"app.yaml:26 duplicate-key warning metadata.annotations",
				"app.yaml:40 deprecated-api warning fixable",
				"app.yaml:80 deprecated-api warning spec.scaleTargetRef.apiVersion fixable",
				"app.yaml:134 deprecated-api warning metadata.ownerReferences[0].apiVersion",
				"kustomization.yaml:7 deprecated-api warning patches[0].target",
				"notes.yaml:2 not-kubernetes info",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(docs, tab, tc.opt)
			var keys []string
			for _, f := range got {
				keys = append(keys, key(f))
				if f.File == "" || f.Line == 0 || f.Message == "" {
					t.Errorf("finding without location or message: %+v", f)
				}
			}
			if strings.Join(keys, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// The whole finding list at 1.33 from 1.11, as JSON: messages, names,
// replacements and versions.
func TestCheckGolden(t *testing.T) {
	got := Check(legacyDocs(t), mustTable(t), CheckOptions{To: v("1.33"), From: v("1.11")})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join("testdata", "legacy.findings.golden.json"), buf.Bytes())
}

func TestCheckMessages(t *testing.T) {
	tab := mustTable(t)
	docs := legacyDocs(t)
	byKey := map[string]Finding{}
	for _, f := range Check(docs, tab, CheckOptions{To: v("1.33"), From: v("1.11")}) {
		byKey[key(f)] = f
	}
	for k, want := range map[string]string{
		"app.yaml:2 removed-api error fixable":                                   "extensions/v1beta1 Deployment is not served by Kubernetes 1.33 (removed in 1.16, deprecated since 1.8); use apps/v1",
		"app.yaml:102 no-replacement error":                                      "policy/v1beta1 PodSecurityPolicy is not served by Kubernetes 1.33 (removed in 1.25, deprecated since 1.21) and no API replaces it. Enforce pod security",
		"app.yaml:18 removed-api error fixable":                                  "use networking.k8s.io/v1; networking.k8s.io/v1 is served from 1.19, after the source cluster's 1.11",
		"app.yaml:26 duplicate-key warning metadata.annotations":                 "key alb.ingress.kubernetes.io/load-balancer-attributes appears 3 times (lines 26, 28, 30); most parsers keep only the last, losing the others",
		"crd.yaml:26 deprecated-api warning webhooks[0].admissionReviewVersions": "lists only deprecated versions: the webhook receives admission.k8s.io/v1beta1 AdmissionReview",
	} {
		f, ok := byKey[k]
		if !ok {
			t.Errorf("no finding %s", k)
			continue
		}
		if !strings.Contains(f.Message, want) {
			t.Errorf("%s: message %q, want it to contain %q", k, f.Message, want)
		}
	}
	d := byKey["app.yaml:2 removed-api error fixable"]
	if d.Name != "web" || d.Namespace != "shop" || d.Kind != "Deployment" || d.Column != 13 || d.Replacement != "apps/v1" || d.RemovedIn != v("1.16") {
		t.Errorf("Deployment finding = %+v", d)
	}
	if d.Notes == "" {
		t.Error("Deployment finding has no notes")
	}
}

func TestCheckFrom(t *testing.T) {
	tab := mustTable(t)
	const in = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: new}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1beta2
kind: FlowSchema
metadata: {name: fs}
`
	docs, err := yamldoc.Split("m.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range Check(docs, tab, CheckOptions{From: v("1.16"), To: v("1.30")}) {
		got = append(got, key(f)+": "+f.Message)
	}
	want := []string{
		"m.yaml:1 not-served warning: networking.k8s.io/v1 Ingress is not served by the source cluster's Kubernetes 1.16 (served from 1.19), so it cannot be applied there",
		"m.yaml:9 removed-api error fixable: flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema is not served by Kubernetes 1.30 (removed in 1.29, deprecated since 1.26); use flowcontrol.apiserver.k8s.io/v1; the source cluster's 1.16 does not serve it either",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Without From, nothing about the source.
	if fs := Check(docs[:2], tab, CheckOptions{To: v("1.30")}); len(fs) != 0 {
		t.Errorf("findings without From: %+v", fs)
	}
}

func TestCheckDefaultsToNewest(t *testing.T) {
	docs, _ := yamldoc.Split("e.yaml", []byte("apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\n"))
	fs := Check(docs, mustTable(t), CheckOptions{})
	if len(fs) != 1 || fs[0].Rule != RuleDeprecatedAPI || fs[0].Fixable {
		t.Fatalf("findings = %+v", fs)
	}
	if !strings.Contains(fs[0].Message, "use discovery.k8s.io/v1 EndpointSlice") || !strings.Contains(fs[0].Message, "still served") {
		t.Errorf("message = %q", fs[0].Message)
	}
}

func TestCheckListAndEdgeCases(t *testing.T) {
	tab := mustTable(t)
	const in = `apiVersion: v1
kind: List
items:
  - apiVersion: extensions/v1beta1
    kind: DaemonSet
    metadata: {name: agent, namespace: kube-system}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: c}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  conversion:
    strategy: Webhook
    webhookClientConfig: {url: "https://x"}
    webhook:
      conversionReviewVersions: [v1, v1beta1]
---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
patches:
  - target: {group: extensions, version: v1beta1}
  - target: {version: v1}
vars:
  - name: SVC
    objref: {apiVersion: extensions/v1beta1, kind: Deployment, name: web}
---
kind: Thing
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
`
	docs, err := yamldoc.Split("x/y.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range Check(docs, tab, CheckOptions{To: v("1.25")}) {
		got = append(got, key(f)+" "+f.Name)
	}
	want := []string{
		"y.yaml:4 removed-api error fixable agent",
		"y.yaml:17 removed-field error spec.conversion.webhookClientConfig things.example.com",
		"y.yaml:24 removed-api-reference error patches[0].target ",
		"y.yaml:28 removed-api-reference error vars[0].objref.apiVersion ",
		"y.yaml:30 not-kubernetes info ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestYAMLNodeKeepsDuplicateKeys(t *testing.T) {
	// The premise of DuplicateKeys: decoding into yaml.Node does not fail
	// on, nor drop, repeated keys, while decoding into a map fails.
	in := []byte("a: 1\nb: 2\na: 3\n")
	var n yaml.Node
	if err := yaml.Unmarshal(in, &n); err != nil {
		t.Fatal(err)
	}
	if got := len(n.Content[0].Content); got != 6 {
		t.Fatalf("node has %d children, want 6", got)
	}
	var m map[string]int
	if err := yaml.Unmarshal(in, &m); err == nil {
		t.Error("yaml.v3 now accepts duplicate keys into a map; revisit the message of DuplicateKeys")
	}
}

func TestDuplicateKeys(t *testing.T) {
	const in = `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  labels: {a: "1", a: "2"}
data:
  x: "1"
  y: "2"
  x: "3"
  <<: {}
  <<: {}
list:
  - k: 1
    k: 2
anchored: &a {p: 1, p: 2}
alias: *a
`
	docs, err := yamldoc.Split("d.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range DuplicateKeys(docs[0]) {
		got = append(got, fmt.Sprintf("%d:%d %s %s: %s", f.Line, f.Column, f.Field, f.Name, f.Message))
	}
	want := []string{
		"5:12 metadata.labels c: key a appears 2 times (lines 5, 5); most parsers keep only the last, losing the others",
		"7:3 data c: key x appears 2 times (lines 7, 9); most parsers keep only the last, losing the others",
		"13:5 list[0] c: key k appears 2 times (lines 13, 14); most parsers keep only the last, losing the others",
		"15:15 anchored c: key p appears 2 times (lines 15, 15); most parsers keep only the last, losing the others",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLowestServingVersion(t *testing.T) {
	tab := mustTable(t)
	for _, tc := range []struct{ in, want string }{
		{"apiVersion: v1\nkind: Service\n", "1.8"},
		{"apiVersion: apps/v1\nkind: Deployment\n---\napiVersion: extensions/v1beta1\nkind: Ingress\n", "1.9"},
		{"apiVersion: networking.k8s.io/v1\nkind: Ingress\n---\napiVersion: batch/v1\nkind: CronJob\n", "1.21"},
		{"apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler}\n", "1.23"},
		{"apiVersion: example.com/v9\nkind: Widget\n", "1.8"},
	} {
		docs, err := yamldoc.Split("l.yaml", []byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if got := LowestServingVersion(docs, tab); got != v(tc.want) {
			t.Errorf("LowestServingVersion(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := LowestServingVersion(legacyDocs(t), tab); got != v("1.10") {
		t.Errorf("legacy set: %s, want 1.10 (policy/v1beta1 PodSecurityPolicy)", got)
	}
}

func TestCheckHelmRendered(t *testing.T) {
	// `helm template` output: comments naming the template, then documents.
	const in = `---
# Source: app/templates/hpa.yaml
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: app
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: app
`
	docs, err := yamldoc.Split("rendered.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	fs := Check(docs, mustTable(t), CheckOptions{To: v("1.26")})
	if len(fs) != 1 || key(fs[0]) != "rendered.yaml:3 removed-api error fixable" || fs[0].Replacement != "autoscaling/v2" {
		t.Fatalf("findings = %+v", fs)
	}
}

func FuzzCheck(f *testing.F) {
	for _, name := range []string{"legacy/app.yaml", "legacy/crd.yaml", "legacy/kustomization.yaml", "inline-patch/kustomization.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	tab := mustTable(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := yamldoc.Split("kustomization.yaml", data)
		if err != nil {
			return
		}
		for _, fnd := range Check(docs, tab, CheckOptions{To: v("1.30"), From: v("1.12")}) {
			if fnd.Rule == "" || fnd.Message == "" {
				t.Fatalf("finding without rule or message: %+v", fnd)
			}
		}
		LowestServingVersion(docs, tab)
	})
}

// BenchmarkCheck checks 20,000 documents (the legacy set, repeated).
func BenchmarkCheck(b *testing.B) {
	tab := mustTable(b)
	base := legacyDocs(b)
	docs := make([]yamldoc.Document, 0, 20000)
	for len(docs) < 20000 {
		docs = append(docs, base...)
	}
	docs = docs[:20000]
	b.ResetTimer()
	for range b.N {
		Check(docs, tab, CheckOptions{To: v("1.33"), From: v("1.11")})
	}
}

func TestDuplicateKeysLargeMapping(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\ndata:\n")
	for i := range 40 {
		fmt.Fprintf(&b, "  k%d: v\n", i%30) // k0..k9 twice
	}
	docs, err := yamldoc.Split("big.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	fs := DuplicateKeys(docs[0])
	if len(fs) != 10 {
		t.Fatalf("%d findings, want 10", len(fs))
	}
	if fs[0].Line != 4 || !strings.Contains(fs[0].Message, "key k0 appears 2 times (lines 4, 34)") {
		t.Errorf("first = %d %q", fs[0].Line, fs[0].Message)
	}
}

// Strategic-merge patches written inline in a kustomization select their
// resource by apiVersion and kind: each is checked at its own line.
func TestCheckInlineKustomizePatches(t *testing.T) {
	docs := splitFile(t, filepath.Join("testdata", "inline-patch", "kustomization.yaml"))
	var got []string
	for _, f := range Check(docs, mustTable(t), CheckOptions{To: v("1.33")}) {
		got = append(got, key(f)+" "+f.FoundAPIVersion+"→"+f.Replacement)
	}
	want := []string{
		"kustomization.yaml:5 removed-api-reference error patches[0].patch.apiVersion extensions/v1beta1→networking.k8s.io/v1",
		"kustomization.yaml:25 removed-api-reference error patchesStrategicMerge[0].apiVersion policy/v1beta1→policy/v1",
		"kustomization.yaml:30 removed-api-reference error patchesStrategicMerge[0] (document 2).apiVersion batch/v1beta1→batch/v1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
