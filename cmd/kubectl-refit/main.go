// Command kubectl-refit is refit as a kubectl plugin: put it on PATH and run
// `kubectl refit migrate check ./k8s --to 1.33`, `kubectl refit cost ...`.
package main

import (
	"os"

	"github.com/refit-dev/refit/internal/cli"
)

func main() { os.Exit(cli.ExecuteAs("kubectl refit")) }
