// Command kube-apiserver builds the upstream Kubernetes API server from the
// Go module proxy, so that refit's live-cluster tests (internal/source/kubelive,
// internal/allocation) run against a real API server backed by etcd.
//
// It is a test tool only: refit itself never imports k8s.io/kubernetes. Build
// and run it with scripts/kube-apiserver.sh, which sets the version ldflags.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
