//! Decoding a source of known format into the pipeline's RGBA8 (straight alpha, sRGB) [`Image`],
//! in its STORED orientation (the planner adds an `Orient` stage for EXIF orientation).
//!
//! JPEG goes through libjpeg-turbo (see `jpeg.rs`), with DCT-domain shrink-on-load; HEIC and
//! AVIF through libheif (`heif.rs`); TIFFs the `image` crate cannot read through `tiff.rs`. PNG, GIF
//! (first frame; every frame: `anim.rs`), BMP, TIFF and WebP go through the `image` crate under
//! [`Limits`], so no decoder allocates past a fixed bound. Embedded ICC profiles are converted to sRGB (`icc.rs`).
//! Every third-party decoder runs under `catch_unwind`: a panic on hostile input becomes
//! `ImageDamage`, never a crashed worker.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use image::{ColorType, DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

use super::icc;
use super::jpeg;
use crate::pipeline::Image;
use crate::plan::DecodeSpec;
use crate::process::Format;
use crate::{Error, ErrorKind, Result};

/// Largest source, in pixels, that is decoded at all (spec §2: "Source total pixels ≤ 250 000 000").
pub(crate) const MAX_PIXELS: u64 = 250_000_000;

/// Allocation bound handed to the `image` decoders: a 16-bit RGBA buffer (8 bytes per pixel) at
/// [`MAX_PIXELS`], the largest buffer a legal source can need before narrowing to 8 bits.
pub(super) const MAX_ALLOC_BYTES: u64 = MAX_PIXELS * 8;

/// Decodes `bytes`, whose format the caller already knows, to RGBA8 sRGB in stored orientation.
///
/// `spec.scale_denom` (1, 2, 4 or 8) shrinks JPEGs in the DCT domain; the result is then
/// `ceil(W/denom) × ceil(H/denom)` ([`crate::plan::scaled_dim`]). Other formats are normally
/// asked for denom 1; a larger denom is honoured with a box filter so the size contract holds.
///
/// Errors: damaged or truncated data → `ImageDamage` (403) — except truncated JPEGs that
/// libjpeg-turbo can still decode with a warning, which are returned partially grey (see
/// `jpeg.rs`); more than 250 MP → `ImageTooLarge` (EC 0040-00000012); a damaged AVIF carries
/// EC 0040-00000021 (`heif.rs`).
pub fn decode(bytes: &[u8], format: Format, spec: &DecodeSpec) -> Result<Image> {
    let denom = spec.scale_denom;
    if !matches!(denom, 1 | 2 | 4 | 8) {
        return Err(Error::new(
            ErrorKind::InternalError,
            format!("invalid decode scale 1/{denom}"),
        ));
    }
    let image_format = match format {
        Format::Jpg => return guarded(|| jpeg::decode(bytes, denom)),
        Format::Png => ImageFormat::Png,
        Format::Gif => ImageFormat::Gif,
        Format::Bmp => ImageFormat::Bmp,
        Format::Tiff if super::tiff::compression(bytes).is_some_and(super::tiff::is_jpeg) => {
            let img = guarded(|| super::tiff::decode_jpeg(bytes))?;
            return Ok(if denom > 1 { shrink_box(&img, denom) } else { img });
        }
        Format::Tiff => ImageFormat::Tiff,
        Format::Webp => ImageFormat::WebP,
        Format::Heic | Format::Avif => {
            let img = guarded(|| super::heif::decode(bytes, format))?;
            return Ok(if denom > 1 { shrink_box(&img, denom) } else { img });
        }
    };
    let img = match guarded(|| decode_with_image(bytes, image_format)) {
        // Grey and palette depths the `image` crate refuses (`tiff.rs`).
        Err(e) if format == Format::Tiff && e.kind == ErrorKind::ImageDamage => {
            guarded(|| super::tiff::decode_grey_or_palette(bytes))?
        }
        // TIFF associated alpha (ExtraSamples 1) is premultiplied; the pipeline's is straight.
        Ok(mut img) if format == Format::Tiff && super::tiff::associated_alpha(bytes) => {
            unpremultiply(&mut img.pixels);
            img
        }
        other => other?,
    };
    Ok(if denom > 1 { shrink_box(&img, denom) } else { img })
}

/// Runs a decoder, turning a panic inside it into `ImageDamage`.
pub(super) fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(Error::damaged()))
}

/// Refuses sources over [`MAX_PIXELS`] before any pixel buffer is allocated.
pub(crate) fn check_pixel_count(width: u32, height: u32) -> Result<()> {
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Error::with_ec(
            ErrorKind::ImageTooLarge,
            "0040-00000012",
            "The image is too large to decode (more than 250000000 pixels).",
        ));
    }
    Ok(())
}

/// PNG, GIF (first frame), BMP, TIFF and WebP through the `image` crate.
fn decode_with_image(bytes: &[u8], format: ImageFormat) -> Result<Image> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_ALLOC_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(map_image_error)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(Error::damaged());
    }
    check_pixel_count(width, height)?;
    // A profile that cannot be read is ignored (decode as sRGB), never a failed request.
    let profile = decoder.icc_profile().ok().flatten();
    let gray = matches!(
        decoder.color_type(),
        ColorType::L8 | ColorType::La8 | ColorType::L16 | ColorType::La16
    );
    let dynamic = DynamicImage::from_decoder(decoder).map_err(map_image_error)?;
    if dynamic.width() != width || dynamic.height() != height {
        return Err(Error::damaged());
    }
    // 16-bit and float sources are narrowed to 8 bits here (rounded, floats clamped to 0–1).
    let rgba = dynamic.into_rgba8();
    let mut img = Image { width, height, pixels: rgba.into_raw() };
    if let Some(p) = profile {
        icc::to_srgb(&mut img, &p, if gray { icc::Model::Gray } else { icc::Model::Rgb });
    }
    Ok(img)
}

/// Straight alpha from premultiplied (associated) alpha, in place, rounded.
pub(super) fn unpremultiply(pixels: &mut [u8]) {
    for p in pixels.chunks_exact_mut(4) {
        let a = u32::from(p[3]);
        if a != 0 && a != 255 {
            for c in &mut p[..3] {
                *c = ((u32::from(*c) * 255 + a / 2) / a).min(255) as u8;
            }
        }
    }
}

/// `image` errors: limits → `ImageTooLarge`; everything else (malformed, truncated, unsupported
/// variants such as old-style JPEG-in-TIFF) → `ImageDamage`, which is how OSS answers any
/// source it cannot decode.
pub(super) fn map_image_error(e: ImageError) -> Error {
    match e {
        ImageError::Limits(_) => Error::with_ec(
            ErrorKind::ImageTooLarge,
            "0040-00000012",
            "The image is too large to decode.",
        ),
        _ => Error::damaged(),
    }
}

/// Shrinks by an integer factor to `ceil(W/denom) × ceil(H/denom)`, averaging each (possibly
/// partial, at the right/bottom edge) `denom × denom` block with alpha weighting, so colours of
/// transparent pixels do not bleed. Used where libjpeg-turbo's DCT scaling is unavailable.
pub(crate) fn shrink_box(img: &Image, denom: u32) -> Image {
    if denom <= 1 {
        return img.clone();
    }
    let (w, h) = (img.width.div_ceil(denom), img.height.div_ceil(denom));
    let mut out = Vec::with_capacity(w as usize * h as usize * 4);
    for oy in 0..h {
        let y0 = oy * denom;
        let y1 = (y0 + denom).min(img.height);
        for ox in 0..w {
            let x0 = ox * denom;
            let x1 = (x0 + denom).min(img.width);
            let (mut r, mut g, mut b, mut a, mut n) = (0u64, 0u64, 0u64, 0u64, 0u64);
            for y in y0..y1 {
                let row = (y as usize * img.width as usize) * 4;
                for x in x0..x1 {
                    let i = row + x as usize * 4;
                    let p = &img.pixels[i..i + 4];
                    let pa = u64::from(p[3]);
                    r += u64::from(p[0]) * pa;
                    g += u64::from(p[1]) * pa;
                    b += u64::from(p[2]) * pa;
                    a += pa;
                    n += 1;
                }
            }
            if a == 0 {
                out.extend_from_slice(&[0, 0, 0, 0]);
            } else {
                let c = |s: u64| ((s + a / 2) / a) as u8;
                out.extend_from_slice(&[c(r), c(g), c(b), ((a + n / 2) / n) as u8]);
            }
        }
    }
    Image { width: w, height: h, pixels: out }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
