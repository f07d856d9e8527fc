package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// Output is a command's -o flag as given, checked by Format.
type Output struct {
	s     string
	parse func(string) (Format, error)
}

// AddOutputFlag registers -o, taking the allowed formats (def by default).
func AddOutputFlag(fl *pflag.FlagSet, def Format, allowed ...Format) *Output {
	names := make([]string, len(allowed))
	for i, f := range allowed {
		names[i] = string(f)
	}
	o := &Output{parse: func(s string) (Format, error) {
		f, err := ParseFormat(s)
		if err != nil {
			return "", err
		}
		if !slices.Contains(allowed, f) {
			return "", fmt.Errorf("output format %q is not available here (want %s)", s, strings.Join(names, "|"))
		}
		return f, nil
	}}
	fl.StringVarP(&o.s, "output", "o", string(def), "output format: "+strings.Join(names, "|"))
	return o
}

// AddParsedOutputFlag registers -o (table by default) with a parser of its
// own (bill's csv, migrate check's sarif), naming the formats in names.
func AddParsedOutputFlag(fl *pflag.FlagSet, names string, parse func(string) (Format, error)) *Output {
	o := &Output{parse: parse}
	fl.StringVarP(&o.s, "output", "o", "table", "output format: "+names)
	return o
}

// Format is the format -o names, or an error saying why it is not one.
func (o *Output) Format() (Format, error) { return o.parse(o.s) }
