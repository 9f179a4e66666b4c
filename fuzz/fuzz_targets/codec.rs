//! The codec entry point as a request runs it (`job::run` on the CPU engine): probe → plan
//! (the real source and result limits) → decode (shrink-on-load) → stages → encode, for every
//! format the service reads (JPEG, PNG, GIF, WebP, BMP, TIFF, HEIC, AVIF).
//!
//! The first input byte picks one of a few fixed cascades (resize + an output format, crop,
//! rotate, blur, `info`, `average-hue`); the rest is the source. Nothing may panic, and a failure
//! is a 4xx — a corrupt or hostile file is the client's error, never a 500. To keep each run
//! short, sources whose header promises more than [`MAX_FUZZ_PIXELS`] are only probed: that cap
//! is the fuzzer's, the service accepts up to 250 MP.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ossimg::backend::Engine;
use ossimg::process::{self, ProcessRequest};

/// Pixels (W·H·frames) above which a source is probed but not processed.
const MAX_FUZZ_PIXELS: u64 = 2_000_000;

const CASCADES: &[&str] = &[
    "image/resize,w_64/format,jpg",
    "image/resize,w_64/format,png",
    "image/resize,w_64/format,webp",
    "image/resize,w_48/format,gif",
    "image/resize,w_64/format,bmp",
    "image/resize,w_64/format,tiff",
    "image/resize,w_16/format,heic",
    "image/resize,w_16/format,avif",
    "image/resize,m_fill,w_40,h_30/quality,q_50/format,webp",
    "image/resize,w_32/auto-orient,1/interlace,1/format,jpg",
    "image/crop,x_3,y_2,w_40,h_40/rotate,90/format,png",
    "image/resize,w_32/blur,r_3,s_2/bright,10/contrast,-10/sharpen,100",
    "image/resize,w_32/circle,r_10/rounded-corners,r_5/format,png",
    "image/resize,p_10/format,gif",
    "image/info",
    "image/average-hue",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, source)) = data.split_first() else { return };
    let Ok(info) = ossimg::codec::probe(source) else { return };
    let pixels = u64::from(info.width) * u64::from(info.height) * u64::from(info.frames.max(1));
    if pixels > MAX_FUZZ_PIXELS {
        return;
    }
    let cascade = CASCADES[usize::from(pick) % CASCADES.len()];
    let Ok(ProcessRequest::Image(spec)) = process::parse(cascade) else {
        panic!("{cascade} does not parse")
    };
    if let Err(e) = ossimg::job::run(source, &spec, Engine::Cpu) {
        let status = e.kind.http_status();
        assert!((400..500).contains(&status), "{cascade} failed with {status}: {e}");
    }
});
