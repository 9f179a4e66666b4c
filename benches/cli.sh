#!/usr/bin/env bash
# `ossimg process` as a whole process (start-up, read, write and exit included) beside the job's
# own time inside that process, and beside `vipsthumbnail` (issue 13, item 1 and its targets):
#   1. W1 (`image/resize,w_300/quality,Q_85`) on the 12 MP photo: hyperfine of `ossimg process`
#      with the default backend (auto) and with `--backend cpu`, of `ossimg --version` (the
#      start-up floor: loader, relocations, static constructors of the linked C/C++ libraries),
#      and the in-process job time that `process -v` prints (median of RUNS runs);
#   2. W1 on ../shared/testdata/photos/large_no_samp_7680_4320.jpg (33 MP) beside
#      `vipsthumbnail -s 300` (same 300×169 output, Q 85), in alternating hyperfine rounds, with
#      the peak RSS of each (`/usr/bin/time -v`).
# Needs: cargo, hyperfine, vipsthumbnail (Debian libvips-tools, for the comparison only; installed
# when missing), GNU time.
# Usage: bash benches/cli.sh   (RUNS=20 ROUNDS=2; PREBUILT=1 skips the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
ROUNDS=${ROUNDS:-2}
W1="image/resize,w_300/quality,Q_85"
P12="tests/data/photo-12mp.jpg"
P33="../shared/testdata/photos/large_no_samp_7680_4320.jpg"
work="$PWD/target/cli-bench"
mkdir -p "$work"

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v vipsthumbnail >/dev/null || need+=(libvips-tools)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -n "${PREBUILT:-}" ] || cargo build --release --quiet
bin="$PWD/target/release/ossimg"
# A plain shell's GPU environment: no runtime dir (Mesa would complain), the default backend.
unset XDG_RUNTIME_DIR OSSIMG_BACKEND WGPU_BACKEND || true

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Medians, like the in-process figure they are compared with (a mean moves with one preempted run).
median_ms() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.1f" % (x["median"]*1e3) for x in r))' "$1"; }

echo "== 1. W1 on $P12: whole process vs in process ($(nproc) cores, $(date -u +%F))"
hyperfine -N -w 3 -r "$RUNS" --export-json "$work/w1.json" \
  "$bin --version" \
  "$bin process $P12 $W1 -o $work/w1-auto.jpg" \
  "$bin process $P12 $W1 --backend cpu -o $work/w1-cpu.jpg" >/dev/null
read -r version auto cpu <<<"$(median_ms "$work/w1.json")"
engine=$("$bin" process "$P12" "$W1" -v -o "$work/w1-v.jpg" 2>&1 | sed -n 's/^ossimg: engine: //p')
echo "engine chosen by auto: $engine"
printf '%-34s %8s ms\n' "ossimg --version (start-up floor)" "$version" \
  "process, default backend" "$auto" "process --backend cpu" "$cpu"
# The gap is taken within each run — the run's wall time (spawn to exit, from Python) minus the
# job time the same run prints with -v — so a machine that is slower for a while moves both.
python3 - "$bin" "$P12" "$W1" "$work/w1-v.jpg" "$RUNS" <<'PY'
import re, statistics, subprocess, sys, time
binary, photo, w1, out, runs = sys.argv[1:6]
whole, inproc, gaps = [], [], []
for _ in range(int(runs)):
    t0 = time.perf_counter()
    r = subprocess.run([binary, "process", photo, w1, "-v", "-o", out], capture_output=True, text=True)
    wall = (time.perf_counter() - t0) * 1e3
    job = float(re.search(r"ossimg: job: ([0-9.]+) ms", r.stderr).group(1))
    whole.append(wall); inproc.append(job); gaps.append(wall - job)
print("%-34s %8.1f ms" % ("process -v, whole (median)", statistics.median(whole)))
print("%-34s %8.1f ms" % ("job in process (-v, median)", statistics.median(inproc)))
print("whole - in process, per run: median %.1f ms, min %.1f, max %.1f (target <= 5 ms)"
      % (statistics.median(gaps), min(gaps), max(gaps)))
PY
echo
echo "== 2. W1 on $P33 beside vipsthumbnail -s 300 ($ROUNDS alternating rounds)"
ossimg_cmd="$bin process $P33 $W1 -o $work/w1-33.jpg"
vips_cmd="vipsthumbnail $P33 -s 300 -o $work/vips-33.jpg[Q=85]"
o_times=(); v_times=()
for r in $(seq "$ROUNDS"); do
  # Odd rounds run ossimg first, even rounds vipsthumbnail first, so drift hits both alike.
  if [ $((r % 2)) -eq 1 ]; then
    hyperfine -N -w 2 -r "$RUNS" --export-json "$work/r$r.json" "$ossimg_cmd" "$vips_cmd" >/dev/null
    read -r o v <<<"$(median_ms "$work/r$r.json")"
  else
    hyperfine -N -w 2 -r "$RUNS" --export-json "$work/r$r.json" "$vips_cmd" "$ossimg_cmd" >/dev/null
    read -r v o <<<"$(median_ms "$work/r$r.json")"
  fi
  echo "round $r: ossimg $o ms, vipsthumbnail $v ms"
  o_times+=("$o"); v_times+=("$v")
done
o_med=$(printf '%s\n' "${o_times[@]}" | median)
v_med=$(printf '%s\n' "${v_times[@]}" | median)
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'; }
o_rss=$(rss "$bin" process "$P33" "$W1" -o "$work/w1-33.jpg")
v_rss=$(rss vipsthumbnail "$P33" -s 300 -o "$work/vips-33.jpg[Q=85]")
python3 - "$o_med" "$v_med" "$o_rss" "$v_rss" <<'PY'
import sys
o, v, orss, vrss = map(float, sys.argv[1:])
print(f"median: ossimg {o:.1f} ms, vipsthumbnail {v:.1f} ms -> {v/o:.2f}x (target >= 1.4x)")
print(f"peak RSS: ossimg {orss/1024:.1f} MiB, vipsthumbnail {vrss/1024:.1f} MiB (target: ossimg <= vips)")
PY
