package pricing

import (
	"context"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestUpdateFlags: --from rebuilds the catalog as UpdateFromOffers does;
// the flags' errors come before anything is read.
func TestUpdateFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{nil, "--from or --fetch is required: a directory of AWS Price List offer files, or download them"},
		{[]string{"--from", "x", "--fetch"}, "--from and --fetch cannot be used together"},
		{[]string{"--from", "x", "--retries", "2"}, "--retries goes with --fetch"},
		{[]string{"--fetch", "--services", "AmazonS3"}, "--services: refit reads no prices from \"AmazonS3\"; service codes: "},
		{[]string{"--fetch", "--retries", "-1"}, "--retries must be 0 or more"},
	} {
		var f UpdateFlags
		fl := pflag.NewFlagSet("update", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(append(tc.args, "--to", t.TempDir())); err != nil {
			t.Fatal(err)
		}
		_, err := f.Update(context.Background(), fl, io.Discard)
		if err == nil || len(err.Error()) < len(tc.err) || err.Error()[:len(tc.err)] != tc.err {
			t.Errorf("%v: err %v, want %q...", tc.args, err, tc.err)
		}
	}
	var f UpdateFlags
	fl := pflag.NewFlagSet("update", pflag.ContinueOnError)
	f.AddFlags(fl)
	dir := t.TempDir()
	if err := fl.Parse([]string{"--from", "testdata/offers", "--to", filepath.Join(dir, "a")}); err != nil {
		t.Fatal(err)
	}
	got, err := f.Update(context.Background(), fl, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want, err := UpdateFromOffers("testdata/offers", filepath.Join(dir, "b"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Update --from:\n%+v\nwant\n%+v", got, want)
	}
}

// TestReadFlags: prices show and list take one --region, coverage many;
// Open checks each against the catalog.
func TestReadFlags(t *testing.T) {
	for _, tc := range []struct {
		coverage bool
		args     []string
		err      string
		regions  []string
	}{
		{false, nil, "", []string{"us-east-1"}},
		{false, []string{"--region", "us-east-2"}, "", []string{"us-east-2"}},
		{false, []string{"--region", "us-nowhere-1"}, "--region: ", nil},
		{true, nil, "", nil},
		{true, []string{"--region", "eu-west-1,ap-south-1"}, "", []string{"eu-west-1", "ap-south-1"}},
		{true, []string{"--region", "eu-west-1,mars-1"}, "--region: ", nil},
		{false, []string{"--prices", filepath.Join(t.TempDir(), "absent")}, "absent", nil},
	} {
		var f ReadFlags
		fl := pflag.NewFlagSet("prices", pflag.ContinueOnError)
		if tc.coverage {
			f.AddCoverageFlags(fl)
		} else {
			f.AddFlags(fl, "us-east-1")
		}
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		_, err := f.Open()
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v: error %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		got := f.Regions
		if !tc.coverage {
			got = []string{f.Region}
		}
		if !reflect.DeepEqual(got, tc.regions) {
			t.Errorf("%v: regions %v, want %v", tc.args, got, tc.regions)
		}
	}
}
