package source

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// --overlay and --strict reach the inputs: --overlay keeps only the
// overlays of its name; --strict makes an unreadable input (an empty
// kustomization.yaml) an error, else it is a warning.
func TestFlagsInputs(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "broken"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken", "kustomization.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args    []string
		overlay string
		wantErr string
		warn    string
	}{
		{nil, "", "", "warning: partial result: not read: "},
		{[]string{"--overlay", "prod"}, "prod", "--overlay prod: the input has no Kustomize overlay", ""},
		{[]string{"--strict"}, "", "--strict: 1 input(s) could not be read", ""},
	} {
		var f Flags
		fl := pflag.NewFlagSet("x", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		var warn bytes.Buffer
		in := f.Inputs([]string{dir, "testdata/base"}, false, strings.NewReader(""), &warn)
		if in.Overlay != tc.overlay || in.Strict != slices.Contains(tc.args, "--strict") || in.Example || len(in.Paths) != 2 {
			t.Errorf("%q: inputs %+v", tc.args, in)
		}
		_, err := in.LoadFiles()
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v, want %q", tc.args, err, tc.wantErr)
		}
		if got := warn.String(); (tc.warn == "") != (got == "") || !strings.HasPrefix(got, tc.warn) {
			t.Errorf("%q: warnings %q, want %q…", tc.args, got, tc.warn)
		}
	}
}
