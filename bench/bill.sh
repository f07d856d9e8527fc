#!/usr/bin/env bash
# Reproduces the `refit bill daily` figures in docs/benchmarks.md: refit and
# DuckDB side by side on the same aggregation (unblended cost per day and
# service) over a generated 5-million-row legacy CUR CSV.gz and a
# 5-million-row FOCUS 1.0 Parquet file; then refit's memory at 1M vs 5M rows
# and its speed-up from 4 files instead of 1.
#
#   ./bench/bill.sh                 # RUNS=3 ROWS=5000000 SMALL=1000000 PARTS=4
#   SECTIONS=files ./bench/bill.sh  # only some of: versus flat files
#
# Each pair is run alternately, RUNS times, under GNU time -v; the tables show
# medians of wall time, CPU time (user+sys) and peak RSS. Both tools' grand
# totals, and every day×service sum, are checked against each other and the
# grand total against the generator's. Inputs are cached under bench/out/bill
# and remade when the generator changes. Needs Go, gcc (DuckDB's cgo
# bindings), python3 (exact decimal comparison) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
ROWS=${ROWS:-5000000}
SMALL=${SMALL:-1000000}
PARTS=${PARTS:-4}
SECTIONS=" ${SECTIONS:-versus flat files} "
# out is made absolute: the DuckDB baseline is built from its own module
# directory, and OUT may be given relative or absolute.
out=${OUT:-bench/out}/bill
mkdir -p "$out/times"
out=$(cd "$out" && pwd)

echo "load: $(uptime)"
echo "== build"
./scripts/build.sh "$out/refit" # the release build: static, -trimpath, -s -w
CGO_ENABLED=0 go build -trimpath -o "$out/gen" ./bench/gen
(cd bench/duckdb && go build -o "$out/billduck" .)

# stamp names the generator's source: inputs made by another one are remade.
stamp=$(cat internal/billing/gen/scale.go bench/gen/main.go | sha256sum | cut -c1-16)

# gen KIND ROWS FILE [SPLIT]: make FILE (or its SPLIT parts) unless cached;
# FILE.total keeps the generator's "rows N / total X" and the stamp.
gen() {
  local kind=$1 rows=$2 file=$3 split=${4:-1}
  if [[ -s $file.total ]] && grep -qx "stamp $stamp" "$file.total"; then
    return
  fi
  echo "generating $file ($rows rows, $split file(s))"
  "$out/gen" "-$kind" "$rows" -split "$split" -out "$file" >"$file.total.tmp"
  echo "stamp $stamp" >>"$file.total.tmp"
  mv "$file.total.tmp" "$file.total"
}
gen_total() { awk '$1 == "total" {print $2}' "$1.total"; }

cur=$out/cur-$ROWS.csv.gz
focus=$out/focus-$ROWS.parquet
cur_small=$out/cur-$SMALL.csv.gz
focus_small=$out/focus-$SMALL.parquet
cur_split=$out/cur-$ROWS-split.csv.gz # parts: cur-$ROWS-split-KofN.csv.gz
focus_split=$out/focus-$ROWS-split.parquet
echo "== inputs"
gen cur-rows "$ROWS" "$cur"
gen focus-parquet-rows "$ROWS" "$focus"
gen cur-rows "$SMALL" "$cur_small"
gen focus-parquet-rows "$SMALL" "$focus_small"
gen cur-rows "$ROWS" "$cur_split" "$PARTS"
gen focus-parquet-rows "$ROWS" "$focus_split" "$PARTS"
parts() { # the split files of $1
  local stem=${1%-split.*} ext=${1#"${1%-split.*}"-split}
  for k in $(seq "$PARTS"); do echo "$stem-split-${k}of$PARTS$ext"; done
}
ls -l "$cur" "$focus" "$cur_small" "$focus_small" $(parts "$cur_split") $(parts "$focus_split")

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure LABEL CMD...: run CMD under GNU time -v, keep its stdout in
# $out/times/LABEL.out and append "wall cpu peak_kib" to $out/times/LABEL.
measure() {
  local label=$1
  shift
  local tv=$out/times/$label.time
  if ! /usr/bin/time -v -o "$tv" "$@" >"$out/times/$label.out" 2>"$out/times/$label.err"; then
    echo "failed: $*" >&2
    cat "$out/times/$label.err" >&2
    exit 1
  fi
  awk -F': ' '
    /Elapsed \(wall clock\)/ {n = split($NF, a, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + a[i]}
    /User time \(seconds\)/ {u = $NF}
    /System time \(seconds\)/ {s = $NF}
    /Maximum resident set size/ {m = $NF}
    END {printf "%.2f %.2f %d\n", w, u + s, m}' "$tv" >>"$out/times/$label"
}

# stats LABEL: "wall cpu peak_MiB" medians.
stats() {
  local f=$out/times/$1
  printf '%s %s %s\n' "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" \
    "$(cut -d' ' -f3 "$f" | median | awk '{printf "%.1f", $1 / 1024}')"
}

refit_cmd() { "$out/refit" bill daily "$@" --by service -o json; }
duck_cmd() { "$out/billduck" "$@"; }

# check LABEL_REFIT LABEL_DUCK: refit's JSON and DuckDB's rows agree
# on every day×service sum and on the grand total, which must also be the
# generator's (in $CHECK_TOTAL).
check() {
  local want
  want=$(cat "$CHECK_TOTAL")
  python3 - "$out/times/$1.out" "$out/times/$2.out" "$want" <<'EOF'
import json, sys
from decimal import Decimal
refit = json.load(open(sys.argv[1]), parse_float=Decimal, parse_int=Decimal)
groups, total = {}, None
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    if len(f) == 4:
        groups[(f[0], f[1])] = Decimal(f[2])
    elif f[0].startswith("total "):
        total = Decimal(f[0].split()[1])
mine = {(d["date"], s): Decimal(v) for d in refit["days"] for s, v in d["by"].items()}
want = Decimal(sys.argv[3])
bad = [k for k in set(mine) | set(groups) if mine.get(k) != groups.get(k)]
ok = not bad and Decimal(refit["totalCost"]) == total == want
print(f"  totals: refit {refit['totalCost']}  duckdb {total}  generator {want}  "
      f"groups {len(mine)}/{len(groups)}  {'AGREE' if ok else 'DIFFER'}")
for k in sorted(bad)[:5]:
    print("  differs:", k, mine.get(k), groups.get(k))
sys.exit(0 if ok else 1)
EOF
}

# versus NAME FILE...: refit and DuckDB alternately, RUNS times each.
versus() {
  local name=$1
  shift
  rm -f "$out/times/refit-$name" "$out/times/duck-$name"
  refit_cmd "$@" >/dev/null # warm the page cache
  for r in $(seq "$RUNS"); do
    if ((r % 2)); then
      measure "refit-$name" "$out/refit" bill daily "$@" --by service -o json
      measure "duck-$name" "$out/billduck" "$@"
    else
      measure "duck-$name" "$out/billduck" "$@"
      measure "refit-$name" "$out/refit" bill daily "$@" --by service -o json
    fi
  done
  check "refit-$name" "duck-$name"
  read -r rw rc rm <<<"$(stats "refit-$name")"
  read -r dw dc dm <<<"$(stats "duck-$name")"
  printf '%-22s %-7s %8s %8s %9s\n' "$name" refit "$rw" "$rc" "$rm" "" duckdb "$dw" "$dc" "$dm"
  printf '%-22s %-7s %8.2f %8.2f %9.2f\n' "" ratio "$(echo "$rw / $dw" | bc -l)" "$(echo "$rc / $dc" | bc -l)" "$(echo "$rm / $dm" | bc -l)"
}

hdr() { printf '%-22s %-7s %8s %8s %9s\n' input tool wall_s cpu_s peak_MiB; }

CHECK_TOTAL=$(mktemp)
trap 'rm -f "$CHECK_TOTAL"' EXIT

if [[ $SECTIONS == *" versus "* ]]; then
echo "== refit vs DuckDB (medians of $RUNS, alternating; ratio = refit/DuckDB)"
hdr
gen_total "$cur" >"$CHECK_TOTAL"
versus "cur-$ROWS.csv.gz" "$cur"
gen_total "$focus" >"$CHECK_TOTAL"
versus "focus-$ROWS.parquet" "$focus"
fi

if [[ $SECTIONS == *" flat "* ]]; then

echo "== memory flatness: refit at $SMALL vs $ROWS rows (medians of $RUNS)"
printf '%-22s %8s %8s %9s\n' input wall_s cpu_s peak_MiB
for f in "$cur_small" "$cur" "$focus_small" "$focus"; do
  name=$(basename "$f")
  rm -f "$out/times/flat-$name"
  for _ in $(seq "$RUNS"); do measure "flat-$name" "$out/refit" bill daily "$f" --by service -o json; done
  read -r w c m <<<"$(stats "flat-$name")"
  printf '%-22s %8s %8s %9s\n' "$name" "$w" "$c" "$m"
done
fi

if [[ $SECTIONS == *" files "* ]]; then
echo "== several files: the $ROWS rows as $PARTS files vs 1 (medians of $RUNS; cores = cpu_s / wall_s)"
printf '%-26s %-16s %8s %8s %6s %9s\n' input tool wall_s cpu_s cores peak_MiB
row() {
  read -r w c m <<<"$(stats "$2")"
  printf '%-26s %-16s %8s %8s %6.2f %9s\n' "$1" "$3" "$w" "$c" "$(echo "$c / $w" | bc -l)" "$m"
}
for kind in cur focus; do
  if [[ $kind == cur ]]; then one=$cur split=$cur_split; else one=$focus split=$focus_split; fi
  mapfile -t files < <(parts "$split")
  gen_total "$split" >"$CHECK_TOTAL"
  label=$(basename "$split")
  rm -f "$out/times/par-$label"-*
  refit_cmd "${files[@]}" >/dev/null
  for r in $(seq "$RUNS"); do
    measure "par-$label-refit" "$out/refit" bill daily "${files[@]}" --by service -o json
    measure "par-$label-refit1" "$out/refit" bill daily "${files[@]}" --by service -o json --workers 1
    measure "par-$label-duck" "$out/billduck" "${files[@]}"
  done
  check "par-$label-refit" "par-$label-duck"
  if [[ -s $out/times/refit-$(basename "$one") ]]; then
    row "$(basename "$one")" "refit-$(basename "$one")" "refit, 1 file"
  fi
  row "$PARTS files" "par-$label-refit1" "refit --workers 1"
  row "$PARTS files" "par-$label-refit" "refit"
  row "$PARTS files" "par-$label-duck" "duckdb"
done
fi
echo "load: $(uptime)"
