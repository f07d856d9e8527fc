package golden

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	d := Diff([]byte("a\nb\nc\n"), []byte("a\nB\nc\n"))
	for _, want := range []string{"--- golden", "+++ got", "-b", "+B"} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if Diff([]byte("x\n"), []byte("x\n")) != "" {
		t.Error("equal inputs: a diff")
	}
}

type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Errorf(format string, args ...any) { r.failed = format }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = format }
func (r *recorder) Helper()                           {}

func TestAssert(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "x.golden")
	r := &recorder{TB: t}
	Assert(r, path, []byte("x\n"))
	if r.failed == "" {
		t.Error("missing golden file: no failure")
	}
	*update = true
	AssertJSON(t, path, map[string]string{"a": "<b>"})
	*update = false
	r = &recorder{TB: t}
	AssertString(r, path, "{\n  \"a\": \"<b>\"\n}\n")
	if r.failed != "" {
		t.Errorf("written file does not match: %s", r.failed)
	}
	AssertString(r, path, "other\n")
	if r.failed == "" {
		t.Error("different output: no failure")
	}
}
