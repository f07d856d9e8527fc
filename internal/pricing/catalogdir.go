package pricing

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/refit-dev/refit/internal/atomicfile"
)

// currentCatalog returns the catalog an update starts from: the files in
// dir (when it exists) over the embedded catalog. It must load: an update
// never silently drops a catalog it cannot read.
func currentCatalog(dir string) (fs.FS, error) {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return EmbeddedFS(), nil
	}
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	base := overlayFS{os.DirFS(dir), EmbeddedFS()}
	if _, err := Load(base); err != nil {
		return nil, fmt.Errorf("the catalog in %s does not load, so it cannot be updated (fix it, or remove the directory to start from the embedded catalog): %w", dir, err)
	}
	return base, nil
}

// overlayFS reads a file from top, or from bottom when top has none. Its
// directory listing is the union of both (top's regular files only).
type overlayFS struct{ top, bottom fs.FS }

func (o overlayFS) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if err == nil {
		if info, serr := f.Stat(); serr == nil && info.Mode().IsRegular() {
			return f, nil
		}
		f.Close()
	}
	return o.bottom.Open(name)
}

func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]bool{}
	var out []fs.DirEntry
	if top, err := fs.ReadDir(o.top, name); err == nil {
		for _, e := range top {
			if e.Type().IsRegular() {
				seen[e.Name()] = true
				out = append(out, e)
			}
		}
	}
	bottom, err := fs.ReadDir(o.bottom, name)
	if err != nil && len(out) == 0 {
		return nil, err
	}
	for _, e := range bottom {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// ReplaceCatalog makes dir hold exactly files (name -> content), whole: it
// writes them into a new directory beside dir, checks that they load as a
// catalog, and renames that directory into place, moving the old one aside
// first and removing it after. A reader sees the old catalog or the new
// one, never a mix; on any error dir is left as it was. dir may not hold
// subdirectories (they would be lost), and may not be the working
// directory.
func ReplaceCatalog(dir string, files map[string][]byte) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real // replace the directory a symlink points to, not the link
	}
	if wd, err := os.Getwd(); err == nil {
		if real, err := filepath.EvalSymlinks(wd); err == nil && real == dir {
			return fmt.Errorf("%s is the working directory; write the catalog to a directory of its own", dir)
		}
	}
	mode := fs.FileMode(0o755)
	info, err := os.Stat(dir)
	exists := err == nil
	switch {
	case exists && !info.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	case exists:
		mode = info.Mode().Perm()
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if !e.Type().IsRegular() {
				return fmt.Errorf("%s holds %s, which is not a catalog file; the catalog is replaced whole, so write it to a directory of its own", dir, e.Name())
			}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	parent, name := filepath.Split(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+name+".new-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	names := make([]string, 0, len(files))
	for n := range files {
		if n == "" || n == "." || n == ".." || n != filepath.Base(n) {
			return fmt.Errorf("pricing: bad catalog file name %q", n)
		}
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := atomicfile.Write(filepath.Join(tmp, n), files[n], 0o644); err != nil {
			return err
		}
	}
	if _, err := Load(os.DirFS(tmp)); err != nil {
		return fmt.Errorf("the new catalog does not load: %w", err)
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return err
	}
	if !exists {
		return os.Rename(tmp, dir)
	}
	aside, err := os.MkdirTemp(parent, "."+name+".old-")
	if err != nil {
		return err
	}
	if err := os.Remove(aside); err != nil {
		return err
	}
	if err := os.Rename(dir, aside); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if rerr := os.Rename(aside, dir); rerr != nil {
			return fmt.Errorf("%w; the old catalog is in %s", err, aside)
		}
		return err
	}
	return os.RemoveAll(aside)
}
