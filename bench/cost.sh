#!/usr/bin/env bash
# Reproduces the `refit cost` figures in docs/benchmarks.md: prices generated
# estates of 2,000 to 20,000 Kubernetes objects (plus node groups, one per 20
# objects: 1,000 at 20,000) and reports wall time, objects per second and
# peak memory (median of RUNS runs, GNU time; CPU = user + sys); then the two ends side by
# side (20,000 and 2,000 objects, RUNS alternating runs each: wall and CPU
# ratios), `refit version` in the same session (the fixed start-up), and the
# Go benchmark BenchmarkCost. The load average is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
out=${OUT:-bench/out}
mkdir -p "$out"
./scripts/build.sh "$out/refit" # the release build: static, -trimpath, -s -w
CGO_ENABLED=0 go build -trimpath -o "$out/gen" ./bench/gen

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "load: $(uptime)"

printf '%8s %11s %8s %8s %12s %10s\n' objects nodegroups wall_s cpu_s objects/s peak_MiB
for n in 2000 5000 10000 20000; do
  dir="$out/estate-$n"
  rm -rf "$dir"
  "$out/gen" -objects "$n" -nodegroups $((n / 20)) -out "$dir"
  "$out/refit" cost "$dir" -o json >/dev/null # warm the page cache
  : >"$out/times-$n"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M %U %S' -a -o "$out/times-$n" "$out/refit" cost "$dir" -o json >/dev/null
  done
  wall=$(cut -d' ' -f1 "$out/times-$n" | median)
  kib=$(cut -d' ' -f2 "$out/times-$n" | median)
  cpu=$(awk '{print $3 + $4}' "$out/times-$n" | median)
  printf '%8d %11d %8.3f %8.3f %12.0f %10.1f\n' "$n" $((n / 20)) "$wall" "$cpu" "$(echo "$n / $wall" | bc -l)" "$(echo "$kib / 1024" | bc -l)"
done

echo
echo "side by side: A = 20,000 objects, B = 2,000 objects, C = refit version ($RUNS alternating runs each; medians)"
: >"$out/ab-A"
: >"$out/ab-B"
: >"$out/ab-C"
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f '%e %U %S %M' -a -o "$out/ab-A" "$out/refit" cost "$out/estate-20000" -o json >/dev/null
  /usr/bin/time -f '%e %U %S %M' -a -o "$out/ab-B" "$out/refit" cost "$out/estate-2000" -o json >/dev/null
  /usr/bin/time -f '%e %U %S %M' -a -o "$out/ab-C" "$out/refit" version >/dev/null
done
for x in A B C; do
  awk '{print $1, $2 + $3, $4}' "$out/ab-$x" >"$out/ab-$x.s"
  printf '%s: wall %.3f s  cpu %.3f s  peak %.1f MiB\n' "$x" "$(cut -d' ' -f1 "$out/ab-$x.s" | median)" \
    "$(cut -d' ' -f2 "$out/ab-$x.s" | median)" "$(echo "$(cut -d' ' -f3 "$out/ab-$x.s" | median) / 1024" | bc -l)"
done
aw=$(cut -d' ' -f1 "$out/ab-A.s" | median)
bw=$(cut -d' ' -f1 "$out/ab-B.s" | median)
ac=$(cut -d' ' -f2 "$out/ab-A.s" | median)
bc_=$(cut -d' ' -f2 "$out/ab-B.s" | median)
printf 'A/B: wall %.1fx, cpu %.1fx for 10x the input\n' "$(echo "$aw / $bw" | bc -l)" "$(echo "$ac / $bc_" | bc -l)"

echo
echo "Go benchmark (whole pipeline in one process, no start-up):"
go test -run '^$' -bench BenchmarkCost -benchmem ./internal/benchdata | grep -E '^Benchmark'
echo "load: $(uptime)"
