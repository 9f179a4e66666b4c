//! Engines that run a plan's stages. A plan runs wholly on one engine (design.md, "Engines"):
//! the CPU engine ([`cpu`]) everywhere, the GPU engine ([`gpu`], wgpu compute) where an adapter
//! exists. [`Engine::select`] turns the `--backend` / `OSSIMG_BACKEND` choice into an engine once
//! at start-up.

pub mod cpu;
pub mod gpu;

use std::sync::atomic::{AtomicBool, Ordering};

use crate::pipeline::{Image, Stage};
use crate::Result;

/// Below this many source pixels `auto` runs a plan on the CPU even with a GPU: a GPU run has a
/// fixed cost (textures, one submission, map and wait for the readback: ~0.4–0.5 ms on an H200)
/// that the CPU stages beat for small images. Measured with `benches/gpu.sh` (group `threshold`,
/// resize to half + sharpen, benches/RESULTS.md): on an H200 the GPU breaks even at 256² (CPU
/// 0.81 ms, GPU 0.77 ms), loses at 128² (0.34 vs 0.54 ms) and wins 4× at 512². `--backend gpu`
/// sets no threshold: the user asked for the GPU, and the parity tests rely on it.
pub const GPU_MIN_PIXELS: u64 = 256 * 256;

/// True when a plan is worth the GPU's fixed cost and transfers: the image has at least
/// `min_pixels` and some stage does enough work per pixel (resampling, rotation, blur, sharpen).
/// Plans of only cheap per-pixel maps and copies (crop, fill, orient, bright/contrast, masks,
/// composite) are bounded by the upload and readback on a GPU and run faster on one CPU core —
/// on an H200 a 4096² bright runs in 26 ms on the CPU and 79 ms on the GPU, a blur 1.9 s vs
/// 0.12 s (benches/RESULTS.md).
fn gpu_pays(stages: &[Stage], image: &Image, min_pixels: u64) -> bool {
    let heavy = |s: &Stage| {
        matches!(s, Stage::Resize(_) | Stage::Rotate(_) | Stage::Blur(_) | Stage::Sharpen(_))
    };
    min_pixels == 0
        || (u64::from(image.width) * u64::from(image.height) >= min_pixels
            && stages.iter().any(heavy))
}

/// The engine that runs pixel stages, chosen once at start-up and shared by all requests.
/// Cheap to copy: the GPU variant holds a reference to the process-wide [`gpu::GpuBackend`].
#[derive(Debug, Clone, Copy, Default)]
pub enum Engine {
    /// The CPU engine (`backend::cpu`), available on every host.
    #[default]
    Cpu,
    /// The GPU engine on the process-wide device.
    Gpu(GpuEngine),
}

/// The GPU engine handle: the shared backend and the size below which plans go to the CPU.
#[derive(Debug, Clone, Copy)]
pub struct GpuEngine {
    backend: &'static gpu::GpuBackend,
    min_pixels: u64,
}

impl GpuEngine {
    /// The process-wide GPU backend this engine runs on.
    pub fn backend(&self) -> &'static gpu::GpuBackend {
        self.backend
    }
}

impl PartialEq for Engine {
    fn eq(&self, other: &Engine) -> bool {
        match (self, other) {
            (Engine::Cpu, Engine::Cpu) => true,
            (Engine::Gpu(a), Engine::Gpu(b)) => {
                std::ptr::eq(a.backend, b.backend) && a.min_pixels == b.min_pixels
            }
            _ => false,
        }
    }
}

impl Eq for Engine {}

/// The `--backend` / `OSSIMG_BACKEND` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendChoice {
    /// A hardware GPU when one exists, else the CPU.
    Auto,
    /// A GPU adapter (any, including software ones) or fail.
    Gpu,
    /// The CPU engine; never touches a GPU API.
    Cpu,
}

impl std::str::FromStr for BackendChoice {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "auto" => Ok(BackendChoice::Auto),
            "gpu" => Ok(BackendChoice::Gpu),
            "cpu" => Ok(BackendChoice::Cpu),
            other => Err(format!("unknown backend '{other}' (expected auto, gpu or cpu)")),
        }
    }
}

/// Whether this host may have a hardware GPU, judged from device nodes under `dev` (`/dev`)
/// without loading any driver: a DRM render node (`dri/renderD*`: AMD, Intel, NVIDIA's open
/// driver, virtio-gpu…), NVIDIA's proprietary nodes (`nvidia0`, `nvidiactl`) or WSL2's `dxg`.
/// Only Linux says no with confidence; elsewhere the answer is always "maybe" (wgpu decides).
/// Nothing is cached across processes, so a GPU added later is seen by the next run.
fn gpu_device_may_exist(dev: &std::path::Path) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let render_node = std::fs::read_dir(dev.join("dri")).is_ok_and(|entries| {
        entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    });
    render_node || ["nvidia0", "nvidiactl", "dxg"].iter().any(|n| dev.join(n).exists())
}

/// Prints `msg` on stderr the first time `flag` is seen unset.
fn log_once(flag: &AtomicBool, msg: impl FnOnce() -> String) {
    if !flag.swap(true, Ordering::Relaxed) {
        eprintln!("ossimg: {}", msg());
    }
}

impl Engine {
    /// Selects the engine for `choice`:
    /// - `cpu`: the CPU engine; wgpu is never initialised.
    /// - `auto`: the GPU on a hardware adapter (discrete, integrated or virtual), never a
    ///   software one (lavapipe/llvmpipe report `DeviceType::Cpu`); otherwise the CPU. A Linux
    ///   host without a GPU device node is answered at once, without initialising wgpu or
    ///   loading any Vulkan/GL driver (which costs 50–90 ms and tens of MB, and lets Mesa print
    ///   to stderr), and silently; a host with one is probed, and a GPU found unusable there is
    ///   said once on stderr. Images under [`GPU_MIN_PIXELS`], and plans without a stage the GPU
    ///   speeds up (`gpu_pays`: resize, rotate, blur or sharpen), run on the CPU.
    /// - `gpu`: any adapter, software ones included; `NotImplemented` (exit code 5) with the
    ///   reason when none exists.
    ///
    /// With no driver installed wgpu answers at once (no hang, no crash).
    pub fn select(choice: BackendChoice) -> Result<Engine> {
        static SAID: AtomicBool = AtomicBool::new(false);
        match choice {
            BackendChoice::Cpu => Ok(Engine::Cpu),
            BackendChoice::Auto if !gpu_device_may_exist(std::path::Path::new("/dev")) => {
                Ok(Engine::Cpu)
            }
            BackendChoice::Auto => match gpu::GpuBackend::probe() {
                Ok((_, true)) => match gpu::GpuBackend::shared() {
                    Ok(backend) => {
                        Ok(Engine::Gpu(GpuEngine { backend, min_pixels: GPU_MIN_PIXELS }))
                    }
                    Err(e) => {
                        log_once(&SAID, || format!("GPU unusable ({e}); running on the CPU"));
                        Ok(Engine::Cpu)
                    }
                },
                Ok((name, false)) => {
                    log_once(&SAID, || {
                        format!("only a software GPU adapter ({name}); running on the CPU (--backend gpu uses it)")
                    });
                    Ok(Engine::Cpu)
                }
                Err(e) => {
                    log_once(&SAID, || format!("{e}; running on the CPU"));
                    Ok(Engine::Cpu)
                }
            },
            BackendChoice::Gpu => match gpu::GpuBackend::shared() {
                Ok(backend) => Ok(Engine::Gpu(GpuEngine { backend, min_pixels: 0 })),
                Err(e) => Err(crate::Error::new(
                    crate::ErrorKind::NotImplemented,
                    format!("--backend gpu: {e}; use --backend cpu or auto"),
                )),
            },
        }
    }

    /// A short name for logs.
    pub const fn name(self) -> &'static str {
        match self {
            Engine::Cpu => "cpu",
            Engine::Gpu(_) => "gpu",
        }
    }

    /// Runs `stages` in order on `image`. On the GPU engine the whole plan runs on the GPU when
    /// every stage and every intermediate size fits the device, else wholly on the CPU; a GPU
    /// failure during the run (device lost, out of memory) re-runs the request on the CPU and is
    /// logged once.
    pub fn run(self, stages: &[Stage], image: Image) -> Result<Image> {
        static FAILED: AtomicBool = AtomicBool::new(false);
        match self {
            Engine::Cpu => cpu::run(stages, image),
            Engine::Gpu(g) => {
                if !gpu_pays(stages, &image, g.min_pixels) {
                    return cpu::run(stages, image);
                }
                match g.backend.run_stages(stages, &image) {
                    Ok(out) => Ok(out),
                    Err(gpu::GpuFailure::Unsupported(_)) => cpu::run(stages, image),
                    Err(e @ gpu::GpuFailure::Failed(_)) => {
                        log_once(&FAILED, || format!("{e}; re-running on the CPU"));
                        cpu::run(stages, image)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn gpu_device_nodes_decide_whether_to_probe() {
        let dev = std::env::temp_dir().join(format!("ossimg-dev-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dev);
        std::fs::create_dir_all(dev.join("dri")).unwrap();
        // A card node alone (KMS display without a render node) and nothing else: no GPU.
        std::fs::write(dev.join("dri/card0"), b"").unwrap();
        assert_eq!(super::gpu_device_may_exist(&dev), !cfg!(target_os = "linux"));
        std::fs::write(dev.join("dri/renderD128"), b"").unwrap();
        assert!(super::gpu_device_may_exist(&dev));
        std::fs::remove_file(dev.join("dri/renderD128")).unwrap();
        std::fs::write(dev.join("nvidiactl"), b"").unwrap();
        assert!(super::gpu_device_may_exist(&dev));
        std::fs::remove_dir_all(&dev).unwrap();
    }

    use super::*;
    use crate::pipeline::*;

    #[test]
    fn only_big_images_with_heavy_stages_go_to_the_gpu() {
        let big = Image::filled(512, 512, [1, 2, 3, 255]);
        let small = Image::filled(255, 256, [1, 2, 3, 255]);
        let blur = Stage::Blur(BlurParams { radius: 3, sigma: 2.0, _pad: [0; 2] });
        let bright =
            Stage::ColorAdjust(ColorAdjustParams { bright: 10, contrast: 0, _pad: [0; 2] });
        let crop = Stage::Crop(CropParams { x: 0, y: 0, width: 10, height: 10 });
        assert!(gpu_pays(&[crop.clone(), blur.clone()], &big, GPU_MIN_PIXELS));
        assert!(!gpu_pays(&[crop.clone(), bright.clone()], &big, GPU_MIN_PIXELS));
        assert!(!gpu_pays(std::slice::from_ref(&blur), &small, GPU_MIN_PIXELS));
        assert!(!gpu_pays(&[], &big, GPU_MIN_PIXELS));
        // --backend gpu (no threshold) takes every plan.
        assert!(gpu_pays(&[bright], &small, 0));
    }
}
