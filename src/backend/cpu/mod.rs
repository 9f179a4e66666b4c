//! The CPU engine: one file and one `pub fn` per stage, named like the stage (and its shader),
//! plus [`run`], which applies a stage list in order. Shared math lives in
//! [`crate::pipeline::kernels`] so the GPU twin computes the same thing.
//!
//! Calling convention: stages that rewrite pixels where they lie (`color_adjust`, `mask_circle`,
//! `mask_rounded`, `composite`) take the [`Image`] by value and return it; stages that build a
//! new buffer take `&Image`. Every stage returns an [`Image`] and never panics; `resize` alone
//! returns a `Result`, because it calls into `fast_image_resize`. Colour work happens on sRGB-encoded
//! values; resampling, blur, sharpen and rotation weigh colour by alpha (premultiplied).

mod blur;
mod color_adjust;
mod composite;
mod crop;
mod fill;
mod mask_circle;
mod mask_rounded;
mod orient;
mod resize;
mod rotate;
mod sharpen;

pub use blur::blur;
pub use color_adjust::color_adjust;
pub use composite::composite;
pub use crop::crop;
pub use fill::fill;
pub use mask_circle::mask_circle;
pub use mask_rounded::mask_rounded;
pub use orient::{orient, orient_plane, reversed_axes};
pub use resize::{resize, resize_planes};
pub use rotate::rotate;
pub use sharpen::sharpen;

use crate::pipeline::{Image, Stage};
use crate::{Error, Result};

/// Applies `stages` to `img` in order. Each stage's input is checked first (pixel buffer length,
/// crop/fill rectangles inside their images, non-zero output sizes, orientation 1–8, composite
/// overlays well formed and as large as their params say, opacity 0–100, tiling periods that keep
/// tiles apart); an
/// inconsistent stage — a planner bug, never user input — returns `500 InternalError`.
pub fn run(stages: &[Stage], img: Image) -> Result<Image> {
    let mut img = img;
    for stage in stages {
        check(stage, &img).map_err(|_| Error::internal())?;
        // Exhaustive on purpose: a new stage without a CPU function is a compile error.
        img = match stage {
            Stage::Resize(p) => resize(&img, p)?,
            Stage::Crop(p) => {
                if (p.x, p.y, p.width, p.height) == (0, 0, img.width, img.height) {
                    img
                } else {
                    crop(&img, p)
                }
            }
            Stage::Fill(p) => fill(&img, p),
            Stage::Orient(p) => {
                if p.orientation == 1 {
                    img
                } else {
                    orient(&img, p)
                }
            }
            Stage::Rotate(p) => rotate(&img, p),
            Stage::Blur(p) => blur(&img, p),
            Stage::ColorAdjust(p) => color_adjust(img, p),
            Stage::Sharpen(p) => sharpen(&img, p),
            Stage::MaskCircle(p) => mask_circle(img, p),
            Stage::MaskRounded(p) => mask_rounded(img, p),
            Stage::Composite(p, overlay) => composite(img, p, overlay),
        };
    }
    Ok(img)
}

/// The planner's guarantees for one stage on `img`, checked before any pixel moves. The `Err`
/// text names the broken invariant (for a debugger; clients only see the generic 500 text).
fn check(stage: &Stage, img: &Image) -> Result<(), &'static str> {
    if !well_formed(img) {
        return Err("pixel buffer length is not width*height*4");
    }
    let (w, h) = (u64::from(img.width), u64::from(img.height));
    match stage {
        Stage::Resize(p) if p.width == 0 || p.height == 0 => Err("empty resize"),
        Stage::Crop(p)
            if p.width == 0
                || p.height == 0
                || u64::from(p.x) + u64::from(p.width) > w
                || u64::from(p.y) + u64::from(p.height) > h =>
        {
            Err("crop rectangle outside the image")
        }
        Stage::Fill(p)
            if u64::from(p.x) + w > u64::from(p.width)
                || u64::from(p.y) + h > u64::from(p.height) =>
        {
            Err("image does not fit the fill canvas")
        }
        Stage::Orient(p) if !(1..=8).contains(&p.orientation) => Err("orientation not 1-8"),
        Stage::Rotate(p) if p.width == 0 || p.height == 0 || !p.degrees.is_finite() => {
            Err("empty rotate canvas or non-finite angle")
        }
        Stage::Composite(p, overlay)
            if !well_formed(overlay) || (overlay.width, overlay.height) != (p.width, p.height) =>
        {
            Err("composite overlay buffer malformed or not the size its params say")
        }
        Stage::Composite(p, _) if p.opacity > 100 => Err("composite opacity above 100"),
        Stage::Composite(p, _) if !p.tiling_is_valid() => {
            Err("composite tiling periods below the overlay size or row shift past a period")
        }
        _ => Ok(()),
    }
}

/// True when `img.pixels` holds exactly `width·height` RGBA pixels. Stage functions given a
/// malformed image (which [`run`] rejects) return a transparent image of their output size (the
/// in-place stages return it untouched) instead of indexing out of bounds.
pub(crate) fn well_formed(img: &Image) -> bool {
    (img.width as usize).checked_mul(img.height as usize).and_then(|n| n.checked_mul(4))
        == Some(img.pixels.len())
}

/// A fully transparent `width`×`height` image (all bytes 0).
pub(crate) fn blank(width: u32, height: u32) -> Image {
    Image { width, height, pixels: vec![0; width as usize * height as usize * 4] }
}

/// Premultiplies one 8-bit RGBA pixel into f32 levels 0–255: colour·alpha/255, alpha kept.
#[inline(always)]
pub(crate) fn premultiply(p: [u8; 4]) -> [f32; 4] {
    let a = f32::from(p[3]);
    let k = a * (1.0 / 255.0);
    [f32::from(p[0]) * k, f32::from(p[1]) * k, f32::from(p[2]) * k, a]
}

/// Back from premultiplied f32 levels to straight 8-bit RGBA, rounded and clamped. Colour under
/// zero alpha becomes 0.
#[inline(always)]
pub(crate) fn unpremultiply(p: [f32; 4]) -> [u8; 4] {
    let a = p[3];
    // Below half a level the pixel rounds to alpha 0 and its colour carries no meaning.
    if a < 0.5 {
        return [0, 0, 0, 0];
    }
    let k = 255.0 / a;
    [to_u8(p[0] * k), to_u8(p[1] * k), to_u8(p[2] * k), to_u8(a)]
}

/// Rounds and clamps an f32 level to 0–255 (NaN → 0; `as` saturates, so this never panics).
#[inline(always)]
pub(crate) fn to_u8(v: f32) -> u8 {
    (v + 0.5).clamp(0.0, 255.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{ColorAdjustParams, CropParams, FillParams, OrientParams, ResizeParams};

    #[test]
    fn run_applies_stages_in_order() {
        // 4×2: left half red, right half blue.
        let mut img = Image::filled(4, 2, [255, 0, 0, 255]);
        for y in 0..2 {
            for x in 2..4 {
                let i = (y * 4 + x) * 4;
                img.pixels[i..i + 4].copy_from_slice(&[0, 0, 255, 255]);
            }
        }
        let stages = [
            // Keep the blue right half (2×2), rotate it to 2×2, then pad to 3×2 with white at x=1.
            Stage::Crop(CropParams { x: 2, y: 0, width: 2, height: 2 }),
            Stage::Orient(OrientParams { orientation: 6, _pad: [0; 3] }),
            Stage::Fill(FillParams { width: 3, height: 2, x: 1, y: 0, color: [1.0; 4] }),
            Stage::ColorAdjust(ColorAdjustParams { bright: -100, contrast: 0, _pad: [0; 2] }),
        ];
        let out = run(&stages, img.clone()).unwrap();
        assert_eq!((out.width, out.height), (3, 2));
        // Everything black after bright −100; the order is visible in the size and the alpha.
        assert_eq!(out.pixel(0, 0), [0, 0, 0, 255]);
        assert_eq!(out.pixel(2, 1), [0, 0, 0, 255]);

        // Same stages, colour step first and fill last: the pad stays white.
        let reordered = [&stages[3], &stages[0], &stages[1], &stages[2]].map(Clone::clone);
        let out = run(&reordered, img).unwrap();
        assert_eq!(out.pixel(0, 0), [255, 255, 255, 255]);
        assert_eq!(out.pixel(1, 0), [0, 0, 0, 255]);
    }

    #[test]
    fn run_rejects_inconsistent_stages() {
        let img = Image::filled(4, 4, [1, 2, 3, 255]);
        let bad_crop = Stage::Crop(CropParams { x: 3, y: 0, width: 2, height: 1 });
        let err = run(&[bad_crop], img.clone()).unwrap_err();
        assert_eq!(err.kind, crate::ErrorKind::InternalError);
        let bad_fill = Stage::Fill(FillParams { width: 4, height: 4, x: 1, y: 0, color: [0.0; 4] });
        assert!(run(&[bad_fill], img.clone()).is_err());
        let bad_resize = Stage::Resize(ResizeParams { width: 0, height: 3, _pad: [0; 2] });
        assert!(run(&[bad_resize], img.clone()).is_err());
        let bad_orient = Stage::Orient(OrientParams { orientation: 9, _pad: [0; 3] });
        assert!(run(&[bad_orient], img.clone()).is_err());
        let malformed = Image { width: 4, height: 4, pixels: vec![0; 10] };
        assert!(run(&[], malformed.clone()).is_ok(), "no stage, nothing to check");
        assert!(run(&[Stage::Orient(OrientParams { orientation: 1, _pad: [0; 3] })], malformed)
            .is_err());
    }

    #[test]
    fn premultiply_round_trip() {
        for p in [[255, 128, 0, 255], [200, 100, 50, 128], [10, 20, 30, 0]] {
            let back = unpremultiply(premultiply(p));
            if p[3] == 0 {
                assert_eq!(back, [0, 0, 0, 0]);
            } else {
                assert_eq!(back, p);
            }
        }
    }

    /// A `w`×`h` image with varied colours and alphas, or a malformed one (buffer one byte short).
    fn arbitrary_image(w: u32, h: u32, seed: u8, malformed: bool) -> Image {
        let n = (w * h * 4) as usize;
        let mut pixels: Vec<u8> =
            (0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect();
        if malformed {
            pixels.pop();
        }
        Image { width: w, height: h, pixels }
    }

    proptest::proptest! {
        /// Every stage function returns an image of the promised size, whatever the parameters
        /// (NaN angles, zero sizes, huge radii, out-of-range values, malformed buffers) — and
        /// never panics.
        #[test]
        fn stages_never_panic(
            w in 0u32..6, h in 0u32..6, seed: u8, malformed in proptest::bool::weighted(0.1),
            a in 0u32..9, b in 0u32..9, c in 0u32..9, d in 0u32..9,
            any_u32: u32, any_i32: i32, any_f32: f32,
        ) {
            use crate::pipeline::*;
            let img = arbitrary_image(w, h, seed, malformed);
            let sized = |out: &Image, ow: u32, oh: u32| {
                out.width == ow && out.height == oh && out.pixels.len() == (ow * oh * 4) as usize
            };
            let out = resize(&img, &ResizeParams { width: a, height: b, _pad: [0; 2] }).unwrap();
            proptest::prop_assert!(sized(&out, a, b));
            let out = crop(&img, &CropParams { x: a, y: b, width: c, height: d });
            proptest::prop_assert!(out.width <= c && out.height <= d);
            proptest::prop_assert!(malformed || sized(&out, out.width, out.height));
            let color = [any_f32, 0.5, -1.0, 2.0];
            let out = fill(&img, &FillParams { width: a, height: b, x: c, y: d, color });
            proptest::prop_assert!(sized(&out, a, b));
            let out = orient(&img, &OrientParams { orientation: any_u32 % 10, _pad: [0; 3] });
            proptest::prop_assert!(sized(&out, w, h) || sized(&out, h, w));
            let p = RotateParams { degrees: any_f32, width: a, height: b, _pad: 0, fill: color };
            proptest::prop_assert!(sized(&rotate(&img, &p), a, b));
            let p = BlurParams { radius: any_u32 % 2000, sigma: any_f32, _pad: [0; 2] };
            proptest::prop_assert!(sized(&blur(&img, &p), w, h));
            let p = SharpenParams { amount: any_u32, _pad: [0; 3] };
            proptest::prop_assert!(sized(&sharpen(&img, &p), w, h));
            let p = ColorAdjustParams { bright: any_i32, contrast: any_i32 / 3, _pad: [0; 2] };
            let n = img.pixels.len();
            proptest::prop_assert_eq!(color_adjust(img.clone(), &p).pixels.len(), n);
            let p = MaskParams { radius: any_u32, _pad: [0; 3] };
            proptest::prop_assert_eq!(mask_circle(img.clone(), &p).pixels.len(), n);
            proptest::prop_assert_eq!(mask_rounded(img.clone(), &p).pixels.len(), n);
            let overlay = arbitrary_image(c, d, seed ^ 0x5a, malformed);
            for (x, y) in [(any_i32, a as i32 - 4), (b as i32 - 4, any_i32 / 7)] {
                let p = CompositeParams {
                    x, y, width: c, height: d, opacity: any_u32 % 128,
                    step_x: 0, step_y: 0, row_shift: 0,
                };
                proptest::prop_assert_eq!(composite(img.clone(), &p, &overlay).pixels.len(), n);
                let tiled = CompositeParams {
                    step_x: c + (any_u32 % 7), step_y: d + (any_u32 % 5), row_shift: any_u32 % (c + 1), ..p
                };
                proptest::prop_assert_eq!(composite(img.clone(), &tiled, &overlay).pixels.len(), n);
            }
        }
    }
}
