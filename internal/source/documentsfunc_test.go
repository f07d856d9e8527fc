package source

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestDocumentsFunc: the streaming walk hands the same batches as
// Documents, in the same order, with the files unsplit; it stops at the
// first error of consume and says when there is nothing to read.
func TestDocumentsFunc(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 40; i++ {
		p := filepath.Join(dir, fmt.Sprintf("d%d", i%3), fmt.Sprintf("f%02d.yaml", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(fmt.Sprintf("kind: K\nmetadata: {name: n%d}\n", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, paths := range [][]string{{dir}, {dir, filepath.Join(dir, "d1")}, {"testdata/docs", "testdata/mixed/overlay"}} {
		var want []string
		l := &Loader{FS: OS, Workers: 3}
		if err := l.Documents(paths, func(b Batch) error {
			want = append(want, b.File+" "+b.Root+" "+b.Skipped+fmt.Sprint(b.Built, len(b.Data)))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var got []string
		l = &Loader{FS: OS, Workers: 3, Unsplit: true}
		err := DocumentsFunc(l, paths, func(b Batch) string {
			if b.Docs != nil && !b.Built {
				t.Errorf("%s: split with Unsplit", b.File)
			}
			return b.File + " " + b.Root + " " + b.Skipped + fmt.Sprint(b.Built, len(b.Data))
		}, func(s string) error {
			got = append(got, s)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v: DocumentsFunc\n%s\nDocuments\n%s", paths, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	// A link to a file of the same walk is read once, whichever comes
	// first.
	links := t.TempDir()
	os.MkdirAll(filepath.Join(links, "real"), 0o755)
	os.WriteFile(filepath.Join(links, "real", "x.yaml"), []byte("kind: K\n"), 0o644)
	os.Symlink(filepath.Join("real", "x.yaml"), filepath.Join(links, "0-link.yaml"))
	os.Symlink(filepath.Join("real", "x.yaml"), filepath.Join(links, "z-link.yaml"))
	var read []string
	if err := DocumentsFunc(&Loader{FS: OS, Unsplit: true}, []string{links}, func(b Batch) string { return b.File }, func(s string) error {
		read = append(read, s)
		return nil
	}); err != nil || len(read) != 1 {
		t.Errorf("links: read %v (%v), want the file once", read, err)
	}
	stop := errors.New("stop")
	n := 0
	err := DocumentsFunc(&Loader{FS: OS, Workers: 2, Unsplit: true}, []string{dir}, func(b Batch) int { return 1 }, func(int) error {
		if n++; n == 5 {
			return stop
		}
		return nil
	})
	if err != stop || n != 5 {
		t.Errorf("after a consume error: %v, %d consumed", err, n)
	}
	empty := t.TempDir()
	if err := DocumentsFunc(&Loader{FS: OS}, []string{empty}, func(Batch) int { return 0 }, func(int) error { return nil }); err == nil || !strings.Contains(err.Error(), "no .yaml") {
		t.Errorf("empty directory: %v", err)
	}
	if err := DocumentsFunc(&Loader{FS: OS}, []string{filepath.Join(empty, "missing")}, func(Batch) int { return 0 }, func(int) error { return nil }); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing path: %v", err)
	}
}

// TestReadInto: readInto reads what os.ReadFile reads, into a reused
// buffer of any size.
func TestReadInto(t *testing.T) {
	dir := t.TempDir()
	var buf []byte
	for _, n := range []int{0, 1, 511, 512, 5000, 70000, 3} {
		p := filepath.Join(dir, fmt.Sprint(n))
		data := []byte(strings.Repeat("abcdefg\n", n/8+1)[:n])
		os.WriteFile(p, data, 0o644)
		got, err := readInto(p, buf)
		if err != nil || string(got) != string(data) {
			t.Fatalf("%d bytes: read %d (%v)", n, len(got), err)
		}
		buf = got[:0]
	}
	if got, err := readInto("/proc/self/status", nil); err != nil || len(got) == 0 {
		t.Errorf("a file that states no size: %d bytes (%v)", len(got), err)
	}
	if _, err := readInto(filepath.Join(dir, "missing"), nil); err == nil {
		t.Error("a missing file read")
	}
}
