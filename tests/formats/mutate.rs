//! A bounded, deterministic fuzz-style loop: truncations, bit flips and overwritten header
//! words of real HEIC, AVIF and TIFF samples through the whole job. Every mutation must answer
//! cleanly — an image, or `ImageDamage` / `ImageTooLarge` / `NotImplemented` — never panic,
//! and each within a few seconds. Decoder panics are caught inside the codec (`guarded`), so
//! one surfacing here is a bug in ossimg's own code.
//!
//! `OSSIMG_MUTATIONS` sets the number of mutations per sample (default 40; the seeds are fixed,
//! so a run is reproducible and CI time bounded: about a minute for the default on 2 cores in a
//! debug build).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use ossimg::backend::Engine;
use ossimg::job;
use ossimg::process;
use ossimg::ErrorKind;

use super::support::read;
use super::support::rng::Rng;

/// Samples: every container flavour the new decoders parse.
const SAMPLES: &[&str] = &[
    "image.heic",
    "rainbow-451x461.heic",
    "with-alpha-512x512.heic",
    "hopper.avif",
    "white_1x1.avif",
    "sofa_grid1x5_420.avif",
    "transparency.avif",
    "ycbcr_jpeg_8bit.tif",
    "tiff_tiled_ycbcr_jpeg_1x1_sampling.tif",
    "ojpeg-strip.tif",
    "hpredict.tiff",
    "multipage.tiff",
];

/// The `i`-th mutation of `src`.
/// A number in `[0, n)` (0 when `n` is 0).
fn pick(rng: &mut Rng, n: usize) -> usize {
    rng.below(n as u64) as usize
}

fn mutate(src: &[u8], rng: &mut Rng, i: usize) -> Vec<u8> {
    let mut b = src.to_vec();
    match i % 4 {
        // Truncation anywhere.
        0 => b.truncate(pick(rng, b.len())),
        // 1–8 random bit flips.
        1 => {
            for _ in 0..=pick(rng, 8) {
                let at = pick(rng, b.len());
                b[at] ^= 1 << pick(rng, 8);
            }
        }
        // A header word (first 1 KiB: box sizes, ispe, IFD entries) set to an extreme.
        2 => {
            let at = pick(rng, b.len().min(1024).saturating_sub(4));
            let v: [u8; 4] = match pick(rng, 3) {
                0 => [0xFF; 4],
                1 => [0; 4],
                _ => [0x7F, 0xFF, 0xFF, 0xFF],
            };
            b[at..at + 4].copy_from_slice(&v);
        }
        // A run of random bytes in the coded data.
        _ => {
            let at = pick(rng, b.len());
            let end = (at + 1 + pick(rng, 64)).min(b.len());
            for x in &mut b[at..end] {
                *x = rng.next() as u8;
            }
        }
    }
    b
}

#[test]
fn mutated_heif_and_tiff_inputs_answer_cleanly() {
    let per_sample: usize =
        std::env::var("OSSIMG_MUTATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let specs: Vec<_> = ["image/resize,w_64", "image/info"]
        .iter()
        .map(|s| process::resolve(s, &|_| None).unwrap())
        .collect();
    let mut failures = Vec::new();
    let mut answered = 0;
    for (n, name) in SAMPLES.iter().enumerate() {
        let src = read(name);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (n as u64 + 1));
        for i in 0..per_sample {
            let bytes = mutate(&src, &mut rng, i);
            for spec in &specs {
                let t = Instant::now();
                let res = catch_unwind(AssertUnwindSafe(|| job::run(&bytes, spec, Engine::Cpu)));
                let took = t.elapsed();
                match res {
                    Err(_) => failures.push(format!("{name} #{i}: panic")),
                    Ok(Err(e))
                        if !matches!(
                            e.kind,
                            ErrorKind::ImageDamage
                                | ErrorKind::ImageTooLarge
                                | ErrorKind::NotImplemented
                        ) =>
                    {
                        failures.push(format!("{name} #{i}: unexpected {e}"))
                    }
                    Ok(_) => answered += 1,
                }
                // Tiny samples decode in milliseconds; 5 s means a hang-like slowdown.
                if took > Duration::from_secs(5) {
                    failures.push(format!("{name} #{i}: took {took:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(answered, SAMPLES.len() * per_sample * specs.len());
}
