package reader

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// csvRecords reads data with encoding/csv as the readers used to: the
// records (or errors with their start line), in order.
func csvRecords(data []byte) []string {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var out []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return append(out, "error "+err.Error())
			}
			out = append(out, fmt.Sprintf("line %d: %v", pe.StartLine, pe.Err))
			continue
		}
		line, _ := cr.FieldPos(0)
		out = append(out, fmt.Sprintf("line %d: %q", line, rec))
	}
}

// scanRecords reads data with csvScanner, splitting want fields.
func scanRecords(data []byte, want int, bufSize int) []string {
	s := newCSVScanner(bufioReader(data, bufSize))
	var out []string
	for {
		rec, more, line, err := s.next(want)
		if err == io.EOF {
			return out
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return append(out, "error "+err.Error())
			}
			out = append(out, fmt.Sprintf("line %d: %v", pe.StartLine, pe.Err))
			continue
		}
		fields := make([]string, len(rec))
		for i, f := range rec {
			fields[i] = string(f)
		}
		if more {
			fields = append(fields, "…")
		}
		out = append(out, fmt.Sprintf("line %d: %q", line, fields))
	}
}

func TestCSVScannerMatchesEncodingCSV(t *testing.T) {
	inputs := []string{
		"a,b,c\n1,2,3\n",
		"a,b\r\n1,2\r\n",
		"a,b\n\n\n1,2",
		"a,b\n1,2\r",
		`a,"b,c",d` + "\n" + `"x""y",z` + "\n",
		`"multi` + "\n" + `line",2` + "\n3,4\n",
		`"multi` + "\r\n" + `line",2` + "\n",
		"a,b\"c\n1,2\n",
		`"a"b,c` + "\n1,2\n",
		`"unterminated,1` + "\n2,3\n",
		`"unterminated`,
		"\n\n",
		"",
		"x",
		",,\n,",
		`"",""` + "\n",
		"  ,  \n",
		`a,"b"` + "\r\n" + `c,"d"`,
		"\ufeffh1,h2\n1,2\n",
	}
	for _, in := range inputs {
		want := csvRecords([]byte(in))
		got := scanRecords([]byte(in), 0, 16)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%q:\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestCSVScannerWant(t *testing.T) {
	got := scanRecords([]byte("a,b,c,d\n1,2\n\"q,1\",2,3\n"), 2, 4096)
	want := []string{`line 1: ["a" "b" "…"]`, `line 2: ["1" "2"]`, `line 3: ["q,1" "2" "3"]`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzCSVScanner holds csvScanner against encoding/csv on any input, with
// a small buffer so long lines take the slow path too.
func FuzzCSVScanner(f *testing.F) {
	f.Add([]byte("a,b\n\"c\"\"d\",e\r\n\n\"f\ng\",h"))
	f.Add([]byte("lineItem/UsageStartDate,lineItem/UnblendedCost\n2024-01-01T00:00:00Z,1.5\n"))
	f.Add([]byte(`"a"b,"c`))
	f.Fuzz(func(t *testing.T, data []byte) {
		want := csvRecords(data)
		got := scanRecords(data, 0, 16)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%q:\n got %q\nwant %q", data, got, want)
		}
	})
}

func TestParseDecimalBytes(t *testing.T) {
	for _, s := range []string{"", "0", "-0", "1.5", "-0.0000001", "0.0960000", "123456789012345678", "1234567890123456789",
		"1.", ".5", "-", "+1", "1e-5", " 2 ", "NULL", "1.2.3", "abc", "00012.3400", "-999999999999999999"} {
		got, gotOK, gotErr := parseDecimalBytes([]byte(s))
		want, wantOK, wantErr := parseDecimal(s)
		if gotOK != wantOK || (gotErr == nil) != (wantErr == nil) || got.String() != want.String() || got.Exponent() != want.Exponent() {
			t.Errorf("%q: %s %v %v (exp %d), want %s %v %v (exp %d)", s, got, gotOK, gotErr, got.Exponent(), want, wantOK, wantErr, want.Exponent())
		}
	}
}

func bufioReader(data []byte, size int) *bufio.Reader {
	return bufio.NewReaderSize(bytes.NewReader(data), size)
}
