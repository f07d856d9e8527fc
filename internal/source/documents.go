package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/refit-dev/refit/internal/source/manifest"
	"github.com/refit-dev/refit/internal/source/terraform"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Batch is what one input gave the document walker: the documents of one
// file, of one `kustomize build`, or of one `helm template`.
type Batch struct {
	File string
	// Data is the file's bytes (nil for built output).
	Data []byte
	Docs []yamldoc.Document
	// Built is true for the output of kustomize build or helm template:
	// findings there must be fixed in the sources.
	Built bool
	// Skipped says why the input was not read as YAML ("" when it was).
	Skipped string
	// Err is a parse error; the walk goes on.
	Err error
	// Root is the input path (as given) the batch was found under: the
	// directory walked, or the file itself.
	Root string
}

// Input is one thing Documents reads: a file (or "-"), a Kustomize
// directory (built) or a Helm chart (rendered).
type Input struct {
	Path      string
	Root      string // the input path it was found under
	Kustomize bool
	Helm      bool
}

// Inputs lists what Documents reads for paths, in order, without reading
// it: a file named twice, or reached both directly and through a symbolic
// link, is listed once (under the first name).
func (l *Loader) Inputs(paths []string) ([]Input, error) {
	units, err := l.documentUnits(paths)
	if err != nil {
		return nil, err
	}
	out := make([]Input, len(units))
	for i, u := range units {
		out[i] = Input{Path: u.path, Root: u.root, Kustomize: u.kustomize, Helm: u.helm}
	}
	return out, nil
}

// documentUnits expands paths for Documents and drops repeats: the same
// file (or directory) by real path, so that it is checked, counted and
// rewritten once.
func (l *Loader) documentUnits(paths []string) ([]unit, error) {
	if len(paths) == 0 {
		return nil, errors.New("no input: give files, directories or - for stdin")
	}
	var units []unit
	err := l.eachUnit(paths, func(u unit) bool {
		units = append(units, u)
		return true
	})
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return nil, fmt.Errorf("no .yaml, .yml or .json files in %s", strings.Join(paths, ", "))
	}
	return units, nil
}

// eachUnit hands yield the units of paths, in order, as documentUnits
// lists them; yield returning false stops it.
func (l *Loader) eachUnit(paths []string, yield func(unit) bool) error {
	// What was read is remembered by a 128-bit hash of its key: 16 bytes
	// a file, whatever its path.
	seen := map[[16]byte]bool{}
	dirs := map[string]string{}
	h := fnv.New128a()
	stop := false
	for _, p := range paths {
		add := func(u unit) bool {
			h.Reset()
			io.WriteString(h, l.unitKey(u, dirs))
			var k [16]byte
			h.Sum(k[:0])
			if seen[k] {
				return true
			}
			seen[k] = true
			u.root = p
			if !yield(u) {
				stop = true
				return false
			}
			return true
		}
		if err := l.expandEach(p, true, add); err != nil {
			return err
		}
		if stop {
			return nil
		}
	}
	return nil
}

// unitKey identifies a unit by what it reads: the real path on disk
// (symbolic links resolved), the cleaned name elsewhere. dirs caches the
// real paths of directories: a regular file the walk found is its
// directory's real path and its name, without a system call of its own.
func (l *Loader) unitKey(u unit, dirs map[string]string) string {
	k := path.Clean(u.path)
	if l.FS == OS && u.walked {
		dir, base := filepath.Split(u.path)
		real, ok := dirs[dir]
		if !ok {
			real = manifest.RealPath(dir)
			dirs[dir] = real
		}
		return "file:" + filepath.Join(real, base)
	}
	if l.FS == OS && u.path != Stdin {
		k = manifest.RealPath(k)
	}
	switch {
	case u.kustomize:
		return "kustomize:" + k
	case u.helm:
		return "helm:" + k
	}
	return "file:" + k
}

// Documents walks paths like Load, but hands every file's YAML documents to
// visit instead of translating them, for tools that check or rewrite
// manifests. Kustomize directories give both their source files and their
// built output; Helm charts are rendered with `helm template` when helm is
// installed, else reported as skipped; templated files that are not YAML
// are reported as skipped, never silently dropped. Files are parsed in
// parallel and visited in order, one at a time, so memory stays bounded on
// repositories of any size.
func (l *Loader) Documents(paths []string, visit func(Batch) error) error {
	units, err := l.documentUnits(paths)
	if err != nil {
		return err
	}
	return l.parseAll(units, l.parseDocs, func(r parsed) error {
		return visit(Batch{File: r.name, Data: r.data, Docs: r.docs, Built: r.built, Skipped: r.skipped, Err: r.err, Root: r.root})
	})
}

// DocumentsFunc is Documents with work done on all cores: each batch is
// handed to work in one of the worker goroutines that read the files, and
// the results to consume one at a time, in input order. With l.Unsplit,
// files are read but not split: work gets each file's Data with Docs nil
// and parses it itself (built Kustomize and Helm output is split as by
// Documents).
//
// The files of a directory are read as the walk finds them: the walk is
// never held whole.
func DocumentsFunc[T any](l *Loader, paths []string, work func(Batch) T, consume func(T) error) error {
	if len(paths) == 0 {
		return errors.New("no input: give files, directories or - for stdin")
	}
	n := 0
	err := inOrderStream(l.Workers, streamBatch, func(yield func(unit) bool) error {
		return l.eachUnit(paths, func(u unit) bool {
			n++
			return yield(u)
		})
	}, func(u unit) T {
		// work is done with the file's bytes when it returns: they are
		// read into a buffer that the next file reuses.
		buf := readBuffers.Get().(*[]byte)
		r := l.parseUnitDocsInto(u, buf)
		out := work(Batch{File: r.name, Data: r.data, Docs: r.docs, Built: r.built, Skipped: r.skipped, Err: r.err, Root: u.root})
		if r.data != nil && cap(r.data) <= maxPooledRead {
			*buf = r.data[:0]
		}
		readBuffers.Put(buf)
		return out
	}, consume)
	if err == nil && n == 0 {
		err = fmt.Errorf("no .yaml, .yml or .json files in %s", strings.Join(paths, ", "))
	}
	return err
}

func (l *Loader) parseDocs(u unit) parsed {
	p := l.parseUnitDocsInto(u, nil)
	p.root = u.root
	return p
}

// readBuffers are the buffers DocumentsFunc reads files into; one larger
// than maxPooledRead is left to the garbage collector.
var readBuffers = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledRead = 1 << 20

// readInto reads a file of the disk into buf (grown as needed), as
// os.ReadFile does.
func readInto(name string, buf []byte) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf = buf[:0]
	size := -1 // unknown
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() && int64(int(info.Size())) == info.Size() {
		size = int(info.Size())
		if cap(buf) < size+512 {
			buf = make([]byte, 0, size+512)
		}
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF || (err == nil && len(buf) == size && size > 0) {
			// All the bytes the file had when opened: no read to
			// find the end.
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// parseUnitDocsInto reads and splits a unit for Documents, reading a file
// of the disk into buf when buf is not nil (DocumentsFunc).
func (l *Loader) parseUnitDocsInto(u unit, buf *[]byte) parsed {
	switch {
	case u.kustomize:
		docs, err := manifest.BuildKustomize(u.path)
		return parsed{name: u.path + " (kustomize build)", docs: docs, err: err, built: true}
	case u.helm:
		return renderHelm(u.path)
	}
	var data []byte
	var err error
	name := u.path
	if u.path == Stdin {
		if l.Stdin == nil {
			return parsed{name: "<stdin>", err: errors.New("-: no standard input")}
		}
		name = "<stdin>"
		data, err = io.ReadAll(l.Stdin)
	} else {
		if buf != nil && l.FS == OS {
			data, err = readInto(u.path, *buf)
		} else {
			data, err = l.FS.ReadFile(u.path)
		}
	}
	if err != nil {
		return parsed{name: name, err: fmt.Errorf("%s: %w", name, unwrapPathError(err))}
	}
	if terraform.IsPlan(data) {
		return parsed{name: name, skipped: "a Terraform plan, not Kubernetes manifests"}
	}
	if line := templateLine(data); line > 0 {
		return parsed{name: name, skipped: fmt.Sprintf("line %d: a template ({{ ... }}), not YAML: render it first (helm template CHART | refit migrate check -)", line)}
	}
	if l.Unsplit {
		return parsed{name: name, data: data}
	}
	docs, err := yamldoc.Split(name, data)
	return parsed{name: name, data: data, docs: docs, err: err}
}

// templateLine returns the first line with Go template delimiters outside
// comments, or 0.
func templateLine(data []byte) int {
	if !bytes.Contains(data, []byte("{{")) {
		return 0
	}
	for i, line := range bytes.Split(data, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] == '#' {
			continue
		}
		if bytes.Contains(t, []byte("{{")) && bytes.Contains(t, []byte("}}")) {
			return i + 1
		}
	}
	return 0
}

func isHelmChart(fsys fs.FS, dir string) bool {
	_, err := fs.Stat(fsys, path.Join(dir, "Chart.yaml"))
	return err == nil
}

// renderHelm renders a chart with helm template, when helm is installed.
func renderHelm(dir string) parsed {
	name := dir + " (helm template)"
	helm, err := exec.LookPath("helm")
	if err != nil {
		return parsed{name: dir, skipped: "a Helm chart, not rendered: helm is not installed (or pipe `helm template " + dir + "` to refit migrate check -)"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, helm, "template", dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return parsed{name: dir, skipped: "a Helm chart that helm template could not render: " + strings.TrimSpace(stderr.String())}
	}
	docs, err := yamldoc.Split(name, stdout.Bytes())
	return parsed{name: name, docs: docs, err: err, built: true}
}
