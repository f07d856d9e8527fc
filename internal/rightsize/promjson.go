package rightsize

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// decodeResponse reads an API response ({"status", "data": {"resultType",
// "result": [...]}, "error"}) as it arrives, decoding one series of the
// result at a time. It is a small scanner made for this shape rather than
// encoding/json's reflection: a range query over 2,000 containers and 14
// days is 8 million points, and reading them was most of refit's time.
// The Samples slice handed to visit is reused for the next series: visit
// must not keep it.
func decodeResponse(r io.Reader, visit func(Series) error) error {
	s := &scanner{r: bufio.NewReaderSize(r, 64<<10)}
	if err := s.expect('{'); err != nil {
		return err
	}
	var status, errType, errMsg string
	var out Series
	first := true
	for {
		key, ok, err := s.nextKey(&first)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch key {
		case "status":
			status, err = s.str()
		case "errorType":
			errType, err = s.str()
		case "error":
			errMsg, err = s.str()
		case "data":
			err = s.data(&out, visit)
		default:
			err = s.skip(0)
		}
		if err != nil {
			return err
		}
	}
	if status != "success" {
		if errMsg == "" {
			errMsg = "status " + strconv.Quote(status)
		}
		if errType != "" {
			return fmt.Errorf("%s: %s", errType, errMsg)
		}
		return errors.New(errMsg)
	}
	return nil
}

// scanner reads the JSON of an API response from a buffered reader.
type scanner struct {
	r   *bufio.Reader
	buf []byte // the last string or number read
}

// maxDepth bounds the nesting of values skipped.
const maxDepth = 64

// byte returns the next byte that is not white space.
func (s *scanner) byte() (byte, error) {
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return 0, badJSON(err)
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c, nil
	}
}

func (s *scanner) peek() (byte, error) {
	c, err := s.byte()
	if err != nil {
		return 0, err
	}
	return c, s.r.UnreadByte()
}

func (s *scanner) expect(want byte) error {
	c, err := s.byte()
	if err != nil {
		return err
	}
	if c != want {
		return fmt.Errorf("unexpected response: want %q, got %q", want, c)
	}
	return nil
}

// more reads the separator after an element of an object or array: true
// before the next element, false at the closing delimiter. first is set
// for the first element.
func (s *scanner) more(closing byte, first *bool) (bool, error) {
	c, err := s.byte()
	if err != nil {
		return false, err
	}
	if c == closing {
		return false, nil
	}
	if *first {
		*first = false
		return true, s.r.UnreadByte()
	}
	if c != ',' {
		return false, fmt.Errorf("unexpected response: want ',' or %q, got %q", closing, c)
	}
	return true, nil
}

// nextKey reads the next key of an object and its colon; ok is false at
// the object's end.
func (s *scanner) nextKey(first *bool) (string, bool, error) {
	ok, err := s.more('}', first)
	if err != nil || !ok {
		return "", false, err
	}
	if err := s.expect('"'); err != nil {
		return "", false, err
	}
	if err := s.readString(); err != nil {
		return "", false, err
	}
	key := string(s.buf)
	return key, true, s.expect(':')
}

// str reads a string value.
func (s *scanner) str() (string, error) {
	if err := s.expect('"'); err != nil {
		return "", err
	}
	if err := s.readString(); err != nil {
		return "", err
	}
	return string(s.buf), nil
}

// readString reads the rest of a string whose opening quote was read into
// s.buf; escapes are left to encoding/json (rare in label values).
func (s *scanner) readString() error {
	s.buf = s.buf[:0]
	escaped := false
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return badJSON(err)
		}
		switch {
		case c == '"':
			if !escaped {
				return nil
			}
			return s.unescape()
		case c == '\\':
			escaped = true
			s.buf = append(s.buf, c)
			c, err = s.r.ReadByte()
			if err != nil {
				return badJSON(err)
			}
		case c < 0x20:
			return fmt.Errorf("not a Prometheus API response: control character in a string")
		}
		s.buf = append(s.buf, c)
	}
}

func (s *scanner) unescape() error {
	q := make([]byte, 0, len(s.buf)+2)
	q = append(append(append(q, '"'), s.buf...), '"')
	var v string
	if err := json.Unmarshal(q, &v); err != nil {
		return fmt.Errorf("not a Prometheus API response: %w", err)
	}
	s.buf = append(s.buf[:0], v...)
	return nil
}

// number reads a number into s.buf.
func (s *scanner) number() error {
	s.buf = s.buf[:0]
	c, err := s.byte()
	for {
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) && len(s.buf) > 0 {
				return nil // the end of the input ends the number
			}
			return err
		}
		if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.buf = append(s.buf, c)
			if c, err = s.r.ReadByte(); err != nil {
				err = badJSON(err)
			}
			continue
		}
		if len(s.buf) == 0 {
			return fmt.Errorf("unexpected response: want a number, got %q", c)
		}
		return s.r.UnreadByte()
	}
}

// skip reads past one value of any kind.
func (s *scanner) skip(depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("not a Prometheus API response: nested too deep")
	}
	c, err := s.peek()
	if err != nil {
		return err
	}
	switch c {
	case '{', '[':
		s.r.ReadByte()
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		first := true
		for {
			ok, err := s.more(closing, &first)
			if err != nil {
				return err
			}
			if !ok {
				return nil
			}
			if closing == '}' {
				if err := s.expect('"'); err != nil {
					return err
				}
				if err := s.readString(); err != nil {
					return err
				}
				if err := s.expect(':'); err != nil {
					return err
				}
			}
			if err := s.skip(depth + 1); err != nil {
				return err
			}
		}
	case '"':
		s.r.ReadByte()
		return s.readString()
	case 't', 'f', 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if lit[0] == c {
				for i := range len(lit) {
					b, err := s.r.ReadByte()
					if err != nil {
						return badJSON(err)
					}
					if b != lit[i] {
						return fmt.Errorf("not a Prometheus API response: bad literal")
					}
				}
			}
		}
		return nil
	}
	return s.number()
}

// data reads the data object, visiting each series of its result.
func (s *scanner) data(out *Series, visit func(Series) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	first := true
	for {
		key, ok, err := s.nextKey(&first)
		if err != nil || !ok {
			return err
		}
		if key != "result" {
			if err := s.skip(0); err != nil {
				return err
			}
			continue
		}
		if c, err := s.byte(); err != nil {
			return err
		} else if c != '[' {
			return fmt.Errorf("unexpected response: result is not a vector or matrix")
		}
		firstSeries := true
		for {
			ok, err := s.more(']', &firstSeries)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if err := s.series(out); err != nil {
				return err
			}
			if err := visit(*out); err != nil {
				return err
			}
		}
	}
}

// series reads one element of a result: {"metric": {...}, "value": [t,
// "v"]} or {"metric": {...}, "values": [[t, "v"], ...]}; other keys (native
// histograms) are skipped.
func (s *scanner) series(out *Series) error {
	out.Labels = nil
	out.Samples = out.Samples[:0]
	if err := s.expect('{'); err != nil {
		return err
	}
	first := true
	for {
		key, ok, err := s.nextKey(&first)
		if err != nil || !ok {
			if out.Labels == nil && err == nil {
				out.Labels = map[string]string{}
			}
			return err
		}
		switch key {
		case "metric":
			if out.Labels, err = s.labels(); err != nil {
				return err
			}
		case "value":
			sm, err := s.sample()
			if err != nil {
				return err
			}
			out.Samples = append(out.Samples, sm)
		case "values":
			if err := s.expect('['); err != nil {
				return err
			}
			fv := true
			for {
				ok, err := s.more(']', &fv)
				if err != nil {
					return err
				}
				if !ok {
					break
				}
				sm, err := s.sample()
				if err != nil {
					return err
				}
				out.Samples = append(out.Samples, sm)
			}
		default:
			if err := s.skip(0); err != nil {
				return err
			}
		}
	}
}

func (s *scanner) labels() (map[string]string, error) {
	if err := s.expect('{'); err != nil {
		return nil, err
	}
	m := make(map[string]string, 4)
	first := true
	for {
		k, ok, err := s.nextKey(&first)
		if err != nil || !ok {
			return m, err
		}
		v, err := s.str()
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
}

// sample reads [unixSeconds, "value"].
func (s *scanner) sample() (Sample, error) {
	if err := s.expect('['); err != nil {
		return Sample{}, err
	}
	if err := s.number(); err != nil {
		return Sample{}, err
	}
	ts, ok := parseSeconds(s.buf)
	if !ok {
		return Sample{}, fmt.Errorf("unexpected response: sample time %q", s.buf)
	}
	if err := s.expect(','); err != nil {
		return Sample{}, err
	}
	// The value is parsed from s.buf: no string is kept per sample.
	if err := s.expect('"'); err != nil {
		return Sample{}, err
	}
	if err := s.readString(); err != nil {
		return Sample{}, err
	}
	val, err := strconv.ParseFloat(string(s.buf), 64)
	if err != nil {
		return Sample{}, fmt.Errorf("unexpected response: sample value %q", s.buf)
	}
	if err := s.expect(']'); err != nil {
		return Sample{}, err
	}
	return Sample{T: time.UnixMilli(int64(ts * 1000)), V: val}, nil
}

// parseSeconds reads a sample's time: whole seconds (Prometheus' usual
// form) without strconv's allocation, else as strconv.ParseFloat does.
func parseSeconds(b []byte) (float64, bool) {
	if len(b) > 0 && len(b) <= 15 {
		n := int64(0)
		digits := true
		for _, c := range b {
			if c < '0' || c > '9' {
				digits = false
				break
			}
			n = n*10 + int64(c-'0')
		}
		if digits {
			return float64(n), true
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}
