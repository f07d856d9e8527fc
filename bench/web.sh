#!/usr/bin/env bash
# Reproduces the `refit serve` figures in docs/benchmarks.md: every page of
# the dashboard rendered with a year of daily spend (365 days × 12
# components, a 10-day forecast) and a live cluster of 1,000 namespaces
# (3,000 pods on 200 nodes), beside the bundled example's plan, findings and
# waste; then the one-file HTML report of all of it. Go benchmarks
# (BenchmarkPages, BenchmarkReport in internal/web): ns per render, the
# page's size (B/page, B/report) and what one render allocates.
#
#   ./bench/web.sh                  # BENCHTIME=1s by default
set -euo pipefail
cd "$(dirname "$0")/.."
echo "load: $(uptime)"
go test ./internal/web -run '^$' -bench 'BenchmarkPages|BenchmarkReport' -benchmem -benchtime "${BENCHTIME:-1s}" |
  grep -E '^(Benchmark|ok|FAIL)'
echo "load: $(uptime)"
