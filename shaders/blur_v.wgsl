// blur_v: vertical half of the separable Gaussian blur; reads the f32 premultiplied levels of
// blur_h, writes straight-alpha 8-bit. Twin of the second pass of `backend::cpu::blur`.

// Mirrors BlurParams in src/pipeline/mod.rs.
struct Params {
    radius: u32,
    sigma: f32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var src: texture_2d<f32>;
@group(0) @binding(2) var dst: texture_storage_2d<rgba8unorm, write>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let size = textureDimensions(dst);
    if (id.x >= size.x || id.y >= size.y) {
        return;
    }
    let taps = arrayLength(&weights);
    let r = i32(taps / 2u);
    let last = i32(size.y) - 1;
    var acc = vec4<f32>(0.0);
    for (var k = 0; k < i32(taps); k++) {
        let y = clamp(i32(id.y) + k - r, 0, last);
        acc += weights[k] * textureLoad(src, vec2<i32>(i32(id.x), y), 0);
    }
    // unpremultiply: below half a level the pixel is transparent black.
    var px = vec4<f32>(0.0);
    if (acc.a >= 0.5) {
        let k = 255.0 / acc.a;
        px = floor(clamp(vec4<f32>(acc.rgb * k, acc.a) + 0.5, vec4<f32>(0.0), vec4<f32>(255.0)));
    }
    textureStore(dst, id.xy, px / 255.0);
}
