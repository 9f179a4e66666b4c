//! The forward DCT: the AAN float factorisation (Arai, Agui, Nakajima; libjpeg's `jfdctflt.c`
//! uses the same one), followed by the descaling that makes the result the orthonormal DCT of
//! T.81 A.3.3, so squared errors of coefficients are squared errors of pixels.

use crate::codec::jpeg_std::ZIGZAG;

/// `√2·cos(kπ/16)` for k ≥ 1 and 1 for k = 0: the row and column scale AAN leaves in its output.
const AAN: [f64; 8] = [
    1.0,
    1.387_039_845,
    1.306_562_965,
    1.175_875_602,
    1.0,
    0.785_694_958,
    0.541_196_100,
    0.275_899_379,
];

/// Factor that turns AAN output at natural index `u·8 + v` into the orthonormal coefficient.
const DESCALE: [f32; 64] = {
    let mut t = [0f32; 64];
    let mut i = 0;
    while i < 64 {
        t[i] = (1.0 / (8.0 * AAN[i / 8] * AAN[i % 8])) as f32;
        i += 1;
    }
    t
};

/// One 8-point AAN pass over `d[o], d[o+s], …, d[o+7s]`, in place.
#[inline(always)]
fn pass(d: &mut [f32; 64], o: usize, s: usize) {
    let x = |k: usize| d[o + k * s];
    let (t0, t7) = (x(0) + x(7), x(0) - x(7));
    let (t1, t6) = (x(1) + x(6), x(1) - x(6));
    let (t2, t5) = (x(2) + x(5), x(2) - x(5));
    let (t3, t4) = (x(3) + x(4), x(3) - x(4));
    // Even part.
    let (t10, t13) = (t0 + t3, t0 - t3);
    let (t11, t12) = (t1 + t2, t1 - t2);
    d[o] = t10 + t11;
    d[o + 4 * s] = t10 - t11;
    let z1 = (t12 + t13) * std::f32::consts::FRAC_1_SQRT_2;
    d[o + 2 * s] = t13 + z1;
    d[o + 6 * s] = t13 - z1;
    // Odd part.
    let t10 = t4 + t5;
    let t11 = t5 + t6;
    let t12 = t6 + t7;
    let z5 = (t10 - t12) * 0.382_683_43;
    let z2 = 0.541_196_1 * t10 + z5;
    let z4 = 1.306_563 * t12 + z5;
    let z3 = t11 * std::f32::consts::FRAC_1_SQRT_2;
    let z11 = t7 + z3;
    let z13 = t7 - z3;
    d[o + 5 * s] = z13 + z2;
    d[o + 3 * s] = z13 - z2;
    d[o + s] = z11 + z4;
    d[o + 7 * s] = z11 - z4;
}

/// The orthonormal DCT coefficients, in zigzag order, of one block of level-shifted samples
/// (row-major; overwritten).
pub(super) fn forward(d: &mut [f32; 64]) -> [f32; 64] {
    for row in 0..8 {
        pass(d, row * 8, 1);
    }
    for col in 0..8 {
        pass(d, col, 8);
    }
    std::array::from_fn(|k| d[ZIGZAG[k]] * DESCALE[ZIGZAG[k]])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The T.81 definition, computed directly in f64.
    fn reference(px: &[f32; 64]) -> [f64; 64] {
        let c = |k: usize| if k == 0 { std::f64::consts::FRAC_1_SQRT_2 } else { 1.0 };
        let mut out = [0f64; 64];
        for u in 0..8 {
            for v in 0..8 {
                let mut s = 0.0;
                for y in 0..8 {
                    for x in 0..8 {
                        let a = ((2 * y + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0).cos();
                        let b = ((2 * x + 1) as f64 * v as f64 * std::f64::consts::PI / 16.0).cos();
                        s += f64::from(px[y * 8 + x]) * a * b;
                    }
                }
                out[u * 8 + v] = 0.25 * c(u) * c(v) * s;
            }
        }
        out
    }

    #[test]
    fn aan_equals_the_orthonormal_dct() {
        let mut seed = 12345u32;
        for _ in 0..50 {
            let mut px = [0f32; 64];
            for p in &mut px {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                *p = (seed >> 16 & 255) as f32 - 128.0;
            }
            let want = reference(&px);
            let got = forward(&mut px.clone());
            for k in 0..64 {
                let w = want[ZIGZAG[k]];
                assert!((f64::from(got[k]) - w).abs() < 2e-3, "k {k}: {} vs {w}", got[k]);
            }
        }
    }
}
