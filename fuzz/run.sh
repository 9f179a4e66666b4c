#!/usr/bin/env bash
# Runs the fuzz targets: `fuzz/run.sh [TARGET|all] [SECONDS]` (default: every target, 600 s
# each, one after the other). Each run starts from the committed seeds (fuzz/corpus/TARGET,
# read only) plus what earlier runs found (fuzz/corpus-work/TARGET, git-ignored, where new
# inputs go); a crash is written to fuzz/artifacts/TARGET/ and the script goes on with the next
# target, exiting 1 at the end. One line per run is appended to fuzz/logs/runs.tsv (git-ignored): date, target,
# seconds, execs, cov, ft, crashes. `cargo fuzz` needs nightly features: RUSTC_BOOTSTRAP=1 lets
# the stable toolchain build them. No sanitizer (`-s none`): the C codecs are not instrumented
# anyway and the Rust code is memory-safe outside the FFI, so ASan would only halve the speed.
# Env: FUZZ_JOBS (default 1) parallel workers per target; FUZZ_NICE (default 10); FUZZ_PROFILE
# (default release) `dev` builds unoptimised (`cargo fuzz --dev`, own target dir fuzz/target-dev):
# less than half the build time and a fraction of the speed, for CI's short runs from the corpus.
set -euo pipefail
cd "$(dirname "$0")"
all=(process_string codec auth xml headers store_keys)
target="${1:-all}"
secs="${2:-600}"
if [ "$target" = all ]; then targets=("${all[@]}"); else targets=("$target"); fi
export RUSTC_BOOTSTRAP=1
flags=(-s none --codegen-units 16)
case "${FUZZ_PROFILE:-release}" in
  release) ;;
  dev) flags+=(--dev --target-dir target-dev) ;;
  *) echo "fuzz: FUZZ_PROFILE is release or dev, not ${FUZZ_PROFILE}" >&2; exit 2 ;;
esac
nice -n "${FUZZ_NICE:-10}" cargo fuzz build "${flags[@]}"
mkdir -p logs
failed=0
for t in "${targets[@]}"; do
  mkdir -p "corpus-work/$t" "artifacts/$t" "corpus/$t"
  # The codec's inputs are whole image files; the other targets' are short texts.
  case "$t" in codec) max_len=16384 ;; *) max_len=4096 ;; esac
  log="logs/$t-$(date -u +%Y%m%dT%H%M%S).log"
  # -jobs (even 1) sends libFuzzer's output to fuzz-N.log files: only asked for with FUZZ_JOBS.
  jobs=()
  if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then jobs=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi
  rc=0
  nice -n "${FUZZ_NICE:-10}" cargo fuzz run "${flags[@]}" "$t" "corpus-work/$t" "corpus/$t" -- \
    -max_total_time="$secs" -max_len="$max_len" -rss_limit_mb=4096 -timeout=60 \
    "${jobs[@]+"${jobs[@]}"}" -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"$log" 2>&1 || rc=$?
  # With -jobs, libFuzzer writes each worker's output to fuzz-N.log in the current directory.
  if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then cat fuzz-*.log >>"$log" 2>/dev/null || true; rm -f fuzz-*.log; fi
  execs=$(grep -h 'stat::number_of_executed_units' "$log" | awk '{s+=$2} END {print s+0}')
  last=$(grep -hE '^#[0-9]+' "$log" | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  crashes=$(find "artifacts/$t" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$secs" "${execs:-0}" \
    "${cov:-?}" "${ft:-?}" "$crashes" | tee -a logs/runs.tsv
  if [ "$rc" -ne 0 ]; then
    echo "fuzz: $t failed (exit $rc), see fuzz/$log:" >&2
    grep -hE 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -n 20 >&2 || true
    failed=1
  fi
done
exit "$failed"
