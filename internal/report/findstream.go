package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/refit-dev/refit/internal/kubeapi"
)

// FindingSeq is findings read by index, in order: a *kubeapi.FindingList,
// or a slice through Findings. The renderers read it once or twice and
// write as they go, so no second copy of the findings is built.
type FindingSeq interface {
	Len() int
	At(i int) kubeapi.Finding
}

// Findings is a slice of findings as a FindingSeq.
type Findings []kubeapi.Finding

// Len is the number of findings.
func (s Findings) Len() int { return len(s) }

// At returns finding i.
func (s Findings) At(i int) kubeapi.Finding { return s[i] }

// WriteFindingSeq renders findings in a format, as WriteFindings and
// WriteSARIF (with toolVersion) do.
func WriteFindingSeq(w io.Writer, fs FindingSeq, f Format, toolVersion string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch f {
	case JSON:
		err = findingsJSON(bw, fs)
	case YAML:
		all := make([]kubeapi.Finding, fs.Len())
		for i := range all {
			all[i] = fs.At(i)
		}
		err = WriteYAML(bw, NewFindingsView(all))
	case Markdown:
		err = findingsMarkdown(bw, fs)
	case SARIF:
		err = sarifStream(bw, fs, toolVersion)
	case Wide:
		err = findingsTable(bw, fs, true)
	default:
		err = findingsTable(bw, fs, false)
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// summarizeSeq is Summarize over a FindingSeq.
func summarizeSeq(fs FindingSeq) FindingsSummary {
	s := FindingsSummary{Total: fs.Len(), ByRule: map[string]int{}}
	for i := range fs.Len() {
		s.add(fs.At(i))
	}
	return s
}

func (s *FindingsSummary) add(f kubeapi.Finding) {
	s.ByRule[f.Rule]++
	switch category(f) {
	case "removed":
		s.Removed++
	case "deprecated":
		s.Deprecated++
	default:
		s.Other++
	}
	if f.Fixable {
		s.Fixable++
	}
	switch f.Severity {
	case kubeapi.Error:
		s.Errors++
	case kubeapi.Warning:
		s.Warnings++
	default:
		s.Info++
	}
}

// elementWriter writes values as the elements of an indented JSON array
// at a depth, exactly as json.Encoder with SetIndent("", "  ") lays out
// the whole document.
type elementWriter struct {
	w      io.Writer
	buf    bytes.Buffer
	enc    *json.Encoder
	indent string
	n      int
}

func newElementWriter(w io.Writer, depth int) *elementWriter {
	e := &elementWriter{w: w, indent: strings.Repeat("  ", depth)}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetIndent(e.indent, "  ")
	e.enc.SetEscapeHTML(false)
	return e
}

func (e *elementWriter) write(v any) error {
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n"
	if e.n == 0 {
		sep = "\n"
	}
	e.n++
	if _, err := io.WriteString(e.w, sep+e.indent); err != nil {
		return err
	}
	_, err := e.w.Write(bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
	return err
}

// close ends the array: "]" on its own line at the depth above. Only a
// non-empty array goes through an elementWriter (the caller writes "[]").
func (e *elementWriter) close() error {
	_, err := io.WriteString(e.w, "\n"+e.indent[2:]+"]")
	return err
}

// findingsJSON writes the FindingsView of fs, one finding at a time.
func findingsJSON(w io.Writer, fs FindingSeq) error {
	s := FindingsSummary{Total: fs.Len(), ByRule: map[string]int{}}
	if fs.Len() == 0 {
		io.WriteString(w, "{\n  \"findings\": [],")
	} else {
		io.WriteString(w, "{\n  \"findings\": [")
		var b []byte
		for i := range fs.Len() {
			f := fs.At(i)
			s.add(f)
			b = append(b[:0], ",\n    "...)
			if i == 0 {
				b = b[1:]
			}
			b = appendFindingJSON(b, f, "    ")
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		io.WriteString(w, "\n  ],")
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("  ", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n  \"summary\": %s}\n", b.Bytes())
	return err
}

// sarifStream writes the SARIF log of fs, one result at a time.
func sarifStream(w io.Writer, fs FindingSeq, toolVersion string) error {
	rules, index := sarifRules(fs)
	head := SARIFLog{
		Schema: sarifSchema, Version: sarifVersion,
		Runs: []SARIFRun{{
			Tool:    SARIFTool{Driver: SARIFDriver{Name: "refit", Version: toolVersion, InformationURI: refitURI, Rules: rules}},
			Results: []SARIFResult{},
		}},
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, head); err != nil {
		return err
	}
	const empty = `"results": []`
	out := b.Bytes()
	at := bytes.LastIndex(out, []byte(empty))
	if fs.Len() == 0 || at < 0 {
		_, err := w.Write(out)
		return err
	}
	if _, err := w.Write(out[:at+len(empty)-1]); err != nil {
		return err
	}
	e := newElementWriter(w, 4)
	seen := map[string]int{}
	for i := range fs.Len() {
		if err := e.write(sarifResult(fs.At(i), index, seen)); err != nil {
			return err
		}
	}
	if err := e.close(); err != nil {
		return err
	}
	_, err := w.Write(out[at+len(empty):])
	return err
}

// findingsTable writes the table as tabwriter would lay it out, without
// holding it: a first pass measures the columns. Cells with characters
// tabwriter treats specially go through tabwriter itself.
func findingsTable(w io.Writer, fs FindingSeq, wide bool) error {
	if fs.Len() == 0 {
		_, err := fmt.Fprintln(w, "No deprecated or removed APIs found.")
		return err
	}
	header := []string{"LOCATION", "KIND", "NAME", "API VERSION", "STATUS", "REPLACEMENT"}
	if wide {
		header = []string{"LOCATION", "SEVERITY", "RULE", "KIND", "NAME", "API VERSION", "FIELD", "STATUS", "REPLACEMENT", "FIXABLE", "MESSAGE"}
	}
	widths := make([]int, len(header))
	special := false
	measure := func(cells []string) {
		for i, c := range cells[:len(cells)-1] {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
		for _, c := range cells {
			if strings.ContainsAny(c, "\t\n\v\f\xff") {
				special = true
			}
		}
	}
	measure(header)
	s := FindingsSummary{Total: fs.Len(), ByRule: map[string]int{}}
	cells := make([]string, 11)
	for i := range fs.Len() {
		f := fs.At(i)
		s.add(f)
		measure(tableRow(f, wide, cells))
	}
	if special {
		tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
		fmt.Fprintln(tw, strings.Join(header, "\t"))
		for i := range fs.Len() {
			fmt.Fprintln(tw, strings.Join(tableRow(fs.At(i), wide, cells), "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	} else {
		var line []byte
		row := func(cells []string) error {
			line = line[:0]
			for i, c := range cells {
				line = append(line, c...)
				if i < len(cells)-1 {
					for range widths[i] + 3 - utf8.RuneCountInString(c) {
						line = append(line, ' ')
					}
				}
			}
			line = append(line, '\n')
			_, err := w.Write(line)
			return err
		}
		if err := row(header); err != nil {
			return err
		}
		for i := range fs.Len() {
			if err := row(tableRow(fs.At(i), wide, cells)); err != nil {
				return err
			}
		}
	}
	_, err := fmt.Fprintf(w, "\n%s\n", summaryLine(s))
	return err
}

// tableRow fills cells with f's row.
func tableRow(f kubeapi.Finding, wide bool, cells []string) []string {
	loc, kind, name, av, st, repl := f.Location(), orNone(f.Kind), objectName(f), foundVersion(f), status(f), orNone(f.Replacement)
	if !wide {
		cells[0], cells[1], cells[2], cells[3], cells[4], cells[5] = loc, kind, name, av, st, repl
		return cells[:6]
	}
	fix := "no"
	if f.Fixable {
		fix = "yes"
	}
	cells[0], cells[1], cells[2], cells[3], cells[4], cells[5] = loc, string(f.Severity), f.Rule, kind, name, av
	cells[6], cells[7], cells[8], cells[9], cells[10] = orNone(f.Field), st, repl, fix, f.Message
	return cells[:11]
}

// appendFindingJSON appends f as encoding/json with SetIndent(indent,
// "  ") and SetEscapeHTML(false) writes it, without the trailing newline,
// several times faster (TestStreamingRenderersMatch holds them equal).
func appendFindingJSON(b []byte, f kubeapi.Finding, indent string) []byte {
	in := indent + "  "
	str := func(key, v string, omitEmpty bool) {
		if omitEmpty && v == "" {
			return
		}
		b = append(b, ",\n"...)
		b = append(b, in...)
		b = append(b, '"')
		b = append(b, key...)
		b = append(b, "\": "...)
		b = appendJSONString(b, v)
	}
	num := func(key string, v int, omitEmpty bool) {
		if omitEmpty && v == 0 {
			return
		}
		b = append(b, ",\n"...)
		b = append(b, in...)
		b = append(b, '"')
		b = append(b, key...)
		b = append(b, "\": "...)
		b = strconv.AppendInt(b, int64(v), 10)
	}
	b = append(b, "{\n"...)
	b = append(b, in...)
	b = append(b, `"rule": `...)
	b = appendJSONString(b, f.Rule)
	str("severity", string(f.Severity), false)
	str("file", f.File, false)
	num("line", f.Line, false)
	num("column", f.Column, true)
	str("apiVersion", f.APIVersion, true)
	str("kind", f.Kind, true)
	str("namespace", f.Namespace, true)
	str("name", f.Name, true)
	str("field", f.Field, true)
	str("foundAPIVersion", f.FoundAPIVersion, true)
	str("deprecatedIn", f.DeprecatedIn.String(), false)
	str("removedIn", f.RemovedIn.String(), false)
	str("replacement", f.Replacement, true)
	str("message", f.Message, false)
	str("notes", f.Notes, true)
	if f.Fixable {
		b = append(b, ",\n"...)
		b = append(b, in...)
		b = append(b, `"fixable": true`...)
	}
	b = append(b, '\n')
	b = append(b, indent...)
	return append(b, '}')
}

// appendJSONString quotes s as encoding/json does without HTML escaping.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
