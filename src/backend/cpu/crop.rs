//! `crop`: copy a rectangle out of the image.

use super::{blank, well_formed};
use crate::pipeline::{CropParams, Image};

/// Copies the rectangle `p.x, p.y, p.width, p.height` into a new image. The planner keeps the
/// rectangle inside the image; defensively, a rectangle reaching past the edges is cut to the
/// part that overlaps the image (possibly empty).
pub fn crop(img: &Image, p: &CropParams) -> Image {
    let x0 = p.x.min(img.width);
    let y0 = p.y.min(img.height);
    let w = p.width.min(img.width - x0);
    let h = p.height.min(img.height - y0);
    if !well_formed(img) {
        return blank(w, h);
    }
    let src_stride = img.width as usize * 4;
    let row_bytes = w as usize * 4;
    let mut pixels = Vec::with_capacity(row_bytes * h as usize);
    for y in y0..y0 + h {
        let start = y as usize * src_stride + x0 as usize * 4;
        pixels.extend_from_slice(&img.pixels[start..start + row_bytes]);
    }
    Image { width: w, height: h, pixels }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A w×h image whose pixel (x, y) is `[x, y, x + 10·y, 255]`.
    fn ramp(w: u32, h: u32) -> Image {
        let mut pixels = Vec::new();
        for y in 0..h {
            for x in 0..w {
                pixels.extend_from_slice(&[x as u8, y as u8, (x + 10 * y) as u8, 255]);
            }
        }
        Image { width: w, height: h, pixels }
    }

    #[test]
    fn crop_copies_the_rectangle_exactly() {
        let out = crop(&ramp(5, 4), &CropParams { x: 1, y: 2, width: 3, height: 2 });
        assert_eq!((out.width, out.height), (3, 2));
        assert_eq!(out.pixel(0, 0), [1, 2, 21, 255]);
        assert_eq!(out.pixel(2, 1), [3, 3, 33, 255]);
        assert_eq!(out.pixels.len(), 3 * 2 * 4);
    }

    #[test]
    fn crop_past_the_edge_is_cut() {
        let out = crop(&ramp(5, 4), &CropParams { x: 3, y: 3, width: 10, height: 10 });
        assert_eq!((out.width, out.height), (2, 1));
        assert_eq!(out.pixel(1, 0), [4, 3, 34, 255]);
        let out = crop(&ramp(5, 4), &CropParams { x: 9, y: 0, width: 1, height: 1 });
        assert_eq!((out.width, out.height, out.pixels.len()), (0, 1, 0));
    }
}
