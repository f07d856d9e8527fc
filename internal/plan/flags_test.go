package plan

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/cost"
)

// TestDefaultOptions: the flags' defaults are the options refit
// rightsize and the dashboard plan with.
func TestDefaultOptions(t *testing.T) {
	copt := cost.Options{Region: "eu-west-1"}
	got, err := DefaultOptions(copt)
	if err != nil {
		t.Fatal(err)
	}
	want := Options{Options: copt, MinNodes: 2, SpotTypes: 3, RootVolumeGiB: 20}
	if err := want.ParseFlags("20%", nil, []string{"amd64"}, "cpu=100m,memory=128Mi"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultOptions:\n%+v\nwant\n%+v", got, want)
	}
}

func TestFlagsParse(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want func(*Options)
		err  string
	}{
		{args: []string{"--families", " t3, ,m7i,", "--arch", "amd64,arm64", "--headroom", "30%", "--no-spot", "--min-nodes", "3"},
			want: func(o *Options) {
				o.Families, o.Arch, o.Headroom, o.NoSpot, o.MinNodes = []string{"t3", "m7i"}, []string{"amd64", "arm64"}, 0.3, true, 3
			}},
		{args: []string{"--arch", "s390x"}, err: `--arch "s390x": want amd64, arm64 or both`},
		{args: []string{"--headroom", "lots"}, err: `--headroom "lots": want a percentage such as 20%`},
		{args: []string{"--default-requests", "gpu=1"}, err: `--default-requests "gpu=1": unknown resource "gpu" (cpu, memory)`},
	} {
		var f Flags
		fl := pflag.NewFlagSet("plan", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		got, err := f.Parse()
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%v: err %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		want, _ := DefaultOptions(cost.Options{})
		tc.want(&want)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%v: %+v, %v; want %+v", tc.args, got, err, want)
		}
	}
}

// TestOutputFlagsWriteEksctl: nothing without --write-eksctl; - writes the
// config to out in place of the report; a file is written and said on
// log; a bad --scenario is an error.
func TestOutputFlagsWriteEksctl(t *testing.T) {
	r, err := Make(load(t, "kops-before"), catalog(t), Options{Options: cost.Options{At: at}})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "cluster.yaml")
	for _, tc := range []struct {
		args    []string
		done    bool
		out     bool // config on out
		log     string
		wantErr string
	}{
		{nil, false, false, "", ""},
		{[]string{"--explain"}, false, false, "", ""},
		{[]string{"--write-eksctl", "-"}, true, true, "", ""},
		{[]string{"--write-eksctl", file, "--scenario", r.Recommended}, false, false, "wrote eksctl config for scenario " + r.Recommended + " to " + file, ""},
		{[]string{"--write-eksctl", "-", "--scenario", "nosuch"}, true, false, "", `--scenario "nosuch": no such scenario`},
	} {
		var f OutputFlags
		fl := pflag.NewFlagSet("plan", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		var out, log bytes.Buffer
		done, err := f.WriteEksctl(r, &out, &log)
		if tc.wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) || !done {
				t.Errorf("%q: done %v, error %v; want done, %q", tc.args, done, err, tc.wantErr)
			}
			continue
		}
		if err != nil || done != tc.done || (out.Len() > 0) != tc.out || !strings.HasPrefix(log.String(), tc.log) {
			t.Errorf("%q: done %v, %d bytes out, log %q, error %v", tc.args, done, out.Len(), log.String(), err)
		}
		if f.Explain != slices.Contains(tc.args, "--explain") {
			t.Errorf("%q: explain %v", tc.args, f.Explain)
		}
	}
	if _, err := os.Stat(file); err != nil {
		t.Errorf("--write-eksctl FILE: %v", err)
	}
}
