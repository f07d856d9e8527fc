// Package source reads files, directories, Kustomize directories and stdin,
// detects what each document is (kops, eksctl, Kubernetes manifest, Terraform
// plan JSON), and hands it to the matching translator. Each translator only
// turns its input into an Estate; this package merges them.
package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/eksctl"
	"github.com/refit-dev/refit/internal/source/kops"
	"github.com/refit-dev/refit/internal/source/manifest"
	"github.com/refit-dev/refit/internal/source/terraform"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Stdin is the path that means standard input.
const Stdin = "-"

// FS is what the loader reads from: the disk (OS) or an embedded tree.
type FS interface {
	fs.ReadFileFS
	fs.ReadDirFS
}

// OS reads the real file system; names are OS paths.
var OS FS = osFS{}

type osFS struct{}

func (osFS) Open(name string) (fs.File, error)          { return os.Open(name) }
func (osFS) ReadFile(name string) ([]byte, error)       { return os.ReadFile(name) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (osFS) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }

// Prefixed serves fsys under a directory name, so that origins read
// "examples/eks-after/cluster.yaml" for an embedded tree.
func Prefixed(prefix string, fsys fs.FS) FS {
	return prefixFS{prefix: strings.TrimSuffix(prefix, "/") + "/", fsys: fsys}
}

type prefixFS struct {
	prefix string
	fsys   fs.FS
}

func (p prefixFS) name(n string) (string, error) {
	if n+"/" == p.prefix {
		return ".", nil
	}
	rest, ok := strings.CutPrefix(n, p.prefix)
	if !ok {
		return "", &fs.PathError{Op: "open", Path: n, Err: fs.ErrNotExist}
	}
	return rest, nil
}

func (p prefixFS) Open(n string) (fs.File, error) {
	r, err := p.name(n)
	if err != nil {
		return nil, err
	}
	return p.fsys.Open(r)
}

func (p prefixFS) ReadFile(n string) ([]byte, error) {
	r, err := p.name(n)
	if err != nil {
		return nil, err
	}
	return fs.ReadFile(p.fsys, r)
}

func (p prefixFS) ReadDir(n string) ([]fs.DirEntry, error) {
	r, err := p.name(n)
	if err != nil {
		return nil, err
	}
	return fs.ReadDir(p.fsys, r)
}

// Loader loads estates.
type Loader struct {
	FS    FS
	Stdin io.Reader
	// Workers bounds parallel file parsing (default GOMAXPROCS).
	Workers int
	// Unsplit: DocumentsFunc hands plain files' bytes unsplit (Docs nil).
	Unsplit bool
	// Overlay, when set, keeps only the Kustomize overlays (kustomizations
	// that build another one) with a path element of that name.
	Overlay string
}

// Load reads paths from the disk (and "-" from stdin).
func Load(paths []string, stdin io.Reader) (*estate.Estate, error) {
	return (&Loader{FS: OS, Stdin: stdin}).Load(paths)
}

// unit is one thing to parse: a file, stdin, a kustomization directory or a
// Helm chart.
type unit struct {
	path      string
	kustomize bool
	helm      bool
	// root is the input path the unit was found under (Documents only).
	root string
	// namespace is the one the kustomization that builds this file sets
	// ("" when none does).
	namespace string
	// walked: a regular file (not a symbolic link) found in a directory.
	walked bool
}

// parsed is what one unit gave.
type parsed struct {
	root    string
	unit    unit
	name    string
	data    []byte
	docs    []yamldoc.Document
	tf      *estate.Estate
	skipped string
	built   bool
	err     error
}

// Load reads every path, detects each document's kind and builds one Estate.
func (l *Loader) Load(paths []string) (*estate.Estate, error) {
	if len(paths) == 0 {
		return nil, errors.New("no input: give files, directories or - for stdin")
	}
	var units []unit
	for _, p := range paths {
		us, err := l.expand(p, false)
		if err != nil {
			return nil, err
		}
		units = append(units, us...)
	}
	if len(units) == 0 {
		return nil, fmt.Errorf("no .yaml, .yml or .json files in %s", strings.Join(paths, ", "))
	}
	out := &estate.Estate{}
	if l.FS == OS {
		ks := kustomizations{}
		var err error
		if units, out.Notes, err = selectKustomize(units, l.Overlay, ks); err != nil {
			return nil, err
		}
		for i, u := range units {
			if !u.kustomize && u.path != Stdin {
				units[i].namespace = ks.namespaceOf(u.path)
			}
		}
	} else if l.Overlay != "" {
		return nil, fmt.Errorf("--overlay %s: the input has no Kustomize overlay", l.Overlay)
	}
	var kopsDocs []yamldoc.Document
	manifests := manifest.NewParser()
	hasManifests := false
	var parts []*estate.Estate
	// Files are parsed in parallel and consumed in order; each file's YAML
	// tree is dropped as soon as it is translated, so memory follows the
	// largest file, not the whole input.
	err := l.parseAll(units, l.parse, func(r parsed) error {
		if r.err != nil && r.unit.kustomize {
			// One broken kustomization leaves the rest to price; the
			// result says it is partial.
			out.Unread = append(out.Unread, r.err.Error())
			return nil
		}
		if r.err != nil {
			return r.err
		}
		if r.tf != nil {
			parts = append(parts, r.tf)
			return nil
		}
		var docs []yamldoc.Document
		for _, d := range r.docs {
			switch group := d.Group(); {
			case group == "kops.k8s.io":
				kopsDocs = append(kopsDocs, d)
			case group == "eksctl.io":
				e, err := eksctl.Parse(d)
				if err != nil {
					return err
				}
				parts = append(parts, e)
			default:
				docs = append(docs, d)
			}
		}
		if len(docs) > 0 {
			hasManifests = true
			return manifests.AddIn(docs, r.unit.namespace)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(kopsDocs) > 0 {
		e, err := kops.Parse(kopsDocs)
		if err != nil {
			return nil, err
		}
		parts = append(parts, e)
	}
	if hasManifests {
		e, err := manifests.Finish()
		if err != nil {
			return nil, err
		}
		parts = append(parts, e)
	}
	if len(parts) == 0 {
		if len(out.Unread) > 0 {
			return nil, fmt.Errorf("nothing could be read in %s:\n  %s", strings.Join(paths, ", "), strings.Join(out.Unread, "\n  "))
		}
		return nil, fmt.Errorf("no kops, eksctl, Kubernetes or Terraform documents in %s", strings.Join(paths, ", "))
	}
	for _, e := range parts {
		if err := out.Merge(e); err != nil {
			return nil, err
		}
	}
	return out, out.Validate()
}

// expand turns a path into units: files by extension, directories walked
// recursively in name order, Kustomize directories built as a whole.
func (l *Loader) expand(p string, sources bool) ([]unit, error) {
	var units []unit
	err := l.expandEach(p, sources, func(u unit) bool {
		units = append(units, u)
		return true
	})
	return units, err
}

// expandEach hands yield the units of p, as expand lists them, as it
// finds them; yield returning false stops it.
func (l *Loader) expandEach(p string, sources bool, yield func(unit) bool) error {
	if p == Stdin {
		yield(unit{path: Stdin})
		return nil
	}
	info, err := fs.Stat(l.FS, p)
	if err != nil {
		return fmt.Errorf("%s: %w", p, unwrapPathError(err))
	}
	if !info.IsDir() {
		yield(unit{path: p})
		return nil
	}
	return l.walk(p, sources, yield)
}

// walk hands yield the units of the directory p in walk order (name
// order, depth first) as it finds them; yield returning false stops it.
func (l *Loader) walk(p string, sources bool, yield func(unit) bool) error {
	stopped := errors.New("stopped")
	emit := func(u unit) error {
		if !yield(u) {
			return stopped
		}
		return nil
	}
	err := fs.WalkDir(l.FS, p, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name != p && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			if l.FS == OS && manifest.IsKustomization(name) {
				if err := emit(unit{path: name, kustomize: true}); err != nil {
					return err
				}
				if !sources {
					return fs.SkipDir
				}
			}
			if sources && isHelmChart(l.FS, name) {
				if err := emit(unit{path: name, helm: true}); err != nil {
					return err
				}
				return fs.SkipDir
			}
			return nil
		}
		switch strings.ToLower(path.Ext(name)) {
		case ".yaml", ".yml", ".json":
			return emit(unit{path: name, walked: d.Type().IsRegular()})
		}
		return nil
	})
	if err == stopped {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parseAll parses units on all cores and hands each result to consume in
// input order. At most a few results wait at any time, which bounds memory.
// The first error stops the work and is returned.
func (l *Loader) parseAll(units []unit, parse func(unit) parsed, consume func(parsed) error) error {
	return inOrder(l.Workers, units, parse, consume)
}

// inOrderStream runs work on the units walk yields, as it finds them (so
// that the units are never all held), on all cores (workers, or
// GOMAXPROCS), and hands the results to consume in input order. Units go
// to the workers in batches of size (streamBatch for small files keeps
// the hand-offs between goroutines, a few microseconds each, small beside
// the work); at most 2×workers batches are in flight. The error of walk
// (after the units it yielded were worked) or the first of consume is
// returned.
func inOrderStream[T any](workers, size int, walk func(yield func(unit) bool) error, work func(unit) T, consume func(T) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ahead := 2 * workers // batches worked ahead of the consumer
	slots := make(chan struct{}, ahead)
	// Batch i lands in done[i%ahead]: it is dispatched only once the
	// consumer took batch i-ahead, so the slot is free.
	done := make([]chan []T, ahead)
	for i := range done {
		done[i] = make(chan []T, 1)
	}
	type job struct {
		i     int
		units []unit
	}
	jobs := make(chan job)
	stop := make(chan struct{})
	count := make(chan int, 1)
	var walkErr error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				rs := make([]T, len(j.units))
				for k, u := range j.units {
					rs[k] = work(u)
				}
				done[j.i%ahead] <- rs
			}
		}()
	}
	go func() {
		n := 0
		var batch []unit
		send := func() bool {
			select {
			case slots <- struct{}{}:
			case <-stop:
				return false
			}
			select {
			case jobs <- job{n, batch}:
			case <-stop:
				return false
			}
			n++
			batch = nil
			return true
		}
		walkErr = walk(func(u unit) bool {
			batch = append(batch, u)
			return len(batch) < size || send()
		})
		if len(batch) > 0 {
			send()
		}
		close(jobs)
		count <- n
	}()
	var err error
	total := -1
consume:
	for i := 0; total < 0 || i < total; i++ {
		var rs []T
		if total < 0 {
			select {
			case rs = <-done[i%ahead]:
			case total = <-count:
				i--
				continue
			}
		} else {
			rs = <-done[i%ahead]
		}
		<-slots
		for _, r := range rs {
			if err = consume(r); err != nil {
				break consume
			}
		}
	}
	close(stop)
	wg.Wait()
	if total < 0 {
		<-count
	}
	if err == nil {
		err = walkErr
	}
	return err
}

// streamBatch is how many units a worker of DocumentsFunc takes at once.
const streamBatch = 16

// inOrder runs work on units on all cores (workers, or GOMAXPROCS) and
// hands the results to consume in input order, one unit to a worker at a
// time (a unit may be a whole kustomize build). At most 2×workers results
// are in flight, so memory does not grow with the number of units. The
// first error of consume stops the work and is returned.
func inOrder[T any](workers int, units []unit, work func(unit) T, consume func(T) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(units))
	if workers == 0 {
		return nil
	}
	return inOrderStream(workers, 1, func(yield func(unit) bool) error {
		for _, u := range units {
			if !yield(u) {
				break
			}
		}
		return nil
	}, work, consume)
}

func (l *Loader) parse(u unit) parsed {
	r := l.parseUnit(u)
	r.unit = u
	return r
}

func (l *Loader) parseUnit(u unit) parsed {
	if u.kustomize {
		docs, err := manifest.BuildKustomize(u.path)
		return parsed{docs: docs, err: err}
	}
	var data []byte
	var err error
	name := u.path
	if u.path == Stdin {
		if l.Stdin == nil {
			return parsed{err: errors.New("-: no standard input")}
		}
		name = "<stdin>"
		data, err = io.ReadAll(l.Stdin)
	} else {
		data, err = l.FS.ReadFile(u.path)
	}
	if err != nil {
		return parsed{err: fmt.Errorf("%s: %w", name, unwrapPathError(err))}
	}
	if terraform.IsPlan(data) {
		e, err := terraform.Parse(name, data)
		return parsed{tf: e, err: err}
	}
	if looksLikeJSON(data) && strings.HasSuffix(strings.ToLower(name), ".json") && !bytes.Contains(data[:min(len(data), 4096)], []byte(`"kind"`)) {
		return parsed{err: fmt.Errorf("%s: a JSON file that is neither a Terraform plan (terraform show -json) nor a Kubernetes object", name)}
	}
	docs, err := yamldoc.Split(name, data)
	return parsed{docs: docs, err: err}
}

func looksLikeJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}
