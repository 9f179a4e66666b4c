// mask_circle: scale alpha by the anti-aliased coverage of the centred circle of radius
// `radius + 0.5` (capped at half the shorter side). Twin of `backend::cpu::mask_circle` and
// `pipeline::kernels::circle_coverage`; colour kept.

// Mirrors MaskParams in src/pipeline/mod.rs.
struct Params {
    radius: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var src: texture_2d<f32>;
@group(0) @binding(2) var dst: texture_storage_2d<rgba8unorm, write>;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let size = textureDimensions(dst);
    if (id.x >= size.x || id.y >= size.y) {
        return;
    }
    let w = f32(size.x);
    let h = f32(size.y);
    let radius = min(f32(params.radius) + 0.5, min(w, h) * 0.5);
    let d = vec2<f32>(f32(id.x) + 0.5 - w * 0.5, f32(id.y) + 0.5 - h * 0.5);
    let cov = clamp(radius - sqrt(d.x * d.x + d.y * d.y) + 0.5, 0.0, 1.0);
    var v = round(textureLoad(src, id.xy, 0) * 255.0);
    if (cov < 1.0) {
        // to_u8: floor(x + 0.5), clamped.
        v.a = floor(clamp(v.a * cov + 0.5, 0.0, 255.0));
    }
    textureStore(dst, id.xy, v / 255.0);
}
