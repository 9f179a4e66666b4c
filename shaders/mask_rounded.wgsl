// mask_rounded: scale alpha by the coverage of the image rectangle with corners rounded to
// `radius` (capped at half the shorter side). Twin of `backend::cpu::mask_rounded` and
// `pipeline::kernels::rounded_coverage`; colour kept.

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
    let r = max(min(f32(params.radius), min(w, h) * 0.5), 0.0);
    let px = f32(id.x) + 0.5;
    let py = f32(id.y) + 0.5;
    // Fold onto the top-left corner: distances to the nearest vertical and horizontal edge.
    let qx = min(px, w - px);
    let qy = min(py, h - py);
    var cov = 1.0;
    if (qx < r && qy < r) {
        let dx = r - qx;
        let dy = r - qy;
        cov = clamp(r - sqrt(dx * dx + dy * dy) + 0.5, 0.0, 1.0);
    }
    var v = round(textureLoad(src, id.xy, 0) * 255.0);
    if (cov < 1.0) {
        v.a = floor(clamp(v.a * cov + 0.5, 0.0, 255.0));
    }
    textureStore(dst, id.xy, v / 255.0);
}
