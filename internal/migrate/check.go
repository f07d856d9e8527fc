// Package migrate finds deprecated and removed Kubernetes APIs and readiness
// problems (Check), and rewrites manifests for the target version (Fix):
// in files, in a live cluster's objects and Helm releases, and in an AWS
// account's EKS upgrade insights. The cli package only reads the flags
// into Options and prints the Result.
package migrate

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/kubeapi/readiness"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/source/awslive"
	"github.com/refit-dev/refit/internal/source/awslive/eksinsight"
	"github.com/refit-dev/refit/internal/source/kubemanifests"
	"github.com/refit-dev/refit/internal/source/live"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Options say what to check or fix, against which version and target.
type Options struct {
	// Paths are files and directories, or - for Stdin.
	Paths []string
	Stdin io.Reader
	// To is the Kubernetes version moved to.
	To kubeapi.Version
	// From is the version moved from: objects it does not serve are
	// listed too. Zero: with Live, the cluster's version.
	From kubeapi.Version
	// Target selects the readiness rules, when UseTarget.
	Target    readiness.Target
	UseTarget bool
	// Live are the live sources Check reads (Fix reads none).
	Live live.Options
	// Log takes notes and warnings (partial results, the --from taken).
	Log io.Writer
}

// Result is what Check or Fix found and did.
type Result struct {
	// Findings are Fix's findings, sorted by file and line.
	Findings []kubeapi.Finding
	// List holds Check's findings, sorted by file and line, compactly:
	// read them with Len and At.
	List *kubeapi.FindingList
	// Failed counts the inputs that could not be read or parsed (Check),
	// or the files that could not be read, converted or rewritten (Fix).
	Failed int
	// ChangedFiles and ChangedObjects count what Fix changed (or, in the
	// Diff and DryRun modes, would change).
	ChangedFiles, ChangedObjects int
}

// Check lists every object whose API is deprecated or removed at opts.To
// and, with opts.UseTarget, the readiness problems: in the files of
// opts.Paths and the live sources (read within ctx). Paths are read when
// given, or when no live source is.
//
// Without a target, files are read, identified and checked on all cores
// (kubeapi.CheckData: node trees only where a document needs one) and
// only the findings are kept, compactly, so memory follows the findings,
// not the input.
func Check(ctx context.Context, opts Options) (Result, error) {
	return check(ctx, opts, true)
}

// check is Check; fast false reads every file into node trees, as the
// readiness path does (for the tests that compare both).
func check(ctx context.Context, opts Options, fast bool) (Result, error) {
	copts := kubeapi.CheckOptions{To: opts.To, From: opts.From}
	defaultFrom := opts.From == (kubeapi.Version{})
	rt, useTarget := opts.Target, opts.UseTarget
	table, err := kubeapi.LoadTable()
	if err != nil {
		return Result{}, err
	}
	list := &kubeapi.FindingList{}
	add := func(fs []kubeapi.Finding) {
		for _, f := range fs {
			// `migrate fix` rewrites files only: live objects are fixed
			// at their source. (What is fixable in a file, data/apis.yaml
			// says.)
			if liveOrigin(f.File) {
				f.Fixable = false
			}
			list.Append(f)
		}
	}
	unreadable := 0 // inputs that could not be read or parsed
	// Readiness relates objects across files (an Ingress here, its
	// Service there), so with a target the source documents are kept.
	var sources []yamldoc.Document
	useLive := opts.Live.Active()
	if useLive {
		lf, docs, err := checkLive(ctx, opts.Live, logTo(opts.Log), table, &copts, defaultFrom, useTarget)
		if err != nil {
			return Result{}, err
		}
		add(lf)
		sources = append(sources, docs...)
	}
	args := opts.Paths
	if len(args) > 0 || !useLive {
		l := &source.Loader{FS: source.OS, Stdin: opts.Stdin}
		if useTarget || !fast {
			err = l.Documents(args, func(b source.Batch) error {
				add(batchFindings(b))
				if b.Err != nil {
					unreadable++
				}
				if len(b.Docs) == 0 {
					return nil
				}
				add(kubeapi.Check(b.Docs, table, copts))
				if useTarget && !b.Built {
					sources = append(sources, b.Docs...)
				}
				return nil
			})
		} else {
			l.Unsplit = true
			err = source.DocumentsFunc(l, args, func(b source.Batch) fileResult {
				return checkBatch(b, table, copts)
			}, func(r fileResult) error {
				add(r.findings)
				if r.failed {
					unreadable++
				}
				return nil
			})
		}
		if err != nil {
			return Result{}, err
		}
	}
	if useTarget {
		add(readiness.Check(sources, rt))
	}
	list.Sort()
	return Result{List: list, Failed: unreadable}, nil
}

// fileResult is what checkBatch found in one batch.
type fileResult struct {
	findings []kubeapi.Finding
	failed   bool
}

// checkBatch checks one batch of DocumentsFunc (on a worker goroutine):
// a file's bytes, or built documents.
func checkBatch(b source.Batch, table *kubeapi.Table, copts kubeapi.CheckOptions) fileResult {
	if b.Err != nil || b.Skipped != "" {
		return fileResult{findings: batchFindings(b), failed: b.Err != nil}
	}
	if b.Docs == nil && b.Data != nil {
		fs, err := kubeapi.CheckData(b.File, b.Data, table, copts)
		if err != nil {
			return fileResult{findings: []kubeapi.Finding{errorFinding("parse-error", b.File, err)}, failed: true}
		}
		return fileResult{findings: fs}
	}
	return fileResult{findings: kubeapi.Check(b.Docs, table, copts)}
}

// logTo is w, or io.Discard.
func logTo(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
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

// liveOrigin reports a finding on a live object, a Helm release or an EKS
// cluster, which `migrate fix` cannot rewrite.
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
func checkLive(ctx context.Context, src live.Options, errOut io.Writer, table *kubeapi.Table, opts *kubeapi.CheckOptions, defaultFrom, useTarget bool) ([]kubeapi.Finding, []yamldoc.Document, error) {
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
		fmt.Fprintf(errOut, "note: --from %s (%s)\n", fv, what)
	}
	if src.AWS {
		ins, err := awslive.LoadInsights(ctx, awslive.Options{Profile: src.Profile, Regions: src.Regions})
		if err != nil {
			return nil, nil, fmt.Errorf("aws: %w", err)
		}
		for _, p := range ins.Partial {
			fmt.Fprintf(errOut, "warning: partial result: %s\n", p)
		}
		findings = append(findings, eksinsight.Findings(ins, opts.To)...)
		versions := map[string]bool{}
		for _, c := range ins.Clusters {
			versions[c.Version] = true
		}
		if len(versions) == 1 && !src.Kube {
			for v := range versions {
				setFrom(v, "the version of the EKS clusters")
			}
		} else if len(versions) > 1 && !src.Kube && defaultFrom {
			fmt.Fprintln(errOut, "note: the EKS clusters run different versions; pass --from to check manifests against one")
		}
	}
	if src.Kube {
		var origin string
		kopt := kubemanifests.Options{Timeout: src.KubeTimeout, Start: func(c *kubemanifests.Cluster) error {
			origin = "kube:" + c.Context
			setFrom(c.Version, "the API server of context "+c.Context)
			return nil
		}}
		c, err := kubemanifests.Load(ctx, src.Kubeconfig, src.Context, kopt, func(b kubemanifests.Batch) error {
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
			fmt.Fprintf(errOut, "warning: partial result: %s\n", w)
		}
		findings = append(findings, kubeapi.ServedFindings(origin, c.Served, table, *opts)...)
	}
	return findings, docs, nil
}

// FailLevel reads --fail-on: the rank a finding must reach to fail.
func FailLevel(s string) (int, error) {
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

// CountAtLeast counts the findings at level (from FailLevel) or above.
func CountAtLeast(fs []kubeapi.Finding, level int) int {
	n := 0
	for _, f := range fs {
		if rank(f.Severity) >= level {
			n++
		}
	}
	return n
}

// CountListAtLeast is CountAtLeast for a FindingList.
func CountListAtLeast(l *kubeapi.FindingList, level int) int {
	n := 0
	for i := range l.Len() {
		if rank(l.At(i).Severity) >= level {
			n++
		}
	}
	return n
}

// SortFindings orders findings by file and line, keeping the order of
// findings on one line.
func SortFindings(fs []kubeapi.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].File != fs[j].File {
			return fs[i].File < fs[j].File
		}
		return fs[i].Line < fs[j].Line
	})
}
