// Package atomicfile writes files so that a reader sees the old content or
// the new, never a part: the data goes to a hidden temporary file beside
// the target (.NAME.refit-NNN), is flushed to disk, and is renamed over the
// target. On any error the target is left as it was and the temporary file
// is removed. Every error names the target.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// TempSuffix is what the temporary file of NAME is called after
// ".NAME": ".refit-" and a number.
const TempSuffix = ".refit-"

// File is a file being written in place of a target: Write to it, then
// Commit to rename it over the target, or Close to drop it.
type File struct {
	path string
	tmp  *os.File
	done bool
}

var _ io.WriteCloser = (*File)(nil)

// Create starts writing path: a new temporary file beside it, with mode
// perm once committed.
func Create(path string, perm os.FileMode) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+TempSuffix+"*")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &File{path: path, tmp: tmp}, nil
}

// Name is the temporary file's name.
func (f *File) Name() string { return f.tmp.Name() }

func (f *File) Write(p []byte) (int, error) {
	n, err := f.tmp.Write(p)
	if err != nil {
		err = fmt.Errorf("%s: %w", f.path, err)
	}
	return n, err
}

// Close drops the temporary file, unless Commit renamed it.
func (f *File) Close() error {
	if f.done {
		return nil
	}
	f.done = true
	f.tmp.Close()
	os.Remove(f.tmp.Name())
	return nil
}

// closeKeep flushes and closes the temporary file and keeps it (it is not
// renamed): the caller renames or links it, and removes it.
func (f *File) closeKeep() error {
	fail := func(err error) error {
		f.Close()
		return fmt.Errorf("%s: %w", f.path, err)
	}
	if err := f.tmp.Sync(); err != nil {
		return fail(err)
	}
	f.done = true
	if err := f.tmp.Close(); err != nil {
		os.Remove(f.tmp.Name())
		return fmt.Errorf("%s: %w", f.path, err)
	}
	return nil
}

// Commit flushes the temporary file to disk and renames it over the
// target.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("%s: already closed", f.path)
	}
	if err := f.closeKeep(); err != nil {
		return err
	}
	if err := os.Rename(f.tmp.Name(), f.path); err != nil {
		os.Remove(f.tmp.Name())
		return fmt.Errorf("%s: %w", f.path, err)
	}
	return nil
}

// WriteTemp writes data to a new temporary file beside path, flushed to
// disk with mode perm, and returns its name: for a caller that links or
// renames it itself.
func WriteTemp(path string, data []byte, perm os.FileMode) (string, error) {
	f, err := Create(path, perm)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", err
	}
	if err := f.closeKeep(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// Write replaces path with data, with mode perm.
func Write(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Commit()
}
