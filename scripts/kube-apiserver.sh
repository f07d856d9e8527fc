#!/usr/bin/env bash
# A real Kubernetes API server backed by etcd, on loopback, for refit's
# live-cluster tests (internal/source/kubelive, internal/allocation) and the
# bench (bench/kubelive.sh). No scheduler, controller-manager or kubelet:
# tests write nodes and pod status themselves.
#
#   ./scripts/kube-apiserver.sh install     etcd (apt, else built from the Go module proxy) and
#                                          kube-apiserver (built from tools/kube-apiserver) into .cache/bin
#   ./scripts/kube-apiserver.sh start       run both on 127.0.0.1, wait for /readyz, write .cache/kube/kubeconfig
#   ./scripts/kube-apiserver.sh env         print the environment the tests read (eval it)
#   ./scripts/kube-apiserver.sh kubeconfig  print the kubeconfig's path
#   ./scripts/kube-apiserver.sh stop        stop both and remove their data
#
# The token and certificates are throwaway test values for a loopback-only
# server, made anew by each start.
set -euo pipefail
cd "$(dirname "$0")/.."

ROOT=$PWD
BIN_DIR=$ROOT/.cache/bin
STATE=$ROOT/.cache/kube
KUBE_VERSION=v1.34.1 # tools/kube-apiserver/go.mod requires k8s.io/kubernetes at this version
ETCD_MODULE_VERSION=v3.5.21
ETCD_PORT=${REFIT_ETCD_PORT:-23790}
ETCD_PEER_PORT=$((ETCD_PORT + 10))
API_PORT=${REFIT_KUBE_PORT:-16443}
TOKEN=refit-test-token

if ! command -v go >/dev/null 2>&1; then
  export PATH="/usr/local/go/bin:$PATH"
fi

etcd_bin() {
  if [ -x "$BIN_DIR/etcd" ]; then echo "$BIN_DIR/etcd"; return; fi
  command -v etcd || true
}

env_lines() {
  echo "export REFIT_TEST_KUBECONFIG=$STATE/kubeconfig"
}

install() {
  mkdir -p "$BIN_DIR"
  if [ -z "$(etcd_bin)" ]; then
    echo "kube-apiserver: installing etcd"
    if ! { command -v apt-get >/dev/null && { apt-get install -y -q etcd-server >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q etcd-server >/dev/null 2>&1; }; }; }; then
      echo "kube-apiserver: apt-get failed; building etcd $ETCD_MODULE_VERSION from the Go module proxy"
      GOBIN=$BIN_DIR CGO_ENABLED=0 GOFLAGS=-mod=mod go install "go.etcd.io/etcd/server/v3@$ETCD_MODULE_VERSION"
      mv "$BIN_DIR/v3" "$BIN_DIR/etcd" 2>/dev/null || mv "$BIN_DIR/server" "$BIN_DIR/etcd"
    fi
    # Debian's etcd-server package enables a system service; the tests run their own.
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now etcd >/dev/null 2>&1 || true; fi
  fi
  echo "kube-apiserver: etcd $("$(etcd_bin)" --version | head -1)"
  if [ -x "$BIN_DIR/kube-apiserver" ]; then
    echo "kube-apiserver: $BIN_DIR/kube-apiserver already built"
    return
  fi
  echo "kube-apiserver: building $KUBE_VERSION from the Go module proxy (about 4-10 minutes cold)"
  local minor=${KUBE_VERSION#v1.}
  minor=${minor%%.*}
  (cd tools/kube-apiserver && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o "$BIN_DIR/kube-apiserver" -ldflags "-s -w \
    -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION \
    -X k8s.io/component-base/version.gitMajor=1 \
    -X k8s.io/component-base/version.gitMinor=$minor \
    -X k8s.io/component-base/version.gitTreeState=clean" .)
  echo "kube-apiserver: built $BIN_DIR/kube-apiserver"
}

running() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

certs() {
  local d=$STATE/pki
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.crt" -days 3650 \
    -subj "/CN=refit-test-ca" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -keyout "$d/server.key" -out "$d/server.csr" \
    -subj "/CN=kube-apiserver" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >"$d/ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
    -out "$d/server.crt" -days 3650 -extfile "$d/ext" >/dev/null 2>&1
  openssl genrsa -out "$d/sa.key" 2048 >/dev/null 2>&1
  # token,user,uid,"groups": system:masters passes every authorization check.
  echo "$TOKEN,refit-test,refit-test,\"system:masters\"" >"$STATE/tokens.csv"
}

kubeconfig() {
  cat >"$STATE/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: refit-test
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $STATE/pki/ca.crt
users:
- name: refit-test
  user:
    token: $TOKEN
contexts:
- name: refit-test
  context:
    cluster: refit-test
    user: refit-test
current-context: refit-test
EOF
}

wait_for() { # name url seconds
  local i
  for i in $(seq 1 $(($3 * 5))); do
    if curl -fsS --cacert "$STATE/pki/ca.crt" -H "Authorization: Bearer $TOKEN" "$2" >/dev/null 2>&1 ||
      { [ "$1" = etcd ] && curl -fsS "$2" >/dev/null 2>&1; }; then
      return 0
    fi
    if ! running "$1"; then
      echo "kube-apiserver: $1 exited during start:" >&2
      tail -20 "$STATE/$1.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "kube-apiserver: $1 not ready after $3 s:" >&2
  tail -20 "$STATE/$1.log" >&2
  return 1
}

start() {
  local etcd
  etcd=$(etcd_bin)
  if [ -z "$etcd" ] || [ ! -x "$BIN_DIR/kube-apiserver" ]; then
    echo "kube-apiserver: not installed; run ./scripts/kube-apiserver.sh install" >&2
    exit 1
  fi
  if running kube-apiserver && running etcd; then
    echo "kube-apiserver: already running (pid $(cat "$STATE/kube-apiserver.pid"))"
    return
  fi
  stop >/dev/null
  mkdir -p "$STATE"
  certs
  # etcd fsyncs every write; on tmpfs that costs nothing.
  local base=${TMPDIR:-/tmp}
  [ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
  local data
  data=$(mktemp -d "$base/refit-etcd.XXXXXX")
  echo "$data" >"$STATE/etcd.data"
  nohup "$etcd" --name refit-test --data-dir "$data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "refit-test=http://127.0.0.1:$ETCD_PEER_PORT" \
    --quota-backend-bytes=$((4 << 30)) --log-level warn >"$STATE/etcd.log" 2>&1 &
  echo $! >"$STATE/etcd.pid"
  wait_for etcd "http://127.0.0.1:$ETCD_PORT/health" 30
  # The service cluster IP range is bookkeeping for Service objects only:
  # nothing routes to it.
  nohup "$BIN_DIR/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
    --tls-cert-file "$STATE/pki/server.crt" --tls-private-key-file "$STATE/pki/server.key" \
    --token-auth-file "$STATE/tokens.csv" --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$STATE/pki/sa.key" --service-account-signing-key-file "$STATE/pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --disable-admission-plugins ServiceAccount \
    --max-requests-inflight 1000 --max-mutating-requests-inflight 500 \
    --v 0 >"$STATE/kube-apiserver.log" 2>&1 &
  echo $! >"$STATE/kube-apiserver.pid"
  kubeconfig
  wait_for kube-apiserver "https://127.0.0.1:$API_PORT/readyz" 60
  env_lines >"$STATE/env"
  echo "kube-apiserver: ready on https://127.0.0.1:$API_PORT (pid $(cat "$STATE/kube-apiserver.pid")); kubeconfig $STATE/kubeconfig"
}

stop_one() {
  [ -f "$STATE/$1.pid" ] || return 0
  local pid
  pid=$(cat "$STATE/$1.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" || true
  fi
  rm -f "$STATE/$1.pid"
}

stop() {
  stop_one kube-apiserver
  stop_one etcd
  if [ -f "$STATE/etcd.data" ]; then
    rm -rf "$(cat "$STATE/etcd.data")"
    rm -f "$STATE/etcd.data"
  fi
  rm -f "$STATE/env"
  echo "kube-apiserver: stopped"
}

case "${1:-}" in
install) install ;;
start) start ;;
stop) stop ;;
env) env_lines ;;
kubeconfig) echo "$STATE/kubeconfig" ;;
*)
  echo "usage: $0 {install|start|stop|env|kubeconfig}" >&2
  exit 2
  ;;
esac
