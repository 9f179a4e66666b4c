//! `watermark` through the router (spec §3.15): text, image and mixed watermarks on GET, in styles
//! and with POST `sys/saveas`; the watermark object read from the same bucket with the requester's
//! permissions (ACLs, source-file protection §5.1); the errors of the action on the wire. Pixels
//! are checked by decoding the answers with `ossimg::codec`: the main image keeps its size and
//! only the placed region changes.

use std::sync::Arc;

use base64::Engine as _;
use ossimg::pipeline::Image;
use ossimg::plan::DecodeSpec;
use ossimg::process::{Action, Format, ProcessRequest, TextMark};
use ossimg::watermark::TextRenderer;

use crate::buckets::configure;
use crate::harness::*;
use crate::styles::put_style;

/// The OSS SDKs' example.jpg: 400×267 (tests/data/README.md).
const PHOTO: &str = "example.jpg";
/// Its size: a watermark never changes it (spec §3.15 [C]).
const PHOTO_W: u32 = 400;
const PHOTO_H: u32 = 267;
/// tests/data/watermark.png: 30×30 RGBA (16 bits per channel), a transparent background with
/// an opaque emblem; its pixel (15, 15) is nearly transparent (alpha 11), (10, 15) is opaque.
const MARK: &str = "watermark.png";
const MARK_SIDE: u32 = 30;

/// "Hello 图片服务!" (the SDK tests' text), base64url without padding.
const HELLO: &str = "SGVsbG8g5Zu-54mH5pyN5YqhIQ";

/// JPEG output is 4:2:0 (codec/encode.rs): a change inside a rectangle re-encodes the 16×16 MCUs
/// it touches, and libjpeg-turbo's "fancy" chroma upsampling blends each chroma sample with its
/// neighbours, which reaches at most 2 luma pixels past an MCU edge. Pixels further out decode
/// from identical coefficients, so they are bit-identical.
const JPEG_MCU: u32 = 16;
const JPEG_UPSAMPLING_REACH: u32 = 2;

/// The compositing rule of spec §3.15 is evaluated once in f32 by the engine and rounded to 8
/// bits once; this test evaluates it in f64, so a value on a .5 boundary may round the other way:
/// ±1 per channel.
const COMPOSITE_TOLERANCE: i32 = 1;

/// `base64url` without padding.
fn b64(s: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

/// Bucket `img` (private) holding `photo.jpg` (example.jpg) and `mark.png` (watermark.png) —
/// processing.rs's bucket plus the mark.
async fn server() -> Server {
    let s = crate::processing::server().await;
    s.put("img/mark.png").h("Content-Type", "image/png").body(data(MARK)).send().await.status(200);
    s
}

/// `GET img/photo.jpg?x-oss-process=<process>` by the owner.
async fn get(s: &Server, process: &str) -> Resp {
    s.get("img/photo.jpg").q("x-oss-process", process).send().await
}

/// Decodes an image answer at full size.
fn decode(bytes: &[u8]) -> Image {
    let info = ossimg::codec::probe(bytes).expect("a decodable image");
    ossimg::codec::decode(bytes, info.format, &DecodeSpec { scale_denom: 1 }).expect("decode")
}

/// Asserts a 200 image answer of `format` (and its MIME type) that keeps the photo's size, and
/// returns it decoded.
#[track_caller]
fn image_answer(r: &Resp, format: Format, mime: &str) -> Image {
    r.status(200).has("content-type", mime);
    let info = ossimg::codec::probe(&r.body).expect("a decodable image");
    assert_eq!((info.format, info.width, info.height), (format, PHOTO_W, PHOTO_H));
    assert_eq!(
        r.header("x-oss-hash-crc64ecma"),
        Some(ossimg::storage::crc64(&r.body).to_string().as_str())
    );
    decode(&r.body)
}

/// A half-open rectangle `x0..x1 × y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rect {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
}

impl Rect {
    fn new(x: u32, y: u32, w: u32, h: u32) -> Rect {
        Rect { x0: x, y0: y, x1: x + w, y1: y + h }
    }

    fn contains(&self, x: u32, y: u32) -> bool {
        (self.x0..self.x1).contains(&x) && (self.y0..self.y1).contains(&y)
    }

    fn holds(&self, other: &Rect) -> bool {
        self.x0 <= other.x0 && self.y0 <= other.y0 && other.x1 <= self.x1 && other.y1 <= self.y1
    }

    /// The rectangle grown to the JPEG MCU grid and by the upsampling reach, clipped to the photo
    /// (see [`JPEG_MCU`]).
    fn jpeg_reach(&self) -> Rect {
        let down = |v: u32| (v / JPEG_MCU * JPEG_MCU).saturating_sub(JPEG_UPSAMPLING_REACH);
        let up =
            |v: u32, max: u32| (v.div_ceil(JPEG_MCU) * JPEG_MCU + JPEG_UPSAMPLING_REACH).min(max);
        Rect {
            x0: down(self.x0),
            y0: down(self.y0),
            x1: up(self.x1, PHOTO_W),
            y1: up(self.y1, PHOTO_H),
        }
    }
}

/// The bounding box of the pixels where `a` and `b` differ (any channel), if any.
fn changed(a: &Image, b: &Image) -> Option<Rect> {
    assert_eq!((a.width, a.height), (b.width, b.height));
    let mut r: Option<Rect> = None;
    for y in 0..a.height {
        for x in 0..a.width {
            if a.pixel(x, y) != b.pixel(x, y) {
                let p = Rect::new(x, y, 1, 1);
                r = Some(match r {
                    None => p,
                    Some(q) => Rect {
                        x0: q.x0.min(p.x0),
                        y0: q.y0.min(p.y0),
                        x1: q.x1.max(p.x1),
                        y1: q.y1.max(p.y1),
                    },
                });
            }
        }
    }
    r
}

/// How many pixels of `rect` differ between `a` and `b`.
fn changed_inside(a: &Image, b: &Image, rect: Rect) -> usize {
    (rect.y0..rect.y1)
        .flat_map(|y| (rect.x0..rect.x1).map(move |x| (x, y)))
        .filter(|&(x, y)| a.pixel(x, y) != b.pixel(x, y))
        .count()
}

/// Straight-alpha "source over" of spec §3.15 at opacity 100 (see [`COMPOSITE_TOLERANCE`]).
fn source_over(s: [u8; 4], d: [u8; 4]) -> [u8; 4] {
    let a_s = f64::from(s[3]) / 255.0;
    if a_s == 0.0 {
        return d;
    }
    let w_d = f64::from(d[3]) / 255.0 * (1.0 - a_s);
    let a_out = a_s + w_d;
    let mut out = [0u8; 4];
    for c in 0..3 {
        out[c] = ((f64::from(s[c]) * a_s + f64::from(d[c]) * w_d) / a_out + 0.5) as u8;
    }
    out[3] = (a_out * 255.0 + 0.5) as u8;
    out
}

/// Asserts that `out` is `overlay` composited over `base` with its top-left corner at `at`
/// (within [`COMPOSITE_TOLERANCE`]), and equals `base` everywhere else.
#[track_caller]
fn assert_composite(out: &Image, base: &Image, overlay: &Image, at: (u32, u32)) {
    assert_composites(out, base, overlay, &[at]);
}

/// [`assert_composite`] with one overlay drawn at several places that do not overlap.
#[track_caller]
fn assert_composites(out: &Image, base: &Image, overlay: &Image, places: &[(u32, u32)]) {
    assert_eq!((out.width, out.height), (base.width, base.height));
    for y in 0..out.height {
        for x in 0..out.width {
            let got = out.pixel(x, y);
            let place = places
                .iter()
                .find(|&&(px, py)| Rect::new(px, py, overlay.width, overlay.height).contains(x, y));
            let Some(&(px, py)) = place else {
                assert_eq!(got, base.pixel(x, y), "pixel ({x}, {y}) outside the watermark");
                continue;
            };
            let want = source_over(overlay.pixel(x - px, y - py), base.pixel(x, y));
            let off = (0..4).map(|c| i32::from(got[c].abs_diff(want[c]))).max().unwrap_or(0);
            assert!(off <= COMPOSITE_TOLERANCE, "pixel ({x}, {y}): got {got:?}, want {want:?}");
        }
    }
}

/// The text block the server draws for the first text watermark of `process` (the same renderer
/// the harness's server uses: system fonts, `fonts: None`).
fn text_block(process: &str) -> Arc<Image> {
    let Ok(ProcessRequest::Image(spec)) = ossimg::process::parse(process) else {
        panic!("{process} does not parse");
    };
    let mark: TextMark = spec
        .actions
        .iter()
        .find_map(|a| match a {
            Action::Watermark(w) => w.text.clone(),
            _ => None,
        })
        .expect("a text watermark");
    TextRenderer::global().render(&mark).expect("the text renders")
}

/// The plain (unwatermarked) answer as PNG, decoded: the photo's own pixels.
async fn plain_png(s: &Server) -> Image {
    image_answer(&get(s, "image/format,png").await, Format::Png, "image/png")
}

// ------------------------------------------------------------------ text

#[tokio::test]
async fn text_watermark_changes_only_its_corner() {
    let s = server().await;
    // Default placement: g_se, x_10, y_10 (spec §3.15), black, size 40, wqy-zenhei.
    let process = format!("image/watermark,text_{HELLO}");
    let block = text_block(&process);
    assert!(block.width < PHOTO_W - 10 && block.height < PHOTO_H - 10, "{block:?}");
    let region = Rect::new(
        PHOTO_W - block.width - 10,
        PHOTO_H - block.height - 10,
        block.width,
        block.height,
    );

    // JPEG (the source's format): same size, changes only in the MCUs around the block.
    let plain = image_answer(&get(&s, "image/quality,q_90").await, Format::Jpg, "image/jpeg");
    let marked = get(&s, &format!("{process}/quality,q_90")).await;
    let marked = image_answer(&marked, Format::Jpg, "image/jpeg");
    let bbox = changed(&plain, &marked).expect("the text changed pixels");
    assert!(region.jpeg_reach().holds(&bbox), "changes {bbox:?} outside {:?}", region.jpeg_reach());
    // Without quality: the default output is a JPEG as well.
    let r = get(&s, &process).await;
    image_answer(&r, Format::Jpg, "image/jpeg");
    // The text in padded standard Base64 (`+`, `=`) is the same text (spec §3.15 [C/D]).
    let standard = base64::engine::general_purpose::STANDARD.encode("Hello 图片服务!");
    assert!(standard.contains('+') && standard.ends_with('='), "{standard}");
    assert_eq!(get(&s, &format!("image/watermark,text_{standard}")).await.body, r.body);

    // PNG: lossless, so the changed pixels lie exactly inside the text block, and the black text
    // darkens some of them to near black.
    let plain = plain_png(&s).await;
    let marked = get(&s, &format!("{process}/format,png")).await;
    let marked = image_answer(&marked, Format::Png, "image/png");
    let bbox = changed(&plain, &marked).expect("the text changed pixels");
    assert!(region.holds(&bbox), "changes {bbox:?} outside the block {region:?}");
    assert!(changed_inside(&plain, &marked, region) > 200, "too little ink");
    let dark = (region.y0..region.y1)
        .flat_map(|y| (region.x0..region.x1).map(move |x| (x, y)))
        .filter(|&(x, y)| marked.pixel(x, y)[..3].iter().all(|&c| c < 40))
        .count();
    assert!(dark > 50, "black text drew only {dark} dark pixels");
}

#[tokio::test]
async fn text_watermark_placement_and_font() {
    let s = server().await;
    let plain = plain_png(&s).await;
    // North-west corner at margins 0: the block starts at the origin.
    let process = format!("image/watermark,text_{HELLO},g_nw,x_0,y_0,color_FF0000,size_30");
    let block = text_block(&process);
    let marked = get(&s, &format!("{process}/format,png")).await;
    let marked = image_answer(&marked, Format::Png, "image/png");
    let bbox = changed(&plain, &marked).expect("the text changed pixels");
    assert!(Rect::new(0, 0, block.width, block.height).holds(&bbox), "{bbox:?} vs {block:?}");
    // Another OSS font name (droidsansfallback), padded base64: still drawn, size kept.
    let font = base64::engine::general_purpose::URL_SAFE.encode("droidsansfallback");
    let r = get(&s, &format!("image/watermark,text_{HELLO},type_{font}")).await;
    image_answer(&r, Format::Jpg, "image/jpeg");
}

// ------------------------------------------------------------------ image

#[tokio::test]
async fn image_watermark_is_composited_at_the_corner() {
    let s = server().await;
    let base = plain_png(&s).await;
    let overlay = decode(&data(MARK));
    assert_eq!((overlay.width, overlay.height), (MARK_SIDE, MARK_SIDE));
    let process = format!("image/watermark,image_{},g_nw,x_0,y_0/format,png", b64("mark.png"));
    let out = image_answer(&get(&s, &process).await, Format::Png, "image/png");
    // (10, 15) is opaque in watermark.png: the output shows the watermark's colour there.
    let opaque = overlay.pixel(10, 15);
    assert_eq!(opaque[3], 255);
    assert_eq!(out.pixel(10, 15), [opaque[0], opaque[1], opaque[2], 255]);
    assert_ne!(out.pixel(10, 15), base.pixel(10, 15));
    // (15, 15) is nearly transparent (alpha 11): a light tint of the photo.
    let want = source_over(overlay.pixel(15, 15), base.pixel(15, 15));
    let got = out.pixel(15, 15);
    assert!(
        (0..4).all(|c| i32::from(got[c].abs_diff(want[c])) <= COMPOSITE_TOLERANCE),
        "{got:?} vs {want:?}"
    );
    // Everywhere: the composite over (0..30, 0..30), the photo elsewhere.
    assert_composite(&out, &base, &overlay, (0, 0));

    // South-east with the default margins (10): the 30×30 block at (360, 227).
    let process = format!("image/watermark,image_{}/format,png", b64("mark.png"));
    let out = image_answer(&get(&s, &process).await, Format::Png, "image/png");
    assert_composite(&out, &base, &overlay, (PHOTO_W - MARK_SIDE - 10, PHOTO_H - MARK_SIDE - 10));

    // Centre with voffset_20 (positive moves up, spec §3.15 [U] recommendation):
    // left (400-30)/2 = 185, top (267-30)/2 - 20 = 98.
    let process =
        format!("image/watermark,image_{},g_center,voffset_20/format,png", b64("mark.png"));
    let out = image_answer(&get(&s, &process).await, Format::Png, "image/png");
    assert_composite(&out, &base, &overlay, (185, 98));
}

#[tokio::test]
async fn image_watermark_on_a_jpeg_answer() {
    let s = server().await;
    let plain = image_answer(&get(&s, "image/quality,q_90").await, Format::Jpg, "image/jpeg");
    let process = format!("image/watermark,image_{},g_nw,x_0,y_0/quality,q_90", b64("mark.png"));
    let out = image_answer(&get(&s, &process).await, Format::Jpg, "image/jpeg");
    let bbox = changed(&plain, &out).expect("the watermark changed pixels");
    let reach = Rect::new(0, 0, MARK_SIDE, MARK_SIDE).jpeg_reach();
    assert!(reach.holds(&bbox), "changes {bbox:?} outside {reach:?}");
}

#[tokio::test]
async fn nested_p_scales_to_the_main_width() {
    let s = server().await;
    let base = plain_png(&s).await;
    // P_50 of a 400-wide main: 200 px wide (spec §3.15: proportional, width = mainW·P/100), so
    // the 30×30 watermark becomes 200×200, enlarged (P ignores `limit`) — prepared here with the
    // same resize.
    let key = b64("mark.png?x-oss-process=image/resize,P_50");
    let process = format!("image/watermark,image_{key},g_nw,x_0,y_0/format,png");
    let out = image_answer(&get(&s, &process).await, Format::Png, "image/png");
    let scaled = ossimg::job::run(
        &data(MARK),
        &match ossimg::process::parse("image/resize,w_200,limit_0/format,png").unwrap() {
            ProcessRequest::Image(spec) => spec,
            _ => unreachable!(),
        },
        ossimg::backend::Engine::Cpu,
    )
    .expect("resize the watermark");
    let overlay = decode(scaled.as_bytes());
    assert_eq!((overlay.width, overlay.height), (200, 200));
    assert_composite(&out, &base, &overlay, (0, 0));
    // The changed region spans (nearly) the 200 columns: far past the unscaled 30, never past 200.
    let bbox = changed(&base, &out).expect("changes");
    assert!(bbox.x1 <= 200 && bbox.y1 <= 200, "{bbox:?}");
    assert!(bbox.x0 < 20 && bbox.x1 > 180, "{bbox:?}");

    // P is relative to the main image as the cascade has made it so far: after resize,w_200 the
    // watermark is 100 px wide.
    let key = b64("mark.png?x-oss-process=image/resize,P_50");
    let small = "image/resize,w_200/format,png";
    let base = decode(&get(&s, small).await.body);
    let r =
        get(&s, &format!("image/resize,w_200/watermark,image_{key},g_nw,x_0,y_0/format,png")).await;
    r.status(200);
    let out = decode(&r.body);
    assert_eq!((out.width, out.height), (200, 134));
    let bbox = changed(&base, &out).expect("changes");
    assert!(bbox.x1 <= 100 && bbox.y1 <= 100 && bbox.x1 > 90, "{bbox:?}");

    // The spec's example with a nested cascade (resize then rotate) works too.
    let key = b64("mark.png?x-oss-process=image/resize,P_30/rotate,90");
    let r = get(&s, &format!("image/watermark,image_{key}")).await;
    image_answer(&r, Format::Jpg, "image/jpeg");
}

#[tokio::test]
async fn one_object_used_twice_and_three_watermarks() {
    let s = server().await;
    let base = plain_png(&s).await;
    let m = b64("mark.png");
    let process = format!(
        "image/watermark,image_{m},g_nw,x_0,y_0/watermark,image_{m},g_se,x_0,y_0/format,png"
    );
    let out = image_answer(&get(&s, &process).await, Format::Png, "image/png");
    let overlay = decode(&data(MARK));
    // Both corners are marked; nothing between them changes.
    assert!(changed_inside(&base, &out, Rect::new(0, 0, MARK_SIDE, MARK_SIDE)) > 100);
    let se = Rect::new(PHOTO_W - MARK_SIDE, PHOTO_H - MARK_SIDE, MARK_SIDE, MARK_SIDE);
    assert!(changed_inside(&base, &out, se) > 100);
    let middle = Rect::new(MARK_SIDE, MARK_SIDE, PHOTO_W - 2 * MARK_SIDE, PHOTO_H - 2 * MARK_SIDE);
    assert_eq!(changed_inside(&base, &out, middle), 0);
    let opaque = overlay.pixel(10, 15);
    assert_eq!(out.pixel(10, 15), [opaque[0], opaque[1], opaque[2], 255]);
    assert_composites(&out, &base, &overlay, &[(0, 0), (PHOTO_W - MARK_SIDE, PHOTO_H - MARK_SIDE)]);
    // Three image watermarks are the limit (spec §2 [C]), text ones do not count.
    let three = format!(
        "image/watermark,image_{m},g_nw/watermark,image_{m},g_ne/watermark,image_{m},g_sw/watermark,text_{HELLO}"
    );
    image_answer(&get(&s, &three).await, Format::Jpg, "image/jpeg");
}

#[tokio::test]
async fn text_and_image_in_one_watermark() {
    let s = server().await;
    let base = plain_png(&s).await;
    let process = format!(
        "image/watermark,image_{},text_{HELLO},g_nw,x_0,y_0,order_1,align_1,interval_5/format,png",
        b64("mark.png")
    );
    let out = image_answer(&get(&s, &process).await, Format::Png, "image/png");
    // The block: text, 5 px, then the image, side by side from the origin.
    let block = text_block(&process);
    let w = block.width + 5 + MARK_SIDE;
    let h = block.height.max(MARK_SIDE);
    let bbox = changed(&base, &out).expect("changes");
    assert!(Rect::new(0, 0, w, h).holds(&bbox), "changes {bbox:?} outside {w}x{h}");
    // The image is the right-hand part (order_1: text first).
    assert!(bbox.x1 > block.width + 5, "{bbox:?}");
}

// ------------------------------------------------------------------ styles and saveas

#[tokio::test]
async fn style_holding_a_watermark() {
    let s = server().await;
    let content = format!("image/watermark,image_{},g_nw,x_0,y_0/format,png", b64("mark.png"));
    put_style(&s, "img", "marked", &content).await;
    let inline = image_answer(&get(&s, &content).await, Format::Png, "image/png");
    let styled = image_answer(&get(&s, "style/marked").await, Format::Png, "image/png");
    assert_eq!(styled, inline);
    assert_eq!(styled.pixel(15, 15), inline.pixel(15, 15));
    // A text watermark in a style, reached through a delimiter.
    put_style(&s, "img", "signed", &format!("image/resize,w_200/watermark,text_{HELLO},size_20"))
        .await;
    configure(&s, "img", "Both", "Disabled", "", "!").await;
    let r = s.get("img/photo.jpg!signed").send().await;
    r.status(200).has("content-type", "image/jpeg");
    let info = ossimg::codec::probe(&r.body).expect("an image");
    // 267 × 200 / 400 = 133.5 → 134; the watermark keeps the resized size.
    assert_eq!((info.width, info.height), (200, 134));
}

#[tokio::test]
async fn saveas_stores_the_watermarked_answer() {
    let s = server().await;
    let process =
        format!("image/watermark,image_{},g_nw,x_0,y_0/watermark,text_{HELLO}", b64("mark.png"));
    let answer = get(&s, &process).await;
    image_answer(&answer, Format::Jpg, "image/jpeg");
    let body = format!("x-oss-process={process}|sys/saveas,o_{}", b64("out/marked.jpg"));
    let r = s.post("img/photo.jpg").q("x-oss-process", "").body(&body).send().await;
    r.status(200).has("content-type", "application/json");
    let saved = s.get("img/out/marked.jpg").send().await;
    saved.status(200).has("content-type", "image/jpeg");
    assert_eq!(saved.body, answer.body, "the stored object is the GET answer");
    assert!(r.text().contains(&format!("\"fileSize\": {},", saved.body.len())), "{}", r.text());
    // Through a style as well.
    put_style(&s, "img", "marked", &process).await;
    let body = format!("x-oss-process=style/marked|sys/saveas,o_{}", b64("out/styled.jpg"));
    s.post("img/photo.jpg").q("x-oss-process", "").body(&body).send().await.status(200);
    assert_eq!(s.get("img/out/styled.jpg").send().await.body, answer.body);
    // A missing watermark object stores nothing.
    let body = format!(
        "x-oss-process=image/watermark,image_{}|sys/saveas,o_{}",
        b64("ghost.png"),
        b64("out/ghost.jpg")
    );
    s.post("img/photo.jpg")
        .q("x-oss-process", "")
        .body(&body)
        .send()
        .await
        .err(400, "WatermarkError");
    s.head("img/out/ghost.jpg").send().await.err(404, "NoSuchKey");
}

// ------------------------------------------------------------------ the watermark object

#[tokio::test]
async fn missing_or_undecodable_watermark_object() {
    let s = server().await;
    let r = get(&s, &format!("image/watermark,image_{}", b64("ghost.png"))).await;
    r.err(400, "WatermarkError");
    // A nested process does not change that.
    let r = get(
        &s,
        &format!("image/watermark,image_{}", b64("ghost.png?x-oss-process=image/resize,P_10")),
    )
    .await;
    r.err(400, "WatermarkError");
    // An object that is not an image.
    s.object("img/note.txt", b"not an image").await;
    get(&s, &format!("image/watermark,image_{}", b64("note.txt"))).await.err(400, "WatermarkError");
    // Other buckets are not looked into: the key is taken literally in `img`.
    s.bucket("other").await;
    s.object("other/mark.png", &data(MARK)).await;
    get(&s, &format!("image/watermark,image_{}", b64("other/mark.png")))
        .await
        .err(400, "WatermarkError");
}

#[tokio::test]
async fn watermark_object_is_read_with_the_requesters_permissions() {
    let s = Server::new();
    s.bucket_acl("pub", "public-read").await;
    s.object("pub/photo.jpg", &data(PHOTO)).await;
    s.object("pub/mark.png", &data(MARK)).await;
    s.put("pub/secret.png")
        .h("x-oss-object-acl", "private")
        .body(data(MARK))
        .send()
        .await
        .status(200);
    let anon = |key: &str| {
        s.get("pub/photo.jpg")
            .q("x-oss-process", &format!("image/watermark,image_{}/format,png", b64(key)))
            .anon()
            .send()
    };
    // A public watermark: anonymous requests may use it.
    image_answer(&anon("mark.png").await, Format::Png, "image/png");
    // A private object in the public-read bucket: 403, an XML error, never its pixels.
    let r = anon("secret.png").await;
    r.err(403, "AccessDenied").has("content-type", "application/xml");
    assert!(r.text().starts_with(PROLOG), "{}", r.text());
    assert!(!r.body.starts_with(b"\x89PNG"));
    // A missing one, anonymously: the bucket is readable, so it is a WatermarkError.
    anon("ghost.png").await.err(400, "WatermarkError");
    // The owner may use the private object.
    let r = s
        .get("pub/photo.jpg")
        .q("x-oss-process", &format!("image/watermark,image_{}/format,png", b64("secret.png")))
        .send()
        .await;
    image_answer(&r, Format::Png, "image/png");
    // Through a style, anonymously: still the requester's permissions.
    put_style(&s, "pub", "secret", &format!("image/watermark,image_{}", b64("secret.png"))).await;
    s.get("pub/photo.jpg")
        .q("x-oss-process", "style/secret")
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    // And saveas, anonymously, into a writable bucket: refused, nothing stored.
    s.bucket_acl("dump", "public-read-write").await;
    let body = format!(
        "x-oss-process=image/watermark,image_{}|sys/saveas,o_{},b_{}",
        b64("secret.png"),
        b64("leak.jpg"),
        b64("dump")
    );
    s.post("pub/photo.jpg")
        .q("x-oss-process", "")
        .body(body)
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    s.head("dump/leak.jpg").send().await.err(404, "NoSuchKey");
}

#[tokio::test]
async fn protected_watermark_object() {
    let s = Server::new();
    s.bucket_acl("prot", "public-read").await;
    s.object("prot/photo.jpg", &data(PHOTO)).await;
    s.object("prot/mark.png", &data(MARK)).await;
    // Only .png is protected: the photo is not, the watermark is.
    configure(&s, "prot", "Img", "Enabled", "png", "!").await;
    let process = format!("image/watermark,image_{}/format,png", b64("mark.png"));
    let r = s.get("prot/photo.jpg").q("x-oss-process", &process).anon().send().await;
    r.err(403, "AccessDenied").ec("0040-00000031");
    // Through a style the protected object may be used (as a protected source may, §5.1).
    put_style(&s, "prot", "marked", &process).await;
    let r = s.get("prot/photo.jpg").q("x-oss-process", "style/marked").anon().send().await;
    image_answer(&r, Format::Png, "image/png");
    let r = s.get("prot/photo.jpg!marked").anon().send().await;
    image_answer(&r, Format::Png, "image/png");
    // Signed requests are not affected.
    image_answer(
        &s.get("prot/photo.jpg").q("x-oss-process", &process).send().await,
        Format::Png,
        "image/png",
    );
    // An anonymous inline saveas may not use it either (its result would be readable
    // elsewhere); through the style it may.
    s.bucket_acl("dump", "public-read-write").await;
    let save =
        |p: &str, to: &str| format!("x-oss-process={p}|sys/saveas,o_{},b_{}", b64(to), b64("dump"));
    let r = s
        .post("prot/photo.jpg")
        .q("x-oss-process", "")
        .body(save(&process, "a.png"))
        .anon()
        .send()
        .await;
    r.err(403, "AccessDenied").ec("0040-00000031");
    s.head("dump/a.png").send().await.err(404, "NoSuchKey");
    let r = s
        .post("prot/photo.jpg")
        .q("x-oss-process", "")
        .body(save("style/marked", "b.png"))
        .anon()
        .send()
        .await;
    r.status(200);
    s.head("dump/b.png").send().await.status(200);
}

// ------------------------------------------------------------------ errors of the action

#[tokio::test]
async fn watermark_errors() {
    let s = server().await;
    let m = b64("mark.png");
    // Four image watermarks: over the limit of 3 (spec §2), refused before anything is read.
    let four = format!(
        "image/watermark,image_{m},g_nw/watermark,image_{m},g_ne/watermark,image_{m},g_sw/watermark,image_{m},g_se"
    );
    get(&s, &four).await.err(400, "InvalidArgument");
    // A nested action outside resize/crop/indexcrop/rounded-corners/rotate/auto-orient.
    get(&s, &format!("image/watermark,image_{}", b64("mark.png?x-oss-process=image/blur,r_3,s_2")))
        .await
        .err(400, "InvalidArgument");
    get(
        &s,
        &format!(
            "image/watermark,image_{}",
            b64("mark.png?x-oss-process=image/watermark,text_SGk")
        ),
    )
    .await
    .err(400, "InvalidArgument");
    // Base64 errors carry their ECs (spec §3.15, §4.3).
    get(&s, "image/watermark,image_!!!").await.err(400, "BadRequest").ec("0040-00000265");
    get(&s, "image/watermark,text_!!!").await.err(400, "BadRequest").ec("0040-00000257");
    get(&s, &format!("image/watermark,text_{HELLO},type_!!!"))
        .await
        .err(400, "BadRequest")
        .ec("0040-00000250");
    // An unknown font name.
    get(&s, &format!("image/watermark,text_{HELLO},type_{}", b64("comic-sans")))
        .await
        .err(400, "InvalidArgument")
        .ec("0040-00000251");
    // Text over 64 bytes after decoding.
    get(&s, &format!("image/watermark,text_{}", b64(&"x".repeat(65))))
        .await
        .err(400, "InvalidArgument")
        .ec("0040-00000259");
    // Neither text nor image.
    get(&s, "image/watermark,g_nw").await.err(400, "MissingArgument");
    // Placement out of range.
    get(&s, &format!("image/watermark,image_{m},g_middle")).await.err(400, "InvalidArgument");
    get(&s, &format!("image/watermark,image_{m},t_101")).await.err(400, "InvalidArgument");
    get(&s, &format!("image/watermark,image_{m},voffset_1001")).await.err(400, "InvalidArgument");
    // The same errors from a style, and from a saveas body (nothing stored).
    put_style(&s, "img", "four", &four).await;
    get(&s, "style/four").await.err(400, "InvalidArgument");
    let body = format!("x-oss-process={four}|sys/saveas,o_{}", b64("four.jpg"));
    s.post("img/photo.jpg")
        .q("x-oss-process", "")
        .body(body)
        .send()
        .await
        .err(400, "InvalidArgument");
    s.head("img/four.jpg").send().await.err(404, "NoSuchKey");
}
