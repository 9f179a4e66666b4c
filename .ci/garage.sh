#!/usr/bin/env bash
# A single-node Garage (S3-compatible server, https://garagehq.deuxfleurs.fr) on 127.0.0.1 for
# the S3 backend tests of tests/storage.rs. Garage is an external server: nothing of it is linked
# into ossimg.
#
#   eval "$(bash .ci/garage.sh start)"   # install if needed, start, print `export OSSIMG_S3_…=…`
#   cargo test --test storage           # s3_backend now runs against it
#   bash .ci/garage.sh stop             # stop it and remove its state
#
# The binary comes from `cargo install garage --locked` (about 11 minutes on 2 cores) and is kept
# in $OSSIMG_GARAGE_CACHE (default ~/.cache/ossimg-garage) for the next run. State (config,
# metadata, data, log, pid) lives in $OSSIMG_GARAGE_DIR (default $TMPDIR/ossimg-garage).
# Ports: 3900 (S3 API), 3901 (RPC), 3903 (admin), all on 127.0.0.1. Only `export` lines go to
# stdout; progress goes to stderr.
set -euo pipefail

GARAGE_VERSION="${OSSIMG_GARAGE_VERSION:-2.5.0}"   # the version measured in shared/notes/s3-garage.md
CACHE="${OSSIMG_GARAGE_CACHE:-$HOME/.cache/ossimg-garage}"
STATE="${OSSIMG_GARAGE_DIR:-${TMPDIR:-/tmp}/ossimg-garage}"
BIN="$CACHE/bin/garage"
CFG="$STATE/garage.toml"
BUCKET="ossimg-test"
KEY_NAME="ossimg-test-key"

log() { echo "garage.sh: $*" >&2; }

install() {
  if [ -x "$BIN" ]; then
    return
  fi
  command -v cargo >/dev/null || { log "cargo is needed to install garage"; exit 1; }
  log "installing garage $GARAGE_VERSION into $CACHE (about 11 minutes on 2 cores)"
  cargo install garage --version "$GARAGE_VERSION" --locked --root "$CACHE" >&2
}

running() {
  [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null
}

g() { "$BIN" -c "$CFG" "$@"; }

start() {
  install
  if running && [ -f "$STATE/env" ]; then
    log "already running (pid $(cat "$STATE/pid"))"
    cat "$STATE/env"
    return
  fi
  rm -rf "$STATE"
  mkdir -p "$STATE/meta" "$STATE/data"
  local secret token
  secret="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"   # 64 hex digits, as garage requires
  token="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  cat >"$CFG" <<TOML
metadata_dir = "$STATE/meta"
data_dir = "$STATE/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:3901"
rpc_public_addr = "127.0.0.1:3901"
rpc_secret = "$secret"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:3900"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:3903"
admin_token = "$token"
TOML
  chmod 600 "$CFG"
  "$BIN" -c "$CFG" server >"$STATE/server.log" 2>&1 &
  echo $! >"$STATE/pid"
  # Ready in about 3 s (notes); allow 30 s in steps of 0.5 s.
  local i
  for i in $(seq 60); do
    if g status >/dev/null 2>&1; then break; fi
    running || { log "server exited:"; cat "$STATE/server.log" >&2; exit 1; }
    sleep 0.5
  done
  g status >/dev/null 2>&1 || { log "server not ready after 30 s"; cat "$STATE/server.log" >&2; exit 1; }

  local node
  node="$(g node id -q 2>/dev/null | cut -d@ -f1)"
  g layout assign -z dc1 -c 1G "$node" >&2
  g layout apply --version 1 >&2
  g bucket create "$BUCKET" >&2
  local out key_id secret_key
  out="$(g key create "$KEY_NAME")"
  key_id="$(printf '%s\n' "$out" | grep -oE 'GK[0-9a-f]{24}' | head -n1)"
  secret_key="$(printf '%s\n' "$out" | grep -iE 'secret' | grep -oE '[0-9a-f]{64}' | head -n1)"
  if [ -z "$key_id" ] || [ -z "$secret_key" ]; then
    log "could not read the key from: $out"
    exit 1
  fi
  g bucket allow --read --write --owner "$BUCKET" --key "$KEY_NAME" >&2
  cat >"$STATE/env" <<ENV
export OSSIMG_S3_ENDPOINT=http://127.0.0.1:3900
export OSSIMG_S3_REGION=garage
export OSSIMG_S3_BUCKET=$BUCKET
export OSSIMG_S3_ACCESS_KEY_ID=$key_id
export OSSIMG_S3_SECRET_ACCESS_KEY=$secret_key
ENV
  log "running (pid $(cat "$STATE/pid")), log in $STATE/server.log"
  cat "$STATE/env"
}

stop() {
  if running; then
    local pid
    pid="$(cat "$STATE/pid")"
    kill "$pid"
    # Give it 10 s to exit cleanly.
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    log "stopped pid $pid"
  fi
  rm -rf "$STATE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  install) install ;;
  *) echo "usage: $0 start|stop|install" >&2; exit 2 ;;
esac
