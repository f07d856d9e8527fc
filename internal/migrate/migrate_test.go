package migrate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/source/rewrite"
	"github.com/refit-dev/refit/internal/yamldoc"
)

const oldDeployment = `apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: NAME # keep this comment
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

func listTree(t *testing.T, dir string) string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if rel, _ := filepath.Rel(dir, p); !info.IsDir() {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func v(t *testing.T, s string) kubeapi.Version {
	t.Helper()
	ver, err := kubeapi.ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return ver
}

func TestFailLevel(t *testing.T) {
	fs := []kubeapi.Finding{{Severity: kubeapi.Error}, {Severity: kubeapi.Warning}, {Severity: kubeapi.Warning}, {Severity: kubeapi.Info}}
	tests := []struct {
		failOn string
		want   int
	}{
		{"removed", 1},
		{"deprecated", 3},
		{"any", 4},
		{"none", 0},
	}
	for _, tt := range tests {
		level, err := FailLevel(tt.failOn)
		if err != nil {
			t.Fatalf("%s: %v", tt.failOn, err)
		}
		if got := CountAtLeast(fs, level); got != tt.want {
			t.Errorf("--fail-on %s: %d findings, want %d", tt.failOn, got, tt.want)
		}
	}
	if _, err := FailLevel("errors"); err == nil || !strings.Contains(err.Error(), `--fail-on "errors"`) {
		t.Errorf("FailLevel(errors) = %v", err)
	}
}

func TestErrorFinding(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantLine  int
		wantMsg   string
		wantRule  string
		wantError bool
	}{
		{"yamldoc error", &yamldoc.Error{File: "a.yaml", Line: 7, Msg: "bad indent"}, 7, "bad indent", "parse-error", true},
		{"file:line: message", errors.New("a.yaml:12: mapping key repeated"), 12, "mapping key repeated", "parse-error", true},
		{"file: message", errors.New("a.yaml: not YAML"), 0, "not YAML", "parse-error", true},
		{"other file", errors.New("b.yaml:3: x"), 0, "b.yaml:3: x", "parse-error", true},
		{"file:word: message", errors.New("a.yaml:x: y"), 0, "a.yaml:x: y", "parse-error", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := errorFinding(tt.wantRule, "a.yaml", tt.err)
			if f.Line != tt.wantLine || f.Message != tt.wantMsg || f.Rule != tt.wantRule || f.Severity != kubeapi.Error || f.File != "a.yaml" {
				t.Errorf("errorFinding = %+v, want line %d message %q", f, tt.wantLine, tt.wantMsg)
			}
		})
	}
}

func TestLiveOrigin(t *testing.T) {
	for file, want := range map[string]bool{
		"kube:prod/deployments.apps/default/web": true,
		"helm:default/web":                       true,
		"eks:eu-west-1/prod":                     true,
		"k8s/web.yaml":                           false,
		"<stdin>":                                false,
	} {
		if got := liveOrigin(file); got != want {
			t.Errorf("liveOrigin(%q) = %v, want %v", file, got, want)
		}
	}
}

func TestOutputPaths(t *testing.T) {
	base := t.TempDir()
	writeTree(t, base, map[string]string{
		"repo/a/deployment.yaml": deployment("a"),
		"repo/b/deployment.yaml": deployment("b"),
		"single.yaml":            deployment("s"),
		"other/single.yaml":      deployment("o"),
	})
	inputs := func(paths ...string) []source.Input {
		t.Helper()
		in, err := (&source.Loader{FS: source.OS}).Inputs(paths)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	out := filepath.Join(base, "out")
	tests := []struct {
		name    string
		paths   []string
		dir     string
		want    map[string]string
		wantErr string
	}{
		{"a tree mirrored", []string{filepath.Join(base, "repo")}, out, map[string]string{
			filepath.Join(base, "repo/a/deployment.yaml"): filepath.Join(out, "a/deployment.yaml"),
			filepath.Join(base, "repo/b/deployment.yaml"): filepath.Join(out, "b/deployment.yaml"),
		}, ""},
		{"a file by its name", []string{filepath.Join(base, "single.yaml")}, out, map[string]string{
			filepath.Join(base, "single.yaml"): filepath.Join(out, "single.yaml"),
		}, ""},
		{"stdin", []string{"-"}, out, map[string]string{"<stdin>": filepath.Join(out, "stdin.yaml")}, ""},
		{"two files on one path", []string{filepath.Join(base, "single.yaml"), filepath.Join(base, "other/single.yaml")}, out, nil, "would both be written to"},
		{"over an input", []string{filepath.Join(base, "repo")}, filepath.Join(base, "repo"), nil, "would be written over the input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rewrite.OutputPaths(tt.dir, inputs(tt.paths...))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("outputPaths = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWriteBackupNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.yaml")
	for i, want := range []string{path + ".bak", path + ".1.bak", path + ".2.bak"} {
		name, err := rewrite.WriteBackup(path, []byte(fmt.Sprint(i)), 0o640)
		if err != nil {
			t.Fatal(err)
		}
		if name != want {
			t.Errorf("backup %d written to %s, want %s", i, name, want)
		}
		if got, _ := os.ReadFile(name); string(got) != fmt.Sprint(i) {
			t.Errorf("%s holds %q", name, got)
		}
	}
	if got := listTree(t, dir); got != "a.yaml.1.bak a.yaml.2.bak a.yaml.bak" {
		t.Errorf("directory holds %s", got)
	}
}

func TestReplaceInPlace(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	in := filepath.Join(dir, "in")
	writeTree(t, in, map[string]string{"a.yaml": "old a\n", "real/b.yaml": "old b\n"})
	writeTree(t, outside, map[string]string{"c.yaml": "old c\n"})
	if err := os.Symlink(filepath.Join(in, "real/b.yaml"), filepath.Join(in, "b.yaml")); err != nil {
		t.Skip("no symbolic links:", err)
	}
	if err := os.Symlink(filepath.Join(outside, "c.yaml"), filepath.Join(in, "c.yaml")); err != nil {
		t.Fatal(err)
	}

	notes, err := rewrite.ReplaceInPlace(filepath.Join(in, "a.yaml"), in, []byte("new a\n"), true)
	if err != nil || len(notes) != 0 {
		t.Fatalf("a.yaml: notes %q, err %v", notes, err)
	}
	if got, _ := os.ReadFile(filepath.Join(in, "a.yaml.bak")); string(got) != "old a\n" {
		t.Errorf("a.yaml.bak holds %q", got)
	}

	notes, err = rewrite.ReplaceInPlace(filepath.Join(in, "b.yaml"), in, []byte("new b\n"), false)
	if err != nil || len(notes) != 1 || !strings.Contains(notes[0], "a symbolic link: rewrote the file it points to") {
		t.Fatalf("b.yaml: notes %q, err %v", notes, err)
	}
	if got, _ := os.ReadFile(filepath.Join(in, "real/b.yaml")); string(got) != "new b\n" {
		t.Errorf("real/b.yaml holds %q", got)
	}
	if fi, _ := os.Lstat(filepath.Join(in, "b.yaml")); fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link b.yaml was replaced by a file")
	}

	if _, err := rewrite.ReplaceInPlace(filepath.Join(in, "c.yaml"), in, []byte("new c\n"), true); !errors.Is(err, rewrite.ErrLinkOutside) {
		t.Errorf("c.yaml (a link outside): err %v, want errLinkOutside", err)
	}
	if got, _ := os.ReadFile(filepath.Join(outside, "c.yaml")); string(got) != "old c\n" {
		t.Errorf("the file outside was rewritten: %q", got)
	}
	if got := listTree(t, in); got != "a.yaml a.yaml.bak b.yaml c.yaml real/b.yaml" {
		t.Errorf("input holds %s", got)
	}
}

func TestRemoveStaleTemps(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a.yaml":                  "a",
		".a.yaml.refit-123456":    "half",
		".a.yaml.bak.refit-42":    "half",
		".a.yaml.3.bak.refit-42":  "half",
		".a.yaml.refit-notatemp":  "not a refit temp name",
		".b.yaml.refit-99":        "another file's",
		"sub/.a.yaml.refit-31337": "another directory",
	})
	rewrite.RemoveStaleTemps(filepath.Join(dir, "a.yaml"))
	if got, want := listTree(t, dir), ".a.yaml.refit-notatemp .b.yaml.refit-99 a.yaml sub/.a.yaml.refit-31337"; got != want {
		t.Errorf("left %s, want %s", got, want)
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"web.yaml":    deployment("web"),
		"broken.yaml": "a: [\n",
	})
	res, err := Check(context.Background(), Options{Paths: []string{dir}, To: v(t, "1.33")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != 1 {
		t.Errorf("Failed = %d, want 1 (broken.yaml)", res.Failed)
	}
	var got []string
	for _, f := range res.List.Slice() {
		got = append(got, fmt.Sprintf("%s %s %s fixable=%v", filepath.Base(f.File), f.Rule, f.Severity, f.Fixable))
	}
	want := []string{"broken.yaml parse-error error fixable=false", "web.yaml removed-api error fixable=true"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCheckKustomizeJSONPatch: a Kustomize tree's JSON 6902 patch file (a
// list of operations) is not a manifest and no parse error; check and fix
// leave it alone and the tree checks clean.
func TestCheckKustomizeJSONPatch(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"base/kustomization.yaml":                "resources:\n  - web.yaml\n",
		"base/web.yaml":                          deployment("web"),
		"overlays/canary/kustomization.yaml":     "resources:\n  - ../../base\npatches:\n  - path: replicas.json6902.yaml\n    target:\n      kind: Deployment\n      name: web\n",
		"overlays/canary/replicas.json6902.yaml": "# canary runs one\n- op: replace\n  path: /spec/replicas\n  value: 1\n",
	})
	res, err := Check(context.Background(), Options{Paths: []string{dir}, To: v(t, "1.33")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != 0 {
		t.Errorf("Failed = %d, want 0", res.Failed)
	}
	for _, f := range res.List.Slice() {
		if f.Rule == "parse-error" || strings.HasSuffix(f.File, ".json6902.yaml") {
			t.Errorf("finding on the patch: %s:%d %s %s", f.File, f.Line, f.Rule, f.Message)
		}
	}
}

func TestFixModes(t *testing.T) {
	tests := []struct {
		name     string
		mode     Mode
		backup   bool
		wantOut  string
		wantTree string
	}{
		{"diff", Diff, false, "+apiVersion: apps/v1", "web.yaml"},
		{"dry run", DryRun, false, "would rewrite ", "web.yaml"},
		{"in place", InPlace, true, "", "web.yaml web.yaml.bak"},
		{"in place without backup", InPlace, false, "", "web.yaml"},
		{"output dir", OutputDir, false, "", "web.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{"web.yaml": deployment("web")})
			outDir := filepath.Join(t.TempDir(), "out")
			var out bytes.Buffer
			res, err := Fix(context.Background(), FixOptions{Options: Options{Paths: []string{dir}, To: v(t, "1.33")},
				Mode: tt.mode, OutDir: outDir, Backup: tt.backup, Out: &out})
			if err != nil {
				t.Fatal(err)
			}
			if res.ChangedFiles != 1 || res.ChangedObjects != 1 || res.Failed != 0 {
				t.Errorf("result %+v, want one file and one object changed", res)
			}
			if !strings.Contains(out.String(), tt.wantOut) || (tt.wantOut == "" && out.Len() > 0) {
				t.Errorf("out:\n%s\nwant %q", out.String(), tt.wantOut)
			}
			if got := listTree(t, dir); got != tt.wantTree {
				t.Errorf("input holds %s, want %s", got, tt.wantTree)
			}
			written := filepath.Join(dir, "web.yaml")
			switch tt.mode {
			case OutputDir:
				written = filepath.Join(outDir, "web.yaml")
			case Diff, DryRun:
				written = ""
			}
			if written == "" {
				if got, _ := os.ReadFile(filepath.Join(dir, "web.yaml")); string(got) != deployment("web") {
					t.Errorf("%s changed the input:\n%s", tt.name, got)
				}
				return
			}
			got, err := os.ReadFile(written)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(got), "apiVersion: apps/v1") || !strings.Contains(string(got), "# keep this comment") {
				t.Errorf("%s:\n%s", written, got)
			}
		})
	}
}

func TestFixStdin(t *testing.T) {
	var out bytes.Buffer
	res, err := Fix(context.Background(), FixOptions{Options: Options{Paths: []string{"-"}, Stdin: strings.NewReader(deployment("web")), To: v(t, "1.33")},
		Mode: InPlace, Backup: true, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if res.ChangedFiles != 1 || !strings.HasPrefix(out.String(), "apiVersion: apps/v1\n") {
		t.Errorf("result %+v, out:\n%s", res, out.String())
	}
}
