package migrate

import (
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/kubeapi/readiness"
	"github.com/refit-dev/refit/internal/source/live"
)

func TestCheckFlagsParse(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		wantLevel int
		want      Options
		err       string
	}{
		{args: []string{"--to", "1.33"}, wantLevel: 3, want: Options{To: kubeapi.Version{Major: 1, Minor: 33}}},
		{args: []string{"--to", "1.33", "--from", "1.29", "--fail-on", "any", "--target", "eks", "--fargate-namespaces", "a, ,b"}, wantLevel: 1,
			want: Options{To: kubeapi.Version{Major: 1, Minor: 33}, From: kubeapi.Version{Major: 1, Minor: 29},
				Target: readiness.Target{EKS: true, FargateNamespaces: []string{"a", "b"}}, UseTarget: true}},
		{args: nil, err: "--to is required: the Kubernetes version you move to, for example --to 1.33"},
		{args: []string{"--to", "1.33", "--from", "one"}, err: "--from: "},
		{args: []string{"--to", "1.33", "--ingress", "nginx"}, err: `--ingress "nginx": want alb`},
		{args: []string{"--to", "1.33", "--fail-on", "most"}, err: "--fail-on"},
		{args: []string{"--to", "1.33", "--kubeconfig", "k", "--aws", "--aws-regions", "eu-west-1"}, wantLevel: 3,
			want: Options{To: kubeapi.Version{Major: 1, Minor: 33},
				Live: live.Options{AWS: true, Regions: []string{"eu-west-1"}, Kube: true, Kubeconfig: "k", KubeTimeout: time.Minute}}},
	} {
		var f CheckFlags
		fl := pflag.NewFlagSet("check", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		var o Options
		level, err := f.Parse(fl, time.Minute, &o)
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("%v: err %v, want %q...", tc.args, err, tc.err)
			}
			continue
		}
		if !o.Live.Active() {
			tc.want.Live.KubeTimeout = time.Minute // the bound, read or not
		}
		if err != nil || level != tc.wantLevel || !reflect.DeepEqual(o, tc.want) {
			t.Errorf("%v: %+v, level %d, %v; want %+v, level %d", tc.args, o, level, err, tc.want, tc.wantLevel)
		}
	}
}

func TestFixFlagsParse(t *testing.T) {
	v133 := kubeapi.Version{Major: 1, Minor: 33}
	for _, tc := range []struct {
		args []string
		want FixOptions
		err  string
	}{
		{args: []string{"--to", "1.33"}, want: FixOptions{Options: Options{Paths: []string{"k8s"}, To: v133}, Mode: Diff, Backup: true}},
		{args: []string{"--to", "1.33", "--in-place", "--no-backup"}, want: FixOptions{Options: Options{Paths: []string{"k8s"}, To: v133}, Mode: InPlace}},
		{args: []string{"--to", "1.33", "-o", "out", "--apply-readiness", "--ingress", "alb"},
			want: FixOptions{Options: Options{Paths: []string{"k8s"}, To: v133, Target: readiness.Target{Ingress: "alb"}, UseTarget: true},
				Mode: OutputDir, OutDir: "out", Backup: true, ApplyReadiness: true}},
		{args: []string{"--in-place"}, err: "--to is required: the Kubernetes version you move to, for example --to 1.33"},
		{args: []string{"--to", "1.33", "--dry-run", "--in-place"}, err: "choose one of --diff, --dry-run, --in-place and -o DIR"},
		{args: []string{"--to", "1.33", "--target", "gke"}, err: `--target "gke": want eks`},
		{args: []string{"--to", "1.33", "--apply-readiness"}, err: "--apply-readiness needs --target eks, --ingress alb or --fargate-namespaces"},
		// The live flags are hidden and answered with an error, before
		// anything else.
		{args: []string{"--context", "prod"}, err: "migrate fix rewrites files; use migrate check --kubeconfig to list live objects"},
		{args: []string{"--to", "1.33", "--aws"}, err: "migrate fix rewrites files; use migrate check --kubeconfig to list live objects"},
	} {
		var f FixFlags
		fl := pflag.NewFlagSet("fix", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if fl := fl.Lookup("kubeconfig"); fl == nil || !fl.Hidden {
			t.Errorf("--kubeconfig of fix: %+v, want hidden", fl)
		}
		got, err := f.Parse(fl, []string{"k8s"})
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%v: err %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v:\n%+v, %v\nwant\n%+v", tc.args, got, err, tc.want)
		}
	}
}

// CheckGC halves the collector's pace while the check runs, unless GOGC
// says otherwise, and restores it.
func TestCheckGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, tc := range []struct {
		gogc string
		want int
	}{{"", 50}, {"200", 100}} {
		t.Setenv("GOGC", tc.gogc)
		restore := CheckGC()
		if got := debug.SetGCPercent(tc.want); got != tc.want {
			t.Errorf("GOGC=%q: pace %d during the check, want %d", tc.gogc, got, tc.want)
		}
		restore()
		if got := debug.SetGCPercent(100); got != 100 {
			t.Errorf("GOGC=%q: pace %d after, want 100 restored", tc.gogc, got)
		}
	}
}
