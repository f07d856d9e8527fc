package rightsize

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/report"
)

func TestParseFixMode(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		fix, inPlace, dryRun bool
		outDir               string
		want                 Mode
		err                  string
	}{
		{name: "no fix", want: Diff},
		{name: "fix alone is a diff", fix: true, want: Diff},
		{name: "in place", fix: true, inPlace: true, want: InPlace},
		{name: "dry run", fix: true, dryRun: true, want: DryRun},
		{name: "output dir", fix: true, outDir: "out", want: OutputDir},
		{name: "two modes", fix: true, inPlace: true, dryRun: true, err: "--in-place, --dry-run and --output-dir exclude each other"},
		{name: "three modes", fix: true, inPlace: true, dryRun: true, outDir: "out", err: "--in-place, --dry-run and --output-dir exclude each other"},
		{name: "two modes without fix", inPlace: true, outDir: "out", err: "--in-place, --dry-run and --output-dir exclude each other"},
		{name: "mode without fix", dryRun: true, err: "--in-place, --dry-run and --output-dir go with --fix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseFixMode(tc.fix, tc.inPlace, tc.dryRun, tc.outDir)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseFixMode = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// TestExecuteRefusesBeforeReading: options that do not go together are
// refused before anything is read (no server is asked).
func TestExecuteRefusesBeforeReading(t *testing.T) {
	for _, tc := range []struct {
		name  string
		o     Options
		paths []string
		err   string
	}{
		{"no source", Options{}, nil, "--prometheus URL is required (or --kubeconfig, or --metrics-server-url, to size from one sample of metrics-server)"},
		{"two sources", Options{PrometheusURL: "http://127.0.0.1:1", MetricsServerURL: "http://127.0.0.1:1"}, nil, "--prometheus and --metrics-server-url exclude each other"},
		{"mode without fix", Options{PrometheusURL: "http://127.0.0.1:1", InPlace: true}, []string{"k8s"}, "--in-place, --dry-run and --output-dir go with --fix"},
		{"fix without manifests", Options{PrometheusURL: "http://127.0.0.1:1", Fix: true}, nil, "--fix needs the manifests to write into"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Execute(context.Background(), tc.o, tc.paths, report.Table, io.Discard, io.Discard)
			if err == nil || err.Error() != tc.err {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
}

// TestFlagDefaultsAreDefaultSettings: the flags' defaults are
// DefaultSettings, which refit plan --usage-from-prometheus uses.
func TestFlagDefaultsAreDefaultSettings(t *testing.T) {
	var o Options
	fl := pflag.NewFlagSet("rightsize", pflag.ContinueOnError)
	o.AddFlags(fl)
	if err := fl.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if o.Settings != DefaultSettings() {
		t.Errorf("flag defaults %+v, DefaultSettings %+v", o.Settings, DefaultSettings())
	}
	if err := fl.Parse([]string{"--end", "2026-03-01T00:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC); !o.End.Equal(want) {
		t.Errorf("--end: %v, want %v", o.End, want)
	}
	if err := fl.Parse([]string{"--end", "yesterday"}); err == nil {
		t.Error("--end yesterday: no error")
	}
}
