package pricing

import (
	"fmt"
	"os"
	"path/filepath"
)

// UserDir is where `refit prices update` writes by default, and where the
// other commands look for a catalog before using the embedded one:
// $XDG_CONFIG_HOME/refit/prices (~/.config/refit/prices on Linux).
func UserDir() string {
	d, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "refit", "prices")
}

// UserOfferCache is where `refit prices update --fetch` keeps offer
// files: $XDG_CACHE_HOME/refit/offers (~/.cache/refit/offers on Linux).
func UserOfferCache() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "refit", "offers")
}

// Open reads the catalog in dir (the --prices flag); with no dir, the one
// `refit prices update` wrote in UserDir, if any, else the embedded one.
// It returns which it used ("" for the embedded catalog).
func Open(dir string) (*Catalog, string, error) {
	if dir == "" {
		user := UserDir()
		if _, err := os.Stat(filepath.Join(user, FileServices)); user == "" || err != nil {
			cat, err := Default()
			return cat, "", err
		}
		dir = user
	} else if _, err := os.Stat(dir); err != nil {
		return nil, "", fmt.Errorf("--prices: %w", err)
	}
	cat, err := Load(os.DirFS(dir))
	if err != nil {
		return nil, "", fmt.Errorf("price catalog %s: %w", dir, err)
	}
	return cat, dir, nil
}
