package cli

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runSafe runs refit in-process like run, turning a panic into a test
// failure that names the command.
func runSafe(t *testing.T, args ...string) (out, errOut string, code int) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("refit %s panicked: %v", strings.Join(args, " "), r)
			code = -1
		}
	}()
	var o, e bytes.Buffer
	code = Run(args, IO{In: strings.NewReader(""), Out: &o, ErrOut: &e})
	return o.String(), e.String(), code
}

// TestHostileInputs runs every command that reads files over the hostile
// inputs of testdata/hostile (numbers past their range, NaN and infinities,
// negative sizes, a broken kustomization, bad billing files) and fails on
// any panic. Where the input is bad, the command must exit 2 naming the
// file and line. docs/hostile-inputs.md records the run.
func TestHostileInputs(t *testing.T) {
	const dir = "testdata/hostile"
	const cluster = "testdata/repo/cluster.yaml"
	glob := func(pattern string) []string {
		files, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s in %s", pattern, dir)
		}
		return files
	}
	// fails expects exit 2 and an error that names file:line.
	fails := func(file string, args ...string) {
		t.Helper()
		_, errOut, code := runSafe(t, args...)
		at := regexp.MustCompile(regexp.QuoteMeta(file) + `:\d+: `)
		if code != ExitUsage || !at.MatchString(errOut) {
			t.Errorf("refit %s: exit %d, want 2 with an error naming %s:LINE; stderr:\n%s", strings.Join(args, " "), code, file, errOut)
		}
	}
	// survives expects no panic and a documented exit code.
	survives := func(args ...string) {
		t.Helper()
		_, errOut, code := runSafe(t, args...)
		if code < ExitOK || code > ExitUsage {
			t.Errorf("refit %s: exit %d; stderr:\n%s", strings.Join(args, " "), code, errOut)
		}
	}

	for _, f := range glob("manifests/*.yaml") {
		fails(f, "cost", f)
		fails(f, "cost", cluster, f, "-o", "json")
		fails(f, "cost", "diff", cluster, f)
		fails(f, "plan", cluster, f)
		fails(f, "waste", cluster, f)
		survives("migrate", "check", f, "--to", "1.33")
		survives("migrate", "fix", f, "--to", "1.33", "--dry-run")
	}
	for _, u := range glob("usage/*.yaml") {
		fails(u, "cost", cluster, "--usage", u)
		fails(u, "cost", "diff", cluster, cluster, "--usage", u)
		fails(u, "plan", cluster, "--usage", u)
		fails(u, "waste", cluster, "--usage", u)
	}
	// A kustomization that cannot be built, alone: nothing to price.
	broken := filepath.Join(dir, "broken-kustomization")
	for _, cmd := range [][]string{{"cost"}, {"plan"}, {"waste"}, {"cost", "diff", cluster}} {
		_, errOut, code := runSafe(t, append(cmd, broken)...)
		if code != ExitUsage || !strings.Contains(errOut, filepath.Join(broken, "kustomization.yaml")+": kustomize build: kustomization.yaml is empty") {
			t.Errorf("refit %v %s: exit %d; stderr:\n%s", cmd, broken, code, errOut)
		}
	}
	// Bad billing exports: rejected rows are named with file and row; a
	// file that is no export at all is an error.
	for _, f := range glob("bill/cur-*.csv") {
		out, errOut, code := runSafe(t, "bill", "summary", f)
		if code != ExitOK || !regexp.MustCompile(regexp.QuoteMeta(f)+`: row \d+: `).MatchString(out+errOut) {
			t.Errorf("refit bill summary %s: exit %d, want 0 with the rejected rows named; output:\n%s%s", f, code, out, errOut)
		}
	}
	garbage := filepath.Join(dir, "bill", "garbage.csv")
	if _, errOut, code := runSafe(t, "bill", "summary", garbage); code != ExitUsage || !strings.Contains(errOut, garbage+": not a billing export") {
		t.Errorf("refit bill summary %s: exit %d; stderr:\n%s", garbage, code, errOut)
	}
	// Numbers at the edge of their range are read, and nothing overflows.
	for _, f := range glob("valid/*.yaml") {
		for _, cmd := range []string{"cost", "plan", "waste"} {
			out, errOut, code := runSafe(t, cmd, cluster, f, "-o", "json")
			if code != ExitOK || strings.Contains(out, `"totalMonthlyCost": -`) {
				t.Errorf("refit %s %s: exit %d; stderr:\n%s", cmd, f, code, errOut)
			}
		}
	}
	// The whole directory at once.
	for _, args := range [][]string{
		{"cost", dir}, {"plan", dir}, {"waste", dir}, {"cost", "diff", dir, dir},
		{"migrate", "check", dir, "--to", "1.33"}, {"migrate", "fix", dir, "--to", "1.33", "--dry-run"},
	} {
		survives(args...)
	}
	if t.Failed() {
		return
	}
	t.Logf("%d manifest, %d usage, %d bill files: no panic", len(glob("manifests/*.yaml")), len(glob("usage/*.yaml")), len(glob("bill/*.csv")))
}
