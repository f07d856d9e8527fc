package plan

import (
	"reflect"
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
