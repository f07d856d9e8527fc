package rightsize

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/plan"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/source"
)

// Options are refit rightsize's command line: where the usage comes from,
// the sizing settings, and what to do with the recommendations.
type Options struct {
	Settings
	// PrometheusURL is --prometheus; MetricsServerURL --metrics-server-url.
	PrometheusURL, MetricsServerURL string
	// Fix writes the requests back: a diff unless InPlace, DryRun or
	// OutputDir (see ParseFixMode).
	Fix, InPlace, DryRun, NoBackup bool
	OutputDir                      string
	// NoPlan skips refit plan before and after.
	NoPlan bool
	// Cost and Overlay are the pricing and Kustomize flags of the plans
	// before and after.
	Cost    cost.Settings
	Overlay string
}

// AddFlags registers the sizing settings' flags: --window,
// --cpu-percentile, --memory-margin, --limits, --namespace and --end.
func (s *Settings) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&s.Window, "window", "7d", "usage window: days (14d) or a duration (36h)")
	fl.Float64Var(&s.Percentile, "cpu-percentile", 95, "the CPU request covers this percentile of the 5-minute CPU rate")
	fl.StringVar(&s.Margin, "memory-margin", "15%", "the memory request is the peak working set plus this margin")
	fl.StringVar(&s.Limits, "limits", "keep", "limits: keep (raised only below the new request), none (removed), ratio:X (X times the requests)")
	fl.StringVar(&s.Namespace, "namespace", "", "read only this namespace's usage")
	fl.Var((*endFlag)(&s.End), "end", "the window's end, RFC 3339 (2026-03-01T00:00:00Z; default now)")
}

// AddFlags registers refit rightsize's own flags (Settings' included; the
// pricing flags of Cost and Overlay are the caller's).
func (o *Options) AddFlags(fl *pflag.FlagSet) {
	o.Settings.AddFlags(fl)
	fl.StringVar(&o.PrometheusURL, "prometheus", "", "Prometheus' URL (http://prometheus:9090)")
	fl.StringVar(&o.MetricsServerURL, "metrics-server-url", "", "without --prometheus: read metrics.k8s.io at this URL (kubectl proxy's http://localhost:8001) for one sample per container")
	fl.StringVar(&o.Kubeconfig, "kubeconfig", "", "read the pods' owners from the cluster through this kubeconfig (without --prometheus: one sample per container from its metrics-server)")
	fl.StringVar(&o.Context, "context", "", "the kubeconfig context to read")
	fl.BoolVar(&o.Fix, "fix", false, "write the recommended requests into the manifests (a diff unless --in-place, --dry-run or --output-dir)")
	fl.BoolVar(&o.InPlace, "in-place", false, "with --fix: rewrite the files")
	fl.BoolVar(&o.DryRun, "dry-run", false, "with --fix: only list the files that would change")
	fl.BoolVar(&o.NoBackup, "no-backup", false, "with --in-place: keep no .bak copy")
	fl.StringVar(&o.OutputDir, "output-dir", "", "with --fix: write the rewritten tree under this directory")
	fl.BoolVar(&o.NoPlan, "no-plan", false, "do not run refit plan before and after")
}

// endFlag is --end: a time in RFC 3339.
type endFlag time.Time

func (e *endFlag) String() string {
	if time.Time(*e).IsZero() {
		return ""
	}
	return time.Time(*e).Format(time.RFC3339)
}

func (e *endFlag) Set(s string) error {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("want a time in RFC 3339, such as 2026-03-01T00:00:00Z")
	}
	*e = endFlag(t)
	return nil
}

func (e *endFlag) Type() string { return "time" }

// ParseFixMode reads --fix, --in-place, --dry-run and --output-dir: the
// mode Fix writes in (Diff when fix is set alone). The three modes exclude
// each other and go with --fix.
func ParseFixMode(fix, inPlace, dryRun bool, outDir string) (Mode, error) {
	mode, n := Diff, 0
	for _, m := range []struct {
		on   bool
		mode Mode
	}{{inPlace, InPlace}, {dryRun, DryRun}, {outDir != "", OutputDir}} {
		if m.on {
			mode, n = m.mode, n+1
		}
	}
	if n > 1 {
		return mode, errors.New("--in-place, --dry-run and --output-dir exclude each other")
	}
	if n > 0 && !fix {
		return mode, errors.New("--in-place, --dry-run and --output-dir go with --fix")
	}
	return mode, nil
}

// check refuses options that do not go together, before anything is read.
func (o *Options) check(paths []string) (Mode, error) {
	if o.PrometheusURL == "" && o.MetricsServerURL == "" && o.Kubeconfig == "" && o.Context == "" {
		return Diff, errors.New("--prometheus URL is required (or --kubeconfig, or --metrics-server-url, to size from one sample of metrics-server)")
	}
	if o.PrometheusURL != "" && o.MetricsServerURL != "" {
		return Diff, errors.New("--prometheus and --metrics-server-url exclude each other")
	}
	mode, err := ParseFixMode(o.Fix, o.InPlace, o.DryRun, o.OutputDir)
	if err != nil {
		return mode, err
	}
	if o.Fix && len(paths) == 0 {
		return mode, errors.New("--fix needs the manifests to write into")
	}
	return mode, nil
}

// Execute is refit rightsize: it sizes the containers of the manifests at
// paths (every container seen without paths) from Prometheus or
// metrics-server, plans the cheapest node design before and after, and
// writes the requests back (--fix: the diff, the files or the tree to
// out, notes and the count to errOut) or the report in format to out.
func Execute(ctx context.Context, o Options, paths []string, format report.Format, out, errOut io.Writer) error {
	mode, err := o.check(paths)
	if err != nil {
		return err
	}
	var m *Manifests
	if len(paths) > 0 {
		if m, err = ReadManifests(paths); err != nil {
			return err
		}
	}
	var res *Result
	if o.PrometheusURL != "" {
		res, err = o.Settings.Run(ctx, o.PrometheusURL, m, errOut)
	} else {
		res, err = o.RunMetricsServer(ctx, &MetricsServer{URL: o.MetricsServerURL}, m, errOut)
	}
	if err != nil {
		return err
	}
	if m != nil && !o.NoPlan {
		if err := o.plans(res, m, paths); err != nil {
			return err
		}
	}
	if o.Fix {
		fr, err := res.Fix(m, FixOptions{Mode: mode, OutDir: o.OutputDir, Backup: !o.NoBackup, Out: out})
		if err != nil {
			return err
		}
		for _, n := range fr.Notes {
			fmt.Fprintln(errOut, "note:", n)
		}
		fmt.Fprintf(errOut, "%d containers in %d files\n", fr.Containers, fr.ChangedFiles)
		if mode == Diff || mode == DryRun {
			return nil
		}
	}
	return report.WriteRightsize(out, res.View(o.PrometheusURL), format)
}

// plans prices the cheapest node design with the declared and the
// recommended requests (Result.Plans) with the pricing flags of o.
func (o *Options) plans(res *Result, m *Manifests, paths []string) error {
	cat, copt, err := o.Cost.Open()
	if err != nil {
		return err
	}
	e, err := source.LoadPaths(paths, false, nil, o.Overlay)
	if err != nil {
		return err
	}
	popt, err := plan.DefaultOptions(copt)
	if err != nil {
		return err
	}
	return res.Plans(e, m, cat, popt)
}
