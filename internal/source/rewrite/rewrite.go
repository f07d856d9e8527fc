// Package rewrite writes back files that source.Loader.Documents read:
// refit migrate fix and refit rightsize --fix. -o DIR mirrors each
// input's tree, and --in-place replaces files through a temporary file,
// keeps a .bak that never overwrites another file, writes symbolic links
// through to their target inside the input, and removes the temporary
// files a killed run left behind.
package rewrite

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/refit-dev/refit/internal/atomicfile"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/source/manifest"
)

// Mode is what a fix does with each file it rewrites: refit migrate fix
// and refit rightsize --fix offer the same four.
type Mode int

const (
	// Diff prints a unified diff (WriteDiff).
	Diff Mode = iota
	// DryRun lists the files that would change.
	DryRun
	// InPlace rewrites the files (with a .bak unless told not to; stdin is
	// written to the output).
	InPlace
	// OutputDir writes every file under a directory, mirroring the input
	// tree (OutputPaths).
	OutputDir
)

// OutputPaths maps every file Documents will read to its path under dir:
// its path relative to the input it was found under (a directory given on
// the command line), or its base name for a file given by name; stdin is
// stdin.yaml. Two files that would land on one path, or an output that
// would overwrite an input, are an error, before anything is written.
func OutputPaths(dir string, inputs []source.Input) (map[string]string, error) {
	out := map[string]string{}
	byPath := map[string]string{}
	realInputs := map[string]string{}
	for _, in := range inputs {
		if !in.Kustomize && !in.Helm && in.Path != source.Stdin {
			realInputs[manifest.RealPath(in.Path)] = in.Path
		}
	}
	for _, in := range inputs {
		if in.Kustomize || in.Helm {
			continue // built or rendered: their files are written as files
		}
		name, rel := in.Path, outputRel(in)
		if in.Path == source.Stdin {
			name = "<stdin>"
		}
		p := filepath.Join(dir, rel)
		if prev, ok := byPath[p]; ok {
			return nil, fmt.Errorf("-o %s: %s and %s would both be written to %s: give them in separate runs (or give their common directory)", dir, prev, name, p)
		}
		if src, ok := realInputs[manifest.RealPath(p)]; ok {
			return nil, fmt.Errorf("-o %s: %s would be written over the input %s: choose another directory, or use --in-place", dir, p, src)
		}
		byPath[p] = name
		out[name] = p
	}
	return out, nil
}

// outputRel is where an input file goes under -o DIR.
func outputRel(in source.Input) string {
	if in.Path == source.Stdin {
		return "stdin.yaml"
	}
	if info, err := os.Stat(in.Root); err == nil && info.IsDir() {
		if rel, err := filepath.Rel(in.Root, in.Path); err == nil && filepath.IsLocal(rel) {
			return rel
		}
	}
	return filepath.Base(in.Path)
}

// ErrLinkOutside is a symbolic link --in-place does not follow.
var ErrLinkOutside = errors.New("symbolic link outside the input")

// inPlaceTarget returns the file --in-place rewrites for path: path
// itself, or, when path is a symbolic link, the file it points to, if that
// is inside the input (root, or the directory of root when root is a
// file). A link is never replaced by a plain file.
func inPlaceTarget(path, root string) (target string, link bool, err error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", false, err
	}
	if fi.Mode()&os.ModeSymlink == 0 {
		return path, false, nil
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", true, fmt.Errorf("a symbolic link that does not resolve: %w", err)
	}
	real = manifest.RealPath(real)
	dir := root
	if info, err := os.Stat(root); err != nil || !info.IsDir() {
		dir = filepath.Dir(root)
	}
	rel, err := filepath.Rel(manifest.RealPath(dir), real)
	if err != nil || !filepath.IsLocal(rel) {
		return "", true, fmt.Errorf("%w: a symbolic link to %s, outside %s: not rewritten (fix the file it points to, or use -o DIR)", ErrLinkOutside, real, dir)
	}
	return real, true, nil
}

// ReplaceInPlace rewrites file (found under root) with data, keeping its
// mode; with backup, the old bytes stay in a .bak file that overwrites
// nothing. It returns notes on what it did besides.
func ReplaceInPlace(file, root string, data []byte, backup bool) ([]string, error) {
	target, link, err := inPlaceTarget(file, root)
	if err != nil {
		return nil, err
	}
	var notes []string
	if link {
		notes = append(notes, fmt.Sprintf("a symbolic link: rewrote the file it points to, %s (the link is kept)", target))
	}
	info, err := os.Stat(target)
	if err != nil {
		return nil, err
	}
	mode := info.Mode().Perm()
	if backup {
		old, err := os.ReadFile(target)
		if err != nil {
			return nil, err
		}
		bak, err := WriteBackup(target, old, mode)
		if err != nil {
			return nil, err
		}
		if bak != target+".bak" {
			notes = append(notes, fmt.Sprintf("%s.bak exists: the original is kept in %s", target, bak))
		}
	}
	return notes, atomicWrite(target, data, mode)
}

// maxBackups bounds the .N.bak names tried.
const maxBackups = 1000

// WriteBackup writes data to path.bak or, when that exists, to the first
// free path.N.bak, never over an existing file, and returns the name.
func WriteBackup(path string, data []byte, mode os.FileMode) (string, error) {
	tmp, err := atomicfile.WriteTemp(path, data, mode)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp)
	for i := 0; i < maxBackups; i++ {
		name := path + ".bak"
		if i > 0 {
			name = path + "." + strconv.Itoa(i) + ".bak"
		}
		err := os.Link(tmp, name) // fails when name exists: no overwrite
		if err == nil {
			return name, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		// No hard links on this file system: create the file exclusively.
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(name)
			return "", fmt.Errorf("%s: %w", name, werr)
		}
		return name, nil
	}
	return "", fmt.Errorf("%s.bak and %s.1.bak to %s.%d.bak all exist: move them away, or use --no-backup", path, path, path, maxBackups-1)
}

// atomicWrite replaces path with data through a temporary file and a
// rename, first removing the temporary files of path that an interrupted
// run left.
func atomicWrite(path string, data []byte, mode os.FileMode) error {
	RemoveStaleTemps(path)
	return atomicfile.Write(path, data, mode)
}

// RemoveStaleTemps removes the temporary files refit writes beside path
// (.NAME.refit-NNN, and .NAME.bak.refit-NNN of older releases): they are
// left only when a run was killed.
func RemoveStaleTemps(path string) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	re := regexp.MustCompile(`^\.` + regexp.QuoteMeta(base) + `(\.bak|\.[0-9]+\.bak)?\.refit-[0-9]+$`)
	for _, e := range entries {
		if e.Type().IsRegular() && re.MatchString(e.Name()) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// WriteOutput writes a rewritten file to its path under -o DIR.
func WriteOutput(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicWrite(path, data, 0o644)
}

// WriteDiff writes a unified diff of a file's change (a/NAME, b/NAME, three
// lines of context), as migrate fix --diff and rightsize --fix print it.
func WriteDiff(w io.Writer, name string, before, after []byte) error {
	d := difflib.UnifiedDiff{
		A: difflib.SplitLines(string(before)), B: difflib.SplitLines(string(after)),
		FromFile: "a/" + name, ToFile: "b/" + name, Context: 3,
	}
	text, err := difflib.GetUnifiedDiffString(d)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(w, text)
	return err
}
