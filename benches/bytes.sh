#!/usr/bin/env bash
# Output bytes side by side with sharp (libvips), in one run, on the same photos:
#   W1 JPEG  — `image/resize,w_300/quality,Q_85`            vs sharp .rotate().resize(300).jpeg({quality: 85})
#   W1 WebP  — `image/resize,w_300/quality,Q_85/format,webp` vs sharp .rotate().resize(300).webp({quality: 85})
# plus sharp's encode time of the 300 px thumbnail from raw pixels (in process, median of RUNS);
# ossimg's is the criterion bench `W1-parts/encode` and `W1-parts/encode-webp` in
# benches/pipeline.rs (`cargo bench --bench pipeline -- W1-parts/encode`).
# Both sides default to 4:2:0 chroma and optimised Huffman tables; sharp's prebuilt libvips uses
# mozjpeg's library with its default (libjpeg-turbo-compatible) settings unless `mozjpeg: true`.
# Usage: bash benches/bytes.sh   (needs node+npm; OSSIMG_BIN=path to use a built binary)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
work=target/bytes
mkdir -p "$work"
if [ ! -d "$work/node_modules/sharp" ]; then
  (cd "$work" && npm init -y >/dev/null && npm install --silent sharp >/dev/null)
fi
BIN=${OSSIMG_BIN:-target/release/ossimg}
[ -x "$BIN" ] || cargo build --release --quiet

photos=(tests/data/photo-12mp.jpg tests/data/photo-2mp.jpg tests/data/jpg-orientation-6.jpg)
for p in ../shared/testdata/photos/*.jpg; do [ -f "$p" ] && photos+=("$p"); done

cat > "$work/sharp.js" <<'JS'
// node sharp.js IN OUT_JPG OUT_WEBP RUNS: writes sharp's W1 outputs, prints the median encode
// milliseconds of the 300 px thumbnail (from raw pixels) for JPEG and WebP.
const sharp = require('sharp');
const fs = require('fs');
sharp.cache(false);
const [inp, outJpg, outWebp, runs] = process.argv.slice(2);
const median = (t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
(async () => {
  const base = () => sharp(fs.readFileSync(inp)).rotate().resize({ width: 300, kernel: 'lanczos3' });
  fs.writeFileSync(outJpg, await base().jpeg({ quality: 85 }).toBuffer());
  fs.writeFileSync(outWebp, await base().webp({ quality: 85 }).toBuffer());
  const { data, info } = await base().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const time = async (f) => {
    const t = [];
    for (let i = 0; i < Number(runs); i++) {
      const s = process.hrtime.bigint(); await f(); t.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    return median(t).toFixed(2);
  };
  const jt = await time(() => sharp(data, raw).jpeg({ quality: 85 }).toBuffer());
  const wt = await time(() => sharp(data, raw).webp({ quality: 85 }).toBuffer());
  console.log(`${jt} ${wt}`);
})();
JS

printf '| photo | JPEG ossimg B | JPEG sharp B | ratio | WebP ossimg B | WebP sharp B | ratio | sharp encode ms jpg/webp |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for p in "${photos[@]}"; do
  name=$(basename "$p")
  "$BIN" process "$p" "image/resize,w_300/quality,Q_85" -o "$work/o.jpg" --backend cpu
  "$BIN" process "$p" "image/resize,w_300/quality,Q_85/format,webp" -o "$work/o.webp" --backend cpu
  times=$(node "$work/sharp.js" "$p" "$work/s.jpg" "$work/s.webp" "$RUNS")
  oj=$(stat -c %s "$work/o.jpg"); sj=$(stat -c %s "$work/s.jpg")
  ow=$(stat -c %s "$work/o.webp"); sw=$(stat -c %s "$work/s.webp")
  printf '| %s | %d | %d | %.3f | %d | %d | %.3f | %s |\n' "$name" "$oj" "$sj" \
    "$(echo "$oj / $sj" | bc -l)" "$ow" "$sw" "$(echo "$ow / $sw" | bc -l)" "${times/ //}"
done
