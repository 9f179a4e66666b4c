// sharpen: unsharp mask `out = c + amount·(c − blur3x3(c))`, the 3×3 binomial blur weighed by
// alpha, edges extended, alpha unchanged. Twin of `backend::cpu::sharpen`
// (`pipeline::kernels::SHARPEN_BLUR`, `sharpen_amount`).

// Mirrors SharpenParams in src/pipeline/mod.rs.
struct Params {
    amount: u32,
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
    let amount = f32(params.amount) / 100.0;
    let me = round(textureLoad(src, id.xy, 0) * 255.0);
    let hi = vec2<i32>(size) - vec2<i32>(1);
    // Row-major [1 2 1]ᵀ·[1 2 1] / 16, accumulated in the CPU's order (rows, then columns).
    var acc = vec3<f32>(0.0);
    var wa = 0.0;
    for (var ky = 0; ky < 3; ky++) {
        for (var kx = 0; kx < 3; kx++) {
            let p = clamp(vec2<i32>(id.xy) + vec2<i32>(kx - 1, ky - 1), vec2<i32>(0), hi);
            let n = round(textureLoad(src, p, 0) * 255.0);
            let k = f32((2 - abs(kx - 1)) * (2 - abs(ky - 1))) / 16.0;
            let weight = k * n.a;
            wa += weight;
            acc += weight * n.rgb;
        }
    }
    var out = me;
    if (wa > 0.0) {
        let blurred = acc / wa;
        out = vec4<f32>(floor(clamp(me.rgb + amount * (me.rgb - blurred) + 0.5, vec3<f32>(0.0), vec3<f32>(255.0))), me.a);
    }
    if (amount == 0.0) {
        out = me;
    }
    textureStore(dst, id.xy, out / 255.0);
}
