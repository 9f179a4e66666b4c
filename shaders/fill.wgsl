// fill: place the image at (x, y) on a width×height canvas of one colour. Twin of
// `backend::cpu::fill`; bit-exact (the image replaces the canvas, no blending).

// Mirrors FillParams in src/pipeline/mod.rs.
struct Params {
    width: u32,
    height: u32,
    x: u32,
    y: u32,
    color: vec4<f32>,
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
    let s = textureDimensions(src);
    if (id.x >= params.x && id.y >= params.y && id.x - params.x < s.x && id.y - params.y < s.y) {
        textureStore(dst, id.xy, textureLoad(src, id.xy - vec2<u32>(params.x, params.y), 0));
    } else {
        // kernels::color_to_rgba8: round(c·255) half away from zero, clamped to 0–255.
        let levels = floor(clamp(params.color * 255.0 + 0.5, vec4<f32>(0.0), vec4<f32>(255.0)));
        textureStore(dst, id.xy, levels / 255.0);
    }
}
