//! One processing job end to end, shared by `ossimg process`, the HTTP service and batch jobs:
//! probe the header → plan → decode (shrink-on-load) → run the stages on an engine → encode, or
//! answer `info` / `average-hue` with JSON. Animated plans run the stages on every frame and
//! write an animated GIF.

use crate::backend::Engine;
use crate::codec;
use crate::error::{Error, ErrorKind, Result};
use crate::plan::{self, DecodeSpec, Plan};
use crate::process::{Format, ProcessSpec};

/// Largest source object OSS processes: 20 MB (spec §2, \[C\]).
pub const MAX_SOURCE_BYTES: usize = 20 * 1024 * 1024;

/// The answer of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// An encoded image.
    Image {
        /// The encoded bytes.
        bytes: Vec<u8>,
        /// Their format.
        format: Format,
    },
    /// A JSON answer (`info`, `average-hue`).
    Json(String),
}

impl Output {
    /// The `Content-Type` of the answer.
    pub fn content_type(&self) -> &'static str {
        match self {
            Output::Image { format, .. } => format.mime(),
            Output::Json(_) => "application/json",
        }
    }

    /// The bytes of the answer.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Output::Image { bytes, .. } => bytes,
            Output::Json(s) => s.as_bytes(),
        }
    }
}

/// Refuses a source object over [`MAX_SOURCE_BYTES`] (spec §2) with `ImageTooLarge`; the service
/// checks the stored size before reading the object.
pub fn check_source_size(bytes: u64) -> Result<()> {
    if bytes > MAX_SOURCE_BYTES as u64 {
        return Err(Error::new(
            ErrorKind::ImageTooLarge,
            "The source image is larger than 20 MB and cannot be processed.",
        ));
    }
    Ok(())
}

/// Runs `spec` on the encoded `source` with `engine`.
pub fn run(source: &[u8], spec: &ProcessSpec, engine: Engine) -> Result<Output> {
    check_source_size(source.len() as u64)?;
    let info = codec::probe(source)?;
    match plan::plan(spec, &info)? {
        Plan::Info => Ok(Output::Json(codec::info_json(source, &info)?)),
        Plan::AverageHue => {
            let image = codec::decode(source, info.format, &hue_decode_spec(&info))?;
            Ok(Output::Json(codec::average_hue_json(codec::average_hue(&image))))
        }
        Plan::Image(p) if p.animated => {
            let bytes = run_animated(source, &info, &p, engine)?;
            Ok(Output::Image { bytes, format: p.output.format })
        }
        Plan::Image(p) => {
            let image = codec::decode(source, info.format, &p.decode)?;
            let image = engine.run(&p.stages, image)?;
            let bytes = codec::encode(&image, &p.output)?;
            Ok(Output::Image { bytes, format: p.output.format })
        }
    }
}

/// An animated plan: decodes every frame (composited canvases), runs the same stages on each one
/// as it goes — each decoded frame is dropped once processed — and writes an animated GIF with
/// the source's delays. The planner only sets `animated` within [`plan::MAX_ANIMATION_BYTES`].
fn run_animated(
    source: &[u8],
    info: &plan::SourceInfo,
    p: &plan::ImagePlan,
    engine: Engine,
) -> Result<Vec<u8>> {
    let frames = codec::decode_frames(source, info.format, plan::MAX_ANIMATION_BYTES)?;
    let frames = frames
        .into_iter()
        .map(|f| Ok(codec::Frame { image: engine.run(&p.stages, f.image)?, delay_ms: f.delay_ms }))
        .collect::<Result<Vec<_>>>()?;
    codec::encode_gif_frames(&frames, &p.output, info.loop_count)
}

/// `average-hue` is a mean over salient pixels, so a DCT-scaled JPEG decode (a box-filtered
/// image) answers it as well as a full decode: keep at least 512 px on the short side so small
/// salient regions still count, and save up to 98% of the decode work on large photos.
fn hue_decode_spec(info: &plan::SourceInfo) -> DecodeSpec {
    const MIN_SHORT_SIDE: u32 = 512;
    let short = info.width.min(info.height);
    let scale_denom = match info.format {
        Format::Jpg => [8, 4, 2]
            .into_iter()
            .find(|&d| plan::scaled_dim(short, d) >= MIN_SHORT_SIDE)
            .unwrap_or(1),
        _ => 1,
    };
    DecodeSpec { scale_denom }
}
