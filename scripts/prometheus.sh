#!/usr/bin/env bash
# Prometheus and promtool for refit's tests that run a real Prometheus
# (internal/rightsize: generated usage series loaded as blocks by promtool,
# served on 127.0.0.1 by the test itself). The tests skip when either is
# missing; internal/watch checks its /metrics with promtool check metrics.
#
#   ./scripts/prometheus.sh install   apt-get install -y prometheus when promtool is missing (idempotent)
set -euo pipefail

case "${1:-}" in
install)
  if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
    echo "prometheus: $(prometheus --version 2>&1 | head -1)"
    exit 0
  fi
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus
  # The package starts a service on :9090 where systemd runs; the tests
  # start their own server and need none.
  prometheus --version 2>&1 | head -1
  ;;
*)
  echo "usage: $0 install" >&2
  exit 2
  ;;
esac
