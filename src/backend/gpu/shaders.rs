//! The shader table: every WGSL file the GPU engine compiles ([`SHADERS`]), with its
//! parameter struct size, destination format and extra bindings, and which shaders implement
//! each stage ([`shaders_for`]).

use crate::pipeline::Stage;

/// Where a shader writes: 8-bit levels (every stage's output) or f32 (the blur's middle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `texture_storage_2d<rgba8unorm, write>`.
    Rgba8,
    /// `texture_storage_2d<rgba32float, write>`.
    Rgba32Float,
}

/// One WGSL file: its name (`shaders/<name>.wgsl`), its source, the size of the Rust params
/// struct its binding-0 uniform mirrors, its destination format and the number of read-only
/// storage buffers it takes at bindings 3, 4, … (tables, matrices, a composite's overlay pixels).
#[derive(Debug, Clone, Copy)]
pub struct ShaderInfo {
    /// File stem, e.g. `resize_h`.
    pub name: &'static str,
    /// The WGSL source (compiled into the binary).
    pub source: &'static str,
    /// `size_of` the `#[repr(C)]` params struct in `pipeline` the uniform mirrors.
    pub params_size: usize,
    /// Destination texture format (binding 2).
    pub target: Target,
    /// Read-only storage buffers at bindings 3.. (weights, tables, matrices, overlay pixels).
    pub extras: u32,
}

macro_rules! shader {
    ($name:literal, $params:ty, $target:ident, $extras:literal) => {
        ShaderInfo {
            name: $name,
            source: include_str!(concat!("../../../shaders/", $name, ".wgsl")),
            params_size: std::mem::size_of::<$params>(),
            target: Target::$target,
            extras: $extras,
        }
    };
}

/// Every shader the engine compiles, in a fixed order (the index is the pipeline's index).
pub const SHADERS: [ShaderInfo; 13] = {
    use crate::pipeline::*;
    [
        shader!("resize_v", ResizeParams, Rgba8, 1),
        shader!("resize_h", ResizeParams, Rgba8, 1),
        shader!("crop", CropParams, Rgba8, 0),
        shader!("fill", FillParams, Rgba8, 0),
        shader!("orient", OrientParams, Rgba8, 0),
        shader!("rotate", RotateParams, Rgba8, 1),
        shader!("blur_h", BlurParams, Rgba32Float, 1),
        shader!("blur_v", BlurParams, Rgba8, 1),
        shader!("color_adjust", ColorAdjustParams, Rgba8, 1),
        shader!("sharpen", SharpenParams, Rgba8, 0),
        shader!("mask_circle", MaskParams, Rgba8, 0),
        shader!("mask_rounded", MaskParams, Rgba8, 0),
        shader!("composite", CompositeParams, Rgba8, 1),
    ]
};

/// The shaders that implement `stage` on the GPU, in the order they run. Exhaustive on purpose:
/// a new stage without a GPU twin is a compile error here, and `tests/shaders.rs` fails for a
/// name without a file or a file without a stage.
pub const fn shaders_for(stage: &Stage) -> &'static [&'static str] {
    match stage {
        // fast_image_resize runs the vertical pass first for 8-bit images; so does the GPU.
        Stage::Resize(_) => &["resize_v", "resize_h"],
        Stage::Crop(_) => &["crop"],
        Stage::Fill(_) => &["fill"],
        Stage::Orient(_) => &["orient"],
        Stage::Rotate(_) => &["rotate"],
        Stage::Blur(_) => &["blur_h", "blur_v"],
        Stage::ColorAdjust(_) => &["color_adjust"],
        Stage::Sharpen(_) => &["sharpen"],
        Stage::MaskCircle(_) => &["mask_circle"],
        Stage::MaskRounded(_) => &["mask_rounded"],
        Stage::Composite(..) => &["composite"],
    }
}

pub(super) fn shader_index(name: &str) -> usize {
    // Every name shaders_for returns is in SHADERS (tests/shaders.rs checks it); 0 is never
    // reached in practice and would only run the wrong shader, not panic.
    SHADERS.iter().position(|s| s.name == name).unwrap_or(0)
}
pub(super) fn format_of(t: Target) -> wgpu::TextureFormat {
    match t {
        Target::Rgba8 => wgpu::TextureFormat::Rgba8Unorm,
        Target::Rgba32Float => wgpu::TextureFormat::Rgba32Float,
    }
}
