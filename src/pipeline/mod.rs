//! The pixel pipeline's plain data: the in-memory [`Image`] (and the Y'CbCr [`Planes`] of the
//! planar JPEG path), the [`Stage`] list every engine runs, and each stage's parameters (flat
//! `#[repr(C)]` structs that a future WGSL twin mirrors).
//! Knows nothing of files, codecs, wgpu or the network.

pub mod kernels;

use std::sync::Arc;

use bytemuck::{Pod, Zeroable};

/// A decoded image: RGBA8, straight (not premultiplied) alpha, rows packed top to bottom
/// (`pixels.len() == width * height * 4`). Values are sRGB-encoded, as OSS and libvips work.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// RGBA8 pixels, row-major, no padding.
    pub pixels: Vec<u8>,
}

impl Image {
    /// A `width`×`height` image filled with one RGBA colour.
    pub fn filled(width: u32, height: u32, rgba: [u8; 4]) -> Self {
        let n = width as usize * height as usize;
        let mut pixels = Vec::with_capacity(n * 4);
        for _ in 0..n {
            pixels.extend_from_slice(&rgba);
        }
        Image { width, height, pixels }
    }

    /// The RGBA value at (x, y). Panics when out of bounds (callers index inside the image).
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = (y as usize * self.width as usize + x as usize) * 4;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2], self.pixels[i + 3]]
    }

    /// True when some pixel is not fully opaque.
    pub fn has_transparency(&self) -> bool {
        // AND whole pixels as little-endian u32 words over 4096-pixel blocks (a loop without
        // early exit vectorises; whole words avoid a strided byte gather, ~4× faster) and stop at
        // the first block whose alpha byte fell below 255. Runs on every resize of an opaque photo.
        self.pixels.chunks(4 * 4096).any(|block| {
            let all = block
                .chunks_exact(4)
                .fold(u32::MAX, |acc, p| acc & u32::from_le_bytes([p[0], p[1], p[2], p[3]]));
            all >> 24 != 0xFF
        })
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Image({}x{})", self.width, self.height)
    }
}

/// One 8-bit sample plane: `width × height` samples, rows packed top to bottom.
#[derive(Clone, PartialEq, Eq)]
pub struct Plane {
    /// Samples per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// The samples (`width * height`).
    pub data: Vec<u8>,
}

impl Plane {
    /// This plane placed at `offset` in a plane of `size` (grown to hold the plane at the
    /// offset), every sample outside it a copy of the nearest edge sample; itself when nothing
    /// is added. An empty or malformed plane gives zeros.
    pub fn extended(self, offset: (u32, u32), size: (u32, u32)) -> Plane {
        let size = (size.0.max(offset.0 + self.width), size.1.max(offset.1 + self.height));
        if offset == (0, 0) && size == (self.width, self.height) {
            return self;
        }
        let (pw, w, h) = (self.width as usize, size.0 as usize, size.1 as usize);
        if pw == 0 || self.height == 0 || self.data.len() != pw * self.height as usize {
            return Plane { width: size.0, height: size.1, data: vec![0; w * h] };
        }
        let (left, top) = (offset.0 as usize, offset.1 as usize);
        let mut data = Vec::with_capacity(w * h);
        for row in self.data.chunks_exact(pw) {
            data.resize(data.len() + left, row[0]);
            data.extend_from_slice(row);
            data.resize(data.len() + (w - left - pw), row[pw - 1]);
        }
        let last = data.len() - w;
        for _ in self.height as usize + top..h {
            data.extend_from_within(last..last + w);
        }
        // The rows above: copies of the first, inserted in front.
        let first: Vec<u8> = data[..w].to_vec();
        data.splice(0..0, std::iter::repeat_n(first, top).flatten());
        Plane { width: size.0, height: size.1, data }
    }
}

/// An opaque image as the Y, Cb and Cr planes a JPEG stores (JFIF: full-range BT.601, chroma
/// sited between the luma samples it covers). The planar thumbnail path (`job`) decodes a
/// JPEG to these, resizes each plane and encodes them, skipping the RGB conversion and the
/// chroma upsampling the RGBA path spends most of its non-entropy time on.
///
/// A plane may extend right and below the picture (a decoder's whole MCUs): the picture is the
/// top-left `width × height` luma samples and the top-left `width / step_x × height / step_y`
/// (fractional) chroma samples, where `chroma_step = (step_x, step_y)` is the subsampling.
#[derive(Clone, PartialEq, Eq)]
pub struct Planes {
    /// Picture width in luma samples.
    pub width: u32,
    /// Picture height in luma samples.
    pub height: u32,
    /// Luma.
    pub y: Plane,
    /// Blue-difference chroma.
    pub cb: Plane,
    /// Red-difference chroma.
    pub cr: Plane,
    /// Luma samples per chroma sample, horizontally and vertically (1, 2 or 4).
    pub chroma_step: (u32, u32),
}

impl std::fmt::Debug for Plane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Plane({}x{})", self.width, self.height)
    }
}

impl std::fmt::Debug for Planes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Planes({}x{}, chroma {:?})", self.width, self.height, self.chroma_step)
    }
}

/// One pixel stage. The same names are used for the CPU function (`backend::cpu::<name>`) and,
/// later, the WGSL file (`shaders/<name>.wgsl`). Every size, rectangle and angle is resolved by the
/// planner; stages only move pixels. Not `Copy`: [`Stage::Composite`] carries its overlay's pixels
/// (shared, so cloning a stage list stays cheap).
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Resample the whole image to exactly `width`×`height` (Lanczos3).
    Resize(ResizeParams),
    /// Keep the rectangle `x, y, width, height` (always inside the image).
    Crop(CropParams),
    /// Place the image at (`x`, `y`) on a `width`×`height` canvas filled with `color`.
    Fill(FillParams),
    /// Apply one of the eight EXIF orientation transforms (rotations by 90s and mirrors).
    Orient(OrientParams),
    /// Rotate clockwise by any angle onto a grown canvas filled with `fill`.
    Rotate(RotateParams),
    /// Gaussian blur.
    Blur(BlurParams),
    /// Brightness and contrast.
    ColorAdjust(ColorAdjustParams),
    /// Unsharp-mask sharpening.
    Sharpen(SharpenParams),
    /// Make everything outside the centred incircle transparent.
    MaskCircle(MaskParams),
    /// Make everything outside a rounded rectangle transparent.
    MaskRounded(MaskParams),
    /// Draw the overlay (straight-alpha RGBA8, `params.width`×`params.height`) "source over" the
    /// image at (`x`, `y`) — or, tiled, at every point of a lattice through (`x`, `y`) — its alpha
    /// scaled by `opacity`%; the image keeps its size. The building block of watermarks. Build it
    /// with [`Stage::composite`] or [`Stage::composite_tiled`], which keep the params' overlay
    /// size equal to the overlay's.
    Composite(CompositeParams, Arc<Image>),
}

impl Stage {
    /// The stage's name, as used for its CPU function and shader file.
    pub const fn name(&self) -> &'static str {
        match self {
            Stage::Resize(_) => "resize",
            Stage::Crop(_) => "crop",
            Stage::Fill(_) => "fill",
            Stage::Orient(_) => "orient",
            Stage::Rotate(_) => "rotate",
            Stage::Blur(_) => "blur",
            Stage::ColorAdjust(_) => "color_adjust",
            Stage::Sharpen(_) => "sharpen",
            Stage::MaskCircle(_) => "mask_circle",
            Stage::MaskRounded(_) => "mask_rounded",
            Stage::Composite(..) => "composite",
        }
    }

    /// A [`Stage::Composite`] drawing `overlay` with its top-left corner at (`x`, `y`) (either may
    /// be negative or beyond the image: what falls outside is clipped) at `opacity` 0–100.
    pub fn composite(overlay: Arc<Image>, x: i32, y: i32, opacity: u32) -> Stage {
        let untiled = Tiling { step_x: 0, step_y: 0, row_shift: 0 };
        Stage::composite_tiled(overlay, x, y, opacity, untiled)
    }

    /// A [`Stage::Composite`] drawing `overlay` at every point of the lattice `tiling` through
    /// (`x`, `y`) that overlaps the image (a `fill_1` watermark). `tiling`'s periods must be at
    /// least the overlay's size (tiles never overlap) and its row shift below `step_x`, or all
    /// three 0 (one overlay, as [`Stage::composite`]); the engines refuse other values.
    pub fn composite_tiled(
        overlay: Arc<Image>,
        x: i32,
        y: i32,
        opacity: u32,
        tiling: Tiling,
    ) -> Stage {
        let params = CompositeParams {
            x,
            y,
            width: overlay.width,
            height: overlay.height,
            opacity,
            step_x: tiling.step_x,
            step_y: tiling.step_y,
            row_shift: tiling.row_shift,
        };
        Stage::Composite(params, overlay)
    }
}

/// How a tiled composite repeats its overlay: tile `(r, c)` (any integers) has its top-left corner
/// at `(x + r·row_shift + c·step_x, y + r·step_y)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiling {
    /// Horizontal period in px (≥ the overlay's width).
    pub step_x: u32,
    /// Vertical period in px (≥ the overlay's height).
    pub step_y: u32,
    /// How far right each row is shifted from the one above, in px (< `step_x`).
    pub row_shift: u32,
}

/// Parameters of [`Stage::Resize`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct ResizeParams {
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// Padding to 16 bytes (uniform layout).
    pub _pad: [u32; 2],
}

/// Parameters of [`Stage::Crop`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct CropParams {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width of the kept rectangle.
    pub width: u32,
    /// Height of the kept rectangle.
    pub height: u32,
}

/// Parameters of [`Stage::Fill`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct FillParams {
    /// Canvas width.
    pub width: u32,
    /// Canvas height.
    pub height: u32,
    /// Left edge of the image on the canvas.
    pub x: u32,
    /// Top edge of the image on the canvas.
    pub y: u32,
    /// Canvas colour, RGBA in 0–1.
    pub color: [f32; 4],
}

/// Parameters of [`Stage::Orient`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct OrientParams {
    /// EXIF orientation 1–8 whose transform to apply (6 = rotate 90° clockwise, 3 = 180°,
    /// 8 = 270°, 2/4 = mirrors, 5/7 = transpose/transverse).
    pub orientation: u32,
    /// Padding to 16 bytes.
    pub _pad: [u32; 3],
}

/// Parameters of [`Stage::Rotate`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct RotateParams {
    /// Clockwise angle in degrees.
    pub degrees: f32,
    /// Output (grown) canvas width.
    pub width: u32,
    /// Output (grown) canvas height.
    pub height: u32,
    /// Padding.
    pub _pad: u32,
    /// Colour of the exposed corners, RGBA in 0–1.
    pub fill: [f32; 4],
}

/// Parameters of [`Stage::Blur`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct BlurParams {
    /// Kernel radius in pixels (the kernel has `2·radius+1` taps).
    pub radius: u32,
    /// Gaussian standard deviation in pixels.
    pub sigma: f32,
    /// Padding to 16 bytes.
    pub _pad: [u32; 2],
}

/// Parameters of [`Stage::ColorAdjust`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct ColorAdjustParams {
    /// `bright` value, −100…100.
    pub bright: i32,
    /// `contrast` value, −100…100.
    pub contrast: i32,
    /// Padding to 16 bytes.
    pub _pad: [u32; 2],
}

/// Parameters of [`Stage::Sharpen`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct SharpenParams {
    /// `sharpen` value, 50…399.
    pub amount: u32,
    /// Padding to 16 bytes.
    pub _pad: [u32; 3],
}

/// Parameters of [`Stage::MaskCircle`] and [`Stage::MaskRounded`].
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct MaskParams {
    /// Circle or corner radius in pixels.
    pub radius: u32,
    /// Padding to 16 bytes.
    pub _pad: [u32; 3],
}

/// Parameters of [`Stage::Composite`]. Mirrors shaders/composite.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct CompositeParams {
    /// Left edge of the overlay on the image (negative: clipped on the left).
    pub x: i32,
    /// Top edge of the overlay on the image (negative: clipped at the top).
    pub y: i32,
    /// Overlay width in pixels (equals the stage's overlay image width).
    pub width: u32,
    /// Overlay height in pixels (equals the stage's overlay image height).
    pub height: u32,
    /// Opacity 0–100 (OSS watermark `t_`; 100 = the overlay's own alpha).
    pub opacity: u32,
    /// Horizontal tiling period ([`Tiling::step_x`]); 0 = one overlay, not tiled.
    pub step_x: u32,
    /// Vertical tiling period ([`Tiling::step_y`]); 0 when not tiled.
    pub step_y: u32,
    /// Shift of each tile row ([`Tiling::row_shift`]); 0 when not tiled.
    pub row_shift: u32,
}

impl CompositeParams {
    /// The tiling, when the params tile (both periods non-zero).
    pub fn tiling(&self) -> Option<Tiling> {
        (self.step_x != 0 && self.step_y != 0).then_some(Tiling {
            step_x: self.step_x,
            step_y: self.step_y,
            row_shift: self.row_shift,
        })
    }

    /// True when the params can be drawn as they are: not tiled (both periods 0), or tiled with
    /// periods at least the overlay's size and a row shift below the horizontal period.
    pub fn tiling_is_valid(&self) -> bool {
        match (self.step_x, self.step_y) {
            (0, 0) => self.row_shift == 0,
            (sx, sy) => {
                sx >= self.width && sy >= self.height && sx > 0 && sy > 0 && self.row_shift < sx
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparency_is_found_in_any_block() {
        // 9000 pixels: two full 4096-pixel blocks and a partial one.
        let opaque = Image::filled(1000, 9, [9, 9, 9, 255]);
        assert!(!opaque.has_transparency());
        for i in [0, 4095, 4096, 8191, 8192, 8999] {
            let mut img = opaque.clone();
            img.pixels[i * 4 + 3] = 254;
            assert!(img.has_transparency(), "pixel {i}");
            // Colour channels never count.
            let mut img = opaque.clone();
            img.pixels[i * 4] = 0;
            assert!(!img.has_transparency(), "pixel {i}");
        }
        assert!(!Image::filled(0, 0, [0; 4]).has_transparency());
    }

    #[test]
    fn planes_extend_by_their_edge_samples() {
        let p = Plane { width: 2, height: 2, data: vec![1, 2, 3, 4] };
        let e = p.clone().extended((1, 1), (4, 4));
        assert_eq!((e.width, e.height), (4, 4));
        #[rustfmt::skip]
        assert_eq!(e.data, [
            1, 1, 2, 2,
            1, 1, 2, 2,
            3, 3, 4, 4,
            3, 3, 4, 4,
        ]);
        assert_eq!(p.clone().extended((0, 0), (2, 2)), p);
        // Too small a size grows to hold the plane; an empty plane gives zeros.
        assert_eq!(p.clone().extended((0, 1), (1, 1)).data, [1, 2, 1, 2, 3, 4]);
        let empty = Plane { width: 0, height: 3, data: vec![] };
        assert_eq!(empty.extended((0, 0), (2, 1)).data, [0; 6]);
    }
}
