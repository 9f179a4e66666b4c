//! The 1/8-scale "IDCT" (libjpeg-turbo's `jpeg_idct_1x1` and `jpeg_idct_2x2`, integer for
//! integer), the 1/4-scale box-mean IDCTs ([`low2`], [`box4`]), box upsampling by replication
//! (at 1/8 libjpeg-turbo never uses fancy upsampling: `jinit_upsampler` requires
//! `min_DCT_scaled_size > 1`) and colour conversion to RGBA (`jdcolor.c`'s YCbCr tables).

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

/// Box means of the 8-point IDCT's basis over `N` equal runs of samples: `B[n][u]` is
/// `C(u)/2` times the mean of `cos((2x+1)uπ/16)` over the `x` of run `n` (`C(0) = 1/√2`, else
/// 1), so that a block's `N × N` box means are `Σ_v Σ_u B[m][v]·B[n][u]·F[v][u]` for its
/// dequantised coefficients `F` (row `v`, column `u`). Even `u ≥ 2` average to 0 over runs of
/// 4; only `u = 4` does over runs of 2.
pub(super) struct BoxBasis {
    b2: [[f32; 8]; 2],
    b4: [[f32; 8]; 4],
}

/// The box-mean bases, computed once.
pub(super) fn box_basis() -> &'static BoxBasis {
    fn runs<const N: usize>() -> [[f32; 8]; N] {
        let len = 8 / N;
        std::array::from_fn(|n| {
            std::array::from_fn(|u| {
                let c = if u == 0 { std::f64::consts::FRAC_1_SQRT_2 } else { 1.0 };
                let mean = (n * len..(n + 1) * len)
                    .map(|x| ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0).cos())
                    .sum::<f64>()
                    / len as f64;
                let v = c / 2.0 * mean;
                // Exact zeros where the mean vanishes, so skipped coefficients cost nothing.
                (if v.abs() < 1e-12 { 0.0 } else { v }) as f32
            })
        })
    }
    static B: std::sync::OnceLock<BoxBasis> = std::sync::OnceLock::new();
    B.get_or_init(|| BoxBasis { b2: runs::<2>(), b4: runs::<4>() })
}

/// A level-shifted box mean rounded to a sample.
#[inline]
fn sample(s: f32) -> u8 {
    (s + 128.5).clamp(0.0, 255.0) as u8
}

/// 1/4 scale for a fully sampled component: the 2×2 box means (row-major) of a block's IDCT,
/// computed from coefficients (0,0), (0,1), (1,0) and (1,1) only. The exact means
/// (libjpeg-turbo's `jpeg_idct_2x2`) add the odd frequencies 3, 5 and 7 of each direction,
/// which are above the 2×2 grid's Nyquist limit and fold into it as aliasing; leaving them
/// out is what lets the decoder skip every coefficient past zigzag position 4.
#[inline]
pub(super) fn low2(blk: &[i16; 64], q: &[u16; 64], b: &BoxBasis) -> [u8; 4] {
    let f = |i: usize| deq(blk[i], q[i]) as f32;
    let (f00, f01, f10, f11) = (f(0), f(1), f(8), f(9));
    let (d, a) = (b.b2[0][0], b.b2[0][1]);
    // b2[1][1] = -a: the second run's mean of the first cosine is the first's, negated.
    let dc = f00 * d * d;
    let h = f01 * d * a;
    let v = f10 * a * d;
    let hv = f11 * a * a;
    [
        sample(dc + h + v + hv),
        sample(dc - h + v - hv),
        sample(dc + h - v - hv),
        sample(dc - h - v + hv),
    ]
}

/// 1/4 scale for chroma subsampled 2× both ways: the 4×4 box means (row-major) of a block's
/// IDCT over all its coefficients (what libjpeg-turbo's `jpeg_idct_4x4` computes, in floating
/// point). `nz` marks the positions that may be nonzero.
pub(super) fn box4(blk: &[i16; 64], q: &[u16; 64], nz: u64, b: &BoxBasis) -> [u8; 16] {
    if nz & !1 == 0 {
        return [sample(deq(blk[0], q[0]) as f32 / 8.0); 16];
    }
    // Row pass over the rows holding a coefficient, then the column pass over those rows.
    let mut rows = [[0f32; 4]; 8];
    let mut used = 0u8;
    for (v, r) in rows.iter_mut().enumerate() {
        let mut m = (nz >> (v * 8)) & 0xFF;
        if m == 0 {
            continue;
        }
        used |= 1 << v;
        while m != 0 {
            let u = m.trailing_zeros() as usize;
            m &= m - 1;
            let f = deq(blk[v * 8 + u], q[v * 8 + u]) as f32;
            for (n, o) in r.iter_mut().enumerate() {
                *o += b.b4[n][u] * f;
            }
        }
    }
    let mut acc = [[0f32; 4]; 4];
    while used != 0 {
        let v = used.trailing_zeros() as usize;
        used &= used - 1;
        for (m, a) in acc.iter_mut().enumerate() {
            let w = b.b4[m][v];
            for (o, &x) in a.iter_mut().zip(&rows[v]) {
                *o += w * x;
            }
        }
    }
    let mut out = [0u8; 16];
    for (o, &s) in out.iter_mut().zip(acc.as_flattened()) {
        *o = sample(s);
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

/// `jdcolor.c`'s YCbCr→RGB conversion for one pixel, as arithmetic rather than its tables
/// (`FIX(x)` is `x·2¹⁶` rounded; each table entry is the expression below for its index), so
/// that a row of pixels vectorises.
#[inline(always)]
fn ycc_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 4] {
    const ONE_HALF: i32 = 1 << 15;
    const FIX_1_40200: i32 = 91881;
    const FIX_1_77200: i32 = 116130;
    const FIX_0_71414: i32 = 46802;
    const FIX_0_34414: i32 = 22554;
    let (y, cb, cr) = (i32::from(y), i32::from(cb) - 128, i32::from(cr) - 128);
    let clamp = |v: i32| v.clamp(0, 255) as u8;
    [
        clamp(y + ((FIX_1_40200 * cr + ONE_HALF) >> 16)),
        clamp(y + ((-FIX_0_34414 * cb - FIX_0_71414 * cr + ONE_HALF) >> 16)),
        clamp(y + ((FIX_1_77200 * cb + ONE_HALF) >> 16)),
        255,
    ]
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
                    o.copy_from_slice(&ycc_to_rgb(yy, cb, cr));
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

    /// Box means (`n × n`, row-major, level-shifted) of a block's exact floating-point IDCT.
    fn reference_means(blk: &[i16; 64], q: &[u16; 64], n: usize) -> Vec<f64> {
        use std::f64::consts::{FRAC_1_SQRT_2, PI};
        let c = |u: usize| if u == 0 { FRAC_1_SQRT_2 } else { 1.0 };
        let mut px = [[0f64; 8]; 8];
        for (y, row) in px.iter_mut().enumerate() {
            for (x, p) in row.iter_mut().enumerate() {
                let mut s = 0.0;
                for v in 0..8 {
                    for u in 0..8 {
                        let f = f64::from(blk[v * 8 + u]) * f64::from(q[v * 8 + u]);
                        s += c(u)
                            * c(v)
                            * f
                            * ((2 * x + 1) as f64 * u as f64 * PI / 16.0).cos()
                            * ((2 * y + 1) as f64 * v as f64 * PI / 16.0).cos();
                    }
                }
                *p = s / 4.0 + 128.0;
            }
        }
        let len = 8 / n;
        (0..n * n)
            .map(|i| {
                let (m, k) = (i / n, i % n);
                let sum: f64 =
                    (0..len * len).map(|j| px[m * len + j / len][k * len + j % len]).sum();
                sum / (len * len) as f64
            })
            .collect()
    }

    fn assert_near(got: &[u8], want: &[f64]) {
        for (g, w) in got.iter().zip(want) {
            let w = w.clamp(0.0, 255.0);
            assert!((f64::from(*g) - w).abs() <= 0.51, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn quarter_idcts_are_box_means_of_the_idct() {
        let b = box_basis();
        let mut seed = 7u64;
        let mut rnd = |n: i64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as i64 % (2 * n + 1) - n) as i16
        };
        let q: [u16; 64] = std::array::from_fn(|i| 1 + (i as u16 % 13));
        for _ in 0..200 {
            // low2 is exact for a block holding only (0,0), (0,1), (1,0), (1,1).
            let mut blk = [0i16; 64];
            for i in [0, 1, 8, 9] {
                blk[i] = rnd(60);
            }
            assert_near(&low2(&blk, &q, b), &reference_means(&blk, &q, 2));
            // box4 is exact for any block.
            let blk: [i16; 64] =
                std::array::from_fn(|i| if i < 20 || i % 7 == 0 { rnd(40) } else { 0 });
            assert_near(&box4(&blk, &q, nonzero(&blk) | 1, b), &reference_means(&blk, &q, 4));
        }
        // A DC-only block is flat at every scale, and equals jpeg_idct_1x1.
        let mut blk = [0i16; 64];
        blk[0] = 37;
        let q = [3u16; 64];
        assert_eq!(low2(&blk, &q, b), [idct1(37, 3); 4]);
        assert_eq!(box4(&blk, &q, 1, b), [idct1(37, 3); 16]);
    }
}
