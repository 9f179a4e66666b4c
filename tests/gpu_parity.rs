//! GPU ↔ CPU parity: every stage, and cascades of several, on real photos and on an image with
//! alpha, give the same pixels on the GPU engine as on the CPU engine, within each stage's
//! declared tolerance ([`tolerance`]). Also runs `ossimg process --backend gpu` end to end for
//! every pixel action.
//!
//! GPU tests never pass silently: with no adapter each test prints "ignored: no GPU adapter" and
//! returns, unless `OSSIMG_REQUIRE_GPU=1` (set in CI, where Mesa lavapipe is installed), which
//! turns a missing adapter into a failure. Each GPU run must really run on the GPU: a plan the
//! engine hands back to the CPU (`GpuFailure`) fails the test.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use ossimg::backend::gpu::GpuBackend;
use ossimg::backend::{cpu, BackendChoice, Engine};
use ossimg::codec;
use ossimg::pipeline::*;
use ossimg::plan::{self, DecodeSpec, Plan};
use ossimg::process;

fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn decode(name: &str) -> Image {
    let bytes = std::fs::read(data_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let format = codec::sniff(&bytes).expect("known format");
    codec::decode(&bytes, format, &DecodeSpec { scale_denom: 1 }).expect("decodes")
}

/// The GPU backend, or `None` (after saying so) when this host has no adapter. Panics when
/// `OSSIMG_REQUIRE_GPU=1` and there is none.
fn gpu() -> Option<&'static GpuBackend> {
    if let Err(e) = GpuBackend::probe() {
        if std::env::var("OSSIMG_REQUIRE_GPU").as_deref() == Ok("1") {
            panic!("OSSIMG_REQUIRE_GPU=1 but no GPU adapter: {e}");
        }
        eprintln!("ignored: no GPU adapter ({e})");
        return None;
    }
    // An adapter exists: failing to open it or to compile a shader is a failure, never a skip.
    Some(GpuBackend::shared().unwrap_or_else(|e| panic!("GPU adapter present but unusable: {e}")))
}

/// Allowed difference per channel for each stage, with the reason.
fn tolerance(stage: &Stage) -> u8 {
    match stage {
        // Pure pixel moves and table lookups: bit-exact.
        Stage::Crop(_) | Stage::Fill(_) | Stage::Orient(_) | Stage::ColorAdjust(_) => 0,
        // The GPU repeats fast_image_resize's integer arithmetic (same i16 coefficients, same
        // shifts, same alpha mul/div): bit-exact.
        Stage::Resize(_) => 0,
        // f32 arithmetic in the same order; GPUs may fuse multiply-adds and use a reciprocal
        // within 2.5 ulp for division, which moves a value across a rounding boundary: ±1.
        Stage::Rotate(_) | Stage::Blur(_) | Stage::Sharpen(_) => 1,
        // Coverage uses sqrt (not correctly rounded on GPUs): ±1 on the anti-aliased rim.
        Stage::MaskCircle(_) | Stage::MaskRounded(_) => 1,
        // The same f32 formula; the GPU may fuse c_s·a_s + c_d·w_d into a multiply-add and
        // rounds the division by a_out within 2.5 ulp, which can move an exact .5 tie: ±1.
        Stage::Composite(..) => 1,
    }
}

/// Below this alpha (of 255) colour is compared premultiplied (`c·a/255`): there a rounding
/// difference of half a level in the premultiplied sum moves the straight colour by 255/a/2 ≥ 8
/// levels (a 2/255-opaque rim pixel may be colour 0 on one engine and 31 on the other), which no
/// eye can see. Alpha itself is always compared exactly within the tolerance.
const FAINT_ALPHA: u8 = 16;

/// Compares two images: same size, every channel within `tol` (colour of faint pixels
/// premultiplied, see [`FAINT_ALPHA`]). Colour under alpha 0 is compared too (both engines
/// define it).
fn assert_close(what: &str, cpu: &Image, gpu: &Image, tol: u8) {
    assert_eq!((gpu.width, gpu.height), (cpu.width, cpu.height), "{what}: size");
    assert_eq!(gpu.pixels.len(), cpu.pixels.len(), "{what}: buffer");
    let mut worst = 0u8;
    let mut differing = 0usize;
    let mut first = None;
    for (i, (a, b)) in cpu.pixels.chunks_exact(4).zip(gpu.pixels.chunks_exact(4)).enumerate() {
        let faint = a[3].min(b[3]) < FAINT_ALPHA;
        for c in 0..4 {
            let d = if faint && c < 3 {
                let pa = (f32::from(a[c]) * f32::from(a[3]) / 255.0).round();
                let pb = (f32::from(b[c]) * f32::from(b[3]) / 255.0).round();
                // One more level: each side rounds its own product.
                ((pa - pb).abs() as u8).saturating_sub(1)
            } else {
                a[c].abs_diff(b[c])
            };
            if a[c] != b[c] {
                differing += 1;
            }
            if d > worst {
                worst = d;
                if d > tol && first.is_none() {
                    first = Some((i as u32 % cpu.width, i as u32 / cpu.width, c, a[c], b[c]));
                }
            }
        }
    }
    assert!(
        worst <= tol,
        "{what}: max difference {worst} > {tol}; {differing} channels differ; first (x, y, channel, cpu, gpu) = {first:?}"
    );
    // Off-by-one rounding is rare: more than 1 % of channels off means a real discrepancy.
    assert!(
        differing * 100 <= cpu.pixels.len(),
        "{what}: {differing} of {} channels differ",
        cpu.pixels.len()
    );
}

fn run_both(g: &GpuBackend, stages: &[Stage], img: &Image) -> (Image, Image) {
    let want = cpu::run(stages, img.clone()).expect("cpu run");
    let got = g.run_stages(stages, img).unwrap_or_else(|e| panic!("{stages:?}: {e}"));
    (want, got)
}

/// `ceil(w·|cos| + h·|sin|)` and its twin, the rotate canvas (spec §3.4).
fn rotated_size(w: u32, h: u32, degrees: f32) -> (u32, u32) {
    let (s, c) = kernels::sin_cos_degrees(degrees);
    let (s, c) = (s.abs(), c.abs());
    let f = |a: f32, b: f32| ((a - 1e-3).ceil() as u32).max(1).max(b as u32);
    (f(w as f32 * c + h as f32 * s, 1.0), f(w as f32 * s + h as f32 * c, 1.0))
}

/// One sample of every stage kind for a `w`×`h` image (several for the kinds with modes).
fn stage_samples(w: u32, h: u32) -> Vec<Stage> {
    let mut v = vec![
        Stage::Resize(ResizeParams { width: w / 3, height: h / 3, _pad: [0; 2] }),
        Stage::Resize(ResizeParams { width: w * 3 / 2, height: h * 3 / 2, _pad: [0; 2] }),
        Stage::Resize(ResizeParams { width: w / 2 + 1, height: h, _pad: [0; 2] }),
        Stage::Resize(ResizeParams { width: w, height: h * 2 / 3, _pad: [0; 2] }),
        Stage::Crop(CropParams { x: w / 4, y: h / 5, width: w / 2, height: h / 2 }),
        Stage::Fill(FillParams {
            width: w + 20,
            height: h + 10,
            x: 7,
            y: 3,
            color: [1.0, 0.5, 0.25, 1.0],
        }),
        Stage::Fill(FillParams { width: w + 1, height: h + 40, x: 0, y: 40, color: [0.0; 4] }),
        Stage::Blur(BlurParams { radius: 5, sigma: 2.0, _pad: [0; 2] }),
        Stage::Blur(BlurParams { radius: 20, sigma: 10.0, _pad: [0; 2] }),
        Stage::ColorAdjust(ColorAdjustParams { bright: 10, contrast: 0, _pad: [0; 2] }),
        Stage::ColorAdjust(ColorAdjustParams { bright: -20, contrast: 50, _pad: [0; 2] }),
        Stage::ColorAdjust(ColorAdjustParams { bright: 0, contrast: -30, _pad: [0; 2] }),
        Stage::Sharpen(SharpenParams { amount: 100, _pad: [0; 3] }),
        Stage::Sharpen(SharpenParams { amount: 399, _pad: [0; 3] }),
        Stage::MaskCircle(MaskParams { radius: w.min(h) / 2 - 3, _pad: [0; 3] }),
        Stage::MaskRounded(MaskParams { radius: 30, _pad: [0; 3] }),
    ];
    for o in 2..=8 {
        v.push(Stage::Orient(OrientParams { orientation: o, _pad: [0; 3] }));
    }
    for (deg, fill) in
        [(33.0, [1.0; 4]), (90.0, [1.0; 4]), (-17.0, [0.0; 4]), (200.0, [0.2, 0.4, 0.6, 0.5])]
    {
        let (cw, ch) = rotated_size(w, h, deg);
        v.push(Stage::Rotate(RotateParams { degrees: deg, width: cw, height: ch, _pad: 0, fill }));
    }
    // The 30×30 logo with soft alpha: inside, then hanging off the left and bottom edges.
    let logo = Arc::new(decode("watermark.png"));
    v.push(Stage::composite(logo.clone(), w as i32 / 3, h as i32 / 4, 100));
    v.push(Stage::composite(logo, -12, h as i32 - 17, 60));
    v
}

/// A watermark-like overlay with alpha cut from a real photo: a `side`×`side` crop of
/// `example.jpg` masked to a disc (soft anti-aliased rim, transparent corners).
fn disc_overlay(side: u32) -> Arc<Image> {
    let img = decode("example.jpg");
    let stages = [
        Stage::Crop(CropParams { x: 60, y: 20, width: side, height: side }),
        Stage::MaskCircle(MaskParams { radius: side / 2, _pad: [0; 3] }),
    ];
    Arc::new(cpu::run(&stages, img).unwrap())
}

/// The kinds of stage `stage_samples` must cover; the `match` makes a new variant a compile
/// error here until it has parity samples.
fn kind(s: &Stage) -> usize {
    match s {
        Stage::Resize(_) => 0,
        Stage::Crop(_) => 1,
        Stage::Fill(_) => 2,
        Stage::Orient(_) => 3,
        Stage::Rotate(_) => 4,
        Stage::Blur(_) => 5,
        Stage::ColorAdjust(_) => 6,
        Stage::Sharpen(_) => 7,
        Stage::MaskCircle(_) => 8,
        Stage::MaskRounded(_) => 9,
        Stage::Composite(..) => 10,
    }
}

#[test]
fn every_stage_matches_the_cpu() {
    let Some(g) = gpu() else { return };
    eprintln!("GPU adapter: {}", g.describe());
    for name in ["hopper.png", "transparent.webp", "example.jpg"] {
        let img = decode(name);
        let samples = stage_samples(img.width, img.height);
        let mut seen = [false; 11];
        for s in &samples {
            seen[kind(s)] = true;
            let (want, got) = run_both(g, std::slice::from_ref(s), &img);
            assert_close(&format!("{name} {s:?}"), &want, &got, tolerance(s));
        }
        assert!(seen.iter().all(|&b| b), "a stage kind has no parity sample");
    }
}

#[test]
fn stages_on_a_2mp_photo_match_the_cpu() {
    let Some(g) = gpu() else { return };
    let img = decode("photo-2mp.jpg");
    let (w, h) = (img.width, img.height);
    let (rw, rh) = rotated_size(w, h, 33.0);
    for s in [
        Stage::Resize(ResizeParams { width: 300, height: 225, _pad: [0; 2] }),
        Stage::Orient(OrientParams { orientation: 6, _pad: [0; 3] }),
        Stage::Rotate(RotateParams {
            degrees: 33.0,
            width: rw,
            height: rh,
            _pad: 0,
            fill: [1.0; 4],
        }),
        Stage::Blur(BlurParams { radius: 8, sigma: 4.0, _pad: [0; 2] }),
        Stage::Sharpen(SharpenParams { amount: 200, _pad: [0; 3] }),
        Stage::ColorAdjust(ColorAdjustParams { bright: 10, contrast: 20, _pad: [0; 2] }),
        Stage::MaskCircle(MaskParams { radius: h / 2 - 1, _pad: [0; 3] }),
        Stage::composite(disc_overlay(201), w as i32 - 150, 40, 70),
    ] {
        let (want, got) = run_both(g, std::slice::from_ref(&s), &img);
        assert_close(&format!("photo-2mp {s:?}"), &want, &got, tolerance(&s));
    }
}

/// Composite on real photos with overlays that have alpha (a logo, a disc cut from a photo, a
/// transparent WebP), at every kind of offset (inside, off each edge, larger than the image) and
/// opacity, on opaque and on transparent bases.
#[test]
fn composite_matches_the_cpu() {
    let Some(g) = gpu() else { return };
    let logo = Arc::new(decode("watermark.png"));
    let disc = disc_overlay(201);
    let leaf = Arc::new(decode("transparent.webp"));
    // The logo scaled up 8×: long soft-alpha ramps, so many pixels with fractional a_s.
    let big_logo = Arc::new(
        cpu::resize(&logo, &ResizeParams { width: 240, height: 240, _pad: [0; 2] }).unwrap(),
    );
    for base in ["photo-2mp.jpg", "example.jpg", "transparent.webp", "hopper.png"] {
        let img = decode(base);
        let (w, h) = (img.width as i32, img.height as i32);
        for (name, ovl) in [("logo", &logo), ("disc", &disc), ("leaf", &leaf), ("big", &big_logo)] {
            let (ow, oh) = (ovl.width as i32, ovl.height as i32);
            for (x, y, opacity) in [
                (w / 2 - ow / 2, h / 2 - oh / 2, 100), // centred
                (-ow / 3, -oh / 2, 100),               // off the top-left corner
                (w - ow / 2, h - oh / 3, 45),          // off the bottom-right corner
                (w - ow + 5, 10, 80),                  // off the right edge
                (-ow / 2, h / 3, 1),                   // nearly invisible
                (-ow, h / 2, 100),                     // just outside: no pass on the GPU
            ] {
                let s = Stage::composite(ovl.clone(), x, y, opacity);
                let (want, got) = run_both(g, std::slice::from_ref(&s), &img);
                assert_close(&format!("{base} {name} at ({x},{y}) t_{opacity}"), &want, &got, 1);
            }
        }
        // An overlay larger than the image on every side.
        let s = Stage::composite(disc.clone(), -40, -30, 90);
        let small = cpu::run(
            &[Stage::Resize(ResizeParams { width: 120, height: 100, _pad: [0; 2] })],
            img.clone(),
        )
        .unwrap();
        let (want, got) = run_both(g, std::slice::from_ref(&s), &small);
        assert_close(&format!("{base} at 120x100 under a 201x201 disc"), &want, &got, 1);
        // Tiled (`fill_1`): brick lattices with and without gaps, origins on and far off the
        // image, including negative ones — the CPU's tile loop and the shader's floor division
        // must pick the same tile for every pixel.
        for (sx, sy, shift, x, y) in [
            (30, 30, 0, 0, 0),
            (50, 41, 25, 7, -13),
            (64, 80, 63, -29, 11),
            (31, 30, 15, 5000, -7000),
        ] {
            let t = ossimg::pipeline::Tiling { step_x: sx, step_y: sy, row_shift: shift };
            let s = Stage::composite_tiled(logo.clone(), x, y, 70, t);
            let (want, got) = run_both(g, std::slice::from_ref(&s), &img);
            assert_close(&format!("{base} logo tiled {t:?} at ({x},{y})"), &want, &got, 1);
        }
    }
}

/// Composite inside cascades of other stages (the lists written out; planned watermarks are
/// compared in tests/watermark.rs), with the tolerance each chain can accumulate.
#[test]
fn composite_cascades_match_the_cpu() {
    let Some(g) = gpu() else { return };
    let img = decode("photo-2mp.jpg");
    let logo = Arc::new(decode("watermark.png"));
    let disc = disc_overlay(151);
    let resize = Stage::Resize(ResizeParams { width: 800, height: 600, _pad: [0; 2] });
    let (rw, rh) = rotated_size(800, 600, 33.0);
    let rotate = Stage::Rotate(RotateParams {
        degrees: 33.0,
        width: rw,
        height: rh,
        _pad: 0,
        fill: [1.0; 4],
    });
    let cases: Vec<(&str, Vec<Stage>, u8)> = vec![
        // Exact stages around a ±1 composite: ±1.
        (
            "resize/composite/bright",
            vec![
                resize.clone(),
                Stage::composite(disc.clone(), 700, -40, 85),
                Stage::ColorAdjust(ColorAdjustParams { bright: 10, contrast: 0, _pad: [0; 2] }),
            ],
            1,
        ),
        // Two composites, the second over the first's edge: each ±1 → ±2.
        (
            "resize/composite/composite",
            vec![
                resize.clone(),
                Stage::composite(disc.clone(), 300, 200, 100),
                Stage::composite(logo.clone(), 290, 190, 50),
            ],
            2,
        ),
        // Rotation first (transparent-free white corners), then a logo over a corner; then a blur
        // averages the ±1 (stays ±1) and adds its own ±1: ±2.
        (
            "resize/rotate/composite/blur",
            vec![
                resize.clone(),
                rotate,
                Stage::composite(logo.clone(), -10, -10, 100),
                Stage::Blur(BlurParams { radius: 3, sigma: 1.5, _pad: [0; 2] }),
            ],
            2,
        ),
        // A circle mask makes the base transparent outside the disc; the composite blends onto
        // partial alpha; the final Lanczos resize can overshoot a ±1 input difference by its
        // negative lobes: ±2.
        (
            "resize/circle/composite/resize",
            vec![
                resize,
                Stage::MaskCircle(MaskParams { radius: 299, _pad: [0; 3] }),
                Stage::composite(disc, 80, 420, 100),
                Stage::Resize(ResizeParams { width: 333, height: 250, _pad: [0; 2] }),
            ],
            2,
        ),
    ];
    for (name, stages, tol) in cases {
        let (want, got) = run_both(g, &stages, &img);
        assert_close(name, &want, &got, tol);
    }
}

/// An overlay beyond the device's storage-binding limit runs the whole plan on the CPU
/// (`Unsupported`), never a wgpu error.
#[test]
fn oversized_overlay_runs_on_the_cpu() {
    let Some(g) = gpu() else { return };
    let limit = g.max_storage_binding();
    // Only where such an overlay is cheap to build; the rule itself is unit-tested in
    // backend::gpu (composite_pass) with a small limit.
    if limit > 1 << 30 {
        eprintln!("skipped: storage binding limit {limit} bytes is too large to exceed cheaply");
        return;
    }
    let width = 4096u32;
    let height = (limit / 4 / u64::from(width)) as u32 + 1;
    let overlay = Arc::new(Image::filled(width, height, [200, 10, 10, 128]));
    assert!(overlay.pixels.len() as u64 > limit);
    let img = decode("hopper.png");
    let stages = [Stage::composite(overlay, -100, -100, 100)];
    assert!(matches!(
        g.run_stages(&stages, &img),
        Err(ossimg::backend::gpu::GpuFailure::Unsupported(_))
    ));
    let engine = Engine::select(BackendChoice::Gpu).expect("an adapter exists");
    let out = engine.run(&stages, img.clone()).unwrap();
    assert_eq!(out, cpu::run(&stages, img.clone()).unwrap());
    assert_ne!(out, img, "the overlay covers the whole image");
}

/// Cascades through the real planner, with the tolerance a chain of stages can accumulate.
#[test]
fn cascades_match_the_cpu() {
    let Some(g) = gpu() else { return };
    let cases: &[(&str, &str, u8)] = &[
        // Geometry and lookups only: bit-exact end to end.
        (
            "example.jpg",
            "image/resize,w_300/crop,w_200,h_150,g_center/bright,10/contrast,-20/rotate,90",
            0,
        ),
        ("transparent.webp", "image/resize,m_pad,w_300,h_300,color_FF0000/circle,r_100", 1),
        ("example.jpg", "image/resize,m_fill,w_200,h_200/rounded-corners,r_30/format,png", 1),
        // Blur ±1, then sharpen,200 multiplies a difference by up to 1 + 2 = 3, then rotate
        // interpolates (±1 of its own): ±4.
        ("photo-2mp.jpg", "image/resize,w_600/rotate,33/blur,r_5,s_2/sharpen,200/bright,10", 4),
        ("transparent.webp", "image/rotate,45/blur,r_3,s_2/resize,w_120", 2),
    ];
    for &(name, proc, tol) in cases {
        let bytes = std::fs::read(data_path(name)).unwrap();
        let info = codec::probe(&bytes).unwrap();
        let spec = process::resolve(proc, &|_| None).unwrap();
        let Plan::Image(p) = plan::plan(&spec, &info).unwrap() else {
            panic!("{proc}: not an image plan")
        };
        let img = codec::decode(&bytes, info.format, &p.decode).unwrap();
        assert!(p.stages.len() >= 2, "{proc}: {:?}", p.stages);
        let (want, got) = run_both(g, &p.stages, &img);
        assert_close(&format!("{name} {proc}"), &want, &got, tol);
    }
}

#[test]
fn engine_gpu_runs_and_falls_back_for_unsupported_plans() {
    let Some(g) = gpu() else { return };
    let engine = Engine::select(BackendChoice::Gpu).expect("an adapter exists");
    assert_eq!(engine.name(), "gpu");
    let img = decode("hopper.png");
    let stages = [Stage::Orient(OrientParams { orientation: 6, _pad: [0; 3] })];
    assert_eq!(engine.run(&stages, img.clone()).unwrap(), cpu::run(&stages, img.clone()).unwrap());
    // A canvas beyond the texture limit: the whole plan runs on the CPU, nothing fails.
    let too_wide = g.max_side() + 1;
    let stages = [
        Stage::Fill(FillParams { width: too_wide, height: 130, x: 0, y: 0, color: [0.0; 4] }),
        Stage::Crop(CropParams { x: 0, y: 0, width: 100, height: 100 }),
    ];
    assert!(matches!(
        g.run_stages(&stages, &img),
        Err(ossimg::backend::gpu::GpuFailure::Unsupported(_))
    ));
    let out = engine.run(&stages, img.clone()).unwrap();
    assert_eq!(out, cpu::run(&stages, img.clone()).unwrap());
    // A planner bug is the same 500 on either engine.
    let bad = [Stage::Crop(CropParams { x: 100, y: 0, width: 100, height: 10 })];
    assert_eq!(engine.run(&bad, img).unwrap_err().kind, ossimg::ErrorKind::InternalError);
}

/// `ossimg process --backend gpu` for every pixel action: succeeds, and its PNG equals the CPU's
/// within the action's tolerance.
#[test]
fn cli_backend_gpu_runs_every_pixel_action() {
    let Some(_) = gpu() else { return };
    let dir = std::env::temp_dir().join(format!("ossimg-gpu-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: &[(&str, &str, u8)] = &[
        ("example.jpg", "image/resize,w_150", 0),
        ("example.jpg", "image/resize,m_pad,w_150,h_150,color_00FF00", 0),
        ("example.jpg", "image/crop,x_10,y_20,w_100,h_80", 0),
        ("example.jpg", "image/indexcrop,x_100,i_1", 0),
        ("jpg-orientation-6.jpg", "image/resize,w_200/auto-orient,1", 0),
        ("example.jpg", "image/rotate,90", 0),
        ("example.jpg", "image/rotate,33", 1),
        ("example.jpg", "image/blur,r_5,s_3", 1),
        ("example.jpg", "image/bright,30", 0),
        ("example.jpg", "image/contrast,-40", 0),
        ("example.jpg", "image/sharpen,150", 1),
        ("example.jpg", "image/circle,r_100", 1),
        ("example.jpg", "image/rounded-corners,r_40", 1),
    ];
    let bin = env!("CARGO_BIN_EXE_ossimg");
    for (i, &(name, proc, tol)) in cases.iter().enumerate() {
        let mut outs = Vec::new();
        for backend in ["cpu", "gpu"] {
            let out = dir.join(format!("{i}-{backend}.png"));
            let o = Command::new(bin)
                .args([
                    "process",
                    data_path(name).to_str().unwrap(),
                    &format!("{proc}/format,png"),
                    "-o",
                ])
                .arg(&out)
                .args(["--backend", backend])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert!(o.status.success(), "{proc} on {backend}: {stderr}");
            // A GPU failure would silently re-run on the CPU; it must not happen here.
            assert!(!stderr.contains("re-running on the CPU"), "{proc} on {backend}: {stderr}");
            let bytes = std::fs::read(&out).unwrap();
            outs.push(
                codec::decode(
                    &bytes,
                    codec::sniff(&bytes).unwrap(),
                    &DecodeSpec { scale_denom: 1 },
                )
                .unwrap(),
            );
        }
        assert_close(&format!("cli {proc}"), &outs[0], &outs[1], tol);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
