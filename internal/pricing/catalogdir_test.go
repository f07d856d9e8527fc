package pricing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReplaceCatalog(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "prices")
	if _, err := UpdateFromOffers("testdata/offers", out); err != nil {
		t.Fatal(err)
	}
	// A file of the user's beside the catalog is carried over.
	if err := os.WriteFile(filepath.Join(out, "NOTES.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Through a symlink, the directory it points to is replaced.
	link := filepath.Join(parent, "link")
	if err := os.Symlink(out, link); err != nil {
		t.Fatal(err)
	}
	sum, err := UpdateFromOffers("testdata/offers/AmazonEKS", link)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("symlink replaced: %v %v", fi, err)
	}
	if data, err := os.ReadFile(filepath.Join(out, "NOTES.txt")); err != nil || string(data) != "mine" {
		t.Errorf("NOTES.txt: %q, %v", data, err)
	}
	if !strings.Contains(strings.Join(sum.Copied, " "), "NOTES.txt") {
		t.Errorf("copied %v, want NOTES.txt among them", sum.Copied)
	}
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left beside the catalog: %s", e.Name())
		}
	}

	// A directory with subdirectories is not replaced.
	if err := os.Mkdir(filepath.Join(out, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)
	if _, err := UpdateFromOffers("testdata/offers/AmazonEKS", out); err == nil || !strings.Contains(err.Error(), "holds sub, which is not a catalog file") {
		t.Errorf("err = %v", err)
	}
	if snapshot(t, out) != before {
		t.Error("catalog changed")
	}
	os.Remove(filepath.Join(out, "sub"))

	// A catalog that does not load is not silently replaced.
	if err := os.WriteFile(filepath.Join(out, FileServices), []byte("service,item,region,unit,usd,source\nebs,gp3_storage,us-east-1,usd_per_gb_month,abc,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := UpdateFromOffers("testdata/offers/AmazonEKS", out); err == nil || !strings.Contains(err.Error(), "does not load, so it cannot be updated") {
		t.Errorf("err = %v", err)
	}

	// The working directory is refused.
	t.Chdir(out)
	if err := ReplaceCatalog(".", map[string][]byte{}); err == nil || !strings.Contains(err.Error(), "working directory") {
		t.Errorf("err = %v", err)
	}
}
