package pricing

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyEmbedded writes the embedded catalog into dir.
func copyEmbedded(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	err := fs.WalkDir(EmbeddedFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(EmbeddedFS(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, filepath.Base(p)), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpen(t *testing.T) {
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	t.Setenv("HOME", t.TempDir())
	if got, want := UserDir(), filepath.Join(config, "refit", "prices"); got != want {
		t.Fatalf("UserDir() = %s, want %s", got, want)
	}
	own := filepath.Join(t.TempDir(), "prices")
	copyEmbedded(t, own)
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, FileServices), []byte("not,a,catalog\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		user    bool // a catalog in UserDir
		dir     string
		wantDir string
		wantErr string
	}{
		{"embedded", false, "", "", ""},
		{"the one prices update wrote", true, "", UserDir(), ""},
		{"--prices over the user's", true, own, own, ""},
		{"--prices missing", false, filepath.Join(own, "none"), "", "--prices: "},
		{"--prices not a catalog", false, broken, "", "price catalog " + broken + ": "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.RemoveAll(UserDir())
			if tt.user {
				copyEmbedded(t, UserDir())
			}
			cat, dir, err := Open(tt.dir)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("Open(%q): error %v, want %q", tt.dir, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if dir != tt.wantDir || cat == nil {
				t.Errorf("Open(%q) used %q, want %q", tt.dir, dir, tt.wantDir)
			}
		})
	}
}

func TestUserOfferCache(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	if got, want := UserOfferCache(), filepath.Join(cache, "refit", "offers"); got != want {
		t.Errorf("UserOfferCache() = %s, want %s", got, want)
	}
}

func TestServicePricesEstimated(t *testing.T) {
	cat, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	// An item of the service that some region lacks: listed there as an
	// estimate, after the items the region has.
	var region, item string
	for _, r := range cat.CommercialRegions() {
		for _, m := range cat.Missing(r) {
			if s, i, _ := strings.Cut(m, " "); s == "nat_gateway" || item == "" {
				region, item = r, s+" "+i
			}
		}
	}
	if item == "" {
		t.Skip("the embedded catalog prices every item in every commercial region")
	}
	service, it, _ := strings.Cut(item, " ")
	ps := cat.ServicePricesEstimated(service, "", region)
	seenEstimate := false
	found := false
	for _, p := range ps {
		if p.EstimatedFrom != "" {
			seenEstimate = true
		} else if seenEstimate {
			t.Errorf("%s priced in %s listed after an estimate", p.Item, region)
		}
		if p.Item == it {
			found = p.EstimatedFrom != "" && p.Region == region
		}
	}
	if !found {
		t.Errorf("%s in %s: not listed as an estimate: %+v", item, region, ps)
	}
	if only := cat.ServicePricesEstimated(service, it, region); len(only) != 1 || only[0].Item != it {
		t.Errorf("ServicePricesEstimated(%s, %s, %s) = %+v, want the one item", service, it, region, only)
	}
}
