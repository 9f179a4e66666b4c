//! The coefficient tables of the GPU resize passes (`shaders/resize_h.wgsl`,
//! `shaders/resize_v.wgsl`), built so the GPU reproduces the CPU twin (`backend::cpu::resize`,
//! which calls `fast_image_resize` 6 with `Convolution(Lanczos3)`) integer for integer: the same
//! f64 Lanczos3 weights per output pixel (Pillow's `precompute_coefficients`, adaptive kernel
//! size), trimmed of zero weights at both ends, normalised, then quantised to `i16` with the same
//! precision rule as `fast_image_resize`'s `Normalizer16`. If `fast_image_resize` changes its
//! rounding, `tests/gpu_parity.rs` (bit-exact resize) says so.

use std::f64::consts::PI;

/// Bits kept for the sum: 32 − 8 (result) − 2 (overshoot of negative lobes), as
/// `fast_image_resize` (`PRECISION_BITS`).
const PRECISION_BITS: u8 = 32 - 8 - 2;
/// Coefficients are stored as `i16` (`MAX_COEFFS_PRECISION`).
const MAX_COEFFS_PRECISION: u8 = 16 - 1;
/// Lanczos3 reaches three source pixels either side of the centre (at scale 1).
const LANCZOS3_SUPPORT: f64 = 3.0;

fn sinc(x: f64) -> f64 {
    if x == 0.0 {
        1.0
    } else {
        let x = x * PI;
        x.sin() / x
    }
}

fn lanczos3(x: f64) -> f64 {
    if (-3.0..3.0).contains(&x) {
        sinc(x) * sinc(x / 3.0)
    } else {
        0.0
    }
}

/// The table of one resize pass from `in_size` to `out_size` pixels along one axis, laid out as
/// the shaders read it: `[precision, window, premultiply_in, divide_out]`, then `(start, size)`
/// for every output position, then `window` coefficients per output position (unused ones 0).
/// `premultiply_in` / `divide_out` say whether this pass multiplies alpha into the source
/// (the first pass) and divides it out of the result (the last pass). Returns `None` for an
/// empty axis.
pub fn table(
    in_size: u32,
    out_size: u32,
    premultiply_in: bool,
    divide_out: bool,
) -> Option<Vec<i32>> {
    if in_size == 0 || out_size == 0 {
        return None;
    }
    let scale = f64::from(in_size) / f64::from(out_size);
    let filter_scale = scale.max(1.0);
    let filter_radius = LANCZOS3_SUPPORT * filter_scale;
    let window = filter_radius.ceil() as usize * 2 + 1;
    let recip_filter_scale = 1.0 / filter_scale;

    let mut coeffs: Vec<f64> = Vec::with_capacity(window * out_size as usize);
    let mut bounds: Vec<(u32, u32)> = Vec::with_capacity(out_size as usize);
    for out_x in 0..out_size {
        let in_center = (f64::from(out_x) + 0.5) * scale;
        let x_min = (in_center - filter_radius).floor().max(0.0) as u32;
        let x_max = (in_center + filter_radius).ceil().min(f64::from(in_size)) as u32;
        let cur = coeffs.len();
        let mut ww = 0.0;
        let center = in_center - 0.5;
        let (mut start, mut end) = (x_min, x_max);
        for x in x_min..x_max {
            let w = lanczos3((f64::from(x) - center) * recip_filter_scale);
            if x == start && w == 0.0 {
                start += 1;
            } else {
                coeffs.push(w);
                ww += w;
            }
        }
        for &c in coeffs.iter().rev() {
            if end <= start || c != 0.0 {
                break;
            }
            end -= 1;
        }
        if ww != 0.0 {
            coeffs[cur..].iter_mut().for_each(|w| *w /= ww);
        }
        coeffs.resize(cur + window, 0.0);
        bounds.push((start, end - start));
    }

    // Normalizer16: the largest precision whose largest weight still fits an i16.
    let max_weight = coeffs.iter().copied().fold(f64::NEG_INFINITY, f64::max).max(0.0);
    let mut precision = 0u8;
    for p in 0..PRECISION_BITS {
        precision = p;
        let next = (max_weight * f64::from(1u32 << (p + 1))).round() as i32;
        if next >= (1 << MAX_COEFFS_PRECISION) {
            break;
        }
    }
    let unit = f64::from(1u32 << precision);

    let n = out_size as usize;
    let mut out = Vec::with_capacity(4 + 2 * n + window * n);
    out.extend([
        i32::from(precision),
        window as i32,
        i32::from(premultiply_in),
        i32::from(divide_out),
    ]);
    for &(start, size) in &bounds {
        out.extend([start as i32, size as i32]);
    }
    for (chunk, &(_, size)) in coeffs.chunks_exact(window).zip(&bounds) {
        for (k, &v) in chunk.iter().enumerate() {
            // Beyond `size` the CPU never reads the slot; 0 keeps the table tidy.
            out.push(if k < size as usize { i32::from((v * unit).round() as i16) } else { 0 });
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_has_sane_bounds_and_unit_sums() {
        let t = table(8, 4, true, false).unwrap();
        let (precision, window) = (t[0], t[1] as usize);
        assert_eq!((t[2], t[3]), (1, 0));
        // Scale 2: radius 6, window 2·6 + 1.
        assert_eq!(window, 13);
        let n = 4;
        for i in 0..n {
            let (start, size) = (t[4 + 2 * i], t[5 + 2 * i]);
            assert!(start >= 0 && start + size <= 8, "output {i}: {start}+{size}");
            let c = &t[4 + 2 * n + i * window..4 + 2 * n + (i + 1) * window];
            let sum: i32 = c.iter().sum();
            // Each weight is rounded to an i16 unit: the sum is within a few units of 1.0.
            assert!((sum - (1 << precision)).abs() <= 4, "output {i}: sum {sum}");
        }
        assert!(table(0, 4, false, false).is_none());
        assert!(table(4, 0, false, false).is_none());
    }

    #[test]
    fn upscale_precision_fits_i16() {
        let t = table(3, 100, false, true).unwrap();
        let window = t[1] as usize;
        assert_eq!(window, 7);
        let coeffs = &t[4 + 200..];
        assert!(coeffs.iter().all(|&c| c.abs() < 1 << 15));
        assert!(coeffs.iter().any(|&c| c > 1 << 13), "precision too low: {}", t[0]);
    }
}
