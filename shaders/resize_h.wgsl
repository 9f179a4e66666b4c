// resize_h: the horizontal pass of the Lanczos3 resize, integer for integer what
// fast_image_resize does for RGBA8 (twin of `backend::cpu::resize`): i16 fixed-point
// coefficients (binding 3, built on the CPU by `backend::gpu::resize_table`), an i32 sum that
// starts at half a unit, an arithmetic shift and a clip to 0–255 between the passes; alpha
// premultiplied with mul_div_255 before the first pass and divided out after the last.

// Mirrors ResizeParams in src/pipeline/mod.rs.
struct Params {
    width: u32,
    height: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var src: texture_2d<f32>;
@group(0) @binding(2) var dst: texture_storage_2d<rgba8unorm, write>;
// [precision, window, premultiply_in, divide_out, (start, size) per output position...,
//  window coefficients per output position...]
@group(0) @binding(3) var<storage, read> table: array<i32>;

// fast_image_resize alpha::common::mul_div_255: round(a·b/255) without a division.
fn mul_div_255(a: u32, b: u32) -> u32 {
    let t = a * b + 128u;
    return ((t >> 8u) + t) >> 8u;
}

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let size = textureDimensions(dst);
    if (id.x >= size.x || id.y >= size.y) {
        return;
    }
    let shift = u32(table[0]);
    let window = u32(table[1]);
    let n = size.x;
    let i = id.x;
    let start = table[4u + 2u * i];
    let count = table[5u + 2u * i];
    let coeffs = 4u + 2u * n + i * window;
    var acc = vec4<i32>(1 << (shift - 1u));
    for (var k = 0; k < count; k++) {
        var p = vec4<u32>(round(textureLoad(src, vec2<i32>(start + k, i32(id.y)), 0) * 255.0));
        if (table[2] != 0) {
            p = vec4<u32>(mul_div_255(p.r, p.a), mul_div_255(p.g, p.a), mul_div_255(p.b, p.a), p.a);
        }
        acc += vec4<i32>(p) * table[coeffs + u32(k)];
    }
    // Normalizer16::clip: the shifted sum clamped to 0–255.
    var o = vec4<u32>(clamp(acc >> vec4<u32>(shift), vec4<i32>(0), vec4<i32>(255)));
    if (table[3] != 0) {
        // alpha::common::div_and_clip with RECIP_ALPHA (precision 8); alpha 0 gives 0.
        var recip = 0u;
        if (o.a > 0u) {
            recip = ((255u * 512u / o.a) + 1u) >> 1u;
        }
        o = vec4<u32>(min((o.rgb * recip + 128u) >> vec3<u32>(8u), vec3<u32>(255u)), o.a);
    }
    textureStore(dst, id.xy, vec4<f32>(o) / 255.0);
}
