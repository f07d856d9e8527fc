#!/usr/bin/env bash
# A local MinIO server for refit's S3 tests (internal/billing/objstore/s3_test.go).
#
#   ./scripts/minio.sh install   build the MinIO binary into .cache/bin (once; ~2.5 min)
#   ./scripts/minio.sh start     run it on 127.0.0.1:9123, wait until ready, write .cache/minio/env
#   ./scripts/minio.sh env       print the environment the tests read (source it: eval "$(./scripts/minio.sh env)")
#   ./scripts/minio.sh stop      stop it and remove its data
#
# MinIO is AGPL-3.0: refit only runs it as an external test server and never
# imports it. The credentials are fixed test values for a loopback-only server.
set -euo pipefail
cd "$(dirname "$0")/.."

ROOT=$PWD
BIN_DIR=$ROOT/.cache/bin
BIN=$BIN_DIR/minio
STATE=$ROOT/.cache/minio
ADDR=${MINIO_ADDR:-127.0.0.1:9123}
USER_=refit-test-user
PASS_=refit-test-password

if ! command -v go >/dev/null 2>&1; then
  export PATH="/usr/local/go/bin:$PATH"
fi

env_lines() {
  cat <<EOF
export REFIT_TEST_S3_ENDPOINT=http://$ADDR
export AWS_ACCESS_KEY_ID=$USER_
export AWS_SECRET_ACCESS_KEY=$PASS_
export AWS_REGION=us-east-1
EOF
}

case "${1:-}" in
install)
  if [ -x "$BIN" ]; then
    echo "minio: $BIN already built"
    exit 0
  fi
  mkdir -p "$BIN_DIR"
  echo "minio: building from the Go module proxy (about 2.5 minutes)"
  # Release tags of github.com/minio/minio are not valid module versions;
  # @latest resolves to the pseudo-version of the newest commit, which works.
  GOBIN=$BIN_DIR CGO_ENABLED=0 GOFLAGS=-mod=mod go install github.com/minio/minio@latest
  echo "minio: built $BIN"
  ;;
start)
  if [ ! -x "$BIN" ]; then
    echo "minio: not built; run ./scripts/minio.sh install" >&2
    exit 1
  fi
  if [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
    echo "minio: already running (pid $(cat "$STATE/pid"))"
    env_lines >"$STATE/env"
    exit 0
  fi
  mkdir -p "$STATE"
  data=$(mktemp -d "${TMPDIR:-/tmp}/refit-minio.XXXXXX")
  echo "$data" >"$STATE/data"
  MINIO_ROOT_USER=$USER_ MINIO_ROOT_PASSWORD=$PASS_ MINIO_BROWSER=off \
    MINIO_UPDATE=off MINIO_CI_CD=1 \
    nohup "$BIN" server --quiet --address "$ADDR" "$data" >"$STATE/log" 2>&1 &
  echo $! >"$STATE/pid"
  for _ in $(seq 1 100); do
    if curl -fsS "http://$ADDR/minio/health/live" >/dev/null 2>&1; then
      env_lines >"$STATE/env"
      echo "minio: ready on http://$ADDR (pid $(cat "$STATE/pid")); env in $STATE/env"
      exit 0
    fi
    if ! kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
      echo "minio: exited during start:" >&2
      cat "$STATE/log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "minio: not ready after 20s:" >&2
  cat "$STATE/log" >&2
  exit 1
  ;;
stop)
  if [ -f "$STATE/pid" ]; then
    pid=$(cat "$STATE/pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" || true
    fi
    rm -f "$STATE/pid" "$STATE/env"
  fi
  if [ -f "$STATE/data" ]; then
    rm -rf "$(cat "$STATE/data")"
    rm -f "$STATE/data"
  fi
  echo "minio: stopped"
  ;;
env)
  env_lines
  ;;
*)
  echo "usage: $0 {install|start|stop|env}" >&2
  exit 2
  ;;
esac
