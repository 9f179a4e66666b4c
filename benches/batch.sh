#!/usr/bin/env bash
# `ossimg batch` beside vipsthumbnail and sharp on one folder of real photos, side by side in one
# run, and the ratios (issue "Existing image libraries": ≥ 1.3× vipsthumbnail, ≥ 1.1× sharp on a
# 2-core machine).
#
#   bash benches/batch.sh                # W1 on ≥ 200 photos of 2–12 MP, all cores, 2 rounds
#   ROUNDS=3 N=400 bash benches/batch.sh
#
# W1 is `image/resize,w_300/quality,Q_85`. The folder holds N files (default 200), copies of the
# real 2–12 MP photos of tests/data in turn (photo-2mp, photo-12mp, jpg-orientation-6 with EXIF
# orientation 6, Landscape_1…8). Each tool runs with concurrency = cores:
#   - ossimg:        `ossimg batch --jobs $CORES` (one process);
#   - vipsthumbnail: many files per process, `xargs -P $CORES -n 25` (`--size 300x`: width 300,
#                    EXIF orientation applied as ossimg does; `[Q=85]`), libvips with one thread
#                    per process (VIPS_CONCURRENCY=1) so the cores are not oversubscribed;
#   - sharp:         one Node process, $CORES files in flight, sharp.concurrency(1) for the same
#                    reason; `.rotate()` (EXIF) `.resize(300)` `.jpeg({quality: 85})`.
# Rounds alternate the tools so machine drift hits all alike; the medians are compared.
#
# On a machine with a GPU, HEAVY=1 also runs `image/resize,w_2000/blur,r_10,s_5/sharpen,100`
# over the same folder with `--backend gpu` and `--backend cpu` (all cores) and prints both.
# Needs: cargo; libvips-tools and nodejs/npm from Debian (installed here when missing); sharp from
# npm into target/bench-node.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-200}"
ROUNDS="${ROUNDS:-2}"
CORES="$(nproc)"
W1="image/resize,w_300/quality,Q_85"
WORK="$PWD/target/bench-batch"

need=()
command -v vipsthumbnail >/dev/null || need+=(libvips-tools)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -d target/bench-node/node_modules/sharp ]; then
  mkdir -p target/bench-node
  (cd target/bench-node && npm install --silent --no-audit --no-fund sharp >/dev/null)
fi
cargo build --release --quiet
OSSIMG="$PWD/target/release/ossimg"

# The folder.
photos=(photo-2mp.jpg photo-12mp.jpg jpg-orientation-6.jpg Landscape_1.jpg Landscape_2.jpg
        Landscape_3.jpg Landscape_4.jpg Landscape_5.jpg Landscape_6.jpg Landscape_7.jpg Landscape_8.jpg)
rm -rf "$WORK"; mkdir -p "$WORK/in"
for i in $(seq 0 $((N - 1))); do
  p="${photos[$((i % ${#photos[@]}))]}"
  cp "tests/data/$p" "$WORK/in/$(printf '%04d' "$i")-$p"
done
MP="$(python3 - "$WORK/in" <<'EOF'
import os, struct, sys
total = 0
for name in os.listdir(sys.argv[1]):
    data = open(os.path.join(sys.argv[1], name), "rb").read()
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            total += w * h
            break
        i += 2 + length
print(f"{total / 1e6:.0f}")
EOF
)"
echo "batch.sh: $N photos ($MP MP in all), $CORES cores, $ROUNDS rounds; W1 = $W1"

cat > "$WORK/sharp.js" <<'EOF'
const sharp = require(process.argv[2] + "/node_modules/sharp");
const fs = require("fs"), path = require("path");
const [, , , src, dst, cores] = process.argv;
sharp.concurrency(1);
const files = fs.readdirSync(src);
let next = 0;
async function worker() {
  while (next < files.length) {
    const f = files[next++];
    await sharp(path.join(src, f)).rotate().resize(300).jpeg({ quality: 85 }).toFile(path.join(dst, f));
  }
}
Promise.all(Array.from({ length: Number(cores) }, worker)).catch((e) => { console.error(e); process.exit(1); });
EOF

# Seconds of one run of "$@" (wall clock).
timed() {
  local t0 t1
  t0="$(date +%s.%N)"
  "$@" >/dev/null 2>&1
  t1="$(date +%s.%N)"
  python3 -c "print(f'{$t1 - $t0:.3f}')"
}
run_ossimg() { rm -rf "$WORK/o"; "$OSSIMG" batch -q --backend cpu --jobs "$CORES" --process "$W1" --out "$WORK/o" "$WORK/in"; }
run_vips() {
  rm -rf "$WORK/v"; mkdir -p "$WORK/v"
  # An absolute -o: vipsthumbnail 8.14 writes a relative "../v/…" pattern to stdout instead.
  (cd "$WORK/in" && ls | VIPS_CONCURRENCY=1 xargs -P "$CORES" -n 25 vipsthumbnail --size 300x -o "$PWD/../v/%s.jpg[Q=85]")
}
run_sharp() { rm -rf "$WORK/s"; mkdir -p "$WORK/s"; node "$WORK/sharp.js" "$PWD/target/bench-node" "$WORK/in" "$WORK/s" "$CORES"; }

declare -A T
for r in $(seq "$ROUNDS"); do
  for tool in ossimg vips sharp; do
    s="$(timed "run_$tool")"
    T[$tool]+="$s "
    echo "round $r: $tool $s s ($(python3 -c "print(f'{$N / $s:.1f}')") images/s)"
  done
done
# Every tool produced every file.
for d in o v s; do
  c="$(find "$WORK/$d" -type f | wc -l)"
  [ "$c" -eq "$N" ] || { echo "batch.sh: $d made $c of $N files" >&2; exit 1; }
done
python3 - "$N" "${T[ossimg]}" "${T[vips]}" "${T[sharp]}" <<'EOF'
import statistics, sys
n = int(sys.argv[1])
med = {k: statistics.median(map(float, v.split())) for k, v in zip(["ossimg", "vipsthumbnail", "sharp"], sys.argv[2:])}
rate = {k: n / v for k, v in med.items()}
for k, v in rate.items():
    print(f"median {k:14s} {med[k]:7.2f} s  {v:6.1f} images/s")
print(f"ossimg / vipsthumbnail = {rate['ossimg'] / rate['vipsthumbnail']:.2f}x (target >= 1.3)")
print(f"ossimg / sharp         = {rate['ossimg'] / rate['sharp']:.2f}x (target >= 1.1)")
EOF

if [ "${HEAVY:-0}" = 1 ]; then
  HEAVY_P="image/resize,w_2000/blur,r_10,s_5/sharpen,100"
  for b in gpu cpu; do
    rm -rf "$WORK/h"
    s="$(timed "$OSSIMG" batch -q --backend "$b" --jobs "$CORES" --process "$HEAVY_P" --out "$WORK/h" "$WORK/in")"
    echo "heavy $b: $s s ($(python3 -c "print(f'{$N / $s:.1f}')") images/s)"
  done
fi
