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
	items     []compactFinding
}

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
	l.items = append(l.items, compactFinding{file: fi, kind: ki, line: f.Line, column: f.Column, ns: ns, name: f.Name})
}

// Len is the number of findings.
func (l *FindingList) Len() int {
	if l == nil {
		return 0
	}
	return len(l.items)
}

// At returns finding i.
func (l *FindingList) At(i int) Finding {
	c := l.items[i]
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
	for i := 1; i < len(l.items); i++ {
		if less(l.items[i], l.items[i-1]) {
			sorted = false
			break
		}
	}
	if !sorted {
		sort.SliceStable(l.items, func(i, j int) bool { return less(l.items[i], l.items[j]) })
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
