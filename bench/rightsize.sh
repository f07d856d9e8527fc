#!/usr/bin/env bash
# Times `refit rightsize` against a local Prometheus (Debian's prometheus
# package; scripts/prometheus.sh installs it) holding WORKLOADS containers ×
# DAYS days of generated cAdvisor usage (sampled every INTERVAL), read at
# rightsize's 5-minute step: whole command, GNU time (wall, CPU, peak RSS).
#
#   bench/rightsize.sh                         # 2,000 workloads × 14 days
#   WORKLOADS=200 DAYS=14 bench/rightsize.sh   # a smaller try first
#   REUSE=1 bench/rightsize.sh                 # time again on the data of the last run
set -euo pipefail
cd "$(dirname "$0")/.."
WORKLOADS=${WORKLOADS:-2000}
DAYS=${DAYS:-14}
INTERVAL=${INTERVAL:-150s}
out=${OUT:-bench/out}/rightsize-$WORKLOADS-$DAYS
for bin in prometheus promtool; do
  command -v "$bin" >/dev/null || { echo "$bin not installed: scripts/prometheus.sh install" >&2; exit 2; }
done
if [ "${REUSE:-}" = 1 ] && [ -s "$out/end" ]; then
  ./scripts/build.sh "$out/refit" # the release build: static, -trimpath, -s -w
  end=$(cat "$out/end")
  echo "load: $(uptime)"
  echo "reusing $out/data: $(du -sh "$out/data" | cut -f1)"
else
  rm -rf "$out"
  mkdir -p "$out/om" "$out/data"
  ./scripts/build.sh "$out/refit"
  CGO_ENABLED=0 go build -trimpath -o "$out/promgen" ./bench/promgen
  echo "load: $(uptime)"
  t0=$(date +%s)
  end=$("$out/promgen" -workloads "$WORKLOADS" -days "$DAYS" -interval "$INTERVAL" -out "$out/om")
  t1=$(date +%s)
  echo "generated $(du -sh "$out/om" | cut -f1) of OpenMetrics in $((t1 - t0))s"
  for f in "$out"/om/*.om; do
    promtool tsdb create-blocks-from openmetrics -q "$f" "$out/data" >/dev/null
    rm "$f"
  done
  t2=$(date +%s)
  echo "promtool: $(ls "$out/data" | wc -l) blocks, $(du -sh "$out/data" | cut -f1), in $((t2 - t1))s"
  echo "$end" >"$out/end"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'global:\n  scrape_interval: 1m\n' >"$out/prometheus.yml"
prometheus --config.file="$out/prometheus.yml" --storage.tsdb.path="$out/data" \
  --storage.tsdb.retention.time=60d --web.listen-address="127.0.0.1:$port" --log.level=warn \
  >"$out/prometheus.log" 2>&1 &
prom=$!
trap 'kill $prom 2>/dev/null; wait $prom 2>/dev/null || true' EXIT
url=http://127.0.0.1:$port
for _ in $(seq 300); do
  curl -fsS "$url/-/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$url/-/ready" >/dev/null

endtime=$(date -u -d "@$end" +%Y-%m-%dT%H:%M:%SZ)
/usr/bin/time -v -o "$out/time.txt" "$out/refit" rightsize --prometheus "$url" --window "${DAYS}d" \
  --end "$endtime" -o json >"$out/rightsize.json" 2>"$out/rightsize.err"
wall=$(grep 'Elapsed (wall clock)' "$out/time.txt" | awk '{print $NF}')
user=$(grep 'User time' "$out/time.txt" | awk '{print $NF}')
sys=$(grep 'System time' "$out/time.txt" | awk '{print $NF}')
rss=$(grep 'Maximum resident set size' "$out/time.txt" | awk '{print $NF}')
prss=$(awk '/VmHWM/ {print $2}' "/proc/$prom/status")
read -r step sized total samples < <(python3 - "$out/rightsize.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
w = v["workloads"]
print(v["step"], sum(1 for x in w if "recommended" in x), len(w), sum(x["samples"] for x in w))
PY
)
echo "refit rightsize: $WORKLOADS workloads × $DAYS days (samples every $INTERVAL), step $step"
printf '  wall %s  cpu %.2fs (user %s, sys %s)  peak RSS %.1f MiB\n' "$wall" "$(echo "$user + $sys" | bc -l)" "$user" "$sys" "$(echo "$rss / 1024" | bc -l)"
echo "  $sized of $total containers sized; $samples CPU points read"
printf '  prometheus peak RSS %.1f MiB\n' "$(echo "$prss / 1024" | bc -l)"
echo "load: $(uptime)"
