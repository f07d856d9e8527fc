package cli

import (
	"embed"
	"strings"
)

// The long help and examples of each command are text files under help/,
// named by the command's path (bill_summary.txt): the long help, then,
// after a line "Examples:", the examples, as refit's help prints them.
//
//go:embed help/*.txt
var helpFiles embed.FS

// helpText reads help/name.txt: its long help and its examples.
func helpText(name string) (long, example string) {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		panic(err) // embedded: TestHelpGolden reads every command's
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

// helpExample is the examples of help/name.txt.
func helpExample(name string) string {
	_, example := helpText(name)
	return example
}
