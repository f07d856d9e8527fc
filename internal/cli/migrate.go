package cli

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/migrate"
	"github.com/refit-dev/refit/internal/report"
)

func newMigrateCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Find deprecated and removed Kubernetes APIs and rewrite manifests for the target cluster",
		Long: `refit migrate checks manifests against the Kubernetes version you move to, and
rewrites them to served API versions while keeping comments, key order,
quoting and every other document in the file as it was. It also checks that
the manifests are ready for the cluster you move to (EKS, the AWS Load
Balancer Controller, Fargate).`,
	}
	cmd.AddCommand(newMigrateCheckCommand(streams), newMigrateFixCommand(streams))
	return cmd
}

func newMigrateCheckCommand(streams IO) *cobra.Command {
	var (
		flags migrate.CheckFlags
		live  liveFlags
	)
	cmd := &cobra.Command{
		Use:   "check [PATH...] --to VERSION [--kubeconfig FILE] [--aws]",
		Short: "List objects whose API is deprecated or removed at the target version, and readiness problems",
		Long: `List every object whose apiVersion is deprecated or removed at --to, with
file:line, kind, name and replacement; API versions inside objects too
(HorizontalPodAutoscaler scaleTargetRef, webhook and CRD conversion review
versions, ownerReferences, Kustomize patch targets). Kustomize directories are
checked twice: the sources (where a fix must land) and the built output.
Helm charts are rendered with helm template when helm is installed; templated
files that are not YAML are reported, never silently skipped. Duplicate
mapping keys are reported: most parsers keep only the last one.

A live cluster (--kubeconfig, --context): every listable resource is read
(events excepted, Secrets without their values). The API server returns
objects converted to the version asked for, so for objects applied with
kubectl apply the kubectl.kubernetes.io/last-applied-configuration annotation
is checked instead: it holds the apiVersion your manifests and pipelines still
send. Other objects are checked as served (the API versions named inside
them). The latest revision of each Helm 3 release is decoded and its manifest,
which Helm re-applies on upgrade and rollback, is checked. Findings name
kube:<context>/<resource>/<namespace>/<name> and helm:<namespace>/<release>.
API versions the server still serves and --to does not are listed as
information. A resource you may not list is a warning; the rest is read.

An AWS account (--aws, --profile, --aws-regions): each EKS cluster's version
and the upgrade insights EKS computed for it that are not passing (deprecated
APIs the cluster received requests for, with the clients and the last request
time), as eks:<region>/<cluster>.

--from defaults to the live cluster's version (the API server's, else the EKS
clusters' when they all run one). Paths and live sources can be combined.

A file or directory named twice, or reached through a symbolic link as
well, is checked once.

Exit codes: 0 nothing at --fail-on level, 1 something was found at that level
(default: removed APIs and readiness errors), 2 bad usage or input (a file
that cannot be read or parsed: the report is still written, with its
parse-error findings).`,
		Example: `  # What breaks on EKS 1.33, and what the ALB controller needs
  refit migrate check k8s/ --to 1.33 --target eks --ingress alb

  # Rendered Helm charts, for a code-scanning UI
  helm template ./chart | refit migrate check - --to 1.33 -o sarif > refit.sarif

  # The objects and Helm releases of a running cluster
  refit migrate check --kubeconfig ~/.kube/config --context prod --to 1.33

  # The upgrade insights of the account's EKS clusters in eu-west-1, beside the manifests
  refit migrate check k8s/ --aws --profile prod --aws-regions eu-west-1 --to 1.33`,
	}
	out := parsedOutput(cmd, "table|wide|json|yaml|markdown|sarif", report.ParseFindingsFormat)
	cmd.RunE = out.run(func(cmd *cobra.Command, args []string, f report.Format) error {
		opts := migrate.Options{Paths: args, Stdin: streams.In, Log: streams.ErrOut, Live: live.options(cmd)}
		fail, err := flags.Parse(&opts)
		if err != nil {
			return err
		}
		if os.Getenv("GOGC") == "" {
			// The check keeps little (compact findings): its peak is mostly
			// garbage of the files read, which collecting at half the
			// default pace keeps about 20% lower, for about 10% more CPU.
			defer debug.SetGCPercent(debug.SetGCPercent(50))
		}
		ctx, cancel := netContext(cmd)
		defer cancel()
		res, err := migrate.Check(ctx, opts)
		if err != nil {
			return err
		}
		toolVersion := ""
		if f == report.SARIF {
			toolVersion = version
		}
		if err := report.WriteFindingSeq(streams.Out, res.List, f, toolVersion); err != nil {
			return err
		}
		return threshold(res.CheckVerdict(fail, flags.FailOn))
	})
	flags.AddFlags(cmd.Flags())
	live.register(cmd)
	return cmd
}

func newMigrateFixCommand(streams IO) *cobra.Command {
	var (
		flags migrate.FixFlags
		live  liveFlags
	)
	cmd := &cobra.Command{
		Use:   "fix PATH... --to VERSION [--diff | --dry-run | --in-place | -o DIR]",
		Short: "Rewrite objects to API versions served at the target, keeping comments and order",
		Long: `Rewrite every object whose API is removed or deprecated at --to to a served
version, editing the YAML node tree: comments, key order, quoting and the other
documents of each file stay as they were (unchanged documents are copied byte
for byte). What refit cannot convert (PodSecurityPolicy has no successor) is
reported, never dropped. With --apply-readiness, the safe readiness fixes are
applied too (Service type for ALB instance mode, IRSA annotations).

Modes: --diff (the default) prints a unified diff; --dry-run lists what would
change; neither writes anything. --in-place rewrites the files (each written
to a temporary file and renamed; the original is kept in FILE.bak unless
--no-backup, or in the first free FILE.N.bak when FILE.bak exists; a
symbolic link is rewritten through to its target when that is inside the
input, and refused otherwise). -o DIR writes every file under DIR at its path
relative to the input it was found under (a file given by name: DIR/NAME);
two files that would land on one path are an error before anything is
written. A file named twice is fixed once.

Exit codes: 0 done, 2 bad usage or input (a file that cannot be parsed or
converted, or a link refused: reported with its line; the other files are
still fixed).

Only files are rewritten: live objects and Helm releases are listed by
migrate check --kubeconfig, and fixed in the manifests or charts they come
from.`,
		Example: `  refit migrate fix k8s/ --to 1.33                    # review the diff
  refit migrate fix k8s/ --to 1.33 --in-place         # apply it (k8s/*.bak kept)
  refit migrate fix k8s/ --to 1.33 -o k8s-1.33/ --apply-readiness --target eks --ingress alb`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if live.options(cmd).Active() {
				return fmt.Errorf("migrate fix rewrites files; use migrate check --kubeconfig to list live objects")
			}
			opts, err := flags.Parse(args)
			if err != nil {
				return err
			}
			opts.Stdin, opts.Out = streams.In, streams.Out
			res, err := migrate.Fix(cmd.Context(), opts)
			if err != nil {
				return err
			}
			return res.WriteFixSummary(streams.ErrOut, opts.Mode)
		},
	}
	flags.AddFlags(cmd.Flags())
	// The live flags are accepted only to answer them with a clear error.
	live.register(cmd)
	for _, name := range []string{"aws", "profile", "aws-regions", "kubeconfig", "context"} {
		_ = cmd.Flags().MarkHidden(name)
	}
	return cmd
}
