package atomicfile

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func names(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.yaml")
	tests := []struct {
		name string
		data string
		perm os.FileMode
	}{
		{"new file", "one\n", 0o644},
		{"replaced, with another mode", "two\n", 0o600},
		{"empty", "", 0o640},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Write(path, []byte(tt.data), tt.perm); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != tt.data {
				t.Fatalf("content %q, %v; want %q", got, err, tt.data)
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != tt.perm {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), tt.perm)
			}
			if got := names(t, dir); got != "a.yaml" {
				t.Errorf("directory holds %s, want a.yaml only", got)
			}
		})
	}
}

func TestWriteErrorsNameThePathAndLeaveNothing(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		filepath.Join(dir, "file", "x.yaml"),       // parent is a file
		filepath.Join(dir, "no", "such", "x.yaml"), // missing directory
		filepath.Join(dir, "sub"),                  // a directory
	} {
		err := Write(path, []byte("data"), 0o644)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Write(%s): error %v, want one naming the path", path, err)
		}
	}
	if got := names(t, dir); got != "file sub" {
		t.Errorf("directory holds %s after failed writes", got)
	}
	if got := names(t, filepath.Join(dir, "sub")); got != "" {
		t.Errorf("sub holds %s after failed writes", got)
	}
}

func TestFileCommitAndClose(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Closed without Commit: the target keeps its content, no temp is left.
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(f.Name()), ".out.txt"+TempSuffix) {
		t.Errorf("temporary file %s, want .out.txt%s*", f.Name(), TempSuffix)
	}
	if _, err := f.Write([]byte("half")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("after Close: %q, want old", got)
	}
	if got := names(t, dir); got != "out.txt" {
		t.Errorf("after Close, directory holds %s", got)
	}
	// Committed: replaced whole.
	f, err = Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"new ", "content"} {
		if _, err := f.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close after Commit: %v", err)
	}
	if err := f.Commit(); err == nil {
		t.Errorf("second Commit: no error")
	}
	if got, _ := os.ReadFile(path); string(got) != "new content" {
		t.Errorf("after Commit: %q", got)
	}
	if got := names(t, dir); got != "out.txt" {
		t.Errorf("after Commit, directory holds %s", got)
	}
}

func TestWriteTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.yaml")
	name, err := WriteTemp(path, []byte("data"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(name) != dir || !strings.HasPrefix(filepath.Base(name), ".a.yaml"+TempSuffix) {
		t.Errorf("temporary file %s, want %s/.a.yaml%s*", name, dir, TempSuffix)
	}
	if got, _ := os.ReadFile(name); string(got) != "data" {
		t.Errorf("temporary file holds %q", got)
	}
	if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("WriteTemp created the target: %v", err)
	}
}
