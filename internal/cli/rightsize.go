package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/plan"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/rightsize"
	"github.com/refit-dev/refit/internal/source"
)

func registerRightsize(cmd *cobra.Command, s *rightsize.Settings) {
	fl := cmd.Flags()
	fl.StringVar(&s.Window, "window", "7d", "usage window: days (14d) or a duration (36h)")
	fl.Float64Var(&s.Percentile, "cpu-percentile", 95, "the CPU request covers this percentile of the 5-minute CPU rate")
	fl.StringVar(&s.Margin, "memory-margin", "15%", "the memory request is the peak working set plus this margin")
	fl.StringVar(&s.Limits, "limits", "keep", "limits: keep (raised only below the new request), none (removed), ratio:X (X times the requests)")
	fl.StringVar(&s.Namespace, "namespace", "", "read only this namespace's usage")
	fl.Var((*endFlag)(&s.End), "end", "the window's end, RFC 3339 (2026-03-01T00:00:00Z; default now)")
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

func newRightsizeCommand(streams IO) *cobra.Command {
	var (
		rf                   rightsize.Settings
		flags                estimateFlags
		format               *output
		url, msURL           string
		fix, inPlace, dryRun bool
		noBackup             bool
		outDir               string
		noPlan               bool
	)
	cmd := &cobra.Command{
		Use:   "rightsize (--prometheus URL | --kubeconfig FILE | --metrics-server-url URL) [PATH...]",
		Short: "Recommend requests from what the pods really used, show what they do to the node bill, write them back",
		Long: `Read each container's CPU (the 5-minute rate of container_cpu_usage_seconds_total)
and memory (container_memory_working_set_bytes) over --window from Prometheus,
and recommend requests: CPU at --cpu-percentile of the rate, memory at the peak
plus --memory-margin, with floors of 10m and 32Mi, rounded to friendly units.
A container seen for less than a day is reported as "not enough history", not
sized. Without --prometheus, --kubeconfig (or --metrics-server-url) reads
metrics-server (metrics.k8s.io): one sample per container, sized and marked
low confidence, since one sample is not a history.

Workloads are found by their pods' owners: from the cluster with --kubeconfig,
else from kube-state-metrics' series in the same Prometheus, else from the pod
names (an assumption line says so).

With manifests, the table compares declared and recommended requests, and
refit plan runs on both: the cheapest node design before and after, in $/month.
--fix writes the requests into the manifests (the files where each container
is defined, a Kustomize base included, or the overlay patch that sets its
resources; a JSON 6902 patch is named in a note), keeping comments and order: a diff by
default, --dry-run lists the files, --in-place rewrites them (with a .bak),
--output-dir DIR writes the tree there. Method: docs/rightsize.md.`,
		Example: `  # What should the requests be, and what would the cheapest design cost?
  refit rightsize --prometheus http://localhost:9090 k8s/

  # Two weeks of usage, limits at twice the requests, written back
  refit rightsize --prometheus http://localhost:9090 --window 14d --limits ratio:2 --fix --in-place k8s/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := format.format()
			if err != nil {
				return err
			}
			if url == "" && msURL == "" && rf.Kubeconfig == "" && rf.Context == "" {
				return errors.New("--prometheus URL is required (or --kubeconfig, or --metrics-server-url, to size from one sample of metrics-server)")
			}
			if url != "" && msURL != "" {
				return errors.New("--prometheus and --metrics-server-url exclude each other")
			}
			modes := 0
			for _, b := range []bool{inPlace, dryRun, outDir != ""} {
				if b {
					modes++
				}
			}
			if modes > 1 {
				return errors.New("--in-place, --dry-run and --output-dir exclude each other")
			}
			if modes > 0 && !fix {
				return errors.New("--in-place, --dry-run and --output-dir go with --fix")
			}
			if fix && len(args) == 0 {
				return errors.New("--fix needs the manifests to write into")
			}
			var m *rightsize.Manifests
			if len(args) > 0 {
				if m, err = rightsize.ReadManifests(args); err != nil {
					return err
				}
			}
			ctx, cancel := netContext(cmd)
			defer cancel()
			rf.KubeTimeout = kubeTimeout(cmd)
			var res *rightsize.Result
			if url != "" {
				res, err = rf.Run(ctx, url, m, streams.ErrOut)
			} else {
				res, err = rf.RunMetricsServer(ctx, &rightsize.MetricsServer{URL: msURL}, m, streams.ErrOut)
			}
			if err != nil {
				return err
			}
			if m != nil && !noPlan {
				cat, copt, err := flags.Open()
				if err != nil {
					return err
				}
				e, err := source.LoadPaths(args, false, nil, flags.overlay)
				if err != nil {
					return err
				}
				popt, err := rightsizePlanOptions(copt)
				if err != nil {
					return err
				}
				if err := res.Plans(e, m, cat, popt); err != nil {
					return err
				}
			}
			if fix {
				fo := rightsize.FixOptions{Mode: rightsize.Diff, Backup: !noBackup, Out: streams.Out}
				switch {
				case inPlace:
					fo.Mode = rightsize.InPlace
				case dryRun:
					fo.Mode = rightsize.DryRun
				case outDir != "":
					fo.Mode, fo.OutDir = rightsize.OutputDir, outDir
				}
				fr, err := res.Fix(m, fo)
				if err != nil {
					return err
				}
				for _, n := range fr.Notes {
					fmt.Fprintln(streams.ErrOut, "note:", n)
				}
				fmt.Fprintf(streams.ErrOut, "%d containers in %d files\n", fr.Containers, fr.ChangedFiles)
				if fo.Mode == rightsize.Diff || fo.Mode == rightsize.DryRun {
					return nil
				}
			}
			return report.WriteRightsize(streams.Out, res.View(url), f)
		},
	}
	format = outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML, report.Markdown)
	registerRightsize(cmd, &rf)
	flags.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&url, "prometheus", "", "Prometheus' URL (http://prometheus:9090)")
	fl.StringVar(&msURL, "metrics-server-url", "", "without --prometheus: read metrics.k8s.io at this URL (kubectl proxy's http://localhost:8001) for one sample per container")
	fl.StringVar(&rf.Kubeconfig, "kubeconfig", "", "read the pods' owners from the cluster through this kubeconfig (without --prometheus: one sample per container from its metrics-server)")
	fl.StringVar(&rf.Context, "context", "", "the kubeconfig context to read")
	fl.BoolVar(&fix, "fix", false, "write the recommended requests into the manifests (a diff unless --in-place, --dry-run or --output-dir)")
	fl.BoolVar(&inPlace, "in-place", false, "with --fix: rewrite the files")
	fl.BoolVar(&dryRun, "dry-run", false, "with --fix: only list the files that would change")
	fl.BoolVar(&noBackup, "no-backup", false, "with --in-place: keep no .bak copy")
	fl.StringVar(&outDir, "output-dir", "", "with --fix: write the rewritten tree under this directory")
	fl.BoolVar(&noPlan, "no-plan", false, "do not run refit plan before and after")
	return cmd
}

// rightsizePlanOptions are refit plan's defaults (its flags' values), so
// that the designs before and after are the ones refit plan recommends.
func rightsizePlanOptions(copt cost.Options) (plan.Options, error) {
	opt := plan.Options{Options: copt, MinNodes: 2, SpotTypes: 3, RootVolumeGiB: 20}
	err := opt.ParseFlags("20%", nil, []string{"amd64"}, "cpu=100m,memory=128Mi")
	return opt, err
}
