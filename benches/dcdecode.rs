//! DC-only 1/8 JPEG decode (`codec::jpeg_dc`) against libjpeg-turbo's 1/8 DCT-scaled decode,
//! and its 1/4 low-frequency decode against libjpeg-turbo's 1/4 (sequential files), all through
//! `codec::decode_jpeg_with` (the production entry point: TurboJPEG header, ICC, RGBA), on the
//! 12 MP photos (baseline) and on the 33 MP photo made progressive with `jpegtran -progressive`
//! (written once to `target/dcdecode/`; skipped with a message when
//! jpegtran or `../shared/testdata/photos/9643x10328.jpg` is absent).
//!
//! Prints, per photo, the median of a few timed runs of each decoder and their ratio, then runs
//! the criterion groups. Under `cargo test` (no `--bench` argument) only the 2 MP photo runs,
//! once, so the benchmark cannot rot. `DCDECODE_ONLY=12mp` (a label) measures one photo;
//! `DCDECODE_PHOTOS=a.jpg,b.jpg` (paths from the crate root) measures those instead.
//!
//! Run: `cargo bench --bench dcdecode`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use ossimg::codec::{decode_jpeg_reduced, decode_jpeg_with};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bench_mode() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The 33 MP photo converted to progressive, or `None` (with a message) when it cannot be made.
fn progressive_33mp() -> Option<PathBuf> {
    let src = root().join("../shared/testdata/photos/9643x10328.jpg");
    let out = root().join("target/dcdecode/9643x10328-progressive.jpg");
    if out.is_file() {
        return Some(out);
    }
    if !src.is_file() {
        eprintln!("dcdecode: {} absent, progressive 33 MP case skipped", src.display());
        return None;
    }
    std::fs::create_dir_all(out.parent()?).ok()?;
    let made = Command::new("jpegtran")
        .args(["-progressive", "-copy", "all", "-outfile"])
        .arg(&out)
        .arg(&src)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!(
            "dcdecode: jpegtran (libjpeg-turbo-progs) unavailable, progressive 33 MP case skipped"
        );
        let _ = std::fs::remove_file(&out);
        return None;
    }
    Some(out)
}

/// (label, file) pairs to measure.
fn photos() -> Vec<(String, PathBuf)> {
    if !bench_mode() {
        return vec![("2mp".into(), root().join("tests/data/photo-2mp.jpg"))];
    }
    if let Ok(list) = std::env::var("DCDECODE_PHOTOS") {
        return list
            .split(',')
            .map(|p| {
                let label = Path::new(p).file_stem().map(|s| s.to_string_lossy().into_owned());
                (label.unwrap_or_default(), root().join(p))
            })
            .collect();
    }
    let mut v = vec![("12mp".to_string(), root().join("tests/data/photo-12mp.jpg"))];
    if std::env::var("DCDECODE_ONLY").is_ok_and(|o| o == "12mp") {
        return v;
    }
    let shared = root().join("../shared/testdata/photos/jpg-orientation-6.jpg");
    if shared.is_file() {
        v.push(("12mp-orientation-6".into(), shared));
    }
    if let Some(p) = progressive_33mp() {
        v.push(("33mp-progressive".into(), p));
    }
    v
}

fn median(mut f: impl FnMut(), runs: usize) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[runs / 2]
}

fn dcdecode(c: &mut Criterion) {
    let runs = if bench_mode() { 9 } else { 1 };
    let mut g = c.benchmark_group("dcdecode");
    g.sample_size(10);
    let only = std::env::var("DCDECODE_ONLY").ok();
    for (label, path) in photos() {
        if only.as_ref().is_some_and(|o| *o != label) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(decode_jpeg_reduced(&bytes, 8).is_some(), "{label}: the DC decoder falls back");
        let lib = decode_jpeg_with(&bytes, 8, false).expect("libjpeg-turbo decode");
        let dc = decode_jpeg_with(&bytes, 8, true).expect("DC decode");
        assert!(lib.pixels == dc.pixels, "{label}: pixels differ");
        for denom in [8, 4] {
            // 1/4 only serves sequential files (the progressive one falls back).
            if denom == 4 && decode_jpeg_reduced(&bytes, 4).is_none() {
                continue;
            }
            let tl = median(|| drop(decode_jpeg_with(&bytes, denom, false)), runs);
            let td = median(|| drop(decode_jpeg_with(&bytes, denom, true)), runs);
            let own = if denom == 8 { "DC-only" } else { "low-frequency" };
            println!(
                "dcdecode {label} ({}x{} → 1/{denom}): libjpeg-turbo {:.2} ms, {own} {:.2} ms, {:.2}× faster",
                lib.width * 8,
                lib.height * 8,
                tl.as_secs_f64() * 1e3,
                td.as_secs_f64() * 1e3,
                tl.as_secs_f64() / td.as_secs_f64()
            );
            let tag = if denom == 8 { String::new() } else { format!("/1-{denom}") };
            g.bench_function(format!("{label}{tag}/libjpeg-turbo"), |b| {
                b.iter(|| decode_jpeg_with(&bytes, denom, false))
            });
            g.bench_function(format!("{label}{tag}/{}", own.to_lowercase()), |b| {
                b.iter(|| decode_jpeg_with(&bytes, denom, true))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, dcdecode);
criterion_main!(benches);
