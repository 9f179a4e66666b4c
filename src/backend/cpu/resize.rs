//! `resize`: Lanczos3 resampling through `fast_image_resize` (SIMD convolution), of RGBA images
//! and (`resize_planes`) of the planar JPEG path's Y'CbCr planes.

use std::cell::RefCell;

use fast_image_resize::images::{Image as FirImage, ImageRef};
use fast_image_resize::{Filter, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use super::{blank, well_formed};
use crate::pipeline::{Image, Plane, Planes, ResizeParams};
use crate::{Error, Result};

thread_local! {
    /// One resizer per thread: it detects the CPU's SIMD extensions once and keeps its internal
    /// buffers between calls (this stage runs for every thumbnail).
    static RESIZER: RefCell<Resizer> = RefCell::new(Resizer::new());
}

/// Entries of the per-thread memo of Lanczos3 weights ([`lanczos3`]): a few KiB, more than
/// the distinct tap offsets of any one resize (the offsets repeat with the period of the scale
/// ratio's denominator, e.g. every 25 output pixels for 816 → 300).
const MEMO_SIZE: usize = 4096;

thread_local! {
    /// Direct-mapped memo of `lanczos3`: `(x.to_bits(), weight)`; `u64::MAX` (a NaN pattern no
    /// tap offset has) marks an empty slot.
    static MEMO: RefCell<Vec<(u64, f64)>> = RefCell::new(vec![(u64::MAX, 0.0); MEMO_SIZE]);
}

/// The Lanczos3 kernel exactly as `fast_image_resize` computes its built-in one (the same
/// operations in the same order, so every weight — and every output pixel — is bit-identical),
/// remembered per thread: the library evaluates the kernel (two `sin`) for every tap of every
/// output row and column of every resize, which profiled at ~4 % of the service's CPU for W1 on
/// a 2 MP photo; the offsets repeat within a resize and across requests of one size.
fn lanczos3(x: f64) -> f64 {
    fn sinc(mut x: f64) -> f64 {
        if x == 0.0 {
            1.0
        } else {
            x *= std::f64::consts::PI;
            x.sin() / x
        }
    }
    let key = x.to_bits();
    // Fibonacci hashing: the top bits of the product index the table.
    let slot =
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - MEMO_SIZE.trailing_zeros())) as usize;
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo[slot].0 == key {
            return memo[slot].1;
        }
        let w = if (-3.0..3.0).contains(&x) { sinc(x) * sinc(x / 3.) } else { 0.0 };
        memo[slot] = (key, w);
        w
    })
}

/// The Lanczos3 convolution both resizers use: [`lanczos3`] with the built-in kernel's
/// support, the same convolution as `FilterType::Lanczos3` with its weights remembered.
fn convolution() -> Result<ResizeOptions> {
    let filter = Filter::new("Lanczos3", lanczos3, 3.0).map_err(|_| Error::internal())?;
    Ok(ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Custom(filter))))
}

/// Resamples the whole image to exactly `p.width`×`p.height` with a Lanczos3 convolution. Colour
/// is weighted by alpha (the library premultiplies and divides back) unless the image is fully
/// opaque, where that work is skipped. The same size returns a copy; an empty source or target
/// gives a transparent image of the target size. The one fallible stage: an error from the
/// library (none is expected for RGBA8 buffers of the right length) becomes `InternalError`.
pub fn resize(img: &Image, p: &ResizeParams) -> Result<Image> {
    if (p.width, p.height) == (img.width, img.height) && well_formed(img) {
        return Ok(img.clone());
    }
    if !well_formed(img) || img.width == 0 || img.height == 0 || p.width == 0 || p.height == 0 {
        return Ok(blank(p.width, p.height));
    }
    let src = ImageRef::new(img.width, img.height, &img.pixels, PixelType::U8x4)
        .map_err(|_| Error::internal())?;
    let mut dst = FirImage::new(p.width, p.height, PixelType::U8x4);
    let options = convolution()?.use_alpha(img.has_transparency());
    RESIZER
        .with(|r| r.borrow_mut().resize(&src, &mut dst, &options))
        .map_err(|_| Error::internal())?;
    Ok(Image { width: p.width, height: p.height, pixels: dst.into_vec() })
}

/// Resamples Y'CbCr planes to a `width × height` picture with 4:2:0 chroma
/// (`ceil(width/2) × ceil(height/2)`, what a JPEG encoder writes), each plane with the same
/// Lanczos3 convolution as [`resize`]: luma from the source's luma, chroma from the source's
/// chroma at its own subsampling, both mapping the picture onto the picture (chroma sited at
/// the centre of the luma it covers, as JFIF does). On an odd side the output chroma covers one
/// pixel more than the picture: past its far edge, or, where `chroma_at_end` says so for that
/// axis `(x, y)`, before its near edge — for a thumbnail that is then mirrored or turned
/// ([`super::reversed_axes`]), so its chroma pairs start at the final image's top-left.
/// Planes already at their target size are moved, not resampled. `width`, `height` ≥ 1.
pub fn resize_planes(
    src: Planes,
    width: u32,
    height: u32,
    chroma_at_end: (bool, bool),
) -> Result<Planes> {
    let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
    let (sx, sy) = src.chroma_step;
    let luma = Region { left: 0.0, top: 0.0, width: src.width.into(), height: src.height.into() };
    // One axis of the chroma's source region, in source chroma samples: the output chroma
    // covers output pixels [start, start + 2·c), start = 0 or, at the end, size − 2·c (−1 on an
    // odd side); the region is that stretch of the source picture (`scale` source luma per
    // output pixel), which may reach past the decoded plane (its edge samples are used there).
    let axis = |size: u32, c: u32, at_end: bool, scale: f64, step: u32| {
        let start = if at_end { f64::from(size) - f64::from(2 * c) } else { 0.0 };
        (start * scale / f64::from(step), f64::from(2 * c) * scale / f64::from(step))
    };
    let (left, w) = axis(width, cw, chroma_at_end.0, luma.width / f64::from(width), sx);
    let (top, h) = axis(height, ch, chroma_at_end.1, luma.height / f64::from(height), sy);
    let chroma = Region { left, top, width: w, height: h };
    Ok(Planes {
        width,
        height,
        y: resize_plane(src.y, luma, width, height)?,
        cb: resize_plane(src.cb, chroma, cw, ch)?,
        cr: resize_plane(src.cr, chroma, cw, ch)?,
        chroma_step: (2, 2),
    })
}

/// A rectangle of a plane, in samples: fractional, and possibly reaching past the plane's edges.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Region {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

/// Resamples `region` of `plane` to `width × height`; a region that already is the plane's
/// top-left `width × height` is returned as it is (trimmed of any padding). Where the region
/// reaches past the plane, the plane's edge samples are read.
fn resize_plane(plane: Plane, region: Region, width: u32, height: u32) -> Result<Plane> {
    let (w, h) = (f64::from(width), f64::from(height));
    if region == (Region { left: 0.0, top: 0.0, width: w, height: h }) {
        if (plane.width, plane.height) == (width, height) {
            return Ok(plane);
        }
        let rows = plane.data.chunks_exact(plane.width as usize).take(height as usize);
        let data = rows.flat_map(|r| &r[..width as usize]).copied().collect();
        return Ok(Plane { width, height, data });
    }
    let (pad_left, pad_top) = ((-region.left).max(0.0).ceil(), (-region.top).max(0.0).ceil());
    let right =
        (region.left + region.width + pad_left).ceil().max(pad_left + f64::from(plane.width));
    let bottom =
        (region.top + region.height + pad_top).ceil().max(pad_top + f64::from(plane.height));
    let plane = plane.extended((pad_left as u32, pad_top as u32), (right as u32, bottom as u32));
    let src = ImageRef::new(plane.width, plane.height, &plane.data, PixelType::U8)
        .map_err(|_| Error::internal())?;
    let mut dst = FirImage::new(width, height, PixelType::U8);
    let crop = (region.left + pad_left, region.top + pad_top, region.width, region.height);
    let options = convolution()?.crop(crop.0, crop.1, crop.2, crop.3);
    RESIZER
        .with(|r| r.borrow_mut().resize(&src, &mut dst, &options))
        .map_err(|_| Error::internal())?;
    Ok(Plane { width, height, data: dst.into_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(width: u32, height: u32) -> ResizeParams {
        ResizeParams { width, height, _pad: [0; 2] }
    }

    /// Mean of channel `c`.
    fn mean(img: &Image, c: usize) -> f64 {
        let n = (img.width * img.height) as f64;
        img.pixels.chunks_exact(4).map(|p| f64::from(p[c])).sum::<f64>() / n
    }

    #[test]
    fn constant_image_stays_constant() {
        for px in [[10, 200, 77, 255], [10, 200, 77, 90]] {
            let img = Image::filled(37, 23, px);
            for (w, h) in [(10, 7), (80, 50), (37, 5)] {
                let out = resize(&img, &params(w, h)).unwrap();
                assert_eq!((out.width, out.height), (w, h));
                // Lanczos weights sum to 1; fixed-point rounding may move a level by one.
                for q in out.pixels.chunks_exact(4) {
                    for c in 0..4 {
                        assert!(q[c].abs_diff(px[c]) <= 1, "{q:?} vs {px:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn photo_half_size_keeps_the_mean() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hopper.png");
        let rgba = image::open(path).expect("decode hopper.png").to_rgba8();
        let img = Image { width: rgba.width(), height: rgba.height(), pixels: rgba.into_raw() };
        assert_eq!((img.width, img.height), (128, 128));
        let out = resize(&img, &params(64, 64)).unwrap();
        assert_eq!((out.width, out.height, out.pixels.len()), (64, 64, 64 * 64 * 4));
        for c in 0..3 {
            let (a, b) = (mean(&img, c), mean(&out, c));
            // Resampling conserves the mean up to ringing clipped at 0/255 and rounding.
            assert!((a - b).abs() <= 2.0, "channel {c}: {a:.2} vs {b:.2}");
        }
        assert!(out.pixels.chunks_exact(4).all(|p| p[3] == 255));
        // Not a trivial output: the picture still has detail.
        let lo = out.pixels.chunks_exact(4).map(|p| p[0]).min().unwrap();
        let hi = out.pixels.chunks_exact(4).map(|p| p[0]).max().unwrap();
        assert!(hi - lo > 100, "range {lo}..{hi}");
    }

    #[test]
    fn remembered_kernel_equals_the_libraries_own() {
        // Bit for bit: the same pixels as FilterType::Lanczos3 on a photo, down and up, twice
        // (the second run reads the memo).
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hopper.png");
        let rgba = image::open(path).expect("decode hopper.png").to_rgba8();
        let img = Image { width: rgba.width(), height: rgba.height(), pixels: rgba.into_raw() };
        for (w, h) in [(47, 31), (300, 225), (128, 57), (47, 31)] {
            let src = ImageRef::new(img.width, img.height, &img.pixels, PixelType::U8x4).unwrap();
            let mut want = FirImage::new(w, h, PixelType::U8x4);
            let builtin = ResizeOptions::new()
                .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
                .use_alpha(false);
            Resizer::new().resize(&src, &mut want, &builtin).unwrap();
            assert_eq!(resize(&img, &params(w, h)).unwrap().pixels, want.into_vec(), "{w}x{h}");
        }
        for x in [-3.5, -2.999, -1.5, -0.25, 0.0, 0.7, 2.5, 3.0] {
            let bits = |v: f64| v.to_bits();
            let first = lanczos3(x);
            assert_eq!(bits(lanczos3(x)), bits(first), "{x}");
        }
    }

    #[test]
    fn degenerate_sizes_do_not_panic() {
        let img = Image::filled(4, 4, [1, 2, 3, 255]);
        assert_eq!(resize(&img, &params(4, 4)).unwrap(), img);
        let out = resize(&img, &params(1, 1)).unwrap();
        assert_eq!(out.pixel(0, 0), [1, 2, 3, 255]);
        let empty = Image { width: 0, height: 0, pixels: vec![] };
        assert_eq!(resize(&empty, &params(2, 3)).unwrap(), blank(2, 3));
        let malformed = Image { width: 4, height: 4, pixels: vec![0; 3] };
        assert_eq!(resize(&malformed, &params(2, 2)).unwrap(), blank(2, 2));
    }
}
