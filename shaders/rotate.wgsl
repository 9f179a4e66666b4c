// rotate: clockwise rotation by any angle onto the grown canvas, bilinear on premultiplied
// alpha, taps outside the source take the fill colour. Twin of `backend::cpu::rotate`; the
// inverse map is `pipeline::kernels::rotation_inverse`, computed on the CPU (binding 3).

// Mirrors RotateParams in src/pipeline/mod.rs.
struct Params {
    degrees: f32,
    width: u32,
    height: u32,
    _pad: u32,
    fill: vec4<f32>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var src: texture_2d<f32>;
@group(0) @binding(2) var dst: texture_storage_2d<rgba8unorm, write>;
// [a, b, c, d, e, f]: sx = a·x + b·y + c, sy = d·x + e·y + f (pixel centres at +0.5).
@group(0) @binding(3) var<storage, read> m: array<f32>;

fn premultiply(p: vec4<f32>) -> vec4<f32> {
    let k = p.a * (1.0 / 255.0);
    return vec4<f32>(p.rgb * k, p.a);
}

fn tap(x: i32, y: i32, fill: vec4<f32>) -> vec4<f32> {
    let s = vec2<i32>(textureDimensions(src));
    if (x >= 0 && y >= 0 && x < s.x && y < s.y) {
        return premultiply(round(textureLoad(src, vec2<i32>(x, y), 0) * 255.0));
    }
    return fill;
}

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let size = textureDimensions(dst);
    if (id.x >= size.x || id.y >= size.y) {
        return;
    }
    // kernels::color_to_rgba8.
    let fill8 = floor(clamp(params.fill * 255.0 + 0.5, vec4<f32>(0.0), vec4<f32>(255.0)));
    let s = vec2<f32>(textureDimensions(src));
    let xc = f32(id.x) + 0.5;
    let yc = f32(id.y) + 0.5;
    let sx = m[0] * xc + m[1] * yc + m[2];
    let sy = m[3] * xc + m[4] * yc + m[5];
    // Half a pixel or more outside the source: only the fill is touched.
    if (!(sx > -0.5 && sx < s.x + 0.5 && sy > -0.5 && sy < s.y + 0.5)) {
        textureStore(dst, id.xy, fill8 / 255.0);
        return;
    }
    let fill = premultiply(fill8);
    let u = sx - 0.5;
    let v = sy - 0.5;
    let x0 = floor(u);
    let y0 = floor(v);
    let fx = u - x0;
    let fy = v - y0;
    let ix = i32(x0);
    let iy = i32(y0);
    let p00 = tap(ix, iy, fill);
    let p10 = tap(ix + 1, iy, fill);
    let p01 = tap(ix, iy + 1, fill);
    let p11 = tap(ix + 1, iy + 1, fill);
    let top = p00 + (p10 - p00) * fx;
    let bottom = p01 + (p11 - p01) * fx;
    let acc = top + (bottom - top) * fy;
    // unpremultiply; below half a level the pixel is invisible and keeps the fill's colour.
    var px = vec4<f32>(fill8.rgb, 0.0);
    if (acc.a >= 0.5) {
        let k = 255.0 / acc.a;
        px = floor(clamp(vec4<f32>(acc.rgb * k, acc.a) + 0.5, vec4<f32>(0.0), vec4<f32>(255.0)));
        if (px.a == 0.0) {
            px = vec4<f32>(fill8.rgb, 0.0);
        }
    }
    textureStore(dst, id.xy, px / 255.0);
}
