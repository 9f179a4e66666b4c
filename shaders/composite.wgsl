// composite: draw the overlay (straight-alpha RGBA8, packed one pixel per u32 at binding 3)
// "source over" the image at (x, y) — or, when step_x and step_y are non-zero, at every lattice
// point (x + r*row_shift + c*step_x, y + r*step_y) — its alpha scaled by opacity/100; pixels the
// overlay does not cover, or covers with zero alpha, are copied. Tiles never overlap (periods are
// at least the overlay's size), so each pixel finds its one tile by a floor division. Twin of `backend::cpu::composite`: the same f32
// operations in the same order, rounded to 8 bits once (±1 where a GPU fuses a multiply-add or
// rounds the division differently).

// Mirrors CompositeParams in src/pipeline/mod.rs.
struct Params {
    x: i32,
    y: i32,
    width: u32,
    height: u32,
    opacity: u32,
    step_x: u32,
    step_y: u32,
    row_shift: u32,
}

// floor(a / b) for b > 0 (WGSL's `/` truncates toward zero).
fn floor_div(a: i32, b: i32) -> i32 {
    let q = a / b;
    return select(q, q - 1, (a % b) != 0 && a < 0);
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var src: texture_2d<f32>;
@group(0) @binding(2) var dst: texture_storage_2d<rgba8unorm, write>;
// width·height overlay pixels, row-major; byte order R, G, B, A (little-endian u32).
@group(0) @binding(3) var<storage, read> overlay: array<u32>;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let size = textureDimensions(dst);
    if (id.x >= size.x || id.y >= size.y) {
        return;
    }
    // rgba8unorm reads back as level/255: ×255 and round gives the exact 8-bit level.
    let d = round(textureLoad(src, id.xy, 0) * 255.0);
    // Overlay coordinates. Offsets past ±2^31 wrap to a negative value, which is outside too.
    var ox = i32(id.x) - params.x;
    var oy = i32(id.y) - params.y;
    if (params.step_x != 0u && params.step_y != 0u) {
        // The tile row, then the column within the row's shifted lattice.
        let sy = i32(params.step_y);
        let sx = i32(params.step_x);
        let r = floor_div(oy, sy);
        oy = oy - r * sy;
        let dx = ox - r * i32(params.row_shift);
        ox = dx - floor_div(dx, sx) * sx;
    }
    if (ox < 0 || oy < 0 || u32(ox) >= params.width || u32(oy) >= params.height) {
        textureStore(dst, id.xy, d / 255.0);
        return;
    }
    let v = overlay[u32(oy) * params.width + u32(ox)];
    let s = vec4<f32>(vec4<u32>(v & 255u, (v >> 8u) & 255u, (v >> 16u) & 255u, v >> 24u));
    let opacity = f32(min(params.opacity, 100u));
    // ALPHA_OPACITY_SCALE = 1/25500: alpha level × opacity → 0–1, a product, not a division.
    let a_s = s.a * opacity * (1.0 / 25500.0);
    if (a_s <= 0.0) {
        textureStore(dst, id.xy, d / 255.0);
        return;
    }
    // ALPHA_SCALE = 1/255.
    let a_d = d.a * (1.0 / 255.0);
    let w_d = a_d * (1.0 - a_s);
    let a_out = a_s + w_d;
    var px = vec4<f32>(0.0);
    if (a_out > 0.0) {
        let c = (s.rgb * a_s + d.rgb * w_d) / a_out;
        px = floor(clamp(vec4<f32>(c, a_out * 255.0) + 0.5, vec4<f32>(0.0), vec4<f32>(255.0)));
    }
    textureStore(dst, id.xy, px / 255.0);
}
