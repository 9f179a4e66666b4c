// color_adjust: brightness and contrast through the 256-entry table of
// `pipeline::kernels::color_adjust_lut` (computed on the CPU, uploaded at binding 3). Twin of
// `backend::cpu::color_adjust`; bit-exact. Alpha is untouched.

// Mirrors ColorAdjustParams in src/pipeline/mod.rs.
struct Params {
    bright: i32,
    contrast: i32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var src: texture_2d<f32>;
@group(0) @binding(2) var dst: texture_storage_2d<rgba8unorm, write>;
// 256 output levels, one per input level.
@group(0) @binding(3) var<storage, read> lut: array<u32>;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let size = textureDimensions(dst);
    if (id.x >= size.x || id.y >= size.y) {
        return;
    }
    // rgba8unorm reads back as level/255: ×255 and round gives the exact 8-bit level.
    let v = vec4<u32>(round(textureLoad(src, id.xy, 0) * 255.0));
    let o = vec4<u32>(lut[v.r & 255u], lut[v.g & 255u], lut[v.b & 255u], v.a);
    textureStore(dst, id.xy, vec4<f32>(o) / 255.0);
}
