//! Engines that run a plan's stages: the CPU engine (always available) and, later, the GPU one.

pub mod cpu;
