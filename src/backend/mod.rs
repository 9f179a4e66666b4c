//! Engines that run a plan's stages. A plan runs wholly on one engine (design.md, "Engines"):
//! the CPU engine ([`cpu`]) everywhere, the GPU engine ([`gpu`], wgpu compute) where an adapter
//! exists. [`Engine::select`] turns the `--backend` / `OSSIMG_BACKEND` choice into an engine once
//! at start-up; [`Engine::choose`] also weighs the work ahead (one job or many) and says why.

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

/// The GPU start-up a one-shot run pays before its first pass: loading the driver, opening the
/// device and compiling the 13 compute pipelines. Mesa's lavapipe takes 50–90 ms on the 2-core
/// dev VM (benches/RESULTS.md, "start-up"); hardware drivers are not faster to open (the NVIDIA
/// driver's start alone is tens of ms) — 150 ms is an estimate, not yet measured on a GPU host
/// (`benches/cli.sh` measures it there). A one-shot plan goes to the GPU only when the CPU time
/// the GPU could save is larger.
pub const ONE_SHOT_GPU_START_MS: f64 = 150.0;

/// What a caller knows of the work ahead when it chooses an engine.
#[derive(Debug, Clone, Copy)]
pub enum Workload<'a> {
    /// A service or a batch: the GPU's start-up is paid once for many jobs.
    Many,
    /// One job (`ossimg process`): the main image's `stages` on `frames` decoded frames of
    /// `width`×`height` (no stages: a plan without pixel work, such as `info`).
    One {
        /// The planned stages.
        stages: &'a [Stage],
        /// Decoded width (after shrink-on-load).
        width: u32,
        /// Decoded height.
        height: u32,
        /// Frames the stages run on (1 for a still image).
        frames: u32,
    },
}

/// The single-core CPU time the heavy stages of a plan take, estimated from their pixel counts
/// with per-pixel costs measured by `benches/gpu.sh` on 4096² images (benches/RESULTS.md, "GPU
/// engine on an NVIDIA H200", CPU column): blur ≈ 2.6 ns per tap and pixel (two passes of
/// 2r+1 taps), sharpen 48 ns/px, rotate 88 ns per output pixel, Lanczos resize 4 ns per source
/// and output pixel. The cheap per-pixel stages are left out: the GPU does not speed them up.
fn cpu_ms_estimate(stages: &[Stage], width: u32, height: u32) -> f64 {
    let (mut w, mut h) = (f64::from(width), f64::from(height));
    let mut ns = 0.0;
    for stage in stages {
        let px = w * h;
        match stage {
            Stage::Resize(p) => {
                (w, h) = (f64::from(p.width), f64::from(p.height));
                ns += 4.0 * (px + w * h);
            }
            Stage::Rotate(p) => {
                (w, h) = (f64::from(p.width), f64::from(p.height));
                ns += 88.0 * w * h;
            }
            Stage::Blur(p) => ns += 2.6 * f64::from(4 * p.radius + 2) * px,
            Stage::Sharpen(_) => ns += 48.0 * px,
            Stage::Crop(p) => (w, h) = (f64::from(p.width), f64::from(p.height)),
            Stage::Fill(p) => (w, h) = (f64::from(p.width), f64::from(p.height)),
            Stage::Orient(p) if p.orientation >= 5 => (w, h) = (h, w),
            _ => {}
        }
    }
    ns / 1e6
}

/// An engine and why it was chosen (for `-v`).
#[derive(Debug, Clone)]
pub struct Selection {
    /// The engine.
    pub engine: Engine,
    /// One line saying which path was taken, e.g. `cpu (auto: no GPU device node; wgpu not
    /// initialised)`.
    pub why: String,
}

impl Engine {
    /// Selects the engine for `choice` once at start-up, for a service or a batch
    /// ([`Engine::choose`] with [`Workload::Many`]).
    pub fn select(choice: BackendChoice) -> Result<Engine> {
        Engine::choose(choice, Workload::Many).map(|s| s.engine)
    }

    /// Chooses the engine for `choice` and `work`:
    /// - `cpu`: the CPU engine; wgpu is never initialised.
    /// - `auto`: the GPU on a hardware adapter (discrete, integrated or virtual) through Vulkan,
    ///   never a software one; otherwise the CPU, silently. The GPU is only looked for when it
    ///   can pay back: for one job, when its heavy stages would take the CPU longer than the
    ///   GPU takes to start ([`ONE_SHOT_GPU_START_MS`]); and only on a host that can have one,
    ///   judged without loading any driver — a GPU device node (Linux) and a hardware Vulkan
    ///   driver manifest. The search restricts the Vulkan loader to the hardware drivers, so
    ///   Mesa's lavapipe is never loaded (50–90 ms and ~70 MB). A GPU found but unusable is said
    ///   once on stderr. Images under [`GPU_MIN_PIXELS`], and plans without a stage the GPU
    ///   speeds up (`gpu_pays`), run on the CPU.
    /// - `gpu`: any adapter, software ones included (Vulkan first, then GL); a software one is
    ///   said once on stderr; `NotImplemented` (exit code 5) with the reason when none exists.
    ///
    /// What the drivers print while they load is kept off stderr ([`gpu::GpuBackend::driver_output`]).
    /// With no driver installed wgpu answers at once (no hang, no crash).
    pub fn choose(choice: BackendChoice, work: Workload<'_>) -> Result<Selection> {
        static SAID: AtomicBool = AtomicBool::new(false);
        let done = |engine: Engine, why: String| Ok(Selection { engine, why });
        match choice {
            BackendChoice::Cpu => done(Engine::Cpu, "cpu (--backend cpu)".into()),
            BackendChoice::Auto => {
                if let Workload::One { stages, width, height, frames } = work {
                    let ms = cpu_ms_estimate(stages, width, height) * f64::from(frames.max(1));
                    if ms < ONE_SHOT_GPU_START_MS {
                        let why = format!(
                            "cpu (auto: the plan's GPU-friendly work is ~{ms:.0} ms on the CPU, \
                             less than a GPU start-up; wgpu not initialised)"
                        );
                        return done(Engine::Cpu, why);
                    }
                }
                if !gpu_device_may_exist(std::path::Path::new("/dev")) {
                    let why = "cpu (auto: no GPU device node; wgpu not initialised)";
                    return done(Engine::Cpu, why.into());
                }
                match gpu::GpuBackend::shared_of(gpu::AdapterKind::Hardware) {
                    Ok(backend) => done(
                        Engine::Gpu(GpuEngine { backend, min_pixels: GPU_MIN_PIXELS }),
                        format!("gpu (auto: {})", backend.describe()),
                    ),
                    Err(e) => {
                        if gpu::GpuBackend::probe_of(gpu::AdapterKind::Hardware).is_ok() {
                            log_once(&SAID, || format!("GPU unusable ({e}); running on the CPU"));
                        }
                        done(Engine::Cpu, format!("cpu (auto: {e})"))
                    }
                }
            }
            BackendChoice::Gpu => match gpu::GpuBackend::shared() {
                Ok(backend) => {
                    if !backend.is_hardware() {
                        log_once(&SAID, || {
                            format!(
                                "--backend gpu runs on a software adapter, {}: slower than \
                                 --backend cpu",
                                backend.describe()
                            )
                        });
                    }
                    let why = format!("gpu (--backend gpu: {})", backend.describe());
                    done(Engine::Gpu(GpuEngine { backend, min_pixels: 0 }), why)
                }
                Err(e) => {
                    let said = gpu::GpuBackend::driver_output();
                    let said = match said.trim() {
                        "" => String::new(),
                        text => format!("; the drivers said: {}", text.replace('\n', " / ")),
                    };
                    Err(crate::Error::new(
                        crate::ErrorKind::NotImplemented,
                        format!("--backend gpu: {e}; use --backend cpu or auto{said}"),
                    ))
                }
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
    fn one_shot_estimate_follows_the_sizes_through_the_plan() {
        let blur = Stage::Blur(BlurParams { radius: 10, sigma: 5.0, _pad: [0; 2] });
        let down = Stage::Resize(ResizeParams { width: 100, height: 100, _pad: [0; 2] });
        // A 4096² blur r 10 took 1.86 s on one core (benches/RESULTS.md): 2.6 ns × 42 taps ×
        // 16.8 Mpx = 1.83 s.
        let big = cpu_ms_estimate(std::slice::from_ref(&blur), 4096, 4096);
        assert!((1700.0..2000.0).contains(&big), "{big}");
        // After a resize to 100² the blur is on 10 kpx: the resize (~67 ms) dominates.
        let small = cpu_ms_estimate(&[down, blur.clone()], 4096, 4096);
        assert!((60.0..75.0).contains(&small), "{small}");
        // Crops shrink what follows; cheap stages weigh nothing.
        let crop = Stage::Crop(CropParams { x: 0, y: 0, width: 64, height: 64 });
        let bright =
            Stage::ColorAdjust(ColorAdjustParams { bright: 10, contrast: 0, _pad: [0; 2] });
        assert!(cpu_ms_estimate(&[crop, blur], 4096, 4096) < 1.0);
        assert_eq!(cpu_ms_estimate(&[bright], 4096, 4096), 0.0);
    }

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
