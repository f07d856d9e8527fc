package migrate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/kubeapi/convert"
	"github.com/refit-dev/refit/internal/kubeapi/readiness"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/source/manifest"
	"github.com/refit-dev/refit/internal/source/rewrite"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Mode is what Fix does with a rewritten file (see rewrite.Mode).
type Mode = rewrite.Mode

// The modes, as rewrite names them.
const (
	Diff      = rewrite.Diff
	DryRun    = rewrite.DryRun
	InPlace   = rewrite.InPlace
	OutputDir = rewrite.OutputDir
)

// FixOptions say what Fix rewrites, and how.
type FixOptions struct {
	Options
	Mode Mode
	// OutDir is where OutputDir writes.
	OutDir string
	// Backup keeps the original of a file InPlace rewrites in FILE.bak.
	Backup bool
	// ApplyReadiness applies the safe readiness fixes of Target too.
	ApplyReadiness bool
	// Out takes the diff, the dry-run list, or stdin rewritten.
	Out io.Writer
}

// Fix rewrites every object of opts.Paths whose API is removed or
// deprecated at opts.To to a served version. Files that cannot be read,
// converted or written are findings, counted in Result.Failed; the others
// are still fixed. With OutputDir, every output path is checked before
// anything is written.
func Fix(_ context.Context, o FixOptions) (Result, error) {
	args, toV, rt, applyReady := o.Paths, o.To, o.Target, o.ApplyReadiness
	dryRun, diff, inPlace, outDir := o.Mode == DryRun, o.Mode == Diff, o.Mode == InPlace, ""
	if o.Mode == OutputDir {
		outDir = o.OutDir
	}
	w := logTo(o.Out)
	var findings []kubeapi.Finding
	changedFiles, changedObjects := 0, 0
	failed := 0 // files that could not be read, converted or written
	l := &source.Loader{FS: source.OS, Stdin: o.Stdin}
	inputs, err := l.Inputs(args)
	if err != nil {
		return Result{}, err
	}
	// -o DIR: every output path is known, and checked, before
	// anything is written.
	var outputs map[string]string
	if outDir != "" {
		if outputs, err = rewrite.OutputPaths(outDir, inputs); err != nil {
			return Result{}, err
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
			return Result{}, err
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
			if k, ok := labelled[manifest.RealPath(b.File)]; ok {
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
			rewrite.RemoveStaleTemps(b.File)
		}
		if bytes.Equal(out, b.Data) {
			if outDir != "" {
				return rewrite.WriteOutput(outputs[b.File], out)
			}
			return nil
		}
		changedFiles++
		switch {
		case dryRun:
			fmt.Fprintf(w, "would rewrite %s\n", b.File)
		case diff:
			return rewrite.WriteDiff(w, b.File, b.Data, out)
		case inPlace:
			if b.File == "<stdin>" {
				_, err := w.Write(out)
				return err
			}
			notes, err := rewrite.ReplaceInPlace(b.File, b.Root, out, o.Backup)
			for _, n := range notes {
				findings = append(findings, kubeapi.Finding{Rule: "note", Severity: kubeapi.Info, File: b.File, Message: n})
			}
			if errors.Is(err, rewrite.ErrLinkOutside) {
				findings = append(findings, kubeapi.Finding{Rule: "not-rewritten", Severity: kubeapi.Error, File: b.File, Message: strings.TrimPrefix(err.Error(), rewrite.ErrLinkOutside.Error()+": ")})
				changedFiles--
				failed++
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", b.File, err)
			}
		case outDir != "":
			return rewrite.WriteOutput(outputs[b.File], out)
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	SortFindings(findings)
	return Result{Findings: findings, Failed: failed, ChangedFiles: changedFiles, ChangedObjects: changedObjects}, nil
}
