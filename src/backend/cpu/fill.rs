//! `fill`: place the image on a larger canvas of one colour (OSS `pad` modes, padding).

use super::well_formed;
use crate::pipeline::{kernels, FillParams, Image};

/// Returns a `p.width`×`p.height` canvas of `p.color` (0–1 → `round(c·255)`) with `img` copied
/// at (`p.x`, `p.y`). Parts of the image that fall outside the canvas are clipped (the planner
/// never asks for that). The image replaces the canvas; it is not blended over it.
pub fn fill(img: &Image, p: &FillParams) -> Image {
    let mut out = Image::filled(p.width, p.height, kernels::color_to_rgba8(p.color));
    if !well_formed(img) {
        return out;
    }
    let x0 = p.x.min(p.width);
    let y0 = p.y.min(p.height);
    let w = img.width.min(p.width - x0) as usize;
    let h = img.height.min(p.height - y0);
    let src_stride = img.width as usize * 4;
    let dst_stride = p.width as usize * 4;
    for y in 0..h as usize {
        let src = &img.pixels[y * src_stride..y * src_stride + w * 4];
        let d = (y0 as usize + y) * dst_stride + x0 as usize * 4;
        out.pixels[d..d + w * 4].copy_from_slice(src);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_places_the_image_on_the_canvas() {
        let img = Image::filled(2, 1, [9, 8, 7, 255]);
        let p = FillParams { width: 4, height: 3, x: 1, y: 1, color: [1.0, 0.5, 0.0, 0.0] };
        let out = fill(&img, &p);
        assert_eq!((out.width, out.height), (4, 3));
        // 0.5·255 = 127.5 rounds to 128.
        let bg = [255, 128, 0, 0];
        for y in 0..3 {
            for x in 0..4 {
                let want = if y == 1 && (1..3).contains(&x) { [9, 8, 7, 255] } else { bg };
                assert_eq!(out.pixel(x, y), want, "({x},{y})");
            }
        }
    }

    #[test]
    fn fill_clips_an_image_that_overflows() {
        let img = Image::filled(3, 3, [1, 1, 1, 255]);
        let p = FillParams { width: 2, height: 2, x: 1, y: 1, color: [0.0; 4] };
        let out = fill(&img, &p);
        assert_eq!(out.pixel(0, 0), [0, 0, 0, 0]);
        assert_eq!(out.pixel(1, 1), [1, 1, 1, 255]);
        assert_eq!(out.pixel(0, 1), [0, 0, 0, 0]);
    }
}
