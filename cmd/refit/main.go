// Command refit explains, cuts and safely changes what Kubernetes on AWS costs.
package main

import (
	"os"

	"github.com/refit-dev/refit/internal/cli"
)

func main() { os.Exit(cli.Execute()) }
