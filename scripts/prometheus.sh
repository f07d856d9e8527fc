#!/usr/bin/env bash
# promtool, for internal/watch's test of /metrics (promtool check metrics).
#
#   ./scripts/prometheus.sh install   apt-get install Debian's prometheus package
#                                     (it has promtool) unless promtool is on PATH
#
# The tests skip the check when promtool is absent.
set -euo pipefail

case "${1:-}" in
install)
  if command -v promtool >/dev/null 2>&1; then
    promtool --version 2>&1 | head -1
    exit 0
  fi
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  promtool --version 2>&1 | head -1
  ;;
*)
  echo "usage: $0 install" >&2
  exit 2
  ;;
esac
