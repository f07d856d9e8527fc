package billing

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/billing/analysis"
	"github.com/refit-dev/refit/internal/billing/query"
)

func TestCheckDeprecated(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		warn, err  string
		wantRegion string
	}{
		{args: nil},
		{args: []string{"--s3-region", "eu-west-1"}, wantRegion: "eu-west-1"},
		{args: []string{"--region", "eu-west-1"}, wantRegion: "eu-west-1",
			warn: "warning: --region is deprecated in refit bill: use --s3-region (the region of s3:// inputs and of Athena)\n"},
		{args: []string{"--region", "eu-west-1", "--s3-region", "us-east-1"}, err: "--region is the deprecated name of --s3-region: give --s3-region only"},
	} {
		var f Flags
		fl := pflag.NewFlagSet("bill", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		var warn bytes.Buffer
		err := CheckDeprecated(fl, &warn)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%v: err %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || warn.String() != tc.warn || f.Region != tc.wantRegion {
			t.Errorf("%v: err %v, warning %q, region %q; want warning %q, region %q", tc.args, err, warn.String(), f.Region, tc.warn, tc.wantRegion)
		}
	}
}

// TestFlagsOpen: the flags' defaults open the generated example bill; a bad
// period is refused before anything is read.
func TestFlagsOpen(t *testing.T) {
	var f Flags
	fl := pflag.NewFlagSet("bill", pflag.ContinueOnError)
	f.AddFlags(fl)
	if err := fl.Parse([]string{"--example"}); err != nil {
		t.Fatal(err)
	}
	b, p, err := f.Open(context.Background(), nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if p.Cost != "unblended" || b == nil {
		t.Fatalf("period %+v, bill %v", p, b)
	}
	f.Cost = "blended"
	if _, _, err := f.Open(context.Background(), nil, io.Discard); err == nil || err.Error() != `--cost "blended": want unblended, net or amortized` {
		t.Errorf("--cost blended: %v", err)
	}
}

// TestCommandFlags: the flags of bill summary, daily and anomalies, as
// their commands read them.
func TestCommandFlags(t *testing.T) {
	fl := pflag.NewFlagSet("bill", pflag.ContinueOnError)
	var (
		s SummaryFlags
		a AnomalyFlags
	)
	s.AddFlags(fl)
	a.AddFlags(fl)
	if err := fl.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if s.Top != 10 || s.Tag != "" || a.Options().Window != analysis.DefaultAnomalyWindow || a.Crossed(make([]analysis.Anomaly, 2)) != "" {
		t.Errorf("defaults: %+v, %+v", s, a)
	}
	if err := fl.Parse([]string{"--tag", "team", "--top", "3", "--fail-on-anomaly", "--window", "14"}); err != nil {
		t.Fatal(err)
	}
	if s.Top != 3 || s.Tag != "team" || a.Options().Window != 14 {
		t.Errorf("given: %+v, %+v", s, a)
	}
	if got := a.Crossed(make([]analysis.Anomaly, 2)); got != "2 anomalous day(s)" {
		t.Errorf("crossed %q", got)
	}
	if got := a.Crossed(nil); got != "" {
		t.Errorf("crossed with none found: %q", got)
	}

	for _, tc := range []struct {
		by, name, err string
		dim           query.Dimension
	}{
		{"", "component", "", query.ByComponent}, // the default
		{"none", "", "", ""},
		{"service", "service", "", query.ByService},
		{"tag:team", "tag:team", "", query.TagDimension("team")},
		{"team", "team", `--by "team": want component, service, usage-type, resource, account, region or tag:KEY`, ""},
	} {
		var d DailyFlags
		fl := pflag.NewFlagSet("daily", pflag.ContinueOnError)
		d.AddFlags(fl)
		args := []string{"--by", tc.by}
		if tc.by == "" {
			args = nil
		}
		if err := fl.Parse(args); err != nil {
			t.Fatal(err)
		}
		dim, name, err := d.Parse()
		if got := fmt.Sprint(err); (tc.err == "" && err != nil) || (tc.err != "" && got != tc.err) {
			t.Errorf("--by %q: error %v, want %q", tc.by, err, tc.err)
			continue
		}
		if tc.err == "" && (dim != tc.dim || name != tc.name) {
			t.Errorf("--by %q: %q, %q; want %q, %q", tc.by, dim, name, tc.dim, tc.name)
		}
	}
}
