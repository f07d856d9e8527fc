package migrate

import (
	"fmt"
	"io"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/kubeapi/readiness"
)

// ParseTo parses --to, the version moved to (required).
func ParseTo(to string) (kubeapi.Version, error) {
	if to == "" {
		return kubeapi.Version{}, fmt.Errorf("--to is required: the Kubernetes version you move to, for example --to 1.33")
	}
	v, err := kubeapi.ParseVersion(to)
	if err != nil {
		return v, fmt.Errorf("--to: %w", err)
	}
	return v, nil
}

// ParseTarget parses --target, --ingress and --fargate-namespaces into the
// readiness target, and whether any was given.
func ParseTarget(target, ingress string, fargateNamespaces []string) (readiness.Target, bool, error) {
	var rt readiness.Target
	switch target {
	case "":
	case "eks":
		rt.EKS = true
	default:
		return rt, false, fmt.Errorf("--target %q: want eks", target)
	}
	switch ingress {
	case "", "alb":
		rt.Ingress = ingress
	default:
		return rt, false, fmt.Errorf("--ingress %q: want alb", ingress)
	}
	rt.FargateNamespaces = fargateNamespaces
	return rt, rt.EKS || rt.Ingress != "" || len(rt.FargateNamespaces) > 0, nil
}

// ParseMode picks Fix's mode from --dry-run, --diff, --in-place and -o DIR:
// at most one, Diff when none.
func ParseMode(dryRun, diff, inPlace bool, outDir string) (Mode, error) {
	mode, n := Diff, 0
	for _, m := range []struct {
		on   bool
		mode Mode
	}{{dryRun, DryRun}, {diff, Diff}, {inPlace, InPlace}, {outDir != "", OutputDir}} {
		if m.on {
			mode, n = m.mode, n+1
		}
	}
	if n > 1 {
		return mode, fmt.Errorf("choose one of --diff, --dry-run, --in-place and -o DIR")
	}
	return mode, nil
}

// CheckVerdict is the outcome of a check once its report is written: an
// error when an input could not be read or parsed, else what crossed
// --fail-on (level from FailLevel), "" when nothing did.
func (r Result) CheckVerdict(level int, failOn string) (string, error) {
	if r.Failed > 0 {
		return "", fmt.Errorf("%d input(s) could not be read or parsed (the parse-error findings): the check is incomplete", r.Failed)
	}
	n := CountAtLeast(r.Findings, level)
	if r.List != nil {
		n += CountListAtLeast(r.List, level)
	}
	if n > 0 {
		return fmt.Sprintf("%d finding(s) at --fail-on %s", n, failOn), nil
	}
	return "", nil
}

// WriteFixSummary writes what Fix changed (or, in mode Diff or DryRun,
// would change) and its findings, one a line, and returns an error when a
// file failed.
func (r Result) WriteFixSummary(w io.Writer, mode Mode) error {
	verb := "changed"
	if mode == Diff || mode == DryRun {
		verb = "would change"
	}
	fmt.Fprintf(w, "%d object(s) in %d file(s) %s\n", r.ChangedObjects, r.ChangedFiles, verb)
	for _, f := range r.Findings {
		fmt.Fprintf(w, "%s: %s: %s\n", f.Location(), f.Severity, f.Message)
	}
	if r.Failed > 0 {
		return fmt.Errorf("%d file(s) could not be read, converted or rewritten (the errors above)", r.Failed)
	}
	return nil
}
