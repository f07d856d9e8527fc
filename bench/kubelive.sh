#!/usr/bin/env bash
# Times refit's live-cluster path (internal/source/kubelive + internal/allocation)
# against a real API server: starts a fresh one (scripts/kube-apiserver.sh),
# creates NODES nodes and PODS running pods in parallel, then runs Load,
# Estate, the cost engine and Allocate by namespace RUNS times, reporting the
# median wall time and peak memory (GNU time). Targets: < 5 s, < 300 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-500}
PODS=${PODS:-15000}
RUNS=${RUNS:-3}
out=${OUT:-bench/out}
mkdir -p "$out"

./scripts/kube-apiserver.sh install
./scripts/kube-apiserver.sh stop >/dev/null
./scripts/kube-apiserver.sh start
trap "$PWD/scripts/kube-apiserver.sh stop >/dev/null" EXIT
kc=$(./scripts/kube-apiserver.sh kubeconfig)

CGO_ENABLED=0 go build -o "$out/kubelive-bench" ./bench/kubelive
"$out/kubelive-bench" seed -kubeconfig "$kc" -nodes "$NODES" -pods "$PODS"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >"$out/kubelive-times"
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f '%e %M' -a -o "$out/kubelive-times" "$out/kubelive-bench" run -kubeconfig "$kc" -by namespace
done
wall=$(cut -d' ' -f1 "$out/kubelive-times" | median)
kib=$(cut -d' ' -f2 "$out/kubelive-times" | median)
printf 'kubelive: %d nodes, %d pods: Load+Estimate+Allocate median %.2f s, peak %.0f MiB (%d runs)\n' \
  "$NODES" "$PODS" "$wall" "$(echo "$kib / 1024" | bc -l)" "$RUNS"
