package cli

import (
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/internal/migrate"
	"github.com/refit-dev/refit/internal/report"
)

func newMigrateCheckCommand(streams IO) *cobra.Command {
	var flags migrate.CheckFlags
	cmd := &cobra.Command{
		Use:   "check [PATH...] --to VERSION [--kubeconfig FILE] [--aws]",
		Short: "List objects whose API is deprecated or removed at the target version, and readiness problems",
	}
	out := parsedOutput(cmd, "table|wide|json|yaml|markdown|sarif", report.ParseFindingsFormat)
	cmd.RunE = out.run(func(cmd *cobra.Command, args []string, f report.Format) error {
		opts := migrate.Options{Paths: args, Stdin: streams.In, Log: streams.ErrOut}
		fail, err := flags.Parse(cmd.Flags(), kubeTimeout(cmd), &opts)
		if err != nil {
			return err
		}
		defer migrate.CheckGC()()
		ctx, cancel := netContext(cmd)
		defer cancel()
		res, err := migrate.Check(ctx, opts)
		if err != nil {
			return err
		}
		// SARIF names refit's version as the tool's.
		if err := report.WriteFindingSeq(streams.Out, res.List, f, version); err != nil {
			return err
		}
		return threshold(res.CheckVerdict(fail, flags.FailOn))
	})
	flags.AddFlags(cmd.Flags())
	return cmd
}

func newMigrateFixCommand(streams IO) *cobra.Command {
	var flags migrate.FixFlags
	cmd := &cobra.Command{
		Use:   "fix PATH... --to VERSION [--diff | --dry-run | --in-place | -o DIR]",
		Short: "Rewrite objects to API versions served at the target, keeping comments and order",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := flags.Parse(cmd.Flags(), args)
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
	return cmd
}
