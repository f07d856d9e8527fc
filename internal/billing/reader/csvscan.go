package reader

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
)

// csvScanner splits CSV records exactly as encoding/csv does with its
// defaults (RFC 4180 quoting, comma, no comments, LazyQuotes and
// TrimLeadingSpace off, any number of fields per record; empty lines
// skipped; \r\n read as \n), but faster for billing exports: a line with
// no quote is split in place, only as far as the fields the reader needs,
// and fields are byte slices valid until the next call. A fuzz test holds
// it against encoding/csv.
type csvScanner struct {
	r      *bufio.Reader
	line   int // lines read so far
	fields [][]byte
	// recordBuffer and fieldEnds hold the fields of a record with quotes
	// (copied out, unescaped).
	recordBuffer []byte
	fieldEnds    []int
	long         []byte // a line longer than the bufio buffer
}

func newCSVScanner(r io.Reader) *csvScanner {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 256<<10)
	}
	return &csvScanner{r: br}
}

// readLine reads one line like encoding/csv: \r\n becomes \n and a
// trailing \r before EOF is dropped. The slice is valid until the next
// read.
func (s *csvScanner) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = s.r.ReadSlice('\n')
			s.long = append(s.long, line...)
		}
		line = s.long
	}
	if len(line) > 0 && err == io.EOF {
		err = nil
		if line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	}
	s.line++
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// next returns the next record's fields and the line it starts on. When
// the record has no quotes, only its first want fields are split (want <=
// 0: all); more = true then says it has more fields than returned. Errors
// are *csv.ParseError (the record is skipped, as encoding/csv does) or
// io.EOF.
func (s *csvScanner) next(want int) (fields [][]byte, more bool, line int, err error) {
	var l []byte
	for {
		l, err = s.readLine()
		if err == nil && len(l) == lengthNL(l) {
			continue // empty line
		}
		break
	}
	if err == io.EOF {
		return nil, false, 0, err
	}
	if err != nil {
		return nil, false, 0, err
	}
	line = s.line
	if bytes.IndexByte(l, '"') < 0 {
		l = l[:len(l)-lengthNL(l)]
		s.fields = s.fields[:0]
		for {
			if want > 0 && len(s.fields) == want {
				return s.fields, true, line, nil
			}
			i := bytes.IndexByte(l, ',')
			if i < 0 {
				s.fields = append(s.fields, l)
				return s.fields, false, line, nil
			}
			s.fields = append(s.fields, l[:i])
			l = l[i+1:]
		}
	}
	fields, err = s.quoted(l, line)
	return fields, false, line, err
}

// quoted parses a record with quotes, following encoding/csv's readRecord.
func (s *csvScanner) quoted(l []byte, recLine int) ([][]byte, error) {
	s.recordBuffer = s.recordBuffer[:0]
	s.fieldEnds = s.fieldEnds[:0]
	col := 1 // 1-based byte column, for errors
	var errRead error
parseField:
	for {
		if len(l) == 0 || l[0] != '"' {
			i := bytes.IndexByte(l, ',')
			field := l
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				return nil, &csv.ParseError{StartLine: recLine, Line: s.line, Column: col + j, Err: csv.ErrBareQuote}
			}
			s.recordBuffer = append(s.recordBuffer, field...)
			s.fieldEnds = append(s.fieldEnds, len(s.recordBuffer))
			if i >= 0 {
				l = l[i+1:]
				col += i + 1
				continue parseField
			}
			break parseField
		}
		// Quoted field.
		l = l[1:]
		col++
		for {
			i := bytes.IndexByte(l, '"')
			switch {
			case i >= 0:
				s.recordBuffer = append(s.recordBuffer, l[:i]...)
				l = l[i+1:]
				col += i + 1
				switch {
				case len(l) > 0 && l[0] == '"': // "" is a quote
					s.recordBuffer = append(s.recordBuffer, '"')
					l = l[1:]
					col++
				case len(l) > 0 && l[0] == ',': // end of field
					l = l[1:]
					col++
					s.fieldEnds = append(s.fieldEnds, len(s.recordBuffer))
					continue parseField
				case lengthNL(l) == len(l): // end of record
					s.fieldEnds = append(s.fieldEnds, len(s.recordBuffer))
					break parseField
				default:
					return nil, &csv.ParseError{StartLine: recLine, Line: s.line, Column: col - 1, Err: csv.ErrQuote}
				}
			case len(l) > 0: // the field goes on on the next line
				s.recordBuffer = append(s.recordBuffer, l...)
				if errRead != nil {
					break parseField
				}
				col += len(l)
				var err error
				l, err = s.readLine()
				if len(l) > 0 {
					col = 1
				}
				if err == io.EOF {
					err = nil
				}
				errRead = err
			default: // end of input inside quotes
				if errRead == nil {
					return nil, &csv.ParseError{StartLine: recLine, Line: s.line, Column: col, Err: csv.ErrQuote}
				}
				s.fieldEnds = append(s.fieldEnds, len(s.recordBuffer))
				break parseField
			}
		}
	}
	s.fields = s.fields[:0]
	start := 0
	for _, end := range s.fieldEnds {
		s.fields = append(s.fields, s.recordBuffer[start:end:end])
		start = end
	}
	if errRead != nil && !errors.Is(errRead, io.EOF) {
		return s.fields, errRead
	}
	return s.fields, nil
}
