//! The GPU engine (wgpu compute): one Instance/Adapter/Device/Queue per process, one compute
//! pipeline per shader compiled once at start-up, and [`GpuBackend::run_stages`], which uploads
//! an image once, runs a whole cascade back to back in one command submission and reads back
//! once (256-byte row padding stripped). This file owns the process-wide backend and its device
//! recovery; `adapter` finds the adapter (hardware-only for `auto`, drivers kept quiet),
//! `device` opens a device and compiles the pipelines, `shaders` is the shader table, `passes`
//! turns stages into passes and runs them.
//!
//! Each stage has WGSL twins in `shaders/` named like its CPU function in `backend::cpu`
//! ([`shaders_for`]); [`SHADERS`] lists every shader with its parameter struct size and bindings
//! (`tests/shaders.rs` checks both against naga's reading of the WGSL). Textures between stages
//! are `rgba8unorm`, so every stage rounds to 8 bits exactly where its CPU twin does; the blur's
//! two passes keep `rgba32float` in between, as the CPU keeps f32.
//!
//! wgpu never panics here: sizes are checked against the device limits before any resource is
//! created, every run sits inside error scopes (validation, out-of-memory, internal), the
//! uncaptured-error handler only logs. A failed run is reported as [`GpuFailure::Failed`], and the
//! engine re-runs that request on the CPU; a lost device is re-created on the same adapter by the
//! next run (tries spaced by 10 s when that fails), so the GPU comes back after a reset.

mod adapter;
mod device;
mod passes;
mod resize_table;
mod shaders;

pub use adapter::AdapterKind;
pub use shaders::{shaders_for, ShaderInfo, Target, SHADERS};

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use device::Context;

/// Why a cascade did not run on the GPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GpuFailure {
    /// The plan cannot run here (an empty image, a size beyond the device limits, an
    /// inconsistent stage): the whole plan belongs on the CPU. Not an error worth logging.
    Unsupported(String),
    /// The GPU failed during the run (device lost, out of memory, validation, timeout).
    Failed(String),
}

impl std::fmt::Display for GpuFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GpuFailure::Unsupported(m) => write!(f, "not supported on the GPU: {m}"),
            GpuFailure::Failed(m) => write!(f, "GPU run failed: {m}"),
        }
    }
}

/// The process-wide GPU backend: the adapter and its facts, and the current device context,
/// re-created when the device is lost (a driver reset, a GPU fault).
pub struct GpuBackend {
    ctx: RwLock<Arc<Context>>,
    adapter: wgpu::Adapter,
    info: wgpu::AdapterInfo,
    limits: wgpu::Limits,
    /// Bounds the memory in flight: one cascade at a time on the device (a 12 MP cascade holds
    /// a few hundred MB of textures).
    permit: Mutex<()>,
    /// When re-creating a lost device last failed: tries are spaced by [`RECOVERY_BACKOFF`].
    failed_recovery: Mutex<Option<Instant>>,
    /// Keeps the instance alive as long as the device.
    _instance: wgpu::Instance,
}

/// What the drivers printed on stderr while the shared devices were opened.
static DEVICE_OUTPUT: Mutex<String> = Mutex::new(String::new());

/// How long after a failed attempt to re-create a lost device the next attempt waits; requests
/// run on the CPU meanwhile.
const RECOVERY_BACKOFF: Duration = Duration::from_secs(10);

impl std::fmt::Debug for GpuBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GpuBackend({})", self.describe())
    }
}

impl GpuBackend {
    /// The process-wide backend on the best adapter of any kind (hardware first, a software one
    /// otherwise), created on first use; `Err` says why none exists. Never panics or hangs when
    /// no driver is installed (wgpu answers `NotFound` at once).
    pub fn shared() -> Result<&'static GpuBackend, String> {
        Self::shared_of(AdapterKind::Any)
    }

    /// The process-wide backend on the best adapter `kind` allows, created on first use (the
    /// drivers' stderr output meanwhile is kept: [`Self::driver_output`]).
    pub fn shared_of(kind: AdapterKind) -> Result<&'static GpuBackend, String> {
        static HARDWARE: OnceLock<Result<GpuBackend, String>> = OnceLock::new();
        static ANY: OnceLock<Result<GpuBackend, String>> = OnceLock::new();
        let cell = match kind {
            AdapterKind::Hardware => &HARDWARE,
            AdapterKind::Any => &ANY,
        };
        cell.get_or_init(|| {
            let (instance, adapter) = adapter::search(kind).found.as_ref().map_err(Clone::clone)?;
            let mut said = DEVICE_OUTPUT.lock().unwrap_or_else(|p| p.into_inner());
            adapter::quietly_into(&mut said, || GpuBackend::new(instance.clone(), adapter))
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// The best adapter's facts without creating a device: `(name, is_hardware)`.
    pub fn probe() -> Result<(String, bool), String> {
        Self::probe_of(AdapterKind::Any)
    }

    /// The facts of the best adapter `kind` allows, without creating a device:
    /// `(name, is_hardware)`.
    pub fn probe_of(kind: AdapterKind) -> Result<(String, bool), String> {
        let (_, adapter) = adapter::search(kind).found.as_ref().map_err(Clone::clone)?;
        let info = adapter.get_info();
        Ok((
            format!("{} ({:?}, {:?})", info.name, info.backend, info.device_type),
            adapter::is_hardware(&info),
        ))
    }

    /// What the GPU drivers printed on stderr while this process searched for an adapter and
    /// opened its device (kept off the terminal; `-v` shows it). Empty before any search.
    pub fn driver_output() -> String {
        let device = DEVICE_OUTPUT.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let searches = [AdapterKind::Hardware, AdapterKind::Any]
            .map(|k| adapter::searched(k).map(|s| s.driver_output.as_str()).unwrap_or(""));
        searches.concat() + &device
    }

    fn new(instance: wgpu::Instance, adapter: &wgpu::Adapter) -> Result<GpuBackend, String> {
        let info = adapter.get_info();
        // The adapter's own limits (16384² textures, GiB buffers on real GPUs), not WebGPU's
        // conservative defaults.
        let limits = adapter.limits();
        let ctx = Context::open(adapter, &info, &limits)?;
        Ok(GpuBackend {
            ctx: RwLock::new(Arc::new(ctx)),
            adapter: adapter.clone(),
            info,
            limits,
            permit: Mutex::new(()),
            failed_recovery: Mutex::new(None),
            _instance: instance,
        })
    }

    /// The device to run on: the current one, or — when it has been lost — a new one opened on
    /// the same adapter (at most one attempt per [`RECOVERY_BACKOFF`] after a failure). `Err`
    /// when the device is lost and cannot be re-created now.
    fn context(&self) -> Result<Arc<Context>, GpuFailure> {
        let current = self.ctx.read().unwrap_or_else(|p| p.into_inner()).clone();
        if !current.lost.load(Ordering::SeqCst) {
            return Ok(current);
        }
        let mut ctx = self.ctx.write().unwrap_or_else(|p| p.into_inner());
        if !ctx.lost.load(Ordering::SeqCst) {
            return Ok(ctx.clone()); // another request re-created it meanwhile
        }
        let mut failed = self.failed_recovery.lock().unwrap_or_else(|p| p.into_inner());
        if failed.is_some_and(|t| t.elapsed() < RECOVERY_BACKOFF) {
            return Err(GpuFailure::Failed("the GPU device was lost".into()));
        }
        match Context::open(&self.adapter, &self.info, &self.limits) {
            Ok(fresh) => {
                eprintln!("ossimg: GPU device re-created on {} after a loss", self.info.name);
                *failed = None;
                *ctx = Arc::new(fresh);
                Ok(ctx.clone())
            }
            Err(e) => {
                *failed = Some(Instant::now());
                Err(GpuFailure::Failed(format!("the GPU device was lost and {e}")))
            }
        }
    }

    /// Destroys the device as a driver reset or a GPU fault would, for tests of the fallback
    /// (`tests/gpu_lost.rs`); never called by the service. With `noticed`, waits until the loss
    /// has been reported (the next run re-creates the device first); without, the next run meets
    /// the dead device mid-way, fails, and its request re-runs on the CPU.
    #[doc(hidden)]
    pub fn lose_device_for_test(&self, noticed: bool) {
        let ctx = self.ctx.read().unwrap_or_else(|p| p.into_inner()).clone();
        ctx.device.destroy();
        if noticed {
            // The lost callback runs from device maintenance.
            let _ = ctx.device.poll(wgpu::PollType::wait_indefinitely());
        }
    }

    /// Whether the current device has been reported lost (and not yet re-created).
    #[doc(hidden)]
    pub fn device_lost(&self) -> bool {
        self.ctx.read().unwrap_or_else(|p| p.into_inner()).lost.load(Ordering::SeqCst)
    }

    /// `"name (backend, device type)"`, for logs.
    pub fn describe(&self) -> String {
        format!("{} ({:?}, {:?})", self.info.name, self.info.backend, self.info.device_type)
    }

    /// True when the adapter is real hardware; lavapipe/llvmpipe report `DeviceType::Cpu`.
    pub fn is_hardware(&self) -> bool {
        adapter::is_hardware(&self.info)
    }

    /// The largest texture side this device accepts (16384 on lavapipe and most GPUs).
    pub fn max_side(&self) -> u32 {
        self.limits.max_texture_dimension_2d
    }

    /// The largest storage buffer one binding may hold, in bytes: bounds the stage tables and a
    /// composite's overlay (4 bytes a pixel).
    pub fn max_storage_binding(&self) -> u64 {
        self.limits.max_storage_buffer_binding_size
    }
}
