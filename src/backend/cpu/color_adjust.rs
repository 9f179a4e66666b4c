//! `color_adjust`: brightness and contrast through one 256-entry lookup table.

use crate::pipeline::{kernels, ColorAdjustParams, Image};

/// Maps R, G and B through [`kernels::color_adjust_lut`] (brightness `out = in + v·255/100`, then
/// contrast around 128; formulas documented there), in place. Alpha is untouched.
pub fn color_adjust(mut img: Image, p: &ColorAdjustParams) -> Image {
    if p.bright == 0 && p.contrast == 0 {
        return img;
    }
    let lut = kernels::color_adjust_lut(p.bright, p.contrast);
    for px in img.pixels.chunks_exact_mut(4) {
        px[0] = lut[px[0] as usize];
        px[1] = lut[px[1] as usize];
        px[2] = lut[px[2] as usize];
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row of levels 0, 128, 255 with distinct alphas.
    fn levels() -> Image {
        Image {
            width: 3,
            height: 1,
            pixels: vec![0, 0, 0, 10, 128, 128, 128, 128, 255, 255, 255, 255],
        }
    }

    fn adjust(bright: i32, contrast: i32) -> Vec<[u8; 4]> {
        let out = color_adjust(levels(), &ColorAdjustParams { bright, contrast, _pad: [0; 2] });
        (0..3).map(|x| out.pixel(x, 0)).collect()
    }

    #[test]
    fn bright_values_at_0_128_255() {
        // +50 adds 127.5 levels: 0 → 128 (half rounds up), 128 and 255 saturate.
        assert_eq!(
            adjust(50, 0),
            [[128, 128, 128, 10], [255, 255, 255, 128], [255, 255, 255, 255]]
        );
        // −50 subtracts 127.5: 128 → 0.5 → 1 (half away from zero).
        assert_eq!(adjust(-50, 0), [[0, 0, 0, 10], [1, 1, 1, 128], [128, 128, 128, 255]]);
        assert_eq!(adjust(100, 0)[0], [255, 255, 255, 10]);
        assert_eq!(adjust(-100, 0)[2], [0, 0, 0, 255]);
        assert_eq!(adjust(0, 0), [[0, 0, 0, 10], [128, 128, 128, 128], [255, 255, 255, 255]]);
    }

    #[test]
    fn contrast_values_at_0_128_255() {
        assert_eq!(
            adjust(0, -100),
            [[128, 128, 128, 10], [128, 128, 128, 128], [128, 128, 128, 255]]
        );
        // Slope ½: 0 → 64, 255 → 191.5 → 192.
        assert_eq!(adjust(0, -50), [[64, 64, 64, 10], [128, 128, 128, 128], [192, 192, 192, 255]]);
        // Slope 2: the ends saturate, 128 stays.
        assert_eq!(adjust(0, 50), [[0, 0, 0, 10], [128, 128, 128, 128], [255, 255, 255, 255]]);
        let out = color_adjust(
            Image::filled(1, 1, [100, 160, 127, 255]),
            &ColorAdjustParams { bright: 0, contrast: 50, _pad: [0; 2] },
        );
        assert_eq!(out.pixel(0, 0), [72, 192, 126, 255]);
    }
}
