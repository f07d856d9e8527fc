# refit's builds. Every target builds the static release binary
# (scripts/build.sh: CGO_ENABLED=0, -trimpath, -s -w, version stamped).
#
#   make build            ./refit
#   make kubectl-refit    ./kubectl-refit (the kubectl plugin)
#   make check-static     build, then fail unless ./refit is statically linked
#   make test             the README's test command (scripts/test.sh)
#   make release-snapshot goreleaser's local dry run (needs goreleaser)
#
# VERSION=v0.2.0 make build stamps a version (default: git describe).

BIN ?= refit

.PHONY: build kubectl-refit check-static test release-snapshot clean

build:
	./scripts/build.sh $(BIN) ./cmd/refit

kubectl-refit:
	./scripts/build.sh kubectl-refit ./cmd/kubectl-refit

check-static: build
	go run ./scripts/elfstatic $(BIN)

test:
	./scripts/test.sh

release-snapshot:
	goreleaser release --snapshot --clean

clean:
	rm -f refit kubectl-refit
	rm -rf dist
