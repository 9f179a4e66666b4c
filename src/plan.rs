//! The planner: resolves a parsed cascade against the source's header (size, orientation, format,
//! estimated JPEG quality) into plain data — the decode scale, the exact [`Stage`] list and the
//! encoder settings — before a single pixel exists. All OSS geometry (resize modes, gravities,
//! crop clipping, rotate canvas) and the limits of spec §2 live here.

mod geometry;
mod output;
#[cfg(test)]
mod tests;
pub mod watermark;

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::pipeline::{Image, ResizeParams, Stage};
use crate::process::{Action, Format, ProcessSpec, TextMark, WatermarkImage};
use geometry::Canvas;
pub use output::output_format_for;

/// Where a plan's watermark overlays come from (the job prepares them; the planner only places
/// them). Called in cascade order, once per part of each `watermark` action.
pub trait Overlays {
    /// The rendered block of a text watermark (rotation and shadow included), straight-alpha RGBA.
    fn text(&mut self, mark: &TextMark) -> Result<Arc<Image>>;
    /// The watermark image `image` after its nested process, for a main image of `main` size
    /// (what `P` is relative to).
    fn image(&mut self, image: &WatermarkImage, main: (u32, u32)) -> Result<Arc<Image>>;
}

/// The provider of a plan that has no watermark resources: any watermark is `400
/// WatermarkError`. [`plan`] uses it; callers that run watermarks use [`plan_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NoOverlays;

impl Overlays for NoOverlays {
    fn text(&mut self, _: &TextMark) -> Result<Arc<Image>> {
        Err(Error::new(ErrorKind::WatermarkError, "No fonts are available for text watermarks."))
    }
    fn image(&mut self, image: &WatermarkImage, _: (u32, u32)) -> Result<Arc<Image>> {
        Err(Error::new(
            ErrorKind::WatermarkError,
            format!("The watermark object \"{}\" is not available.", image.key),
        ))
    }
}

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
    /// An animation's loop count (GIF NETSCAPE2.0 extension, WebP `ANIM` chunk): `Some(0)`
    /// forever, `Some(n)` n times, `None` when the file has none (it plays once) and for stills.
    pub loop_count: Option<u16>,
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
    /// True when every frame of an animated source is decoded, run through `stages` and written
    /// as an animated GIF or WebP; false when only the first frame is (still sources, and animations
    /// that lose their animation — see [`plan`]).
    pub animated: bool,
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
    /// Baseline JPEG quantised by rate-distortion optimisation (trellis) instead of rounding:
    /// smaller files at the same quality setting, for more encode time (see [`JpegQuantiser`]).
    pub trellis: bool,
}

/// The size libjpeg-turbo produces for one side when decoding at `1/denom`: `ceil(d/denom)`.
pub const fn scaled_dim(d: u32, denom: u32) -> u32 {
    d.div_ceil(denom)
}

/// EC of a source over the size limits (spec §2, §4.3).
const EC_SOURCE_TOO_LARGE: &str = "0040-00000009";
/// Budget for the frames of an animation held at once: an animated job keeps every decoded frame
/// and every processed frame in memory (`(W·H + w·h)·frames·4` bytes), where a still job holds one
/// image. 256 MiB keeps the worst animated job at a quarter of the largest still decode
/// (250 MP · 4 B = 1 GB, spec §2) while covering real GIFs by far (a 400×400, 44-frame GIF needs
/// 28 MB plus its output); past it the source's first frame is used, as for a `p` resize.
pub const MAX_ANIMATION_BYTES: u64 = 256 << 20;
/// Largest source side (spec §2).
const MAX_SOURCE_SIDE: u32 = 30_000;
/// Largest source pixel count, W·H·frames for animations (spec §2).
const MAX_SOURCE_PIXELS: u64 = 250_000_000;
/// EXIF orientation is skipped on sources with a side of this size or more (spec §3.3 \[U\]).
const MAX_ORIENT_SIDE: u32 = 4_096;
/// JPEG DCT scale denominators tried for shrink-on-load, largest first (libjpeg-turbo supports
/// 1/2, 1/4 and 1/8 exactly).
const SHRINK_DENOMS: [u32; 3] = [8, 4, 2];

/// How far shrink-on-load may reduce a JPEG before the resize (`shrink_on_load` in the config,
/// `--shrink-on-load` on `process` and `batch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShrinkOnLoad {
    /// The decoded image stays at least the resize target on both axes (sharp's
    /// `fastShrinkOnLoad`, Pillow's `draft`): faster, and softer on detailed photos.
    Fast,
    /// The decoded image stays at least twice the resize target (libvips' rule), so the final
    /// Lanczos pass always has two or more source pixels per output pixel: the default, chosen
    /// by measurement (`benches/shrink.rs`, table in `benches/RESULTS.md`).
    #[default]
    Quality,
}

impl ShrinkOnLoad {
    /// How many times the resize target the decoded size must stay, on both axes.
    fn margin(self) -> u64 {
        match self {
            ShrinkOnLoad::Fast => 1,
            ShrinkOnLoad::Quality => 2,
        }
    }
}

impl std::str::FromStr for ShrinkOnLoad {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "fast" => Ok(ShrinkOnLoad::Fast),
            "quality" => Ok(ShrinkOnLoad::Quality),
            other => Err(format!("shrink-on-load must be fast or quality, not {other:?}")),
        }
    }
}

/// How baseline JPEG output is quantised (`jpeg_quantiser` in the config, `--jpeg-quantiser`
/// on `process`, `batch` and `serve`). Progressive output (`interlace,1`) is always
/// libjpeg-turbo's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JpegQuantiser {
    /// Trellis for outputs of at most [`AUTO_TRELLIS_MAX_PIXELS`], where the encode is a small
    /// part of the job and the bytes are what a page or a CDN pays for; rounding above.
    #[default]
    Auto,
    /// Always trellis: the smallest files, for batch jobs where encode time matters less.
    Trellis,
    /// Always libjpeg-turbo's rounding: the fastest encode.
    Round,
}

/// Largest output, in pixels, that [`JpegQuantiser::Auto`] trellis-quantises.
pub const AUTO_TRELLIS_MAX_PIXELS: u64 = 1 << 20;

impl JpegQuantiser {
    /// Whether a baseline JPEG of `width`×`height` is trellis-quantised.
    pub fn trellis(self, width: u32, height: u32) -> bool {
        match self {
            JpegQuantiser::Auto => u64::from(width) * u64::from(height) <= AUTO_TRELLIS_MAX_PIXELS,
            JpegQuantiser::Trellis => true,
            JpegQuantiser::Round => false,
        }
    }
}

impl std::str::FromStr for JpegQuantiser {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "auto" => Ok(JpegQuantiser::Auto),
            "trellis" => Ok(JpegQuantiser::Trellis),
            "round" => Ok(JpegQuantiser::Round),
            other => Err(format!("jpeg-quantiser must be auto, trellis or round, not {other:?}")),
        }
    }
}

/// Planner settings that are not part of the process string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// The shrink-on-load rule for JPEG sources.
    pub shrink_on_load: ShrinkOnLoad,
    /// How baseline JPEG output is quantised.
    pub jpeg_quantiser: JpegQuantiser,
}

impl Options {
    /// The settings as text, for what must tell results made under different settings apart
    /// (result-cache keys, ETags).
    pub fn fingerprint(&self) -> String {
        format!("shrink_on_load={:?} jpeg_quantiser={:?}", self.shrink_on_load, self.jpeg_quantiser)
    }
}

/// [`plan_with`] without watermark resources ([`NoOverlays`]).
pub fn plan(spec: &ProcessSpec, src: &SourceInfo) -> Result<Plan> {
    plan_with(spec, src, &mut NoOverlays)
}

/// [`plan_opts`] with the default [`Options`].
pub fn plan_with(
    spec: &ProcessSpec,
    src: &SourceInfo,
    overlays: &mut dyn Overlays,
) -> Result<Plan> {
    plan_opts(spec, src, &Options::default(), overlays)
}

/// Resolves `spec` against the source header into a [`Plan`]: every size, rectangle and angle is
/// decided here, before a pixel is decoded; watermark overlays come from `overlays` and are placed
/// by [`watermark`]'s geometry.
///
/// Order of decisions:
/// 1. `info` / `average-hue` must stand alone (400 `InvalidArgument` otherwise; spec §1.4, the
///    `average-hue` rule is the spec's \[U\] recommendation). `info` reads the header only, so it is
///    answered whatever the source size; everything else checks the limits first.
/// 2. Source limits: a side over 30000 px or W·H·frames over 250 M → `ImageTooLarge`,
///    EC 0040-00000009 when the cascade resizes, else 0040-00000012 (decode refused).
/// 3. EXIF orientation is a global switch (§3.3): the last `auto-orient` wins, default on \[U\]; it
///    becomes the first stage, and is skipped silently when a stored side is ≥ 4096 \[U\].
/// 4. The pixel actions in order (see the geometry rules on each action); a `watermark` composites
///    its parts where [`watermark::place`] puts them and keeps the size.
/// 5. Shrink-on-load for JPEG sources (see [`DecodeSpec`]), by `opts.shrink_on_load`.
/// 6. Encoder settings (format, quality, interlace) whatever their position.
/// 7. Whether an animated source keeps its animation (`ImagePlan::animated`, see
///    `keeps_animation`): GIF output, no `rotate`, no `p` resize, within [`MAX_ANIMATION_BYTES`].
pub fn plan_opts(
    spec: &ProcessSpec,
    src: &SourceInfo,
    opts: &Options,
    overlays: &mut dyn Overlays,
) -> Result<Plan> {
    let json = spec.actions.iter().find_map(|a| match a {
        Action::Info => Some((Plan::Info, "info")),
        Action::AverageHue => Some((Plan::AverageHue, "average-hue")),
        _ => None,
    });
    if let Some((answer, name)) = &json {
        if spec.actions.len() > 1 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{name} cannot be combined with other actions."),
            ));
        }
        if *answer == Plan::Info {
            return Ok(Plan::Info);
        }
    }
    check_source_limits(src, spec)?;
    if let Some((answer, _)) = json {
        return Ok(answer);
    }

    let mut canvas = Canvas::new(src.width, src.height);
    let auto_orient = spec
        .actions
        .iter()
        .rev()
        .find_map(|a| match a {
            Action::AutoOrient(on) => Some(*on),
            _ => None,
        })
        .unwrap_or(true);
    if auto_orient && src.width < MAX_ORIENT_SIDE && src.height < MAX_ORIENT_SIDE {
        canvas.push_orient(src.orientation);
    }

    let is_gif = src.format == Format::Gif;
    for action in &spec.actions {
        match action {
            Action::Resize(r) => canvas.resize(r, is_gif)?,
            Action::Crop(c) => canvas.crop(c)?,
            Action::IndexCrop(ic) => canvas.index_crop(ic)?,
            Action::Circle(c) => canvas.circle(c),
            Action::RoundedCorners(rc) => canvas.rounded_corners(rc),
            Action::Rotate(deg) => canvas.rotate(*deg)?,
            Action::Blur(b) => canvas.blur(b.r, b.s),
            Action::Bright(v) => canvas.color_adjust(*v, 0),
            Action::Contrast(v) => canvas.color_adjust(0, *v),
            Action::Sharpen(v) => canvas.sharpen(*v),
            Action::Watermark(w) => canvas.watermark(w, overlays)?,
            // Global switches and encoder settings, handled outside the cascade.
            Action::AutoOrient(_)
            | Action::Format(_)
            | Action::Quality(_)
            | Action::Interlace(_)
            | Action::Info
            | Action::AverageHue => {}
        }
    }

    let scale_denom = shrink_denom(src, &canvas.stages, opts.shrink_on_load.margin());
    let decoded = (scaled_dim(src.width, scale_denom), scaled_dim(src.height, scale_denom));
    resize_before_orient(&mut canvas.stages, decoded);
    let output = output::output_spec(spec, src, canvas.width, canvas.height, opts.jpeg_quantiser)?;
    let animated = keeps_animation(spec, src, &output, (canvas.width, canvas.height));
    Ok(Plan::Image(ImagePlan {
        decode: DecodeSpec { scale_denom },
        stages: canvas.stages,
        output,
        width: canvas.width,
        height: canvas.height,
        animated,
    }))
}

/// Whether an animated source keeps its animation (spec §1.4).
///
/// \[C\]: a resize by explicit sizes keeps the animation; a percentage resize (`p` with no
/// `w`/`h`/`l`/`s`, the form that takes effect) and any `rotate` (even by 0 or 360) give a single
/// frame. \[U\], following the spec's recommendation "apply per frame where cheap, otherwise keep
/// the first frame": every other pixel action (`crop`, `indexcrop`, `circle`, `rounded-corners`,
/// `resize` by `w`/`h`/`l`/`s` in any mode, `blur`, `bright`, `contrast`, `sharpen`, `auto-orient`)
/// runs on each frame. GIF and WebP output are animated \[U\] (an animated GIF or WebP source
/// written as either, `format,gif` applying to WebP sources too, see `plan::output`); any other
/// `format` gives the first frame. Animations whose frames exceed [`MAX_ANIMATION_BYTES`] also
/// give their first frame rather than failing.
fn keeps_animation(
    spec: &ProcessSpec,
    src: &SourceInfo,
    output: &OutputSpec,
    (width, height): (u32, u32),
) -> bool {
    let single_frame = |a: &Action| match a {
        Action::Rotate(_) => true,
        Action::Resize(r) => {
            r.p.is_some() && r.w.is_none() && r.h.is_none() && r.l.is_none() && r.s.is_none()
        }
        _ => false,
    };
    let per_frame =
        u64::from(src.width) * u64::from(src.height) + u64::from(width) * u64::from(height);
    src.frames > 1
        && matches!(output.format, Format::Gif | Format::Webp)
        && !spec.actions.iter().any(single_frame)
        && per_frame.saturating_mul(u64::from(src.frames)).saturating_mul(4) <= MAX_ANIMATION_BYTES
}

/// Fails with `ImageTooLarge` when the source exceeds spec §2 (EC 0040-00000009 for a cascade
/// with a resize, 0040-00000012 "decode refused" otherwise), and with
/// `ImageDamage` for a header claiming an empty image.
fn check_source_limits(src: &SourceInfo, spec: &ProcessSpec) -> Result<()> {
    if src.width == 0 || src.height == 0 {
        return Err(Error::damaged());
    }
    // Saturating: a header may claim u32::MAX on every count (found by fuzz/process_string).
    let pixels = u64::from(src.width)
        .saturating_mul(u64::from(src.height))
        .saturating_mul(u64::from(src.frames.max(1)));
    if src.width > MAX_SOURCE_SIDE || src.height > MAX_SOURCE_SIDE || pixels > MAX_SOURCE_PIXELS {
        // §4.3: "resize: source side > 30 000 or > 250 M pixels" has its own EC; any other
        // cascade is a refused decode.
        let resizes = spec.actions.iter().any(|a| matches!(a, Action::Resize(_)));
        return Err(Error::with_ec(
            ErrorKind::ImageTooLarge,
            if resizes { EC_SOURCE_TOO_LARGE } else { crate::codec::EC_DECODE_REFUSED },
            format!(
                "The source image {}x{} ({} frame(s)) exceeds the limits of {MAX_SOURCE_SIDE} px per \
                 side and {MAX_SOURCE_PIXELS} pixels.",
                src.width,
                src.height,
                src.frames.max(1)
            ),
        ));
    }
    Ok(())
}

/// Orientation commutes with resizing, so when the cascade starts with an orientation transform
/// followed by a shrinking resize, the resize runs first (to the target mapped back into stored
/// orientation) and the transform then moves the small image instead of the decoded one: on the
/// W1 thumbnail of a phone photo this saves the transpose of a 0.8 MP image (about 2 ms of 28).
fn resize_before_orient(stages: &mut [Stage], decoded: (u32, u32)) {
    let [Stage::Orient(orient), Stage::Resize(resize), ..] = stages else {
        return;
    };
    let (width, height) = if orient.orientation >= 5 {
        (resize.height, resize.width)
    } else {
        (resize.width, resize.height)
    };
    if u64::from(width) * u64::from(height) < u64::from(decoded.0) * u64::from(decoded.1) {
        let orient = *orient;
        stages[0] = Stage::Resize(ResizeParams { width, height, _pad: [0; 2] });
        stages[1] = Stage::Orient(orient);
    }
}

/// Shrink-on-load: the JPEG DCT scale denominator for `stages`.
///
/// Applies only to JPEG sources whose first pixel-changing stage, after any leading orientation
/// transforms (which commute with scaling — EXIF ones and `rotate` by 90s alike), is a resize.
/// Picks the largest denominator in {8, 4, 2} whose decoded size `scaled_dim(W,d) ×
/// scaled_dim(H,d)` stays at least `margin` times the resize target on both axes, comparing in
/// stored orientation. The stages need no change: orientation transforms carry no size and the resize
/// goes to its exact target from whatever size it gets (and with `d > 1` it always has work).
fn shrink_denom(src: &SourceInfo, stages: &[Stage], margin: u64) -> u32 {
    if src.format != Format::Jpg {
        return 1;
    }
    let mut swapped = false;
    for stage in stages {
        match stage {
            Stage::Orient(o) => swapped ^= o.orientation >= 5,
            Stage::Resize(r) => {
                let (tw, th) = if swapped { (r.height, r.width) } else { (r.width, r.height) };
                return SHRINK_DENOMS
                    .into_iter()
                    .find(|&d| {
                        u64::from(scaled_dim(src.width, d)) >= margin * u64::from(tw)
                            && u64::from(scaled_dim(src.height, d)) >= margin * u64::from(th)
                    })
                    .unwrap_or(1);
            }
            _ => return 1,
        }
    }
    1
}
