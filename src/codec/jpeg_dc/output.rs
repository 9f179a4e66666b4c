//! The 1/8-scale "IDCT" (libjpeg-turbo's `jpeg_idct_1x1` and `jpeg_idct_2x2`, integer for
//! integer), box upsampling by replication (at 1/8 libjpeg-turbo never uses fancy upsampling:
//! `jinit_upsampler` requires `min_DCT_scaled_size > 1`) and colour conversion to RGBA
//! (`jdcolor.c`'s YCbCr tables).

/// Output colour space, as libjpeg-turbo decides it from the markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorSpace {
    /// One component.
    Gray,
    /// Three components, YCbCr (JFIF and most files).
    YCbCr,
    /// Three components stored as RGB (Adobe transform 0, or component ids 'R','G','B').
    Rgb,
}

/// `IDCT_range_limit` with `RANGE_MASK`: the table wraps every 1024, so this is a 10-bit
/// sign extension followed by clamping the level-shifted value.
#[inline]
fn range_idct(x: i32) -> u8 {
    let s = ((x & 1023) ^ 512) - 512;
    (s + 128).clamp(0, 255) as u8
}

/// `DEQUANTIZE` with libjpeg-turbo's SIMD build, where `ISLOW_MULT_TYPE` is `short`.
#[inline]
fn deq(c: i16, q: u16) -> i64 {
    i64::from(c) * i64::from(q as i16)
}

/// `jpeg_idct_1x1`: one sample from the DC coefficient.
#[inline]
pub(super) fn idct1(dc: i16, q0: u16) -> u8 {
    let v = (deq(dc, q0) as i32 + 4) >> 3;
    range_idct(v)
}

/// Mask of the natural positions of `blk` holding a nonzero coefficient (bit `i` for `blk[i]`),
/// as [`idct2`] takes it.
pub(super) fn nonzero(blk: &[i16; 64]) -> u64 {
    blk.iter().enumerate().fold(0, |m, (i, &v)| m | u64::from(v != 0) << i)
}

/// Bit mask of the positions of column `col` in the rows the 2×2 IDCT reads (0, 1, 3, 5, 7).
const fn column(col: usize) -> u64 {
    let rows = [0usize, 1, 3, 5, 7];
    let (mut m, mut i) = (0u64, 0);
    while i < 5 {
        m |= 1 << (rows[i] * 8 + col);
        i += 1;
    }
    m
}

/// `jpeg_idct_2x2`: a 2×2 block (row-major) from a natural-order coefficient block; only
/// coefficients whose row and column are 0, 1, 3, 5 or 7 contribute. `nz` marks the positions
/// that may be nonzero (any superset of the nonzero ones, e.g. [`nonzero`]).
pub(super) fn idct2(blk: &[i16; 64], q: &[u16; 64], nz: u64) -> [u8; 4] {
    const COLS: [u64; 8] = [column(0), column(1), 0, column(3), 0, column(5), 0, column(7)];
    const USED: u64 = (COLS[0] | COLS[1] | COLS[3] | COLS[5] | COLS[7]) & !1;
    // A column without a nonzero coefficient contributes exactly 0 to both passes; a block
    // with none but the DC reduces exactly to (4·dc·q + 16) >> 5 (pass 1 yields 4·dc·q with no
    // rounding loss).
    if nz & USED == 0 {
        let ws = (deq(blk[0], q[0]) * 4) as i32; // the `(int)` of pass 1
        let v = range_idct(((i64::from(ws) + 16) >> 5) as i32);
        return [v; 4];
    }
    const C7: i64 = -5906;
    const C5: i64 = 6967;
    const C3: i64 = -10426;
    const C1: i64 = 29692;
    let descale = |x: i64, n: u32| (x + (1 << (n - 1))) >> n;
    let mut ws = [[0i32; 8]; 2];
    for col in [0usize, 1, 3, 5, 7] {
        if col != 0 && nz & COLS[col] == 0 {
            continue; // descale(0) is 0
        }
        let z = |row: usize| deq(blk[row * 8 + col], q[row * 8 + col]);
        let tmp10 = z(0) << 15;
        let tmp0 = z(7) * C7 + z(5) * C5 + z(3) * C3 + z(1) * C1;
        ws[0][col] = descale(tmp10 + tmp0, 13 - 2 + 2) as i32;
        ws[1][col] = descale(tmp10 - tmp0, 13 - 2 + 2) as i32;
    }
    let mut out = [0u8; 4];
    for (r, w) in ws.iter().enumerate() {
        let tmp10 = i64::from(w[0]) << 15;
        let tmp0 = i64::from(w[7]) * C7
            + i64::from(w[5]) * C5
            + i64::from(w[3]) * C3
            + i64::from(w[1]) * C1;
        out[2 * r] = range_idct(descale(tmp10 + tmp0, 13 + 2 + 3 + 2) as i32);
        out[2 * r + 1] = range_idct(descale(tmp10 - tmp0, 13 + 2 + 3 + 2) as i32);
    }
    out
}

/// One component's decoded samples at its scaled size and how it maps onto output pixels.
pub(super) struct PlaneRef<'a> {
    pub samples: &'a [u8],
    /// Samples per plane row.
    pub stride: usize,
    /// Replication factors (`max_samp / (samp × DCT scaled size)`).
    pub hexp: usize,
    pub vexp: usize,
}

/// `jdcolor.c` YCbCr→RGB tables: (Cr→R, Cb→B, Cr→G, Cb→G + ONE_HALF).
fn ycc_tables() -> &'static [[i32; 256]; 4] {
    static T: std::sync::OnceLock<[[i32; 256]; 4]> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        const ONE_HALF: i64 = 1 << 15;
        let fix = |x: f64| (x * 65536.0 + 0.5) as i64;
        let mut t = [[0i32; 256]; 4];
        for (i, x) in (-128i64..128).enumerate() {
            t[0][i] = ((fix(1.40200) * x + ONE_HALF) >> 16) as i32;
            t[1][i] = ((fix(1.77200) * x + ONE_HALF) >> 16) as i32;
            t[2][i] = (-fix(0.71414) * x) as i32;
            t[3][i] = (-fix(0.34414) * x + ONE_HALF) as i32;
        }
        t
    })
}

/// Upsamples and converts the planes to `width × height` RGBA.
pub(super) fn to_rgba<'a>(
    planes: &[PlaneRef<'a>],
    cs: ColorSpace,
    width: usize,
    height: usize,
) -> Option<Vec<u8>> {
    let want = if cs == ColorSpace::Gray { 1 } else { 3 };
    if planes.len() != want || planes.iter().any(|p| p.hexp == 0 || p.vexp == 0) {
        return None;
    }
    let mut out = vec![0u8; width.checked_mul(height)?.checked_mul(4)?];
    let t = ycc_tables();
    let clamp = |v: i32| v.clamp(0, 255) as u8;
    // Rows of horizontally replicated planes, rebuilt per output row; empty for the others.
    let mut wide: Vec<Vec<u8>> =
        planes.iter().map(|p| if p.hexp == 1 { Vec::new() } else { vec![0; width] }).collect();
    for (y, row) in out.chunks_exact_mut(width * 4).enumerate() {
        let src = |p: &PlaneRef<'a>| {
            let start = (y / p.vexp) * p.stride;
            p.samples.get(start..start + p.stride)
        };
        for (p, w) in planes.iter().zip(&mut wide) {
            if p.hexp != 1 {
                let s = src(p)?;
                for (x, d) in w.iter_mut().enumerate() {
                    *d = *s.get(x / p.hexp)?;
                }
            }
        }
        let mut rows: [&[u8]; 3] = [&[]; 3];
        for ((r, p), w) in rows.iter_mut().zip(planes).zip(&wide) {
            *r = if p.hexp == 1 { src(p)?.get(..width)? } else { w };
        }
        let px = row.chunks_exact_mut(4);
        match cs {
            ColorSpace::Gray => {
                for (o, &g) in px.zip(rows[0]) {
                    o.copy_from_slice(&[g, g, g, 255]);
                }
            }
            ColorSpace::Rgb => {
                for (o, ((&r, &g), &b)) in px.zip(rows[0].iter().zip(rows[1]).zip(rows[2])) {
                    o.copy_from_slice(&[r, g, b, 255]);
                }
            }
            ColorSpace::YCbCr => {
                for (o, ((&yy, &cb), &cr)) in px.zip(rows[0].iter().zip(rows[1]).zip(rows[2])) {
                    let (yy, cb, cr) = (i32::from(yy), usize::from(cb), usize::from(cr));
                    o.copy_from_slice(&[
                        clamp(yy + t[0][cr]),
                        clamp(yy + ((t[3][cb] + t[2][cr]) >> 16)),
                        clamp(yy + t[1][cb]),
                        255,
                    ]);
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_limit_wraps_like_libjpeg() {
        assert_eq!(range_idct(0), 128);
        assert_eq!(range_idct(127), 255);
        assert_eq!(range_idct(300), 255);
        assert_eq!(range_idct(-128), 0);
        assert_eq!(range_idct(-400), 0);
        // 1024 wraps back to 0 → 128, as the masked table does.
        assert_eq!(range_idct(1024), 128);
        assert_eq!(idct1(-1024 / 8, 8), 0);
        assert_eq!(idct1(5, 16), 138);
    }

    #[test]
    fn flat_2x2_equals_1x1() {
        let mut blk = [0i16; 64];
        let q = [3u16; 64];
        blk[0] = 37;
        let v = idct1(37, 3);
        // 2×2 of a DC-only block: (dc·q·4 + 16) >> 5, the same rounding as 1×1.
        assert_eq!(idct2(&blk, &q, nonzero(&blk)), [v; 4]);
        // An AC term the 2×2 IDCT ignores (row 2) keeps the flat result; one it uses does not.
        blk[16] = 40;
        assert_eq!(idct2(&blk, &q, nonzero(&blk)), [v; 4]);
        blk[1] = 40;
        let px = idct2(&blk, &q, nonzero(&blk));
        // A superset mask gives the same pixels.
        assert_eq!(idct2(&blk, &q, u64::MAX), px);
        assert!(px[0] > px[1] && px[2] > px[3], "{px:?}");
    }
}
