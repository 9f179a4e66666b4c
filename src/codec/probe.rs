//! Header probing: what the planner needs to know about a source (format, stored size, EXIF
//! orientation, alpha, frame count, estimated JPEG quality), read from the container headers
//! without decoding a pixel, plus the source limits of spec §2, enforced before anything is
//! allocated. Also owns the small container walkers (JPEG segments, PNG chunks, RIFF chunks,
//! ISO BMFF boxes) that the EXIF, quality and `info` code reuse.
//!
//! Every parser here works on the borrowed input with checked arithmetic; nothing allocates in
//! proportion to a size the file claims.

use crate::codec::exif;
use crate::codec::quality::estimate_jpeg_quality;
use crate::codec::sniff::sniff;
use crate::error::{Error, ErrorKind};
use crate::plan::SourceInfo;
use crate::process::Format;

/// Largest accepted source side in pixels (spec §2: "each ≤ 30 000 px").
pub const MAX_SOURCE_SIDE: u64 = 30_000;
/// Largest accepted source pixel count, W×H×frames for animations (spec §2).
pub const MAX_SOURCE_PIXELS: u64 = 250_000_000;
/// The EC code of "decode refused" (spec §4.3).
pub const EC_DECODE_REFUSED: &str = "0040-00000012";

/// Reads the header of `bytes` and describes the source, without decoding pixels.
///
/// The §2 size limits are the planner's (`plan::plan`: EC `0040-00000009` when the cascade
/// resizes, `0040-00000012` otherwise; `info` answers whatever the size), except a GIF frame
/// reaching past them, a bomb refused here with `ImageTooLarge` (EC `0040-00000012`).
///
/// HEIC/AVIF headers are read by libheif (`heif.rs`: the primary image's size after its
/// `clap`/`irot` transforms, alpha), which parses the container but decodes nothing.
///
/// Errors: an unknown format, a zero side or a header that cannot be parsed gives `ImageDamage`
/// (an AVIF with EC 0040-00000021). Never panics.
pub fn probe(bytes: &[u8]) -> crate::Result<SourceInfo> {
    let format = sniff(bytes).ok_or_else(Error::damaged)?;
    let h = match format {
        Format::Jpg => probe_jpeg(bytes)?,
        Format::Png => probe_png(bytes)?,
        Format::Gif => probe_gif(bytes)?,
        Format::Bmp => probe_bmp(bytes)?,
        Format::Tiff => probe_tiff(bytes)?,
        Format::Webp => probe_webp(bytes)?,
        Format::Avif | Format::Heic => {
            let h = super::decode::guarded(|| super::heif::probe(bytes, format))?;
            Header::still(h.width, h.height, h.has_alpha)
        }
    };
    if h.width == 0 || h.height == 0 || h.frames == 0 {
        return Err(Error::damaged());
    }
    // HEIF orientation is carried by `irot`/`imir`, which HEIF decoders apply themselves; the
    // EXIF tag of a HEIF file must not be applied a second time (testdata MANIFEST notes).
    let orientation = match format {
        Format::Avif | Format::Heic => 1,
        _ => exif::orientation(bytes, format),
    };
    Ok(SourceInfo {
        format,
        width: h.width,
        height: h.height,
        orientation,
        has_alpha: h.has_alpha,
        frames: h.frames,
        file_size: bytes.len() as u64,
        jpeg_quality: if format == Format::Jpg { estimate_jpeg_quality(bytes) } else { None },
        loop_count: h.loop_count,
    })
}

/// The spec §2 source limits for a GIF frame: zero sides are damage, oversize is `ImageTooLarge`.
fn check_limits(width: u64, height: u64, frames: u64) -> crate::Result<()> {
    if width == 0 || height == 0 || frames == 0 {
        return Err(Error::damaged());
    }
    if width > MAX_SOURCE_SIDE || height > MAX_SOURCE_SIDE {
        return Err(too_large());
    }
    // Both sides are ≤ 30 000 here, so W×H cannot overflow; the frame factor saturates.
    let pixels = (width * height).saturating_mul(frames);
    if pixels > MAX_SOURCE_PIXELS {
        return Err(too_large());
    }
    Ok(())
}

/// The "decode refused" error of spec §2/§4.3.
fn too_large() -> Error {
    Error::with_ec(
        ErrorKind::ImageTooLarge,
        EC_DECODE_REFUSED,
        "The image is too large to be decoded: each side must be at most 30000 pixels and \
         width x height x frames at most 250000000.",
    )
}

/// What a per-format header parser finds.
struct Header {
    width: u32,
    height: u32,
    has_alpha: bool,
    frames: u32,
    loop_count: Option<u16>,
}

impl Header {
    fn still(width: u32, height: u32, has_alpha: bool) -> Self {
        Header { width, height, has_alpha, frames: 1, loop_count: None }
    }
}

// ---------------------------------------------------------------------------------------------
// Byte readers (bounds-checked; `None` past the end).

/// The big-endian u16 at `at`, `None` past the end.
pub(crate) fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}
/// The big-endian u32 at `at`, `None` past the end.
pub(crate) fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}
/// The little-endian u16 at `at`, `None` past the end.
pub(crate) fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}
/// The little-endian u32 at `at`, `None` past the end.
pub(crate) fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}
/// A 16-bit and a 32-bit reader of one byte order.
pub(crate) type Readers = (fn(&[u8], usize) -> Option<u16>, fn(&[u8], usize) -> Option<u32>);

/// The readers for little-endian (`true`) or big-endian data.
pub(crate) fn readers(little_endian: bool) -> Readers {
    if little_endian {
        (le16, le32)
    } else {
        (be16, be32)
    }
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(3)?)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

// ---------------------------------------------------------------------------------------------
// JPEG

/// One marker segment of a JPEG header.
pub(crate) struct JpegSegment<'a> {
    /// The marker code (the byte after `0xFF`), e.g. `0xE1` for APP1.
    pub marker: u8,
    /// The payload after the 2-byte length.
    pub data: &'a [u8],
}

/// Iterates over the marker segments of a JPEG header, from after SOI up to and including the
/// first SOS (the entropy-coded data is never walked). Stops at EOI or at the first truncated
/// segment. Like libjpeg, bytes that are not a marker between segments are skipped.
pub(crate) fn jpeg_segments(bytes: &[u8]) -> impl Iterator<Item = JpegSegment<'_>> {
    let mut pos = if bytes.starts_with(&[0xFF, 0xD8]) { 2 } else { bytes.len() };
    let mut done = false;
    std::iter::from_fn(move || {
        while !done {
            // Find the next 0xFF, then skip fill bytes (0xFF 0xFF …).
            let ff = pos + bytes.get(pos..)?.iter().position(|&b| b == 0xFF)?;
            let mut m = ff + 1;
            while bytes.get(m) == Some(&0xFF) {
                m += 1;
            }
            let marker = *bytes.get(m)?;
            pos = m + 1;
            match marker {
                // Not a marker (stuffed zero): keep scanning.
                0x00 => continue,
                // EOI: the header ended without a scan.
                0xD9 => {
                    done = true;
                    return None;
                }
                // Stand-alone markers carry no length: TEM, RSTn, a stray SOI.
                0x01 | 0xD0..=0xD8 => continue,
                _ => {
                    let len = be16(bytes, pos)? as usize;
                    if len < 2 {
                        done = true;
                        return None;
                    }
                    let data = bytes.get(pos + 2..pos + len)?;
                    pos += len;
                    if marker == 0xDA {
                        done = true;
                    }
                    return Some(JpegSegment { marker, data });
                }
            }
        }
        None
    })
}

/// True for the SOFn markers (C0–CF except DHT C4, JPG C8 and DAC CC).
fn is_sof(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

fn probe_jpeg(bytes: &[u8]) -> crate::Result<Header> {
    let sof = jpeg_segments(bytes)
        .take_while(|s| s.marker != 0xDA)
        .find(|s| is_sof(s.marker))
        .ok_or_else(Error::damaged)?;
    // SOF: precision (1), height (2), width (2), component count (1).
    let height = be16(sof.data, 1).ok_or_else(Error::damaged)?;
    let width = be16(sof.data, 3).ok_or_else(Error::damaged)?;
    // A height of 0 means "defined by a later DNL marker", which no decoder we use supports.
    Ok(Header::still(u32::from(width), u32::from(height), false))
}

// ---------------------------------------------------------------------------------------------
// PNG

/// Iterates over the chunks of a PNG file as `(type, data)`, stopping after IEND or at the
/// first truncated chunk. CRCs are not checked here.
pub(crate) fn png_chunks(bytes: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut pos = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") { 8 } else { bytes.len() };
    std::iter::from_fn(move || {
        let len = be32(bytes, pos)? as usize;
        let ty: [u8; 4] = bytes.get(pos + 4..pos + 8)?.try_into().ok()?;
        let data = bytes.get(pos + 8..(pos + 8).checked_add(len)?)?;
        // Length, type, data, CRC.
        pos = pos + 12 + len;
        if &ty == b"IEND" {
            pos = bytes.len();
        }
        Some((ty, data))
    })
}

/// CRC-32 (ISO-HDLC, as PNG uses), bitwise: only ever run on the 17 bytes of IHDR.
fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in parts.iter().flat_map(|p| p.iter()) {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn probe_png(bytes: &[u8]) -> crate::Result<Header> {
    // IHDR must be the first chunk, 13 bytes long, with a valid CRC.
    let ihdr = bytes.get(8..33).ok_or_else(Error::damaged)?;
    if be32(ihdr, 0) != Some(13) || &ihdr[4..8] != b"IHDR" {
        return Err(Error::damaged());
    }
    if be32(ihdr, 21) != Some(crc32(&[&ihdr[4..21]])) {
        return Err(Error::damaged());
    }
    let d = &ihdr[8..21];
    let width = be32(d, 0).ok_or_else(Error::damaged)?;
    let height = be32(d, 4).ok_or_else(Error::damaged)?;
    let (depth, color, compression, filter, interlace) = (d[8], d[9], d[10], d[11], d[12]);
    let depth_ok = match color {
        0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(depth, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(depth, 8 | 16),
        _ => false,
    };
    if !depth_ok || compression != 0 || filter != 0 || interlace > 1 {
        return Err(Error::damaged());
    }
    // PNG limits sides to 2^31 - 1; larger is corrupt rather than merely large.
    if width > i32::MAX as u32 || height > i32::MAX as u32 {
        return Err(Error::damaged());
    }
    let has_alpha = matches!(color, 4 | 6)
        || png_chunks(bytes).take_while(|(t, _)| t != b"IDAT").any(|(t, _)| &t == b"tRNS");
    // APNG animation frames are not decoded (the default image is), so frames stay 1.
    Ok(Header::still(width, height, has_alpha))
}

// ---------------------------------------------------------------------------------------------
// GIF

fn probe_gif(bytes: &[u8]) -> crate::Result<Header> {
    // Header (6) + logical screen descriptor (7).
    let width = u32::from(le16(bytes, 6).ok_or_else(Error::damaged)?);
    let height = u32::from(le16(bytes, 8).ok_or_else(Error::damaged)?);
    let flags = *bytes.get(10).ok_or_else(Error::damaged)?;
    if width == 0 || height == 0 {
        return Err(Error::damaged());
    }
    let mut pos = 13usize;
    if flags & 0x80 != 0 {
        // Global colour table: 3 × 2^(size+1) bytes.
        pos += 3 << ((flags & 7) + 1);
    }
    let mut frames = 0u32;
    let mut has_alpha = false;
    let mut loop_count = None;
    // Walk the block structure; a truncated file ends the walk with what was counted.
    while let Some(&intro) = bytes.get(pos) {
        match intro {
            // Image descriptor: left, top, width, height (u16 LE each), packed flags.
            0x2C => {
                let (Some(left), Some(top), Some(fw), Some(fh), Some(&pf)) = (
                    le16(bytes, pos + 1),
                    le16(bytes, pos + 3),
                    le16(bytes, pos + 5),
                    le16(bytes, pos + 7),
                    bytes.get(pos + 9),
                ) else {
                    break;
                };
                // A frame reaching past the limits is a bomb even on a small canvas
                // (corrupt/decompression_bomb.gif: 32×32 screen, 65535×65535 frame).
                check_limits(
                    (u64::from(left) + u64::from(fw)).max(1),
                    (u64::from(top) + u64::from(fh)).max(1),
                    1,
                )?;
                frames += 1;
                pos += 10;
                if pf & 0x80 != 0 {
                    pos += 3 << ((pf & 7) + 1);
                }
                pos += 1; // LZW minimum code size
                match skip_sub_blocks(bytes, pos) {
                    Some(p) => pos = p,
                    None => break,
                }
            }
            // Extension: label, then sub-blocks.
            0x21 => {
                let Some(&label) = bytes.get(pos + 1) else {
                    break;
                };
                // Graphic control extension: block size 4, packed byte bit 0 = transparency.
                if label == 0xF9 && bytes.get(pos + 3).is_some_and(|p| p & 1 != 0) {
                    has_alpha = true;
                }
                // Application extension "NETSCAPE2.0" (or "ANIMEXTS1.0"): block size 11, then
                // the looping sub-block `03 01 <count u16 LE>` (0 = forever).
                let app = bytes.get(pos + 2..pos + 14);
                if label == 0xFF
                    && matches!(app, Some(b"\x0bNETSCAPE2.0" | b"\x0bANIMEXTS1.0"))
                    && bytes.get(pos + 14..pos + 16) == Some(&[3, 1])
                {
                    loop_count = le16(bytes, pos + 16);
                }
                match skip_sub_blocks(bytes, pos + 2) {
                    Some(p) => pos = p,
                    None => break,
                }
            }
            // Trailer.
            0x3B => break,
            _ => break,
        }
    }
    if frames == 0 {
        return Err(Error::damaged());
    }
    Ok(Header { width, height, has_alpha, frames, loop_count })
}

/// Skips a chain of GIF data sub-blocks starting at `pos`; returns the position after the
/// terminator, or `None` when the chain is truncated.
fn skip_sub_blocks(bytes: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let len = *bytes.get(pos)? as usize;
        pos += 1;
        if len == 0 {
            return Some(pos);
        }
        pos += len;
    }
}

// ---------------------------------------------------------------------------------------------
// BMP

fn probe_bmp(bytes: &[u8]) -> crate::Result<Header> {
    let dib = le32(bytes, 14).ok_or_else(Error::damaged)?;
    let (width, height, bpp, compression) = match dib {
        // BITMAPCOREHEADER: u16 width/height, planes, bit count.
        12 => {
            let w = i64::from(le16(bytes, 18).ok_or_else(Error::damaged)?);
            let h = i64::from(le16(bytes, 20).ok_or_else(Error::damaged)?);
            (w, h, le16(bytes, 24).ok_or_else(Error::damaged)?, 0)
        }
        // BITMAPINFOHEADER and its extensions (V2 52, V3 56, OS/2 v2 16/64, V4 108, V5 124).
        16 | 40 | 52 | 56 | 64 | 108 | 124 => {
            let w = i64::from(le32(bytes, 18).ok_or_else(Error::damaged)? as i32);
            let h = i64::from(le32(bytes, 22).ok_or_else(Error::damaged)? as i32);
            let bpp = le16(bytes, 28).ok_or_else(Error::damaged)?;
            let comp = if dib >= 20 { le32(bytes, 30).ok_or_else(Error::damaged)? } else { 0 };
            (w, h, bpp, comp)
        }
        _ => return Err(Error::damaged()),
    };
    if !matches!(bpp, 1 | 2 | 4 | 8 | 16 | 24 | 32) || width <= 0 {
        return Err(Error::damaged());
    }
    // A negative height marks a top-down bitmap.
    let height = height.unsigned_abs();
    if height == 0 {
        return Err(Error::damaged());
    }
    // Alpha needs an alpha mask: in the V3+ header (offset 14 + 52) or after a 40-byte header
    // with BI_ALPHABITFIELDS (6).
    let alpha_mask =
        if dib >= 56 || (dib == 40 && compression == 6) { le32(bytes, 66) } else { None };
    let has_alpha = matches!(bpp, 16 | 32) && alpha_mask.is_some_and(|m| m != 0);
    Ok(Header::still(width as u32, height as u32, has_alpha))
}

// ---------------------------------------------------------------------------------------------
// TIFF

/// Reads one IFD entry's first value as an integer (BYTE, SHORT or LONG, inline).
fn tiff_entry_uint(tiff: &[u8], entry: usize, le: bool) -> Option<u32> {
    let (r16, r32) = readers(le);
    match r16(tiff, entry + 2)? {
        1 => tiff.get(entry + 8).map(|&b| u32::from(b)),
        3 => r16(tiff, entry + 8).map(u32::from),
        4 => r32(tiff, entry + 8),
        _ => None,
    }
}

/// Finds the entries of the IFD at `offset` as `(tag, entry position)`; `None` when the IFD is
/// out of bounds.
pub(crate) fn tiff_ifd(tiff: &[u8], offset: usize, le: bool) -> Option<Vec<(u16, usize)>> {
    let r16 = if le { le16 } else { be16 };
    let count = r16(tiff, offset)? as usize;
    // The whole IFD (count × 12 bytes) must be inside the file before anything is collected.
    tiff.get(offset + 2..offset + 2 + count * 12)?;
    Some((0..count).map(|i| offset + 2 + i * 12).filter_map(|e| Some((r16(tiff, e)?, e))).collect())
}

fn probe_tiff(bytes: &[u8]) -> crate::Result<Header> {
    let le = bytes.starts_with(b"II");
    let ifd0 = if le { le32(bytes, 4) } else { be32(bytes, 4) }.ok_or_else(Error::damaged)?;
    let entries = tiff_ifd(bytes, ifd0 as usize, le).ok_or_else(Error::damaged)?;
    let get = |tag: u16| {
        entries.iter().find(|(t, _)| *t == tag).and_then(|&(_, e)| tiff_entry_uint(bytes, e, le))
    };
    let width = get(0x100).ok_or_else(Error::damaged)?;
    let height = get(0x101).ok_or_else(Error::damaged)?;
    let spp = get(0x115).unwrap_or(1);
    let photometric = get(0x106).unwrap_or(2);
    // Decoders expose one extra sample beyond the colour ones as alpha (RGB+1, grey+1).
    let has_alpha = match photometric {
        0 | 1 => spp >= 2,
        2 => spp >= 4,
        _ => false,
    };
    // Further pages (IFD1…) are not decoded: the first page is the image.
    Ok(Header::still(width, height, has_alpha))
}

// ---------------------------------------------------------------------------------------------
// WebP

/// Iterates over the chunks of a RIFF/WebP file as `(fourcc, data)`, stopping at the first
/// truncated chunk (a short last chunk is clipped to the file, as libwebp tolerates).
pub(crate) fn riff_chunks(bytes: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut pos = if bytes.len() >= 12 { 12 } else { bytes.len() };
    std::iter::from_fn(move || {
        let ty: [u8; 4] = bytes.get(pos..pos + 4)?.try_into().ok()?;
        let len = le32(bytes, pos + 4)? as usize;
        let start = pos + 8;
        let end = start.checked_add(len)?.min(bytes.len());
        let data = bytes.get(start..end)?;
        // Chunks are padded to an even size.
        pos = start.checked_add(len)?.checked_add(len & 1)?;
        Some((ty, data))
    })
}

fn probe_webp(bytes: &[u8]) -> crate::Result<Header> {
    let (ty, data) = riff_chunks(bytes).next().ok_or_else(Error::damaged)?;
    match &ty {
        b"VP8 " => {
            // Frame tag (3 bytes, bit 0 = 0 for a key frame), start code 9D 01 2A, then 14-bit
            // width and height (the top 2 bits are the scaling mode).
            if data.len() < 10 || data[0] & 1 != 0 || data[3..6] != [0x9D, 0x01, 0x2A] {
                return Err(Error::damaged());
            }
            let w = u32::from(le16(data, 6).unwrap_or(0) & 0x3FFF);
            let h = u32::from(le16(data, 8).unwrap_or(0) & 0x3FFF);
            Ok(Header::still(w, h, false))
        }
        b"VP8L" => {
            // Signature 0x2F, then 14 bits width-1, 14 bits height-1, 1 bit alpha, 3 bits version.
            let bits = le32(data, 1).filter(|_| data[0] == 0x2F).ok_or_else(Error::damaged)?;
            if bits >> 29 != 0 {
                return Err(Error::damaged());
            }
            let w = (bits & 0x3FFF) + 1;
            let h = ((bits >> 14) & 0x3FFF) + 1;
            Ok(Header::still(w, h, (bits >> 28) & 1 != 0))
        }
        b"VP8X" => {
            // Flags (1 byte: ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04, animation 0x02),
            // 3 reserved bytes, then 24-bit canvas width-1 and height-1.
            let flags = *data.first().ok_or_else(Error::damaged)?;
            let w = le24(data, 4).ok_or_else(Error::damaged)? + 1;
            let h = le24(data, 7).ok_or_else(Error::damaged)? + 1;
            let alph = riff_chunks(bytes).any(|(t, _)| &t == b"ALPH");
            let frames = if flags & 0x02 != 0 {
                let n = riff_chunks(bytes).filter(|(t, _)| t == b"ANMF").count();
                u32::try_from(n).unwrap_or(u32::MAX)
            } else {
                1
            };
            // ANIM: background colour (4 bytes), loop count (u16, 0 = forever).
            let loop_count = if frames > 1 {
                riff_chunks(bytes).find(|(t, _)| t == b"ANIM").and_then(|(_, d)| le16(d, 4))
            } else {
                None
            };
            Ok(Header {
                width: w,
                height: h,
                has_alpha: flags & 0x10 != 0 || alph,
                frames,
                loop_count,
            })
        }
        _ => Err(Error::damaged()),
    }
}

// ---------------------------------------------------------------------------------------------
// HEIF / AVIF (ISO BMFF)

/// Iterates over the boxes in `bytes` as `(type, payload)`; stops at the first malformed box.
/// A size of 0 means "to the end", a size of 1 a 64-bit size.
pub(crate) fn bmff_boxes(bytes: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let size32 = be32(bytes, pos)?;
        let ty: [u8; 4] = bytes.get(pos + 4..pos + 8)?.try_into().ok()?;
        let (header, size) = match size32 {
            0 => (8, bytes.len() - pos),
            1 => {
                let hi = be32(bytes, pos + 8)? as u64;
                let lo = be32(bytes, pos + 12)? as u64;
                (16, usize::try_from(hi << 32 | lo).ok()?)
            }
            n => (8, n as usize),
        };
        if size < header {
            return None;
        }
        let payload = bytes.get(pos + header..pos.checked_add(size)?)?;
        pos += size;
        Some((ty, payload))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn data(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn info(name: &str) -> SourceInfo {
        probe(&data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn jpeg_with_orientation_6() {
        let i = info("Landscape_6.jpg");
        // exiv2: Orientation "right, top" (6); MANIFEST: 1200x1800 stored, 352727 bytes.
        assert_eq!(
            (i.format, i.width, i.height, i.orientation, i.frames, i.has_alpha),
            (Format::Jpg, 1200, 1800, 6, 1, false)
        );
        assert_eq!(i.file_size, 352_727);
        assert_eq!(i.jpeg_quality, Some(73), "ImageMagick identify -format %Q");
    }

    #[test]
    fn example_jpg() {
        let i = info("example.jpg");
        assert_eq!((i.width, i.height, i.orientation, i.file_size), (400, 267, 1, 21839));
        assert_eq!(i.jpeg_quality, Some(82));
    }

    #[test]
    fn png_with_exif_orientation() {
        let i = info("orientation-6.png");
        assert_eq!(
            (i.format, i.width, i.height, i.orientation, i.frames, i.has_alpha),
            (Format::Png, 200, 100, 6, 1, true)
        );
        assert_eq!(i.jpeg_quality, None);
        // Palette PNG with a tRNS chunk has alpha; a plain RGBA one too.
        assert!(info("png-tbbn3p08.png").has_alpha);
        let rgba = info("png-basn6a08.png");
        assert_eq!((rgba.width, rgba.height, rgba.has_alpha), (32, 32, true));
    }

    #[test]
    fn webp_with_exif_orientation() {
        let i = info("webp-orientation-6.webp");
        // The real canvas is 521x391 even though the EXIF IFD0 claims 4032x3024.
        assert_eq!(
            (i.format, i.width, i.height, i.orientation, i.frames, i.has_alpha),
            (Format::Webp, 521, 391, 6, 1, false)
        );
        let a = info("lossy_alpha.webp");
        assert!(a.has_alpha);
    }

    #[test]
    fn animated() {
        let g = info("animated.gif");
        assert_eq!((g.format, g.width, g.height, g.frames), (Format::Gif, 100, 100, 2));
        // NETSCAPE2.0 loop counts: 0 (forever), 32 760; none in a still GIF.
        assert_eq!(g.loop_count, Some(0));
        assert_eq!(info("cogs.gif").loop_count, Some(32_760));
        assert_eq!(info("hopper.gif").loop_count, None);
        let w = info("animated-loop-3.webp");
        // webpmux/Pillow: 10 frames (same animation as animated-loop-3.gif).
        assert_eq!(w.frames, 10);
        assert_eq!(w.format, Format::Webp);
    }

    #[test]
    fn tiff_bmp_heif() {
        let t = info("hopper.tif");
        assert_eq!(
            (t.format, t.width, t.height, t.orientation, t.has_alpha),
            (Format::Tiff, 128, 128, 1, false)
        );
        let g4 = info("g4_orientation_6.tif");
        // MANIFEST: stored 88x590; Pillow reports 590x88 only because libtiff applies the orientation.
        assert_eq!((g4.width, g4.height, g4.orientation), (88, 590, 6));
        let b = info("bmp-g-rgb24.bmp");
        assert_eq!((b.format, b.width, b.height, b.has_alpha), (Format::Bmp, 127, 64, false));
        assert!(info("bmp-q-rgba32.bmp").has_alpha);
        let a = info("white_1x1.avif");
        assert_eq!((a.format, a.width, a.height), (Format::Avif, 1, 1));
        let h = info("image.heic");
        assert_eq!(h.format, Format::Heic);
        assert!(h.width > 0 && h.height > 0);
    }

    #[test]
    fn bombs_are_refused() {
        // A GIF frame reaching past the limits is refused here; damaged headers are damage.
        for (name, kind) in [
            ("decompression_bomb.gif", ErrorKind::ImageTooLarge),
            ("bmp-b-badwidth.bmp", ErrorKind::ImageDamage),
            ("decompression_bomb.ico", ErrorKind::ImageDamage),
        ] {
            let e = probe(&data(&format!("corrupt/{name}"))).expect_err(name);
            assert_eq!(e.kind, kind, "{name}");
            if kind == ErrorKind::ImageTooLarge {
                assert_eq!(e.ec, Some(EC_DECODE_REFUSED), "{name}");
            }
        }
        // Other bombs probe to the size they claim, which the planner refuses before any decode
        // (tests/corrupt.rs); `info` answers them.
        for name in [
            "16384x16384.png",
            "65536-uint32-limit.png",
            "17000x17000.avif",
            "bmp-b-reallybig.bmp",
            "max_size.jpg",
        ] {
            let info = probe(&data(&format!("corrupt/{name}"))).expect(name);
            let (w, h) = (u64::from(info.width), u64::from(info.height));
            assert!(w.max(h) > MAX_SOURCE_SIDE || w * h > MAX_SOURCE_PIXELS, "{name}: {w}x{h}");
        }
        // The zlib text-chunk bomb claims a 1x1 image: the header is fine and probe never
        // inflates text chunks.
        let dos = probe(&data("corrupt/png_decompression_dos.png")).unwrap();
        assert_eq!((dos.width, dos.height), (1, 1));
    }

    #[test]
    fn damaged_headers() {
        for name in [
            "empty.jpg",
            "image_invalid.jpg",
            "missing-sof.jpg",
            "null_height.jpg",
            "zero_width.gif",
            "zero-loop-count.gif",
            "png-xhdn0g08.png",
            "png-xc1n0g08.png",
            "png-xd0n2c08.png",
            "png-xs1n0g01.png",
            "broken.png",
            "seek_too_large.tif",
            "github_47.heic",
        ] {
            let e = probe(&data(&format!("corrupt/{name}"))).expect_err(name);
            assert_eq!(e.kind, ErrorKind::ImageDamage, "{name}");
        }
    }

    #[test]
    fn every_corrupt_file_returns_quickly() {
        let dir = format!("{}/tests/data/corrupt", env!("CARGO_MANIFEST_DIR"));
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let t = Instant::now();
            let _ = probe(&bytes);
            // Header parsing is linear in the file size; 1 s is orders of magnitude of slack.
            assert!(t.elapsed() < Duration::from_secs(1));
            n += 1;
        }
        assert_eq!(n, 68, "the whole corrupt/ folder was probed");
    }

    #[test]
    fn truncations_never_panic() {
        // Every prefix of a few real headers: probe must answer, never panic.
        for name in
            ["exif_gps.jpg", "orientation-6.png", "animated.gif", "white_1x1.avif", "image.heic"]
        {
            let bytes = data(name);
            for len in 0..bytes.len().min(2048) {
                let _ = probe(&bytes[..len]);
            }
        }
    }

    #[test]
    fn limits() {
        assert!(check_limits(30_000, 8_333, 1).is_ok());
        assert_eq!(check_limits(30_001, 1, 1).unwrap_err().kind, ErrorKind::ImageTooLarge);
        assert_eq!(check_limits(1, 30_001, 1).unwrap_err().kind, ErrorKind::ImageTooLarge);
        // 250 000 000 exactly is allowed, one more pixel is not.
        assert!(check_limits(25_000, 10_000, 1).is_ok());
        assert_eq!(check_limits(25_000, 10_000, 2).unwrap_err().kind, ErrorKind::ImageTooLarge);
        assert_eq!(check_limits(0, 10, 1).unwrap_err().kind, ErrorKind::ImageDamage);
    }
}
