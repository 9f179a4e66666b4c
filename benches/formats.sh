#!/usr/bin/env bash
# HEIC/AVIF decode + W1 on 12 MP photos, and AVIF/WebP encode of a 2 MP photo, ossimg beside sharp.
#   ossimg — median wall time of one whole `ossimg process` run (release build; includes process
#            start, ~2 ms, measured on a 1×1 PNG and printed as `start`)
#   sharp  — median time of the same job inside Node (sharp's prebuilt libvips 8.17 with libheif:
#            AVIF yes, HEIC no — its prebuilt libheif has no HEVC decoder)
# Jobs: `decode` = decode + resize to 8 px wide + JPEG (the decode dominates), `W1` =
# `resize,w_300/quality,Q_85` (auto-orient on), `avif` = `format,avif` (ossimg: quality 50,
# libaom speed 8; sharp: quality 50, effort 4 = its default), `webp` = `format,webp/quality,Q_75`
# (sharp: quality 75, effort 4).
# The 12 MP AVIF is made here from tests/data/photo-12mp.jpg by ossimg (quality 50).
# Usage: bash benches/formats.sh   (RUNS=… iterations, default 9; about 3 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-9}
work=target/compare
mkdir -p "$work"
if [ ! -d "$work/node_modules/sharp" ]; then
  (cd "$work" && npm init -y >/dev/null && npm install --silent sharp >/dev/null)
fi
cargo build --release --quiet --bin ossimg
bin=target/release/ossimg
"$bin" process tests/data/photo-12mp.jpg "image/format,avif" -o "$work/photo-12mp.avif"

cat > "$work/formats.js" <<'JS'
// Median milliseconds of RUNS runs (after 2 warm-ups) of one sharp job on a file.
const sharp = require('sharp');
const fs = require('fs');
sharp.cache(false);
const [file, job, runs] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const input = fs.readFileSync(file);
const jobs = {
  decode: () => sharp(input).rotate().resize({ width: 8 }).jpeg().toBuffer(),
  W1: () => sharp(input).rotate().resize({ width: 300, kernel: 'lanczos3' }).jpeg({ quality: 85 }).toBuffer(),
  avif: () => sharp(input).rotate().avif({ quality: 50 }).toBuffer(),
  webp: () => sharp(input).rotate().webp({ quality: 75 }).toBuffer(),
};
(async () => {
  try { await jobs[job](); } catch (e) { console.log('n/a'); return; }
  await jobs[job]();
  const t = [];
  for (let i = 0; i < runs; i++) { const s = process.hrtime.bigint(); await jobs[job](); t.push(Number(process.hrtime.bigint() - s) / 1e6); }
  t.sort((a, b) => a - b);
  console.log(t[Math.floor(t.length / 2)].toFixed(1));
})();
JS

python3 - "$RUNS" "$work" "$bin" <<'PY'
import statistics, subprocess, sys, time
runs, work, binary = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def ossimg_ms(src, proc):
    t = []
    for i in range(runs + 1):
        s = time.perf_counter()
        subprocess.run([binary, "process", src, proc, "-o", f"{work}/out.bin"], check=True)
        if i: t.append((time.perf_counter() - s) * 1e3)
    return statistics.median(t)
def sharp_ms(src, job):
    out = subprocess.run(["node", f"{work}/formats.js", src, job, str(runs)], capture_output=True, text=True, cwd=".").stdout.strip()
    return out or "n/a"
start = ossimg_ms("tests/data/png-basn6a08.png", "image/resize,w_1")
print(f"start (1×1 job, process start): {start:.1f} ms")
cases = [
    ("12 MP HEIC decode", "tests/data/heic-orientation-6.heic", "image/resize,w_8", "decode"),
    ("12 MP HEIC W1", "tests/data/heic-orientation-6.heic", "image/resize,w_300/quality,Q_85", "W1"),
    ("12 MP AVIF decode", f"{work}/photo-12mp.avif", "image/resize,w_8", "decode"),
    ("12 MP AVIF W1", f"{work}/photo-12mp.avif", "image/resize,w_300/quality,Q_85", "W1"),
    ("2 MP JPEG → AVIF", "tests/data/photo-2mp.jpg", "image/format,avif", "avif"),
    ("2 MP JPEG → WebP", "tests/data/photo-2mp.jpg", "image/format,webp/quality,Q_75", "webp"),
]
print("| job | ossimg ms | sharp ms | sharp/ossimg |")
print("|---|---|---|---|")
for name, src, proc, job in cases:
    o = ossimg_ms(src, proc)
    s = sharp_ms(src, job)
    ratio = f"{float(s) / o:.2f}" if s != "n/a" else "—"
    print(f"| {name} | {o:.1f} | {s} | {ratio} |")
PY
