#!/usr/bin/env bash
# Times `refit migrate check DIR --to 1.33 -o json` beside Pluto's
# `pluto detect-files -d DIR --target-versions k8s=v1.33.0 -o json` on a
# generated 1.11-era estate of MANIFESTS files (20,000 by default, about
# 50 MB: `bench/gen -legacy`), RUNS runs each, alternating, under GNU time
# (/usr/bin/time -v: wall time and peak RSS, medians reported), then
# compares the deprecated or removed objects both tools find (file, kind,
# name), restricted to the apiVersion/kind pairs both tools flag at least
# once, where their tables agree.
#
# Pluto is a prebuilt binary, for side-by-side runs only: PLUTO names it
# (default ../shared/tools/pluto/pluto from the repository root, a build of
# Pluto 5.24; see its README). When it is absent, that half is skipped and
# said so. Pluto is never used by tests or CI.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
N=${MANIFESTS:-20000}
out=${OUT:-bench/out}
out=$(mkdir -p "$out" && cd "$out" && pwd)
dir="$out/legacy-$N"
PLUTO=${PLUTO:-../shared/tools/pluto/pluto}

./scripts/build.sh "$out/refit" # the release build: static, -trimpath, -s -w
CGO_ENABLED=0 go build -trimpath -o "$out/gen" ./bench/gen
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir"
  "$out/gen" -legacy "$N" -out "$dir"
  touch "$dir/.complete"
fi
echo "input: $N manifest files, $(du -sh --apparent-size "$dir" | cut -f1), $(grep -rh '^kind:' "$dir" | wc -l) objects"

pluto=""
if [ -x "$PLUTO" ]; then
  pluto=$(cd "$(dirname "$PLUTO")" && pwd)/$(basename "$PLUTO")
  if ! "$pluto" version >/dev/null 2>&1; then
    echo "pluto ($PLUTO) does not run; skipping it" >&2
    pluto=""
  fi
else
  echo "no Pluto at $PLUTO (set PLUTO=/path/to/pluto); skipping it" >&2
fi
[ -n "$pluto" ] && echo "pluto: $pluto ($("$pluto" version 2>&1 | head -n 1))"

refit_ok=1
if ! "$out/refit" migrate check --help >/dev/null 2>&1; then
  echo "refit has no 'migrate check' command yet; skipping it" >&2
  refit_ok=0
fi

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "nan"}'; }

# warm NAME OUTFILE CMD...: one untimed run that fills the page cache. Both
# tools exit non-zero when they find removed APIs, so exit codes are not
# checked.
warm() {
  : >"$out/$1.times"
  local name=$1 result=$2
  shift 2
  "$@" >"$result" 2>"$out/$name.stderr" || true
}

# run_once NAME OUTFILE CMD...: one run under GNU time; appends "wall kib cpu" to
# $out/NAME.times and keeps its stdout in OUTFILE.
run_once() {
  local name=$1 result=$2
  shift 2
  /usr/bin/time -v -o "$out/$name.time" "$@" >"$result" 2>>"$out/$name.stderr" || true
  awk -F': ' '
    /Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s}
    /Maximum resident set size/ {rss = $2}
    /User time \(seconds\)/ {u = $2}
    /System time \(seconds\)/ {sy = $2}
    END {print wall, rss, u + sy}' "$out/$name.time" >>"$out/$name.times"
}

report() {
  local name=$1 wall kib cpu
  wall=$(cut -d' ' -f1 "$out/$name.times" | median)
  kib=$(cut -d' ' -f2 "$out/$name.times" | median)
  cpu=$(cut -d' ' -f3 "$out/$name.times" | median)
  printf '%-8s %8.2f s %8.2f s %10.1f MiB   (median of %d runs; wall of each: %s)\n' "$name" "$wall" "$cpu" "$(echo "$kib / 1024" | bc -l)" "$RUNS" \
    "$(cut -d' ' -f1 "$out/$name.times" | paste -sd' ')"
}

refit_cmd=("$out/refit" migrate check "$dir" --to 1.33 -o json)
pluto_cmd=("$pluto" detect-files -d "$dir" --target-versions k8s=v1.33.0 -o json)
tools=()
if [ "$refit_ok" = 1 ]; then tools+=(refit); fi
if [ -n "$pluto" ]; then tools+=(pluto); fi
one() { # one TOOL: a timed run of TOOL
  if [ "$1" = refit ]; then
    run_once refit "$out/refit-migrate.json" "${refit_cmd[@]}"
  else
    run_once pluto "$out/pluto-migrate.json" "${pluto_cmd[@]}"
  fi
}
echo "load: $(uptime)"
echo "tool      wall       cpu (user+sys) peak RSS"
if [ "$refit_ok" = 1 ]; then warm refit "$out/refit-migrate.json" "${refit_cmd[@]}"; fi
if [ -n "$pluto" ]; then warm pluto "$out/pluto-migrate.json" "${pluto_cmd[@]}"; fi
for r in $(seq "$RUNS"); do # alternating order, so both see the same load
  if ((r % 2)); then
    for t in "${tools[@]}"; do one "$t"; done
  else
    for ((i = ${#tools[@]} - 1; i >= 0; i--)); do one "${tools[i]}"; done
  fi
done
for t in "${tools[@]}"; do report "$t"; done
if [ "$refit_ok" = 1 ] && [ -n "$pluto" ]; then
  rw=$(cut -d' ' -f1 "$out/refit.times" | median)
  pw=$(cut -d' ' -f1 "$out/pluto.times" | median)
  rk=$(cut -d' ' -f2 "$out/refit.times" | median)
  pk=$(cut -d' ' -f2 "$out/pluto.times" | median)
  rc=$(cut -d' ' -f3 "$out/refit.times" | median)
  pc=$(cut -d' ' -f3 "$out/pluto.times" | median)
  printf 'refit/pluto: wall %.2fx, cpu %.2fx, peak RSS %.2fx\n' "$(echo "$rw / $pw" | bc -l)" "$(echo "$rc / $pc" | bc -l)" "$(echo "$rk / $pk" | bc -l)"
fi
echo "load: $(uptime)"

if [ "$refit_ok" = 1 ] && [ -n "$pluto" ]; then
  python3 - "$dir" "$out/refit-migrate.json" "$out/pluto-migrate.json" <<'PY'
import json, os, sys

root, refit_path, pluto_path = sys.argv[1:4]

# Compare files by the path's tail below the input directory: Pluto 5.24
# writes filePath as its working directory joined to an absolute -d
# ("/cwd//abs/dir/f.yaml"), refit the path as given.
base = os.path.basename(os.path.normpath(root))

def rel(p):
    parts = os.path.normpath(p).split(os.sep)
    if base in parts:
        i = len(parts) - 1 - parts[::-1].index(base)
        return "/".join(parts[i + 1:])
    return os.path.normpath(p)

def load(path):
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else {}

# refit: kubeapi.Finding records, as a list or under "findings"; only the
# object's own apiVersion (no Field), deprecated or removed, counting
# "no-replacement" (an API removed with nothing to move to, such as
# PodSecurityPolicy), which Pluto reports as removed like any other.
r = load(refit_path)
findings = r if isinstance(r, list) else r.get("findings") or []
refit = {}
for f in findings:
    if f.get("rule") not in ("removed-api", "deprecated-api", "no-replacement") or f.get("field"):
        continue
    refit[(rel(f.get("file", "")), f.get("kind", ""), f.get("name", ""))] = f.get("foundAPIVersion") or f.get("apiVersion", "")

# Pluto: {"items": [{"name", "filePath", "api": {"version", "kind"}, "deprecated", "removed"}]}
p = load(pluto_path)
pluto = {}
for it in p.get("items") or []:
    if not (it.get("deprecated") or it.get("removed")):
        continue
    api = it.get("api") or {}
    pluto[(rel(it.get("filePath", "")), api.get("kind", ""), it.get("name", ""))] = api.get("version", "")

# Compare where the tables agree: apiVersion/kind pairs both tools flag.
pairs_r = {(v, k[1]) for k, v in refit.items()}
pairs_p = {(v, k[1]) for k, v in pluto.items()}
common = pairs_r & pairs_p
only_tables_r, only_tables_p = sorted(pairs_r - pairs_p), sorted(pairs_p - pairs_r)
R = {k for k, v in refit.items() if (v, k[1]) in common}
P = {k for k, v in pluto.items() if (v, k[1]) in common}
objects = 0
for d, _, files in os.walk(root):
    for name in files:
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(d, name)) as f:
                objects += sum(1 for line in f if line.startswith("kind:"))
print(f"deprecated/removed objects: refit {len(refit)}, pluto {len(pluto)}, of {objects} objects "
      f"({100 * len(refit) / max(objects, 1):.1f} % by refit)")
print(f"apiVersion/kind pairs both flag: {len(common)}; only refit: {only_tables_r}; only pluto: {only_tables_p}")
print(f"on the common pairs: both {len(R & P)}, only refit {len(R - P)}, only pluto {len(P - R)}")
for name, diff in (("only refit", sorted(R - P)), ("only pluto", sorted(P - R))):
    for k in diff[:5]:
        print(f"  {name}: {k}")
sys.exit(0 if R == P else 1)
PY
fi
