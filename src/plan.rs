//! The planner: resolves a parsed cascade against the source's header (size, orientation, format,
//! estimated JPEG quality) into plain data — the decode scale, the exact [`Stage`] list and the
//! encoder settings — before a single pixel exists. All OSS geometry (resize modes, gravities,
//! crop clipping, rotate canvas) and the limits of spec §2 live here.

use crate::pipeline::Stage;
use crate::process::Format;

/// What the planner knows about a source, read from its header only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// Container format of the source.
    pub format: Format,
    /// Stored width (before EXIF orientation).
    pub width: u32,
    /// Stored height (before EXIF orientation).
    pub height: u32,
    /// EXIF orientation 1–8 (1 when absent or invalid).
    pub orientation: u32,
    /// True when the source carries an alpha channel.
    pub has_alpha: bool,
    /// Number of frames (1 for still images).
    pub frames: u32,
    /// Size of the encoded source in bytes.
    pub file_size: u64,
    /// Quality estimated from a JPEG source's quantisation tables (1–100); `None` otherwise.
    pub jpeg_quality: Option<u32>,
}

/// The result of planning: an image to produce, or a JSON answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Decode, run the stages, encode.
    Image(ImagePlan),
    /// Answer with the `info` JSON (§3.16).
    Info,
    /// Answer with the `average-hue` JSON (§3.17).
    AverageHue,
}

/// Everything needed to produce an image.
#[derive(Debug, Clone, PartialEq)]
pub struct ImagePlan {
    /// How to decode the source.
    pub decode: DecodeSpec,
    /// The pixel stages, in order, sized for the decoded image.
    pub stages: Vec<Stage>,
    /// Encoder settings.
    pub output: OutputSpec,
    /// Final width.
    pub width: u32,
    /// Final height.
    pub height: u32,
}

/// How to decode the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeSpec {
    /// JPEG DCT-domain scale denominator: 1, 2, 4 or 8 (always 1 for other formats). The decoded
    /// size is `ceil(W/denom) × ceil(H/denom)`, see [`scaled_dim`].
    pub scale_denom: u32,
}

/// Encoder settings, applied at the end whatever their position in the cascade (§1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputSpec {
    /// Output format.
    pub format: Format,
    /// Encoder quality 1–100 (JPEG and lossy WebP).
    pub quality: u32,
    /// WebP lossless (`quality,lossless`).
    pub lossless: bool,
    /// Progressive JPEG (`interlace,1`).
    pub progressive: bool,
}

/// The size libjpeg-turbo produces for one side when decoding at `1/denom`: `ceil(d/denom)`.
pub const fn scaled_dim(d: u32, denom: u32) -> u32 {
    d.div_ceil(denom)
}
