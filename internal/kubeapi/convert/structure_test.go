package convert

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// comments returns every comment line of a node tree.
func comments(n *yaml.Node) []string {
	var out []string
	var walk func(*yaml.Node)
	walk = func(x *yaml.Node) {
		if x == nil {
			return
		}
		for _, c := range []string{x.HeadComment, x.LineComment, x.FootComment} {
			for _, l := range strings.Split(c, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					out = append(out, l)
				}
			}
		}
		for _, c := range x.Content {
			walk(c)
		}
	}
	walk(n)
	sort.Strings(out)
	return out
}

// keyOrders maps the path of every mapping to its keys in order.
func keyOrders(n *yaml.Node) map[string][]string {
	out := map[string][]string{}
	var walk func(*yaml.Node, string)
	walk = func(x *yaml.Node, path string) {
		switch x.Kind {
		case yaml.DocumentNode:
			for _, c := range x.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(x.Content); i += 2 {
				k := x.Content[i].Value
				out[path] = append(out[path], k)
				walk(x.Content[i+1], path+"."+k)
			}
		case yaml.SequenceNode:
			for i, c := range x.Content {
				walk(c, path+"["+strconv.Itoa(i)+"]")
			}
		}
	}
	walk(n, "")
	return out
}

func parseAll(t *testing.T, data []byte) *yaml.Node {
	t.Helper()
	root := &yaml.Node{Kind: yaml.SequenceNode}
	for _, ch := range splitChunks(data) {
		d, err := parseChunk(ch)
		if err != nil {
			t.Fatal(err)
		}
		if d != nil {
			root.Content = append(root.Content, d)
		}
	}
	return root
}

// TestCommentsAndKeyOrderSurvive checks that every comment of the input is
// in the output, and that the keys that exist in both keep their relative
// order in every mapping that exists in both.
func TestCommentsAndKeyOrderSurvive(t *testing.T) {
	for _, in := range inputs(t) {
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			data, _ := os.ReadFile(in)
			out, _, err := FixFile(name, data, target)
			if err != nil {
				t.Fatal(err)
			}
			a, b := parseAll(t, data), parseAll(t, out)
			if ca, cb := comments(a), comments(b); strings.Join(ca, "\n") != strings.Join(cb, "\n") {
				t.Errorf("comments differ:\nin:  %q\nout: %q", ca, cb)
			}
			ka, kb := keyOrders(a), keyOrders(b)
			for path, keysIn := range ka {
				keysOut, ok := kb[path]
				if !ok {
					continue
				}
				if x, y := common(keysIn, keysOut), common(keysOut, keysIn); strings.Join(x, ",") != strings.Join(y, ",") {
					t.Errorf("%s: key order changed: %v → %v", path, x, y)
				}
			}
		})
	}
}

// common returns the items of a that are also in b, in a's order.
func common(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if in[x] {
			out = append(out, x)
		}
	}
	return out
}

// TestUnchangedDocumentsAreByteIdentical checks, for every corpus file,
// that the documents Convert leaves alone come out byte for byte.
func TestUnchangedDocumentsAreByteIdentical(t *testing.T) {
	for _, in := range inputs(t) {
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			data, _ := os.ReadFile(in)
			out, _, err := FixFile(name, data, target)
			if err != nil {
				t.Fatal(err)
			}
			ci, co := splitChunks(data), splitChunks(out)
			if len(ci) != len(co) {
				t.Fatalf("%d documents in, %d out", len(ci), len(co))
			}
			for i := range ci {
				d, err := parseChunk(ci[i])
				if err != nil {
					t.Fatal(err)
				}
				changed := false
				if d != nil && d.Content[0].Kind == yaml.MappingNode {
					for _, o := range objectsOf(d.Content[0]) {
						r, err := Convert(o, target)
						if err != nil {
							t.Fatal(err)
						}
						changed = changed || r.Changed
					}
				}
				if !changed && !bytes.Equal(ci[i].raw, co[i].raw) {
					t.Errorf("document %d changed:\n%q\n%q", i, ci[i].raw, co[i].raw)
				}
			}
		})
	}
}

// TestFixFileKeepsOddFiles checks files without anything to convert come
// out byte for byte, whatever their layout.
func TestFixFileKeepsOddFiles(t *testing.T) {
	for name, in := range map[string]string{
		"empty":        "",
		"comment only": "# nothing here\n",
		"crlf":         "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: a}\r\n---\r\n# c\r\napiVersion: v1\r\nkind: Secret\r\n",
		"no newline":   "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x",
		"markers":      "%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\n...\n# between\n--- # marker comment\napiVersion: v1\nkind: Secret\n...\n",
		"empty docs":   "---\n---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n    name:   spaced\n",
		"block scalar": "apiVersion: v1\nkind: ConfigMap\ndata:\n  script: |\n    ---\n    - not a list\n",
		"json":         `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			out, res, err := FixFile("odd.yaml", []byte(in), target)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != in {
				t.Errorf("changed:\n%q\n%q", in, out)
			}
			if len(res) != 0 {
				t.Errorf("results for an unchanged file: %+v", res)
			}
		})
	}
}

// TestFixFileStyles checks that re-encoded documents follow the file's
// indentation and sequence style.
func TestFixFileStyles(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"2, not indented": {
			"apiVersion: batch/v1beta1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: a\n            args:\n            - x\n",
			"apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: a\n            args:\n            - x\n",
		},
		"2, indented": {
			"apiVersion: batch/v1beta1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: a\n              args:\n                - x\n",
			"apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: a\n              args:\n                - x\n",
		},
		"4, sequences at 2": {
			"apiVersion: batch/v1beta1\nkind: CronJob\nspec:\n    jobTemplate:\n        spec:\n            template:\n                spec:\n                    containers:\n                      - name: a\n",
			"apiVersion: batch/v1\nkind: CronJob\nspec:\n    jobTemplate:\n        spec:\n            template:\n                spec:\n                    containers:\n                      - name: a\n",
		},
		"blank lines and crlf": {
			"# head\r\n\r\napiVersion: batch/v1beta1\r\nkind: CronJob\r\n\r\nspec:\r\n  schedule: '@daily'\r\n",
			"# head\r\n\r\napiVersion: batch/v1\r\nkind: CronJob\r\n\r\nspec:\r\n  schedule: '@daily'\r\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := FixFile("s.yaml", []byte(tc.in), target)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("got\n%s\nwant\n%s", out, tc.want)
			}
		})
	}
}

// TestKopsManifests converts the founding story's 1.11-era manifests: every
// object must decode strictly into its target Go type, and nothing may be
// lost.
func TestKopsManifests(t *testing.T) {
	files, err := filepath.Glob("../../../examples/kops-before/manifests/*.yaml")
	if err != nil || len(files) == 0 {
		t.Skip("examples/kops-before/manifests not found")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out, res, err := FixFile(name, data, target)
			if err != nil {
				t.Fatal(err)
			}
			docs, err := yamldoc.Split(name, out)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				if d.Kind == "PodSecurityPolicy" {
					continue // no target type; checked below
				}
				if Supported(d.APIVersion, d.Kind) {
					t.Errorf("%s:%d: %s %s still uses a removed version", name, d.Line, d.Kind, d.APIVersion)
				}
				strictDecode(t, name+":"+strconv.Itoa(d.Line), d.Node)
			}
			checkLossless(t, name, data, out)
			for _, r := range res {
				if r.Kind == "PodSecurityPolicy" {
					if r.Changed || len(r.Unconverted) != 1 || !strings.Contains(r.Unconverted[0], "pod-security.kubernetes.io/enforce: ") {
						t.Errorf("PodSecurityPolicy result: %+v", r)
					}
					if f := r.Findings(); len(f) != 1 || f[0].Rule != "no-replacement" {
						t.Errorf("PodSecurityPolicy findings: %+v", f)
					}
				} else if len(r.Unconverted) > 0 {
					t.Errorf("%s:%d: unconverted: %v", name, r.Line, r.Unconverted)
				}
			}
		})
	}
}

func node(t *testing.T, s string) *yaml.Node {
	t.Helper()
	docs, err := yamldoc.Split("t.yaml", []byte(s))
	if err != nil || len(docs) != 1 {
		t.Fatalf("%v", err)
	}
	return docs[0].Node
}

func TestConvertVersions(t *testing.T) {
	ing := "apiVersion: extensions/v1beta1\nkind: Ingress\nspec:\n  backend: {serviceName: a, servicePort: 80}\n"
	for _, tc := range []struct {
		name        string
		in          string
		to          kubeapi.Version
		changed     bool
		unconverted bool
		toVersion   string
	}{
		{"target not served yet, source still served", ing, kubeapi.Version{Major: 1, Minor: 18}, false, false, "extensions/v1beta1"},
		{"target served", ing, kubeapi.Version{Major: 1, Minor: 19}, true, false, "networking.k8s.io/v1"},
		{"zero means newest", ing, kubeapi.Version{}, true, false, "networking.k8s.io/v1"},
		{"current", "apiVersion: networking.k8s.io/v1\nkind: Ingress\n", target, false, false, "networking.k8s.io/v1"},
		{"unknown kind", "apiVersion: example.org/v1beta1\nkind: Ingress\n", target, false, false, "example.org/v1beta1"},
		{"psp", "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nspec: {privileged: true}\n", target, false, true, "policy/v1beta1"},
		{"no template labels", "apiVersion: extensions/v1beta1\nkind: Deployment\nspec:\n  template: {}\n", target, true, true, "apps/v1"},
		{"webhook sideEffects Some", "apiVersion: admissionregistration.k8s.io/v1beta1\nkind: ValidatingWebhookConfiguration\nwebhooks:\n- name: a\n  sideEffects: Some\n  admissionReviewVersions: [v1]\n", target, true, true, "admissionregistration.k8s.io/v1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := node(t, tc.in)
			r, err := Convert(n, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if r.Changed != tc.changed || (len(r.Unconverted) > 0) != tc.unconverted || r.To != tc.toVersion || yamldoc.Scalar(n, "apiVersion") != tc.toVersion {
				t.Errorf("got %+v (apiVersion %s)", r, yamldoc.Scalar(n, "apiVersion"))
			}
		})
	}
}

// TestConvertErrorLeavesObject checks that a conversion that fails half way
// leaves the object as it was and names the line.
func TestConvertErrorLeavesObject(t *testing.T) {
	in := "apiVersion: extensions/v1beta1\nkind: Ingress\nspec:\n  backend:\n    serviceName: a\n    servicePort: 80\n  rules:\n  - http:\n      paths: notalist\n"
	n := node(t, in)
	before, _ := yaml.Marshal(n)
	_, err := Convert(n, target)
	if err == nil || !strings.Contains(err.Error(), "line 9") {
		t.Fatalf("error = %v, want one at line 9", err)
	}
	after, _ := yaml.Marshal(n)
	if !bytes.Equal(before, after) {
		t.Errorf("object changed on error:\n%s", after)
	}
	_, _, err = FixFile("bad.yaml", []byte("apiVersion: v1\nkind: ConfigMap\n---\n"+in), target)
	if err == nil || !strings.HasPrefix(err.Error(), "bad.yaml:12: ") {
		t.Errorf("FixFile error = %v, want bad.yaml:12: ...", err)
	}
}

func TestPSPLevels(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"privileged: true", "privileged"},
		{"hostNetwork: true\nallowPrivilegeEscalation: false", "privileged"},
		{"volumes: [hostPath]", "privileged"},
		{"allowedCapabilities: [SYS_ADMIN]", "privileged"},
		{"volumes: [configMap]\nrunAsUser: {rule: RunAsAny}", "baseline"},
		{"volumes: [secret]\nallowPrivilegeEscalation: false\nrequiredDropCapabilities: [ALL]\nrunAsUser: {rule: MustRunAs, ranges: [{min: 1000, max: 2000}]}", "baseline"}, // no seccomp
	} {
		n := node(t, "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\nspec:\n  "+strings.ReplaceAll(tc.spec, "\n", "\n  ")+"\n")
		r, err := Convert(n, target)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Unconverted) != 1 || !strings.Contains(r.Unconverted[0], "pod-security.kubernetes.io/enforce: "+tc.want) {
			t.Errorf("%s: %v, want %s", tc.spec, r.Unconverted, tc.want)
		}
	}
}
