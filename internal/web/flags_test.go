package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// TestFlagsInputs: every flag of refit serve and refit report reaches the
// inputs Open reads.
func TestFlagsInputs(t *testing.T) {
	var f Flags
	fl := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	f.AddFlags(fl)
	if err := fl.Parse([]string{"--example", "--bill", "a.csv,s3://b/c", "--to", "1.32", "--region", "eu-west-1",
		"--overlay", "prod", "--strict", "--aws", "--context", "prod"}); err != nil {
		t.Fatal(err)
	}
	stdin := strings.NewReader("")
	in := f.Inputs(fl, []string{"k8s"}, time.Minute, stdin, io.Discard)
	files := in.Files
	switch {
	case in.Cost.Region != "eu-west-1" || in.MigrateTo != "1.32" || !slices.Equal(in.Bill, []string{"a.csv", "s3://b/c"}) || in.Log != io.Discard:
		t.Errorf("inputs %+v", in)
	case !files.Example || !slices.Equal(files.Paths, []string{"k8s"}) || files.Overlay != "prod" || !files.Strict || files.Stdin != stdin || files.Warn != io.Discard:
		t.Errorf("files %+v", files)
	// --aws reads the --region priced in; --context alone reads the
	// default kubeconfig's cluster.
	case !files.Live.AWS || !slices.Equal(files.Live.Regions, []string{"eu-west-1"}) || !files.Live.Kube || files.Live.Context != "prod" || files.Live.KubeTimeout != time.Minute:
		t.Errorf("live %+v", files.Live)
	}
}

// TestServeFlagsCheck: the token comes from --token, else the environment;
// beyond loopback one is required.
func TestServeFlagsCheck(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		env, want string
		token     string
	}{
		{nil, "", "", ""},
		{[]string{"--listen", "0.0.0.0:8080"}, "", "--listen 0.0.0.0:8080 is not a loopback address: give --token (or REFIT_SERVE_TOKEN) so that only those who hold it see the pages", ""},
		{[]string{"--listen", "0.0.0.0:8080"}, "s3cret", "", "s3cret"},
		{[]string{"--listen", "0.0.0.0:8080", "--token", "flag"}, "env", "", "flag"},
		{[]string{"--listen", "nope"}, "", `--listen "nope": address nope: missing port in address (want HOST:PORT, for example 127.0.0.1:8080)`, ""},
	} {
		t.Setenv(TokenEnv, tc.env)
		var f ServeFlags
		fl := pflag.NewFlagSet("serve", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		err := f.Check()
		if got := errString(err); got != tc.want || (err == nil && f.Token != tc.token) {
			t.Errorf("%q (env %q): error %q, token %q; want %q, %q", tc.args, tc.env, got, f.Token, tc.want, tc.token)
		}
	}
}

// TestWatchFlagsOpen: without --dashboard there is no dashboard; with it,
// not with --once or listen: off, and beyond loopback only with a token.
func TestWatchFlagsOpen(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		env    string
		listen string
		once   bool
		want   string
		served bool
	}{
		{nil, "", "127.0.0.1:9090", false, "", false},
		{nil, "", "off", true, "", false},
		{[]string{"--dashboard"}, "", "127.0.0.1:9090", false, "", true},
		{[]string{"--dashboard"}, "", "127.0.0.1:9090", true, "--dashboard serves the pages on listen while watch runs: not with --once or listen: off", false},
		{[]string{"--dashboard"}, "", "off", false, "--dashboard serves the pages on listen while watch runs: not with --once or listen: off", false},
		{[]string{"--dashboard"}, "", ":9090", false, "--listen :9090 is not a loopback address: give --token (or REFIT_SERVE_TOKEN) so that only those who hold it see the pages", false},
		{[]string{"--dashboard"}, "s3cret", ":9090", false, "", true},
		{[]string{"--dashboard", "--token", "t"}, "", ":9090", false, "", true},
	} {
		t.Setenv(TokenEnv, tc.env)
		var f WatchFlags
		fl := pflag.NewFlagSet("watch", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		dash, err := f.Open(tc.listen, tc.once, "test")
		if got := errString(err); got != tc.want || (dash != nil) != tc.served {
			t.Errorf("%q listen %q once %v: dashboard %v, error %q; want %v, %q", tc.args, tc.listen, tc.once, dash != nil, got, tc.served, tc.want)
			continue
		}
		if dash == nil {
			continue
		}
		// The token, from the flag or the environment, guards the pages.
		rec := httptest.NewRecorder()
		dash.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if guarded := tc.env != "" || slices.Contains(tc.args, "--token"); guarded != (rec.Code == http.StatusUnauthorized) {
			t.Errorf("%q env %q: GET / without a token: %d", tc.args, tc.env, rec.Code)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
