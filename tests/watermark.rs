//! Watermarks (spec §3.15) through the whole job on every engine: text in Latin and Chinese in
//! each of the seven OSS fonts, rotated, shadowed and tiled; image watermarks with `P` and a
//! nested process; text + image blocks in every `order`/`align`; three watermarks in one cascade;
//! animated GIFs. Each case checks
//! - where: the pixels that differ from the same cascade without the watermark lie inside the
//!   block the §3.15 table places (computed independently from the overlay sizes), and fill it;
//! - what: the watermarked region against its golden PNG in `tests/golden/` (regenerate with
//!   `OSSIMG_BLESS=1 cargo test --test watermark`, and look at them);
//! - engines: the GPU answer against the CPU's within ±1 per channel (the composite stage's
//!   tolerance; every other stage of these cascades is bit-exact across engines).

mod support;

use ossimg::backend::Engine;
use ossimg::codec;
use ossimg::job::{self, Output, Resources, WatermarkObjects};
use ossimg::pipeline::Image;
use ossimg::plan::watermark::{layout_mixed, place};
use ossimg::process::{self, encode_base64url, Gravity, TextMark};
use ossimg::watermark::TextRenderer;
use support::*;

/// The main image of every case: example.jpg (400×267) resized to 300×200, as PNG so that the
/// comparisons see the composite's exact output.
const BASE: &str = "image/resize,w_300";
const MAIN: (u32, u32) = (300, 200);

/// Golden tolerance: the overlays come from this crate's rasteriser on the fonts `.ci/setup`
/// installs (Debian's packages), composited in f32 — reproducible to the bit; 3 per channel
/// leaves room for a resize-library upgrade underneath (as golden.rs's lossless cases).
const GOLDEN_TOL: u8 = 3;
/// GPU vs CPU: the composite's ±1 (tests/gpu_parity.rs explains it); resize is bit-exact.
const ENGINE_TOL: u8 = 1;

fn b64(s: &str) -> String {
    encode_base64url(s.as_bytes())
}

/// The bucket of these tests: `logo.png` (watermark.png, 30×30 RGBA) and `pics/leaf.webp`
/// (transparent.webp, 200×150 with alpha).
fn objects() -> WatermarkObjects {
    let mut o = WatermarkObjects::new();
    o.insert("logo.png".into(), read("watermark.png").into());
    o.insert("pics/leaf.webp".into(), read("transparent.webp").into());
    o
}

fn run(engine: Engine, input: &str, proc: &str) -> ossimg::Result<Output> {
    let spec = process::resolve(proc, &|_| None)?;
    let objects = objects();
    job::run_with(
        &read(input),
        &spec,
        engine,
        Resources { fonts: None, objects: Some(&objects), ..Default::default() },
    )
}

fn image(engine: Engine, proc: &str) -> Image {
    let out = run(engine, "example.jpg", proc).unwrap_or_else(|e| panic!("{proc}: {e}"));
    output_image(&out).0
}

/// The bounding box `(x0, y0, x1, y1)` (exclusive ends) of the pixels where `a` and `b` differ.
fn changed(a: &Image, b: &Image) -> Option<(u32, u32, u32, u32)> {
    let mut bbox: Option<(u32, u32, u32, u32)> = None;
    for y in 0..a.height {
        for x in 0..a.width {
            if a.pixel(x, y) != b.pixel(x, y) {
                let (x0, y0, x1, y1) = bbox.unwrap_or((x, y, x + 1, y + 1));
                bbox = Some((x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1)));
            }
        }
    }
    bbox
}

/// `rect` (left, top, width, height; may overhang) clipped to the main image.
fn clip((l, t, w, h): (i64, i64, u32, u32)) -> (u32, u32, u32, u32) {
    let x0 = l.clamp(0, i64::from(MAIN.0)) as u32;
    let y0 = t.clamp(0, i64::from(MAIN.1)) as u32;
    let x1 = (l + i64::from(w)).clamp(0, i64::from(MAIN.0)) as u32;
    let y1 = (t + i64::from(h)).clamp(0, i64::from(MAIN.1)) as u32;
    (x0, y0, x1, y1)
}

fn crop(img: &Image, (x0, y0, x1, y1): (u32, u32, u32, u32)) -> Image {
    let mut pixels = Vec::new();
    for y in y0..y1 {
        for x in x0..x1 {
            pixels.extend_from_slice(&img.pixel(x, y));
        }
    }
    Image { width: x1 - x0, height: y1 - y0, pixels }
}

/// A text mark as the parser builds it.
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

fn size_of(mark: &TextMark) -> (u32, u32) {
    let img = TextRenderer::global().render(mark).expect("the text renders");
    (img.width, img.height)
}

/// Runs `proc` on every engine and hands each answer to `each`; the CPU's answer (the first),
/// cut to `region` (whole when `None`), is compared with the golden `name`, and every other
/// engine's answer with the CPU's within [`ENGINE_TOL`].
fn on_every_engine(
    name: &str,
    proc: &str,
    region: Option<(u32, u32, u32, u32)>,
    mut each: impl FnMut(Engine, &Image),
) {
    let mut cpu: Option<Image> = None;
    for engine in engines() {
        let img = image(engine, proc);
        each(engine, &img);
        match &cpu {
            None => {
                let golden = match region {
                    Some(r) => crop(&img, r),
                    None => img.clone(),
                };
                check_golden(name, &golden, GOLDEN_TOL);
                cpu = Some(img);
            }
            Some(want) => {
                let d = max_diff(want, &img);
                assert!(d <= ENGINE_TOL, "{name}: {} differs from the CPU by {d}", engine.name());
            }
        }
    }
}

/// Runs `BASE/<watermark>/format,png` and the plain `BASE/format,png` on every engine: the
/// difference must lie inside `block` (the §3.15 placement) and reach each of its edges that lies
/// inside the image within `slack` px (glyph side bearings leave a margin of blank pixels), the
/// GPU must match the CPU, and the block region must match `tests/golden/<name>.png`.
fn check(name: &str, watermark: &str, block: (i64, i64, u32, u32), slack: u32) {
    let proc = format!("{BASE}/{watermark}/format,png");
    let plain_proc = format!("{BASE}/format,png");
    let region = clip(block);
    on_every_engine(name, &proc, Some(region), |engine, img| {
        assert_eq!((img.width, img.height), MAIN, "{name}: the main image keeps its size");
        let plain = image(engine, &plain_proc);
        let (x0, y0, x1, y1) =
            changed(img, &plain).unwrap_or_else(|| panic!("{name}: nothing was drawn"));
        let (rx0, ry0, rx1, ry1) = region;
        assert!(
            x0 >= rx0 && y0 >= ry0 && x1 <= rx1 && y1 <= ry1,
            "{name} on {}: drawn {:?} outside the placed block {:?}",
            engine.name(),
            (x0, y0, x1, y1),
            region
        );
        assert!(
            x0 <= rx0 + slack && y0 <= ry0 + slack && x1 + slack >= rx1 && y1 + slack >= ry1,
            "{name} on {}: drawn {:?} does not fill the placed block {:?}",
            engine.name(),
            (x0, y0, x1, y1),
            region
        );
    });
}

/// The block of a single text watermark placed by `g` with the default margins (10, 10).
fn text_block(m: &TextMark, g: Gravity) -> (i64, i64, u32, u32) {
    let size = size_of(m);
    let (l, t) = place(g, (10, 10, 0), MAIN, size);
    (l, t, size.0, size.1)
}

/// How far a 40 px text's ink may stay inside its layout box: the box runs from the font's
/// ascender to its descender (wqy-zenhei: about 0.35 em above a Latin capital) and includes the
/// side bearings; other sizes scale it.
const SLACK_40: u32 = 14;

const HELLO_CN: &str = "SGVsbG8g5Zu-54mH5pyN5YqhIQ"; // "Hello 图片服务!"

#[test]
fn latin_and_chinese_text() {
    let m = mark("Hello ossimg", "wqy-zenhei", 40, 0, 0);
    check(
        "wm_latin",
        &format!("watermark,text_{},color_FFFFFF", b64("Hello ossimg")),
        text_block(&m, Gravity::Se),
        SLACK_40,
    );
    let m = mark("Hello 图片服务!", "wqy-zenhei", 24, 0, 0);
    let (w, h) = size_of(&m);
    let (l, t) = place(Gravity::Center, (10, 10, 0), MAIN, (w, h));
    check("wm_chinese", &format!("watermark,text_{HELLO_CN},size_24,g_center"), (l, t, w, h), 9);
}

#[test]
fn every_oss_font() {
    for font in process::FONTS {
        let m = mark("水印 Aa", font, 32, 0, 0);
        let (w, h) = size_of(&m);
        let (l, t) = place(Gravity::Nw, (5, 5, 0), MAIN, (w, h));
        check(
            &format!("wm_font_{font}"),
            &format!("watermark,text_{},type_{},size_32,g_nw,x_5,y_5", b64("水印 Aa"), b64(font)),
            (l, t, w, h),
            12,
        );
    }
}

#[test]
fn rotated_and_shadowed_text() {
    let m = TextMark { color: [255, 0, 0], ..mark("ossimg", "wqy-zenhei", 30, 30, 0) };
    let (w, h) = size_of(&m);
    let (l, t) = place(Gravity::Center, (10, 10, 0), MAIN, (w, h));
    check(
        "wm_rotated",
        &format!("watermark,text_{},rotate_30,size_30,g_center,color_FF0000", b64("ossimg")),
        (l, t, w, h),
        16,
    );
    let m = TextMark { color: [255, 255, 255], ..mark("Shadow", "wqy-zenhei", 36, 0, 80) };
    check(
        "wm_shadow",
        &format!("watermark,text_{},shadow_80,color_FFFFFF,size_36,g_sw", b64("Shadow")),
        text_block(&m, Gravity::Sw),
        14,
    );
    // The shadow is darker than the plain photo below-right of the text, and the text block is
    // larger than without a shadow.
    let plain = mark("Shadow", "wqy-zenhei", 36, 0, 0);
    let (pw, ph) = size_of(&plain);
    let (sw, sh) = size_of(&TextMark { shadow: 80, ..plain });
    assert!(sw > pw && sh > ph, "shadow grows the block: {pw}x{ph} → {sw}x{sh}");
}

#[test]
fn tiled_text_covers_the_whole_image() {
    let wm = format!("watermark,text_{},fill_1,rotate_30,size_20,t_60,color_FFFFFF", b64("ossimg"));
    let proc = format!("{BASE}/{wm}/format,png");
    on_every_engine("wm_tiled", &proc, None, |engine, img| {
        let plain = image(engine, &format!("{BASE}/format,png"));
        // Every 60×60 cell of the image holds some of the tiled text.
        for cy in 0..MAIN.1 / 60 {
            for cx in 0..MAIN.0 / 60 {
                let cell = (cx * 60, cy * 60, cx * 60 + 60, cy * 60 + 60);
                assert!(
                    changed(&crop(img, cell), &crop(&plain, cell)).is_some(),
                    "{}: no text in cell {cell:?}",
                    engine.name()
                );
            }
        }
    });
}

#[test]
fn image_watermark_with_p_and_a_nested_process() {
    // logo.png is 30×30; P_20 of a 300-wide main → 60×60, then rotate,90 → 60×60; at ne with
    // x_10, y_10: (230, 10).
    let nested = b64("logo.png?x-oss-process=image/resize,P_20/rotate,90");
    check("wm_image_p", &format!("watermark,image_{nested},g_ne"), (230, 10, 60, 60), 2);
    // A key with a folder, alpha respected, and t_ opacity: a 200×150 leaf with transparent
    // corners at half opacity, P_50 → 150×113 at the centre.
    // The leaf's own transparent margins leave up to ~25 % of each side undrawn.
    let leaf = b64("pics/leaf.webp?x-oss-process=image/resize,P_50");
    let (l, t) = place(Gravity::Center, (10, 10, 0), MAIN, (150, 113));
    check("wm_image_leaf", &format!("watermark,image_{leaf},g_center,t_50"), (l, t, 150, 113), 40);
}

#[test]
fn mixed_text_and_image_in_every_order_and_alignment() {
    let m = mark("Logo", "wqy-zenhei", 20, 0, 0);
    let text = size_of(&m);
    for order in [0, 1] {
        for align in [0, 1, 2] {
            let ((w, h), _, _) = layout_mixed((30, 30), text, order == 1, align, 6);
            let (l, t) = place(Gravity::South, (10, 10, 0), MAIN, (w, h));
            check(
                &format!("wm_mixed_o{order}_a{align}"),
                &format!(
                    "watermark,image_{},text_{},size_20,order_{order},align_{align},interval_6,g_south",
                    b64("logo.png"),
                    b64("Logo")
                ),
                (l, t, w, h),
                4,
            );
        }
    }
}

#[test]
fn three_watermarks_among_other_actions() {
    // resize → text at nw → logo at the centre → rotate 90 → text at se, then bright on top.
    let proc = format!(
        "image/resize,w_300/watermark,text_{},size_20,g_nw/watermark,image_{},g_center/rotate,90/watermark,text_{HELLO_CN},size_16,g_se,color_FF0000/bright,10/format,png",
        b64("first"),
        b64("logo.png")
    );
    on_every_engine("wm_three", &proc, None, |_, img| {
        assert_eq!((img.width, img.height), (200, 300));
    });
}

#[test]
fn larger_than_the_main_image_is_clipped() {
    // A 300×200 main under a leaf scaled to 100 % of its width (300×225): covers the width,
    // overhangs at the top (se, y_10: top = 200 − 225 − 10 = −35).
    let leaf = b64("pics/leaf.webp?x-oss-process=image/resize,P_100");
    check("wm_image_large", &format!("watermark,image_{leaf},x_0"), (0, -35, 300, 225), 60);
}

#[test]
fn every_frame_of_an_animated_gif_is_watermarked() {
    let proc = format!("image/watermark,image_{},g_nw,x_0,y_0", b64("logo.png"));
    for engine in engines() {
        let Output::Image { bytes, .. } = run(engine, "animated.gif", &proc).unwrap() else {
            panic!("an image")
        };
        let plain = read("animated.gif");
        let frames = codec::decode_frames(&bytes, process::Format::Gif, 1 << 30).unwrap();
        let before = codec::decode_frames(&plain, process::Format::Gif, 1 << 30).unwrap();
        assert!(frames.len() > 1, "still animated");
        assert_eq!(frames.len(), before.len());
        // The GIF encoder quantises each frame anew, so pixels move slightly everywhere; the
        // logo's 30×30 corner must change far more than the rest (mean RGB difference).
        for (i, (f, b)) in frames.iter().zip(&before).enumerate() {
            let (w, h) = (f.image.width, f.image.height);
            let (mut inside, mut outside) = ((0u64, 0u64), (0u64, 0u64));
            for y in 0..h {
                for x in 0..w {
                    let (p, q) = (f.image.pixel(x, y), b.image.pixel(x, y));
                    let d: u64 = (0..3).map(|c| u64::from(p[c].abs_diff(q[c]))).sum();
                    let bucket = if x < 30 && y < 30 { &mut inside } else { &mut outside };
                    *bucket = (bucket.0 + d, bucket.1 + 3);
                }
            }
            let (inside, outside) =
                (inside.0 as f64 / inside.1 as f64, outside.0 as f64 / outside.1 as f64);
            assert!(
                inside > 10.0 && inside > 4.0 * outside,
                "frame {i}: mean difference {inside:.1} under the logo, {outside:.1} elsewhere"
            );
        }
    }
}

#[test]
fn errors() {
    let err = |proc: &str| run(Engine::Cpu, "example.jpg", proc).unwrap_err();
    // A key the caller did not provide (the service fetches every key first).
    let e = err(&format!("image/watermark,image_{}", b64("nope.png")));
    assert_eq!(e.kind, ossimg::ErrorKind::WatermarkError);
    // A watermark object that is not an image.
    let spec =
        process::resolve(&format!("image/watermark,image_{}", b64("x.txt")), &|_| None).unwrap();
    let mut objects = WatermarkObjects::new();
    objects.insert("x.txt".into(), bytes::Bytes::from_static(b"not an image at all"));
    let e = job::run_with(
        &read("example.jpg"),
        &spec,
        Engine::Cpu,
        Resources { fonts: None, objects: Some(&objects), ..Default::default() },
    )
    .unwrap_err();
    assert_eq!(e.kind, ossimg::ErrorKind::WatermarkError);
    // A nested crop outside the watermark image is the crop's own error.
    let e = err(&format!(
        "image/watermark,image_{}",
        b64("logo.png?x-oss-process=image/crop,x_500,w_10")
    ));
    assert_eq!(e.kind, ossimg::ErrorKind::BadRequest);
}
