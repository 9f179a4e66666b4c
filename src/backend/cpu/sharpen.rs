//! `sharpen`: unsharp mask with the 3×3 binomial blur of [`kernels::SHARPEN_BLUR`].

use super::{blank, to_u8, well_formed};
use crate::pipeline::{kernels, Image, SharpenParams};

/// Sharpens colour as `out = c + amount·(c − blur(c))` with `amount = value/100`
/// ([`kernels::sharpen_amount`]: 100, the recommended value, is moderate; 399 strong) and the 3×3
/// binomial blur, edges extended. The blur weighs each neighbour by its alpha (the premultiplied
/// average divided by the averaged alpha) so hidden colour under transparent pixels does not
/// leak; alpha itself is unchanged, as are the dimensions (spec §3.8). For an opaque image this
/// is exactly the convolution with [`kernels::sharpen_kernel`].
pub fn sharpen(img: &Image, p: &SharpenParams) -> Image {
    if !well_formed(img) {
        return blank(img.width, img.height);
    }
    let (w, h) = (img.width as usize, img.height as usize);
    let amount = kernels::sharpen_amount(p.amount);
    if w == 0 || h == 0 || amount == 0.0 {
        return img.clone();
    }
    let src: &[[u8; 4]] = bytemuck::cast_slice(&img.pixels);
    let k = kernels::SHARPEN_BLUR;
    let mut pixels = vec![0u8; w * h * 4];
    for (y, out_row) in pixels.chunks_exact_mut(w * 4).enumerate() {
        // Rows above and below, extended at the edges.
        let rows = [y.saturating_sub(1), y, (y + 1).min(h - 1)].map(|r| &src[r * w..(r + 1) * w]);
        for (x, o) in out_row.chunks_exact_mut(4).enumerate() {
            let cols = [x.saturating_sub(1), x, (x + 1).min(w - 1)];
            // Σ weight·alpha·colour and Σ weight·alpha over the 3×3 neighbourhood.
            let mut acc = [0f32; 3];
            let mut wa = 0f32;
            for (ky, row) in rows.iter().enumerate() {
                for (kx, &cx) in cols.iter().enumerate() {
                    let n = row[cx];
                    let weight = k[ky * 3 + kx] * f32::from(n[3]);
                    wa += weight;
                    for c in 0..3 {
                        acc[c] += weight * f32::from(n[c]);
                    }
                }
            }
            let me = rows[1][x];
            if wa <= 0.0 {
                // Nothing visible around: nothing to sharpen.
                o.copy_from_slice(&me);
                continue;
            }
            for c in 0..3 {
                let v = f32::from(me[c]);
                let blurred = acc[c] / wa;
                o[c] = to_u8(v + amount * (v - blurred));
            }
            o[3] = me[3];
        }
    }
    Image { width: img.width, height: img.height, pixels }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(amount: u32) -> SharpenParams {
        SharpenParams { amount, _pad: [0; 3] }
    }

    #[test]
    fn flat_image_is_unchanged() {
        for px in [[12, 130, 250, 255], [80, 80, 80, 7]] {
            let img = Image::filled(6, 5, px);
            assert_eq!(sharpen(&img, &params(399)), img);
        }
    }

    #[test]
    fn edges_gain_contrast() {
        // Vertical step 64 | 192 on an 8×3 image.
        let mut img = Image::filled(8, 3, [64, 64, 64, 255]);
        for y in 0..3 {
            for x in 4..8 {
                let i = (y * 8 + x) * 4;
                img.pixels[i..i + 3].copy_from_slice(&[192, 192, 192]);
            }
        }
        let out = sharpen(&img, &params(100));
        // Next to the step the blur is 64·¾ + 192·¼ = 96 (dark side) and 160 (bright side):
        // 64 + 1·(64 − 96) = 32 and 192 + (192 − 160) = 224.
        assert_eq!(out.pixel(3, 1), [32, 32, 32, 255]);
        assert_eq!(out.pixel(4, 1), [224, 224, 224, 255]);
        // Away from the step nothing changes.
        assert_eq!(out.pixel(1, 1), [64, 64, 64, 255]);
        assert_eq!(out.pixel(6, 0), [192, 192, 192, 255]);
        // A stronger value overshoots further (clamped at the rails).
        let strong = sharpen(&img, &params(399));
        assert_eq!(strong.pixel(3, 1)[0], 0);
        assert_eq!(strong.pixel(4, 1)[0], 255);
        let mild = sharpen(&img, &params(50));
        assert_eq!(mild.pixel(3, 1)[0], 48);
    }

    #[test]
    fn opaque_result_matches_the_shared_kernel() {
        let mut img = Image::filled(3, 3, [100, 100, 100, 255]);
        img.pixels[4 * 4] = 120; // centre red
        let out = sharpen(&img, &params(200));
        let k = kernels::sharpen_kernel(200);
        let want = k[4] * 120.0 + (1.0 - k[4]) * 100.0; // 150, inside the rails
        assert_eq!(out.pixel(1, 1)[0], want.round() as u8);
        assert_eq!(out.pixel(1, 1)[1], 100);
    }
}
