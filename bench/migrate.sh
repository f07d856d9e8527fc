#!/usr/bin/env bash
# Times `refit migrate check DIR --to 1.33 -o json` beside Pluto's
# `pluto detect-files -d DIR --target-versions k8s=v1.33.0 -o json` on a
# generated 1.11-era estate of MANIFESTS files (20,000 by default, about
# 50 MB: `go run ./bench/gen -legacy`), RUNS runs each under GNU time
# (/usr/bin/time -v: wall time and peak RSS, medians reported), then
# compares the deprecated or removed objects both tools find (file, kind,
# name), restricted to the apiVersion/kind pairs both tools flag at least
# once, where their tables agree.
#
# Pluto is installed from the Go module proxy into $OUT/bin (latest, else a
# pinned version). When it cannot be installed, or refit has no `migrate
# check` yet, that half is skipped and said so.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
N=${MANIFESTS:-20000}
out=${OUT:-bench/out}
out=$(mkdir -p "$out" && cd "$out" && pwd)
dir="$out/legacy-$N"
PLUTO_PINNED=${PLUTO_PINNED:-v5.21.0}

CGO_ENABLED=0 go build -o "$out/refit" ./cmd/refit
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir"
  go run ./bench/gen -legacy "$N" -out "$dir"
  touch "$dir/.complete"
fi
echo "input: $N manifest files, $(du -sh --apparent-size "$dir" | cut -f1), $(grep -rh '^kind:' "$dir" | wc -l) objects"

# Pluto, from the Go module proxy.
pluto=""
mkdir -p "$out/bin"
for v in latest "$PLUTO_PINNED"; do
  if [ -x "$out/bin/pluto" ] || GOBIN="$out/bin" GOFLAGS=-mod=mod go install "github.com/fairwindsops/pluto/v5@$v" 2>"$out/pluto-install.log"; then
    pluto="$out/bin/pluto"
    break
  fi
  echo "pluto@$v: $(tail -n 2 "$out/pluto-install.log" | tr '\n' ' ')" >&2
done
if [ -n "$pluto" ] && ! "$pluto" version >/dev/null 2>&1; then
  echo "pluto was installed but does not run; skipping it" >&2
  pluto=""
fi

refit_ok=1
if ! "$out/refit" migrate check --help >/dev/null 2>&1; then
  echo "refit has no 'migrate check' command yet; skipping it" >&2
  refit_ok=0
fi

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "nan"}'; }

# measure NAME OUTFILE CMD...: RUNS timed runs (after one warm-up run that
# fills the page cache), the last run's stdout kept in OUTFILE. Both tools
# exit non-zero when they find removed APIs, so exit codes are not checked.
measure() {
  local name=$1 result=$2
  shift 2
  "$@" >"$result" 2>"$out/$name.stderr" || true
  : >"$out/$name.times"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v -o "$out/$name.time" "$@" >"$result" 2>>"$out/$name.stderr" || true
    awk -F': ' '
      /Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s}
      /Maximum resident set size/ {rss = $2}
      END {print wall, rss}' "$out/$name.time" >>"$out/$name.times"
  done
  local wall kib
  wall=$(cut -d' ' -f1 "$out/$name.times" | median)
  kib=$(cut -d' ' -f2 "$out/$name.times" | median)
  printf '%-8s %8.2f s %10.1f MiB   (median of %d runs; runs: %s)\n' "$name" "$wall" "$(echo "$kib / 1024" | bc -l)" "$RUNS" \
    "$(cut -d' ' -f1 "$out/$name.times" | paste -sd' ')"
}

echo "tool      wall         peak RSS"
if [ "$refit_ok" = 1 ]; then
  measure refit "$out/refit-migrate.json" "$out/refit" migrate check "$dir" --to 1.33 -o json
fi
if [ -n "$pluto" ]; then
  measure pluto "$out/pluto-migrate.json" "$pluto" detect-files -d "$dir" --target-versions k8s=v1.33.0 -o json
fi

if [ "$refit_ok" = 1 ] && [ -n "$pluto" ]; then
  python3 - "$dir" "$out/refit-migrate.json" "$out/pluto-migrate.json" <<'PY'
import json, os, sys

root, refit_path, pluto_path = sys.argv[1:4]

def rel(p):
    p = os.path.normpath(p)
    return os.path.relpath(p, root) if os.path.isabs(p) or p.startswith(root) else p

def load(path):
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else {}

# refit: kubeapi.Finding records, as a list or under "findings"; only the
# object's own apiVersion (no Field), deprecated or removed.
r = load(refit_path)
findings = r if isinstance(r, list) else r.get("findings") or []
refit = {}
for f in findings:
    if f.get("rule") not in ("removed-api", "deprecated-api") or f.get("field"):
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
print(f"deprecated/removed objects: refit {len(refit)}, pluto {len(pluto)}")
print(f"apiVersion/kind pairs both flag: {len(common)}; only refit: {only_tables_r}; only pluto: {only_tables_p}")
print(f"on the common pairs: both {len(R & P)}, only refit {len(R - P)}, only pluto {len(P - R)}")
for name, diff in (("only refit", sorted(R - P)), ("only pluto", sorted(P - R))):
    for k in diff[:5]:
        print(f"  {name}: {k}")
sys.exit(0 if R == P else 1)
PY
fi
