// Package flagvalue parses the values of refit's command-line flags that
// more than one command shares.
package flagvalue

import "strings"

// List splits a comma-separated flag value ("a, b,,c") into its items,
// trimmed, leaving out empty ones.
func List(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
