#!/usr/bin/env bash
# The steps of refit's GitHub Action (action.yml), kept here so that they
# can be run and tested outside GitHub (action/action_test.go runs them
# against a local GitHub API).
#
#   run.sh install        install refit (release download, else go build)
#   run.sh cost-diff      refit cost diff BASE HEAD, comment on the PR
#   run.sh migrate-check  refit migrate check PATHS --to X -o sarif (+ comment)
#   run.sh gate           exit with the code refit gave (after the upload)
#
# Inputs come as environment variables (see action.yml). Outputs go to
# $GITHUB_OUTPUT, the report to $GITHUB_STEP_SUMMARY. The token is only
# ever in the environment.
set -euo pipefail

tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
out_file=${GITHUB_OUTPUT:-/dev/null}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}

log() { echo "refit-action: $*" >&2; }
output() { echo "$1=$2" >>"$out_file"; }

install_refit() {
  local version=${REFIT_VERSION:?REFIT_VERSION is not set}
  local base=${REFIT_DOWNLOAD_BASE:-https://github.com/refit-dev/refit/releases/download}
  local bin_dir="$tmp/refit-bin"
  mkdir -p "$bin_dir"
  local os arch
  os=$(uname -s | tr '[:upper:]' '[:lower:]')
  case "$(uname -m)" in
    x86_64|amd64) arch=amd64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
  esac
  local asset="refit_${version#v}_${os}_${arch}.tar.gz"
  local dl="$tmp/refit-download"
  rm -rf "$dl" && mkdir -p "$dl"
  if curl -fsSL --retry 2 --connect-timeout 10 --max-time 120 -o "$dl/$asset" "$base/$version/$asset" 2>/dev/null &&
     curl -fsSL --retry 2 --connect-timeout 10 --max-time 60 -o "$dl/checksums.txt" "$base/$version/checksums.txt" 2>/dev/null; then
    # A release that does not match its checksum is an error, not a
    # reason to build instead.
    local want got
    want=$(awk -v f="$asset" '$2 == f || $2 == "*"f {print $1}' "$dl/checksums.txt")
    got=$(sha256sum "$dl/$asset" | awk '{print $1}')
    if [ -z "$want" ] || [ "$want" != "$got" ]; then
      log "checksum of $asset does not match checksums.txt (want ${want:-none}, got $got)"
      exit 2
    fi
    tar -xzf "$dl/$asset" -C "$dl"
    install -m 0755 "$dl/refit" "$bin_dir/refit"
    log "installed refit $version from the release"
  else
    local src=${ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
    if ! command -v go >/dev/null 2>&1; then
      log "no release $version reachable at $base and no Go toolchain to build it"
      exit 2
    fi
    log "no release $version reachable; building it from $src with $(go version)"
    (cd "$src" && CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/refit-dev/refit/internal/cli.version=$version" \
      -o "$bin_dir/refit" ./cmd/refit)
  fi
  echo "$bin_dir" >>"${GITHUB_PATH:-/dev/null}"
  "$bin_dir/refit" version >&2
  output bin "$bin_dir/refit"
}

# comment posts a JSON report on the pull request, when there is one.
comment() {
  local report=$1 tag=$2
  if [ "${INPUT_COMMENT:-true}" != "true" ]; then
    return 0
  fi
  if [ -z "${PULL_REQUEST:-}" ]; then
    log "not a pull request: no comment"
    return 0
  fi
  refit comment github --repo "${GITHUB_REPOSITORY:?}" --pull-request "$PULL_REQUEST" \
    --path "$report" --tag "$tag" --behavior "${INPUT_BEHAVIOR:-update}"
}

# summary writes the report as Markdown to the job summary.
write_summary() {
  local report=$1
  refit comment github --repo "${GITHUB_REPOSITORY:-local/run}" --pull-request "${PULL_REQUEST:-1}" \
    --path "$report" --tag "${INPUT_TAG:-default}" --dry-run >>"$summary" || true
}

cost_diff() {
  local report="$tmp/refit-cost-diff.json"
  local args=(cost diff "${INPUT_BASE:?input base is not set}" "${INPUT_HEAD:?input head is not set}" -o json)
  if [ -n "${INPUT_FAIL_ON_INCREASE:-}" ]; then
    args+=(--fail-on-increase "$INPUT_FAIL_ON_INCREASE")
  fi
  local code=0
  refit "${args[@]}" >"$report" || code=$?
  if [ "$code" -gt 1 ]; then
    exit "$code"
  fi
  output report "$report"
  output exit-code "$code"
  comment "$report" "${INPUT_TAG:-default}"
  write_summary "$report"
}

migrate_check() {
  local sarif="$tmp/refit-migrate.sarif" report="$tmp/refit-migrate.json"
  local paths
  read -r -a paths <<<"${INPUT_PATHS:-.}"
  local args=(migrate check "${paths[@]}" --to "${INPUT_TO:?input to is not set}" --fail-on "${INPUT_FAIL_ON:-removed}")
  local code=0
  refit "${args[@]}" -o sarif >"$sarif" || code=$?
  if [ "$code" -gt 1 ]; then
    exit "$code"
  fi
  output sarif "$sarif"
  output exit-code "$code"
  refit "${args[@]}" --fail-on none -o json >"$report"
  output report "$report"
  comment "$report" "${INPUT_TAG:-default}-migrate"
  write_summary "$report"
}

gate() {
  local code=${CODE:-0}
  if [ "$code" != "0" ]; then
    log "refit exited $code: a threshold you set was crossed (see the report)"
    exit "$code"
  fi
}

case "${1:-}" in
  install) install_refit ;;
  cost-diff) cost_diff ;;
  migrate-check) migrate_check ;;
  gate) gate ;;
  *) echo "usage: $0 install|cost-diff|migrate-check|gate" >&2; exit 2 ;;
esac
