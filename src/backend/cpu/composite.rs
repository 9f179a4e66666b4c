//! `composite`: draw an overlay "source over" the image (the building block of watermarks).

use super::{to_u8, well_formed};
use crate::pipeline::{CompositeParams, Image};

/// 1/25500 as f32: overlay alpha level (0–255) × opacity (0–100) → alpha fraction 0–1. A
/// multiplication by a constant, not a division, because GPUs round divisions loosely; the WGSL
/// twin writes the same constant.
const ALPHA_OPACITY_SCALE: f32 = 1.0 / 25500.0;

/// 1/255 as f32: base alpha level → fraction (same constant in the shader).
const ALPHA_SCALE: f32 = 1.0 / 255.0;

/// Draws `overlay` onto `img` with its top-left corner at (`p.x`, `p.y`), in place; the part of
/// the overlay outside the image is clipped (offsets may be negative or past the far edge). With a
/// tiling (`p.step_x`, `p.step_y` non-zero) the overlay is drawn at every lattice point
/// `(x + r·row_shift + c·step_x, y + r·step_y)` whose tile meets the image; tiles never overlap
/// (periods ≥ the overlay's size), so each image pixel is covered at most once, as in the shader.
/// Straight-alpha "source over" on sRGB-encoded levels, as OSS/libvips watermarks do:
/// `a_s = overlay_a · opacity/100`, `a_out = a_s + a_d·(1 − a_s)`,
/// `c_out = (c_s·a_s + c_d·a_d·(1 − a_s)) / a_out`, rounded to 8 bits once. Where `a_s` is 0 the
/// image pixel is kept exactly. `p.opacity` above 100 counts as 100. An overlay whose buffer is
/// malformed, whose size differs from `p.width`×`p.height` or whose tiling is invalid leaves the
/// image untouched (never produced by [`super::run`], which rejects it).
pub fn composite(mut img: Image, p: &CompositeParams, overlay: &Image) -> Image {
    if !well_formed(&img)
        || !well_formed(overlay)
        || (overlay.width, overlay.height) != (p.width, p.height)
        || !p.tiling_is_valid()
        || p.opacity == 0
        || p.width == 0
        || p.height == 0
    {
        return img;
    }
    let (x, y) = (i64::from(p.x), i64::from(p.y));
    let Some(t) = p.tiling() else {
        draw(&mut img, overlay, x, y, p.opacity);
        return img;
    };
    let (sx, sy, shift) = (i64::from(t.step_x), i64::from(t.step_y), i64::from(t.row_shift));
    let (iw, ih) = (i64::from(img.width), i64::from(img.height));
    let (ow, oh) = (i64::from(p.width), i64::from(p.height));
    // Rows whose tiles reach into the image: top edge y + r·sy in (−oh, ih).
    let first_row = (-oh - y).div_euclid(sy) + 1;
    let last_row = (ih - 1 - y).div_euclid(sy);
    for r in first_row..=last_row {
        let (row_x, row_y) = (x + r * shift, y + r * sy);
        // Columns whose left edge row_x + c·sx lies in (−ow, iw).
        let first_col = (-ow - row_x).div_euclid(sx) + 1;
        let last_col = (iw - 1 - row_x).div_euclid(sx);
        for c in first_col..=last_col {
            draw(&mut img, overlay, row_x + c * sx, row_y, p.opacity);
        }
    }
    img
}

/// Draws one copy of `overlay` at (`x`, `y`) onto `img`, clipped to the image.
fn draw(img: &mut Image, overlay: &Image, x: i64, y: i64, opacity: u32) {
    // The overlapping rectangle in image coordinates, in i64 so no offset can overflow.
    let x0 = x.max(0);
    let y0 = y.max(0);
    let x1 = (x + i64::from(overlay.width)).min(i64::from(img.width));
    let y1 = (y + i64::from(overlay.height)).min(i64::from(img.height));
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    let opacity = opacity.min(100) as f32;
    let (iw, ow) = (img.width as usize, overlay.width as usize);
    let dst: &mut [[u8; 4]] = bytemuck::cast_slice_mut(&mut img.pixels);
    let src: &[[u8; 4]] = bytemuck::cast_slice(&overlay.pixels);
    for by in y0..y1 {
        let oy = (by - y) as usize;
        let by = by as usize;
        for bx in x0..x1 {
            let ox = (bx - x) as usize;
            let d = &mut dst[by * iw + bx as usize];
            *d = source_over(src[oy * ow + ox], *d, opacity);
        }
    }
}

/// One pixel of [`composite`]: overlay pixel `s` over image pixel `d`, `opacity` 0–100. The
/// operations and their order are those of `shaders/composite.wgsl`.
#[inline(always)]
fn source_over(s: [u8; 4], d: [u8; 4], opacity: f32) -> [u8; 4] {
    let a_s = f32::from(s[3]) * opacity * ALPHA_OPACITY_SCALE;
    if a_s <= 0.0 {
        return d;
    }
    let a_d = f32::from(d[3]) * ALPHA_SCALE;
    // The image's weight: its own alpha times what the overlay lets through.
    let w_d = a_d * (1.0 - a_s);
    let a_out = a_s + w_d;
    // a_s > 0 makes a_out > 0; the guard keeps a zero alpha from ever dividing.
    if a_out <= 0.0 {
        return [0; 4];
    }
    let mut out = [0u8; 4];
    for c in 0..3 {
        out[c] = to_u8((f32::from(s[c]) * a_s + f32::from(d[c]) * w_d) / a_out);
    }
    out[3] = to_u8(a_out * 255.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::cpu::run;
    use crate::pipeline::Stage;
    use std::sync::Arc;

    fn params(overlay: &Image, x: i32, y: i32, opacity: u32) -> CompositeParams {
        CompositeParams {
            x,
            y,
            width: overlay.width,
            height: overlay.height,
            opacity,
            step_x: 0,
            step_y: 0,
            row_shift: 0,
        }
    }

    /// A 4×3 base whose every pixel differs (opaque unless `alpha` says otherwise).
    fn base(alpha: u8) -> Image {
        let mut pixels = Vec::new();
        for y in 0..3u8 {
            for x in 0..4u8 {
                pixels.extend_from_slice(&[10 + 20 * x, 100 + 30 * y, 7 * x + 11 * y, alpha]);
            }
        }
        Image { width: 4, height: 3, pixels }
    }

    #[test]
    fn opaque_overlay_replaces_the_covered_pixels() {
        let ovl = Image::filled(2, 2, [250, 5, 60, 255]);
        let img = base(255);
        let out = composite(img.clone(), &params(&ovl, 1, 1, 100), &ovl);
        assert_eq!((out.width, out.height), (4, 3));
        for y in 0..3 {
            for x in 0..4 {
                let want = if (1..3).contains(&x) && (1..3).contains(&y) {
                    [250, 5, 60, 255]
                } else {
                    img.pixel(x, y)
                };
                assert_eq!(out.pixel(x, y), want, "({x},{y})");
            }
        }
    }

    #[test]
    fn half_opacity_averages_on_an_opaque_base() {
        let ovl = Image::filled(1, 1, [200, 0, 255, 255]);
        let img = Image::filled(1, 1, [100, 101, 0, 255]);
        let out = composite(img, &params(&ovl, 0, 0, 50), &ovl);
        // a_s = 0.5 exactly: (200+100)/2 = 150, (0+101)/2 = 50.5 → 51 (half rounds up),
        // 255/2 = 127.5 → 128.
        assert_eq!(out.pixel(0, 0), [150, 51, 128, 255]);
        // Opacity 0 and opacity above 100 (counts as 100).
        let img = Image::filled(1, 1, [100, 101, 0, 255]);
        assert_eq!(composite(img.clone(), &params(&ovl, 0, 0, 0), &ovl), img);
        assert_eq!(composite(img, &params(&ovl, 0, 0, 250), &ovl).pixel(0, 0), [200, 0, 255, 255]);
    }

    #[test]
    fn overlay_alpha_on_an_opaque_base() {
        // Alphas 0, 51 (0.2), 204 (0.8), 255 over an opaque grey base.
        let ovl = Image {
            width: 4,
            height: 1,
            pixels: vec![255, 0, 0, 0, 255, 0, 0, 51, 0, 255, 0, 204, 0, 0, 255, 255],
        };
        let img = Image::filled(4, 1, [100, 100, 100, 255]);
        let out = composite(img, &params(&ovl, 0, 0, 100), &ovl);
        // 0.2: 255·0.2 + 100·0.8 = 131, 100·0.8 = 80. 0.8: 255·0.8 + 100·0.2 = 224, 20.
        assert_eq!(out.pixel(0, 0), [100, 100, 100, 255]);
        assert_eq!(out.pixel(1, 0), [131, 80, 80, 255]);
        assert_eq!(out.pixel(2, 0), [20, 224, 20, 255]);
        assert_eq!(out.pixel(3, 0), [0, 0, 255, 255]);
        // Opacity 50 on alpha 204: a_s = 0.4 → 255·0.4 + 100·0.6 = 162, 60.
        let img = Image::filled(1, 1, [100, 100, 100, 255]);
        let one = Image { width: 1, height: 1, pixels: vec![0, 255, 0, 204] };
        let out = composite(img, &params(&one, 0, 0, 50), &one);
        assert_eq!(out.pixel(0, 0), [60, 162, 60, 255]);
    }

    #[test]
    fn overlay_on_a_transparent_or_translucent_base() {
        let ovl = Image { width: 2, height: 1, pixels: vec![40, 80, 120, 102, 9, 9, 9, 0] };
        // Fully transparent base: the overlay's straight colour and (scaled) alpha come through;
        // under a transparent overlay pixel the base (colour included) is kept exactly.
        let img = Image { width: 2, height: 1, pixels: vec![255, 255, 255, 0, 77, 66, 55, 0] };
        let out = composite(img.clone(), &params(&ovl, 0, 0, 100), &ovl);
        assert_eq!(out.pixel(0, 0), [40, 80, 120, 102]);
        assert_eq!(out.pixel(1, 0), [77, 66, 55, 0]);
        let out = composite(img, &params(&ovl, 0, 0, 50), &ovl);
        assert_eq!(out.pixel(0, 0), [40, 80, 120, 51]);
        // Half-transparent base (alpha 0.6) under a 0.5 overlay: a_out = 0.5 + 0.6·0.5 = 0.8
        // (204); colour (200·0.5 + 0·0.3)/0.8 = 125.
        let one = Image { width: 1, height: 1, pixels: vec![200, 0, 100, 255] };
        let img = Image { width: 1, height: 1, pixels: vec![0, 200, 100, 153] };
        let out = composite(img, &params(&one, 0, 0, 50), &one);
        assert_eq!(out.pixel(0, 0), [125, 75, 100, 204]);
    }

    #[test]
    fn negative_and_far_offsets_clip() {
        // A 3×2 overlay with a distinct colour per pixel.
        let ovl = Image {
            width: 3,
            height: 2,
            pixels: (0..6u8).flat_map(|i| [i * 40, 255 - i * 40, i, 255]).collect(),
        };
        let img = base(255);
        // Top-left at (−2, −1): only overlay pixel (2, 1) lands, on image (0, 0).
        let out = composite(img.clone(), &params(&ovl, -2, -1, 100), &ovl);
        assert_eq!(out.pixel(0, 0), ovl.pixel(2, 1));
        let changed =
            (0..12).filter(|i| out.pixels[i * 4..i * 4 + 4] != img.pixels[i * 4..i * 4 + 4]);
        assert_eq!(changed.count(), 1);
        // Top-left at (2, 2): overlay row 0, columns 0–1 land on image (2, 2) and (3, 2).
        let out = composite(img.clone(), &params(&ovl, 2, 2, 100), &ovl);
        assert_eq!(out.pixel(2, 2), ovl.pixel(0, 0));
        assert_eq!(out.pixel(3, 2), ovl.pixel(1, 0));
        assert_eq!(out.pixel(1, 2), img.pixel(1, 2));
        assert_eq!(out.pixel(3, 1), img.pixel(3, 1));
        // An overlay larger than the image on every side covers it all.
        let big = Image::filled(10, 10, [1, 2, 3, 255]);
        let out = composite(img, &params(&big, -3, -4, 100), &big);
        assert_eq!(out, Image::filled(4, 3, [1, 2, 3, 255]));
    }

    #[test]
    fn fully_outside_leaves_the_image_unchanged() {
        let ovl = Image::filled(3, 2, [255, 0, 0, 255]);
        let img = base(200);
        for (x, y) in
            [(4, 0), (0, 3), (-3, 0), (0, -2), (-3, -2), (i32::MAX, i32::MAX), (i32::MIN, 1)]
        {
            assert_eq!(composite(img.clone(), &params(&ovl, x, y, 100), &ovl), img, "({x},{y})");
        }
        // Empty overlay, and an overlay that is not what the params say: untouched.
        let empty = Image { width: 0, height: 5, pixels: vec![] };
        assert_eq!(composite(img.clone(), &params(&empty, 0, 0, 100), &empty), img);
        let wrong = CompositeParams { width: 2, ..params(&ovl, 0, 0, 100) };
        assert_eq!(composite(img.clone(), &wrong, &ovl), img);
    }

    #[test]
    fn run_checks_the_overlay() {
        let img = base(255);
        let ovl = Arc::new(Image::filled(2, 2, [9, 9, 9, 255]));
        let out = run(&[Stage::composite(ovl.clone(), 3, 2, 100)], img.clone()).unwrap();
        assert_eq!(out.pixel(3, 2), [9, 9, 9, 255]);
        // Params that disagree with the overlay, a malformed overlay, opacity over 100: a 500.
        let lying = CompositeParams { height: 3, ..params(&ovl, 0, 0, 100) };
        assert!(run(&[Stage::Composite(lying, ovl.clone())], img.clone()).is_err());
        let short = Arc::new(Image { width: 2, height: 2, pixels: vec![0; 15] });
        assert!(run(&[Stage::composite(short, 0, 0, 100)], img.clone()).is_err());
        assert!(run(&[Stage::composite(ovl, 0, 0, 101)], img).is_err());
    }
}
