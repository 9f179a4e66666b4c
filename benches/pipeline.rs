//! End-to-end benchmarks of the typical OSS strings (probe → plan → decode → stages → encode),
//! in process, on the CPU engine:
//!
//! - W1: a ≥ 12 MP JPEG photo (and a 2 MP one) → `image/resize,w_300/quality,Q_85`; its parts
//!   (`W1-parts/…`) for the RGBA path and, where the photo takes it, the planar path
//! - W2: a 2 MP JPEG → `image/resize,m_lfit,w_1024,h_1024/rotate,90`
//! - W4: a 2 MP JPEG → `image/blur,r_5,s_3`
//! - planar/…: jobs the planar JPEG path takes, beside the same plan through the RGBA path
//!
//! `benches/compare.sh` runs W1 beside sharp and the libjpeg-turbo decode floor and prints ratios.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use ossimg::backend::{cpu, Engine};
use ossimg::plan::{self, Plan};
use ossimg::{codec, job, process};

fn photo(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn workload(c: &mut Criterion, name: &str, file: &str, proc: &str) {
    let src = photo(file);
    let spec = process::resolve(proc, &|_| None).unwrap();
    c.bench_function(name, |b| b.iter(|| job::run(black_box(&src), &spec, Engine::Cpu).unwrap()));
}

/// W1 on the 12 MP photo split into its steps, to see where the time goes (`W1_PHOTO=photo-12mp.jpg`
/// splits the photo `benches/http.sh` serves instead of the EXIF-rotated one).
fn w1_parts(c: &mut Criterion) {
    let src = photo(&std::env::var("W1_PHOTO").unwrap_or_else(|_| "jpg-orientation-6.jpg".into()));
    let spec = process::resolve("image/resize,w_300/quality,Q_85", &|_| None).unwrap();
    let info = codec::probe(&src).unwrap();
    let Plan::Image(p) = plan::plan(&spec, &info).unwrap() else { unreachable!() };
    let decoded = codec::decode(&src, info.format, &p.decode).unwrap();
    let result = Engine::Cpu.run(&p.stages, decoded.clone()).unwrap();
    c.bench_function("W1-parts/probe", |b| b.iter(|| codec::probe(black_box(&src)).unwrap()));
    c.bench_function("W1-parts/decode", |b| {
        b.iter(|| codec::decode(black_box(&src), info.format, &p.decode).unwrap())
    });
    c.bench_function("W1-parts/stages", |b| {
        b.iter(|| Engine::Cpu.run(&p.stages, decoded.clone()).unwrap())
    });
    c.bench_function("W1-parts/encode", |b| {
        b.iter(|| codec::encode(black_box(&result), &p.output).unwrap())
    });
    let webp = plan::OutputSpec { format: process::Format::Webp, ..p.output };
    c.bench_function("W1-parts/encode-webp", |b| {
        b.iter(|| codec::encode(black_box(&result), &webp).unwrap())
    });
    // The planar path's steps (job::run_planar), where the photo takes it (not when rotated by
    // EXIF, nor at the 1/4 and 1/8 scales jpeg_dc serves).
    let Some(planes) = codec::decode_jpeg_planes(&src, p.decode.scale_denom).unwrap() else {
        return;
    };
    let (w, h) = (result.width, result.height);
    let small = cpu::resize_planes(planes.clone(), w, h, (false, false)).unwrap();
    c.bench_function("W1-parts/planar-decode", |b| {
        b.iter(|| codec::decode_jpeg_planes(black_box(&src), p.decode.scale_denom).unwrap())
    });
    c.bench_function("W1-parts/planar-resize", |b| {
        b.iter(|| cpu::resize_planes(planes.clone(), w, h, (false, false)).unwrap())
    });
    c.bench_function("W1-parts/planar-encode", |b| {
        b.iter(|| codec::encode_planes(black_box(&small), &p.output).unwrap())
    });
}

/// One job both ways, side by side: `<name>/job` is `job::run` (the planar path wherever it
/// applies), `<name>/rgba` the same plan through the RGBA path by hand (decode to RGBA, stages,
/// encode).
fn paths(c: &mut Criterion, name: &str, file: &str, proc: &str) {
    let src = photo(file);
    let spec = process::resolve(proc, &|_| None).unwrap();
    let info = codec::probe(&src).unwrap();
    let Plan::Image(p) = plan::plan(&spec, &info).unwrap() else { unreachable!() };
    c.bench_function(&format!("{name}/job"), |b| {
        b.iter(|| job::run(black_box(&src), &spec, Engine::Cpu).unwrap())
    });
    c.bench_function(&format!("{name}/rgba"), |b| {
        b.iter(|| {
            let img = codec::decode(black_box(&src), info.format, &p.decode).unwrap();
            let img = Engine::Cpu.run(&p.stages, img).unwrap();
            codec::encode(&img, &p.output).unwrap()
        })
    });
}

fn benches(c: &mut Criterion) {
    workload(c, "W1/12mp", "jpg-orientation-6.jpg", "image/resize,w_300/quality,Q_85");
    workload(c, "W1/2mp", "photo-2mp.jpg", "image/resize,w_300/quality,Q_85");
    workload(c, "W2/2mp", "photo-2mp.jpg", "image/resize,m_lfit,w_1024,h_1024/rotate,90");
    workload(c, "W4/2mp", "photo-2mp.jpg", "image/blur,r_5,s_3");
    paths(c, "planar/2mp-w300", "photo-2mp.jpg", "image/resize,w_300/quality,Q_85");
    paths(c, "planar/2mp-w1024-rotate90", "photo-2mp.jpg", "image/resize,w_1024/rotate,90");
    paths(c, "planar/12mp-w1600", "photo-12mp.jpg", "image/resize,w_1600");
}

criterion_group! {
    name = pipeline;
    config = Criterion::default().sample_size(20);
    targets = benches, w1_parts
}
criterion_main!(pipeline);
