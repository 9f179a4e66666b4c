//! TIFF beyond what the `image` crate does: JPEG-compressed TIFFs (old-style compression 6 with
//! an interchange stream, new-style compression 7 strips and tiles with shared `JPEGTables`)
//! decoded by ossimg's libjpeg-turbo (`jpeg.rs`: YCbCr subsampling, CMYK, ICC), 2/4/12-bit grey
//! and palette TIFFs (which `image` refuses), the page count
//! of multi-page files for `info`, and compressed TIFF output (Deflate with the horizontal
//! predictor). Every other TIFF is decoded by the `image` crate (`decode.rs`).
//!
//! Every offset and count read from the file is bounds-checked against the input before use;
//! nothing is allocated before the image size passed the 250 MP check.

use std::collections::HashSet;
use std::io::Cursor;

use ::tiff::encoder::{colortype, compression::DeflateLevel, Compression, Predictor, TiffEncoder};

use super::decode::check_pixel_count;
use super::jpeg;
use super::probe::{readers, tiff_ifd};
use crate::pipeline::Image;
use crate::{Error, Result};

/// Most IFDs walked when counting pages: a bound for hostile chains (real files have a few).
const MAX_PAGES: u32 = 10_000;

/// TIFF tags used here.
mod tag {
    pub const WIDTH: u16 = 256;
    pub const HEIGHT: u16 = 257;
    pub const COMPRESSION: u16 = 259;
    pub const STRIP_OFFSETS: u16 = 273;
    pub const ROWS_PER_STRIP: u16 = 278;
    pub const STRIP_BYTE_COUNTS: u16 = 279;
    pub const PLANAR: u16 = 284;
    pub const BITS_PER_SAMPLE: u16 = 258;
    pub const PHOTOMETRIC: u16 = 262;
    pub const FILL_ORDER: u16 = 266;
    pub const SAMPLES_PER_PIXEL: u16 = 277;
    pub const PREDICTOR: u16 = 317;
    pub const COLOR_MAP: u16 = 320;
    pub const EXTRA_SAMPLES: u16 = 338;
    pub const TILE_WIDTH: u16 = 322;
    pub const TILE_LENGTH: u16 = 323;
    pub const TILE_OFFSETS: u16 = 324;
    pub const TILE_BYTE_COUNTS: u16 = 325;
    pub const JPEG_TABLES: u16 = 347;
    pub const JPEG_IF_OFFSET: u16 = 513;
    pub const JPEG_IF_LENGTH: u16 = 514;
}

/// The first IFD of a TIFF: its entries and byte order.
struct Ifd<'a> {
    bytes: &'a [u8],
    le: bool,
    entries: Vec<(u16, usize)>,
}

impl<'a> Ifd<'a> {
    fn first(bytes: &'a [u8]) -> Option<Self> {
        let le = bytes.starts_with(b"II");
        let (_, r32) = readers(le);
        let offset = r32(bytes, 4)? as usize;
        Some(Ifd { bytes, le, entries: tiff_ifd(bytes, offset, le)? })
    }

    /// All values of `tag` as integers (BYTE/SHORT/LONG/UNDEFINED), inline or at their offset;
    /// `None` when absent, of another type or out of bounds.
    fn values(&self, tag: u16) -> Option<Vec<u64>> {
        let (r16, r32) = readers(self.le);
        let &(_, e) = self.entries.iter().find(|(t, _)| *t == tag)?;
        let ty = r16(self.bytes, e + 2)?;
        let count = r32(self.bytes, e + 4)? as usize;
        let size = match ty {
            1 | 7 => 1,
            3 => 2,
            4 => 4,
            _ => return None,
        };
        let total = count.checked_mul(size)?;
        let at = if total <= 4 { e + 8 } else { r32(self.bytes, e + 8)? as usize };
        // The whole array must lie in the file before anything is collected.
        let data = self.bytes.get(at..at.checked_add(total)?)?;
        Some(
            (0..count)
                .map(|i| match size {
                    1 => u64::from(data[i]),
                    2 => u64::from(r16(data, 2 * i).unwrap_or(0)),
                    _ => u64::from(r32(data, 4 * i).unwrap_or(0)),
                })
                .collect(),
        )
    }

    /// The first value of `tag`.
    fn value(&self, tag: u16) -> Option<u64> {
        self.values(tag)?.first().copied()
    }

    /// The raw bytes of an UNDEFINED/BYTE array tag.
    fn raw(&self, tag: u16) -> Option<&'a [u8]> {
        let (r16, r32) = readers(self.le);
        let &(_, e) = self.entries.iter().find(|(t, _)| *t == tag)?;
        if !matches!(r16(self.bytes, e + 2)?, 1 | 7) {
            return None;
        }
        let count = r32(self.bytes, e + 4)? as usize;
        let at = if count <= 4 { e + 8 } else { r32(self.bytes, e + 8)? as usize };
        self.bytes.get(at..at.checked_add(count)?)
    }
}

/// The TIFF compression of the first page (1 when the tag is absent), `None` when the header
/// cannot be read.
pub(super) fn compression(bytes: &[u8]) -> Option<u64> {
    let ifd = Ifd::first(bytes)?;
    Some(ifd.value(tag::COMPRESSION).unwrap_or(1))
}

/// True when the first page's extra sample is associated (premultiplied) alpha
/// (`ExtraSamples` = 1).
pub(super) fn associated_alpha(bytes: &[u8]) -> bool {
    Ifd::first(bytes).and_then(|ifd| ifd.value(tag::EXTRA_SAMPLES)) == Some(1)
}

/// True for the JPEG compressions this module decodes (6 old-style, 7 new-style).
pub(super) fn is_jpeg(compression: u64) -> bool {
    matches!(compression, 6 | 7)
}

/// The number of pages (IFDs in the main chain) of a TIFF; 1 when the chain cannot be walked
/// past the first IFD.
pub(super) fn page_count(bytes: &[u8]) -> u32 {
    let le = bytes.starts_with(b"II");
    let (r16, r32) = readers(le);
    let mut offset = r32(bytes, 4).unwrap_or(0) as usize;
    let mut seen = HashSet::new();
    let mut pages = 0u32;
    while offset != 0 && pages < MAX_PAGES && seen.insert(offset) {
        let Some(count) = r16(bytes, offset) else { break };
        let next_at = offset + 2 + usize::from(count) * 12;
        let Some(next) = r32(bytes, next_at) else { break };
        pages += 1;
        offset = next as usize;
    }
    pages.max(1)
}

/// Decodes the first page of a JPEG-compressed TIFF (see the module docs) to RGBA8 sRGB.
///
/// Errors: a missing or out-of-bounds tag, planar configuration 2, old-style JPEG without an
/// interchange stream, or a segment libjpeg-turbo cannot decode → `ImageDamage`; more than
/// 250 MP → `ImageTooLarge`.
pub(super) fn decode_jpeg(bytes: &[u8]) -> Result<Image> {
    let ifd = Ifd::first(bytes).ok_or_else(Error::damaged)?;
    let dim = |t| ifd.value(t).and_then(|v| u32::try_from(v).ok()).filter(|&v| v > 0);
    let (width, height) =
        (dim(tag::WIDTH).ok_or_else(Error::damaged)?, dim(tag::HEIGHT).ok_or_else(Error::damaged)?);
    check_pixel_count(width, height)?;
    if ifd.value(tag::PLANAR).unwrap_or(1) != 1 {
        return Err(Error::damaged());
    }
    if ifd.value(tag::COMPRESSION) == Some(6) {
        return decode_old_style(bytes, &ifd, width, height);
    }
    let tables = ifd.raw(tag::JPEG_TABLES).filter(|t| t.len() >= 4);
    let (seg_w, seg_h, offsets, counts) = match dim(tag::TILE_WIDTH) {
        Some(tw) => (
            tw,
            dim(tag::TILE_LENGTH).ok_or_else(Error::damaged)?,
            ifd.values(tag::TILE_OFFSETS),
            ifd.values(tag::TILE_BYTE_COUNTS),
        ),
        None => (
            width,
            dim(tag::ROWS_PER_STRIP).unwrap_or(height).min(height),
            ifd.values(tag::STRIP_OFFSETS),
            ifd.values(tag::STRIP_BYTE_COUNTS),
        ),
    };
    let (offsets, counts) =
        (offsets.ok_or_else(Error::damaged)?, counts.ok_or_else(Error::damaged)?);
    let across = width.div_ceil(seg_w) as usize;
    let down = height.div_ceil(seg_h) as usize;
    if offsets.len() < across * down || counts.len() < across * down {
        return Err(Error::damaged());
    }
    let mut canvas = Image::filled(width, height, [0, 0, 0, 255]);
    let mut stream = Vec::new();
    for (i, (&off, &len)) in offsets.iter().zip(&counts).take(across * down).enumerate() {
        let data = usize::try_from(off)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(o, l)| bytes.get(o..o.checked_add(l)?))
            .ok_or_else(Error::damaged)?;
        // Abbreviated streams: the tables' SOI…(tables) without their EOI, then the segment
        // without its SOI.
        let segment = match (tables, data.strip_prefix(&[0xFF, 0xD8])) {
            (Some(t), Some(rest)) => {
                stream.clear();
                stream.extend_from_slice(&t[..t.len() - 2]);
                stream.extend_from_slice(rest);
                jpeg::decode(&stream, 1)?
            }
            _ => jpeg::decode(data, 1)?,
        };
        let x0 = (i % across) as u32 * seg_w;
        let y0 = (i / across) as u32 * seg_h;
        blit(&mut canvas, &segment, x0, y0, seg_w, seg_h);
    }
    Ok(canvas)
}

/// Old-style JPEG (compression 6): the `JPEGInterchangeFormat` stream, a complete JPEG.
fn decode_old_style(bytes: &[u8], ifd: &Ifd<'_>, width: u32, height: u32) -> Result<Image> {
    let start = ifd
        .value(tag::JPEG_IF_OFFSET)
        .and_then(|v| usize::try_from(v).ok())
        .ok_or_else(Error::damaged)?;
    let len = ifd.value(tag::JPEG_IF_LENGTH).and_then(|v| usize::try_from(v).ok());
    let end = len.and_then(|l| start.checked_add(l)).unwrap_or(bytes.len()).min(bytes.len());
    let stream = bytes.get(start..end).ok_or_else(Error::damaged)?;
    let img = jpeg::decode(stream, 1)?;
    if img.width < width || img.height < height {
        return Err(Error::damaged());
    }
    let mut canvas = Image::filled(width, height, [0, 0, 0, 255]);
    blit(&mut canvas, &img, 0, 0, width, height);
    Ok(canvas)
}

/// Grey (1, 2, 4, 8, 12, 16 bits) and palette (1–8 bits) TIFFs, which the `image` crate refuses
/// except at 1/8/16 bits: one sample per pixel, strips, compression none, LZW, Deflate or
/// PackBits, optional horizontal predictor (8/16 bits), fill order 1. Samples are scaled to 8
/// bits rounded (`v·255/(2^bits − 1)`; WhiteIsZero inverted); palette entries (16-bit
/// `ColorMap`) keep their high byte, as libtiff-based readers do.
///
/// Errors: anything else, or data that does not decode → `ImageDamage`; over 250 MP →
/// `ImageTooLarge`.
pub(super) fn decode_grey_or_palette(bytes: &[u8]) -> Result<Image> {
    let ifd = Ifd::first(bytes).ok_or_else(Error::damaged)?;
    let dim = |t| ifd.value(t).and_then(|v| u32::try_from(v).ok()).filter(|&v| v > 0);
    let (width, height) =
        (dim(tag::WIDTH).ok_or_else(Error::damaged)?, dim(tag::HEIGHT).ok_or_else(Error::damaged)?);
    check_pixel_count(width, height)?;
    let photometric = ifd.value(tag::PHOTOMETRIC).ok_or_else(Error::damaged)?;
    let bits = ifd.value(tag::BITS_PER_SAMPLE).unwrap_or(1) as u32;
    let compression = ifd.value(tag::COMPRESSION).unwrap_or(1);
    let predictor = ifd.value(tag::PREDICTOR).unwrap_or(1);
    let supported = matches!(photometric, 0 | 1 | 3)
        && ifd.value(tag::SAMPLES_PER_PIXEL).unwrap_or(1) == 1
        && matches!(bits, 1 | 2 | 4 | 8 | 12 | 16)
        && !(photometric == 3 && bits > 8)
        && matches!(compression, 1 | 5 | 8 | 32946 | 32773)
        && (predictor == 1 || (predictor == 2 && matches!(bits, 8 | 16)))
        && ifd.value(tag::FILL_ORDER).unwrap_or(1) == 1
        && ifd.value(tag::TILE_WIDTH).is_none();
    if !supported {
        return Err(Error::damaged());
    }
    let max = (1u32 << bits) - 1;
    let palette = if photometric == 3 {
        let map = ifd.values(tag::COLOR_MAP).ok_or_else(Error::damaged)?;
        let n = 1usize << bits;
        if map.len() < 3 * n {
            return Err(Error::damaged());
        }
        Some((0..n).map(|i| [0, n, 2 * n].map(|o| (map[o + i] >> 8) as u8)).collect::<Vec<_>>())
    } else {
        None
    };
    let rows_per_strip = dim(tag::ROWS_PER_STRIP).unwrap_or(height).min(height);
    let offsets = ifd.values(tag::STRIP_OFFSETS).ok_or_else(Error::damaged)?;
    let counts = ifd.values(tag::STRIP_BYTE_COUNTS).ok_or_else(Error::damaged)?;
    let strips = height.div_ceil(rows_per_strip) as usize;
    if offsets.len() < strips || counts.len() < strips {
        return Err(Error::damaged());
    }
    let row_bytes = (width as usize * bits as usize).div_ceil(8);
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 4);
    for (s, (&off, &len)) in offsets.iter().zip(&counts).take(strips).enumerate() {
        let rows = rows_per_strip.min(height - s as u32 * rows_per_strip) as usize;
        let data = usize::try_from(off)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(o, l)| bytes.get(o..o.checked_add(l)?))
            .ok_or_else(Error::damaged)?;
        let raw = decompress(data, compression, rows * row_bytes)?;
        for row in raw.chunks_exact(row_bytes).take(rows) {
            let mut samples = unpack(row, width as usize, bits, ifd.le);
            if predictor == 2 {
                let m = max as u16;
                for i in 1..samples.len() {
                    samples[i] = samples[i].wrapping_add(samples[i - 1]) & m;
                }
            }
            for v in samples {
                match &palette {
                    Some(p) => pixels.extend_from_slice(&[
                        p[v as usize][0],
                        p[v as usize][1],
                        p[v as usize][2],
                        255,
                    ]),
                    None => {
                        let g = ((u32::from(v).min(max) * 255 + max / 2) / max) as u8;
                        let g = if photometric == 0 { 255 - g } else { g };
                        pixels.extend_from_slice(&[g, g, g, 255]);
                    }
                }
            }
        }
    }
    if pixels.len() != width as usize * height as usize * 4 {
        return Err(Error::damaged());
    }
    Ok(Image { width, height, pixels })
}

/// Inflates one strip to exactly `expected` bytes (never more: a bomb stops there); a strip
/// that ends short is damage.
fn decompress(data: &[u8], compression: u64, expected: usize) -> Result<Vec<u8>> {
    use std::io::Read;
    let out = match compression {
        1 => data.get(..expected).ok_or_else(Error::damaged)?.to_vec(),
        5 => {
            let mut out = vec![0u8; expected];
            let mut dec = weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
            let (mut inp, mut at) = (data, 0);
            while at < expected {
                let r = dec.decode_bytes(inp, &mut out[at..]);
                at += r.consumed_out;
                inp = &inp[r.consumed_in..];
                match r.status {
                    Ok(weezl::LzwStatus::Ok) if r.consumed_in + r.consumed_out > 0 => {}
                    _ => break,
                }
            }
            out.truncate(at);
            out
        }
        8 | 32946 => {
            let mut out = Vec::with_capacity(expected);
            flate2::read::ZlibDecoder::new(data)
                .take(expected as u64)
                .read_to_end(&mut out)
                .map_err(|_| Error::damaged())?;
            out
        }
        32773 => {
            let mut out = Vec::with_capacity(expected);
            let mut i = 0;
            while out.len() < expected && i < data.len() {
                let n = data[i] as i8;
                i += 1;
                if n >= 0 {
                    let run = data.get(i..i + n as usize + 1).ok_or_else(Error::damaged)?;
                    out.extend_from_slice(run);
                    i += n as usize + 1;
                } else if n != -128 {
                    let b = *data.get(i).ok_or_else(Error::damaged)?;
                    out.extend(std::iter::repeat_n(b, 1 + n.unsigned_abs() as usize));
                    i += 1;
                }
            }
            out.truncate(expected);
            out
        }
        _ => return Err(Error::damaged()),
    };
    if out.len() < expected {
        return Err(Error::damaged());
    }
    Ok(out)
}

/// The `width` samples of one packed row (MSB first; 16-bit in the file's byte order).
fn unpack(row: &[u8], width: usize, bits: u32, le: bool) -> Vec<u16> {
    match bits {
        8 => row[..width].iter().map(|&b| u16::from(b)).collect(),
        16 => row
            .chunks_exact(2)
            .take(width)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect(),
        12 => (0..width)
            .map(|x| {
                let bit = x * 12;
                let (b0, b1) = (u16::from(row[bit / 8]), u16::from(row[bit / 8 + 1]));
                if bit % 8 == 0 {
                    (b0 << 4) | (b1 >> 4)
                } else {
                    ((b0 & 0x0F) << 8) | b1
                }
            })
            .collect(),
        _ => (0..width)
            .map(|x| {
                let bit = x * bits as usize;
                let shift = 8 - bits as usize - bit % 8;
                u16::from((row[bit / 8] >> shift) & ((1u8 << bits) - 1))
            })
            .collect(),
    }
}

/// Copies the top-left `w×h` of `src` (clipped to `src` and to the canvas) to `(x0, y0)`.
fn blit(canvas: &mut Image, src: &Image, x0: u32, y0: u32, w: u32, h: u32) {
    let cw = w.min(src.width).min(canvas.width.saturating_sub(x0)) as usize;
    let ch = h.min(src.height).min(canvas.height.saturating_sub(y0));
    for y in 0..ch {
        let s = (y as usize * src.width as usize) * 4;
        let d = ((y0 + y) as usize * canvas.width as usize + x0 as usize) * 4;
        canvas.pixels[d..d + cw * 4].copy_from_slice(&src.pixels[s..s + cw * 4]);
    }
}

/// Writes `img` as a Deflate-compressed TIFF (zlib level 1, "fast", with the horizontal
/// predictor, which typically halves photos against uncompressed output), RGBA with unassociated
/// alpha when a pixel is not opaque, else RGB.
pub(super) fn encode(img: &Image) -> Result<Vec<u8>> {
    let failed = |_e: ::tiff::TiffError| Error::internal();
    let mut out = Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut out)
        .map_err(failed)?
        .with_compression(Compression::Deflate(DeflateLevel::Fast))
        .with_predictor(Predictor::Horizontal);
    if img.has_transparency() {
        enc.write_image::<colortype::RGBA8>(img.width, img.height, &img.pixels).map_err(failed)?;
    } else {
        let rgb: Vec<u8> = img.pixels.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        enc.write_image::<colortype::RGB8>(img.width, img.height, &rgb).map_err(failed)?;
    }
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn pages() {
        assert_eq!(page_count(&data("multipage.tiff")), 3);
        assert_eq!(page_count(&data("hopper.tif")), 1);
        // A chain pointing back at itself ends.
        let mut looped = data("hopper.tif");
        let ifd = u32::from_le_bytes(looped[4..8].try_into().unwrap()) as usize;
        let n = u16::from_le_bytes(looped[ifd..ifd + 2].try_into().unwrap()) as usize;
        let next = ifd + 2 + n * 12;
        looped[next..next + 4].copy_from_slice(&(ifd as u32).to_le_bytes());
        assert_eq!(page_count(&looped), 1);
        assert_eq!(page_count(b"II*\0"), 1);
    }

    #[test]
    fn compressions() {
        assert_eq!(compression(&data("ojpeg-strip.tif")), Some(6));
        assert_eq!(compression(&data("ycbcr_jpeg_8bit.tif")), Some(7));
        assert_eq!(compression(&data("hpredict.tiff")), Some(5));
        assert_eq!(compression(&data("hopper.tif")), Some(1));
        assert_eq!(compression(b"II*\0\xff\xff\xff\xff"), None);
    }

    #[test]
    fn deflate_output_is_smaller_and_round_trips() {
        let mut img = Image::filled(64, 48, [10, 200, 30, 255]);
        img.pixels[5] = 77;
        let bytes = encode(&img).unwrap();
        assert_eq!(compression(&bytes), Some(8), "Deflate");
        assert!(bytes.len() < 64 * 48 * 3 / 4, "{} bytes", bytes.len());
        let back = image::load_from_memory(&bytes).unwrap().into_rgba8();
        assert_eq!(back.into_raw(), img.pixels);
        let mut alpha = img.clone();
        alpha.pixels[3] = 0;
        let back = image::load_from_memory(&encode(&alpha).unwrap()).unwrap().into_rgba8();
        assert_eq!(back.into_raw(), alpha.pixels);
    }
}
