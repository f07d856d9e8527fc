#!/usr/bin/env bash
# refit's test command (README): formatting, vet, the static release build
# (checked to be static), the unit and golden tests, and a short run of every
# fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== gofmt"
unformatted=$(gofmt -l $(find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== release build (scripts/build.sh: CGO_ENABLED=0, -trimpath, -s -w), checked static"
bindir=$(mktemp -d)
./scripts/build.sh "$bindir/refit"
go run ./scripts/elfstatic "$bindir/refit"
# The linker drops the AWS SDK's unused operations only while no reflective
# method call (reflect.Value.Method/MethodByName, which executing a
# text/template or html/template does) is reachable: then the binary is
# about 44 MB; with one, every exported method is kept (about 93 MB) and
# every command starts with about 7 MB more memory (docs/benchmarks.md).
size=$(stat -c %s "$bindir/refit")
if [ "$size" -gt $((64 << 20)) ]; then
  echo "release binary is $((size >> 20)) MiB (limit 64): is a reflective method call reachable (a template executed)? see scripts/test.sh" >&2
  exit 1
fi
echo "release binary: $((size >> 20)) MiB"
rm -rf "$bindir"

echo "== go test"
go test ./...

echo "== fuzz smoke (${FUZZTIME:=10s} per target)"
grep -rl --include='*_test.go' '^func Fuzz' internal | while read -r file; do
  pkg="./$(dirname "$file")"
  for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    echo "-- $pkg $target"
    log=$(mktemp)
    if ! go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime=2s "$pkg" >"$log" 2>&1; then
      # Go's fuzzer can stop with "context deadline exceeded" when the time
      # runs out while it is still minimizing an interesting (not failing)
      # input; only a written failing input is a real failure.
      if grep -q "context deadline exceeded" "$log" && ! grep -q "Failing input written" "$log"; then
        echo "   (stopped while minimizing at the deadline: no failing input)"
      else
        cat "$log"; exit 1
      fi
    fi
    rm -f "$log"
  done
done
echo "== ok"
