//! ossimg's trellis-quantising JPEG encoder (`codec/jpeg_enc`, `OutputSpec::trellis`) against
//! libjpeg-turbo's, on W1 thumbnails of real photos: fewer bytes at nearly the same PSNR, and
//! a better PSNR than libjpeg-turbo reaches at the same bytes by lowering the quality. Its
//! streams are clean baseline JFIF at every size: libjpeg-turbo decodes them to the right size
//! and colours, and `codec::jpeg_dc` (which refuses anything libjpeg-turbo would warn about)
//! parses every block and matches libjpeg-turbo's 1/8 decode exactly. An edit changes the
//! output only near the pixels it changes. The planner's `auto` rule picks the trellis for
//! outputs up to 1 MP, never for progressive JPEG.

mod support;

use std::path::Path;

use ossimg::backend::Engine;
use ossimg::codec::{self, decode_jpeg_reduced, decode_jpeg_with};
use ossimg::pipeline::Image;
use ossimg::plan::{self, ImagePlan, JpegQuantiser, NoOverlays, Options, OutputSpec, Plan};
use ossimg::process::{self, Format};
use support::psnr;

fn plan_for(process: &str, src: &[u8], opts: Options) -> ImagePlan {
    let spec = process::resolve(process, &|_| None).expect("process string");
    let info = codec::probe(src).expect("probe");
    match plan::plan_opts(&spec, &info, &opts, &mut NoOverlays).expect("plan") {
        Plan::Image(p) => p,
        _ => unreachable!("an image plan"),
    }
}

/// The pixels W1 encodes for a photo in tests/data, and its plan's output settings.
fn thumbnail(name: &str) -> (Image, OutputSpec) {
    let src =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)).unwrap();
    let p = plan_for("image/resize,w_300/quality,Q_85", &src, Options::default());
    let decoded = codec::decode(&src, Format::Jpg, &p.decode).expect("decode");
    (Engine::Cpu.run(&p.stages, decoded).expect("stages"), p.output)
}

/// Baseline JPEG output at `quality`, trellis-quantised or libjpeg-turbo's.
fn jpeg(quality: u32, trellis: bool) -> OutputSpec {
    OutputSpec { format: Format::Jpg, quality, lossless: false, progressive: false, trellis }
}

fn decode(jpeg: &[u8]) -> Image {
    decode_jpeg_with(jpeg, 1, false).expect("libjpeg-turbo decodes the output")
}

#[test]
fn trellis_thumbnails_are_smaller_and_beat_lowering_the_quality() {
    for name in ["photo-12mp.jpg", "photo-2mp.jpg", "jpg-orientation-6.jpg"] {
        let (img, out) = thumbnail(name);
        assert!(out.trellis, "{name}: auto picks the trellis for a 300 px JPEG");
        let round = OutputSpec { trellis: false, ..out };
        let t = codec::encode(&img, &out).unwrap();
        let r = codec::encode(&img, &round).unwrap();
        let (pt, pr) = (psnr(&decode(&t), &img), psnr(&decode(&r), &img));
        assert!(
            t.len() * 100 <= r.len() * 95,
            "{name}: {} B vs libjpeg-turbo's {} B",
            t.len(),
            r.len()
        );
        assert!(pt >= pr - 0.3, "{name}: PSNR {pt:.2} vs libjpeg-turbo's {pr:.2}");
        // libjpeg-turbo at the highest quality whose file is no larger.
        let mut q = out.quality;
        let lower = loop {
            q -= 1;
            let b = codec::encode(&img, &OutputSpec { quality: q, ..round }).unwrap();
            if b.len() <= t.len() {
                break b;
            }
        };
        let pl = psnr(&decode(&lower), &img);
        assert!(
            pt >= pl + 0.3,
            "{name}: PSNR {pt:.2} at {} B; libjpeg-turbo Q{q} {pl:.2} at {} B",
            t.len(),
            lower.len()
        );
    }
}

/// A test card: gradients, a saturated patch (entropy-coded 0xFF bytes), noise and a sharp edge.
fn card(w: u32, h: u32, seed: u32) -> Image {
    let mut s = seed;
    let mut px = Vec::with_capacity(w as usize * h as usize * 4);
    for y in 0..h {
        for x in 0..w {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let noise = (s >> 16) as u8;
            let p = if x < w / 3 {
                [(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 128, 255]
            } else if x < 2 * w / 3 {
                if (x / 3 + y / 3) % 2 == 0 {
                    [255, 255, 255, 255]
                } else {
                    [0, 0, 0, 255]
                }
            } else {
                [noise, noise.wrapping_mul(3), 255 - noise, 255]
            };
            px.extend_from_slice(&p);
        }
    }
    Image { width: w, height: h, pixels: px }
}

#[test]
fn trellis_streams_are_clean_baseline_at_every_size_and_quality() {
    let sizes =
        [(1, 1), (7, 3), (8, 8), (16, 16), (17, 33), (300, 225), (2, 1000), (1000, 2), (65_500, 1)];
    for (i, &(w, h)) in sizes.iter().enumerate() {
        let img = card(w, h, i as u32 + 1);
        let (mut first_psnr, mut last_psnr) = (None, 0.0);
        for quality in [1, 40, 85, 95, 100] {
            let out = jpeg(quality, true);
            let jpeg = codec::encode(&img, &out).unwrap();
            let what = format!("{w}×{h} Q{quality}");
            // Baseline (SOF0) JFIF.
            assert_eq!(&jpeg[..4], &[0xFF, 0xD8, 0xFF, 0xE0], "{what}");
            assert!(jpeg.windows(2).any(|m| m == [0xFF, 0xC0]), "{what}: SOF0");
            assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9], "{what}: EOI");
            let full = decode_jpeg_with(&jpeg, 1, false)
                .unwrap_or_else(|e| panic!("{what}: libjpeg-turbo refuses the stream: {e:?}"));
            assert_eq!((full.width, full.height), (w, h), "{what}");
            for denom in [8, 4] {
                let own = decode_jpeg_reduced(&jpeg, denom)
                    .unwrap_or_else(|| panic!("{what}: jpeg_dc refuses the stream at 1/{denom}"));
                if denom == 8 {
                    let lib = decode_jpeg_with(&jpeg, 8, false).unwrap();
                    assert_eq!(own.pixels, lib.pixels, "{what}: 1/8 decodes differ");
                }
            }
            // Fidelity grows with the quality setting (Q 100: unit quantisers, rounding only).
            let p = psnr(&full, &img);
            assert!(
                p >= last_psnr - 0.01,
                "{what}: PSNR {p:.2} below the lower quality's {last_psnr:.2}"
            );
            first_psnr.get_or_insert(p);
            last_psnr = p;
        }
        if w * h >= 64 {
            let q1 = first_psnr.unwrap();
            assert!(last_psnr > q1 + 3.0, "{w}×{h}: Q100 {last_psnr:.2} dB vs Q1 {q1:.2} dB");
        }
    }
}

#[test]
fn jpeg_sides_past_libjpegs_limit_are_refused_clearly() {
    for trellis in [true, false] {
        let out = jpeg(85, trellis);
        let err = codec::encode(&Image::filled(65_501, 1, [9, 9, 9, 255]), &out).unwrap_err();
        assert_eq!(err.kind, ossimg::ErrorKind::ImageTooLarge, "trellis {trellis}: {err:?}");
    }
}

#[test]
fn flat_colours_survive_within_two_levels() {
    for rgb in [[200, 30, 90], [0, 0, 0], [255, 255, 255], [12, 250, 128]] {
        let img = Image::filled(37, 19, [rgb[0], rgb[1], rgb[2], 255]);
        let out = jpeg(85, true);
        let back = decode(&codec::encode(&img, &out).unwrap());
        for p in back.pixels.chunks_exact(4) {
            for c in 0..3 {
                assert!(p[c].abs_diff(rgb[c]) <= 2, "{rgb:?} came back as {:?}", &p[..3]);
            }
        }
    }
}

#[test]
fn transparent_pixels_are_flattened_on_white_by_the_trellis_encoder_too() {
    let mut img = Image::filled(24, 24, [0, 0, 255, 255]);
    for p in img.pixels.chunks_exact_mut(4).take(24 * 12) {
        p[3] = 0;
    }
    let out = jpeg(90, true);
    let back = decode(&codec::encode(&img, &out).unwrap());
    let at = |x: usize, y: usize| &back.pixels[(y * 24 + x) * 4..][..3];
    assert!(at(12, 2).iter().all(|&c| c >= 250), "top half white: {:?}", at(12, 2));
    assert!(at(12, 21)[2] >= 245 && at(12, 21)[0] <= 10, "bottom half blue: {:?}", at(12, 21));
}

#[test]
fn auto_trellis_covers_outputs_up_to_a_megapixel_and_never_progressive() {
    let src = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/photo-2mp.jpg"))
        .unwrap();
    let auto = Options::default();
    let with = |q| Options { jpeg_quantiser: q, ..auto };
    let t = |process: &str, opts| plan_for(process, &src, opts).output.trellis;
    // The photo is 1632×1224: 1000×750 is 0.75 MP, 1200×900 1.08 MP (over 2^20).
    assert!(t("image/resize,w_1000", auto));
    assert!(!t("image/resize,w_1200", auto));
    assert!(!t("image/resize,w_300/interlace,1", auto));
    assert!(!t("image/resize,w_300/format,webp", auto));
    assert!(t("image/resize,w_1200", with(JpegQuantiser::Trellis)));
    assert!(!t("image/resize,w_300", with(JpegQuantiser::Round)));
    assert!(!t("image/resize,w_300/interlace,1", with(JpegQuantiser::Trellis)));
}

#[test]
fn an_edit_changes_the_output_only_near_the_pixels_it_changes() {
    // The trellis prices symbols with fixed tables, so each block's quantisation depends on that
    // block alone: painting a square inside one 16×16 MCU changes the decoded image only there
    // (plus the one chroma sample libjpeg-turbo's smooth upsampling reaches across).
    let a = card(160, 96, 3);
    let mut b = a.clone();
    for y in 36..44 {
        for x in 84..92 {
            let i = (y * 160 + x) * 4;
            b.pixels[i..i + 4].copy_from_slice(&[250, 10, 10, 255]);
        }
    }
    let out = jpeg(85, true);
    let (da, db) =
        (decode(&codec::encode(&a, &out).unwrap()), decode(&codec::encode(&b, &out).unwrap()));
    let mut changed = 0;
    for y in 0..96u32 {
        for x in 0..160u32 {
            if da.pixel(x, y) != db.pixel(x, y) {
                changed += 1;
                assert!((78..98).contains(&x) && (30..50).contains(&y), "pixel ({x}, {y}) changed");
            }
        }
    }
    assert!(changed >= 64, "the square itself changed ({changed} pixels)");
}

#[test]
fn the_quality_setting_is_read_back_from_the_tables() {
    // libjpeg's scaled tables in one DQT segment: `quality,q_` (relative to the source's
    // estimated quality) and `info` read ossimg's own outputs like libjpeg's.
    let img = card(64, 48, 9);
    for quality in [30, 60, 85, 95] {
        let jpeg = codec::encode(&img, &jpeg(quality, true)).unwrap();
        assert_eq!(codec::estimate_jpeg_quality(&jpeg), Some(quality), "Q{quality}");
    }
}
