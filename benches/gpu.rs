//! CPU vs GPU engine, stage by stage and for one heavy cascade, upload and readback included:
//!
//! - every stage × {cpu, gpu} × {512², 4096²} (group `stage/<name>`, ids `cpu/512`, `gpu/4096`);
//!   `composite` draws a quarter-side disc-masked overlay (a watermark) at 60 % opacity
//! - the cascade `image/resize,w_3000/rotate,33/blur,r_20,s_10/sharpen,200/bright,10` on the
//!   12 MP photo `tests/data/jpg-orientation-6.jpg` (group `cascade`, decode excluded)
//! - a thumbnail plan (resize to half, sharpen) at 128² … 2048² (group `threshold`): where the
//!   GPU overtakes the CPU, for `backend::GPU_MIN_PIXELS`
//!
//! The GPU side runs `GpuBackend::run_stages` (forced onto the GPU, no small-image threshold)
//! and is skipped, with a line on stderr, when the host has no adapter. Under `cargo test
//! --all-targets` (criterion's test mode: each benchmark runs once) only 512² and a 2 MP
//! cascade run, so the suite stays fast. `benches/gpu.sh` runs the full set on a real GPU and
//! prints a table.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::hint::black_box;
use std::sync::Arc;

use ossimg::backend::cpu;
use ossimg::backend::gpu::GpuBackend;
use ossimg::pipeline::*;
use ossimg::plan::{self, Plan};
use ossimg::{codec, process};

fn read(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// True under `cargo bench` (criterion gets `--bench`); false in `cargo test`'s one-shot mode.
fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn gpu() -> Option<&'static GpuBackend> {
    match GpuBackend::shared() {
        Ok(g) => {
            eprintln!("gpu bench on {}", g.describe());
            Some(g)
        }
        Err(e) => {
            eprintln!("gpu bench: no GPU adapter ({e}); GPU side skipped");
            None
        }
    }
}

/// A real photo (photo-2mp.jpg) resampled to `n`×`n`.
fn photo_square(n: u32) -> Image {
    let bytes = read("photo-2mp.jpg");
    let info = codec::probe(&bytes).unwrap();
    let img = codec::decode(&bytes, info.format, &plan::DecodeSpec { scale_denom: 1 }).unwrap();
    cpu::resize(&img, &ResizeParams { width: n, height: n, _pad: [0; 2] }).unwrap()
}

/// An `n`×`n` overlay with alpha, as a watermark would be: the photo's centre, masked to a disc
/// with a soft rim (alpha 0 outside, 255 inside).
fn overlay_square(photo: &Image, n: u32) -> Arc<Image> {
    let n = n.max(1);
    let crop =
        CropParams { x: (photo.width - n) / 2, y: (photo.height - n) / 2, width: n, height: n };
    let disc = MaskParams { radius: n / 2, _pad: [0; 3] };
    Arc::new(cpu::run(&[Stage::Crop(crop), Stage::MaskCircle(disc)], photo.clone()).unwrap())
}

/// One representative instance of every stage for the `n`×`n` image `img`.
fn stages(img: &Image, n: u32) -> Vec<Stage> {
    // ceil(n·(cos 33° + sin 33°)): the grown canvas of a 33° rotation.
    let r = (n as f32 * (33f32.to_radians().cos() + 33f32.to_radians().sin())).ceil() as u32;
    vec![
        Stage::Resize(ResizeParams { width: n / 2, height: n / 2, _pad: [0; 2] }),
        Stage::Crop(CropParams { x: n / 4, y: n / 4, width: n / 2, height: n / 2 }),
        Stage::Fill(FillParams {
            width: n + n / 10,
            height: n + n / 10,
            x: n / 20,
            y: n / 20,
            color: [1.0; 4],
        }),
        Stage::Orient(OrientParams { orientation: 6, _pad: [0; 3] }),
        Stage::Rotate(RotateParams { degrees: 33.0, width: r, height: r, _pad: 0, fill: [1.0; 4] }),
        Stage::Blur(BlurParams { radius: 10, sigma: 5.0, _pad: [0; 2] }),
        Stage::ColorAdjust(ColorAdjustParams { bright: 10, contrast: 10, _pad: [0; 2] }),
        Stage::Sharpen(SharpenParams { amount: 200, _pad: [0; 3] }),
        Stage::MaskCircle(MaskParams { radius: n / 2 - 1, _pad: [0; 3] }),
        Stage::MaskRounded(MaskParams { radius: n / 8, _pad: [0; 3] }),
        // A quarter-side watermark near the bottom-right corner at 60 % opacity.
        Stage::composite(
            overlay_square(img, n / 4),
            (n - n / 4 - n / 20) as i32,
            (n - n / 4 - n / 20) as i32,
            60,
        ),
    ]
}

fn bench_stages(c: &mut Criterion) {
    let g = gpu();
    let sizes: &[u32] = if full_run() { &[512, 4096] } else { &[512] };
    for &n in sizes {
        let img = photo_square(n);
        for stage in stages(&img, n) {
            let mut group = c.benchmark_group(format!("stage/{}", stage.name()));
            group.sample_size(10);
            group.bench_function(format!("cpu/{n}"), |b| {
                b.iter_batched(
                    || img.clone(),
                    |i| cpu::run(black_box(std::slice::from_ref(&stage)), i).unwrap(),
                    BatchSize::LargeInput,
                )
            });
            if let Some(g) = g {
                group.bench_function(format!("gpu/{n}"), |b| {
                    b.iter(|| g.run_stages(black_box(std::slice::from_ref(&stage)), &img).unwrap())
                });
            }
            group.finish();
        }
    }
}

fn bench_cascade(c: &mut Criterion) {
    let g = gpu();
    let (file, label, proc) = if full_run() {
        (
            "jpg-orientation-6.jpg",
            "12mp",
            "image/resize,w_3000/rotate,33/blur,r_20,s_10/sharpen,200/bright,10",
        )
    } else {
        ("photo-2mp.jpg", "2mp", "image/resize,w_300/rotate,33/blur,r_5,s_2/sharpen,200/bright,10")
    };
    let bytes = read(file);
    let info = codec::probe(&bytes).unwrap();
    let spec = process::resolve(proc, &|_| None).unwrap();
    let Plan::Image(p) = plan::plan(&spec, &info).unwrap() else { unreachable!("an image plan") };
    let img = codec::decode(&bytes, info.format, &p.decode).unwrap();
    let mut group = c.benchmark_group("cascade");
    group.sample_size(10);
    group.bench_function(format!("cpu/{label}"), |b| {
        b.iter_batched(
            || img.clone(),
            |i| cpu::run(black_box(&p.stages), i).unwrap(),
            BatchSize::LargeInput,
        )
    });
    if let Some(g) = g {
        group.bench_function(format!("gpu/{label}"), |b| {
            b.iter(|| g.run_stages(black_box(&p.stages), &img).unwrap())
        });
    }
    group.finish();
}

/// Where the GPU starts paying off for the commonest plan, a thumbnail (resize to half then
/// sharpen,100), on square photos of growing size: the basis of `backend::GPU_MIN_PIXELS`.
fn bench_threshold(c: &mut Criterion) {
    let g = gpu();
    let sizes: &[u32] = if full_run() { &[128, 256, 512, 1024, 2048] } else { &[128] };
    let mut group = c.benchmark_group("threshold");
    group.sample_size(20);
    for &n in sizes {
        let img = photo_square(n);
        let plan = [
            Stage::Resize(ResizeParams { width: n / 2, height: n / 2, _pad: [0; 2] }),
            Stage::Sharpen(SharpenParams { amount: 100, _pad: [0; 3] }),
        ];
        group.bench_function(format!("cpu/{n}"), |b| {
            b.iter_batched(
                || img.clone(),
                |i| cpu::run(black_box(&plan), i).unwrap(),
                BatchSize::LargeInput,
            )
        });
        if let Some(g) = g {
            group.bench_function(format!("gpu/{n}"), |b| {
                b.iter(|| g.run_stages(black_box(&plan), &img).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group!(gpu_benches, bench_stages, bench_cascade, bench_threshold);
criterion_main!(gpu_benches);
