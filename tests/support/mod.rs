//! Helpers shared by the image test targets (golden.rs, watermark.rs, jpeg_dc.rs, jpeg_enc.rs):
//! test data, the engines of this host, decoding answers, golden-reference comparison and PSNR.
#![allow(dead_code)] // each test target uses a different subset

pub mod rng;

use std::path::PathBuf;

use ossimg::backend::Engine;
use ossimg::codec;
use ossimg::job::Output;
use ossimg::pipeline::Image;
use ossimg::plan::DecodeSpec;
use ossimg::process::Format;

/// The path of `tests/data/<name>`.
pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// The bytes of `tests/data/<name>`.
pub fn read(name: &str) -> Vec<u8> {
    std::fs::read(data_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Engines every case runs on: the CPU, and the GPU engine on any adapter this host has
/// (lavapipe included). With no adapter the GPU is left out, loudly, unless
/// `OSSIMG_REQUIRE_GPU=1`, which makes that a failure.
pub fn engines() -> Vec<Engine> {
    let mut v = vec![Engine::Cpu];
    match Engine::select(ossimg::backend::BackendChoice::Gpu) {
        Ok(gpu) => v.push(gpu),
        Err(e) if std::env::var("OSSIMG_REQUIRE_GPU").as_deref() == Ok("1") => {
            panic!("OSSIMG_REQUIRE_GPU=1 but no GPU engine: {e}")
        }
        Err(e) => eprintln!("ignored on the GPU engine: {e}"),
    }
    v
}

pub fn decode_any(bytes: &[u8]) -> Image {
    let format = codec::sniff(bytes).expect("output format is recognisable");
    codec::decode(bytes, format, &DecodeSpec { scale_denom: 1 }).expect("output decodes")
}

/// Decodes `tests/data/<name>`.
pub fn decode_file(name: &str) -> Image {
    decode_any(&read(name))
}

/// The decoded image of an answer, checking its declared format.
pub fn output_image(out: &Output) -> (Image, Format) {
    match out {
        Output::Image { bytes, format } => {
            assert_eq!(codec::sniff(bytes), Some(*format), "declared format matches the bytes");
            (decode_any(bytes), *format)
        }
        Output::Json(j) => panic!("expected an image, got JSON {j}"),
    }
}

/// Largest per-channel difference between two images of the same size.
pub fn max_diff(a: &Image, b: &Image) -> u8 {
    assert_eq!((a.width, a.height), (b.width, b.height), "sizes differ");
    a.pixels.iter().zip(&b.pixels).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0)
}

/// Compares `img` with `tests/golden/<name>.png`, or writes it when `OSSIMG_BLESS` is set.
/// Returns the reference (`None` when blessing), for further checks.
pub fn check_golden(name: &str, img: &Image, tolerance: u8) -> Option<Image> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.png"));
    if std::env::var_os("OSSIMG_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        image::RgbaImage::from_raw(img.width, img.height, img.pixels.clone())
            .unwrap()
            .save(&path)
            .unwrap();
        return None;
    }
    let reference = image::open(&path)
        .unwrap_or_else(|e| {
            panic!("{}: {e} (run with OSSIMG_BLESS=1 to create it)", path.display())
        })
        .to_rgba8();
    let reference = Image {
        width: reference.width(),
        height: reference.height(),
        pixels: reference.into_raw(),
    };
    let d = max_diff(img, &reference);
    assert!(d <= tolerance, "{name}: max channel difference {d} > tolerance {tolerance}");
    Some(reference)
}

/// PSNR over the RGB channels of two images of the same size.
pub fn psnr(a: &Image, b: &Image) -> f64 {
    let (mut se, mut n) = (0f64, 0f64);
    for (pa, pb) in a.pixels.chunks_exact(4).zip(b.pixels.chunks_exact(4)) {
        for c in 0..3 {
            let d = f64::from(pa[c]) - f64::from(pb[c]);
            se += d * d;
            n += 1.0;
        }
    }
    if se == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0f64 * 255.0 * n / se).log10()
    }
}
