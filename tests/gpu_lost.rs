//! The GPU engine's fault path: when the device is lost (a driver reset, a GPU fault) the request
//! that meets it re-runs on the CPU and gives the CPU engine's exact output, and the next run
//! re-creates the device, so later requests are back on the GPU — nothing panics, hangs or fails.
//! Its own test binary, because it destroys the process-wide device.
//!
//! Like `tests/gpu_parity.rs`: with no adapter the test says "ignored: no GPU adapter" and
//! returns, unless `OSSIMG_REQUIRE_GPU=1` (CI), which makes that a failure.

use ossimg::backend::gpu::{GpuBackend, GpuFailure};
use ossimg::backend::{cpu, BackendChoice, Engine};
use ossimg::codec;
use ossimg::pipeline::*;
use ossimg::plan::DecodeSpec;

#[test]
fn a_lost_device_reruns_on_the_cpu_and_is_re_created() {
    let engine = match Engine::select(BackendChoice::Gpu) {
        Ok(e) => e,
        Err(e) if std::env::var("OSSIMG_REQUIRE_GPU").as_deref() == Ok("1") => {
            panic!("OSSIMG_REQUIRE_GPU=1 but no GPU engine: {e}")
        }
        Err(e) => {
            eprintln!("ignored: no GPU adapter ({e})");
            return;
        }
    };
    let Engine::Gpu(g) = engine else { panic!("--backend gpu gave {}", engine.name()) };
    let backend: &GpuBackend = g.backend();

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/example.jpg");
    let bytes = std::fs::read(path).unwrap();
    let info = codec::probe(&bytes).unwrap();
    let img = codec::decode(&bytes, info.format, &DecodeSpec { scale_denom: 1 }).unwrap();
    let stages = [
        Stage::Resize(ResizeParams { width: 200, height: 150, _pad: [0; 2] }),
        Stage::ColorAdjust(ColorAdjustParams { bright: 20, contrast: -10, _pad: [0; 2] }),
        Stage::Orient(OrientParams { orientation: 6, _pad: [0; 3] }),
    ];
    let want = cpu::run(&stages, img.clone()).unwrap();

    // Healthy device: the cascade really runs on the GPU (these stages are bit-exact there).
    assert_eq!(backend.run_stages(&stages, &img).expect("runs on the GPU"), want);

    // Lost mid-way (not yet reported): the run that meets the dead device fails, and its request
    // re-runs on the CPU — same pixels.
    backend.lose_device_for_test(false);
    match backend.run_stages(&stages, &img) {
        Err(GpuFailure::Failed(_)) => {}
        other => panic!("a run on the destroyed device gave {other:?}"),
    }
    backend.lose_device_for_test(false);
    assert_eq!(engine.run(&stages, img.clone()).unwrap(), want);

    // Once the loss is known, the next run opens a new device on the same adapter: back on the
    // GPU (run_stages itself succeeds), same pixels, for this request and the following ones.
    backend.lose_device_for_test(true);
    assert!(backend.device_lost());
    assert_eq!(backend.run_stages(&stages, &img).expect("re-created device"), want);
    assert!(!backend.device_lost());
    for _ in 0..3 {
        assert_eq!(engine.run(&stages, img.clone()).unwrap(), want);
        assert_eq!(backend.run_stages(&stages, &img).expect("still on the GPU"), want);
    }
    // A planner bug is still the same 500, not a GPU failure.
    let bad = [Stage::Crop(CropParams { x: 10_000, y: 0, width: 10, height: 10 })];
    assert_eq!(engine.run(&bad, img).unwrap_err().kind, ossimg::ErrorKind::InternalError);
}
