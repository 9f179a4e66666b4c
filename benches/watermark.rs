//! Watermarks on a 2 MP JPEG photo, whole jobs in process (probe → plan → decode → stages →
//! encode), on the CPU engine and on the GPU engine where this host has an adapter:
//!
//! - `WM/<engine>/none`: `image/quality,Q_85` — the same request without a watermark;
//! - `WM/<engine>/text`: `+ watermark,text_…` (the glyph cache warm after the first iteration);
//! - `WM/<engine>/image`: `+ watermark,image_…` (a logo scaled to 20 % of the width, nested
//!   process included — decoded and prepared in every job, as the service does).
//!
//! The target: the text watermark costs ≤ 2 ms above `none` on the CPU engine. The bench
//! prints that difference from its own medians at the end (`text − none`), measured side by side
//! in one run.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::{Duration, Instant};

use ossimg::backend::{BackendChoice, Engine};
use ossimg::job::{self, Resources, WatermarkObjects};
use ossimg::process::{self, encode_base64url, ProcessSpec};

fn data(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The three requests, by name.
fn requests() -> Vec<(&'static str, ProcessSpec)> {
    let text = encode_base64url("© ossimg 图片服务".as_bytes());
    let logo = encode_base64url(b"logo.png?x-oss-process=image/resize,P_20");
    [
        ("none", "image/quality,Q_85".to_owned()),
        (
            "text",
            format!("image/watermark,text_{text},size_48,color_FFFFFF,shadow_50/quality,Q_85"),
        ),
        ("image", format!("image/watermark,image_{logo},t_80/quality,Q_85")),
    ]
    .into_iter()
    .map(|(name, p)| (name, process::resolve(&p, &|_| None).unwrap()))
    .collect()
}

/// The CPU engine, and the GPU engine when an adapter exists.
fn engines() -> Vec<Engine> {
    let mut v = vec![Engine::Cpu];
    if let Ok(gpu) = Engine::select(BackendChoice::Gpu) {
        v.push(gpu);
    }
    v
}

/// Median wall time of `n` runs of one job.
fn median(
    src: &[u8],
    spec: &ProcessSpec,
    engine: Engine,
    objects: &WatermarkObjects,
    n: usize,
) -> Duration {
    let res = Resources { fonts: None, objects: Some(objects), ..Default::default() };
    let mut t: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            black_box(job::run_with(src, spec, engine, res).unwrap());
            start.elapsed()
        })
        .collect();
    t.sort();
    t[n / 2]
}

fn benches(c: &mut Criterion) {
    let src = data("photo-2mp.jpg");
    let mut objects = WatermarkObjects::new();
    objects.insert("logo.png".into(), data("watermark.png").into());
    let requests = requests();
    for engine in engines() {
        for (name, spec) in &requests {
            let res = Resources { fonts: None, objects: Some(&objects), ..Default::default() };
            c.bench_function(&format!("WM/{}/{name}", engine.name()), |b| {
                b.iter(|| job::run_with(black_box(&src), spec, engine, res).unwrap())
            });
        }
    }
    // The target, side by side: interleaved rounds of none/text on the CPU engine so that
    // machine drift hits both alike; one round under `cargo test` (the benches run once there).
    let rounds = if std::env::args().any(|a| a == "--bench") { 5 } else { 1 };
    let (none, text) = (&requests[0].1, &requests[1].1);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        a.push(median(&src, none, Engine::Cpu, &objects, 15));
        b.push(median(&src, text, Engine::Cpu, &objects, 15));
    }
    a.sort();
    b.sort();
    let (none_ms, text_ms) =
        (a[a.len() / 2].as_secs_f64() * 1e3, b[b.len() / 2].as_secs_f64() * 1e3);
    println!(
        "watermark: 2 MP CPU none {none_ms:.2} ms, text {text_ms:.2} ms → text − none = {:.2} ms (target ≤ 2 ms)",
        text_ms - none_ms
    );
}

criterion_group! {
    name = watermark;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(watermark);
