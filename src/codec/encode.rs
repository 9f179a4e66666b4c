//! Encoding the pipeline's RGBA8 [`Image`] into the output format of an [`OutputSpec`], and the
//! planar path's Y'CbCr [`Planes`] into JPEG ([`encode_planes`]).
//!
//! JPEG: libjpeg-turbo (quality, 4:2:0, optional progressive), or `jpeg_enc`'s trellis encoder
//! for the baseline outputs the plan marks; PNG, BMP, GIF: the `image` crate; TIFF: the `tiff`
//! crate, Deflate-compressed (`tiff.rs`); WebP: libwebp through the `webp` crate. Outputs
//! without alpha (JPEG) are flattened on WHITE (spec §3.12). Alpha-capable outputs keep alpha
//! only when some pixel is not opaque, so opaque images are written as RGB (smaller files).
//! HEIC (x265) and AVIF (libaom) through libheif (`heif.rs`).

use std::panic::{catch_unwind, AssertUnwindSafe};

use image::codecs::bmp::BmpEncoder;
use image::codecs::gif::GifEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

use super::jpeg_enc::{Quantiser, Source};
use crate::pipeline::{Image, Plane, Planes};
use crate::plan::OutputSpec;
use crate::process::Format;
use crate::{Error, ErrorKind, Result};

/// Largest side a JPEG or GIF can record (16-bit size fields).
pub(super) const MAX_SIDE_16BIT: u32 = 65_535;

/// Largest side of a JPEG: libjpeg's `JPEG_MAX_DIMENSION`. libjpeg-turbo neither writes nor
/// reads larger ones, so no decoder built on it (most of them) could open such a file.
pub(super) const MAX_SIDE_JPEG: u32 = 65_500;

/// Largest side libwebp accepts (`WEBP_MAX_DIMENSION`; spec §2 "Conversion to WebP: ≤ 16 383").
pub(super) const MAX_SIDE_WEBP: u32 = 16_383;

/// NeuQuant sampling factor for GIF palettes: 10 is the gif crate's recommended balance (1 is
/// best and ~10× slower, 30 fastest); palette error at 10 is invisible after dithering-free
/// quantisation of photos at OSS output sizes.
pub(super) const GIF_SPEED: i32 = 10;

/// Encodes `img` as `out.format`. JPEG and lossy WebP use `out.quality` (clamped to 1–100);
/// `out.lossless` selects lossless WebP; `out.progressive` writes a progressive JPEG (SOF2) and
/// is ignored by other formats (spec §3.14 \[U\]); `out.trellis` writes a baseline JPEG with
/// the codec's own trellis-quantising encoder (`jpeg_enc`) instead of libjpeg-turbo.
///
/// Errors: a side over the format's limit (JPEG 65 500, GIF 65 535, WebP 16 383) →
/// `ImageTooLarge`; HEIC/AVIF without an encoder in this build → `NotImplemented`; an encoder
/// failure → `InternalError`.
pub fn encode(img: &Image, out: &OutputSpec) -> Result<Vec<u8>> {
    let expected = img.width as usize * img.height as usize * 4;
    if img.width == 0 || img.height == 0 || img.pixels.len() != expected {
        return Err(Error::new(ErrorKind::InternalError, "encode: malformed image buffer"));
    }
    let quality = out.quality.clamp(1, 100);
    let run = |f: &dyn Fn() -> Result<Vec<u8>>| {
        catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(Error::internal()))
    };
    match out.format {
        Format::Jpg => {
            check_side(img, MAX_SIDE_JPEG, "JPEG")?;
            run(&|| encode_jpeg(img, quality, out.progressive, out.trellis))
        }
        Format::Png => run(&|| encode_png(img)),
        Format::Webp => {
            check_side(img, MAX_SIDE_WEBP, "WebP")?;
            run(&|| encode_webp(img, quality, out.lossless))
        }
        Format::Bmp => run(&|| encode_bmp(img)),
        Format::Gif => {
            check_side(img, MAX_SIDE_16BIT, "GIF")?;
            run(&|| encode_gif(img))
        }
        Format::Tiff => run(&|| super::tiff::encode(img)),
        Format::Heic | Format::Avif => {
            // HEIF's `ispe` and the codecs take up to 65 535 per side, more than any output.
            check_side(img, MAX_SIDE_16BIT, out.format.name())?;
            run(&|| super::heif::encode(img, out.format, quality, out.lossless))
        }
    }
}

pub(super) fn check_side(img: &Image, max: u32, what: &str) -> Result<()> {
    check_dims(img.width, img.height, max, what)
}

/// [`check_side`] for a `width × height` output.
fn check_dims(width: u32, height: u32, max: u32, what: &str) -> Result<()> {
    if width > max || height > max {
        return Err(Error::new(
            ErrorKind::ImageTooLarge,
            format!("{what} output cannot exceed {max} pixels per side ({width}x{height})."),
        ));
    }
    Ok(())
}

/// True when [`encode_planes`] writes `out`: any JPEG output (the trellis encoder and
/// libjpeg-turbo both take Y'CbCr planes as they are). Other formats need RGBA.
pub fn encodes_planes(out: &OutputSpec) -> bool {
    out.format == Format::Jpg
}

/// Encodes 4:2:0 Y'CbCr planes (as [`crate::backend::cpu::resize_planes`] makes them) as the
/// JPEG `out` asks for — the same encoder and settings [`encode`] uses for it (the trellis
/// encoder for `out.trellis` baseline outputs, libjpeg-turbo otherwise), with the colour
/// conversion and chroma downsampling already done by the planes. Errors: a side over 65 500 →
/// `ImageTooLarge`; another format or a malformed plane set → `InternalError`.
pub fn encode_planes(planes: &Planes, out: &OutputSpec) -> Result<Vec<u8>> {
    let (w, h) = (planes.width, planes.height);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let shape = |p: &Plane, pw: u32, ph: u32| {
        (p.width, p.height, p.data.len()) == (pw, ph, pw as usize * ph as usize)
    };
    let well_formed = w > 0
        && h > 0
        && planes.chroma_step == (2, 2)
        && shape(&planes.y, w, h)
        && shape(&planes.cb, cw, ch)
        && shape(&planes.cr, cw, ch);
    if !encodes_planes(out) || !well_formed {
        return Err(Error::new(ErrorKind::InternalError, "encode: not a planar JPEG output"));
    }
    check_dims(w, h, MAX_SIDE_JPEG, "JPEG")?;
    let quality = out.quality.clamp(1, 100);
    let encode = || {
        if out.trellis && !out.progressive {
            let quant = Quantiser::Trellis;
            return Ok(super::jpeg_enc::encode(Source::Planes(planes), w, h, quality, quant));
        }
        // libjpeg-turbo reads whole 2×2 luma squares: an odd side gets its last sample repeated.
        let padded;
        let y = if (w, h) == (2 * cw, 2 * ch) {
            &planes.y
        } else {
            padded = planes.y.clone().extended((0, 0), (2 * cw, 2 * ch));
            &padded
        };
        let image = turbojpeg::YuvPlanesImage {
            y_plane: &y.data[..],
            u_plane: &planes.cb.data[..],
            v_plane: &planes.cr.data[..],
            width: w as usize,
            height: h as usize,
            y_stride: y.width as usize,
            u_stride: cw as usize,
            v_stride: cw as usize,
            subsamp: turbojpeg::Subsamp::Sub2x2,
        };
        let mut c = turbo_compressor(quality, out.progressive)?;
        c.compress_yuv_planes_to_vec(&image).map_err(encoder_failed)
    };
    catch_unwind(AssertUnwindSafe(encode)).unwrap_or_else(|_| Err(Error::internal()))
}

/// libjpeg-turbo's compressor with ossimg's JPEG settings: `quality`, 4:2:0, optimised Huffman
/// tables, baseline or progressive.
fn turbo_compressor(quality: u32, progressive: bool) -> Result<turbojpeg::Compressor> {
    let mut c = turbojpeg::Compressor::new().map_err(encoder_failed)?;
    c.set_quality(quality as i32).map_err(encoder_failed)?;
    // 4:2:0, as libvips/OSS write by default; quarter-size chroma halves the file at no
    // visible cost for photos.
    c.set_subsamp(turbojpeg::Subsamp::Sub2x2).map_err(encoder_failed)?;
    c.set_progressive(progressive).map_err(encoder_failed)?;
    // Huffman tables optimised for this image (an extra pass over the coefficients, as libvips
    // and sharp do by default): 2–3 % smaller files at the same pixels, ~0.1 ms on a thumbnail.
    c.set_optimize(true).map_err(encoder_failed)?;
    Ok(c)
}

fn encoder_failed(_cause: impl std::fmt::Display) -> Error {
    Error::internal()
}

/// Composites straight-alpha RGBA on white, keeping 4 bytes per pixel with alpha 255.
/// `out = (c·a + 255·(255 − a)) / 255`, rounded.
pub(crate) fn flatten_on_white(img: &Image) -> Vec<u8> {
    let mut px = img.pixels.clone();
    for p in px.chunks_exact_mut(4) {
        let a = u32::from(p[3]);
        if a != 255 {
            for c in &mut p[..3] {
                *c = ((u32::from(*c) * a + 255 * (255 - a) + 127) / 255) as u8;
            }
            p[3] = 255;
        }
    }
    px
}

/// RGBA → RGB (drops alpha; callers use it only for opaque images).
fn rgb_only(img: &Image) -> Vec<u8> {
    let mut v = Vec::with_capacity(img.pixels.len() / 4 * 3);
    for p in img.pixels.chunks_exact(4) {
        v.extend_from_slice(&p[..3]);
    }
    v
}

/// The pixels to hand a lossless encoder and their layout: RGBA when some pixel is not opaque,
/// else RGB (a quarter smaller, and what viewers expect of an opaque image).
fn rgba_or_rgb(img: &Image) -> (std::borrow::Cow<'_, [u8]>, ExtendedColorType) {
    if img.has_transparency() {
        (std::borrow::Cow::Borrowed(&img.pixels), ExtendedColorType::Rgba8)
    } else {
        (std::borrow::Cow::Owned(rgb_only(img)), ExtendedColorType::Rgb8)
    }
}

fn encode_jpeg(img: &Image, quality: u32, progressive: bool, trellis: bool) -> Result<Vec<u8>> {
    let flattened;
    let pixels: &[u8] = if img.has_transparency() {
        flattened = flatten_on_white(img);
        &flattened
    } else {
        &img.pixels
    };
    if trellis && !progressive {
        return Ok(super::jpeg_enc::encode(
            Source::Rgbx(pixels),
            img.width,
            img.height,
            quality,
            Quantiser::Trellis,
        ));
    }
    let mut c = turbo_compressor(quality, progressive)?;
    let image = turbojpeg::Image {
        pixels,
        width: img.width as usize,
        pitch: img.width as usize * 4,
        height: img.height as usize,
        // The 4th byte is ignored when compressing.
        format: turbojpeg::PixelFormat::RGBX,
    };
    c.compress_to_vec(image).map_err(encoder_failed)
}

fn encode_png(img: &Image) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    // Fast deflate: OSS answers are computed per request, and level-1-ish compression costs a
    // fraction of the default's time for files ~10–20 % larger.
    let enc = PngEncoder::new_with_quality(&mut buf, CompressionType::Fast, FilterType::Adaptive);
    let (pixels, layout) = rgba_or_rgb(img);
    enc.write_image(&pixels, img.width, img.height, layout).map_err(encoder_failed)?;
    Ok(buf)
}

fn encode_webp(img: &Image, quality: u32, lossless: bool) -> Result<Vec<u8>> {
    let rgb;
    let enc = if img.has_transparency() {
        webp::Encoder::from_rgba(&img.pixels, img.width, img.height)
    } else {
        rgb = rgb_only(img);
        webp::Encoder::from_rgb(&rgb, img.width, img.height)
    };
    let mut config = webp::WebPConfig::new().map_err(|()| Error::internal())?;
    config.lossless = i32::from(lossless);
    config.quality = quality as f32;
    // Lossy alpha stays lossless-compressed (libwebp's default), so masks keep hard edges.
    config.alpha_compression = 1;
    let mem = enc.encode_advanced(&config).map_err(|e| encoder_failed(format!("{e:?}")))?;
    Ok(mem.to_vec())
}

fn encode_bmp(img: &Image) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut enc = BmpEncoder::new(&mut buf);
    // 32-bit BGRA (BITMAPV4 header) when alpha matters — spec §3.10/§3.11 want transparent
    // corners in BMP output — and 24-bit otherwise.
    let (pixels, layout) = rgba_or_rgb(img);
    enc.encode(&pixels, img.width, img.height, layout).map_err(encoder_failed)?;
    Ok(buf)
}

/// GIF alpha is binary: pixels at least half covered (alpha ≥ 128) become opaque, the rest
/// transparent — the rounding that keeps a shape's area and outline where they were.
const GIF_ALPHA_THRESHOLD: u8 = 128;

/// Makes RGBA alpha binary for GIF output at [`GIF_ALPHA_THRESHOLD`]. The gif encoder would
/// otherwise make every non-zero alpha opaque, turning the faint fringe a resize or a mask edge
/// leaves around transparent areas into an opaque halo.
pub(super) fn gif_binary_alpha(pixels: &mut [u8]) {
    for p in pixels.chunks_exact_mut(4) {
        p[3] = if p[3] < GIF_ALPHA_THRESHOLD { 0 } else { 255 };
    }
}

fn encode_gif(img: &Image) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut pixels = img.pixels.clone();
    gif_binary_alpha(&mut pixels);
    {
        let mut enc = GifEncoder::new_with_speed(&mut buf, GIF_SPEED);
        // RGBA: transparent pixels get the palette's transparent index.
        enc.encode(&pixels, img.width, img.height, ExtendedColorType::Rgba8)
            .map_err(encoder_failed)?;
    }
    Ok(buf)
}

#[cfg(test)]
#[path = "encode_tests.rs"]
mod tests;
