#!/usr/bin/env bash
# Builds refit as releases are built: static (CGO_ENABLED=0), -trimpath,
# stripped (-ldflags "-s -w"), with the version and commit stamped in.
#
#   scripts/build.sh                      # ./refit from ./cmd/refit
#   scripts/build.sh OUT [PACKAGE]        # e.g. scripts/build.sh /tmp/kubectl-refit ./cmd/kubectl-refit
#   VERSION=v0.2.0 scripts/build.sh       # stamp a version (default: git describe)
#
# Why static: where gcc exists, a plain `go build` links cgo, and with it
# kustomize's plugin loader (it imports Go's "plugin" package) keeps far more
# code alive: about 190 MB against 66 MB unstripped, and about twice the
# memory at start. `make build`, .goreleaser.yaml and scripts/test.sh all use
# these flags; scripts/test.sh checks the result has no ELF interpreter and no
# shared libraries (scripts/elfstatic).
set -euo pipefail
out=${1:-refit}
pkg=${2:-./cmd/refit}
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")/.."
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
commit=${COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || true)}
cli=github.com/refit-dev/refit/internal/cli
CGO_ENABLED=0 exec go build -trimpath \
  -ldflags "-s -w -X $cli.version=$version -X $cli.commit=$commit" \
  -o "$out" "$pkg"
