//! Animated sources through the whole job (`ossimg::job::run`): resizing and per-frame actions
//! keep a GIF's animation (frame count, delays, real per-frame content), while `p` resizes,
//! `rotate` and non-GIF output give the first frame (spec §1.4 [C], recommendations [U]).
//! Outputs are checked with the `image` crate's own decoders, independently of `ossimg::codec`.

use std::io::Cursor;

use image::codecs::gif::GifDecoder;
use image::codecs::webp::WebPDecoder;
use image::{AnimationDecoder, RgbaImage};
use ossimg::backend::Engine;
use ossimg::job::{self, Output};
use ossimg::process::{self, Format};

fn read(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs `proc` on the test file `input`; returns the image bytes and format.
fn run(input: &str, proc: &str) -> (Vec<u8>, Format) {
    let spec = process::resolve(proc, &|_| None).expect("valid process string");
    match job::run(&read(input), &spec, Engine::Cpu).expect("job succeeds") {
        Output::Image { bytes, format } => (bytes, format),
        Output::Json(j) => panic!("expected an image, got {j}"),
    }
}

/// Every frame of a GIF, as composited canvases with delays in ms.
fn gif_frames(bytes: &[u8]) -> Vec<(RgbaImage, u32)> {
    let dec = GifDecoder::new(Cursor::new(bytes)).expect("a GIF");
    dec.into_frames()
        .collect_frames()
        .expect("frames decode")
        .into_iter()
        .map(|f| {
            let (n, d) = f.delay().numer_denom_ms();
            (f.into_buffer(), n / d)
        })
        .collect()
}

/// Mean absolute difference per channel of two equal-sized images, premultiplied (the colour of
/// a transparent pixel is arbitrary in a GIF: the palette entry of the transparent index).
fn mean_diff(a: &RgbaImage, b: &RgbaImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let pm = |p: &[u8]| {
        let a = u32::from(p[3]);
        [0, 1, 2].map(|c| u32::from(p[c]) * a / 255).into_iter().chain([a])
    };
    let sum: u64 = a
        .as_raw()
        .chunks_exact(4)
        .zip(b.as_raw().chunks_exact(4))
        .flat_map(|(x, y)| pm(x).zip(pm(y)).map(|(x, y)| u64::from(x.abs_diff(y))))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

#[test]
fn debug_measure() {
    for (file, proc) in [("animated.gif", "image/resize,w_50"), ("cogs.gif", "image/resize,w_50"), ("cogs.gif", "image/crop,w_20,h_20"), ("animated.gif", "image/crop,w_20,h_20")] {
        let src = gif_frames(&read(file));
        let (out, f) = run(file, proc);
        let out = gif_frames(&out);
        eprintln!("{file} {proc} {f:?} src {} frames {:?} out {} frames {:?}", src.len(), src.iter().map(|f| (f.0.dimensions(), f.1)).collect::<Vec<_>>(), out.len(), out.iter().map(|f| (f.0.dimensions(), f.1)).collect::<Vec<_>>());
        for i in 0..out.len() {
            let ds: Vec<f64> = src.iter().map(|s| {
                let r = image::imageops::resize(&s.0, out[i].0.width(), out[i].0.height(), image::imageops::FilterType::Lanczos3);
                let c = image::imageops::crop_imm(&s.0, 0, 0, out[i].0.width(), out[i].0.height()).to_image();
                if proc.contains("crop") { mean_diff(&c, &out[i].0) } else { mean_diff(&r, &out[i].0) }
            }).collect();
            eprintln!("  out {i}: {ds:?}");
        }
    }
}
