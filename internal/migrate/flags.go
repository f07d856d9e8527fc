package migrate

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/flagvalue"
	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/kubeapi/readiness"
	"github.com/refit-dev/refit/internal/source/live"
)

// TargetFlags are --target, --ingress and --fargate-namespaces: the
// readiness rules of check and fix.
type TargetFlags struct {
	Target, Ingress, FargateNamespaces string
}

// AddFlags registers the readiness flags.
func (t *TargetFlags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&t.Target, "target", "", "check readiness for the cluster you move to: eks")
	fl.StringVar(&t.Ingress, "ingress", "", "the ingress controller there: alb (the AWS Load Balancer Controller)")
	fl.StringVar(&t.FargateNamespaces, "fargate-namespaces", "", "namespaces that will run on Fargate, comma-separated")
}

// Parse parses the flags: the readiness target, and whether one was given.
func (t TargetFlags) Parse() (readiness.Target, bool, error) {
	return ParseTarget(t.Target, t.Ingress, flagvalue.List(t.FargateNamespaces))
}

// addTo registers --to of check and fix.
func addTo(fl *pflag.FlagSet, to *string) {
	fl.StringVar(to, "to", "", "the Kubernetes version you move to (required), for example 1.33")
}

// CheckFlags are migrate check's flags.
type CheckFlags struct {
	To, From, FailOn string
	Target           TargetFlags
	Live             live.Flags
}

// AddFlags registers --to, --from, --fail-on, the readiness flags and the
// live sources' (--kubeconfig, --aws and their kin).
func (f *CheckFlags) AddFlags(fl *pflag.FlagSet) {
	addTo(fl, &f.To)
	fl.StringVar(&f.From, "from", "", "the version you move from: also list objects it does not serve (default with --kubeconfig or --aws: the cluster's)")
	fl.StringVar(&f.FailOn, "fail-on", "removed", "exit 1 when a finding is at least: removed (errors), deprecated (warnings too), any, none")
	f.Target.AddFlags(fl)
	f.Live.AddFlags(fl)
}

// Parse parses the flags of fl (as AddFlags registered them) into o (To,
// From, the target and the live sources, whose cluster read kubeTimeout
// bounds) and returns the --fail-on level (FailLevel).
func (f *CheckFlags) Parse(fl *pflag.FlagSet, kubeTimeout time.Duration, o *Options) (int, error) {
	o.Live = f.Live.Options(fl, kubeTimeout)
	var err error
	if o.To, err = ParseTo(f.To); err != nil {
		return 0, err
	}
	if f.From != "" {
		if o.From, err = kubeapi.ParseVersion(f.From); err != nil {
			return 0, fmt.Errorf("--from: %w", err)
		}
	}
	if o.Target, o.UseTarget, err = f.Target.Parse(); err != nil {
		return 0, err
	}
	return FailLevel(f.FailOn)
}

// FixFlags are migrate fix's flags.
type FixFlags struct {
	To                       string
	DryRun, Diff, InPlace    bool
	NoBackup, ApplyReadiness bool
	OutDir                   string
	Target                   TargetFlags
	// Live are check's live sources, accepted (hidden) only to answer them
	// with a clear error: fix rewrites files.
	Live live.Flags
}

// AddFlags registers --to, the modes (--diff, --dry-run, --in-place, -o),
// --no-backup, --apply-readiness and the readiness flags.
func (f *FixFlags) AddFlags(fl *pflag.FlagSet) {
	addTo(fl, &f.To)
	fl.BoolVar(&f.DryRun, "dry-run", false, "only list the files that would change")
	fl.BoolVar(&f.Diff, "diff", false, "print a unified diff (the default)")
	fl.BoolVar(&f.InPlace, "in-place", false, "rewrite the files")
	fl.BoolVar(&f.NoBackup, "no-backup", false, "with --in-place: keep no .bak copy")
	fl.StringVarP(&f.OutDir, "output-dir", "o", "", "write the converted files under this directory")
	fl.BoolVar(&f.ApplyReadiness, "apply-readiness", false, "also apply the safe readiness fixes for --target/--ingress")
	f.Target.AddFlags(fl)
	f.Live.AddFlags(fl)
	for _, name := range []string{"aws", "profile", "aws-regions", "kubeconfig", "context"} {
		_ = fl.MarkHidden(name)
	}
}

// Parse parses the flags of fl (as AddFlags registered them) into Fix's
// options over paths (Stdin and Out are the caller's).
func (f *FixFlags) Parse(fl *pflag.FlagSet, paths []string) (FixOptions, error) {
	o := FixOptions{Options: Options{Paths: paths}, OutDir: f.OutDir, Backup: !f.NoBackup, ApplyReadiness: f.ApplyReadiness}
	if f.Live.Options(fl, 0).Active() {
		return o, fmt.Errorf("migrate fix rewrites files; use migrate check --kubeconfig to list live objects")
	}
	var err error
	if o.To, err = ParseTo(f.To); err != nil {
		return o, err
	}
	if o.Mode, err = ParseMode(f.DryRun, f.Diff, f.InPlace, f.OutDir); err != nil {
		return o, err
	}
	if o.Target, o.UseTarget, err = f.Target.Parse(); err != nil {
		return o, err
	}
	if o.ApplyReadiness && !o.UseTarget {
		return o, fmt.Errorf("--apply-readiness needs --target eks, --ingress alb or --fargate-namespaces")
	}
	return o, nil
}

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

// CheckGC paces the garbage collector for Check, unless GOGC is set, and
// returns the function that restores the pace: the check keeps little
// (compact findings), so its peak is mostly garbage of the files read,
// which collecting at half the default pace keeps about 20% lower, for
// about 10% more CPU.
func CheckGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(50)
	return func() { debug.SetGCPercent(old) }
}

// CheckVerdict is the outcome of Check (whose findings are in List) once
// its report is written: an error when an input could not be read or
// parsed, else what crossed --fail-on (level from FailLevel), "" when
// nothing did.
func (r Result) CheckVerdict(level int, failOn string) (string, error) {
	if r.Failed > 0 {
		return "", fmt.Errorf("%d input(s) could not be read or parsed (the parse-error findings): the check is incomplete", r.Failed)
	}
	if n := CountListAtLeast(r.List, level); n > 0 {
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
