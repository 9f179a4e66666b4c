//! Encoder settings (§1.4, §3.12–§3.14): output format, quality, lossless and interlace. These are
//! global: their position in the cascade does not matter, and the last occurrence wins \[U\].

use super::{JpegQuantiser, OutputSpec, SourceInfo};
use crate::error::{Error, ErrorKind, Result};
use crate::process::{Action, Format, ProcessSpec, Quality};

/// Default JPEG quality when the source quality is unknown, and the cap on the estimated source
/// quality used by default (spec §3.13 recommendation \[U\]).
const DEFAULT_JPEG_QUALITY: u32 = 90;
/// Default WebP quality (spec §3.13 recommendation \[U\]; also libwebp's own default).
const DEFAULT_WEBP_QUALITY: u32 = 75;
/// Default AVIF and HEIC quality \[U\]: libheif's own default and sharp's, which gives files
/// about the size of a JPEG at 80 (AV1/HEVC at this quality look like JPEG at 85–90).
const DEFAULT_HEIF_QUALITY: u32 = 50;
/// Largest side a WebP encoder accepts (WebP's 14-bit dimension fields: 2¹⁴ − 1; spec §2).
const MAX_WEBP_SIDE: u32 = 16_383;

/// The format `spec` writes for a source of `source` format (its last `format` action applied
/// with the rules of `output_format`), known before the source is read: what `batch` names
/// its outputs by.
pub fn output_format_for(spec: &ProcessSpec, source: Format) -> Format {
    let requested = spec.actions.iter().rev().find_map(|a| match a {
        Action::Format(f) => Some(*f),
        _ => None,
    });
    output_format(requested, source)
}

/// The format actually written for `requested` given the source format.
///
/// `gif` is only effective when the source is a GIF, otherwise the source format is kept \[C\];
/// \[U\] a WebP source (the other animated format) may also be written as GIF, so an animated
/// WebP can become an animated GIF. HEIC and AVIF are written by libheif (x265, libaom); \[U\] a
/// build or host without that encoder falls back to JPEG, whether the format comes from the
/// source or from `format` (`codec::can_encode`).
fn output_format(requested: Option<Format>, source: Format) -> Format {
    let f = match requested {
        Some(Format::Gif) if !matches!(source, Format::Gif | Format::Webp) => source,
        Some(f) => f,
        None => source,
    };
    match f {
        Format::Heic | Format::Avif if !crate::codec::can_encode(f) => Format::Jpg,
        f => f,
    }
}

/// The encoder quality (1–100) for `format`.
///
/// * `Q` (wins over `q`) is absolute: `min(Q, source quality)` when the source quality is known,
///   else `Q` \[C\].
/// * `q` is relative for JPEG sources: `round(source·q/100)`, at least 1 \[C\]; with an unknown
///   source quality it is taken as 100 \[U\], i.e. `q`. For other sources `q` acts like `Q` \[C\].
/// * No quality action \[U\]: JPEG `min(source quality, 90)` or 90; WebP 75; AVIF/HEIC 50 (libheif's
///   quality scale, see `codec::heif`); other formats ignore it (90 is reported).
fn quality(q: Option<&Quality>, src: &SourceInfo, format: Format) -> u32 {
    let known = src.jpeg_quality.map(|v| v.clamp(1, 100));
    let absolute = |v: u32| known.map_or(v, |s| v.min(s));
    let chosen = q.and_then(|q| match (q.absolute, q.relative) {
        (Some(a), _) => Some(absolute(a)),
        (None, Some(r)) if src.format == Format::Jpg => {
            // round(s·r/100), round-half-up in integers.
            Some(known.map_or(r, |s| (s * r + 50) / 100))
        }
        (None, Some(r)) => Some(absolute(r)),
        (None, None) => None,
    });
    let v = chosen.unwrap_or(match format {
        Format::Webp => DEFAULT_WEBP_QUALITY,
        Format::Avif | Format::Heic => DEFAULT_HEIF_QUALITY,
        _ => known.map_or(DEFAULT_JPEG_QUALITY, |s| s.min(DEFAULT_JPEG_QUALITY)),
    });
    v.clamp(1, 100)
}

/// The encoder settings of `spec` for an image of the given final size.
///
/// `interlace,1` only turns on progressive output for JPEG (other formats ignore it \[U\]). WebP
/// output with a side over 16383 px is a 400 `InvalidArgument` (spec §2). Baseline JPEG is
/// trellis-quantised where `quantiser` says so for this size.
pub(super) fn output_spec(
    spec: &ProcessSpec,
    src: &SourceInfo,
    width: u32,
    height: u32,
    quantiser: JpegQuantiser,
) -> Result<OutputSpec> {
    let mut requested = None;
    let mut q = None;
    let mut interlace = false;
    for a in &spec.actions {
        match a {
            Action::Format(f) => requested = Some(*f),
            Action::Quality(v) => q = Some(v),
            Action::Interlace(v) => interlace = *v,
            _ => {}
        }
    }
    let format = output_format(requested, src.format);
    // §3.12 [C]: "HEIC sources with alpha cannot be converted to JPG" — an explicit `format,jpg`
    // is refused (the no-encoder fallback to JPEG still flattens on white).
    if requested == Some(Format::Jpg) && src.format == Format::Heic && src.has_alpha {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "HEIC images with an alpha channel cannot be converted to JPG.",
        ));
    }
    if format == Format::Webp && (width > MAX_WEBP_SIDE || height > MAX_WEBP_SIDE) {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "WebP output is limited to {MAX_WEBP_SIDE} px per side; the result is {width}x{height}."
            ),
        ));
    }
    Ok(OutputSpec {
        format,
        quality: quality(q, src, format),
        lossless: q.is_some_and(|q| q.lossless),
        progressive: interlace && format == Format::Jpg,
        trellis: format == Format::Jpg && !interlace && quantiser.trellis(width, height),
    })
}
