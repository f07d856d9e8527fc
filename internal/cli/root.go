// Package cli wires refit's commands: flags, input, output selection and
// exit codes. The work itself is done in the other internal packages.
package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

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

// thresholdError says a user-set threshold was crossed (exit code 1).
func thresholdError(format string, args ...any) error {
	return &exitError{code: ExitFindings, err: fmt.Errorf(format, args...)}
}

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
	fmt.Fprintf(streams.ErrOut, "Error: %v\n", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return ExitUsage
}

// NewRootCommand builds the command tree.
func NewRootCommand(streams IO) *cobra.Command {
	var verbose bool
	root := &cobra.Command{
		Use:   "refit",
		Short: "Explain, cut and safely change what Kubernetes on AWS costs",
		Long: `refit reads what you already have — kops or eksctl configs, Kubernetes
manifests, Terraform plans — and explains the monthly AWS bill of your cluster,
component by component, with no AWS account needed.

Exit codes: 0 ok, 1 a threshold you set was crossed, 2 bad usage or input.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			slog.SetDefault(slog.New(slog.NewTextHandler(streams.ErrOut, &slog.HandlerOptions{Level: level})))
		},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log what refit does to stderr")
	root.AddCommand(newCostCommand(streams), newPlanCommand(streams), newMigrateCommand(streams), newBillCommand(streams), newWasteCommand(streams), newPricesCommand(streams), newVersionCommand(streams), newCommentCommand(streams))
	return root
}

// outputFlag registers -o and returns a getter that validates it.
func outputFlag(cmd *cobra.Command, def report.Format, allowed ...report.Format) func() (report.Format, error) {
	var s string
	names := ""
	for i, f := range allowed {
		if i > 0 {
			names += "|"
		}
		names += string(f)
	}
	cmd.Flags().StringVarP(&s, "output", "o", string(def), "output format: "+names)
	return func() (report.Format, error) {
		f, err := report.ParseFormat(s)
		if err != nil {
			return "", err
		}
		for _, a := range allowed {
			if a == f {
				return f, nil
			}
		}
		return "", fmt.Errorf("output format %q is not available here (want %s)", s, names)
	}
}
