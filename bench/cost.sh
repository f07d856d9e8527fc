#!/usr/bin/env bash
# Reproduces the `refit cost` figures in docs/benchmarks.md: prices generated
# estates of 2,000 to 20,000 Kubernetes objects (plus node groups, one per 20
# objects: 1,000 at 20,000) and reports wall time, objects per second and
# peak memory (median of RUNS runs, GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
out=${OUT:-bench/out}
mkdir -p "$out"
CGO_ENABLED=0 go build -o "$out/refit" ./cmd/refit

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%8s %11s %8s %12s %10s\n' objects nodegroups wall_s objects/s peak_MiB
for n in 2000 5000 10000 20000; do
  dir="$out/estate-$n"
  rm -rf "$dir"
  go run ./bench/gen -objects "$n" -nodegroups $((n / 20)) -out "$dir"
  "$out/refit" cost "$dir" -o json >/dev/null # warm the page cache
  : >"$out/times-$n"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -a -o "$out/times-$n" "$out/refit" cost "$dir" -o json >/dev/null
  done
  wall=$(cut -d' ' -f1 "$out/times-$n" | median)
  kib=$(cut -d' ' -f2 "$out/times-$n" | median)
  printf '%8d %11d %8.3f %12.0f %10.1f\n' "$n" $((n / 20)) "$wall" "$(echo "$n / $wall" | bc -l)" "$(echo "$kib / 1024" | bc -l)"
done
