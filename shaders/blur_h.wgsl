// blur_h: horizontal half of the separable Gaussian blur, on premultiplied alpha, edges
// extended. Twin of the first pass of `backend::cpu::blur`; weights from
// `pipeline::kernels::gaussian_weights` (binding 3). Writes f32 levels (no rounding between the
// passes, as on the CPU).

// Mirrors BlurParams in src/pipeline/mod.rs.
struct Params {
    radius: u32,
    sigma: f32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var src: texture_2d<f32>;
@group(0) @binding(2) var dst: texture_storage_2d<rgba32float, write>;
// 2·r + 1 normalised taps, centre at index r.
@group(0) @binding(3) var<storage, read> weights: array<f32>;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let size = textureDimensions(dst);
    if (id.x >= size.x || id.y >= size.y) {
        return;
    }
    let taps = arrayLength(&weights);
    let r = i32(taps / 2u);
    let last = i32(size.x) - 1;
    var acc = vec4<f32>(0.0);
    for (var k = 0; k < i32(taps); k++) {
        let x = clamp(i32(id.x) + k - r, 0, last);
        let p = round(textureLoad(src, vec2<i32>(x, i32(id.y)), 0) * 255.0);
        let s = vec4<f32>(p.rgb * (p.a * (1.0 / 255.0)), p.a);
        acc += weights[k] * s;
    }
    textureStore(dst, id.xy, acc);
}
