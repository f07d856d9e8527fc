#!/usr/bin/env bash
# Times each stage of `refit migrate check DIR --to 1.33` (read: walk and
# read the files on all cores; identify: yamldoc.Scan; check:
# kubeapi.CheckData; render: JSON, SARIF and table; and the whole Check) on
# a generated 1.11-era estate of MANIFESTS files (2,000 by default: `go run
# ./bench/gen -legacy`), with Go's benchmark runner. Compare two commits
# with benchstat on the outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${MANIFESTS:-2000}
out=${OUT:-bench/out}
mkdir -p "$out"
dir="$(cd "$out" && pwd)/legacy-$N"
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir"
  go run ./bench/gen -legacy "$N" -out "$dir"
  touch "$dir/.complete"
fi
MIGRATE_BENCH_DIR="$dir" go test ./internal/migrate -run '^$' -bench "${BENCH:-Stage|BenchmarkCheck}" -benchmem -count "${COUNT:-5}"
