package yamldoc

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Head is what Scan reads of one document without building its tree: where
// it is, the object's identity, and whether anything in it needs the full
// tree (a duplicate key, an identity field that is not a plain value, owner
// references or List items).
type Head struct {
	// Line is the line of the document's first key (1-based), as
	// Document.Line.
	Line int
	// APIVersion, Kind, Namespace and Name are the scalar values of
	// apiVersion, kind, metadata.namespace and metadata.name ("" when
	// absent), as Scalar reads them from the tree.
	APIVersion, Kind, Namespace, Name string
	// APIVersionLine and APIVersionColumn locate the apiVersion value (0
	// when absent).
	APIVersionLine, APIVersionColumn int
	// Complex: an identity field is not a scalar on one line (a block
	// scalar, a flow collection, a nested mapping), or metadata is not a
	// block mapping: read the tree.
	Complex bool
	// Duplicate: some mapping of the document has a key twice.
	Duplicate bool
	// OwnerReferences: metadata has ownerReferences.
	OwnerReferences bool
	// Items: the root mapping has an items key.
	Items bool
	// start and end are the byte range of the document in the data, and
	// startLine the number of lines before start.
	start, end, startLine int
}

// maxKeyLen bounds the bytes from a key's start to its colon. libyaml
// forgets a possible simple key 1024 characters on ("mapping values are
// not allowed"); longer keys, plain or quoted, block or flow, go to the
// full parser.
const maxKeyLen = 1000

// maxScanDepth bounds the nesting Scan follows; deeper input goes to the
// full parser.
const maxScanDepth = 256

// Scan reads the documents of data cheaply, without building node trees.
// It understands the block YAML that Kubernetes manifests are written in:
// block mappings and sequences, plain and quoted scalars on one line, block
// scalars (| and >), flow collections of scalars on one line, comments and
// document separators. ok is false when data holds anything else (anchors,
// tags, multi-line plain or quoted scalars, directives, tabs in
// indentation, non-printable characters, ...) or is not valid YAML: the
// caller then parses it with Split, which gives the documents or the error.
// When ok, Split would give the same documents (empty ones skipped, every
// root a mapping), with the same identity and lines.
func Scan(data []byte) (heads []Head, ok bool) {
	if !printable(data) {
		return nil, false
	}
	s := scanner{data: data}
	if !s.run() {
		return nil, false
	}
	return s.heads, true
}

// printable reports data that libyaml reads as it is: valid UTF-8, no
// control characters but tab and newline, no byte order mark and no
// Unicode line breaks (which would shift line numbers).
func printable(data []byte) bool {
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError || r < 0xa0 || (r >= 0xd800 && r < 0xe000) || r == 0xfeff || r == 0xfffe || r == 0xffff || r == 0x2028 || r == 0x2029 {
			return false
		}
		i += n
	}
	return true
}

type frame struct {
	indent int
	seq    bool
	// compact: a sequence at the indentation of the mapping key it is the
	// value of.
	compact bool
	keys    [][]byte
	// role says which identity mapping this is.
	role int
}

const (
	roleOther = iota
	roleRoot
	roleMeta
)

type scanner struct {
	data  []byte
	heads []Head
	// the document being read
	head    *Head
	inDoc   bool
	stack   []frame
	line    int // 1-based number of the current line
	pending bool
	// pendingRole is the role the pending value's mapping would have.
	pendingRole int
	// pendingIdentity: the pending value is an identity field.
	pendingIdentity bool
}

// run scans every line; false means "not in the subset".
func (s *scanner) run() bool {
	data := s.data
	docStart, docStartLine := 0, 0
	pos := 0
	for pos < len(data) {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end < 0 {
			end = len(data)
		} else {
			end += pos
			next = end + 1
		}
		s.line++
		ln := data[pos:end]
		if len(ln) >= 3 && ln[0] == '-' && ln[1] == '-' && ln[2] == '-' && (len(ln) == 3 || ln[3] == ' ' || ln[3] == '\t') {
			rest := bytes.TrimLeft(ln[3:], " \t")
			if len(rest) > 0 && rest[0] != '#' {
				return false
			}
			s.endDoc(pos)
			docStart, docStartLine = next, s.line
			pos = next
			continue
		}
		if s.head == nil && !s.inDoc {
			s.inDoc = true
			s.heads = append(s.heads, Head{start: docStart, startLine: docStartLine})
			s.head = &s.heads[len(s.heads)-1]
		}
		var ok bool
		if pos, ok = s.lineAt(pos, end, next); !ok {
			return false
		}
	}
	s.endDoc(len(data))
	return true
}

// endDoc closes the document being read at byte end.
func (s *scanner) endDoc(end int) {
	if s.inDoc {
		if s.head.Line == 0 { // no content: skipped, as Split does
			s.heads = s.heads[:len(s.heads)-1]
		} else {
			s.head.end = end
		}
	}
	s.head, s.inDoc, s.stack, s.pending = nil, false, s.stack[:0], false
}

// lineAt reads the line data[pos:end] and returns where the next line to
// read starts (after a block scalar, further on).
func (s *scanner) lineAt(pos, end, next int) (int, bool) {
	ln := s.data[pos:end]
	ind := 0
	for ind < len(ln) && ln[ind] == ' ' {
		ind++
	}
	body := ln[ind:]
	if len(body) == 0 {
		return next, true // blank
	}
	if body[0] == '#' {
		return next, true // a comment line (tabs allowed in it)
	}
	if bytes.IndexByte(ln, '\t') >= 0 {
		return 0, false
	}
	if ind == 0 && (body[0] == '%' || bytes.HasPrefix(body, []byte("..."))) {
		return 0, false
	}
	seq := body[0] == '-' && (len(body) == 1 || body[1] == ' ')
	if !s.place(ind, seq) {
		return 0, false
	}
	// The line's content, possibly several nodes: "- - x" is refused,
	// "- key: value" opens a mapping at the key's column.
	col := ind
	for seq {
		rest := body[1:]
		sp := 0
		for sp < len(rest) && rest[sp] == ' ' {
			sp++
		}
		rest = rest[sp:]
		col += 1 + sp
		if len(rest) == 0 || rest[0] == '#' {
			if len(rest) > 0 && sp == 0 {
				return 0, false
			}
			s.setPending(roleOther, false)
			return next, true
		}
		if rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ') {
			return 0, false // a sequence in a sequence item
		}
		body = rest
		seq = false
		if k, _, isKey := splitKey(body); isKey && k != nil {
			// A mapping inside the item, at the key's column.
			if len(s.stack) >= maxScanDepth {
				return 0, false
			}
			s.push(frame{indent: col})
			break
		}
		// A scalar or flow item.
		return s.value(body, next)
	}
	key, restAt, isKey := splitKey(body)
	if !isKey || key == nil {
		return 0, false
	}
	top := &s.stack[len(s.stack)-1]
	if top.seq {
		return 0, false
	}
	k, ok := keyValue(key)
	if !ok {
		return 0, false
	}
	dup := false
	for _, x := range top.keys {
		if bytes.Equal(x, k) {
			dup = true
			break
		}
	}
	if dup {
		s.head.Duplicate = true
	} else {
		top.keys = append(top.keys, k)
	}
	if s.head.Line == 0 {
		s.head.Line = s.line
	}
	role, identity := roleOther, false
	switch top.role {
	case roleRoot:
		switch string(k) {
		case "apiVersion", "kind":
			identity = true
		case "metadata":
			role, identity = roleMeta, true
		case "items":
			s.head.Items = true
		}
	case roleMeta:
		switch string(k) {
		case "name", "namespace":
			identity = true
		case "ownerReferences":
			s.head.OwnerReferences = true
		}
	}
	rest := body[restAt:]
	sp := 0
	for sp < len(rest) && rest[sp] == ' ' {
		sp++
	}
	vcol := col + restAt + sp
	rest = rest[sp:]
	if len(rest) == 0 || rest[0] == '#' {
		if len(rest) > 0 && sp == 0 {
			return 0, false
		}
		if identity && role != roleMeta {
			s.identity(top.role, string(k), "", 0, 0) // null: ""
		}
		s.setPending(role, identity)
		return next, true
	}
	if role == roleMeta {
		s.head.Complex = true // metadata: not a block mapping
	}
	if identity && role != roleMeta {
		if v, ok := inlineScalar(rest); ok {
			s.identity(top.role, string(k), v, s.line, vcol+1)
		} else {
			s.head.Complex = true
		}
	}
	return s.value(rest, next)
}

// identity records an identity field of the root or metadata mapping.
func (s *scanner) identity(role int, key, v string, line, col int) {
	h := s.head
	switch {
	case role == roleRoot && key == "apiVersion":
		h.APIVersion, h.APIVersionLine, h.APIVersionColumn = v, line, col
	case role == roleRoot && key == "kind":
		h.Kind = v
	case role == roleMeta && key == "name":
		h.Name = v
	case role == roleMeta && key == "namespace":
		h.Namespace = v
	}
}

// push opens a collection, reusing the key list of a frame closed before.
func (s *scanner) push(f frame) {
	if n := len(s.stack); n < cap(s.stack) {
		f.keys = s.stack[:n+1][n].keys[:0]
	}
	s.stack = append(s.stack, f)
}

func (s *scanner) setPending(role int, identity bool) {
	s.pending, s.pendingRole, s.pendingIdentity = true, role, identity
}

// place finds the collection a line at indentation ind belongs to (a
// sequence entry when seq), opening the pending value's collection or
// closing deeper ones. False: the indentation is not valid.
func (s *scanner) place(ind int, seq bool) bool {
	if len(s.stack) == 0 {
		if seq {
			return false // a sequence at the root: Split's error
		}
		s.push(frame{indent: ind, role: roleRoot})
		s.pending = false
		return true
	}
	if s.pending {
		s.pending = false
		top := s.stack[len(s.stack)-1]
		if ind > top.indent || (ind == top.indent && seq && !top.seq) {
			if len(s.stack) >= maxScanDepth {
				return false
			}
			role := s.pendingRole
			if s.pendingIdentity && (seq || role != roleMeta) {
				s.head.Complex = true // an identity field that is a collection
			}
			if seq {
				role = roleOther
			}
			s.push(frame{indent: ind, seq: seq, compact: ind == top.indent, role: role})
			return true
		}
	}
	for len(s.stack) > 0 {
		top := s.stack[len(s.stack)-1]
		if top.indent > ind || (top.compact && top.indent == ind && !seq) {
			s.stack = s.stack[:len(s.stack)-1]
			continue
		}
		break
	}
	if len(s.stack) == 0 {
		return false
	}
	top := s.stack[len(s.stack)-1]
	return top.indent == ind && top.seq == seq
}

// splitKey finds "key:" at the start of a line's content: the key's bytes
// and the offset after the colon. isKey is false when there is no key
// there; key is nil when there is one that Scan does not read.
func splitKey(b []byte) (key []byte, restAt int, isKey bool) {
	switch b[0] {
	case '"', '\'':
		q := b[0]
		i := 1
		for i < len(b) {
			if b[i] == q {
				if q == '\'' && i+1 < len(b) && b[i+1] == '\'' {
					i += 2
					continue
				}
				break
			}
			if b[i] == '\\' && q == '"' {
				return nil, 0, true
			}
			i++
		}
		if i >= len(b) {
			return nil, 0, false
		}
		j := i + 1
		if j < len(b) && b[j] == ':' && (j+1 == len(b) || b[j+1] == ' ') {
			if j > maxKeyLen {
				return nil, 0, true
			}
			return b[:i+1], j + 1, true
		}
		return nil, 0, false
	}
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case ':':
			if i+1 == len(b) || b[i+1] == ' ' {
				k := bytes.TrimRight(b[:i], " ")
				if !plainKey(k) || i > maxKeyLen {
					return nil, 0, true
				}
				return k, i + 1, true
			}
		case '#':
			if i > 0 && b[i-1] == ' ' {
				return nil, 0, false
			}
		}
	}
	return nil, 0, false
}

// plainKey accepts the plain keys manifests use.
func plainKey(k []byte) bool {
	if len(k) == 0 {
		return false
	}
	for _, c := range k {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '/', c == '_':
		case c == '-':
		default:
			return false
		}
	}
	return k[0] != '-' && k[0] != '.'
}

// keyValue is a key's value, as yaml.v3 reads it.
func keyValue(k []byte) ([]byte, bool) {
	if k[0] == '"' || k[0] == '\'' {
		return quotedBytes(k)
	}
	return k, true
}

// quoted decodes a quoted scalar that Scan accepts (no escapes in double
// quotes).
func quoted(b []byte) (string, bool) {
	v, ok := quotedBytes(b)
	return string(v), ok
}

func quotedBytes(b []byte) ([]byte, bool) {
	if len(b) < 2 || b[len(b)-1] != b[0] {
		return nil, false
	}
	in := b[1 : len(b)-1]
	if b[0] == '"' {
		if bytes.IndexByte(in, '\\') >= 0 || bytes.IndexByte(in, '"') >= 0 {
			return nil, false
		}
		return in, true
	}
	if bytes.IndexByte(in, '\'') < 0 {
		return in, true
	}
	return bytes.ReplaceAll(in, []byte("''"), []byte("'")), true
}

// inlineScalar reads a one-line plain or quoted value (with an optional
// comment after it).
func inlineScalar(b []byte) (string, bool) {
	switch b[0] {
	case '"', '\'':
		n, ok := quotedLen(b)
		if !ok {
			return "", false
		}
		return quoted(b[:n])
	case '|', '>', '[', '{':
		return "", false
	}
	n, ok := plainLen(b, false)
	if !ok {
		return "", false
	}
	return string(b[:n]), true
}

// quotedLen is the length of the quoted scalar b starts with, which must
// end its line (but for a comment).
func quotedLen(b []byte) (int, bool) {
	q := b[0]
	i := 1
	for ; i < len(b); i++ {
		if b[i] == q {
			if q == '\'' && i+1 < len(b) && b[i+1] == '\'' {
				i++
				continue
			}
			break
		}
		if q == '"' && b[i] == '\\' {
			return 0, false
		}
	}
	if i >= len(b) {
		return 0, false // goes on on the next line
	}
	n := i + 1
	if !endOfLine(b[n:], true) {
		return 0, false
	}
	return n, true
}

// endOfLine accepts spaces and a comment (after a space).
func endOfLine(b []byte, needSpace bool) bool {
	i := 0
	for i < len(b) && b[i] == ' ' {
		i++
	}
	if i == len(b) {
		return true
	}
	return b[i] == '#' && (i > 0 || !needSpace)
}

// plainLen is the length of the plain scalar b starts with, without
// trailing spaces or comment; it must end the line. In flow context it
// stops at , ] and }.
func plainLen(b []byte, flow bool) (int, bool) {
	c := b[0]
	switch c {
	case '?', ':':
		return 0, false
	case '-':
		if len(b) == 1 || b[1] == ' ' || (flow && strings.IndexByte(",[]{}", b[1]) >= 0) {
			return 0, false
		}
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return 0, false
	}
	end := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case ':':
			if flow && i+1 < len(b) && b[i+1] == ' ' {
				return end, true // a flow mapping's key
			}
			if i+1 == len(b) || b[i+1] == ' ' || flow {
				return 0, false
			}
		case '#':
			if b[i-1] == ' ' {
				return end, true
			}
		case ',', '[', ']', '{', '}':
			if flow {
				return end, true
			}
		case '?':
			if flow {
				return 0, false // libyaml ends a flow scalar here too
			}
		}
		if b[i] != ' ' {
			end = i + 1
		}
	}
	return end, true
}

// value reads the value that starts the rest of a line at b: a scalar, a
// flow collection or a block scalar header. next is where the line after
// it starts; it returns where the next line to read starts.
func (s *scanner) value(b []byte, next int) (int, bool) {
	switch b[0] {
	case '"', '\'':
		if _, ok := quotedLen(b); !ok {
			return 0, false
		}
		return next, true
	case '[', '{':
		if !s.flow(b) {
			return 0, false
		}
		return next, true
	case '|', '>':
		return s.blockScalar(b, next)
	}
	if _, ok := plainLen(b, false); !ok {
		return 0, false
	}
	return next, true
}

// flow reads a flow collection on one line: [a, "b"], {k: v, k2: [x]}.
// Keys are scalars.
func (s *scanner) flow(b []byte) bool {
	i, ok := s.flowNode(b, 0, 0)
	return ok && endOfLine(b[i:], true)
}

// flowNode reads the flow node at b[i:] (after spaces) and returns the
// offset after it.
func (s *scanner) flowNode(b []byte, i, depth int) (int, bool) {
	for i < len(b) && b[i] == ' ' {
		i++
	}
	if i >= len(b) || depth > maxScanDepth {
		return 0, false
	}
	switch b[i] {
	case '[', '{':
		return s.flowCollection(b, i, depth)
	}
	_, n, ok := flowScalar(b[i:])
	return i + n, ok
}

// flowScalar reads a quoted or plain scalar in flow context: its value and
// length.
func flowScalar(b []byte) ([]byte, int, bool) {
	if b[0] == '"' || b[0] == '\'' {
		q := b[0]
		j := 1
		for ; j < len(b); j++ {
			if b[j] == q {
				if q == '\'' && j+1 < len(b) && b[j+1] == '\'' {
					j++
					continue
				}
				break
			}
		}
		if j >= len(b) {
			return nil, 0, false
		}
		v, ok := quotedBytes(b[:j+1])
		return v, j + 1, ok
	}
	n, ok := plainLen(b, true)
	if !ok || n == 0 {
		return nil, 0, false
	}
	return b[:n], n, true
}

func (s *scanner) flowCollection(b []byte, i, depth int) (int, bool) {
	open := b[i]
	close := byte(']')
	if open == '{' {
		close = '}'
	}
	i++
	skip := func() {
		for i < len(b) && b[i] == ' ' {
			i++
		}
	}
	var keys [][]byte
	skip()
	if i < len(b) && b[i] == close {
		return i + 1, true
	}
	for {
		skip()
		if i >= len(b) {
			return 0, false
		}
		if open == '{' {
			// A key is a scalar: flowScalar refuses a collection.
			k, n, ok := flowScalar(b[i:])
			if !ok || n > maxKeyLen {
				return 0, false
			}
			i += n
			if i+1 >= len(b) || b[i] != ':' || b[i+1] != ' ' {
				return 0, false
			}
			i++
			for _, x := range keys {
				if bytes.Equal(x, k) {
					s.head.Duplicate = true
				}
			}
			keys = append(keys, k)
		}
		var ok bool
		if i, ok = s.flowNode(b, i, depth+1); !ok {
			return 0, false
		}
		skip()
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i++
			skip()
			if i < len(b) && b[i] == close {
				return 0, false // a trailing comma
			}
			continue
		case close:
			return i + 1, true
		}
		return 0, false
	}
}

// blockScalar skips a block scalar (| or >, with an optional chomping
// indicator) whose header is b, and returns where the line after it
// starts.
func (s *scanner) blockScalar(b []byte, next int) (int, bool) {
	h := 1
	if h < len(b) && (b[h] == '-' || b[h] == '+') {
		h++
	}
	if !endOfLine(b[h:], true) {
		return 0, false
	}
	parent := s.stack[len(s.stack)-1].indent
	data := s.data
	indent := -1
	maxBlank := 0
	pos := next
	for pos < len(data) {
		e := bytes.IndexByte(data[pos:], '\n')
		nl := len(data)
		if e < 0 {
			e = len(data)
		} else {
			e += pos
			nl = e + 1
		}
		ln := data[pos:e]
		sp := 0
		for sp < len(ln) && ln[sp] == ' ' {
			sp++
		}
		if indent < 0 {
			if sp == len(ln) { // a leading blank line
				maxBlank = max(maxBlank, sp)
				s.line++
				pos = nl
				continue
			}
			if ln[sp] == '\t' || sp <= parent || maxBlank > sp {
				return 0, false
			}
			indent = sp
		}
		if sp < indent {
			if sp < len(ln) && ln[sp] == '\t' {
				return 0, false
			}
			if sp < len(ln) {
				return pos, true // the line after the scalar
			}
		}
		s.line++
		pos = nl
	}
	if indent < 0 && maxBlank > parent {
		return 0, false
	}
	return pos, true
}

// ParseHead builds the tree of the document h of data (from Scan), with
// the lines of the whole file.
func ParseHead(file string, data []byte, h Head) (Document, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(data[h.start:h.end], &n); err != nil {
		return Document{}, WrapError(file, 0, err)
	}
	if len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
		return Document{}, &Error{File: file, Line: h.Line, Msg: "not a mapping"}
	}
	ShiftLines(&n, h.startLine)
	root := n.Content[0]
	return Document{File: file, Line: root.Line, Node: root, APIVersion: Scalar(root, "apiVersion"), Kind: Scalar(root, "kind")}, nil
}

// ShiftLines adds by to the line of every node of the tree n (a document
// parsed from part of a file), making them lines of the whole file.
func ShiftLines(n *yaml.Node, by int) { shiftLines(n, by, 0) }

func shiftLines(n *yaml.Node, by, depth int) {
	if n == nil || depth > 10000 {
		return
	}
	if n.Line > 0 {
		n.Line += by
	}
	for _, c := range n.Content {
		shiftLines(c, by, depth+1)
	}
}
