//! One processing job end to end, shared by `ossimg process`, the HTTP service and batch jobs:
//! probe the header → plan → decode (shrink-on-load) → run the stages on an engine → encode, or
//! answer `info` / `average-hue` with JSON. JPEG thumbnails that are only resized (and turned)
//! take the planar path: Y'CbCr planes from decode to encode, never RGBA. Animated plans run the
//! stages on every frame and write an animated GIF. Watermark overlays are prepared here for the
//! planner ([`Resources`]): text blocks from the [`TextRenderer`], watermark images decoded and
//! run through their nested process on the job's engine — each (object, nested process, main
//! size) once per job.

use std::collections::HashMap;
use std::sync::Arc;

use crate::backend::{cpu, Engine};
use crate::codec;
use crate::error::{Error, ErrorKind, Result};
use crate::pipeline::{Image, Planes, Stage};
use crate::plan::{self, DecodeSpec, Overlays, Plan};
use crate::process::{Action, Format, ProcessSpec, TextMark, WatermarkImage};
use crate::telemetry;
use crate::watermark::TextRenderer;

/// The watermark objects a caller fetched for a job, by key (see
/// [`ProcessSpec::watermark_keys`]): the object's bytes, read with the requester's permissions.
pub type WatermarkObjects = HashMap<String, bytes::Bytes>;

/// What a job needs besides its source: fonts for text watermarks, the watermark objects and the
/// planner settings.
#[derive(Clone, Copy, Default)]
pub struct Resources<'a> {
    /// The text renderer; `None` uses [`TextRenderer::global`] (system fonts), loaded only when a
    /// text watermark is drawn.
    pub fonts: Option<&'a TextRenderer>,
    /// The fetched watermark objects; a key the cascade names but this map lacks is `400
    /// WatermarkError`.
    pub objects: Option<&'a WatermarkObjects>,
    /// Planner settings from the configuration (the shrink-on-load rule).
    pub options: plan::Options,
}

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

/// Runs `spec` on the encoded `source` with `engine`, without watermark objects (text
/// watermarks use the system fonts).
pub fn run(source: &[u8], spec: &ProcessSpec, engine: Engine) -> Result<Output> {
    run_with(source, spec, engine, Resources::default())
}

/// Runs `spec` on the encoded `source` with `engine` and the watermark `resources`.
pub fn run_with(
    source: &[u8],
    spec: &ProcessSpec,
    engine: Engine,
    resources: Resources<'_>,
) -> Result<Output> {
    check_source_size(source.len() as u64)?;
    telemetry::job_run(engine.name());
    let info = codec::probe(source)?;
    let mut overlays = JobOverlays { resources, engine, prepared: HashMap::new() };
    match plan::plan_opts(spec, &info, &resources.options, &mut overlays)? {
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
            if let Some(bytes) = run_planar(source, &info, &p, engine)? {
                return Ok(Output::Image { bytes, format: p.output.format });
            }
            let (engine_name, source_format) = (engine.name(), info.format.name());
            let image = timed(&["decode", engine_name], source_format, || {
                decode_as_planned(source, &info, &p.decode)
            })?;
            let image = timed(&["run", engine_name], "", || engine.run(&p.stages, image))?;
            let output_format = p.output.format.name();
            let bytes = timed(&["encode", engine_name], output_format, || {
                codec::encode(&image, &p.output)
            })?;
            Ok(Output::Image { bytes, format: p.output.format })
        }
    }
}

/// The planar thumbnail path. A JPEG whose plan only resizes (then perhaps turns or mirrors it
/// by its EXIF orientation or a `rotate` by 90s) into a JPEG, on the CPU engine, is decoded to
/// its Y'CbCr planes, each plane is resized (chroma at its own resolution, straight to the
/// output's 4:2:0), turned, and the planes are encoded: no RGB conversion and no chroma
/// upsampling at the decoded size, and fewer samples to resample. The thumbnails are as close to
/// a full decode as the RGBA path's (`tests/planar.rs` states the tolerance), not the same
/// bytes. `None` when the plan or the source does not qualify (`codec::decode_jpeg_planes` says
/// which sources): the caller then runs the RGBA path.
fn run_planar(
    source: &[u8],
    info: &plan::SourceInfo,
    p: &plan::ImagePlan,
    engine: Engine,
) -> Result<Option<Vec<u8>>> {
    let planned = (
        plan::scaled_dim(info.width, p.decode.scale_denom),
        plan::scaled_dim(info.height, p.decode.scale_denom),
    );
    // A resize, then perhaps an orientation transform (EXIF orientation or `rotate` by a
    // multiple of 90, which the planner moves after the resize). A plan that leaves the pixels
    // alone (`quality`, `format`) stays on the RGBA path, so its answer is the one an edit (a
    // watermark) changes only where it draws.
    let (r, orientation) = match p.stages.as_slice() {
        [Stage::Resize(r)] => (r, 1),
        [Stage::Resize(r), Stage::Orient(o)] => (r, o.orientation),
        _ => return Ok(None),
    };
    let size = (r.width, r.height);
    if !matches!(engine, Engine::Cpu)
        || info.format != Format::Jpg
        || !codec::encodes_planes(&p.output)
        || size.0 == 0
        || size.1 == 0
    {
        return Ok(None);
    }
    let engine_name = engine.name();
    let decoded = timed(&["decode", engine_name], info.format.name(), || {
        codec::decode_jpeg_planes(source, p.decode.scale_denom)
    })?;
    let Some(planes) = decoded else {
        return Ok(None);
    };
    if (planes.width, planes.height) != planned {
        return Err(Error::damaged());
    }
    let planes = timed(&["run", engine_name], "", || {
        let planes = cpu::resize_planes(planes, size.0, size.1, cpu::reversed_axes(orientation))?;
        Ok::<_, Error>(if orientation == 1 { planes } else { orient_planes(&planes, orientation) })
    })?;
    let bytes = timed(&["encode", engine_name], p.output.format.name(), || {
        codec::encode_planes(&planes, &p.output)
    })?;
    Ok(Some(bytes))
}

/// Each of `planes` moved by EXIF orientation `orientation` (4:2:0 stays 4:2:0: a transposing
/// transform swaps the chroma planes' sides with the luma's).
fn orient_planes(planes: &Planes, orientation: u32) -> Planes {
    let y = cpu::orient_plane(&planes.y, orientation);
    Planes {
        width: y.width,
        height: y.height,
        y,
        cb: cpu::orient_plane(&planes.cb, orientation),
        cr: cpu::orient_plane(&planes.cr, orientation),
        chroma_step: planes.chroma_step,
    }
}

/// The main image's planned stages and decoded size for `spec` on `source`, from the header
/// alone (overlays stand in as 1×1 images): what `ossimg process` weighs before it chooses an
/// engine ([`crate::backend::Workload::One`]). `None` for plans without pixel stages (`info`,
/// `average-hue`).
pub fn planned_work(
    source: &[u8],
    spec: &ProcessSpec,
    options: &plan::Options,
) -> Result<Option<PlannedWork>> {
    let info = codec::probe(source)?;
    Ok(match plan::plan_opts(spec, &info, options, &mut SizeOnly)? {
        Plan::Image(p) => Some(PlannedWork {
            width: plan::scaled_dim(info.width, p.decode.scale_denom),
            height: plan::scaled_dim(info.height, p.decode.scale_denom),
            frames: if p.animated { info.frames.max(1) } else { 1 },
            stages: p.stages,
        }),
        Plan::Info | Plan::AverageHue => None,
    })
}

/// A job's pixel work, as planned ([`planned_work`]).
#[derive(Debug, Clone)]
pub struct PlannedWork {
    /// The stages of the main image.
    pub stages: Vec<crate::pipeline::Stage>,
    /// Decoded width (after shrink-on-load).
    pub width: u32,
    /// Decoded height.
    pub height: u32,
    /// Frames the stages run on.
    pub frames: u32,
}

/// Runs `f`, reporting its time as job stage `stage` = `[stage, engine]` and, for the decode
/// and encode stages, as the decode/encode time of `format` ([`telemetry`]).
fn timed<T>(stage: &[&str; 2], format: &str, f: impl FnOnce() -> T) -> T {
    let start = std::time::Instant::now();
    let out = f();
    let took = start.elapsed();
    telemetry::stage_time(stage[0], stage[1], took);
    match stage[0] {
        "decode" => telemetry::decode_time(format, took),
        "encode" => telemetry::encode_time(format, took),
        _ => {}
    }
    out
}

/// The bytes a job will hold at once, estimated from the headers and the plan: the decoded image
/// (after shrink-on-load) twice (a stage's input and output) plus the result, for every frame
/// kept, plus each watermark object decoded at full size twice, plus each text block at an upper
/// bound of its size (`text_block_bound`). Overlays are not prepared (the main image's sizes do
/// not depend on them), so this is cheap enough to run before admission. The decode size is the
/// default (quality) shrink-on-load rule's, an upper bound of the fast rule's.
pub fn estimate_bytes(
    source: &[u8],
    spec: &ProcessSpec,
    objects: &WatermarkObjects,
) -> Result<u64> {
    let info = codec::probe(source)?;
    let frames = u64::from(info.frames.max(1));
    let main = match plan::plan_with(spec, &info, &mut SizeOnly)? {
        Plan::Image(p) => {
            let d = p.decode.scale_denom;
            let decoded = u64::from(plan::scaled_dim(info.width, d))
                * u64::from(plan::scaled_dim(info.height, d));
            let result = u64::from(p.width) * u64::from(p.height);
            let kept = if p.animated { frames } else { 1 };
            (decoded * 2 + result) * 4 * kept
        }
        Plan::Info => 0,
        Plan::AverageHue => u64::from(info.width) * u64::from(info.height) * 4,
    };
    let marks: u64 = objects
        .values()
        .filter_map(|bytes| codec::probe(bytes).ok())
        .map(|i| u64::from(i.width) * u64::from(i.height) * 4 * 2)
        .sum();
    let texts: u64 = spec
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Watermark(w) => w.text.as_ref().map(text_block_bound),
            _ => None,
        })
        .sum();
    Ok(main.saturating_add(marks).saturating_add(texts))
}

/// The source's header and the size of the image `spec` makes of it (`None` for a JSON answer),
/// from the header alone, as [`estimate_bytes`] plans it: what the server checks its configured
/// limits against before admission.
pub fn planned_size(
    source: &[u8],
    spec: &ProcessSpec,
) -> Result<(plan::SourceInfo, Option<(u32, u32)>)> {
    let info = codec::probe(source)?;
    let size = match plan::plan_with(spec, &info, &mut SizeOnly)? {
        Plan::Image(p) => Some((p.width, p.height)),
        Plan::Info | Plan::AverageHue => None,
    };
    Ok((info, size))
}

/// An upper bound of a rendered text block's bytes: each character at most 1.2 em wide (CJK and
/// the widest Latin capitals are about 1 em), the line 1.5 em tall (ascender − descender of the
/// OSS fonts is 1.0–1.3 em), the shadow's offset added, the box's rotated bounding box, 4 bytes a
/// pixel. A size-1000 line of 64 characters is a few hundred MB, which the service must count.
fn text_block_bound(mark: &TextMark) -> u64 {
    let size = f64::from(mark.size);
    let w = mark.text.chars().count() as f64 * size * 1.2 + size;
    let h = size * 1.5 + size;
    let (sin, cos) = f64::from(mark.rotate).to_radians().sin_cos();
    let (rw, rh) = (w * cos.abs() + h * sin.abs(), w * sin.abs() + h * cos.abs());
    (rw.ceil() * rh.ceil() * 4.0) as u64
}

/// Overlays for [`estimate_bytes`]: 1×1 transparent stand-ins (only the main image's sizes matter).
struct SizeOnly;

impl Overlays for SizeOnly {
    fn text(&mut self, _: &TextMark) -> Result<Arc<Image>> {
        Ok(Arc::new(Image::filled(1, 1, [0; 4])))
    }
    fn image(&mut self, _: &WatermarkImage, _: (u32, u32)) -> Result<Arc<Image>> {
        Ok(Arc::new(Image::filled(1, 1, [0; 4])))
    }
}

/// A job's overlay provider: text from the renderer (cached across requests by the renderer),
/// watermark images prepared once per (image, main size) within the job.
struct JobOverlays<'a> {
    resources: Resources<'a>,
    engine: Engine,
    prepared: HashMap<(WatermarkImage, (u32, u32)), Arc<Image>>,
}

impl Overlays for JobOverlays<'_> {
    fn text(&mut self, mark: &TextMark) -> Result<Arc<Image>> {
        self.resources.fonts.unwrap_or_else(|| TextRenderer::global()).render(mark)
    }

    fn image(&mut self, image: &WatermarkImage, main: (u32, u32)) -> Result<Arc<Image>> {
        // The main size matters only to `P`; without it one preparation serves every size.
        let uses_p = image
            .actions
            .iter()
            .any(|a| matches!(a, Action::Resize(r) if r.main_percent.is_some()));
        let key = (image.clone(), if uses_p { main } else { (0, 0) });
        if let Some(done) = self.prepared.get(&key) {
            return Ok(done.clone());
        }
        let bytes = self.resources.objects.and_then(|o| o.get(&image.key)).ok_or_else(|| {
            Error::new(
                ErrorKind::WatermarkError,
                format!("The watermark object \"{}\" was not provided.", image.key),
            )
        })?;
        let prepared = Arc::new(prepare_image(bytes, image, main, self.engine)?);
        self.prepared.insert(key, prepared.clone());
        Ok(prepared)
    }
}

/// Decodes a watermark object (its first frame) and runs its nested process for a main image of
/// `main` size (spec §3.15). The object obeys the source limits (20 MB, spec §2 sizes); one that is
/// not a decodable image is `400 WatermarkError`.
fn prepare_image(
    bytes: &[u8],
    image: &WatermarkImage,
    main: (u32, u32),
    engine: Engine,
) -> Result<Image> {
    check_source_size(bytes.len() as u64)?;
    let not_an_image = |e: Error| {
        if matches!(e.kind, ErrorKind::ImageDamage | ErrorKind::NotImplemented) {
            Error::new(
                ErrorKind::WatermarkError,
                format!(
                    "The watermark object \"{}\" is not an image this server can decode.",
                    image.key
                ),
            )
        } else {
            e
        }
    };
    let info = codec::probe(bytes).map_err(not_an_image)?;
    let spec = plan::watermark::nested_spec(&image.actions, main);
    let Plan::Image(p) = plan::plan(&spec, &info)? else {
        return Err(Error::internal());
    };
    let decoded = decode_as_planned(bytes, &info, &p.decode).map_err(not_an_image)?;
    engine.run(&p.stages, decoded)
}

/// Decodes `source` for a plan made from its header `info`, and checks that the pixels have the
/// size the planner was given (the header's, shrunk on load by `spec`): a file whose pixel data
/// disagree with its header (a TIFF whose strips disagree with its tags, found by fuzz/codec) is
/// damaged — `ImageDamage`, never a stage's internal error — whatever its format.
fn decode_as_planned(source: &[u8], info: &plan::SourceInfo, spec: &DecodeSpec) -> Result<Image> {
    let image = codec::decode(source, info.format, spec)?;
    let planned = (
        plan::scaled_dim(info.width, spec.scale_denom),
        plan::scaled_dim(info.height, spec.scale_denom),
    );
    if (image.width, image.height) != planned {
        return Err(Error::damaged());
    }
    Ok(image)
}

/// An animated plan: decodes every frame (composited canvases), runs the same stages on each one
/// as it goes — each decoded frame is dropped once processed — and writes an animated GIF or
/// WebP with the source's delays. The planner only sets `animated` within [`plan::MAX_ANIMATION_BYTES`].
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
    codec::encode_frames(&frames, &p.output, info.loop_count)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(text: &str, font: &str, size: u32, rotate: u32, shadow: u32) -> TextMark {
        TextMark {
            text: text.into(),
            font: font.into(),
            color: [0; 3],
            size,
            shadow,
            rotate,
            fill: false,
        }
    }

    #[test]
    fn the_text_bound_holds_for_real_blocks() {
        let wide = "W".repeat(64);
        let cases = [
            mark("Hello 图片服务!", "wqy-zenhei", 40, 0, 0),
            mark(&wide, "wqy-zenhei", 120, 0, 100),
            mark(&wide, "fangzhengkaiti", 50, 45, 50),
            mark("水印水印水印", "fangzhengshusong", 300, 30, 0),
            mark("ӜЖ@%&mwMW", "droidsansfallback", 77, 271, 20),
        ];
        for m in &cases {
            let block = TextRenderer::global().render(m).unwrap();
            let bound = text_block_bound(m);
            assert!(bound >= block.pixels.len() as u64, "{m:?}: {bound} < {}", block.pixels.len());
            // Not wildly above either: within 6× the real block.
            assert!(
                bound <= 6 * block.pixels.len() as u64,
                "{m:?}: {bound} ≫ {}",
                block.pixels.len()
            );
        }
    }

    #[test]
    fn estimates_count_watermarks() {
        let src = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/example.jpg"),
        )
        .unwrap();
        let spec = |s: &str| crate::process::resolve(s, &|_| None).unwrap();
        let none = WatermarkObjects::new();
        let plain = estimate_bytes(&src, &spec("image/resize,w_100"), &none).unwrap();
        let text = crate::process::encode_base64url("W".repeat(64).as_bytes());
        let big = estimate_bytes(
            &src,
            &spec(&format!("image/resize,w_100/watermark,text_{text},size_1000")),
            &none,
        )
        .unwrap();
        // 64 × 1.2 em + 1 em wide, 2.5 em tall at 1000 px: about 0.8 GB more.
        assert!(big > plain + 700_000_000, "{plain} → {big}");
        let mut objects = WatermarkObjects::new();
        objects.insert(
            "logo.png".into(),
            bytes::Bytes::from(
                std::fs::read(
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("tests/data/watermark.png"),
                )
                .unwrap(),
            ),
        );
        let key = crate::process::encode_base64url(b"logo.png");
        let with_image = estimate_bytes(
            &src,
            &spec(&format!("image/resize,w_100/watermark,image_{key}")),
            &objects,
        )
        .unwrap();
        // The 30×30 logo decoded twice.
        assert_eq!(with_image, plain + 30 * 30 * 4 * 2);
    }
}
