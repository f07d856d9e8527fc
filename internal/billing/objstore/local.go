package objstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// LocalObject is a local file as an Object. ReadAt opens the file on first
// use and keeps it open until Close; Open returns an independent reader.
type LocalObject struct {
	path string
	size int64

	mu sync.Mutex
	f  *os.File
}

// NewLocalObject stats path and returns it as an Object.
func NewLocalObject(path string) (*LocalObject, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	return &LocalObject{path: path, size: st.Size()}, nil
}

// Name is the file's path.
func (o *LocalObject) Name() string { return o.path }

// Size is the file's size when it was opened.
func (o *LocalObject) Size() int64 { return o.size }

// Open opens the file for streaming.
func (o *LocalObject) Open(context.Context) (io.ReadCloser, error) { return os.Open(o.path) }

// ReadAt reads from the file, opening it on first use. Safe for concurrent use.
func (o *LocalObject) ReadAt(p []byte, off int64) (int, error) {
	o.mu.Lock()
	f := o.f
	if f == nil {
		var err error
		if f, err = os.Open(o.path); err != nil {
			o.mu.Unlock()
			return 0, err
		}
		o.f = f
	}
	o.mu.Unlock()
	return f.ReadAt(p, off)
}

// Close releases the file handle ReadAt opened; a later ReadAt reopens it.
func (o *LocalObject) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.f == nil {
		return nil
	}
	err := o.f.Close()
	o.f = nil
	return err
}

// BytesObject is an in-memory Object (tests, fuzzing, small downloads).
type BytesObject struct {
	name string
	data []byte
}

// NewBytesObject returns data as an Object named name.
func NewBytesObject(name string, data []byte) *BytesObject {
	return &BytesObject{name: name, data: data}
}

// Name is the name given to NewBytesObject.
func (o *BytesObject) Name() string { return o.name }

// Size is len(data).
func (o *BytesObject) Size() int64 { return int64(len(o.data)) }

// ReadAt reads from the data.
func (o *BytesObject) ReadAt(p []byte, off int64) (int, error) {
	return bytes.NewReader(o.data).ReadAt(p, off)
}

// Open returns a reader over the data.
func (o *BytesObject) Open(context.Context) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(o.data)), nil
}

// Close closes obj if it holds resources (LocalObject's file handle).
func Close(obj Object) {
	if c, ok := obj.(io.Closer); ok {
		_ = c.Close()
	}
}

// Options configure Expand.
type Options struct {
	// S3 configures access to s3:// paths.
	S3 S3Options
	// OpenS3, when set, lists the objects under an s3:// URL instead of
	// S3Objects (tests give a fake).
	OpenS3 func(ctx context.Context, url string) ([]Object, error)
}

// billingFile reports whether a file name looks like billing data Expand
// picks up when walking a directory.
func billingFile(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".csv") || strings.HasSuffix(n, ".csv.gz") ||
		strings.HasSuffix(n, ".parquet") || strings.HasSuffix(n, ".json")
}

// Expand turns command-line paths into Objects, in name order within each
// path:
//   - a file is itself, except a CUR manifest (.json), which expands to the
//     report parts it lists;
//   - a directory is walked recursively for .csv, .csv.gz, .parquet and
//     manifest .json files. When the tree holds manifests, only the parts of
//     the shallowest manifest of each report and billing period are read:
//     AWS rewrites a period's top-level manifest to point at the latest
//     assembly and leaves earlier assemblies beside it, so reading every
//     file would count the period twice;
//   - a glob (data/*.parquet) is matched with filepath.Glob;
//   - s3://bucket/key and s3://bucket/prefix are listed with S3Objects
//     (opt.S3), or opt.OpenS3 when set.
//
// The same file reached twice is returned once.
func Expand(ctx context.Context, paths []string, opt Options) ([]Object, error) {
	openS3 := opt.OpenS3
	if openS3 == nil {
		openS3 = func(ctx context.Context, url string) ([]Object, error) { return S3Objects(ctx, url, opt.S3) }
	}
	var out []Object
	seen := map[string]bool{}
	add := func(o Object) {
		key := o.Name()
		if abs, err := filepath.Abs(key); err == nil && !strings.HasPrefix(key, "s3://") {
			key = abs
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, o)
		}
	}
	addFile := func(p string) error {
		if strings.EqualFold(filepath.Ext(p), ".json") {
			parts, err := expandManifestFile(p)
			if err != nil {
				return err
			}
			for _, part := range parts {
				o, err := NewLocalObject(part)
				if err != nil {
					return fmt.Errorf("%s: %w", p, err)
				}
				add(o)
			}
			return nil
		}
		o, err := NewLocalObject(p)
		if err != nil {
			return err
		}
		add(o)
		return nil
	}
	for _, p := range paths {
		if strings.HasPrefix(p, "s3://") {
			objs, err := openS3(ctx, p)
			if err != nil {
				return nil, err
			}
			for _, o := range objs {
				add(o)
			}
			continue
		}
		st, err := os.Stat(p)
		switch {
		case err == nil && st.IsDir():
			files, err := walkDir(p)
			if err != nil {
				return nil, err
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("%s: %s", p, errNoBillingFiles)
			}
			for _, f := range files {
				if err := addFile(f); err != nil {
					return nil, err
				}
			}
		case err == nil:
			if err := addFile(p); err != nil {
				return nil, err
			}
		case errors.Is(err, fs.ErrNotExist) && strings.ContainsAny(p, "*?["):
			matches, gerr := filepath.Glob(p)
			if gerr != nil {
				return nil, fmt.Errorf("%s: %w", p, gerr)
			}
			if len(matches) == 0 {
				return nil, fmt.Errorf("%s: no files match", p)
			}
			sort.Strings(matches)
			before, sawFile := len(out), false
			for _, m := range matches {
				mst, err := os.Stat(m)
				if err != nil {
					return nil, err
				}
				if mst.IsDir() {
					files, err := walkDir(m)
					if err != nil {
						return nil, err
					}
					for _, f := range files {
						if err := addFile(f); err != nil {
							return nil, err
						}
					}
					continue
				}
				sawFile = true
				if err := addFile(m); err != nil {
					return nil, err
				}
			}
			if len(out) == before && !sawFile {
				return nil, fmt.Errorf("%s: %s in the directories it matches", p, errNoBillingFiles)
			}
		default:
			return nil, err
		}
	}
	return out, nil
}

// errNoBillingFiles says a directory holds no billing export.
var errNoBillingFiles = errors.New("no billing files (.csv, .csv.gz, .parquet, manifest .json)")

// walkDir lists the billing files under dir in name order. If manifests are
// present, it returns only the shallowest manifest of each report period
// (their parts are expanded by the caller).
func walkDir(dir string) ([]string, error) {
	var data, manifests []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !billingFile(d.Name()) {
			return nil
		}
		if strings.EqualFold(filepath.Ext(p), ".json") {
			if m, err := readManifest(p); err == nil && m.isManifest() {
				manifests = append(manifests, p)
			}
			return nil
		}
		data = append(data, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(manifests) == 0 {
		sort.Strings(data)
		return data, nil
	}
	// Keep the shallowest manifest per report period.
	type best struct {
		depth int
		paths []string
	}
	groups := map[string]*best{}
	for _, p := range manifests {
		m, _ := readManifest(p)
		key := m.periodKey()
		depth := strings.Count(filepath.ToSlash(p), "/")
		b := groups[key]
		switch {
		case b == nil || depth < b.depth:
			groups[key] = &best{depth: depth, paths: []string{p}}
		case depth == b.depth:
			b.paths = append(b.paths, p)
		}
	}
	var out []string
	for _, b := range groups {
		out = append(out, b.paths...)
	}
	sort.Strings(out)
	return out, nil
}

// Manifest is the part of a billing manifest refit reads: legacy CUR
// manifests list their parts as bucket keys in reportKeys
// (https://docs.aws.amazon.com/cur/latest/userguide/understanding-report-versions.html);
// Data Exports (CUR 2.0, FOCUS) manifests list full s3:// URIs in dataFiles
// (https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html).
type Manifest struct {
	Bucket        string   `json:"bucket"`
	ReportName    string   `json:"reportName"`
	ReportKeys    []string `json:"reportKeys"`
	DataFiles     []string `json:"dataFiles"`
	ExportARN     string   `json:"exportArn"`
	BillingPeriod struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"billingPeriod"`
}

func (m *Manifest) isManifest() bool { return len(m.ReportKeys) > 0 || len(m.DataFiles) > 0 }

func (m *Manifest) periodKey() string {
	if len(m.ReportKeys) > 0 {
		return "cur\x00" + m.ReportName + "\x00" + m.BillingPeriod.Start
	}
	// Data Exports: the partition directory (BILLING_PERIOD=YYYY-MM) of
	// the first data file identifies the period.
	return "export\x00" + m.ExportARN + "\x00" + path.Dir(m.DataFiles[0])
}

// Parts returns the object keys of the report parts: reportKeys as they
// are, dataFiles with their s3://bucket/ prefix removed.
func (m *Manifest) Parts() []string {
	var out []string
	out = append(out, m.ReportKeys...)
	for _, u := range m.DataFiles {
		if rest, ok := strings.CutPrefix(u, "s3://"); ok {
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				u = rest[i+1:]
			}
		}
		out = append(out, u)
	}
	return out
}

// leavesTree reports whether a manifest key has a ".." component, with /
// or \ as the separator.
func leavesTree(key string) bool {
	for _, c := range strings.FieldsFunc(key, func(r rune) bool { return r == '/' || r == '\\' }) {
		if c == ".." {
			return true
		}
	}
	return false
}

// ParseManifest decodes a CUR or Data Exports manifest.
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if !m.isManifest() {
		return nil, errors.New("not a billing manifest (no reportKeys or dataFiles)")
	}
	return &m, nil
}

func readManifest(p string) (*Manifest, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	m, err := ParseManifest(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return m, nil
}

// expandManifestFile resolves a local manifest's parts. Keys are bucket
// keys (prefix/report/20181001-20181101/assembly/report-1.csv.gz), so each
// is looked up relative to the manifest's directory and up to three of its
// parents, with ever fewer leading key components; the first existing file
// wins.
//
// A key with a ".." component (which S3 never writes in a manifest) would
// lead out of the manifest's tree: the manifest is refused before any part
// is looked up.
func expandManifestFile(p string) ([]string, error) {
	m, err := readManifest(p)
	if err != nil {
		return nil, err
	}
	for _, key := range m.Parts() {
		if leavesTree(key) {
			return nil, fmt.Errorf("%s: report key %q leaves the manifest's folder (a \"..\" component): refused", p, key)
		}
	}
	var bases []string
	for d, i := filepath.Dir(p), 0; i < 4; d, i = filepath.Dir(d), i+1 {
		bases = append(bases, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	var out []string
	for _, key := range m.Parts() {
		found := ""
		comps := strings.Split(strings.Trim(key, "/"), "/")
	search:
		for i := range comps {
			rel := filepath.Join(comps[i:]...)
			for _, b := range bases {
				c := filepath.Join(b, rel)
				if st, err := os.Stat(c); err == nil && !st.IsDir() {
					found = c
					break search
				}
			}
		}
		if found == "" {
			return nil, fmt.Errorf("%s: report part %s not found near the manifest", p, key)
		}
		out = append(out, found)
	}
	return out, nil
}
