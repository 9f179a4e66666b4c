//! `rotate`: rotation by any angle onto a grown canvas, bilinear, premultiplied alpha.

use super::{premultiply, unpremultiply, well_formed};
use crate::pipeline::{kernels, Image, RotateParams};

/// Rotates `img` clockwise by `p.degrees` onto a `p.width`×`p.height` canvas (sized by the
/// planner), centre onto centre. Each output pixel centre is mapped back through
/// [`kernels::rotation_inverse`] and sampled bilinearly on premultiplied alpha; taps that fall
/// outside the source take the `p.fill` colour, so the rim blends smoothly into the fill
/// (anti-aliased edges from bilinear coverage) and the exposed corners are exactly the fill.
pub fn rotate(img: &Image, p: &RotateParams) -> Image {
    let fill8 = kernels::color_to_rgba8(p.fill);
    let mut out = Image::filled(p.width, p.height, fill8);
    if !well_formed(img) || out.pixels.is_empty() || img.pixels.is_empty() {
        return out;
    }
    let fill = premultiply(fill8);
    let (sw, sh) = (img.width as i64, img.height as i64);
    let src: &[[u8; 4]] = bytemuck::cast_slice(&img.pixels);
    let tap = |x: i64, y: i64| -> [f32; 4] {
        if x >= 0 && y >= 0 && x < sw && y < sh {
            premultiply(src[(y * sw + x) as usize])
        } else {
            fill
        }
    };
    let m = kernels::rotation_inverse(p.degrees, img.width, img.height, p.width, p.height);
    // Bilinear taps reach half a pixel past a sample position: samples at or beyond half a pixel
    // outside the image touch only the fill and keep the exact fill colour.
    let (lo_x, hi_x, lo_y, hi_y) = (-0.5, sw as f32 + 0.5, -0.5, sh as f32 + 0.5);
    for (j, row) in out.pixels.chunks_exact_mut(p.width as usize * 4).enumerate() {
        let yc = j as f32 + 0.5;
        for (i, o) in row.chunks_exact_mut(4).enumerate() {
            let xc = i as f32 + 0.5;
            let sx = m[0] * xc + m[1] * yc + m[2];
            let sy = m[3] * xc + m[4] * yc + m[5];
            if !(sx > lo_x && sx < hi_x && sy > lo_y && sy < hi_y) {
                continue; // already the fill colour (also catches NaN)
            }
            // Taps at pixel centres: shift by half a pixel, split into cell and fraction.
            let (u, v) = (sx - 0.5, sy - 0.5);
            let (x0, y0) = (u.floor(), v.floor());
            let (fx, fy) = (u - x0, v - y0);
            let (x0, y0) = (x0 as i64, y0 as i64);
            let (p00, p10, p01, p11) =
                (tap(x0, y0), tap(x0 + 1, y0), tap(x0, y0 + 1), tap(x0 + 1, y0 + 1));
            let mut acc = [0f32; 4];
            for c in 0..4 {
                let top = p00[c] + (p10[c] - p00[c]) * fx;
                let bottom = p01[c] + (p11[c] - p01[c]) * fx;
                acc[c] = top + (bottom - top) * fy;
            }
            let mut px = unpremultiply(acc);
            if px[3] == 0 {
                // Invisible: keep the fill's colour, as the untouched canvas has it.
                px = [fill8[0], fill8[1], fill8[2], 0];
            }
            o.copy_from_slice(&px);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::cpu::orient;
    use crate::pipeline::OrientParams;

    /// A w×h image with a different colour in every pixel.
    fn pattern(w: u32, h: u32) -> Image {
        let mut pixels = Vec::new();
        for y in 0..h {
            for x in 0..w {
                pixels.extend_from_slice(&[
                    (x * 37 % 256) as u8,
                    (y * 53 % 256) as u8,
                    ((x * y) % 256) as u8,
                    255,
                ]);
            }
        }
        Image { width: w, height: h, pixels }
    }

    fn params(degrees: f32, width: u32, height: u32, fill: [f32; 4]) -> RotateParams {
        RotateParams { degrees, width, height, _pad: 0, fill }
    }

    #[test]
    fn quarter_turns_match_orient() {
        let img = pattern(7, 4);
        for (deg, o) in [(90.0, 6), (180.0, 3), (270.0, 8)] {
            let want = orient(&img, &OrientParams { orientation: o, _pad: [0; 3] });
            let got = rotate(&img, &params(deg, want.width, want.height, [1.0; 4]));
            assert_eq!((got.width, got.height), (want.width, want.height));
            for (a, b) in got.pixels.iter().zip(&want.pixels) {
                // Bilinear at exact pixel centres: only f32 rounding can differ (±1).
                assert!(a.abs_diff(*b) <= 1, "{deg}°: {a} vs {b}");
            }
        }
    }

    #[test]
    fn rotate_45_grows_with_fill_corners_and_keeps_the_centre() {
        let img = Image::filled(20, 10, [200, 50, 10, 255]);
        // ceil(20·cos45 + 10·sin45) = ceil(21.21) = 22 in both directions (spec §3.4).
        let out = rotate(&img, &params(45.0, 22, 22, [1.0, 1.0, 1.0, 1.0]));
        assert_eq!((out.width, out.height), (22, 22));
        for (x, y) in [(0, 0), (21, 0), (0, 21), (21, 21)] {
            assert_eq!(out.pixel(x, y), [255, 255, 255, 255], "({x},{y})");
        }
        assert_eq!(out.pixel(11, 11), [200, 50, 10, 255]);
        // The rim blends: some pixel is strictly between the image colour and white.
        assert!(out.pixels.chunks_exact(4).any(|p| p[1] > 60 && p[1] < 240));
    }

    #[test]
    fn transparent_fill_gives_soft_alpha_rim_with_pure_colour() {
        let img = Image::filled(10, 10, [0, 0, 255, 255]);
        let out = rotate(&img, &params(30.0, 14, 14, [0.0; 4]));
        assert_eq!(out.pixel(0, 0), [0, 0, 0, 0]);
        assert_eq!(out.pixel(7, 7), [0, 0, 255, 255]);
        let rim: Vec<_> = out.pixels.chunks_exact(4).filter(|p| p[3] > 0 && p[3] < 255).collect();
        assert!(!rim.is_empty());
        // Premultiplied sampling: a transparent fill darkens nothing, the colour stays blue.
        assert!(rim.iter().all(|p| p[..3] == [0, 0, 255]), "{rim:?}");
    }

    #[test]
    fn invisible_pixels_keep_the_fill_colour() {
        // Transparent white fill: every alpha-0 output pixel is exactly the fill, near the rim too.
        let img = Image::filled(10, 10, [0, 0, 255, 255]);
        let out = rotate(&img, &params(30.0, 14, 14, [1.0, 1.0, 1.0, 0.0]));
        let clear: Vec<_> = out.pixels.chunks_exact(4).filter(|p| p[3] == 0).collect();
        assert!(clear.len() > 20, "{} transparent pixels", clear.len());
        assert!(clear.iter().all(|p| p[..3] == [255, 255, 255]));
        // Half-transparent fill: the far corners are the fill exactly (no premultiply round trip).
        let out = rotate(&img, &params(45.0, 15, 15, [0.2, 0.4, 0.6, 0.5]));
        assert_eq!(out.pixel(0, 0), [51, 102, 153, 128]);
    }
}
