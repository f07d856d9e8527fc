package cli

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/kubeapi/convert"
	"github.com/refit-dev/refit/internal/kubeapi/readiness"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/source/awslive"
	"github.com/refit-dev/refit/internal/source/awslive/eksinsight"
	"github.com/refit-dev/refit/internal/source/kubemanifests"
	"github.com/refit-dev/refit/internal/source/manifest"
	"github.com/refit-dev/refit/internal/yamldoc"
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

// targetFlags select the readiness rules.
type targetFlags struct {
	target  string
	ingress string
	fargate string
}

func (t *targetFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&t.target, "target", "", "check readiness for the cluster you move to: eks")
	cmd.Flags().StringVar(&t.ingress, "ingress", "", "the ingress controller there: alb (the AWS Load Balancer Controller)")
	cmd.Flags().StringVar(&t.fargate, "fargate-namespaces", "", "namespaces that will run on Fargate, comma-separated")
}

func (t *targetFlags) get() (readiness.Target, bool, error) {
	var rt readiness.Target
	switch t.target {
	case "":
	case "eks":
		rt.EKS = true
	default:
		return rt, false, fmt.Errorf("--target %q: want eks", t.target)
	}
	switch t.ingress {
	case "", "alb":
		rt.Ingress = t.ingress
	default:
		return rt, false, fmt.Errorf("--ingress %q: want alb", t.ingress)
	}
	rt.FargateNamespaces = splitList(t.fargate)
	return rt, rt.EKS || rt.Ingress != "" || len(rt.FargateNamespaces) > 0, nil
}

func parseTo(to string) (kubeapi.Version, error) {
	if to == "" {
		return kubeapi.Version{}, fmt.Errorf("--to is required: the Kubernetes version you move to, for example --to 1.33")
	}
	v, err := kubeapi.ParseVersion(to)
	if err != nil {
		return v, fmt.Errorf("--to: %w", err)
	}
	return v, nil
}

// batchFindings reports what the walker could not read.
func batchFindings(b source.Batch) []kubeapi.Finding {
	switch {
	case b.Err != nil:
		return []kubeapi.Finding{errorFinding("parse-error", b.File, b.Err)}
	case b.Skipped != "":
		return []kubeapi.Finding{{Rule: "skipped", Severity: kubeapi.Warning, File: b.File, Message: "not checked: " + b.Skipped}}
	}
	return nil
}

func newMigrateCheckCommand(streams IO) *cobra.Command {
	var (
		to, from, failOn string
		target           targetFlags
		live             liveFlags
		format           func() (report.Format, error)
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
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := format()
			if err != nil {
				return err
			}
			toV, err := parseTo(to)
			if err != nil {
				return err
			}
			opts := kubeapi.CheckOptions{To: toV}
			if from != "" {
				if opts.From, err = kubeapi.ParseVersion(from); err != nil {
					return fmt.Errorf("--from: %w", err)
				}
			}
			rt, useTarget, err := target.get()
			if err != nil {
				return err
			}
			fail, err := failLevel(failOn)
			if err != nil {
				return err
			}
			table, err := kubeapi.LoadTable()
			if err != nil {
				return err
			}
			var findings []kubeapi.Finding
			unreadable := 0 // inputs that could not be read or parsed
			// Readiness relates objects across files (an Ingress here, its
			// Service there), so with a target the source documents are kept.
			var sources []yamldoc.Document
			useLive := live.active(cmd)
			if useLive {
				lf, docs, err := checkLive(cmd, &live, streams, table, &opts, from == "", useTarget)
				if err != nil {
					return err
				}
				findings = append(findings, lf...)
				sources = append(sources, docs...)
			}
			if len(args) > 0 || !useLive {
				l := &source.Loader{FS: source.OS, Stdin: streams.In}
				err = l.Documents(args, func(b source.Batch) error {
					findings = append(findings, batchFindings(b)...)
					if b.Err != nil {
						unreadable++
					}
					if len(b.Docs) == 0 {
						return nil
					}
					findings = append(findings, kubeapi.Check(b.Docs, table, opts)...)
					if useTarget && !b.Built {
						sources = append(sources, b.Docs...)
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			if useTarget {
				findings = append(findings, readiness.Check(sources, rt)...)
			}
			// ` + "`migrate fix`" + ` rewrites files only: live objects are fixed at
			// their source. (What is fixable in a file, data/apis.yaml says.)
			for i, f := range findings {
				if liveOrigin(f.File) {
					findings[i].Fixable = false
				}
			}
			sortFindings(findings)
			if f == report.SARIF {
				err = report.WriteSARIF(streams.Out, findings, version)
			} else {
				err = report.WriteFindings(streams.Out, findings, f)
			}
			if err != nil {
				return err
			}
			if unreadable > 0 {
				return fmt.Errorf("%d input(s) could not be read or parsed (the parse-error findings): the check is incomplete", unreadable)
			}
			if n := countAtLeast(findings, fail); n > 0 {
				return thresholdError("%d finding(s) at --fail-on %s", n, failOn)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the Kubernetes version you move to (required), for example 1.33")
	cmd.Flags().StringVar(&from, "from", "", "the version you move from: also list objects it does not serve (default with --kubeconfig or --aws: the cluster's)")
	cmd.Flags().StringVar(&failOn, "fail-on", "removed", "exit 1 when a finding is at least: removed (errors), deprecated (warnings too), any, none")
	target.register(cmd)
	live.register(cmd)
	var output string
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table|wide|json|yaml|markdown|sarif")
	format = func() (report.Format, error) { return report.ParseFindingsFormat(output) }
	return cmd
}

// liveOrigin reports a finding on a live object, a Helm release or an EKS
// cluster, which ` + "`migrate fix`" + ` cannot rewrite.
func liveOrigin(file string) bool {
	for _, p := range []string{"kube:", "helm:", "eks:"} {
		if strings.HasPrefix(file, p) {
			return true
		}
	}
	return false
}

// appliedNote ends the message of a finding on a last-applied
// configuration.
const appliedNote = " (in the kubectl.kubernetes.io/last-applied-configuration annotation: what kubectl apply last sent)"

// checkLive reads the AWS account's EKS upgrade insights and the live
// cluster's objects and checks them. When defaultFrom, opts.From becomes
// the cluster's version: the API server's, else the one version every EKS
// cluster runs. It returns the findings and, with useTarget, the documents
// for the readiness check.
func checkLive(cmd *cobra.Command, live *liveFlags, streams IO, table *kubeapi.Table, opts *kubeapi.CheckOptions, defaultFrom, useTarget bool) ([]kubeapi.Finding, []yamldoc.Document, error) {
	ctx, cancel := netContext(cmd)
	defer cancel()
	var findings []kubeapi.Finding
	var docs []yamldoc.Document
	setFrom := func(v, what string) {
		if !defaultFrom {
			return
		}
		fv, err := kubeapi.ParseVersion(v)
		if err != nil {
			return
		}
		opts.From = fv
		fmt.Fprintf(streams.ErrOut, "note: --from %s (%s)\n", fv, what)
	}
	if live.aws {
		ins, err := awslive.LoadInsights(ctx, awslive.Options{Profile: live.profile, Regions: live.awsRegions})
		if err != nil {
			return nil, nil, fmt.Errorf("aws: %w", err)
		}
		for _, p := range ins.Partial {
			fmt.Fprintf(streams.ErrOut, "warning: partial result: %s\n", p)
		}
		findings = append(findings, eksinsight.Findings(ins, opts.To)...)
		versions := map[string]bool{}
		for _, c := range ins.Clusters {
			versions[c.Version] = true
		}
		if len(versions) == 1 && !live.useKube {
			for v := range versions {
				setFrom(v, "the version of the EKS clusters")
			}
		} else if len(versions) > 1 && !live.useKube && defaultFrom {
			fmt.Fprintln(streams.ErrOut, "note: the EKS clusters run different versions; pass --from to check manifests against one")
		}
	}
	if live.useKube {
		var origin string
		kopt := kubemanifests.Options{Timeout: kubeTimeout(cmd), Start: func(c *kubemanifests.Cluster) error {
			origin = "kube:" + c.Context
			setFrom(c.Version, "the API server of context "+c.Context)
			return nil
		}}
		c, err := kubemanifests.Load(ctx, live.kubeconfig, live.context, kopt, func(b kubemanifests.Batch) error {
			batch := make([]yamldoc.Document, len(b.Objects))
			applied := map[string]bool{}
			for i, o := range b.Objects {
				batch[i] = o.Document
				if o.LastApplied {
					applied[o.File] = true
				}
			}
			fs := kubeapi.Check(batch, table, *opts)
			for i := range fs {
				if applied[fs[i].File] {
					fs[i].Message += appliedNote
				}
			}
			findings = append(findings, fs...)
			// Helm manifests repeat objects that are also listed live.
			if useTarget && b.Resource != "helm" {
				docs = append(docs, batch...)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		for _, w := range c.Warnings {
			fmt.Fprintf(streams.ErrOut, "warning: partial result: %s\n", w)
		}
		findings = append(findings, kubeapi.ServedFindings(origin, c.Served, table, *opts)...)
	}
	return findings, docs, nil
}

func failLevel(s string) (int, error) {
	switch s {
	case "removed":
		return 3, nil
	case "deprecated":
		return 2, nil
	case "any":
		return 1, nil
	case "none":
		return 99, nil
	}
	return 0, fmt.Errorf("--fail-on %q: want removed, deprecated, any or none", s)
}

func rank(s kubeapi.Severity) int {
	switch s {
	case kubeapi.Error:
		return 3
	case kubeapi.Warning:
		return 2
	}
	return 1
}

func countAtLeast(fs []kubeapi.Finding, level int) int {
	n := 0
	for _, f := range fs {
		if rank(f.Severity) >= level {
			n++
		}
	}
	return n
}

func sortFindings(fs []kubeapi.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].File != fs[j].File {
			return fs[i].File < fs[j].File
		}
		return fs[i].Line < fs[j].Line
	})
}

func newMigrateFixCommand(streams IO) *cobra.Command {
	var (
		to                    string
		dryRun, diff, inPlace bool
		noBackup, applyReady  bool
		outDir                string
		target                targetFlags
		live                  liveFlags
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
			if live.active(cmd) {
				return fmt.Errorf("migrate fix rewrites files; use migrate check --kubeconfig to list live objects")
			}
			toV, err := parseTo(to)
			if err != nil {
				return err
			}
			modes := 0
			for _, m := range []bool{dryRun, diff, inPlace, outDir != ""} {
				if m {
					modes++
				}
			}
			if modes > 1 {
				return fmt.Errorf("choose one of --diff, --dry-run, --in-place and -o DIR")
			}
			if modes == 0 {
				diff = true
			}
			rt, useTarget, err := target.get()
			if err != nil {
				return err
			}
			if applyReady && !useTarget {
				return fmt.Errorf("--apply-readiness needs --target eks, --ingress alb or --fargate-namespaces")
			}
			var findings []kubeapi.Finding
			changedFiles, changedObjects := 0, 0
			failed := 0 // files that could not be read, converted or written
			l := &source.Loader{FS: source.OS, Stdin: streams.In}
			inputs, err := l.Inputs(args)
			if err != nil {
				return err
			}
			// -o DIR: every output path is known, and checked, before
			// anything is written.
			var outputs map[string]string
			if outDir != "" {
				if outputs, err = outputPaths(outDir, inputs); err != nil {
					return err
				}
			}
			// Files whose selector labels kustomize adds (commonLabels).
			labelled := map[string]string{}
			for _, in := range inputs {
				if in.Kustomize {
					for f, k := range manifest.SelectorLabelFiles(in.Path) {
						if _, ok := labelled[f]; !ok {
							labelled[f] = k
						}
					}
				}
			}
			// Readiness fixes need every file's objects as context (an
			// Ingress here, its Service there): read them first.
			var context []yamldoc.Document
			if applyReady {
				if err := l.Documents(args, func(b source.Batch) error {
					if !b.Built {
						context = append(context, b.Docs...)
					}
					return nil
				}); err != nil {
					return err
				}
			}
			err = l.Documents(args, func(b source.Batch) error {
				if b.Built {
					return nil // fixes land in the sources, not in built output
				}
				findings = append(findings, batchFindings(b)...)
				if b.Err != nil {
					failed++
					return nil
				}
				if b.Data == nil {
					return nil // skipped, and reported
				}
				opts := convert.FixOptions{}
				if b.File != "<stdin>" {
					if k, ok := labelled[realPath(b.File)]; ok {
						opts.Convert.SelectorLabelsFrom = k
					}
				}
				if applyReady {
					opts.Edit = func(docs []yamldoc.Document) error {
						var others []yamldoc.Document
						for _, d := range context {
							if d.File != b.File {
								others = append(others, d)
							}
						}
						fs, err := readiness.ApplyIn(docs, others, rt)
						findings = append(findings, fs...)
						return err
					}
				}
				out, results, err := convert.FixFileWith(b.File, b.Data, toV, opts)
				if err != nil {
					rule := "fix-error"
					var ye *yamldoc.Error
					if errors.As(err, &ye) {
						rule = "parse-error"
					}
					findings = append(findings, errorFinding(rule, b.File, err))
					failed++
					return nil
				}
				for _, r := range results {
					findings = append(findings, r.Findings()...)
					if r.Changed {
						changedObjects++
					}
					for _, n := range r.Notes {
						findings = append(findings, kubeapi.Finding{Rule: "note", Severity: kubeapi.Info, File: r.File, Line: r.Line, Kind: r.Kind, Name: r.Name, Message: n})
					}
				}
				if inPlace && b.File != "<stdin>" {
					removeStaleTemps(b.File)
				}
				if bytes.Equal(out, b.Data) {
					if outDir != "" {
						return writeOutput(outputs[b.File], out)
					}
					return nil
				}
				changedFiles++
				switch {
				case dryRun:
					fmt.Fprintf(streams.Out, "would rewrite %s\n", b.File)
				case diff:
					return writeDiff(streams, b.File, b.Data, out)
				case inPlace:
					if b.File == "<stdin>" {
						_, err := streams.Out.Write(out)
						return err
					}
					notes, err := replaceInPlace(b.File, b.Root, out, !noBackup)
					for _, n := range notes {
						findings = append(findings, kubeapi.Finding{Rule: "note", Severity: kubeapi.Info, File: b.File, Message: n})
					}
					if errors.Is(err, errLinkOutside) {
						findings = append(findings, kubeapi.Finding{Rule: "not-rewritten", Severity: kubeapi.Error, File: b.File, Message: strings.TrimPrefix(err.Error(), errLinkOutside.Error()+": ")})
						changedFiles--
						failed++
						return nil
					}
					if err != nil {
						return fmt.Errorf("%s: %w", b.File, err)
					}
				case outDir != "":
					return writeOutput(outputs[b.File], out)
				}
				return nil
			})
			if err != nil {
				return err
			}
			sortFindings(findings)
			summary := fmt.Sprintf("%d object(s) in %d file(s) %s", changedObjects, changedFiles, map[bool]string{true: "would change", false: "changed"}[dryRun || diff])
			fmt.Fprintln(streams.ErrOut, summary)
			for _, f := range findings {
				fmt.Fprintf(streams.ErrOut, "%s: %s: %s\n", f.Location(), f.Severity, f.Message)
			}
			if failed > 0 {
				return fmt.Errorf("%d file(s) could not be read, converted or rewritten (the errors above)", failed)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the Kubernetes version you move to (required), for example 1.33")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only list the files that would change")
	cmd.Flags().BoolVar(&diff, "diff", false, "print a unified diff (the default)")
	cmd.Flags().BoolVar(&inPlace, "in-place", false, "rewrite the files")
	cmd.Flags().BoolVar(&noBackup, "no-backup", false, "with --in-place: keep no .bak copy")
	cmd.Flags().StringVarP(&outDir, "output-dir", "o", "", "write the converted files under this directory")
	cmd.Flags().BoolVar(&applyReady, "apply-readiness", false, "also apply the safe readiness fixes for --target/--ingress")
	target.register(cmd)
	// The live flags are accepted only to answer them with a clear error.
	live.register(cmd)
	for _, name := range []string{"aws", "profile", "aws-regions", "kubeconfig", "context"} {
		_ = cmd.Flags().MarkHidden(name)
	}
	return cmd
}

func writeDiff(streams IO, name string, before, after []byte) error {
	d := difflib.UnifiedDiff{
		A: difflib.SplitLines(string(before)), B: difflib.SplitLines(string(after)),
		FromFile: "a/" + name, ToFile: "b/" + name, Context: 3,
	}
	text, err := difflib.GetUnifiedDiffString(d)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(streams.Out, text)
	return err
}
