package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// oldDeployment is a Deployment that migrate fix rewrites to apps/v1.
const oldDeployment = `apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: NAME
spec:
  template:
    metadata:
      labels:
        app: NAME
    spec:
      containers:
      - name: app
        image: nginx
`

func deployment(name string) string { return strings.ReplaceAll(oldDeployment, "NAME", name) }

// writeTree writes files (relative path → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// listTree returns the files under dir (relative, sorted), "name -> target"
// for symbolic links.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out = append(out, rel+" -> "+target)
		case !info.IsDir():
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// chdir changes the working directory for the test.
func chdir(t *testing.T, dir string) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })
}

// Issue 11, item 8: -o DIR mirrors the tree under each input, whatever the
// shape of the input path, and never writes two inputs to one path.
func TestMigrateFixOutputMirrorsInputTree(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	writeTree(t, repo, map[string]string{
		"svc-a/deployment.yaml":         deployment("a"),
		"svc-b/deployment.yaml":         deployment("b"),
		"svc-c/prod/deployment.yaml":    deployment("c"),
		"svc-c/prod/config/values.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
	})
	want := []string{"svc-a/deployment.yaml", "svc-b/deployment.yaml", "svc-c/prod/config/values.yaml", "svc-c/prod/deployment.yaml"}
	work := filepath.Join(base, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	chdir(t, work)
	for _, in := range []string{repo, "../repo", repo + "/svc-a/.."} {
		t.Run(in, func(t *testing.T) {
			out := t.TempDir()
			if _, errOut, code := run(t, "", "migrate", "fix", in, "--to", "1.33", "-o", out); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got := listTree(t, out); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("-o wrote %v, want %v", got, want)
			}
			if got := readFile(t, filepath.Join(out, "svc-b", "deployment.yaml")); !strings.Contains(got, "apps/v1") || !strings.Contains(got, "name: b") {
				t.Errorf("svc-b/deployment.yaml:\n%s", got)
			}
		})
	}

	// Two inputs that would land on one output path: an error, and nothing
	// written.
	out := t.TempDir()
	_, errOut, code := run(t, "", "migrate", "fix", filepath.Join(repo, "svc-a", "deployment.yaml"), filepath.Join(repo, "svc-b", "deployment.yaml"), "--to", "1.33", "-o", out)
	if code != 2 || !strings.Contains(errOut, "would both be written to") {
		t.Errorf("colliding outputs: exit %d, stderr %q; want 2 and an error", code, errOut)
	}
	if got := listTree(t, out); len(got) != 0 {
		t.Errorf("colliding outputs: wrote %v, want nothing", got)
	}
	// An output over an input is refused too.
	_, errOut, code = run(t, "", "migrate", "fix", repo, "--to", "1.33", "-o", repo)
	if code != 2 || !strings.Contains(errOut, "over the input") {
		t.Errorf("-o over the input: exit %d, stderr %q", code, errOut)
	}
	if got := readFile(t, filepath.Join(repo, "svc-a", "deployment.yaml")); got != deployment("a") {
		t.Error("-o over the input changed the input")
	}
}

// Issue 11, item 9: a file named twice is fixed once (its .bak holds the
// original) and checked once.
func TestMigrateFileNamedTwice(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "t")
	writeTree(t, tree, map[string]string{"a.yaml": deployment("a")})
	file := filepath.Join(tree, "a.yaml")

	out, _, code := run(t, "", "migrate", "check", tree, file, filepath.Join(tree, ".", "a.yaml"), "--to", "1.33", "-o", "json")
	if code != 1 {
		t.Fatalf("check: exit %d, want 1", code)
	}
	var v struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Findings) != 1 {
		t.Errorf("check counted the file %d times, want once: %v", len(v.Findings), v.Findings)
	}

	if _, errOut, code := run(t, "", "migrate", "fix", tree, file, "--to", "1.33", "--in-place"); code != 0 {
		t.Fatalf("fix: exit %d: %s", code, errOut)
	}
	if got := readFile(t, file+".bak"); got != deployment("a") {
		t.Errorf("a.yaml.bak does not hold the original:\n%s", got)
	}
	if got := readFile(t, file); !strings.Contains(got, "apiVersion: apps/v1") {
		t.Errorf("a.yaml not fixed:\n%s", got)
	}
	if got := listTree(t, tree); strings.Join(got, " ") != "a.yaml a.yaml.bak" {
		t.Errorf("files %v", got)
	}
}

// Issue 11, item 10: an existing .bak is never overwritten, and a symbolic
// link is written through to its target inside the input, or refused.
func TestMigrateFixInPlaceBackupsAndLinks(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "t")
	writeTree(t, tree, map[string]string{
		"a.yaml":          deployment("a"),
		"a.yaml.bak":      "mine\n",
		"a.yaml.1.bak":    "mine too\n",
		"real/link.yaml":  deployment("linked"),
		"other/keep.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n",
	})
	writeTree(t, filepath.Join(dir, "outside"), map[string]string{"x.yaml": deployment("x")})
	// "0-link.yaml" is walked before its target, so the link is what is read.
	if err := os.Symlink(filepath.Join("real", "link.yaml"), filepath.Join(tree, "0-link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "outside", "x.yaml"), filepath.Join(tree, "out.yaml")); err != nil {
		t.Fatal(err)
	}

	_, errOut, code := run(t, "", "migrate", "fix", tree, "--to", "1.33", "--in-place")
	if code != 2 {
		t.Errorf("exit %d, want 2 for the link that was not rewritten: %s", code, errOut)
	}
	// The backups that were there are kept; the original went to a free name.
	if got := readFile(t, filepath.Join(tree, "a.yaml.bak")); got != "mine\n" {
		t.Errorf("a.yaml.bak overwritten: %q", got)
	}
	if got := readFile(t, filepath.Join(tree, "a.yaml.1.bak")); got != "mine too\n" {
		t.Errorf("a.yaml.1.bak overwritten: %q", got)
	}
	if got := readFile(t, filepath.Join(tree, "a.yaml.2.bak")); got != deployment("a") {
		t.Errorf("a.yaml.2.bak = %q, want the original", got)
	}
	if !strings.Contains(errOut, "a.yaml.bak exists: the original is kept in "+filepath.Join(tree, "a.yaml.2.bak")) {
		t.Errorf("no note of the backup's name: %s", errOut)
	}
	// The link inside the input is kept; its target is fixed, with a .bak.
	if target, err := os.Readlink(filepath.Join(tree, "0-link.yaml")); err != nil || target != filepath.Join("real", "link.yaml") {
		t.Errorf("0-link.yaml is no longer the link: %q, %v", target, err)
	}
	if got := readFile(t, filepath.Join(tree, "real", "link.yaml")); !strings.Contains(got, "apiVersion: apps/v1") {
		t.Errorf("the link's target was not fixed:\n%s", got)
	}
	if got := readFile(t, filepath.Join(tree, "real", "link.yaml.bak")); got != deployment("linked") {
		t.Errorf("the link's target has no .bak of the original: %q", got)
	}
	// The link out of the input is refused, and left as it was.
	if target, err := os.Readlink(filepath.Join(tree, "out.yaml")); err != nil || target != filepath.Join("..", "outside", "x.yaml") {
		t.Errorf("out.yaml is no longer the link: %q, %v", target, err)
	}
	if got := readFile(t, filepath.Join(dir, "outside", "x.yaml")); got != deployment("x") {
		t.Errorf("a file outside the input was rewritten:\n%s", got)
	}
	if !strings.Contains(errOut, "out.yaml: error: a symbolic link to") || !strings.Contains(errOut, "outside "+tree) {
		t.Errorf("no error for the link out of the input: %s", errOut)
	}
	want := []string{"0-link.yaml -> real/link.yaml", "a.yaml", "a.yaml.1.bak", "a.yaml.2.bak", "a.yaml.bak", "other/keep.yaml", "out.yaml -> ../outside/x.yaml", "real/link.yaml", "real/link.yaml.bak"}
	if got := listTree(t, tree); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("files\n%v\nwant\n%v", got, want)
	}
}

// Issue 11, item 11: a file that does not parse is bad input (exit 2, its
// line in the JSON), and fix says error only for errors.
func TestMigrateBadInputAndFixMessages(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"bad/bad.yaml":  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec: [\n",
		"bad/good.yaml": deployment("good"),
		// A kustomize base whose selector and template labels come from
		// commonLabels.
		"base/kustomization.yaml": "resources:\n- deployment.yaml\ncommonLabels:\n  app: web\n",
		"base/deployment.yaml":    "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n",
		// An Ingress in front of a ClusterIP Service: --apply-readiness
		// makes the Service a NodePort.
		"alb/app.yaml": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: alb
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
`,
	})
	bad := filepath.Join(dir, "bad")

	out, errOut, code := run(t, "", "migrate", "check", bad, "--to", "1.33", "--fail-on", "none", "-o", "json")
	if code != 2 {
		t.Errorf("check: exit %d, want 2 (stderr %q)", code, errOut)
	}
	var v struct {
		Findings []struct {
			Rule    string `json:"rule"`
			File    string `json:"file"`
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("check -o json: %v\n%s", err, out)
	}
	found := false
	for _, f := range v.Findings {
		if f.Rule == "parse-error" {
			found = true
			if f.File != filepath.Join(bad, "bad.yaml") || f.Line != 5 || strings.Contains(f.Message, "bad.yaml") {
				t.Errorf("parse error finding %+v, want bad.yaml line 5", f)
			}
		}
	}
	if !found {
		t.Errorf("no parse-error finding: %s", out)
	}

	// fix: the good file is still fixed, the bad one reported, exit 2.
	_, errOut, code = run(t, "", "migrate", "fix", bad, "--to", "1.33", "--in-place")
	if code != 2 || !strings.Contains(errOut, filepath.Join(bad, "bad.yaml")+":5: error: ") {
		t.Errorf("fix: exit %d, want 2 and the file and line: %s", code, errOut)
	}
	if got := readFile(t, filepath.Join(bad, "good.yaml")); !strings.Contains(got, "apps/v1") {
		t.Error("fix: the file that parses was not fixed")
	}

	// fix says "error:" for neither its own readiness fixes nor a kustomize
	// base labelled by commonLabels.
	_, errOut, code = run(t, "", "migrate", "fix", filepath.Join(dir, "base"), filepath.Join(dir, "alb"), "--to", "1.33", "-o", t.TempDir(), "--apply-readiness", "--target", "eks", "--ingress", "alb")
	if code != 0 {
		t.Errorf("fix: exit %d: %s", code, errOut)
	}
	for _, line := range strings.Split(errOut, "\n") {
		if strings.Contains(line, ": error: ") || strings.HasPrefix(line, "Error") {
			t.Errorf("fix said error: %s", line)
		}
	}
	for _, want := range []string{"set spec.type: NodePort", "come from the labels of " + filepath.Join(dir, "base", "kustomization.yaml")} {
		if !strings.Contains(errOut, want) {
			t.Errorf("fix did not say %q: %s", want, errOut)
		}
	}
}

// Issue 11, item 12: the temporary files of a killed run are removed by the
// next run that writes, and --dry-run changes nothing on disk.
func TestMigrateFixRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a.yaml":                  deployment("a"),
		"same.yaml":               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n",
		".a.yaml.refit-123456":    "half",
		".a.yaml.bak.refit-42":    "half",
		".same.yaml.refit-7":      "half",
		".other.yaml.refit-99":    "not ours: other.yaml is not an input",
		".a.yaml.refit-notatemp":  "not a refit temp name",
		"sub/.x.yaml.refit-31337": "in a directory not walked",
	})
	before := listTree(t, dir)
	for _, mode := range [][]string{{"--dry-run"}, {"--diff"}} {
		if _, errOut, code := run(t, "", append([]string{"migrate", "fix", filepath.Join(dir, "a.yaml"), filepath.Join(dir, "same.yaml"), "--to", "1.33"}, mode...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", mode, code, errOut)
		}
		if got := listTree(t, dir); strings.Join(got, " ") != strings.Join(before, " ") {
			t.Errorf("%v changed the disk: %v", mode, got)
		}
		if got := readFile(t, filepath.Join(dir, "a.yaml")); got != deployment("a") {
			t.Errorf("%v rewrote a.yaml", mode)
		}
	}
	if _, errOut, code := run(t, "", "migrate", "fix", filepath.Join(dir, "a.yaml"), filepath.Join(dir, "same.yaml"), "--to", "1.33", "--in-place"); code != 0 {
		t.Fatalf("--in-place: exit %d: %s", code, errOut)
	}
	want := []string{".a.yaml.refit-notatemp", ".other.yaml.refit-99", "a.yaml", "a.yaml.bak", "same.yaml", "sub/.x.yaml.refit-31337"}
	if got := listTree(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after --in-place: %v, want %v", got, want)
	}
}
