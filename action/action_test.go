// Package action tests refit's GitHub Action (../action.yml): its steps run
// with bash as GitHub's runner would run them, against a local GitHub API
// and a local release server, with refit built from this checkout.
package action

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/prcomment"
	"github.com/refit-dev/refit/internal/prcomment/forgetest"
)

const token = "ghs_actionT0kenValue"

type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			Name  string            `yaml:"name"`
			ID    string            `yaml:"id"`
			If    string            `yaml:"if"`
			Shell string            `yaml:"shell"`
			Run   string            `yaml:"run"`
			Uses  string            `yaml:"uses"`
			With  map[string]string `yaml:"with"`
			Env   map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

// runner runs action.yml's composite steps the way GitHub does: ${{ }}
// expressions substituted, one $GITHUB_OUTPUT file per step, $GITHUB_PATH
// added to PATH for later steps.
type runner struct {
	t        *testing.T
	root     string // the repository: github.action_path and the workspace
	action   actionFile
	env      map[string]string
	inputs   map[string]string
	outputs  map[string]map[string]string
	path     []string
	uploaded map[string]string // the upload-sarif step's with, when it ran
	summary  string
}

var exprRE = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

func (r *runner) value(expr string) string {
	r.t.Helper()
	switch {
	case strings.HasPrefix(expr, "inputs."):
		name := strings.TrimPrefix(expr, "inputs.")
		in, ok := r.action.Inputs[name]
		if !ok {
			r.t.Fatalf("action.yml uses undeclared input %q", name)
		}
		if v, ok := r.inputs[name]; ok {
			return v
		}
		return r.eval(in.Default)
	case expr == "github.action_path":
		return r.root
	case expr == "github.token":
		return token
	case expr == "github.event.pull_request.number":
		return r.env["TEST_PULL_REQUEST"]
	case strings.HasPrefix(expr, "steps."):
		parts := strings.Split(expr, ".")
		if len(parts) != 4 || parts[2] != "outputs" {
			r.t.Fatalf("unsupported expression %q", expr)
		}
		return r.outputs[parts[1]][parts[3]]
	}
	r.t.Fatalf("unsupported expression %q", expr)
	return ""
}

func (r *runner) eval(s string) string {
	return exprRE.ReplaceAllStringFunc(s, func(m string) string { return r.value(exprRE.FindStringSubmatch(m)[1]) })
}

// cond evaluates an if: of the form A == 'x' && B != ” ...
func (r *runner) cond(s string) bool {
	r.t.Helper()
	s = strings.TrimSpace(s)
	if m := exprRE.FindStringSubmatch(s); m != nil && m[0] == s {
		s = m[1]
	}
	for _, term := range strings.Split(s, "&&") {
		term = strings.TrimSpace(term)
		op := "=="
		if strings.Contains(term, "!=") {
			op = "!="
		}
		l, rt, ok := strings.Cut(term, op)
		if !ok {
			r.t.Fatalf("unsupported if: %q", term)
		}
		lit := strings.TrimSpace(rt)
		if !strings.HasPrefix(lit, "'") || !strings.HasSuffix(lit, "'") {
			r.t.Fatalf("unsupported if: %q", term)
		}
		eq := r.value(strings.TrimSpace(l)) == strings.Trim(lit, "'")
		if eq != (op == "==") {
			return false
		}
	}
	return true
}

// run runs the action's steps; it returns the failing step's name and its
// exit code, or "", 0.
func (r *runner) run(inputs map[string]string) (string, int, string) {
	t := r.t
	t.Helper()
	r.inputs, r.outputs, r.uploaded = inputs, map[string]map[string]string{}, nil
	for name := range inputs {
		if _, ok := r.action.Inputs[name]; !ok {
			t.Fatalf("input %q is not in action.yml", name)
		}
	}
	temp := t.TempDir()
	summary := filepath.Join(temp, "summary.md")
	ghPath := filepath.Join(temp, "path")
	var log strings.Builder
	for i, st := range r.action.Runs.Steps {
		if st.Uses != "" {
			if st.If == "" || r.cond(st.If) {
				r.uploaded = map[string]string{"uses": st.Uses}
				for k, v := range st.With {
					r.uploaded[k] = r.eval(v)
				}
			}
			continue
		}
		if st.Shell != "bash" || st.Run == "" {
			t.Fatalf("step %q: want shell: bash and run:", st.Name)
		}
		if st.If != "" && !r.cond(st.If) {
			continue
		}
		outFile := filepath.Join(temp, fmt.Sprintf("output-%d", i))
		os.WriteFile(outFile, nil, 0o644)
		env := []string{
			"PATH=" + strings.Join(append(append([]string(nil), r.path...), os.Getenv("PATH")), string(os.PathListSeparator)),
			"RUNNER_TEMP=" + temp, "GITHUB_OUTPUT=" + outFile, "GITHUB_STEP_SUMMARY=" + summary, "GITHUB_PATH=" + ghPath,
		}
		for _, kv := range os.Environ() {
			if strings.HasPrefix(kv, "GO") || strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "XDG_") {
				env = append(env, kv)
			}
		}
		for k, v := range r.env {
			env = append(env, k+"="+v)
		}
		for k, v := range st.Env {
			env = append(env, k+"="+r.eval(v))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "-e", "-c", r.eval(st.Run))
		cmd.WaitDelay = 5 * time.Second
		cmd.Dir, cmd.Env = r.root, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		cancel()
		fmt.Fprintf(&log, "== %s\n%s", st.Name, out.String())
		if st.ID != "" {
			r.outputs[st.ID] = readOutputs(t, outFile)
		}
		if data, err := os.ReadFile(ghPath); err == nil {
			r.path = strings.Fields(string(data))
		}
		if err != nil {
			code := -1
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			data, _ := os.ReadFile(summary)
			r.summary = string(data)
			return st.Name, code, log.String()
		}
	}
	data, _ := os.ReadFile(summary)
	r.summary = string(data)
	return "", 0, log.String()
}

func readOutputs(t *testing.T, file string) map[string]string {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

// releases serves refit's release assets (name -> content) under /VERSION/.
func releases(files map[string][]byte) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if data, ok := files[strings.TrimPrefix(r.URL.Path, "/")]; ok {
			w.Write(data)
			return
		}
		http.NotFound(w, r)
	}))
}

func tarGz(t *testing.T, name string, data []byte) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(data))}); err != nil {
		t.Fatal(err)
	}
	tw.Write(data)
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func TestAction(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	for _, tool := range []string{"curl", "sha256sum", "tar", "awk"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin")
	if _, err := os.Stat(filepath.Join(goBin, "go")); err != nil {
		t.Skip("no Go toolchain to build refit with")
	}
	if testing.Short() {
		t.Skip("builds refit")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var af actionFile
	if err := yaml.Unmarshal(data, &af); err != nil {
		t.Fatal(err)
	}
	if af.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q", af.Runs.Using)
	}

	gh := forgetest.New(token)
	defer gh.Close()
	gh.AddPullRequest("acme/shop", 7, 120)
	none := releases(nil)
	defer none.Close()
	r := &runner{t: t, root: root, action: af, env: map[string]string{
		"GITHUB_REPOSITORY": "acme/shop", "GITHUB_API_URL": gh.GitHubURL(), "TEST_PULL_REQUEST": "7",
		"REFIT_DOWNLOAD_BASE": none.URL,
	}}
	r.path = []string{goBin}

	// 1. No release reachable: the action builds refit, prices the change
	// and comments.
	step, code, log := r.run(map[string]string{"base": "examples/kops-before", "head": "examples/eks-after", "tag": "prod"})
	if step != "" {
		t.Fatalf("step %q exited %d:\n%s", step, code, log)
	}
	if !strings.Contains(log, "building it from") {
		t.Errorf("did not build refit:\n%s", log)
	}
	mine := func(tag string) []forgetest.Note {
		var out []forgetest.Note
		for _, c := range gh.Comments("acme/shop", 7) {
			if prcomment.HasMarker(c.Body, tag) {
				out = append(out, c)
			}
		}
		return out
	}
	first := mine("prod")
	if len(first) != 1 || !strings.Contains(first[0].Body, "### refit cost diff:") || len(gh.Comments("acme/shop", 7)) != 121 {
		t.Fatalf("after the first run: %d of refit's comments, %d in all", len(first), len(gh.Comments("acme/shop", 7)))
	}
	if !strings.Contains(r.summary, "### refit cost diff:") || r.outputs["run"]["exit-code"] != "0" {
		t.Errorf("summary %q, outputs %v", r.summary, r.outputs["run"])
	}
	if len(r.path) != 1 {
		t.Fatalf("GITHUB_PATH after install: %v", r.path)
	}
	bin, err := os.ReadFile(filepath.Join(r.path[0], "refit"))
	if err != nil {
		t.Fatalf("the built refit: %v", err)
	}

	// 2. A release to download; the change now costs more than
	// --fail-on-increase allows: the comment is updated, then the gate fails.
	version := af.Inputs["version"].Default
	asset := fmt.Sprintf("refit_%s_%s_%s.tar.gz", strings.TrimPrefix(version, "v"), runtime.GOOS, runtime.GOARCH)
	tgz := tarGz(t, "refit", bin)
	sum := sha256.Sum256(tgz)
	rel := releases(map[string][]byte{
		version + "/" + asset:      tgz,
		version + "/checksums.txt": []byte(hex.EncodeToString(sum[:]) + "  " + asset + "\n"),
	})
	defer rel.Close()
	r.env["REFIT_DOWNLOAD_BASE"] = rel.URL
	r.path = nil
	step, code, log = r.run(map[string]string{"base": "examples/eks-after", "head": "examples/kops-before", "tag": "prod", "fail-on-increase": "10%"})
	if step != "Gate" || code != 1 {
		t.Fatalf("want the gate to fail with 1, got step %q exit %d:\n%s", step, code, log)
	}
	if !strings.Contains(log, "installed refit "+version+" from the release") {
		t.Errorf("did not download the release:\n%s", log)
	}
	second := mine("prod")
	if len(second) != 1 || second[0].ID != first[0].ID || second[0].Body == first[0].Body || len(gh.Comments("acme/shop", 7)) != 121 {
		t.Fatalf("after the second run: %d of refit's comments (id %v, was %d), %d in all", len(second), second, first[0].ID, len(gh.Comments("acme/shop", 7)))
	}

	// 3. migrate-check: SARIF for code scanning, valid and uploaded, and a
	// comment of its own.
	step, code, log = r.run(map[string]string{"mode": "migrate-check", "paths": "examples/kops-before/manifests", "to": "1.33", "tag": "prod"})
	if step != "Gate" || code != 1 {
		t.Fatalf("want the gate to fail (removed APIs), got step %q exit %d:\n%s", step, code, log)
	}
	sarif := r.outputs["run"]["sarif"]
	if r.uploaded == nil || !strings.HasPrefix(r.uploaded["uses"], "github/codeql-action/upload-sarif@") || r.uploaded["sarif_file"] != sarif || sarif == "" {
		t.Fatalf("upload step: %v (sarif %q)", r.uploaded, sarif)
	}
	validateSARIF(t, root, sarif)
	if n := len(mine("prod-migrate")); n != 1 {
		t.Errorf("%d migrate comments", n)
	}
	if !strings.Contains(r.summary, "### refit migrate:") {
		t.Errorf("summary %q", r.summary)
	}

	// 4. A release whose checksum does not match is refused.
	bad := releases(map[string][]byte{
		version + "/" + asset:      tgz,
		version + "/checksums.txt": []byte(strings.Repeat("0", 64) + "  " + asset + "\n"),
	})
	defer bad.Close()
	r.env["REFIT_DOWNLOAD_BASE"] = bad.URL
	step, code, log = r.run(map[string]string{"base": "examples/kops-before", "head": "examples/eks-after"})
	if step != "Install refit" || code != 2 || !strings.Contains(log, "does not match") {
		t.Errorf("bad checksum: step %q exit %d:\n%s", step, code, log)
	}

	for _, req := range gh.Requests() {
		if strings.Contains(req.Path+req.Query, token) {
			t.Errorf("token in a URL")
		}
	}
	if strings.Contains(log, token) {
		t.Error("token in the log")
	}
}

func validateSARIF(t *testing.T, root, file string) {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "internal", "report", "testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("the action's SARIF is not valid SARIF 2.1.0: %v", err)
	}
}
