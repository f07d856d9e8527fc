// Package cli wires refit's commands: flags, input, output selection and
// exit codes. The work itself is done in the other internal packages.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/netlimit"
	"github.com/refit-dev/refit/internal/report"
)

// Exit codes, for CI pipelines.
const (
	ExitOK       = 0
	ExitFindings = 1 // a threshold the user set was crossed
	ExitUsage    = 2 // bad usage or bad input
)

// exitError carries an exit code with a message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// IO is where commands read and write.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Execute runs refit with the process's arguments and returns the exit code.
func Execute() int { return ExecuteAs("refit") }

// ExecuteAs runs refit under another name, as the kubectl plugin
// ("kubectl refit") does, so that help and examples read right.
func ExecuteAs(name string) int {
	return runAs(name, os.Args[1:], IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr})
}

// Run runs refit with args and returns the exit code.
func Run(args []string, streams IO) int { return runAs("refit", args, streams) }

func runAs(name string, args []string, streams IO) int {
	root := NewRootCommand(streams)
	if name != "refit" {
		root.Use = name
		root.Example = "  " + name + " cost --example\n  " + name + " migrate check ./k8s --to 1.33"
	}
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(streams.ErrOut, "Error: %s\n", netlimit.Message(err))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return ExitUsage
}

// NewRootCommand builds the command tree.
func NewRootCommand(streams IO) *cobra.Command {
	var verbose bool
	var timeout time.Duration
	root := &cobra.Command{
		Use:           "refit",
		Short:         "Explain, cut and safely change what Kubernetes on AWS costs",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			slog.SetDefault(slog.New(slog.NewTextHandler(streams.ErrOut, &slog.HandlerOptions{Level: level})))
			if timeout < 0 {
				return fmt.Errorf("--timeout %s: want a duration such as 5m or 90s, or 0 for none", timeout)
			}
			return nil
		},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log what refit does to stderr")
	root.PersistentFlags().DurationVar(&timeout, "timeout", netlimit.DefaultDeadline, "give up a command that reads AWS or a cluster after this long (0: never; each request also gives up after "+netlimit.ResponseTimeout.String()+" without an answer)")
	root.AddCommand(newCostCommand(streams), newPlanCommand(streams),
		group("migrate", "Find deprecated and removed Kubernetes APIs and rewrite manifests for the target cluster",
			newMigrateCheckCommand(streams), newMigrateFixCommand(streams)),
		group("bill", "Read AWS billing exports (CUR, CUR 2.0, FOCUS): where the money went, day by day",
			newBillSummaryCommand(streams), newBillDailyCommand(streams), newBillAnomaliesCommand(streams), newBillForecastCommand(streams), newBillVsEstimateCommand(streams)),
		newWasteCommand(streams),
		group("prices", "Show and update the price catalog refit uses",
			newPricesShowCommand(streams), newPricesListCommand(streams), newPricesUpdateCommand(streams), newPricesCoverageCommand(streams)),
		newVersionCommand(streams),
		group("comment", "Post a report on a pull request (GitHub) or merge request (GitLab), updated in place",
			newCommentGitHubCommand(streams), newCommentGitLabCommand(streams)),
		newRightsizeCommand(streams), newWatchCommand(streams), newServeCommand(streams), newReportCommand(streams))
	setHelp(root, "refit", "")
	return root
}

// group is a command that only holds subcommands (refit bill, refit
// migrate, ...).
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short}
	cmd.AddCommand(subs...)
	return cmd
}

// output is a command's -o flag.
type output struct{ *report.Output }

// outputFlag registers -o, taking the allowed formats.
func outputFlag(cmd *cobra.Command, def report.Format, allowed ...report.Format) *output {
	return &output{report.AddOutputFlag(cmd.Flags(), def, allowed...)}
}

// parsedOutput registers -o with a parser of its own (bill's csv,
// migrate check's sarif).
func parsedOutput(cmd *cobra.Command, names string, parse func(string) (report.Format, error)) *output {
	return &output{report.AddParsedOutputFlag(cmd.Flags(), names, parse)}
}

// run is a command's RunE that checks -o first: the step every command
// with an output format starts with.
func (o *output) run(fn func(cmd *cobra.Command, args []string, f report.Format) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		f, err := o.Format()
		if err != nil {
			return err
		}
		return fn(cmd, args, f)
	}
}

// threshold makes what a check found crossed (a message, "" for nothing)
// exit code 1; err is returned as it is.
func threshold(crossed string, err error) error {
	if err != nil || crossed == "" {
		return err
	}
	return &exitError{code: ExitFindings, err: errors.New(crossed)}
}

// netContext returns the command's context with the --timeout deadline, for
// a command about to read AWS or a cluster.
func netContext(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	d, _ := cmd.Flags().GetDuration("timeout")
	return netlimit.WithDeadline(ctx, d)
}

// kubeTimeout is the whole-load bound for the kube readers (see
// netlimit.KubeTimeout).
func kubeTimeout(cmd *cobra.Command) time.Duration {
	d, _ := cmd.Flags().GetDuration("timeout")
	return netlimit.KubeTimeout(cmd.Flags().Changed("timeout"), d)
}
