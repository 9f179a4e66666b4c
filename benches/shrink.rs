//! Shrink-on-load margin: the fast rule (decoded image ≥ 1× the resize target, sharp's
//! `fastShrinkOnLoad`) against the quality rule (≥ 2×, libvips') on real photos, each measured
//! against a reference that decodes at full size and resizes with the same Lanczos pass.
//!
//! For every photo × target width it prints the DCT scale each rule picks, the PSNR (RGB, 8-bit)
//! of each rule's pixels against the reference, and the median time of the whole job (decode →
//! stages → JPEG Q85 encode) on the CPU engine. The acceptance rule of issue 13: fast ≥ 40 dB
//! and ≥ quality − 1 dB on every row. The quality rule is also run with every JPEG decoded by
//! libjpeg-turbo (never `codec::jpeg_dc`), which shows what `jpeg_dc`'s 1/4 low-frequency decode
//! costs or gains in PSNR and time. Photos: `tests/data`'s photos and, where present,
//! `../shared/testdata/photos` (`SHRINK_PHOTOS=a.jpg,b.jpg` to choose). Under `cargo test` (no
//! `--bench` argument) one photo at one width runs once, so the benchmark cannot rot.
//!
//! Run: `cargo bench --bench shrink` (a few minutes on 2 cores).

mod common;

use common::{image_plan, median_ms, name, photos, pixels, psnr};
use ossimg::backend::Engine;
use ossimg::codec;
use ossimg::pipeline::Image;
use ossimg::plan::{ImagePlan, JpegQuantiser, Options, ShrinkOnLoad, SourceInfo};
use ossimg::process::{self, Format};

const WIDTHS: [u32; 4] = [150, 300, 600, 1024];

/// The plan under shrink-on-load `rule`, with rounding JPEG quantisation, so the times compare
/// decode rules only (benches/jpegenc.rs measures the trellis).
fn rule_plan(spec: &process::ProcessSpec, info: &SourceInfo, rule: ShrinkOnLoad) -> ImagePlan {
    image_plan(spec, info, &Options { shrink_on_load: rule, jpeg_quantiser: JpegQuantiser::Round })
}

/// [`pixels`] with the JPEG always decoded by libjpeg-turbo (never `codec::jpeg_dc`).
fn pixels_turbo(src: &[u8], p: &ImagePlan) -> Image {
    let decoded = codec::decode_jpeg_with(src, p.decode.scale_denom, false).expect("decode");
    Engine::Cpu.run(&p.stages, decoded).expect("stages")
}

/// Median milliseconds of `runs` whole jobs (decode → stages → encode) for `p`.
fn job_ms(src: &[u8], info: &SourceInfo, p: &ImagePlan, runs: usize) -> f64 {
    median_ms(runs, || {
        let img = pixels(src, info, p);
        std::hint::black_box(codec::encode(&img, &p.output).expect("encode"));
    })
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let runs = if full { 5 } else { 1 };
    let widths: &[u32] = if full { &WIDTHS } else { &WIDTHS[1..2] };
    println!("| photo | size | w | scale fast / quality | PSNR fast | PSNR quality | PSNR quality, libjpeg-turbo | fast − quality | ms fast | ms quality | ms quality, libjpeg-turbo |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut worst: Option<(f64, f64)> = None;
    // Worst PSNR of the quality rule's pixels minus libjpeg-turbo's for the same plan (what
    // `codec::jpeg_dc`'s 1/4 decode costs).
    let mut worst_own = f64::INFINITY;
    for path in photos(full, "SHRINK_PHOTOS") {
        let src = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let info = codec::probe(&src).expect("probe");
        // The reference decodes at full size: plan as if the source could not shrink on load.
        let full_info = SourceInfo { format: Format::Png, ..info.clone() };
        for &w in widths {
            if w >= info.width.min(info.height) {
                continue;
            }
            let spec = process::resolve(&format!("image/resize,w_{w}/quality,Q_85"), &|_| None)
                .expect("process string");
            let reference = pixels(&src, &info, &rule_plan(&spec, &full_info, ShrinkOnLoad::Fast));
            let fast = rule_plan(&spec, &info, ShrinkOnLoad::Fast);
            let quality = rule_plan(&spec, &info, ShrinkOnLoad::Quality);
            let (pf, pq, pt) = (
                psnr(&pixels(&src, &info, &fast), &reference),
                psnr(&pixels(&src, &info, &quality), &reference),
                psnr(&pixels_turbo(&src, &quality), &reference),
            );
            let (tf, tq) = (job_ms(&src, &info, &fast, runs), job_ms(&src, &info, &quality, runs));
            let tt = median_ms(runs, || {
                let img = pixels_turbo(&src, &quality);
                std::hint::black_box(codec::encode(&img, &quality.output).expect("encode"));
            });
            let name = name(&path);
            println!(
                "| {name} | {}×{} | {w} | 1/{} / 1/{} | {pf:.2} | {pq:.2} | {pt:.2} | {:+.2} | {tf:.1} | {tq:.1} | {tt:.1} |",
                info.width,
                info.height,
                fast.decode.scale_denom,
                quality.decode.scale_denom,
                pf - pq,
            );
            if pt.is_finite() {
                worst_own = worst_own.min(pq - pt);
            }
            let (wf, wd) = worst.unwrap_or((f64::INFINITY, f64::INFINITY));
            worst = Some((wf.min(pf), wd.min(pf - pq)));
        }
    }
    if let Some((wf, wd)) = worst {
        println!("\nworst PSNR fast: {wf:.2} dB; worst fast − quality: {wd:+.2} dB");
        println!(
            "rule (fast ≥ 40 dB and ≥ quality − 1 dB on every row): {}",
            if wf >= 40.0 && wd >= -1.0 { "holds" } else { "fails" }
        );
        println!("worst quality-rule PSNR, own 1/4 decode − libjpeg-turbo's: {worst_own:+.2} dB");
    }
}
