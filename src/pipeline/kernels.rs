//! Shared stage math, computed once and used by the CPU engine (`backend::cpu`) and, later, its
//! GPU twin: Gaussian blur weights, the rotation inverse matrix, mask coverage, the
//! brightness/contrast transfer function, the sharpen kernel, and the 0–1 → 8-bit colour rule.
//!
//! Everything here is plain `f32`/`u8` math with no allocation beyond the returned vectors, so a
//! shader can mirror it line by line. Values are sRGB-encoded 8-bit levels (0–255), as OSS and
//! libvips work by default.

/// Largest blur radius the kernels build weights for. OSS allows `r` ≤ 50 (spec §3.5); the cap
/// only keeps a malformed parameter from allocating gigabytes of weights.
pub const MAX_BLUR_RADIUS: u32 = 1024;

/// Converts a 0–1 RGBA colour (stage parameters) to 8-bit: `round(c·255)`, clamped to 0–255;
/// NaN becomes 0.
pub fn color_to_rgba8(c: [f32; 4]) -> [u8; 4] {
    c.map(|v| {
        // `as u8` saturates and maps NaN to 0, so no input can panic.
        (v * 255.0).round().clamp(0.0, 255.0) as u8
    })
}

/// Normalised Gaussian weights for a blur of radius `radius` (`2·radius+1` taps, index `radius`
/// is the centre) and standard deviation `sigma`. The weights sum to 1 (within f32 rounding).
/// A `sigma` that is not a positive finite number yields the identity kernel (all weight at the
/// centre); `radius` is capped at [`MAX_BLUR_RADIUS`].
pub fn gaussian_weights(radius: u32, sigma: f32) -> Vec<f32> {
    let r = radius.min(MAX_BLUR_RADIUS) as usize;
    let mut w = vec![0.0f32; 2 * r + 1];
    if !(sigma.is_finite() && sigma > 0.0) {
        w[r] = 1.0;
        return w;
    }
    // Computed in f64 so the normalisation error stays far below one 8-bit level.
    let two_s2 = 2.0 * f64::from(sigma) * f64::from(sigma);
    let raw: Vec<f64> = (0..=2 * r)
        .map(|i| {
            let d = i as f64 - r as f64;
            (-d * d / two_s2).exp()
        })
        .collect();
    let sum: f64 = raw.iter().sum();
    for (o, v) in w.iter_mut().zip(&raw) {
        *o = (v / sum) as f32;
    }
    w
}

/// `(sin θ, cos θ)` of an angle in degrees, exact (0, ±1) for multiples of 90° so that right-angle
/// rotations through [`rotation_inverse`] map pixel centres onto pixel centres.
pub fn sin_cos_degrees(degrees: f32) -> (f32, f32) {
    let d = f64::from(degrees).rem_euclid(360.0);
    // Exact quarter turns: f64 sin(π) is 1.2e-16, not 0, which would blur a 90° rotation.
    if d == 0.0 {
        (0.0, 1.0)
    } else if d == 90.0 {
        (1.0, 0.0)
    } else if d == 180.0 {
        (0.0, -1.0)
    } else if d == 270.0 {
        (-1.0, 0.0)
    } else {
        let (s, c) = d.to_radians().sin_cos();
        (s as f32, c as f32)
    }
}

/// The inverse affine map of a clockwise rotation by `degrees` (y axis pointing down, so clockwise
/// as seen on screen), centre of the `src_w`×`src_h` source onto the centre of the `dst_w`×`dst_h`
/// canvas. Returns `[a, b, c, d, e, f]` with
/// `sx = a·x + b·y + c`, `sy = d·x + e·y + f`, where `(x, y)` is a continuous destination
/// position (pixel `(i, j)` has its centre at `(i + 0.5, j + 0.5)`) and `(sx, sy)` the continuous
/// source position on the same convention.
pub fn rotation_inverse(degrees: f32, src_w: u32, src_h: u32, dst_w: u32, dst_h: u32) -> [f32; 6] {
    let (s, c) = sin_cos_degrees(degrees);
    let (scx, scy) = (src_w as f32 * 0.5, src_h as f32 * 0.5);
    let (dcx, dcy) = (dst_w as f32 * 0.5, dst_h as f32 * 0.5);
    // Forward (clockwise, y down): x' − dcx = (x − scx)·cos − (y − scy)·sin,
    //                              y' − dcy = (x − scx)·sin + (y − scy)·cos.
    // Inverse (transpose of the rotation):
    //   x − scx =  (x' − dcx)·cos + (y' − dcy)·sin
    //   y − scy = −(x' − dcx)·sin + (y' − dcy)·cos
    [c, s, scx - dcx * c - dcy * s, -s, c, scy + dcx * s - dcy * c]
}

/// Anti-aliased coverage of a pixel by a disc: `clamp(radius − dist + 0.5, 0, 1)` where `dist` is
/// the distance from the pixel centre to the disc centre and `(dx, dy)` that offset. A pixel whose
/// centre lies on the circle is half covered; the ramp is one pixel wide.
pub fn circle_coverage(dx: f32, dy: f32, radius: f32) -> f32 {
    let dist = (dx * dx + dy * dy).sqrt();
    (radius - dist + 0.5).clamp(0.0, 1.0)
}

/// Coverage of the pixel whose centre is at continuous position `(px, py)` by a `w`×`h` rectangle
/// with corners rounded to `radius` (capped at half the shorter side, as OSS reduces it, spec
/// §3.11). Inside the corner squares the arc's [`circle_coverage`] applies; elsewhere it is 1.
pub fn rounded_coverage(px: f32, py: f32, w: f32, h: f32, radius: f32) -> f32 {
    let r = radius.min(w.min(h) * 0.5).max(0.0);
    // Fold onto the top-left corner: distances to the nearest vertical and horizontal edge.
    let qx = px.min(w - px);
    let qy = py.min(h - py);
    if qx < r && qy < r {
        circle_coverage(r - qx, r - qy, r)
    } else {
        1.0
    }
}

/// Brightness transfer: `out = in + bright·255/100`, with `bright` clamped to −100…100.
/// So `bright,50` adds 127.5 levels (clearly brighter), `bright,100` turns everything white and
/// `bright,-100` black. The result is rounded and clamped to 0–255 (spec §3.6 \[U\]: the additive
/// variant of the spec's recommendation).
pub fn bright_transfer(v: u8, bright: i32) -> u8 {
    let b = bright.clamp(-100, 100) as f32;
    (f32::from(v) + b * 255.0 / 100.0).round().clamp(0.0, 255.0) as u8
}

/// The contrast slope for `contrast` ∈ −100…100 (clamped): `(100 + c)/100` for c ≤ 0, so
/// −50 halves the spread and −100 flattens to grey; `100/(100 − c)` for c > 0, so 50 doubles it
/// and the slope grows without bound as c → 100. `contrast,100` is capped at 255, which
/// thresholds every level at 128. The two halves mirror each other on a log scale
/// (slope(−c) = 1/slope(c) for 0 < c < 100).
pub fn contrast_slope(contrast: i32) -> f32 {
    let c = contrast.clamp(-100, 100) as f32;
    if c <= 0.0 {
        (100.0 + c) / 100.0
    } else {
        // 255: any level one step away from the pivot reaches the 0/255 rails.
        (100.0 / (100.0 - c)).min(255.0)
    }
}

/// Contrast transfer around mid-grey 128: `out = (in − 128)·slope + 128` with
/// [`contrast_slope`], rounded and clamped (spec §3.7 \[U\]). 128 is a fixed point for every value.
pub fn contrast_transfer(v: u8, contrast: i32) -> u8 {
    let f = contrast_slope(contrast);
    ((f32::from(v) - 128.0) * f + 128.0).round().clamp(0.0, 255.0) as u8
}

/// The 256-entry lookup table of one `ColorAdjust` stage: brightness first, then contrast, each
/// rounded to 8 bits as two consecutive actions would be. Applied to R, G and B; alpha untouched.
pub fn color_adjust_lut(bright: i32, contrast: i32) -> [u8; 256] {
    let mut lut = [0u8; 256];
    for (i, o) in lut.iter_mut().enumerate() {
        *o = contrast_transfer(bright_transfer(i as u8, bright), contrast);
    }
    lut
}

/// The unsharp mask's blur: the 3×3 binomial kernel `[1 2 1]ᵀ·[1 2 1] / 16` (a Gaussian of
/// σ ≈ 0.85), row-major, centre at index 4.
pub const SHARPEN_BLUR: [f32; 9] = [
    1.0 / 16.0,
    2.0 / 16.0,
    1.0 / 16.0,
    2.0 / 16.0,
    4.0 / 16.0,
    2.0 / 16.0,
    1.0 / 16.0,
    2.0 / 16.0,
    1.0 / 16.0,
];

/// Unsharp-mask amount for an OSS `sharpen` value: `value/100`, so the recommended 100 adds the
/// full high-pass detail once (moderate), 50 half of it and 399 four times (strong). The stage
/// computes `out = in + amount·(in − blur₃ₓ₃(in))` on colour, alpha unchanged.
pub fn sharpen_amount(value: u32) -> f32 {
    value as f32 / 100.0
}

/// The whole sharpen stage as one 3×3 convolution kernel for an opaque image:
/// `(1 + amount)·δ − amount·SHARPEN_BLUR` (row-major, sums to 1).
pub fn sharpen_kernel(value: u32) -> [f32; 9] {
    let a = sharpen_amount(value);
    let mut k = SHARPEN_BLUR.map(|w| -a * w);
    k[4] += 1.0 + a;
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaussian_weights_are_normalised_and_symmetric() {
        let w = gaussian_weights(5, 2.0);
        assert_eq!(w.len(), 11);
        let sum: f32 = w.iter().sum();
        // f32 sum of 11 terms: a few ulps off 1.
        assert!((sum - 1.0).abs() < 1e-5, "sum {sum}");
        for i in 0..5 {
            assert_eq!(w[i], w[10 - i]);
            assert!(w[i] < w[i + 1]);
        }
        assert_eq!(gaussian_weights(2, 0.0), vec![0.0, 0.0, 1.0, 0.0, 0.0]);
        assert_eq!(gaussian_weights(u32::MAX, 1.0).len(), 2 * MAX_BLUR_RADIUS as usize + 1);
    }

    #[test]
    fn rotation_inverse_maps_quarter_turn_pixel_centres() {
        // 4×2 source rotated 90° clockwise onto 2×4: destination (0,0) shows source (0, 1)
        // (bottom-left), i.e. source (x = j, y = H−1−i).
        let m = rotation_inverse(90.0, 4, 2, 2, 4);
        let map = |i: f32, j: f32| (m[0] * i + m[1] * j + m[2], m[3] * i + m[4] * j + m[5]);
        assert_eq!(map(0.5, 0.5), (0.5, 1.5));
        assert_eq!(map(1.5, 3.5), (3.5, 0.5));
        // Identity at 0° and 360°.
        assert_eq!(rotation_inverse(0.0, 3, 3, 3, 3), [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
        assert_eq!(rotation_inverse(360.0, 3, 3, 3, 3), [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    }

    #[test]
    fn coverage_ramps_over_one_pixel() {
        assert_eq!(circle_coverage(0.0, 0.0, 3.5), 1.0);
        assert_eq!(circle_coverage(3.5, 0.0, 3.5), 0.5);
        assert_eq!(circle_coverage(4.0, 0.0, 3.5), 0.0);
        // Rounded 10×10, r 4: the corner pixel centre (0.5, 0.5) is 4.95 from the arc centre.
        assert_eq!(rounded_coverage(0.5, 0.5, 10.0, 10.0, 4.0), 0.0);
        assert_eq!(rounded_coverage(5.0, 0.5, 10.0, 10.0, 4.0), 1.0);
        assert_eq!(rounded_coverage(9.5, 9.5, 10.0, 10.0, 4.0), 0.0);
    }

    #[test]
    fn transfer_functions_at_key_levels() {
        assert_eq!(bright_transfer(0, 50), 128); // 127.5 rounds half away from zero
        assert_eq!(bright_transfer(200, 50), 255);
        assert_eq!(bright_transfer(100, -100), 0);
        assert_eq!(contrast_transfer(0, -100), 128);
        assert_eq!(contrast_transfer(255, -100), 128);
        assert_eq!(contrast_transfer(100, 50), 72);
        assert_eq!(contrast_transfer(127, 100), 0);
        assert_eq!(contrast_transfer(129, 100), 255);
        assert_eq!(contrast_slope(-50), 0.5);
        assert_eq!(contrast_slope(50), 2.0);
        let id = color_adjust_lut(0, 0);
        assert!(id.iter().enumerate().all(|(i, &v)| v as usize == i));
        assert_eq!(color_to_rgba8([1.0, 0.5, 0.0, f32::NAN]), [255, 128, 0, 0]);
    }

    #[test]
    fn sharpen_kernel_sums_to_one() {
        let k = sharpen_kernel(100);
        let sum: f32 = k.iter().sum();
        assert!((sum - 1.0).abs() < 1e-6);
        assert_eq!(k[4], 1.75); // 2 − 0.25
        assert_eq!(k[0], -1.0 / 16.0);
    }
}
