//! `mask_rounded`: make the corners outside a rounded rectangle transparent (OSS
//! `rounded-corners`).

use super::well_formed;
use crate::pipeline::{kernels, Image, MaskParams};

/// Scales alpha by the anti-aliased coverage ([`kernels::rounded_coverage`]) of the image
/// rectangle with corners of radius `p.radius` (capped at half the shorter side, spec §3.11), in
/// place; colour is kept and only the four `r`×`r` corner squares are visited.
pub fn mask_rounded(mut img: Image, p: &MaskParams) -> Image {
    if !well_formed(&img) || img.width == 0 || img.height == 0 {
        return img;
    }
    let (w, h) = (img.width, img.height);
    let (wf, hf) = (w as f32, h as f32);
    let r = (p.radius as f32).min(wf.min(hf) * 0.5);
    // Pixels whose centre is ≥ r from both nearest edges are fully covered; the corner squares
    // hold every other pixel (ceil: a partially covered pixel straddles the square's edge).
    let span = (r.ceil() as u32).min(w).min(h);
    let stride = w as usize * 4;
    let rows = (0..span).chain((h - span).max(span)..h);
    for y in rows {
        let py = y as f32 + 0.5;
        let row = &mut img.pixels[y as usize * stride..(y as usize + 1) * stride];
        for x in (0..span).chain((w - span).max(span)..w) {
            let cov = kernels::rounded_coverage(x as f32 + 0.5, py, wf, hf, r);
            if cov < 1.0 {
                let a = &mut row[x as usize * 4 + 3];
                *a = super::to_u8(f32::from(*a) * cov);
            }
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_are_transparent_the_rest_is_kept() {
        let (w, h) = (20, 12);
        let out = mask_rounded(
            Image::filled(w, h, [9, 8, 7, 255]),
            &MaskParams { radius: 4, _pad: [0; 3] },
        );
        for (x, y) in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)] {
            assert_eq!(out.pixel(x, y), [9, 8, 7, 0], "({x},{y})");
        }
        // Centre and edge midpoints untouched.
        assert_eq!(out.pixel(w / 2, h / 2), [9, 8, 7, 255]);
        assert_eq!(out.pixel(w / 2, 0)[3], 255);
        assert_eq!(out.pixel(0, h / 2)[3], 255);
        // Just past the corner square: fully kept.
        assert_eq!(out.pixel(4, 0)[3], 255);
        // Mirror symmetry.
        for y in 0..h {
            for x in 0..w {
                assert_eq!(out.pixel(x, y), out.pixel(w - 1 - x, y));
                assert_eq!(out.pixel(x, y), out.pixel(x, h - 1 - y));
            }
        }
        // Transparent pixel count per corner: pixel centres more than 4.5 from (4, 4) inside
        // the 4×4 square: (0.5,0.5) 4.95, (0.5,1.5) 4.30 → partial, (1.5,0.5) 4.30 → partial.
        let zero = (0..4)
            .flat_map(|y| (0..4).map(move |x| (x, y)))
            .filter(|&(x, y)| out.pixel(x, y)[3] == 0)
            .count();
        assert_eq!(zero, 1);
        let a = out.pixel(1, 0)[3];
        // Coverage 4 − 4.30 + 0.5 = 0.199 → 51.
        assert!((48..=54).contains(&a), "rim alpha {a}");
    }

    #[test]
    fn oversized_radius_on_a_square_is_the_incircle() {
        let n = 9;
        let img = Image::filled(n, n, [0, 0, 0, 255]);
        let rounded = mask_rounded(img.clone(), &MaskParams { radius: 100, _pad: [0; 3] });
        // Circle of radius 4.5 = r 4 + 0.5 on a 9×9 image: the same coverage field.
        let circle = super::super::mask_circle(img, &MaskParams { radius: 4, _pad: [0; 3] });
        assert_eq!(rounded, circle);
    }
}
