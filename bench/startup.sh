#!/usr/bin/env bash
# Start-up cost of refit (issue 16): `refit version`, `refit --help` and
# `refit cost` on one small file (examples/eks-after/cluster.yaml), each
# RUNS times under GNU time (medians of wall time and peak RSS), and the
# package initialisers of `refit version` (GODEBUG=inittrace=1: how many ran,
# their total clock time and allocations, medians of RUNS; then the heaviest
# ones by allocated bytes); then the cost of parsing the embedded price
# catalog (BenchmarkLoadEmbedded), which `cost` pays and `version` does not.
#
#   ./bench/startup.sh                           # the release build of this tree
#   BEFORE=/tmp/refit-old ./bench/startup.sh     # and another binary, runs alternating
#   PARTS=1 ./bench/startup.sh                   # and what each dependency tree costs alone
#
# PARTS=1 builds empty programs that only import (blank imports) one tree of
# refit's dependencies each, release flags, and reports each one's peak RSS
# and initialisers: what start-up would save if that tree were not linked.
#
# Every binary should be a release build (scripts/build.sh): a cgo build keeps
# far more code and memory.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-9}
out=${OUT:-bench/out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
./scripts/build.sh "$out/refit" # the release build: static, -trimpath, -s -w
# Each binary is measured from a fresh copy: a file-backed page counts in
# RSS when the kernel maps it around a fault, and that depends on how the
# file sits in the page cache (the same bytes measured 36 and 40 MiB, built
# against copied), so both binaries are made the same way.
cp "$out/refit" "$out/startup-now"
bins=("$out/startup-now")
names=(now)
if [ -n "${BEFORE:-}" ]; then
  cp "$BEFORE" "$out/startup-before"
  bins=("$out/startup-before" "$out/startup-now")
  names=(before now)
fi
small=examples/eks-after/cluster.yaml
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# timed NAME CMD BINARY ARGS...: appends "wall_ms peak_KiB" to
# $out/startup-NAME-CMD: the wall time of one run to the microsecond (GNU
# time prints hundredths), the peak RSS from GNU time in a second run.
timed() {
  local n=$1 c=$2 t0 t1
  shift 2
  t0=$(date +%s%N)
  "$@" >/dev/null
  t1=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$out/startup.rss" "$@" >/dev/null
  echo "$(((t1 - t0) / 1000)) $(cat "$out/startup.rss")" >>"$out/startup-$n-$c"
}

echo "load: $(uptime)"
for i in "${!bins[@]}"; do
  for c in version help cost inittrace; do : >"$out/startup-${names[i]}-$c"; done
done
for r in $(seq "$RUNS"); do
  order=("${!bins[@]}")
  if ((r % 2 == 0)); then order=($(printf '%s\n' "${order[@]}" | tac)); fi
  for i in "${order[@]}"; do
    b=${bins[i]} n=${names[i]}
    timed "$n" version "$b" version
    timed "$n" help "$b" --help
    timed "$n" cost "$b" cost "$small"
    GODEBUG=inittrace=1 "$b" version 2>"$out/startup-$n-trace-$r" >/dev/null
    awk '$1 == "init" {n++; ms += $5; b += $8; a += $10} END {printf "%d %.2f %.2f %d\n", n, ms, b / 1048576, a}' \
      "$out/startup-$n-trace-$r" >>"$out/startup-$n-inittrace"
  done
done

printf '%-7s %-8s %8s %9s\n' binary command wall_ms peak_MiB
for i in "${!bins[@]}"; do
  n=${names[i]}
  for c in version help cost; do
    printf '%-7s %-8s %8.1f %9.1f\n' "$n" "$c" "$(echo "$(cut -d' ' -f1 "$out/startup-$n-$c" | median) / 1000" | bc -l)" \
      "$(echo "$(cut -d' ' -f2 "$out/startup-$n-$c" | median) / 1024" | bc -l)"
  done
done
echo
printf '%-7s %6s %9s %10s %8s   (inittrace of `version`, medians of %d)\n' binary inits clock_ms alloc_MiB allocs "$RUNS"
for i in "${!bins[@]}"; do
  n=${names[i]}
  f=$out/startup-$n-inittrace
  printf '%-7s %6s %9s %10s %8s\n' "$n" "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" \
    "$(cut -d' ' -f3 "$f" | median)" "$(cut -d' ' -f4 "$f" | median)"
done
echo
n=${names[-1]}
echo "heaviest initialisers ($n, by bytes allocated; clock: median of $RUNS):"
cat "$out"/startup-"$n"-trace-* | awk '$1 == "init" {print $2, $5, $8, $10}' | sort -k1,1 -k2,2n |
  awk '{k = $1; t[k] = t[k] " " $2; b[k] = $3; a[k] = $4; c[k]++}
       END {for (k in t) {split(substr(t[k], 2), v, " "); printf "%10d B %6d allocs %7.2f ms  %s\n", b[k], a[k], v[int((c[k] + 1) / 2)], k}}' |
  sort -rn | head -n "${TOP:-15}"

echo
echo "the embedded price catalog, parsed by every pricing command (Go benchmark, whole and per file):"
go test -run '^$' -bench BenchmarkLoadEmbedded -benchtime 10x ./internal/pricing | grep -E '^Benchmark'

if [ -n "${PARTS:-}" ]; then
  echo
  echo "dependency trees alone (an empty main with blank imports; peak RSS median of $RUNS):"
  parts=$out/startup-parts
  rm -rf "$parts"
  # part NAME PACKAGE...: a program in the module (so go.mod's versions apply).
  part() {
    local name=$1 d=internal/.startup-part-$1
    shift
    mkdir -p "$d"
    { echo "package main"; echo "import ("; for p in "$@"; do printf '\t_ "%s"\n' "$p"; done; echo ")"; echo "func main() {}"; } >"$d/main.go"
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$parts/$name" "./$d"
    rm -rf "$d"
    : >"$parts/$name.rss"
    for _ in $(seq "$RUNS"); do /usr/bin/time -f '%M' -a -o "$parts/$name.rss" "$parts/$name"; done
    GODEBUG=inittrace=1 "$parts/$name" 2>"$parts/$name.trace"
    printf '%-44s %8.1f MiB peak %5d inits %6.2f MiB allocated\n' "$name" \
      "$(echo "$(median <"$parts/$name.rss") / 1024" | bc -l)" \
      "$(grep -c '^init' "$parts/$name.trace")" "$(awk '$1 == "init" {b += $8} END {print b / 1048576}' "$parts/$name.trace")"
  }
  mkdir -p "$parts"
  trap 'rm -rf internal/.startup-part-*' EXIT
  part empty
  part client-go-clientset+discovery k8s.io/client-go/kubernetes k8s.io/client-go/discovery \
    k8s.io/client-go/dynamic k8s.io/client-go/tools/clientcmd
  part client-go-rest+dynamic+4-API-groups k8s.io/client-go/rest k8s.io/client-go/dynamic \
    k8s.io/client-go/tools/clientcmd k8s.io/api/core/v1 k8s.io/api/apps/v1 k8s.io/api/networking/v1 k8s.io/api/storage/v1
  part aws-sdk-go-v2-services github.com/aws/aws-sdk-go-v2/config github.com/aws/aws-sdk-go-v2/service/ec2 \
    github.com/aws/aws-sdk-go-v2/service/eks github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk \
    github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2 \
    github.com/aws/aws-sdk-go-v2/service/rds github.com/aws/aws-sdk-go-v2/service/sts \
    github.com/aws/aws-sdk-go-v2/service/athena github.com/aws/aws-sdk-go-v2/service/s3
  part kustomize-krusty sigs.k8s.io/kustomize/api/krusty
  part parquet-go github.com/parquet-go/parquet-go
  part modernc-sqlite modernc.org/sqlite
  part prometheus-client_golang github.com/prometheus/client_golang/prometheus \
    github.com/prometheus/client_golang/prometheus/collectors github.com/prometheus/client_golang/prometheus/promhttp
  # Every package outside the standard library that refit's own packages
  # import: the floor of refit's start-up with today's dependencies (their
  # initialisers all run; the linker drops the code nothing calls).
  # shellcheck disable=SC2046
  part all-third-party-imports $(go list -deps -f '{{if .Module}}{{if eq .Module.Path "github.com/refit-dev/refit"}}{{join .Imports "\n"}}{{end}}{{end}}' ./cmd/refit |
    grep -v refit-dev | awk -F/ '$1 ~ /\./' | sort -u)
fi

# Where a start's memory is: the binary's pages mapped from the file
# (RssFile: code and read-only data touched, with the pages the kernel maps
# around each fault) against memory refit allocated (RssAnon). `cost -`
# waits for stdin after its start (and after parsing the price catalog).
echo
echo "resident memory of \`cost -\` waiting for stdin (kB):"
for i in "${!bins[@]}"; do
  fifo=$out/startup.fifo
  rm -f "$fifo" && mkfifo "$fifo"
  "${bins[i]}" cost - <"$fifo" >/dev/null 2>&1 &
  pid=$!
  exec 3>"$fifo"
  sleep 0.5
  echo "${names[i]}: $(grep -E '^(VmHWM|RssAnon|RssFile)' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' ')"
  exec 3>&-
  wait "$pid" || true
  rm -f "$fifo"
done
echo "load: $(uptime)"
