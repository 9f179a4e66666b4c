#!/usr/bin/env bash
# W1 side by side, in one run, on the same photos:
#   ossimg  — in-process time of `image/resize,w_300/quality,Q_85` (criterion, benches/pipeline.rs)
#   sharp   — the same job in sharp (libvips) timed in-process by Node: auto-orient, resize to
#             width 300 (Lanczos3, shrink-on-load), JPEG quality 85
#   floor   — the libjpeg-turbo decode floor: `djpeg -scale 1/8` (process start included)
# and the peak RSS of one whole `ossimg process` run vs one whole Node+sharp run.
# Prints a table with the ratios. Needs: cargo, node+npm (npm registry), libjpeg-turbo-progs.
# Usage: bash benches/compare.sh   (about 3 minutes; set RUNS=… for more sharp/djpeg iterations)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-30}
PHOTOS=("tests/data/jpg-orientation-6.jpg:12mp" "tests/data/photo-2mp.jpg:2mp")
work=target/compare
mkdir -p "$work"

command -v djpeg >/dev/null || { echo "installing libjpeg-turbo-progs"; apt-get install -y -qq libjpeg-turbo-progs >/dev/null; }
if [ ! -d "$work/node_modules/sharp" ]; then
  (cd "$work" && npm init -y >/dev/null && npm install --silent sharp >/dev/null)
fi

cat > "$work/w1.js" <<'JS'
// Times W1 in sharp, in process: median of RUNS after 3 warm-ups. Prints milliseconds.
const sharp = require('sharp');
const fs = require('fs');
sharp.cache(false);
const [file, runs, once] = [process.argv[2], Number(process.argv[3]), process.argv[4] === 'once'];
const input = fs.readFileSync(file);
const job = () => sharp(input).rotate().resize({ width: 300, kernel: 'lanczos3' }).jpeg({ quality: 85 }).toBuffer();
(async () => {
  if (once) { await job(); return; }
  for (let i = 0; i < 3; i++) await job();
  const t = [];
  for (let i = 0; i < runs; i++) { const s = process.hrtime.bigint(); await job(); t.push(Number(process.hrtime.bigint() - s) / 1e6); }
  t.sort((a, b) => a - b);
  console.log(t[Math.floor(t.length / 2)].toFixed(2));
})();
JS

echo "building ossimg (release) and running criterion W1 …"
cargo build --release --quiet
bench_out=$(cargo bench --quiet --bench pipeline -- --output-format bencher 'W1/' 2>/dev/null)

python3 - "$RUNS" "$work" "$bench_out" "${PHOTOS[@]}" <<'PY'
import os, re, resource, statistics, subprocess, sys, time
runs, work, bench_out, photos = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
ossimg_ms = {m.group(1): int(m.group(2).replace(',', '')) / 1e6
             for m in re.finditer(r'test W1/(\S+)\s+\.\.\. bench:\s+([\d,]+) ns/iter', bench_out)}

def median_cmd(cmd, n):
    t = []
    for _ in range(n):
        s = time.perf_counter(); subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL); t.append((time.perf_counter() - s) * 1e3)
    return statistics.median(t)

def peak_rss_mb(cmd):
    """Peak RSS of one whole run of `cmd`, measured in a fresh wrapper so no other child counts."""
    probe = 'import resource,subprocess,sys; subprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024)'
    return float(subprocess.run(['python3', '-c', probe] + cmd, check=True, capture_output=True, text=True).stdout)

print(f"machine: {os.cpu_count()} cores, {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}")
print(f"{'photo':6} {'ossimg ms':>10} {'sharp ms':>9} {'djpeg 1/8':>10} {'ossimg/sharp':>13} {'ossimg/floor':>13} {'RSS ossimg':>11} {'RSS sharp':>10}")
for spec in photos:
    path, label = spec.split(':')
    sharp_ms = float(subprocess.run(['node', f'{work}/w1.js', path, str(runs)], check=True, capture_output=True, text=True).stdout)
    floor_ms = median_cmd(['djpeg', '-scale', '1/8', '-outfile', '/dev/null', path], runs)
    # Peak RSS: one whole process each (ossimg CLI; node + sharp, whose runtime alone is ~40 MB).
    rss_o = peak_rss_mb(['target/release/ossimg', 'process', path, 'image/resize,w_300/quality,Q_85', '-o', f'{work}/out.jpg'])
    rss_s = peak_rss_mb(['node', f'{work}/w1.js', path, '1', 'once'])
    o = ossimg_ms.get(label, float('nan'))
    print(f"{label:6} {o:10.2f} {sharp_ms:9.2f} {floor_ms:10.2f} {o / sharp_ms:13.2f} {o / floor_ms:13.2f} {rss_o:9.1f}MB {rss_s:8.1f}MB")
PY
