// orient: the eight EXIF orientation transforms. Twin of `backend::cpu::orient`; bit-exact moves.

// Mirrors OrientParams in src/pipeline/mod.rs.
struct Params {
    orientation: u32,
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
    let s = textureDimensions(src);
    let w = s.x;
    let h = s.y;
    let i = id.x;
    let j = id.y;
    // Output column i, row j shows source (x, y); 5–8 swap width and height.
    var p = vec2<u32>(i, j);
    switch params.orientation {
        case 2u: { p = vec2<u32>(w - 1u - i, j); }
        case 3u: { p = vec2<u32>(w - 1u - i, h - 1u - j); }
        case 4u: { p = vec2<u32>(i, h - 1u - j); }
        case 5u: { p = vec2<u32>(j, i); }
        case 6u: { p = vec2<u32>(j, h - 1u - i); }
        case 7u: { p = vec2<u32>(w - 1u - j, h - 1u - i); }
        case 8u: { p = vec2<u32>(w - 1u - j, i); }
        default: {}
    }
    textureStore(dst, id.xy, textureLoad(src, p, 0));
}
