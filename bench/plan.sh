#!/usr/bin/env bash
# Reproduces the `refit plan` figures in docs/benchmarks.md: plans generated
# demand of 100 to 50,000 pods against every instance type of us-east-1 (spot
# and on-demand, all scenarios), whole command, medians of RUNS runs (GNU
# time: wall, CPU = user + sys, peak RSS); then the packer alone (Go
# benchmark), with the gap to its bounds.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
out=${OUT:-bench/out}
mkdir -p "$out"
./scripts/build.sh "$out/refit" # the release build: static, -trimpath, -s -w
CGO_ENABLED=0 go build -trimpath -o "$out/gen" ./bench/gen
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "load: $(uptime)"
printf '%8s %8s %8s %10s %-34s %10s %10s\n' pods wall_s cpu_s peak_MiB recommended nodes_usd group_gap
for n in 100 1000 10000 50000; do
  dir="$out/pods-$n"
  rm -rf "$dir"
  "$out/gen" -pods "$n" -out "$dir"
  : >"$out/plan-times-$n"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M %U %S' -a -o "$out/plan-times-$n" "$out/refit" plan "$dir" -o json --at 2026-11-26 >"$out/plan-$n.json"
  done
  wall=$(cut -d' ' -f1 "$out/plan-times-$n" | median)
  kib=$(cut -d' ' -f2 "$out/plan-times-$n" | median)
  read -r rec nodes gap < <(python3 - "$out/plan-$n.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
s = next(s for s in p["scenarios"] if s["name"] == p["recommended"])
n = next(n for n in s["nodes"] if n["purchase"] != "fargate")
print(p["recommended"], n["monthlyCost"], "%.1f%%" % ((n["monthlyCost"] / n["lowerBoundMonthly"] - 1) * 100))
PY
)
  cpu=$(awk '{print $3 + $4}' "$out/plan-times-$n" | median)
  printf '%8d %8.2f %8.2f %10.1f %-34s %10.2f %10s\n' "$n" "$wall" "$cpu" "$(echo "$kib / 1024" | bc -l)" "$rec" "$nodes" "$gap"
done

echo
echo "packer alone, one core:"
GOMAXPROCS=1 go test -run '^$' -bench 'BenchmarkSolve' -benchtime 5x ./internal/plan/pack/ | grep -E '^Benchmark'
echo "load: $(uptime)"
