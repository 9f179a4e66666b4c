//! Helpers the photo benchmarks share (`shrink`, `jpegenc`): the photo set, plans and their
//! pixels, PSNR, timing.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ossimg::backend::Engine;
use ossimg::codec;
use ossimg::pipeline::Image;
use ossimg::plan::{self, ImagePlan, NoOverlays, Options, Plan, SourceInfo};
use ossimg::process::ProcessSpec;

/// `tests/data`'s photos and, with `full`, every JPEG of `../shared/testdata/photos` (sorted);
/// without `full` only the first. `env_var` (a comma-separated list, relative to the project)
/// overrides the set.
pub fn photos(full: bool, env_var: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Ok(list) = std::env::var(env_var) {
        return list.split(',').map(|p| root.join(p)).collect();
    }
    let mut v: Vec<PathBuf> = ["photo-12mp.jpg", "photo-2mp.jpg", "jpg-orientation-6.jpg"]
        .iter()
        .map(|n| root.join("tests/data").join(n))
        .collect();
    if !full {
        v.truncate(1);
        return v;
    }
    let shared = root.join("../shared/testdata/photos");
    if let Ok(dir) = std::fs::read_dir(&shared) {
        let mut extra: Vec<PathBuf> = dir
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
            .collect();
        extra.sort();
        v.extend(extra);
    }
    v
}

/// The file name of `path`, for table rows.
pub fn name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// PSNR over the RGB channels of two images of the same size.
pub fn psnr(a: &Image, b: &Image) -> f64 {
    assert_eq!((a.width, a.height), (b.width, b.height), "sizes differ");
    let mut se = 0f64;
    let mut n = 0u64;
    for (pa, pb) in a.pixels.chunks_exact(4).zip(b.pixels.chunks_exact(4)) {
        for c in 0..3 {
            let d = f64::from(pa[c]) - f64::from(pb[c]);
            se += d * d;
        }
        n += 3;
    }
    let mse = se / n as f64;
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0f64 * 255.0 / mse).log10()
    }
}

/// Median milliseconds of `runs` calls of `job`.
pub fn median_ms(runs: usize, mut job: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            job();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

/// The image plan of `spec` for a source, under `opts`.
pub fn image_plan(spec: &ProcessSpec, info: &SourceInfo, opts: &Options) -> ImagePlan {
    match plan::plan_opts(spec, info, opts, &mut NoOverlays).expect("plan") {
        Plan::Image(p) => p,
        _ => unreachable!("an image plan"),
    }
}

/// The job's pixels for `p` (decode at its scale, then its stages on the CPU).
pub fn pixels(src: &[u8], info: &SourceInfo, p: &ImagePlan) -> Image {
    let decoded = codec::decode(src, info.format, &p.decode).expect("decode");
    Engine::Cpu.run(&p.stages, decoded).expect("stages")
}
