// crop: copy the rectangle x, y, width, height. Twin of `backend::cpu::crop`; bit-exact.

// Mirrors CropParams in src/pipeline/mod.rs.
struct Params {
    x: u32,
    y: u32,
    width: u32,
    height: u32,
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
    let p = vec2<u32>(id.x + params.x, id.y + params.y);
    textureStore(dst, id.xy, textureLoad(src, p, 0));
}
