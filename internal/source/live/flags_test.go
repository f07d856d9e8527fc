package live

import (
	"slices"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// refit cost --aws --region R reads region R unless --aws-regions says
// otherwise.
func TestFlagsAWSRegionFromRegion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--aws", "--region", "eu-west-1"}, []string{"eu-west-1"}},
		{[]string{"--aws", "--region", "eu-west-1", "--aws-regions", "us-east-1,us-west-2"}, []string{"us-east-1", "us-west-2"}},
		{[]string{"--aws"}, nil},
		{[]string{"--region", "eu-west-1"}, nil},
	} {
		var f Flags
		var region string
		fl := pflag.NewFlagSet("x", pflag.ContinueOnError)
		fl.StringVar(&region, "region", "", "")
		f.AddFlags(fl)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if got := f.Options(fl, 0).Regions; !slices.Equal(got, tc.want) {
			t.Errorf("%q: regions %q, want %q", tc.args, got, tc.want)
		}
	}
}

// --context alone reads the cluster of the default kubeconfig.
func TestFlagsKube(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{{nil, false}, {[]string{"--context", "prod"}, true}, {[]string{"--kubeconfig", "k"}, true}} {
		var f Flags
		fl := pflag.NewFlagSet("x", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		o := f.Options(fl, time.Minute)
		if o.Kube != tc.want || o.Active() != tc.want || o.KubeTimeout != time.Minute {
			t.Errorf("%q: %+v", tc.args, o)
		}
	}
}
