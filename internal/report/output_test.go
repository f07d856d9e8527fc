package report

import (
	"testing"

	"github.com/spf13/pflag"
)

func TestOutputFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want Format
		err  string
	}{
		{nil, Markdown, ""},
		{[]string{"-o", "json"}, JSON, ""},
		{[]string{"--output", "table"}, "", `output format "table" is not available here (want markdown|json)`},
	} {
		fl := pflag.NewFlagSet("x", pflag.ContinueOnError)
		o := AddOutputFlag(fl, Markdown, Markdown, JSON)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		got, err := o.Format()
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%v: err %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%v: %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
	fl := pflag.NewFlagSet("x", pflag.ContinueOnError)
	o := AddParsedOutputFlag(fl, "table|sarif", ParseFindingsFormat)
	if f := fl.Lookup("output"); f.DefValue != "table" || f.Shorthand != "o" || f.Usage != "output format: table|sarif" {
		t.Errorf("-o: %+v", f)
	}
	if err := fl.Parse([]string{"-o", "sarif"}); err != nil {
		t.Fatal(err)
	}
	if got, err := o.Format(); err != nil || got != SARIF {
		t.Errorf("-o sarif: %q, %v", got, err)
	}
}
