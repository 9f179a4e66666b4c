//! Engines that run a plan's stages. A plan runs wholly on one engine (design.md, "Engines").
//! This build has the CPU engine; the GPU engine (wgpu) joins as a second variant.

pub mod cpu;

use crate::pipeline::{Image, Stage};
use crate::Result;

/// The engine that runs pixel stages, chosen once at start-up and shared by all requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// The CPU engine (`backend::cpu`), available on every host.
    #[default]
    Cpu,
}

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

impl Engine {
    /// Selects the engine for `choice`. This build has no GPU engine: `auto` selects the CPU (as it
    /// does on hosts without a hardware adapter) and `gpu` is refused with a clear error.
    pub fn select(choice: BackendChoice) -> Result<Engine> {
        match choice {
            BackendChoice::Auto | BackendChoice::Cpu => Ok(Engine::Cpu),
            BackendChoice::Gpu => Err(crate::Error::new(
                crate::ErrorKind::NotImplemented,
                "this build of ossimg has no GPU engine; use --backend cpu or auto",
            )),
        }
    }

    /// A short name for logs.
    pub const fn name(self) -> &'static str {
        match self {
            Engine::Cpu => "cpu",
        }
    }

    /// Runs `stages` in order on `image`.
    pub fn run(self, stages: &[Stage], image: Image) -> Result<Image> {
        match self {
            Engine::Cpu => cpu::run(stages, image),
        }
    }
}
