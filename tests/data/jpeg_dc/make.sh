#!/bin/sh
# Regenerates the DC-only decoder's test files (tests/jpeg_dc.rs) from ../Landscape_1.jpg with
# Debian's libjpeg-turbo-progs (cjpeg/djpeg/jpegtran 2.1.5). Sizes are deliberately not
# multiples of 8 or 16.
set -eu
cd "$(dirname "$0")"
T=$(mktemp -d)
djpeg -scale 1/4 ../Landscape_1.jpg > "$T/full.ppm"
# Crop to 293x219 (odd, not a multiple of 8/16): P6 header, then raw rows of 300 pixels.
python3 - "$T/full.ppm" "$T/src.ppm" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
parts = d.split(b'\n', 3)
w, h = map(int, parts[1].split())
px = parts[3]
W, H = 293, 219
rows = [px[y * w * 3:(y * w + W) * 3] for y in range(H)]
open(sys.argv[2], 'wb').write(b'P6\n%d %d\n255\n' % (W, H) + b''.join(rows))
PY
for s in 1x1 2x1 1x2 2x2 4x1 4x2 1x4 2x2,1x1,2x2; do
  n=$(echo "$s" | tr ',' '_')
  cjpeg -quality 85 -sample "$s" "$T/src.ppm" > "base_$n.jpg"
done
cjpeg -quality 85 -sample 2x2 -restart 3B "$T/src.ppm" > base_2x2_restart3b.jpg
cjpeg -quality 85 -sample 1x1 -restart 1 "$T/src.ppm" > base_1x1_restart1row.jpg
cjpeg -quality 90 -grayscale "$T/src.ppm" > gray.jpg
cjpeg -quality 90 -rgb "$T/src.ppm" > rgb.jpg
cjpeg -quality 85 -optimize -sample 2x2 "$T/src.ppm" > base_2x2_optimized.jpg
cjpeg -quality 100 -sample 2x2 "$T/src.ppm" > base_2x2_q100.jpg
# Progressive: libjpeg's default script (with successive approximation), mozjpeg-like and
# DC/AC successive-approximation scripts, with and without restart intervals.
for n in 1x1 2x1 1x2 2x2 4x1 4x2; do
  jpegtran -progressive "base_$n.jpg" > "prog_$n.jpg"
done
jpegtran -progressive gray.jpg > prog_gray.jpg
jpegtran -progressive rgb.jpg > prog_rgb.jpg
jpegtran -progressive -restart 2B base_2x2.jpg > prog_2x2_restart2b.jpg
jpegtran -progressive -restart 1 base_1x1.jpg > prog_1x1_restart1row.jpg
cat > "$T/mozjpeg.txt" <<'S'
0: 0 0 0 0;
1: 0 0 0 0;
2: 0 0 0 0;
0: 1 2 0 0;
0: 3 63 0 1;
0: 3 63 1 0;
1: 1 63 0 0;
2: 1 63 0 0;
S
cat > "$T/sa.txt" <<'S'
0 1 2: 0 0 0 2;
0 1 2: 0 0 2 1;
0: 1 5 0 2;
1: 1 63 0 2;
2: 1 9 0 1;
2: 10 63 0 1;
0: 6 63 0 2;
0: 1 63 2 1;
1: 1 63 2 1;
0 1 2: 0 0 1 0;
2: 1 63 1 0;
1: 1 63 1 0;
0: 1 63 1 0;
S
for n in 1x1 2x2; do
  jpegtran -scans "$T/mozjpeg.txt" "base_$n.jpg" > "moz_$n.jpg"
  jpegtran -scans "$T/sa.txt" "base_$n.jpg" > "sa_$n.jpg"
done
jpegtran -scans "$T/sa.txt" -restart 5B base_2x2.jpg > sa_2x2_restart5b.jpg
# Fallbacks: arithmetic coding (sequential and progressive), and a progressive file whose luma
# AC never finishes refining (libjpeg-turbo block-smooths it).
jpegtran -arithmetic base_2x2.jpg > arith_2x2.jpg
jpegtran -arithmetic -progressive base_1x1.jpg > arith_prog_1x1.jpg
cat > "$T/unrefined.txt" <<'S'
0 1 2: 0 0 0 0;
0: 1 63 0 1;
1: 1 63 0 0;
2: 1 63 0 0;
S
jpegtran -scans "$T/unrefined.txt" base_1x1.jpg > unrefined_1x1.jpg
rm -r "$T"
