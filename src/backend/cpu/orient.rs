//! `orient`: the eight EXIF orientation transforms (rotations by multiples of 90° and mirrors), of
//! RGBA images and (`orient_plane`) of the planar thumbnail path's sample planes.
//! Bit-exact pixel moves; the transposing ones walk the image in square blocks so both the reads
//! and the writes stay in cache.

use super::{blank, well_formed};
use crate::pipeline::{Image, OrientParams, Plane};

/// Side of the square blocks the transposing transforms copy at a time. 16 rows of a
/// power-of-two-wide image (1024 px: 4 KiB stride) fall in the same L1 cache sets, so larger
/// blocks thrash there. Of 8, 16, 32 and 64 (measured at opt-level 3 on 1024² and 1920×1080),
/// 16 was the best compromise: 32 took ~1.7× as long on 1024², 8 ~30 % longer on 1920×1080.
const BLOCK: usize = 16;

/// Applies the transform that EXIF orientation `p.orientation` prescribes (spec §3.3 table):
/// 1 copy, 2 mirror horizontally, 3 rotate 180°, 4 mirror vertically, 5 transpose, 6 rotate 90°
/// clockwise, 7 transverse, 8 rotate 270° clockwise. 5–8 swap width and height. Any other value
/// copies the image unchanged ([`super::run`] rejects it first).
pub fn orient(img: &Image, p: &OrientParams) -> Image {
    let swaps = matches!(p.orientation, 5..=8);
    if !well_formed(img) || img.pixels.is_empty() {
        return if swaps { blank(img.height, img.width) } else { blank(img.width, img.height) };
    }
    let src: &[[u8; 4]] = bytemuck::cast_slice(&img.pixels);
    let mut pixels = vec![0u8; img.pixels.len()];
    transform(src, bytemuck::cast_slice_mut(&mut pixels), img.width, img.height, p.orientation);
    let (width, height) = if swaps { (img.height, img.width) } else { (img.width, img.height) };
    Image { width, height, pixels }
}

/// [`orient`] for one sample plane (the planar thumbnail path's Y, Cb and Cr).
pub fn orient_plane(plane: &Plane, orientation: u32) -> Plane {
    let mut data = vec![0u8; plane.data.len()];
    transform(&plane.data, &mut data, plane.width, plane.height, orientation);
    let (width, height) = if matches!(orientation, 5..=8) {
        (plane.height, plane.width)
    } else {
        (plane.width, plane.height)
    };
    Plane { width, height, data }
}

/// Which axes of the source EXIF orientation `orientation`'s transform reverses, `(x, y)`: the
/// output's first column comes from the source's last column (x) or row (y) there. The planar
/// path aligns the chroma of an odd-sized thumbnail to the edge that becomes the output's
/// top-left ([`super::resize_planes`]).
pub fn reversed_axes(orientation: u32) -> (bool, bool) {
    match orientation {
        2 | 8 => (true, false),
        3 | 7 => (true, true),
        4 | 6 => (false, true),
        _ => (false, false),
    }
}

/// Fills `dst` with the `w × h` `src` moved by EXIF orientation `orientation` (any other value:
/// a copy). `dst` is as long as `src`.
fn transform<T: Copy>(src: &[T], dst: &mut [T], w: u32, h: u32, orientation: u32) {
    let (w, h) = (w as usize, h as usize);
    match orientation {
        2 => {
            for (d, s) in dst.chunks_exact_mut(w).zip(src.chunks_exact(w)) {
                for (dp, sp) in d.iter_mut().zip(s.iter().rev()) {
                    *dp = *sp;
                }
            }
        }
        3 => {
            for (dp, sp) in dst.iter_mut().zip(src.iter().rev()) {
                *dp = *sp;
            }
        }
        4 => {
            for (d, s) in dst.chunks_exact_mut(w).zip(src.chunks_exact(w).rev()) {
                d.copy_from_slice(s);
            }
        }
        // Output is h wide and w high; (i, j) is the output column and row.
        5 => transpose_blocked(src, dst, w, h, |i, j| (j, i)),
        6 => transpose_blocked(src, dst, w, h, |i, j| (j, h - 1 - i)),
        7 => transpose_blocked(src, dst, w, h, |i, j| (w - 1 - j, h - 1 - i)),
        8 => transpose_blocked(src, dst, w, h, |i, j| (w - 1 - j, i)),
        _ => dst.copy_from_slice(src),
    }
}

/// Fills the `h`-wide, `w`-high `dst` from the `w`×`h` `src`, where `from(i, j)` gives the source
/// `(x, y)` of output column `i`, row `j`. Walks the output in `BLOCK`×`BLOCK` tiles.
#[inline(always)]
fn transpose_blocked<T: Copy>(
    src: &[T],
    dst: &mut [T],
    w: usize,
    h: usize,
    from: impl Fn(usize, usize) -> (usize, usize),
) {
    let (ow, oh) = (h, w);
    for bj in (0..oh).step_by(BLOCK) {
        for bi in (0..ow).step_by(BLOCK) {
            for j in bj..(bj + BLOCK).min(oh) {
                let row = &mut dst[j * ow..(j + 1) * ow];
                for (i, d) in row.iter_mut().enumerate().take((bi + BLOCK).min(ow)).skip(bi) {
                    let (x, y) = from(i, j);
                    *d = src[y * w + x];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 3×2 image, pixel (x, y) = `[10·y + x, 0, 0, 255]`:
    /// ```text
    ///  0  1  2
    /// 10 11 12
    /// ```
    fn sample() -> Image {
        let mut pixels = Vec::new();
        for y in 0..2u8 {
            for x in 0..3u8 {
                pixels.extend_from_slice(&[10 * y + x, 0, 0, 255]);
            }
        }
        Image { width: 3, height: 2, pixels }
    }

    /// The first channel of every pixel, row by row.
    fn grid(img: &Image) -> Vec<Vec<u8>> {
        (0..img.height).map(|y| (0..img.width).map(|x| img.pixel(x, y)[0]).collect()).collect()
    }

    fn run(o: u32) -> Image {
        orient(&sample(), &OrientParams { orientation: o, _pad: [0; 3] })
    }

    #[test]
    fn all_eight_orientations_are_exact() {
        assert_eq!(grid(&run(1)), [vec![0, 1, 2], vec![10, 11, 12]]);
        assert_eq!(grid(&run(2)), [vec![2, 1, 0], vec![12, 11, 10]]);
        assert_eq!(grid(&run(3)), [vec![12, 11, 10], vec![2, 1, 0]]);
        assert_eq!(grid(&run(4)), [vec![10, 11, 12], vec![0, 1, 2]]);
        assert_eq!(grid(&run(5)), [vec![0, 10], vec![1, 11], vec![2, 12]]);
        assert_eq!(grid(&run(6)), [vec![10, 0], vec![11, 1], vec![12, 2]]);
        assert_eq!(grid(&run(7)), [vec![12, 2], vec![11, 1], vec![10, 0]]);
        assert_eq!(grid(&run(8)), [vec![2, 12], vec![1, 11], vec![0, 10]]);
        for o in 5..=8 {
            let out = run(o);
            assert_eq!((out.width, out.height), (2, 3), "orientation {o}");
            assert!(out.pixels.chunks_exact(4).all(|p| p[1..] == [0, 0, 255]));
        }
    }

    #[test]
    fn planes_move_like_images_and_reversed_axes_name_the_corner() {
        let img = sample();
        let plane = Plane { width: 3, height: 2, data: vec![0, 1, 2, 10, 11, 12] };
        for o in 1..=8 {
            let (moved, want) = (orient_plane(&plane, o), run(o));
            assert_eq!((moved.width, moved.height), (want.width, want.height), "orientation {o}");
            assert_eq!(grid(&want).concat(), moved.data, "orientation {o}");
            // The output's top-left sample is the source corner on the reversed axes' far sides.
            let (rx, ry) = reversed_axes(o);
            let corner = img.pixel(if rx { 2 } else { 0 }, if ry { 1 } else { 0 })[0];
            assert_eq!(moved.data[0], corner, "orientation {o}");
        }
    }

    #[test]
    fn blocked_transpose_matches_naive_on_odd_large_sizes() {
        // 70×37 spans several partial 32-pixel blocks in both directions.
        let (w, h) = (70u32, 37u32);
        let mut pixels = Vec::new();
        for y in 0..h {
            for x in 0..w {
                pixels.extend_from_slice(&[x as u8, y as u8, (x ^ y) as u8, 255]);
            }
        }
        let img = Image { width: w, height: h, pixels };
        let out = orient(&img, &OrientParams { orientation: 6, _pad: [0; 3] });
        for j in 0..w {
            for i in 0..h {
                assert_eq!(out.pixel(i, j), img.pixel(j, h - 1 - i));
            }
        }
        // Four quarter turns are the identity.
        let mut r = img.clone();
        for _ in 0..4 {
            r = orient(&r, &OrientParams { orientation: 6, _pad: [0; 3] });
        }
        assert_eq!(r, img);
    }
}
