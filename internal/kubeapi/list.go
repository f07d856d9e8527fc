package kubeapi

import "sort"

// FindingList holds findings compactly, for checks of many files: what
// findings share (rule, API, message, notes, ...) is kept once, and each
// finding keeps only its file, line and object name, about 60 bytes. It
// reads back as Finding values, in the order appended or sorted.
type FindingList struct {
	files     []string
	kinds     []findingKind
	kindIndex map[findingKind]uint32
	strs      map[string]string
	// items are kept in chunks of chunkSize: the list grows without
	// copying, and holds no spare half.
	items [][]compactFinding
	n     int
}

const chunkSize = 4096

// findingKind is what many findings share.
type findingKind struct {
	rule                           string
	severity                       Severity
	apiVersion, kind, field, found string
	deprecatedIn, removedIn        Version
	replacement, message, notes    string
	fixable                        bool
}

type compactFinding struct {
	file, kind   uint32
	line, column int
	ns, name     string
}

// Append adds a finding.
func (l *FindingList) Append(f Finding) {
	if l.kindIndex == nil {
		l.kindIndex, l.strs = map[findingKind]uint32{}, map[string]string{}
	}
	// Findings come file by file: a file is kept once per run of them.
	fi := uint32(len(l.files) - 1)
	if len(l.files) == 0 || l.files[fi] != f.File {
		fi = uint32(len(l.files))
		l.files = append(l.files, f.File)
	}
	k := findingKind{f.Rule, f.Severity, f.APIVersion, f.Kind, f.Field, f.FoundAPIVersion, f.DeprecatedIn, f.RemovedIn, f.Replacement, f.Message, f.Notes, f.Fixable}
	ki, ok := l.kindIndex[k]
	if !ok {
		ki = uint32(len(l.kinds))
		l.kinds = append(l.kinds, k)
		l.kindIndex[k] = ki
	}
	ns, ok := l.strs[f.Namespace]
	if !ok {
		ns = f.Namespace
		l.strs[ns] = ns
	}
	if l.n%chunkSize == 0 {
		l.items = append(l.items, make([]compactFinding, 0, chunkSize))
	}
	last := &l.items[len(l.items)-1]
	*last = append(*last, compactFinding{file: fi, kind: ki, line: f.Line, column: f.Column, ns: ns, name: f.Name})
	l.n++
}

func (l *FindingList) item(i int) *compactFinding {
	return &l.items[i/chunkSize][i%chunkSize]
}

// Len is the number of findings.
func (l *FindingList) Len() int {
	if l == nil {
		return 0
	}
	return l.n
}

// At returns finding i.
func (l *FindingList) At(i int) Finding {
	c := l.item(i)
	k := l.kinds[c.kind]
	return Finding{
		Rule: k.rule, Severity: k.severity, File: l.files[c.file], Line: c.line, Column: c.column,
		APIVersion: k.apiVersion, Kind: k.kind, Namespace: c.ns, Name: c.name, Field: k.field,
		FoundAPIVersion: k.found, DeprecatedIn: k.deprecatedIn, RemovedIn: k.removedIn,
		Replacement: k.replacement, Message: k.message, Notes: k.notes, Fixable: k.fixable,
	}
}

// Sort orders the findings by file and line, keeping the order of
// findings on one line (as a stable sort of Finding values would).
func (l *FindingList) Sort() {
	if l == nil {
		return
	}
	less := func(a, b compactFinding) bool {
		if a.file != b.file {
			if fa, fb := l.files[a.file], l.files[b.file]; fa != fb {
				return fa < fb
			}
		}
		return a.line < b.line
	}
	sorted := true
	for i := 1; i < l.n; i++ {
		if less(*l.item(i), *l.item(i - 1)) {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	all := make([]compactFinding, 0, l.n)
	for _, c := range l.items {
		all = append(all, c...)
	}
	sort.SliceStable(all, func(i, j int) bool { return less(all[i], all[j]) })
	for i := range l.items {
		n := copy(l.items[i], all)
		all = all[n:]
	}
}

// Slice returns the findings as a slice (nil when there are none).
func (l *FindingList) Slice() []Finding {
	if l.Len() == 0 {
		return nil
	}
	out := make([]Finding, l.Len())
	for i := range out {
		out[i] = l.At(i)
	}
	return out
}

// ListOf is a FindingList of fs.
func ListOf(fs []Finding) *FindingList {
	l := &FindingList{}
	for _, f := range fs {
		l.Append(f)
	}
	return l
}
