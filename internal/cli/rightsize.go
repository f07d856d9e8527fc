package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/rightsize"
)

func newRightsizeCommand(streams IO) *cobra.Command {
	var (
		o     rightsize.Options
		flags estimateFlags
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
is defined, a Kustomize base included), keeping comments and order: a diff by
default, --dry-run lists the files, --in-place rewrites them (with a .bak),
--output-dir DIR writes the tree there. Method: docs/rightsize.md.`,
		Example: `  # What should the requests be, and what would the cheapest design cost?
  refit rightsize --prometheus http://localhost:9090 k8s/

  # Two weeks of usage, limits at twice the requests, written back
  refit rightsize --prometheus http://localhost:9090 --window 14d --limits ratio:2 --fix --in-place k8s/`,
	}
	out := outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML, report.Markdown)
	cmd.RunE = out.run(func(cmd *cobra.Command, args []string, f report.Format) error {
		ctx, cancel := netContext(cmd)
		defer cancel()
		o.KubeTimeout = kubeTimeout(cmd)
		o.Cost, o.Overlay = flags.Settings, flags.overlay
		return rightsize.Execute(ctx, o, args, f, streams.Out, streams.ErrOut)
	})
	o.AddFlags(cmd.Flags())
	flags.register(cmd)
	return cmd
}
