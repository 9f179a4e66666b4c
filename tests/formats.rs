//! HEIC, AVIF, TIFF variants and animated WebP through the whole job (`ossimg::job::run`) on
//! every engine of the host:
//!
//! * real files decode upright and match a reference decode by independent decoders (Pillow with
//!   libtiff/libavif, pillow-heif for HEIC; `tests/formats/make_refs.py`, PNGs in
//!   `tests/data/formats-ref/`) within a declared tolerance;
//! * HDR (PQ) sources are tone mapped into range instead of clipped;
//! * `format,avif` / `format,heic` outputs decode back with an independent decoder
//!   (`tests/formats/roundtrip.rs`: Pillow + pillow-heif in a venv) to the right size within a
//!   PSNR bound, alpha kept;
//! * animated WebP stays animated as WebP or GIF with the same frames and delays, and an animated
//!   GIF becomes an animated WebP (`tests/formats/anim.rs`);
//! * `info` reports HEIF formats, EXIF and TIFF page counts.
//!
//! Mutated HEIC/AVIF/TIFF inputs (a bounded fuzz-style loop) are in `tests/formats/mutate.rs`;
//! corrupt files and giant headers through the CLI in `tests/corrupt.rs`.

mod support;

#[path = "formats/anim.rs"]
mod anim;
#[path = "formats/mutate.rs"]
mod mutate;
#[path = "formats/roundtrip.rs"]
mod roundtrip;

use image::RgbaImage;
use ossimg::backend::Engine;
use ossimg::job::{self, Output};
use ossimg::process::{self, Format};
use ossimg::ErrorKind;
use support::{engines, read};

/// Runs `proc` on the test file `input` with `engine`.
pub fn run(engine: Engine, input: &str, proc: &str) -> ossimg::Result<Output> {
    let spec = process::resolve(proc, &|_| None).expect("valid process string");
    job::run(&read(input), &spec, engine)
}

/// The image bytes and format of a successful job.
pub fn image_out(out: Output) -> (Vec<u8>, Format) {
    match out {
        Output::Image { bytes, format } => (bytes, format),
        Output::Json(j) => panic!("expected an image, got {j}"),
    }
}

/// Decodes PNG output with the `image` crate (independent of `ossimg::codec`).
fn png(bytes: &[u8]) -> RgbaImage {
    image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .expect("PNG output")
        .into_rgba8()
}

/// Pillow's `Image.reduce(factor)`: the mean of each `factor × factor` block (partial blocks at
/// the right and bottom edges average the pixels they have), per channel, rounded half up.
fn reduce(img: &RgbaImage, factor: u32) -> RgbaImage {
    if factor <= 1 {
        return img.clone();
    }
    let (w, h) = (img.width().div_ceil(factor), img.height().div_ceil(factor));
    RgbaImage::from_fn(w, h, |ox, oy| {
        let mut sum = [0u32; 4];
        let mut n = 0;
        for y in oy * factor..((oy + 1) * factor).min(img.height()) {
            for x in ox * factor..((ox + 1) * factor).min(img.width()) {
                for (s, v) in sum.iter_mut().zip(img.get_pixel(x, y).0) {
                    *s += u32::from(v);
                }
                n += 1;
            }
        }
        image::Rgba(sum.map(|s| ((s + n / 2) / n) as u8))
    })
}

/// Mean and largest absolute difference per channel, premultiplied by alpha (the colour under
/// a transparent pixel is arbitrary).
pub fn diff(a: &RgbaImage, b: &RgbaImage) -> (f64, u32) {
    assert_eq!(a.dimensions(), b.dimensions(), "sizes differ");
    let pm = |p: &[u8]| {
        let al = u32::from(p[3]);
        [u32::from(p[0]) * al / 255, u32::from(p[1]) * al / 255, u32::from(p[2]) * al / 255, al]
    };
    let (mut sum, mut max) = (0u64, 0u32);
    for (x, y) in a.as_raw().chunks_exact(4).zip(b.as_raw().chunks_exact(4)) {
        for (p, q) in pm(x).into_iter().zip(pm(y)) {
            let d = p.abs_diff(q);
            sum += u64::from(d);
            max = max.max(d);
        }
    }
    (sum as f64 / a.as_raw().len() as f64, max)
}

/// One reference case: the file, and the tolerance (mean, max per channel after the reduction
/// to ≤ 256 px) with its reason.
struct Case {
    file: &'static str,
    mean: f64,
    max: u32,
}

/// Tolerances. The HEVC/AV1 decoders are bit-exact by specification; what differs between
/// libheif here and libavif/pillow-heif's libheif is YCbCr → RGB: chroma upsampling (bilinear
/// vs nearest/"fastest") and rounding, ≤ 1 on average and a few levels at sharp colour edges,
/// which the box reduction mostly averages out. ICC conversions (LittleCMS in Pillow, moxcms
/// here) differ by ≤ 2. Old-style JPEG-in-TIFF: libtiff's OJPEG decoder upsamples chroma
/// differently from libjpeg-turbo (fancy upsampling): up to ~30 at the 4:2:0 edges of this
/// 160×160 test chart, ≈ 2 on average.
const CASES: &[Case] = &[
    // HEIC: iPhone-style 512×512 grid with irot 270 and EXIF orientation 6 (must turn once),
    // Display-P3 ICC.
    Case { file: "heic-orientation-6.heic", mean: 1.5, max: 12 },
    // Alpha edge: where alpha is 0 the coded colour is arbitrary and the premultiplied
    // comparison hides it, but at the 1–2 px anti-aliased rim libheif versions round the
    // alpha plane's range expansion differently: measured mean 0.37, max 64 on the rim.
    Case { file: "with-alpha-512x512.heic", mean: 0.5, max: 64 },
    Case { file: "rainbow-451x461.heic", mean: 1.0, max: 16 },
    Case { file: "example.heic", mean: 1.0, max: 12 },
    Case { file: "winter_1440x960.heic", mean: 1.0, max: 12 },
    Case { file: "hopper.heif", mean: 1.0, max: 12 },
    Case { file: "image.heic", mean: 1.0, max: 12 },
    // AVIF: 8/10/12-bit, 4:2:0/4:2:2/4:4:4, monochrome, odd sizes, alpha, grid, thumbnails
    // (the primary item must be the one decoded), EXIF, ICC.
    Case { file: "fox.profile0.8bpc.yuv420.avif", mean: 1.0, max: 12 },
    Case { file: "fox.profile0.10bpc.yuv420.avif", mean: 1.0, max: 12 },
    Case { file: "fox.profile2.12bpc.yuv420.avif", mean: 1.0, max: 12 },
    Case { file: "fox.profile1.8bpc.yuv444.avif", mean: 1.0, max: 12 },
    Case { file: "fox.profile2.8bpc.yuv422.avif", mean: 1.0, max: 12 },
    Case { file: "fox.profile0.8bpc.yuv420.monochrome.avif", mean: 1.0, max: 12 },
    Case { file: "fox.profile0.8bpc.yuv420.odd-width.odd-height.avif", mean: 1.0, max: 12 },
    Case { file: "transparency.avif", mean: 1.0, max: 12 },
    Case { file: "sofa_grid1x5_420.avif", mean: 1.0, max: 12 },
    Case { file: "Tomsk_with_thumbnails.avif", mean: 1.0, max: 12 },
    Case { file: "exif.avif", mean: 1.0, max: 12 },
    // 128 px: no box reduction averages the chroma-upsampling differences at sharp edges
    // (measured max 30).
    Case { file: "hopper.avif", mean: 1.0, max: 32 },
    Case { file: "icc_profile.avif", mean: 1.0, max: 12 },
    // irot/imir: each of the 8 rotation × mirror combinations upright exactly once. The
    // single last row/column of these odd-sized 4:2:0 images (427 = 3·142 + 1) stays
    // unaveraged by the reduction, and the decoders take its chroma from different sample
    // positions after the transform: measured max ≤ 137 there, mean ≤ 0.26 overall.
    Case { file: "rot0mir0.avif", mean: 0.5, max: 140 },
    Case { file: "rot0mir1.avif", mean: 0.5, max: 140 },
    Case { file: "rot1mir0.avif", mean: 0.5, max: 140 },
    Case { file: "rot1mir1.avif", mean: 0.5, max: 140 },
    Case { file: "rot2mir0.avif", mean: 0.5, max: 140 },
    Case { file: "rot2mir1.avif", mean: 0.5, max: 140 },
    Case { file: "rot3mir0.avif", mean: 0.5, max: 140 },
    Case { file: "rot3mir1.avif", mean: 0.5, max: 140 },
    // Kimono set: fine embroidery, measured mean 0.8, max 22.
    Case { file: "kimono.avif", mean: 1.0, max: 24 },
    Case { file: "kimono.rotate90.avif", mean: 1.0, max: 24 },
    Case { file: "kimono.mirror-horizontal.avif", mean: 1.0, max: 24 },
    // Letters on a transparent background: chroma differences at their sharp edges.
    Case { file: "abc_color_irot_alpha_irot.avif", mean: 0.5, max: 32 },
    // TIFF: JPEG new-style (strips, 4:2:0; tiles, 4:4:4), old-style, CMYK JPEG, LZW with
    // predictor, Deflate, 1/2/4/12/16-bit grey, palette (multi-page, first page), planar RGBA.
    Case { file: "ycbcr_jpeg_8bit.tif", mean: 1.0, max: 12 },
    Case { file: "tiff_tiled_ycbcr_jpeg_1x1_sampling.tif", mean: 1.0, max: 12 },
    Case { file: "ojpeg-strip.tif", mean: 3.0, max: 40 },
    Case { file: "tiff_strip_cmyk_jpeg.tif", mean: 1.0, max: 12 },
    // Associated (premultiplied) alpha, unpremultiplied by both: ±1 rounding.
    Case { file: "hpredict.tiff", mean: 0.5, max: 2 },
    Case { file: "16bit.MM.deflate.tif", mean: 0.0, max: 0 },
    Case { file: "1bit.tif", mean: 0.0, max: 0 },
    Case { file: "2bit.tif", mean: 0.0, max: 0 },
    Case { file: "4bit.tif", mean: 0.0, max: 0 },
    Case { file: "12bit.cropped.tif", mean: 0.0, max: 0 },
    Case { file: "16bit.cropped.tif", mean: 0.0, max: 0 },
    Case { file: "8bit_depth.tiff", mean: 0.0, max: 0 },
    Case { file: "multipage.tiff", mean: 0.0, max: 0 },
    Case { file: "rgba_planar.tif", mean: 0.0, max: 0 },
    Case { file: "hopper.tif", mean: 0.0, max: 0 },
];

#[test]
fn real_files_match_reference_decodes_upright() {
    let mut failures = Vec::new();
    // `format,png` has no pixel stage, so no engine runs: the CPU engine once is the decode.
    // (Pixel stages on HEIF sources run on every engine in
    // `heif_sources_resize_and_convert_on_every_engine`.)
    for engine in [Engine::Cpu] {
        for case in CASES {
            let reference =
                image::open(support::data_path(&format!("formats-ref/{}.png", case.file)))
                    .unwrap_or_else(|e| panic!("{}: {e}", case.file))
                    .into_rgba8();
            let out = match run(engine, case.file, "image/format,png") {
                Ok(out) => out,
                Err(e) => {
                    failures.push(format!("{} on {}: {e}", case.file, engine.name()));
                    continue;
                }
            };
            let (bytes, format) = image_out(out);
            assert_eq!(format, Format::Png);
            let full = png(&bytes);
            let factor = full.width().max(full.height()).div_ceil(256);
            let ours = reduce(&full, factor);
            if ours.dimensions() != reference.dimensions() {
                failures.push(format!(
                    "{} on {}: {:?} (full {:?}) vs reference {:?}",
                    case.file,
                    engine.name(),
                    ours.dimensions(),
                    full.dimensions(),
                    reference.dimensions()
                ));
                continue;
            }
            let (mean, max) = diff(&ours, &reference);
            eprintln!("{}: mean {mean:.3} max {max}", case.file);
            if mean > case.mean || max > case.max {
                failures.push(format!(
                    "{} on {}: mean {mean:.3} (≤ {}) max {max} (≤ {})",
                    case.file,
                    engine.name(),
                    case.mean,
                    case.max
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn clean_aperture_crop_rotate_and_mirror_apply_once() {
    // 12×34 stored; clap crops, irot turns, imir mirrors: libheif (pillow-heif) shows 10×8.
    let (bytes, _) = image_out(
        run(Engine::Cpu, "clap_irot_imir_non_essential.avif", "image/format,png").unwrap(),
    );
    assert_eq!(png(&bytes).dimensions(), (10, 8));
}

/// The fraction of channel values at 255 and the mean of R, G, B.
fn clip_and_mean(img: &RgbaImage) -> (f64, f64) {
    let rgb: Vec<u8> = img.as_raw().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    let clipped = rgb.iter().filter(|&&v| v == 255).count() as f64 / rgb.len() as f64;
    let mean = rgb.iter().map(|&v| f64::from(v)).sum::<f64>() / rgb.len() as f64;
    (clipped, mean)
}

#[test]
fn hdr_pq_sources_are_tone_mapped_not_clipped() {
    // colors_hdr_p3.avif is a chart of P3 colours, most outside sRGB: they clip in gamut, not
    // in tone, so only its brightness is checked.
    let (bytes, _) = image_out(run(Engine::Cpu, "colors_hdr_p3.avif", "image/format,png").unwrap());
    let (_, mean) = clip_and_mean(&png(&bytes));
    assert!(mean > 20.0 && mean < 235.0, "colors_hdr_p3.avif: mean {mean:.1}");
    {
        let file = "hdr_cosmos01000_cicp9-16-9_yuv420_limited_qp40.avif";
        let (bytes, _) = image_out(run(Engine::Cpu, file, "image/format,png").unwrap());
        let img = png(&bytes);
        let (clipped, mean) = clip_and_mean(&img);
        // PQ puts SDR white (203 cd/m²) at signal 0.58 and 1000 cd/m² at 0.75: mapped to sRGB
        // white and just below it, the picture keeps its highlights (the shoulder leaves at
        // most the brightest few percent at 255) and is neither black nor washed out.
        assert!(clipped < 0.05, "{file}: {:.1} % of values clipped", clipped * 100.0);
        assert!(mean > 20.0 && mean < 235.0, "{file}: mean {mean:.1}");
        eprintln!("{file}: clipped {:.2} %, mean {mean:.1}", clipped * 100.0);
    }
}

#[test]
fn info_reports_heif_formats_exif_and_pages() {
    let json = |file: &str| match run(Engine::Cpu, file, "image/info").unwrap() {
        Output::Json(j) => j,
        other => panic!("{file}: {other:?}"),
    };
    let heic = json("heic-orientation-6.heic");
    assert!(heic.contains("\"Format\": {\"value\": \"heic\"}"), "{heic}");
    // Displayed size (irot applied): portrait.
    assert!(heic.contains("\"ImageWidth\": {\"value\": \"3024\"}"), "{heic}");
    assert!(heic.contains("\"ImageHeight\": {\"value\": \"4032\"}"), "{heic}");
    // The EXIF item is read: camera make and the (already applied) orientation tag.
    assert!(heic.contains("\"Orientation\": {\"value\": \"6\"}"), "{heic}");
    assert!(heic.contains("\"Make\""), "{heic}");
    let avif = json("exif.avif");
    assert!(avif.contains("\"Format\": {\"value\": \"avif\"}"), "{avif}");
    // Its EXIF item holds one tag, Orientation 1.
    assert!(avif.contains("\"Orientation\": {\"value\": \"1\"}"), "{avif}");
    let multi = json("multipage.tiff");
    assert!(multi.contains("\"FrameCount\": {\"value\": \"3\"}"), "{multi}");
    assert!(json("hopper.tif").contains("\"FrameCount\": {\"value\": \"1\"}"));
}

#[test]
fn heif_sources_resize_and_convert_on_every_engine() {
    for engine in engines() {
        // The 12 MP iPhone-style grid (irot 270 + EXIF 6): a HEIC source is written as HEIC
        // (this build has x265), upright: 3024×4032 → 300×400.
        let (bytes, format) =
            image_out(run(engine, "heic-orientation-6.heic", "image/resize,w_300").unwrap());
        assert_eq!(format, Format::Heic, "{}", engine.name());
        let img = support::decode_any(&bytes);
        assert_eq!((img.width, img.height), (300, 400), "{}", engine.name());
        // AVIF → JPEG with a pixel stage.
        let (bytes, format) = image_out(
            run(engine, "fox.profile0.10bpc.yuv420.avif", "image/resize,w_301/format,jpg").unwrap(),
        );
        assert_eq!(format, Format::Jpg);
        let img = support::decode_any(&bytes);
        assert_eq!((img.width, img.height), (301, 200), "{}", engine.name());
    }
}

#[test]
fn huge_heif_headers_are_refused_before_decoding() {
    // 17000×17000 claimed: over 250 MP, refused by the planner from the header.
    let e = run(Engine::Cpu, "corrupt/17000x17000.avif", "image/resize,w_100").unwrap_err();
    assert_eq!(e.kind, ErrorKind::ImageTooLarge);
    assert_eq!(e.ec, Some("0040-00000009"));
    let e = run(Engine::Cpu, "corrupt/17000x17000.avif", "image/format,png").unwrap_err();
    assert_eq!(e.kind, ErrorKind::ImageTooLarge);
    assert_eq!(e.ec, Some("0040-00000012"));
}

#[test]
fn damaged_avif_has_its_own_ec() {
    let mut bytes = read("hopper.avif");
    // Keep the header, cut the coded data.
    bytes.truncate(bytes.len() - 1500);
    let spec = process::resolve("image/format,png", &|_| None).unwrap();
    let e = job::run(&bytes, &spec, Engine::Cpu).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ImageDamage, "{e}");
    assert_eq!(e.ec, Some(ossimg::codec::EC_AVIF_DECODE));
    assert_eq!(e.ec, Some("0040-00000021"));
}

#[test]
fn libheif_opened_here_brings_its_codecs_and_no_system_libjpeg() {
    // libheif is opened on first use (vendor/libheif-sys/OSSIMG.md): once a HEIC is decoded in
    // this process its HEVC decoder is mapped, and libheif's JPEG plugins stay off — the only
    // libjpeg in the process is the vendored, statically linked libjpeg-turbo.
    let (bytes, _) = image_out(run(Engine::Cpu, "example.heic", "image/format,png").unwrap());
    assert!(png(&bytes).width() > 0);
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    assert!(maps.contains("libde265"), "no HEVC decoder mapped after a HEIC decode:\n{maps}");
    assert!(!maps.contains("libjpeg"), "a system libjpeg is mapped:\n{maps}");
}

/// Every real image of `tests/data` (every format this build decodes) decodes to exactly the size
/// its header probe gives — shrunk on load for JPEGs at 1/2, 1/4 and 1/8 — since the planner plans
/// from the probe and `job` refuses a disagreement as `ImageDamage` (found by fuzz/codec in a
/// TIFF; this audits that no valid file of any format trips it).
#[test]
fn decoded_size_equals_the_probed_size_for_every_real_image() {
    use ossimg::plan::{scaled_dim, DecodeSpec};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (mut checked, mut formats, mut wrong) = (0, std::collections::BTreeSet::new(), Vec::new());
    for name in &names {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let Ok(info) = ossimg::codec::probe(&bytes) else { continue };
        let denoms: &[u32] = if info.format == Format::Jpg { &[1, 2, 4, 8] } else { &[1] };
        for &d in denoms {
            // Files that are damaged on purpose or need a codec this build lacks are refused
            // elsewhere; here only a decode that succeeds is measured.
            let Ok(img) =
                ossimg::codec::decode(&bytes, info.format, &DecodeSpec { scale_denom: d })
            else {
                continue;
            };
            checked += 1;
            formats.insert(info.format.name());
            let want = (scaled_dim(info.width, d), scaled_dim(info.height, d));
            if (img.width, img.height) != want {
                wrong.push(format!(
                    "{name} 1/{d}: decoded {}x{}, probed {want:?}",
                    img.width, img.height
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "decoded size disagrees with the header:\n{}", wrong.join("\n"));
    assert!(checked >= 200, "{checked} decodes checked");
    for f in ["jpg", "png", "gif", "bmp", "tiff", "webp", "heic", "avif"] {
        assert!(formats.contains(f), "no {f} decoded (formats: {formats:?})");
    }
}
