package billing

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/spf13/pflag"
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
