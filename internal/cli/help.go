package cli

import (
	"embed"
	"strings"

	"github.com/spf13/cobra"
)

// The long help and examples of each command are text files under help/,
// named by the command's path below the root (bill_summary.txt; refit.txt
// for the root): the long help, then, after a line "Examples:", the
// examples, as refit's help prints them. A file NAME-inputs.txt is the
// part every subcommand of NAME shares (bill-inputs.txt), printed after
// each one's own.
//
//go:embed help/*.txt
var helpFiles embed.FS

// helpText reads help/name.txt: its long help and its examples (empty when
// there is no such file).
func helpText(name string) (long, example string) {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		return "", ""
	}
	s := strings.TrimSuffix(string(b), "\n")
	if e, ok := strings.CutPrefix(s, "Examples:\n"); ok {
		return "", e
	}
	long, example, _ = strings.Cut(s, "\n\nExamples:\n")
	return long, example
}

// helpLong is the long help of help/name.txt.
func helpLong(name string) string {
	long, _ := helpText(name)
	return long
}

// setHelp gives cmd (whose help file is name) and every command below it
// the long help and examples of their help files, where a command has none
// of its own; shared follows the long help.
func setHelp(cmd *cobra.Command, name, shared string) {
	long, example := helpText(name)
	if long != "" && shared != "" {
		long += "\n\n" + shared
	}
	if cmd.Long == "" {
		cmd.Long = long
	}
	if cmd.Example == "" {
		cmd.Example = example
	}
	subShared := helpLong(name + "-inputs")
	for _, sub := range cmd.Commands() {
		path := sub.Name()
		if cmd.HasParent() {
			path = name + "_" + path
		}
		setHelp(sub, path, subShared)
	}
}
