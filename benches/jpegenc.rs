//! JPEG encoders side by side on W1 thumbnails (`resize,w_300/quality,Q_85`, the default
//! shrink-on-load rule; the first three photos also at Q 75 and 95): libjpeg-turbo's rounding
//! against ossimg's trellis quantisation (`codec/jpeg_enc`), on the same pixels.
//!
//! Per photo: bytes, PSNR (RGB) of the decoded JPEG against the pixels that were encoded, PSNR
//! against the full-decode reference (what the thumbnail should look like), and the median
//! encode time. The last columns show the trade is better than a lower quality setting:
//! libjpeg-turbo at the highest quality whose file is no larger than the trellis one, and its
//! PSNR. Photos as in `benches/shrink.rs` (`JPEGENC_PHOTOS=a.jpg,b.jpg` to choose). Under
//! `cargo test` one photo runs once, so the benchmark cannot rot.
//!
//! Run: `cargo bench --bench jpegenc`.

mod common;

use common::{image_plan, median_ms, name, photos, pixels, psnr};
use ossimg::codec;
use ossimg::pipeline::Image;
use ossimg::plan::{Options, OutputSpec, SourceInfo};
use ossimg::process::{self, Format};

/// Decodes a JPEG at full size.
fn decode(jpeg: &[u8]) -> Image {
    codec::decode_jpeg_with(jpeg, 1, false).expect("decode output")
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let runs = if full { 21 } else { 1 };
    println!("| photo | Q | turbo B | trellis B | trellis / turbo | turbo PSNR (enc / ref) | trellis PSNR (enc / ref) | turbo ms | trellis ms | turbo Q at ≤ trellis B | its B | its PSNR (enc / ref) |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    // Every photo at Q 85 (W1); the first three also at 75 and 95.
    let jobs = photos(full, "JPEGENC_PHOTOS").into_iter().enumerate().flat_map(|(i, p)| {
        let qs: &[u32] = if i < 3 && full { &[75, 85, 95] } else { &[85] };
        qs.iter().map(move |&q| (p.clone(), q))
    });
    for (path, quality) in jobs {
        let src = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let info = codec::probe(&src).expect("probe");
        let spec = process::resolve(&format!("image/resize,w_300/quality,Q_{quality}"), &|_| None)
            .expect("spec");
        let p = image_plan(&spec, &info, &Options::default());
        let img = pixels(&src, &info, &p);
        let reference = pixels(
            &src,
            &info,
            &image_plan(
                &spec,
                &SourceInfo { format: Format::Png, ..info.clone() },
                &Options::default(),
            ),
        );
        let round = OutputSpec { trellis: false, ..p.output };
        let trellis = OutputSpec { trellis: true, ..p.output };
        let enc = |o: &OutputSpec| codec::encode(&img, o).expect("encode");
        let (a, b) = (enc(&round), enc(&trellis));
        let (da, db) = (decode(&a), decode(&b));
        let ta = median_ms(runs, || drop(std::hint::black_box(enc(&round))));
        let tb = median_ms(runs, || drop(std::hint::black_box(enc(&trellis))));
        // libjpeg-turbo at the highest quality that is no larger than the trellis output.
        let (mut q, mut c) = (p.output.quality, a.clone());
        while q > 1 && c.len() > b.len() {
            q -= 1;
            c = enc(&OutputSpec { quality: q, ..round });
        }
        let dc = decode(&c);
        println!(
            "| {} | {quality} | {} | {} | {:.3} | {:.2} / {:.2} | {:.2} / {:.2} | {ta:.2} | {tb:.2} | {q} | {} | {:.2} / {:.2} |",
            name(&path),
            a.len(),
            b.len(),
            b.len() as f64 / a.len() as f64,
            psnr(&da, &img),
            psnr(&da, &reference),
            psnr(&db, &img),
            psnr(&db, &reference),
            c.len(),
            psnr(&dc, &img),
            psnr(&dc, &reference),
        );
    }
}
