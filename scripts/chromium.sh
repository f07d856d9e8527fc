#!/usr/bin/env bash
# Chromium (Debian's package) for internal/web's browser test: chromedp drives
# it headless to load each dashboard page and the --html report. The test
# skips when /usr/bin/chromium is missing.
#
#   ./scripts/chromium.sh install   apt-get install -y chromium when /usr/bin/chromium is missing (idempotent)
set -euo pipefail

case "${1:-}" in
install)
  if [ -x /usr/bin/chromium ]; then
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
    exit 0
  fi
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium
  /usr/bin/chromium --version 2>/dev/null | head -1
  ;;
*)
  echo "usage: $0 install" >&2
  exit 2
  ;;
esac
