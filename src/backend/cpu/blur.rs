//! `blur`: separable Gaussian blur on premultiplied alpha, edges extended.

use super::{blank, premultiply, to_u8, unpremultiply, well_formed};
use crate::pipeline::{kernels, BlurParams, Image};

/// Blurs with the `2·radius+1`-tap normalised Gaussian of [`kernels::gaussian_weights`]
/// (`p.radius`, `p.sigma`), horizontally then vertically, in f32. Pixels beyond the edges repeat
/// the edge pixel (extend). Colour is weighted by alpha (premultiplied) so transparent pixels
/// never bleed their hidden colour; fully opaque images skip the alpha arithmetic. Memory: one
/// f32 copy of the image plus two rows; no allocation per pixel.
pub fn blur(img: &Image, p: &BlurParams) -> Image {
    if !well_formed(img) {
        return blank(img.width, img.height);
    }
    let (w, h) = (img.width as usize, img.height as usize);
    let weights = kernels::gaussian_weights(p.radius, p.sigma);
    let r = weights.len() / 2;
    if w == 0 || h == 0 || r == 0 {
        return img.clone();
    }
    let opaque = !img.has_transparency();
    let src: &[[u8; 4]] = bytemuck::cast_slice(&img.pixels);
    let load = |px: [u8; 4]| {
        if opaque {
            px.map(f32::from)
        } else {
            premultiply(px)
        }
    };

    // Horizontal pass into `tmp`, one source row at a time through a row padded by r each side.
    let mut tmp = vec![[0f32; 4]; w * h];
    let mut padded = vec![[0f32; 4]; w + 2 * r];
    for (src_row, tmp_row) in src.chunks_exact(w).zip(tmp.chunks_exact_mut(w)) {
        for (i, slot) in padded.iter_mut().enumerate() {
            *slot = load(src_row[i.saturating_sub(r).min(w - 1)]);
        }
        for (x, out) in tmp_row.iter_mut().enumerate() {
            let mut acc = [0f32; 4];
            for (k, &wk) in weights.iter().enumerate() {
                let s = padded[x + k];
                for c in 0..4 {
                    acc[c] += wk * s[c];
                }
            }
            *out = acc;
        }
    }

    // Vertical pass: each output row is a weighted sum of whole `tmp` rows (contiguous, so the
    // inner loop vectorises).
    let mut pixels = vec![0u8; w * h * 4];
    let mut acc = vec![[0f32; 4]; w];
    for (y, out_row) in pixels.chunks_exact_mut(w * 4).enumerate() {
        acc.fill([0.0; 4]);
        for (k, &wk) in weights.iter().enumerate() {
            let sy = (y + k).saturating_sub(r).min(h - 1);
            for (a, s) in acc.iter_mut().zip(&tmp[sy * w..(sy + 1) * w]) {
                for c in 0..4 {
                    a[c] += wk * s[c];
                }
            }
        }
        for (o, a) in out_row.chunks_exact_mut(4).zip(&acc) {
            let px = if opaque {
                [to_u8(a[0]), to_u8(a[1]), to_u8(a[2]), 255]
            } else {
                unpremultiply(*a)
            };
            o.copy_from_slice(&px);
        }
    }
    Image { width: img.width, height: img.height, pixels }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(radius: u32, sigma: f32) -> BlurParams {
        BlurParams { radius, sigma, _pad: [0; 2] }
    }

    /// Mean of channel `c` over the image.
    fn mean(img: &Image, c: usize) -> f64 {
        let n = (img.width * img.height) as f64;
        img.pixels.chunks_exact(4).map(|p| f64::from(p[c])).sum::<f64>() / n
    }

    #[test]
    fn constant_image_stays_constant() {
        for px in [[17, 200, 255, 255], [90, 40, 0, 128]] {
            let img = Image::filled(13, 7, px);
            assert_eq!(blur(&img, &params(5, 3.0)), img);
        }
    }

    #[test]
    fn impulse_spreads_symmetrically() {
        let mut img = Image::filled(11, 11, [0, 0, 0, 255]);
        let c = (5 * 11 + 5) * 4;
        img.pixels[c..c + 3].copy_from_slice(&[255, 255, 255]);
        let out = blur(&img, &params(3, 1.0));
        let v = |x: u32, y: u32| out.pixel(x, y)[0];
        // σ 1: centre weight 0.4026² · 255 ≈ 41.3 after both passes (the truncated kernel
        // renormalises slightly upward).
        assert!((40..=43).contains(&v(5, 5)), "centre {}", v(5, 5));
        for d in 1..=3 {
            assert_eq!(v(5 - d, 5), v(5 + d, 5));
            assert_eq!(v(5, 5 - d), v(5, 5 + d));
            assert_eq!(v(5 - d, 5), v(5, 5 - d));
            assert!(v(5 + d, 5) < v(5 + d - 1, 5));
        }
        // Outside the 7×7 support nothing moves.
        assert_eq!(v(1, 5), 0);
        assert_eq!(v(5, 9), 0);
    }

    #[test]
    fn blur_preserves_the_mean() {
        // A periodic pattern whose period divides the size, so edge extension cannot shift
        // the mean beyond rounding.
        let (w, h) = (32u32, 24u32);
        let mut pixels = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let v = if (x / 4 + y / 4) % 2 == 0 { 220 } else { 30 };
                pixels.extend_from_slice(&[v, 255 - v, (x * 8) as u8, 255]);
            }
        }
        let img = Image { width: w, height: h, pixels };
        let out = blur(&img, &params(5, 2.0));
        for c in 0..3 {
            let (a, b) = (mean(&img, c), mean(&out, c));
            assert!((a - b).abs() <= 1.0, "channel {c}: {a} vs {b}");
        }
        // It really blurred: the pattern's contrast dropped.
        assert!(out.pixel(1, 1)[0] < 220);
    }

    #[test]
    fn transparent_neighbours_do_not_bleed_colour() {
        // Opaque red next to transparent green: the blurred red keeps pure red colour.
        let mut img = Image::filled(8, 1, [0, 255, 0, 0]);
        for x in 0..4 {
            img.pixels[x * 4..x * 4 + 4].copy_from_slice(&[255, 0, 0, 255]);
        }
        let out = blur(&img, &params(2, 1.0));
        for x in 0..8 {
            let p = out.pixel(x, 0);
            if p[3] > 0 {
                assert_eq!(&p[..3], &[255, 0, 0], "x {x}");
            }
        }
        assert!(out.pixel(4, 0)[3] > 0 && out.pixel(4, 0)[3] < 255);
        assert_eq!(out.pixel(0, 0)[3], 255);
    }

    #[test]
    fn tiny_images_and_huge_radius_do_not_panic() {
        let img = Image::filled(1, 1, [5, 6, 7, 255]);
        assert_eq!(blur(&img, &params(50, 50.0)), img);
        let empty = Image { width: 0, height: 3, pixels: vec![] };
        assert_eq!(blur(&empty, &params(3, 1.0)), empty);
    }
}
