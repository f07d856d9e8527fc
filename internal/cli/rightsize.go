package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/plan"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/rightsize"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/source/live"
)

// rightsizeFlags are the usage and policy flags, shared with
// refit plan --usage-from-prometheus.
type rightsizeFlags struct {
	window, margin, limits string
	percentile             float64
	namespace              string
	kubeconfig, context    string
}

func (f *rightsizeFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.window, "window", "7d", "usage window: days (14d) or a duration (36h)")
	fl.Float64Var(&f.percentile, "cpu-percentile", 95, "the CPU request covers this percentile of the 5-minute CPU rate")
	fl.StringVar(&f.margin, "memory-margin", "15%", "the memory request is the peak working set plus this margin")
	fl.StringVar(&f.limits, "limits", "keep", "limits: keep (raised only below the new request), none (removed), ratio:X (X times the requests)")
	fl.StringVar(&f.namespace, "namespace", "", "read only this namespace's usage")
}

// run reads the usage and sizes m's containers (all containers seen when
// m is nil).
func (f *rightsizeFlags) run(cmd *cobra.Command, url string, m *rightsize.Manifests, streams IO) (*rightsize.Result, error) {
	window, err := rightsize.ParseWindow(f.window)
	if err != nil {
		return nil, fmt.Errorf("--window %q: %w", f.window, err)
	}
	var pol rightsize.Policy
	if f.percentile <= 0 || f.percentile > 100 {
		return nil, fmt.Errorf("--cpu-percentile %g: want more than 0 and at most 100", f.percentile)
	}
	pol.CPUPercentile = f.percentile
	if pol.MemoryMargin, err = rightsize.ParsePercent(f.margin); err != nil {
		return nil, fmt.Errorf("--memory-margin %q: %w", f.margin, err)
	}
	if pol.Limits, err = rightsize.ParseLimits(f.limits); err != nil {
		return nil, fmt.Errorf("--limits %q: %w", f.limits, err)
	}
	ctx, cancel := netContext(cmd)
	defer cancel()
	prom := &rightsize.Prometheus{URL: url}
	owners := &rightsize.Owners{}
	var ownerNote string
	if f.kubeconfig != "" || f.context != "" {
		_, cluster, err := live.Load(ctx, live.Options{Kube: true, Kubeconfig: f.kubeconfig, Context: f.context, KubeTimeout: kubeTimeout(cmd)}, streams.ErrOut)
		if err != nil {
			return nil, err
		}
		owners.Pods = map[string]rightsize.Owner{}
		if cluster != nil {
			for _, p := range cluster.Pods {
				owners.Pods[p.Namespace+"/"+p.Name] = rightsize.Owner{Kind: p.OwnerKind, Name: p.OwnerName}
			}
		}
		ownerNote = "owners read from the cluster's pods (pods gone since are named by their name's pattern)"
	} else {
		pods, err := rightsize.OwnersFromKubeStateMetrics(ctx, prom, time.Now(), window)
		if err != nil {
			return nil, err
		}
		if len(pods) > 0 {
			owners.Pods = pods
			ownerNote = "owners read from kube-state-metrics (kube_pod_owner, kube_replicaset_owner, kube_job_owner)"
		}
	}
	res, err := rightsize.Run(ctx, prom, rightsize.UsageOptions{Window: window, Namespace: f.namespace, Owners: owners}, m, pol)
	if err != nil {
		return nil, err
	}
	if ownerNote != "" {
		res.Assumptions = append([]string{ownerNote}, res.Assumptions...)
	}
	return res, nil
}

func newRightsizeCommand(streams IO) *cobra.Command {
	var (
		rf                   rightsizeFlags
		flags                estimateFlags
		format               *output
		url                  string
		fix, inPlace, dryRun bool
		noBackup             bool
		outDir               string
		noPlan               bool
	)
	cmd := &cobra.Command{
		Use:   "rightsize --prometheus URL [PATH...]",
		Short: "Recommend requests from what the pods really used, show what they do to the node bill, write them back",
		Long: `Read each container's CPU (the 5-minute rate of container_cpu_usage_seconds_total)
and memory (container_memory_working_set_bytes) over --window from Prometheus,
and recommend requests: CPU at --cpu-percentile of the rate, memory at the peak
plus --memory-margin, with floors of 10m and 32Mi, rounded to friendly units.
A container seen for less than a day is reported as "not enough history", not
sized.

Workloads are found by their pods' owners: from the cluster with --kubeconfig,
else from kube-state-metrics' series in the same Prometheus, else from the pod
names (an assumption line says so).

With manifests, the table compares declared and recommended requests, and
refit plan runs on both: the cheapest node design before and after, in $/month.
--fix writes the requests into the manifests (the files where each container
is defined, a Kustomize base included), keeping comments and order: a diff by
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
			if url == "" {
				return errors.New("--prometheus URL is required (reading metrics-server instead is not built yet)")
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
			res, err := rf.run(cmd, url, m, streams)
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
				if err := res.Plans(e, m, cat, plan.Options{Options: copt}); err != nil {
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
			return report.WriteRightsize(streams.Out, rightsizeView(res, url), f)
		},
	}
	format = outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML, report.Markdown)
	rf.register(cmd)
	flags.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&url, "prometheus", "", "Prometheus' URL (http://prometheus:9090)")
	fl.StringVar(&rf.kubeconfig, "kubeconfig", "", "read the pods' owners from the cluster through this kubeconfig")
	fl.StringVar(&rf.context, "context", "", "the kubeconfig context to read")
	fl.BoolVar(&fix, "fix", false, "write the recommended requests into the manifests (a diff unless --in-place, --dry-run or --output-dir)")
	fl.BoolVar(&inPlace, "in-place", false, "with --fix: rewrite the files")
	fl.BoolVar(&dryRun, "dry-run", false, "with --fix: only list the files that would change")
	fl.BoolVar(&noBackup, "no-backup", false, "with --in-place: keep no .bak copy")
	fl.StringVar(&outDir, "output-dir", "", "with --fix: write the rewritten tree under this directory")
	fl.BoolVar(&noPlan, "no-plan", false, "do not run refit plan before and after")
	return cmd
}

// rightsizeView is the JSON contract of a rightsizing.
func rightsizeView(res *rightsize.Result, url string) report.RightsizeView {
	v := report.RightsizeView{Window: windowText(res.Window), Step: res.Step.String(), Source: "Prometheus " + rightsize.Redact(url), Assumptions: res.Assumptions}
	for _, w := range res.Workloads {
		wv := report.RightsizeWorkloadView{Namespace: w.Namespace, Kind: w.Kind, Name: w.Name, Container: w.Container,
			Samples: w.Samples, Current: report.RightsizeResources(w.Current), RemoveLimits: w.RemoveLimits, Reason: w.Reason}
		if w.Recommended != nil {
			r := report.RightsizeResources(*w.Recommended)
			wv.Recommended = &r
		}
		if w.Limits != nil {
			l := report.RightsizeResources(*w.Limits)
			wv.Limits = &l
		}
		if w.File != "" {
			wv.Origin = fmt.Sprintf("%s:%d", w.File, w.Line)
		}
		v.Workloads = append(v.Workloads, wv)
	}
	for _, p := range []struct {
		in  *rightsize.PlanSummary
		out **report.RightsizePlanView
	}{{res.PlanBefore, &v.PlanBefore}, {res.PlanAfter, &v.PlanAfter}} {
		if p.in != nil {
			*p.out = &report.RightsizePlanView{Scenario: p.in.Scenario, Title: p.in.Title, Monthly: report.Number{Decimal: p.in.Monthly.Round(2)}}
		}
	}
	return v
}

func windowText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// usageRequests is refit plan --usage-from-prometheus: e with the
// requests rightsize recommends for the manifests' containers (with its
// default window and policy).
func usageRequests(cmd *cobra.Command, url string, args []string, e *estate.Estate, streams IO) (*estate.Estate, error) {
	if len(args) == 0 {
		return nil, errors.New("--usage-from-prometheus needs the manifests whose requests it replaces")
	}
	m, err := rightsize.ReadManifests(args)
	if err != nil {
		return nil, err
	}
	rf := rightsizeFlags{window: "7d", percentile: 95, margin: "15%", limits: "keep"}
	res, err := rf.run(cmd, url, m, streams)
	if err != nil {
		return nil, err
	}
	out := res.Apply(e, m)
	out.Assumptions = append(out.Assumptions, fmt.Sprintf("requests from %d containers' usage over 7 days in Prometheus (refit rightsize); %d containers kept their declared requests", res.Sized(), len(res.Workloads)-res.Sized()))
	return out, nil
}
