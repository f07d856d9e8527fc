package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/golden"
)

// helpEnv fixes the environment that help text reads (flag defaults from
// the CI environment, the user's config and cache directories), so that the
// help goldens do not depend on the machine.
func helpEnv(t *testing.T) {
	t.Setenv("HOME", "/home/user")
	t.Setenv("XDG_CONFIG_HOME", "/home/user/.config")
	t.Setenv("XDG_CACHE_HOME", "/home/user/.cache")
	for _, name := range []string{"GITHUB_REPOSITORY", "CI_PROJECT_ID", "CI_MERGE_REQUEST_IID", "GITHUB_API_URL", "CI_API_V4_URL"} {
		t.Setenv(name, "")
	}
}

// commandPaths walks the command tree (with cobra's own help and completion
// commands) and returns every command's path, the root first.
func commandPaths(root *cobra.Command) [][]string {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(root, nil)
	return paths
}

// TestHelpGolden holds the --help of every command and subcommand to
// testdata/help/<command path>.txt, byte for byte: flags, defaults, help
// strings, long help and examples. go test ./internal/cli -run
// TestHelpGolden -update rewrites them (review the diff).
func TestHelpGolden(t *testing.T) {
	helpEnv(t)
	dir := filepath.Join("testdata", "help")
	want := map[string]bool{}
	paths := commandPaths(NewRootCommand(IO{}))
	if len(paths) < 30 {
		t.Fatalf("walked %d commands, want every one", len(paths))
	}
	for _, path := range paths {
		name := strings.Join(append([]string{"refit"}, path...), "_") + ".txt"
		want[name] = true
		t.Run(name, func(t *testing.T) {
			out, errOut, code := run(t, "", append(append([]string(nil), path...), "--help")...)
			if code != ExitOK || errOut != "" {
				t.Fatalf("refit %s --help: exit %d, stderr %q", strings.Join(path, " "), code, errOut)
			}
			golden.AssertString(t, filepath.Join(dir, name), out)
		})
	}
	// The kubectl plugin's root help names the plugin.
	t.Run("kubectl-refit.txt", func(t *testing.T) {
		var out, errOut strings.Builder
		if code := runAs("kubectl refit", []string{"--help"}, IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}); code != ExitOK || errOut.Len() > 0 {
			t.Fatalf("kubectl refit --help: exit %d, stderr %q", code, errOut.String())
		}
		golden.AssertString(t, filepath.Join(dir, "kubectl-refit.txt"), out.String())
	})
	want["kubectl-refit.txt"] = true
	// A golden of a command that is gone is stale.
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if want[f.Name()] {
			continue
		}
		if golden.Updating() {
			if err := os.Remove(filepath.Join(dir, f.Name())); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s: no command has this help (go test -update removes it)", filepath.Join(dir, f.Name()))
	}
}

// TestFlagsGolden holds every flag of every command, hidden ones included
// (help does not show those), to testdata/flags.txt: name, shorthand,
// type, default, hidden and usage.
func TestFlagsGolden(t *testing.T) {
	helpEnv(t)
	root := NewRootCommand(IO{})
	var b strings.Builder
	for _, path := range commandPaths(root) {
		c, _, err := root.Find(path)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(c.CommandPath() + "\n")
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			hidden := ""
			if f.Hidden {
				hidden = " hidden"
			}
			fmt.Fprintf(&b, "  --%s -%s %s default=%q%s: %s\n", f.Name, f.Shorthand, f.Value.Type(), f.DefValue, hidden, f.Usage)
		})
	}
	golden.AssertString(t, filepath.Join("testdata", "flags.txt"), b.String())
}

// TestEveryHelpFileHasItsCommand: help/NAME.txt is found by the command's
// path, so a file whose command was renamed or removed would be silently
// unused; and a command without a file would have no long help.
func TestEveryHelpFileHasItsCommand(t *testing.T) {
	used := map[string]bool{"refit.txt": true}
	for _, path := range commandPaths(NewRootCommand(IO{})) {
		if len(path) == 0 || path[0] == "help" || path[0] == "completion" {
			continue
		}
		name := strings.Join(path, "_")
		used[name+".txt"], used[name+"-inputs.txt"] = true, true
		if _, err := helpFiles.ReadFile("help/" + name + ".txt"); err != nil && name != "version" {
			t.Errorf("refit %s: no help/%s.txt", strings.Join(path, " "), name)
		}
	}
	files, err := helpFiles.ReadDir("help")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !used[f.Name()] {
			t.Errorf("help/%s: no command by this path", f.Name())
		}
	}
}
