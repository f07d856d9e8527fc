package convert

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// FileResult is the result of converting one object of a file.
type FileResult struct {
	Result
	File string `json:"file"`
	// Line is the line of the object's first key.
	Line      int    `json:"line"`
	Kind      string `json:"kind,omitempty"`
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	// Item is "items[N]" for an object inside a kind: List, else "".
	Item string `json:"item,omitempty"`
}

// Findings turns what could not be converted into findings: rule
// "no-replacement" for PodSecurityPolicy, "unconvertible" otherwise.
func (r FileResult) Findings() []kubeapi.Finding {
	var out []kubeapi.Finding
	for _, u := range r.Unconverted {
		rule := "unconvertible"
		if r.Kind == "PodSecurityPolicy" {
			rule = "no-replacement"
		}
		out = append(out, kubeapi.Finding{
			Rule: rule, Severity: kubeapi.Error, File: r.File, Line: r.Line,
			APIVersion: r.From, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name,
			FoundAPIVersion: r.From, Message: u,
		})
	}
	return out
}

// FixFile converts every object in a file (objects inside a v1 List too) and
// returns the new bytes and one FileResult per object that was changed or
// has notes or unconverted parts. Documents that did not change are copied
// byte for byte; changed ones are re-encoded from the edited node tree with
// the file's own indentation (2 or 4 spaces, detected) and sequence style
// (detected: "key:\n- item" or "key:\n  - item"). Blank lines of the
// original are put back where the surrounding lines are unchanged, so the
// diff stays small.
//
// Known differences in re-encoded documents: yaml.v3 normalises the
// spacing inside flow collections ({a: 1}, [a, b]) and before comments, may
// re-wrap folded multi-line plain scalars, and a file that indents mappings
// by 4 but does not indent sequences at all is written with sequences
// indented by 2.
func FixFile(name string, data []byte, to kubeapi.Version) (out []byte, results []FileResult, err error) {
	return FixFileEdit(name, data, to, nil)
}

// Edit changes a file's documents in place before they are converted (for
// example readiness fixes); documents it changes are re-encoded like
// converted ones.
type Edit func(docs []yamldoc.Document) error

// FixFileEdit is FixFile with an Edit applied first.
func FixFileEdit(name string, data []byte, to kubeapi.Version, edit Edit) (out []byte, results []FileResult, err error) {
	return FixFileWith(name, data, to, FixOptions{Edit: edit})
}

// FixOptions are the options of FixFileWith.
type FixOptions struct {
	// Edit, when set, changes the documents before they are converted.
	Edit Edit
	// Convert applies to every object of the file.
	Convert Options
	// EditOnly applies Edit and converts nothing (refit rightsize --fix):
	// only the documents Edit changes are re-encoded.
	EditOnly bool
}

// FixFileWith is FixFile with options.
func FixFileWith(name string, data []byte, to kubeapi.Version, opts FixOptions) (out []byte, results []FileResult, err error) {
	edit := opts.Edit
	if _, err := yamldoc.Split(name, data); err != nil {
		return nil, nil, err
	}
	chunks := splitChunks(data)
	docs := make([]*yaml.Node, len(chunks))
	for i, ch := range chunks {
		d, err := parseChunk(ch)
		if err != nil {
			return nil, nil, yamldoc.WrapError(name, ch.bodyLine, err)
		}
		docs[i] = d
	}
	st := detectStyle(docs)
	edited := make([]bool, len(docs))
	if edit != nil {
		var ds []yamldoc.Document
		var idx []int
		var before [][]byte
		for i, d := range docs {
			if d == nil || len(d.Content) == 0 || d.Content[0].Kind != yaml.MappingNode {
				continue
			}
			root := d.Content[0]
			ds = append(ds, yamldoc.Document{File: name, Line: root.Line, Node: root,
				APIVersion: yamldoc.Scalar(root, "apiVersion"), Kind: yamldoc.Scalar(root, "kind")})
			idx = append(idx, i)
			b, _ := yaml.Marshal(root)
			before = append(before, b)
		}
		if err := edit(ds); err != nil {
			return nil, nil, err
		}
		for j, i := range idx {
			after, _ := yaml.Marshal(docs[i].Content[0])
			edited[i] = !bytes.Equal(before[j], after)
		}
	}

	var buf bytes.Buffer
	for i, ch := range chunks {
		d := docs[i]
		if d == nil || len(d.Content) == 0 || d.Content[0].Kind != yaml.MappingNode {
			buf.Write(ch.raw)
			continue
		}
		root := d.Content[0]
		changed := edited[i]
		objs := []struct {
			node *yaml.Node
			item string
		}{{root, ""}}
		if k := yamldoc.Scalar(root, "kind"); strings.HasSuffix(k, "List") && get(root, "items") != nil && get(root, "items").Kind == yaml.SequenceNode {
			objs = objs[:0]
			for j, it := range seq(root, "items") {
				if it.Kind == yaml.MappingNode {
					objs = append(objs, struct {
						node *yaml.Node
						item string
					}{it, fmt.Sprintf("items[%d]", j)})
				}
			}
		}
		for _, o := range objs {
			if opts.EditOnly {
				break
			}
			res, err := ConvertWith(o.node, to, opts.Convert)
			if err != nil {
				var ce *Error
				if errors.As(err, &ce) && ce.Line > 0 {
					return nil, nil, fmt.Errorf("%s:%d: %s", name, ce.Line, ce.Msg)
				}
				return nil, nil, fmt.Errorf("%s:%d: %v", name, o.node.Line, err)
			}
			changed = changed || res.Changed
			if res.Changed || len(res.Notes) > 0 || len(res.Unconverted) > 0 {
				md := mapping(o.node, "metadata")
				results = append(results, FileResult{
					Result: res, File: name, Line: o.node.Line,
					Kind: str(o.node, "kind"), Name: str(md, "name"), Namespace: str(md, "namespace"),
					Item: o.item,
				})
			}
		}
		if !changed {
			buf.Write(ch.raw)
			continue
		}
		enc, err := encode(d, st)
		if err != nil {
			return nil, nil, fmt.Errorf("%s:%d: cannot write the converted object: %v", name, root.Line, err)
		}
		enc = restoreBlankLines(ch.body, enc)
		if ch.crlf {
			enc = bytes.ReplaceAll(enc, []byte("\n"), []byte("\r\n"))
		}
		// Keep the original's ending: trailing blank lines, or no final newline.
		trimmed := bytes.TrimRight(ch.body, " \t\r\n")
		tail := ch.body[len(trimmed):]
		enc = bytes.TrimRight(enc, "\r\n")
		if bytes.Contains(tail, []byte("\n")) {
			enc = append(enc, tail...)
		}
		buf.Write(ch.prefix)
		if ch.inlineMarker {
			if ch.crlf {
				buf.WriteString("---\r\n")
			} else {
				buf.WriteString("---\n")
			}
		}
		buf.Write(enc)
		buf.Write(ch.suffix)
	}
	return buf.Bytes(), results, nil
}

// chunk is one document of the input: prefix (directives, comments and the
// "---" line), body (the document itself) and suffix (a "..." line).
type chunk struct {
	raw                  []byte
	prefix, body, suffix []byte
	bodyLine             int  // 1-based line of the body's first line
	inlineMarker         bool // the body starts with "--- content"
	crlf                 bool
}

// lineIsMarker reports a "---" or "..." line (the marker followed by the
// end of the line or white space). Such a line at column 0 always ends a
// document, even inside a block or quoted scalar (YAML 1.2, c-forbidden).
func lineIsMarker(line []byte, m string) bool {
	if !bytes.HasPrefix(line, []byte(m)) {
		return false
	}
	rest := line[3:]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r' || rest[0] == '\n'
}

// markerHasContent reports "--- something" other than a comment.
func markerHasContent(line []byte) bool {
	rest := bytes.TrimSpace(line[3:])
	return len(rest) > 0 && rest[0] != '#'
}

func isBlankOrComment(line []byte) bool {
	t := bytes.TrimSpace(line)
	return len(t) == 0 || t[0] == '#'
}

// splitChunks splits data at document boundaries. Every byte of data is in
// exactly one chunk's raw.
func splitChunks(data []byte) []chunk {
	var lines [][]byte
	for rest := data; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			lines = append(lines, rest)
			break
		}
		lines = append(lines, rest[:i+1])
		rest = rest[i+1:]
	}
	crlf := bytes.Contains(data, []byte("\r\n"))

	var chunks []chunk
	start := 0       // first line of the current chunk
	marker := -1     // line of its "---", or -1
	content := false // a content line was seen in the current chunk
	lineNo := func(i int) int { return i + 1 }
	closeAt := func(end int, suffixLine int) { // lines [start, end)
		if end <= start {
			return
		}
		var ch chunk
		ch.crlf = crlf
		ch.raw = bytes.Join(lines[start:end], nil)
		bodyStart := start
		if marker >= 0 {
			if markerHasContent(lines[marker]) {
				bodyStart = marker
				ch.inlineMarker = true
			} else {
				bodyStart = marker + 1
			}
		}
		bodyEnd := end
		if suffixLine >= 0 {
			bodyEnd = suffixLine
			ch.suffix = bytes.Join(lines[suffixLine:end], nil)
		}
		if bodyStart > bodyEnd {
			bodyStart = bodyEnd
		}
		ch.prefix = bytes.Join(lines[start:bodyStart], nil)
		ch.body = bytes.Join(lines[bodyStart:bodyEnd], nil)
		ch.bodyLine = lineNo(bodyStart)
		chunks = append(chunks, ch)
	}
	for i, l := range lines {
		switch {
		case lineIsMarker(l, "---"):
			if content || marker >= 0 {
				closeAt(i, -1)
				start = i
			}
			marker = i
			content = markerHasContent(l)
		case lineIsMarker(l, "..."):
			closeAt(i+1, i)
			start, marker, content = i+1, -1, false
		default:
			if !isBlankOrComment(l) && !(l[0] == '%' && !content && marker < 0) {
				content = true
			}
		}
	}
	closeAt(len(lines), -1)
	return chunks
}

// parseChunk parses a chunk's body; nil when it holds no document. Lines
// are shifted to be lines of the file.
func parseChunk(ch chunk) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(ch.body))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, shiftError(err, ch.bodyLine-1)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		// The splitter and the parser disagree: refuse rather than guess.
		return nil, fmt.Errorf("cannot split the documents of this file safely")
	}
	yamldoc.ShiftLines(&doc, ch.bodyLine-1)
	return &doc, nil
}

func shiftError(err error, by int) error {
	if by == 0 {
		return err
	}
	msg := err.Error()
	if m := lineNumRE.FindStringSubmatchIndex(msg); m != nil {
		var n int
		fmt.Sscanf(msg[m[2]:m[3]], "%d", &n)
		msg = msg[:m[2]] + fmt.Sprint(n+by) + msg[m[3]:]
	}
	return errors.New(msg)
}

var lineNumRE = regexp.MustCompile(`line (\d+)`)

// style is how the file indents.
type style struct {
	indent    int // spaces per mapping level
	seqOffset int // columns of "- " under its key (0: not indented)
}

// detectStyle finds the most common mapping indentation and sequence offset
// among block collections nested under a key.
func detectStyle(docs []*yaml.Node) style {
	mapVotes, seqVotes := map[int]int{}, map[int]int{}
	seen := map[*yaml.Node]bool{}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, val := n.Content[i], n.Content[i+1]
				if val.Line > k.Line && val.Style&yaml.FlowStyle == 0 && val.Anchor == "" {
					switch val.Kind {
					case yaml.MappingNode:
						if d := val.Column - k.Column; d > 0 {
							mapVotes[d]++
						}
					case yaml.SequenceNode:
						if d := val.Column - k.Column; d >= 0 {
							seqVotes[d]++
						}
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	for _, d := range docs {
		walk(d)
	}
	st := style{indent: 2, seqOffset: 0}
	if d := mostVoted(mapVotes); d >= 2 && d <= 9 {
		st.indent = d
	}
	if len(seqVotes) > 0 {
		st.seqOffset = mostVoted(seqVotes)
	} else {
		st.seqOffset = 0
	}
	return st
}

func mostVoted(v map[int]int) int {
	best, bestN := 0, -1
	for k, n := range v {
		if n > bestN || (n == bestN && k < best) {
			best, bestN = k, n
		}
	}
	return best
}

// encode writes a document with the file's style.
func encode(doc *yaml.Node, st style) ([]byte, error) {
	var buf bytes.Buffer
	e := yaml.NewEncoder(&buf)
	e.SetIndent(st.indent)
	if st.seqOffset != st.indent {
		// "- " counts as indentation: sequences sit indent-2 columns under
		// their key (0 for an indent of 2).
		e.CompactSeqIndent()
	}
	if err := e.Encode(doc); err != nil {
		return nil, err
	}
	if err := e.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// restoreBlankLines puts the original's blank lines back into the encoded
// text where the line after them is unchanged (matched by a longest common
// subsequence of lines).
func restoreBlankLines(orig, enc []byte) []byte {
	o := strings.Split(strings.ReplaceAll(string(orig), "\r\n", "\n"), "\n")
	n := strings.Split(string(enc), "\n")
	if len(o)*len(n) > 4_000_000 || len(o) == 0 || len(n) == 0 {
		return enc
	}
	for i := range o {
		o[i] = strings.TrimRight(o[i], " \t")
	}
	// LCS table over suffixes.
	w := len(n) + 1
	t := make([]int32, (len(o)+1)*w)
	for i := len(o) - 1; i >= 0; i-- {
		for j := len(n) - 1; j >= 0; j-- {
			if o[i] == n[j] {
				t[i*w+j] = t[(i+1)*w+j+1] + 1
			} else {
				t[i*w+j] = max(t[(i+1)*w+j], t[i*w+j+1])
			}
		}
	}
	match := make([]int, len(o)) // original line → encoded line, or -1
	for i := range match {
		match[i] = -1
	}
	for i, j := 0, 0; i < len(o) && j < len(n); {
		switch {
		case o[i] == n[j]:
			match[i] = j
			i++
			j++
		case t[(i+1)*w+j] >= t[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	before := make([]int, len(n)) // blank lines to insert before encoded line j
	for i := 0; i < len(o); i++ {
		if o[i] != "" || match[i] >= 0 {
			continue
		}
		// A run of unmatched blank lines: find the next matched line.
		k := i
		for k < len(o) && o[k] == "" && match[k] < 0 {
			k++
		}
		if k < len(o) && match[k] >= 0 && (match[k] == 0 || n[match[k]-1] != "") {
			before[match[k]] += k - i
		}
		i = k - 1
	}
	var b strings.Builder
	for j, l := range n {
		for x := 0; x < before[j]; x++ {
			b.WriteString("\n")
		}
		b.WriteString(l)
		if j < len(n)-1 {
			b.WriteString("\n")
		}
	}
	return []byte(b.String())
}
