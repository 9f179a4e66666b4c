//! `mask_circle`: make everything outside the centred incircle transparent (OSS `circle`).

use super::well_formed;
use crate::pipeline::{kernels, Image, MaskParams};

/// Scales alpha by the anti-aliased coverage ([`kernels::circle_coverage`]) of the circle of
/// radius `p.radius + 0.5` around the image centre, in place; colour is kept. The planner makes
/// the image `(2r+1)×(2r+1)`, so the circle touches the edges' midpoints; the radius is capped at
/// half the shorter side for any other size.
pub fn mask_circle(mut img: Image, p: &MaskParams) -> Image {
    if !well_formed(&img) || img.width == 0 {
        return img;
    }
    let (w, h) = (img.width as f32, img.height as f32);
    let radius = (p.radius as f32 + 0.5).min(w.min(h) * 0.5);
    let (cx, cy) = (w * 0.5, h * 0.5);
    for (y, row) in img.pixels.chunks_exact_mut(img.width as usize * 4).enumerate() {
        let dy = y as f32 + 0.5 - cy;
        for (x, px) in row.chunks_exact_mut(4).enumerate() {
            let cov = kernels::circle_coverage(x as f32 + 0.5 - cx, dy, radius);
            if cov < 1.0 {
                px[3] = super::to_u8(f32::from(px[3]) * cov);
            }
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_is_transparent_inside_is_kept() {
        let r = 10;
        let n = 2 * r + 1;
        let out = mask_circle(
            Image::filled(n, n, [200, 100, 50, 255]),
            &MaskParams { radius: r, _pad: [0; 3] },
        );
        for (x, y) in [(0, 0), (n - 1, 0), (0, n - 1), (n - 1, n - 1), (2, 2)] {
            // Colour kept, alpha gone: the corner pixel centres are ≥ 11.3 px from the centre.
            assert_eq!(out.pixel(x, y), [200, 100, 50, 0], "({x},{y})");
        }
        assert_eq!(out.pixel(r, r), [200, 100, 50, 255]);
        // Edge midpoints: the pixel centre is 10 px out, 0.5 inside the rim → fully covered.
        assert_eq!(out.pixel(0, r)[3], 255);
        assert_eq!(out.pixel(r, n - 1)[3], 255);
        // Radius 10.5: (3, 3) is 9.90 px out → coverage 10.5 − 9.90 + 0.5 clamps to 1;
        // (2, 3) is 10.63 px out → coverage 0.37 → alpha 94 (±4 covers f32 rounding of the sqrt).
        assert_eq!(out.pixel(3, 3)[3], 255);
        let a = out.pixel(2, 3)[3];
        assert!((90..=98).contains(&a), "rim alpha {a}");
        // Symmetric under the 8 symmetries of the square.
        for y in 0..n {
            for x in 0..n {
                assert_eq!(out.pixel(x, y), out.pixel(n - 1 - x, y));
                assert_eq!(out.pixel(x, y), out.pixel(y, x));
            }
        }
    }

    #[test]
    fn existing_alpha_is_scaled_not_replaced() {
        let out = mask_circle(
            Image::filled(7, 7, [1, 2, 3, 100]),
            &MaskParams { radius: 3, _pad: [0; 3] },
        );
        assert_eq!(out.pixel(3, 3), [1, 2, 3, 100]);
        assert_eq!(out.pixel(0, 0), [1, 2, 3, 0]);
    }
}
