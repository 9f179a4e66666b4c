#!/usr/bin/env bash
# The long soak (issue 17): tests/soak.rs against a release build of `ossimg serve`, with the
# load sized by the environment. CI runs the same test, bounded, in debug (`cargo test`).
#
#   SOAK_CONCURRENCY  concurrent keep-alive clients            (default 64)
#   SOAK_ROUNDS       rounds; RSS is read after each, idle      (default 12)
#   SOAK_SECONDS      seconds of load per round                 (default 20)
#   SOAK_TIMEOUT_S    the most one request may take, seconds    (default 30)
#   SOAK_IDLE_S       idle seconds after a round before RSS     (default 12)
#   MALLOC_ARENA_MAX  passed to the server as set (unset: serve caps glibc's arenas at 2)
#
# Prints one summary line (requests, shed 503s, failures, p50/p99, idle RSS per round, VmHWM)
# and fails on any broken promise (see tests/soak.rs). Record the figures in
# benches/RESULTS.md, "Soak", with the machine and the date.
set -euo pipefail
cd "$(dirname "$0")/.."
export SOAK_CONCURRENCY="${SOAK_CONCURRENCY:-64}"
export SOAK_ROUNDS="${SOAK_ROUNDS:-12}"
export SOAK_SECONDS="${SOAK_SECONDS:-20}"
export SOAK_TIMEOUT_S="${SOAK_TIMEOUT_S:-30}"
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  chmod 700 "$XDG_RUNTIME_DIR"
  export XDG_RUNTIME_DIR
fi
echo "soak: $(nproc) cores, $(date -u +%FT%TZ), concurrency $SOAK_CONCURRENCY, $SOAK_ROUNDS rounds of $SOAK_SECONDS s"
cargo test --release --test soak -- --nocapture --test-threads 1
