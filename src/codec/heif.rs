//! HEIC and AVIF through libheif (`libheif-rs`, libheif built from source with libde265, dav1d,
//! libaom and x265): the primary image's header for [`super::probe`], decoding it to the
//! pipeline's RGBA8 sRGB, the EXIF item for `info`, and encoding `format,avif` / `format,heic`.
//!
//! Decoding: libheif applies the file's `clap`/`irot`/`imir` transforms and assembles grids
//! itself, so the result is upright and the EXIF orientation of a HEIF file is never applied
//! again (the probe reports orientation 1). Colour, in this order ([`colour`]):
//! * an ICC profile (`colr` of type `prof`/`rICC`) is converted to sRGB as for other formats;
//! * otherwise the `nclx` transfer and primaries are mapped to sRGB: samples are linearised
//!   (BT.709/601/2020 and sRGB curves are treated as sRGB, as browsers and libvips do), HDR
//!   transfers are tone mapped (see [`tone_map`]), BT.2020 and Display-P3 primaries are converted
//!   to BT.709 by their 3×3 matrix, and the result is clipped and sRGB-encoded;
//! * 10- and 12-bit samples are narrowed to 8 bits with rounding.

use std::sync::OnceLock;

use libheif_rs::{
    Channel, ColorPrimaries, ColorSpace, CompressionFormat, EncoderParameterValue, EncoderQuality,
    HeifContext, HeifError, HeifErrorCode, HeifErrorSubCode, Image as HeifImage, ImageHandle,
    LibHeif, RgbChroma, SecurityLimits, TransferCharacteristics,
};

use super::decode::{check_pixel_count, MAX_PIXELS};
use super::icc;
use super::probe::{be16, be32, bmff_boxes};
use crate::pipeline::Image;
use crate::process::Format;
use crate::{Error, ErrorKind, Result};

/// EC of an AVIF source that cannot be decoded (spec §4.3).
pub const EC_AVIF_DECODE: &str = "0040-00000021";

/// libaom `speed` (0 slowest … 9 fastest) for `format,avif`: at 8 a 2 MP photo encodes in
/// ≈ 0.3 s on the 2-core VM (benches/RESULTS.md, 2026-12-03); serving converts on the request
/// path, so encode time wins over the last few percent of file size.
pub const AVIF_SPEED: i32 = 8;

/// x265 `preset` for `format,heic`: "ultrafast", for the same reason as [`AVIF_SPEED`]. Measured
/// on a 2 MP photo at the default quality (2026-12-03, 2-core VM): "fast" 3.3–3.7 s, 137 444 B,
/// 42.85 dB; "ultrafast" 1.0–1.1 s, 125 996 B, 42.68 dB (PSNR against the source, Pillow +
/// pillow-heif decode) — a third of the time and a smaller file for 0.2 dB.
pub const HEIC_PRESET: &str = "ultrafast";

/// The process-wide libheif instance (initialises libheif and its built-in plugins once), after
/// [`loaded`].
fn lib() -> Result<&'static LibHeif> {
    loaded()?;
    static LIB: OnceLock<LibHeif> = OnceLock::new();
    Ok(LIB.get_or_init(LibHeif::new))
}

/// Opens libheif, which is not loaded until the first HEIF/AVIF image (on Linux the library and
/// its codecs are opened on first use: vendor/libheif-sys/OSSIMG.md). A host where it cannot be
/// opened (a codec library missing) answers `NotImplemented` for HEIF/AVIF and logs why, once.
fn loaded() -> Result<()> {
    static LOADED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    let outcome = LOADED.get_or_init(|| {
        let outcome = libheif_sys::load();
        if let Err(why) = &outcome {
            tracing::error!("HEIC/AVIF unavailable: {why}");
        }
        outcome
    });
    outcome.clone().map_err(|_| {
        Error::new(ErrorKind::NotImplemented, "HEIC and AVIF are not available on this host.")
    })
}

/// What the probe needs of a HEIF file's primary image, its transforms applied.
pub(super) struct Header {
    /// Displayed width (after `clap`/`irot`).
    pub width: u32,
    /// Displayed height.
    pub height: u32,
    /// An alpha auxiliary image belongs to the primary image.
    pub has_alpha: bool,
}

/// The error for a HEIF/AVIF file libheif cannot read or decode: `ImageDamage`, with EC
/// 0040-00000021 for AVIF (spec §4.3). A codec this build lacks is `NotImplemented`; libheif's
/// security limits are `ImageTooLarge`.
fn heif_error(format: Format, e: &HeifError) -> Error {
    match (e.code, e.sub_code) {
        (HeifErrorCode::UnsupportedFeature, HeifErrorSubCode::UnsupportedCodec) => Error::new(
            ErrorKind::NotImplemented,
            format!("This build has no decoder for the codec of this {} image.", format.name()),
        ),
        (_, HeifErrorSubCode::SecurityLimitExceeded)
        | (HeifErrorCode::MemoryAllocationError, _) => Error::with_ec(
            ErrorKind::ImageTooLarge,
            super::EC_DECODE_REFUSED,
            "The image is too large to decode.",
        ),
        _ if format == Format::Avif => Error::with_ec(
            ErrorKind::ImageDamage,
            EC_AVIF_DECODE,
            "The AVIF image cannot be decoded.",
        ),
        _ => Error::damaged(),
    }
}

/// Opens `bytes` under libheif's security limits, tightened to the spec §2 pixel bound.
fn open(bytes: &[u8], format: Format) -> Result<HeifContext<'_>> {
    loaded()?;
    let mut ctx = HeifContext::new().map_err(|e| heif_error(format, &e))?;
    let mut limits = SecurityLimits::new();
    limits.set_max_image_size_pixels(MAX_PIXELS);
    ctx.set_security_limits(&limits).map_err(|e| heif_error(format, &e))?;
    ctx.read_bytes(bytes).map_err(|e| heif_error(format, &e))?;
    Ok(ctx)
}

/// Reads the primary image's displayed size and alpha from the container, decoding nothing.
pub(super) fn probe(bytes: &[u8], format: Format) -> Result<Header> {
    let ctx = open(bytes, format)?;
    let handle = ctx.primary_image_handle().map_err(|e| heif_error(format, &e))?;
    Ok(Header {
        width: handle.width(),
        height: handle.height(),
        has_alpha: handle.has_alpha_channel(),
    })
}

/// Decodes the primary image of a HEIC/AVIF file to RGBA8 sRGB, upright (see the module docs).
///
/// Errors: see [`heif_error`]; more than 250 MP → `ImageTooLarge` before decoding.
pub(super) fn decode(bytes: &[u8], format: Format) -> Result<Image> {
    let ctx = open(bytes, format)?;
    let handle = ctx.primary_image_handle().map_err(|e| heif_error(format, &e))?;
    let (width, height) = (handle.width(), handle.height());
    if width == 0 || height == 0 {
        return Err(heif_error_damaged(format));
    }
    check_pixel_count(width, height)?;
    let alpha = handle.has_alpha_channel();
    let bits = handle.luma_bits_per_pixel().max(handle.chroma_bits_per_pixel());
    let hdr = bits > 8;
    let chroma = match (hdr, alpha) {
        (false, false) => RgbChroma::Rgb,
        (false, true) => RgbChroma::Rgba,
        (true, false) => RgbChroma::HdrRgbLe,
        (true, true) => RgbChroma::HdrRgbaLe,
    };
    let decoded = lib()?
        .decode(&handle, ColorSpace::Rgb(chroma), None)
        .map_err(|e| heif_error(format, &e))?;
    if decoded.width() != width || decoded.height() != height {
        return Err(heif_error_damaged(format));
    }
    let mut samples = interleaved_samples(&decoded, width, height, alpha, hdr)
        .ok_or_else(|| heif_error_damaged(format))?;
    // libheif converts YCbCr to RGB with the range of the coded image, but copies monochrome
    // luma as is: limited-range grey (16–235 at 8 bits) is expanded here. Without a `colr`
    // nclx box the range is the codecs' default, limited (libheif does not expose the AV1/HEVC
    // header's flag).
    let mono = matches!(handle.preferred_decoding_colorspace(), Ok(ColorSpace::Monochrome));
    let full_range = decoded
        .color_profile_nclx()
        .or_else(|| handle.color_profile_nclx())
        .map(|n| n.full_range_flag() != 0);
    if mono && full_range != Some(true) {
        expand_limited_range(&mut samples);
    }
    let mut img = colour(&handle, samples, width, height);
    if alpha && handle.is_premultiplied_alpha() {
        super::decode::unpremultiply(&mut img.pixels);
    }
    Ok(img)
}

/// The damage error of `format` without a libheif cause.
fn heif_error_damaged(format: Format) -> Error {
    if format == Format::Avif {
        Error::with_ec(ErrorKind::ImageDamage, EC_AVIF_DECODE, "The AVIF image cannot be decoded.")
    } else {
        Error::damaged()
    }
}

/// Decoded samples, 4 per pixel (RGBA, alpha at full scale when the image has none), at their
/// stored bit depth.
struct Samples {
    data: Vec<u16>,
    /// The largest sample value (255, 1023 or 4095).
    max: u16,
}

/// Copies libheif's interleaved plane (8-bit, or 16-bit little-endian words holding `bits`
/// bits) into [`Samples`]; `None` when the plane is missing or shorter than its stride says.
fn interleaved_samples(
    img: &HeifImage,
    width: u32,
    height: u32,
    alpha: bool,
    hdr: bool,
) -> Option<Samples> {
    let planes = img.planes();
    let plane = planes.interleaved?;
    let channels = if alpha { 4 } else { 3 };
    let bytes_per_sample = if hdr { 2 } else { 1 };
    let row_len = width as usize * channels * bytes_per_sample;
    let bits = if hdr { plane.bits_per_pixel.clamp(9, 16) } else { 8 };
    let max = ((1u32 << bits) - 1) as u16;
    let mut data = Vec::with_capacity(width as usize * height as usize * 4);
    for y in 0..height as usize {
        let row = plane.data.get(y * plane.stride..y * plane.stride + row_len)?;
        for px in row.chunks_exact(channels * bytes_per_sample) {
            for c in 0..channels {
                data.push(if hdr {
                    u16::from_le_bytes([px[2 * c], px[2 * c + 1]]).min(max)
                } else {
                    u16::from(px[c])
                });
            }
            if !alpha {
                data.push(max);
            }
        }
    }
    Some(Samples { data, max })
}

/// Limited ("video") range to full range on the R, G, B samples: `16·2^(bits−8)` → 0,
/// `235·2^(bits−8)` → full scale, clipped.
fn expand_limited_range(s: &mut Samples) {
    let scale = (u32::from(s.max) + 1) / 256;
    let (lo, span, max) = (16 * scale, 219 * scale, u32::from(s.max));
    for px in s.data.chunks_exact_mut(4) {
        for v in &mut px[..3] {
            let x = u32::from(*v).saturating_sub(lo);
            *v = ((x * max + span / 2) / span).min(max) as u16;
        }
    }
}

/// The 8-bit value of a sample of `max` full scale, rounded.
fn narrow(v: u16, max: u16) -> u8 {
    ((u32::from(v) * 255 + u32::from(max) / 2) / u32::from(max)) as u8
}

/// Maps decoded samples to RGBA8 sRGB: ICC profile, else nclx (module docs).
fn colour(handle: &ImageHandle, s: Samples, width: u32, height: u32) -> Image {
    let icc_profile = handle.color_profile_raw().map(|p| p.data).filter(|d| !d.is_empty());
    let nclx =
        handle.color_profile_nclx().map(|n| (n.color_primaries(), n.transfer_characteristics()));
    let (primaries, transfer) =
        nclx.unwrap_or((ColorPrimaries::ITU_R_BT_709_5, TransferCharacteristics::IEC_61966_2_1));
    let matrix = if icc_profile.is_some() { None } else { primaries_to_bt709(primaries) };
    let curve = if icc_profile.is_some() { Curve::Srgb } else { Curve::of(transfer) };
    let mut img = if matrix.is_none() && curve == Curve::Srgb {
        Image { width, height, pixels: s.data.iter().map(|&v| narrow(v, s.max)).collect() }
    } else {
        convert(&s, width, height, curve, matrix.unwrap_or(IDENTITY))
    };
    if let Some(p) = icc_profile {
        let model = if matches!(handle.preferred_decoding_colorspace(), Ok(ColorSpace::Monochrome))
        {
            icc::Model::Gray
        } else {
            icc::Model::Rgb
        };
        icc::to_srgb(&mut img, &p, model);
    }
    img
}

/// The transfer curves told apart by the nclx mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Curve {
    /// sRGB, and the BT.709/601/2020 SDR curves, which are displayed as sRGB.
    Srgb,
    /// Linear light.
    Linear,
    /// SMPTE ST 2084 (PQ), absolute luminance up to 10 000 cd/m².
    Pq,
    /// ARIB STD-B67 (HLG), relative scene light.
    Hlg,
}

impl Curve {
    fn of(t: TransferCharacteristics) -> Self {
        match t {
            TransferCharacteristics::ITU_R_BT_2100_0_PQ => Curve::Pq,
            TransferCharacteristics::Linear => Curve::Linear,
            // ARIB STD-B67 (HLG) is code 18, which libheif-rs has no variant for (`Unknown`).
            TransferCharacteristics::Unknown => Curve::Hlg,
            _ => Curve::Srgb,
        }
    }
}

const IDENTITY: [[f32; 3]; 3] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

/// The linear-light matrix from `p` to BT.709/sRGB primaries (both D65), `None` when `p` is
/// BT.709, BT.601, unspecified or a set this mapping does not convert (taken as sRGB).
fn primaries_to_bt709(p: ColorPrimaries) -> Option<[[f32; 3]; 3]> {
    match p {
        // ITU-R BT.2087 (BT.2020 → BT.709), rounded to 4 places.
        ColorPrimaries::ITU_R_BT_2020_2_and_2100_0 => Some([
            [1.6605, -0.5876, -0.0728],
            [-0.1246, 1.1329, -0.0083],
            [-0.0182, -0.1006, 1.1187],
        ]),
        // Display P3 (D65) → sRGB, from the two primaries' RGB→XYZ matrices.
        ColorPrimaries::SMPTE_EG_432_1 => {
            Some([[1.2249, -0.2247, 0.0], [-0.0420, 1.0419, 0.0], [-0.0197, -0.0786, 1.0979]])
        }
        _ => None,
    }
}

/// SDR reference white in cd/m² (ITU-R BT.2408): PQ content at this luminance becomes sRGB white.
const REFERENCE_WHITE_NITS: f32 = 203.0;
/// Nominal peak of an HLG display (BT.2100's reference), for HLG's OOTF.
const HLG_PEAK_NITS: f32 = 1000.0;
/// Where the tone curve's shoulder starts, as a fraction of SDR white.
const KNEE: f32 = 0.8;

/// Tone maps SDR-relative linear RGB (1.0 = reference white, HDR highlights above) into 0–1.
///
/// The largest channel `m` is mapped and all three scaled by the same factor (hue kept): up to
/// [`KNEE`] nothing changes; above it `m' = k + (1 − k)·(1 − e^(−(m − k)/(1 − k)))`, a shoulder
/// with slope 1 at the knee that approaches 1.0, so reference white lands at ≈ 0.93 and a
/// 1000 cd/m² highlight at ≈ 1.0 instead of clipping everything above white.
fn tone_map(rgb: [f32; 3]) -> [f32; 3] {
    let m = rgb[0].max(rgb[1]).max(rgb[2]);
    if m <= KNEE {
        return rgb;
    }
    let mapped = KNEE + (1.0 - KNEE) * (1.0 - (-(m - KNEE) / (1.0 - KNEE)).exp());
    let k = mapped / m;
    [rgb[0] * k, rgb[1] * k, rgb[2] * k]
}

/// The sRGB decoding curve (IEC 61966-2-1).
fn srgb_to_linear(v: f32) -> f32 {
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

/// The sRGB encoding curve.
fn linear_to_srgb(v: f32) -> f32 {
    if v <= 0.003_130_8 {
        v * 12.92
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    }
}

/// PQ (ST 2084) EOTF: a 0–1 signal to cd/m².
fn pq_to_nits(e: f32) -> f32 {
    const M1: f32 = 2610.0 / 16384.0;
    const M2: f32 = 2523.0 / 4096.0 * 128.0;
    const C1: f32 = 3424.0 / 4096.0;
    const C2: f32 = 2413.0 / 4096.0 * 32.0;
    const C3: f32 = 2392.0 / 4096.0 * 32.0;
    let p = e.max(0.0).powf(1.0 / M2);
    10_000.0 * ((p - C1).max(0.0) / (C2 - C3 * p)).powf(1.0 / M1)
}

/// HLG inverse OETF: a 0–1 signal to relative scene light 0–1.
fn hlg_to_scene(e: f32) -> f32 {
    const A: f32 = 0.178_832_77;
    const B: f32 = 0.284_668_92;
    const C: f32 = 0.559_910_7;
    if e <= 0.5 {
        e * e / 3.0
    } else {
        (((e - C) / A).exp() + B) / 12.0
    }
}

/// Linearises, converts primaries, tone maps and sRGB-encodes every pixel (the nclx path of the
/// module docs). Per-code lookup tables keep it to a table read per sample and a few multiplies.
fn convert(s: &Samples, width: u32, height: u32, curve: Curve, m: [[f32; 3]; 3]) -> Image {
    let max = f32::from(s.max);
    // Signal → linear, in units of SDR white.
    let to_linear: Vec<f32> = (0..=s.max)
        .map(|c| {
            let e = f32::from(c) / max;
            match curve {
                Curve::Srgb => srgb_to_linear(e),
                Curve::Linear => e,
                Curve::Pq => pq_to_nits(e) / REFERENCE_WHITE_NITS,
                Curve::Hlg => hlg_to_scene(e),
            }
        })
        .collect();
    // Linear 0–1 → sRGB 8-bit, on a 16 384-step grid (one step is below half an 8-bit code
    // everywhere but the first few codes of the linear toe, where it is below one).
    const STEPS: usize = 16_384;
    let encode: Vec<u8> = (0..=STEPS)
        .map(|i| (linear_to_srgb(i as f32 / STEPS as f32) * 255.0).round() as u8)
        .collect();
    let hdr = matches!(curve, Curve::Pq | Curve::Hlg);
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 4);
    for px in s.data.chunks_exact(4) {
        let lin = [to_linear[px[0] as usize], to_linear[px[1] as usize], to_linear[px[2] as usize]];
        let mut rgb = [0f32; 3];
        for (o, row) in rgb.iter_mut().zip(m.iter()) {
            *o = row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2];
        }
        if curve == Curve::Hlg {
            // BT.2100 OOTF for a 1000 cd/m² display: system gamma 1.2 on BT.2020 luminance,
            // then expressed in units of SDR white.
            let y = (0.2627 * rgb[0] + 0.6780 * rgb[1] + 0.0593 * rgb[2]).max(0.0);
            let gain = HLG_PEAK_NITS * y.powf(0.2) / REFERENCE_WHITE_NITS;
            rgb = rgb.map(|v| v * gain);
        }
        if hdr {
            rgb = tone_map(rgb.map(|v| v.max(0.0)));
        }
        for v in rgb {
            let i = (v.clamp(0.0, 1.0) * STEPS as f32).round() as usize;
            pixels.push(encode[i]);
        }
        pixels.push(narrow(px[3], s.max));
    }
    Image { width, height, pixels }
}

/// True when this build can write `format` (`heic`: an HEVC encoder, `avif`: an AV1 encoder),
/// checked once per process.
pub fn can_encode(format: Format) -> bool {
    static AVIF: OnceLock<bool> = OnceLock::new();
    static HEIC: OnceLock<bool> = OnceLock::new();
    let (cell, cf) = match format {
        Format::Avif => (&AVIF, CompressionFormat::Av1),
        Format::Heic => (&HEIC, CompressionFormat::Hevc),
        _ => return false,
    };
    *cell.get_or_init(|| lib().is_ok_and(|l| !l.encoder_descriptors(1, Some(cf), None).is_empty()))
}

/// Encodes `img` as AVIF (libaom, speed [`AVIF_SPEED`]) or HEIC (x265, preset [`HEIC_PRESET`]).
///
/// `quality` (1–100) is libheif's lossy quality, which each plugin maps to its own scale: libaom
/// `cq-level = round((100 − q)·63 / 100)` (libaom 3.6 has no IQ tune), x265 `crf = (100 − q) / 2`; `lossless` asks
/// for lossless coding. Alpha is kept (an alpha auxiliary image) when a pixel is not opaque.
/// Colour is written as sRGB nclx (BT.709 primaries, sRGB transfer), 4:2:0.
///
/// Errors: no encoder for the format in this build → `NotImplemented`; encoder failure →
/// `InternalError`.
pub(super) fn encode(img: &Image, format: Format, quality: u32, lossless: bool) -> Result<Vec<u8>> {
    let cf = match format {
        Format::Avif => CompressionFormat::Av1,
        Format::Heic => CompressionFormat::Hevc,
        _ => return Err(Error::internal()),
    };
    let failed = |_e: HeifError| Error::internal();
    let mut encoder = lib()?.encoder_for_format(cf).map_err(|_| {
        Error::new(
            ErrorKind::NotImplemented,
            format!("Encoding {} images is not supported by this build.", format.name()),
        )
    })?;
    let q = quality.clamp(1, 100) as u8;
    encoder
        .set_quality(if lossless { EncoderQuality::LossLess } else { EncoderQuality::Lossy(q) })
        .map_err(failed)?;
    match format {
        Format::Avif => encoder
            .set_parameter_value("speed", EncoderParameterValue::Int(AVIF_SPEED))
            .map_err(failed)?,
        _ => encoder
            .set_parameter_value("preset", EncoderParameterValue::String(HEIC_PRESET.into()))
            .map_err(failed)?,
    }
    let alpha = img.has_transparency();
    let (chroma, channels) = if alpha { (RgbChroma::Rgba, 4) } else { (RgbChroma::Rgb, 3) };
    let mut image =
        HeifImage::new(img.width, img.height, ColorSpace::Rgb(chroma)).map_err(failed)?;
    image.create_plane(Channel::Interleaved, img.width, img.height, 8).map_err(failed)?;
    {
        let mut planes = image.planes_mut();
        let plane = planes.interleaved.as_mut().ok_or_else(Error::internal)?;
        let stride = plane.stride;
        let w = img.width as usize;
        for (y, src) in img.pixels.chunks_exact(w * 4).enumerate() {
            let dst = plane
                .data
                .get_mut(y * stride..y * stride + w * channels)
                .ok_or_else(Error::internal)?;
            if alpha {
                dst.copy_from_slice(src);
            } else {
                for (d, s) in dst.chunks_exact_mut(3).zip(src.chunks_exact(4)) {
                    d.copy_from_slice(&s[..3]);
                }
            }
        }
    }
    let mut ctx = HeifContext::new().map_err(failed)?;
    ctx.encode_image(&image, &mut encoder, None).map_err(failed)?;
    ctx.write_to_bytes().map_err(failed)
}

// ---------------------------------------------------------------------------------------------
// EXIF item (borrowed from the file, for `info`)

/// The raw EXIF of a HEIF file: the payload of the `Exif` item in `meta` (located through
/// `iinf`/`iloc`, stored in the file with one extent), after its 4-byte offset to the TIFF
/// header. `None` when absent or not a simple file-offset item.
pub(super) fn exif_item(bytes: &[u8]) -> Option<&[u8]> {
    let meta = bmff_boxes(bytes).find(|(t, _)| t == b"meta")?.1.get(4..)?;
    let iinf = bmff_boxes(meta).find(|(t, _)| t == b"iinf")?.1;
    // iinf: FullBox (4), entry count (u16 in version 0, u32 after), then `infe` boxes.
    let first = if iinf.first()? == &0 { 6 } else { 8 };
    let id = bmff_boxes(iinf.get(first..)?).find_map(|(t, infe)| {
        // infe version ≥ 2: FullBox (4), item_ID (u16; u32 in version 3), protection index
        // (u16), item_type (4).
        if &t != b"infe" {
            return None;
        }
        let (id, ty_at) = match infe.first()? {
            2 => (u32::from(be16(infe, 4)?), 8),
            3 => (be32(infe, 4)?, 10),
            _ => return None,
        };
        (infe.get(ty_at..ty_at + 4)? == b"Exif").then_some(id)
    })?;
    let (offset, length) = iloc_extent(bmff_boxes(meta).find(|(t, _)| t == b"iloc")?.1, id)?;
    let payload = bytes.get(offset..offset.checked_add(length)?)?;
    let skip = be32(payload, 0)? as usize;
    payload.get(4usize.checked_add(skip)?..)
}

/// The single file extent `(offset, length)` of item `id` in an `iloc` box payload.
fn iloc_extent(iloc: &[u8], id: u32) -> Option<(usize, usize)> {
    let version = *iloc.first()?;
    let sizes = be16(iloc, 4)?;
    let (off_size, len_size, base_size) = (sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15);
    let index_size = if version >= 1 { sizes & 15 } else { 0 };
    let mut pos = 6;
    let count = if version < 2 {
        pos += 2;
        u32::from(be16(iloc, 6)?)
    } else {
        pos += 4;
        be32(iloc, 6)?
    };
    let read = |pos: &mut usize, n: u16| -> Option<u64> {
        let v = match n {
            0 => 0,
            4 => u64::from(be32(iloc, *pos)?),
            8 => u64::from(be32(iloc, *pos)?) << 32 | u64::from(be32(iloc, *pos + 4)?),
            _ => return None,
        };
        *pos += usize::from(n);
        Some(v)
    };
    for _ in 0..count {
        let item = if version < 2 {
            let v = u32::from(be16(iloc, pos)?);
            pos += 2;
            v
        } else {
            let v = be32(iloc, pos)?;
            pos += 4;
            v
        };
        let method = if version >= 1 {
            let m = be16(iloc, pos)? & 15;
            pos += 2;
            m
        } else {
            0
        };
        pos += 2; // data_reference_index
        let base = read(&mut pos, base_size)?;
        let extents = be16(iloc, pos)?;
        pos += 2;
        let mut first = None;
        for _ in 0..extents {
            read(&mut pos, index_size)?;
            let off = read(&mut pos, off_size)?;
            let len = read(&mut pos, len_size)?;
            first.get_or_insert((off, len));
        }
        if item == id {
            let (off, len) = first?;
            if method != 0 || extents != 1 {
                return None;
            }
            return Some((
                usize::try_from(base.checked_add(off)?).ok()?,
                usize::try_from(len).ok()?,
            ));
        }
    }
    None
}
