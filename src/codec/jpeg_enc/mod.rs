//! Baseline JPEG encoder with trellis quantisation, for outputs where bytes matter more than
//! encode time (thumbnails): 4:2:0 YCbCr, libjpeg's quantisation tables for the quality (so
//! `Q_85` means what it means to libjpeg), rate-distortion optimised quantisation (`trellis`),
//! and Huffman tables optimised for the image. The output is a plain JFIF baseline file any
//! decoder reads. libjpeg-turbo has no trellis quantisation and mozjpeg (which has) cannot be
//! linked beside the vendored libjpeg-turbo (same symbols), hence our own. Input: RGBX pixels,
//! or the planar thumbnail path's Y'CbCr planes already at 4:2:0 ([`Source`]).
//!
//! Files: `dct` (forward DCT), `trellis` (quantisation), `entropy` (Huffman tables and the
//! bitstream).

mod dct;
mod entropy;
mod trellis;

use entropy::{BitWriter, Counts, Table};

use crate::pipeline::{Plane, Planes};
use trellis::{Quant, Rate};

/// How the encoder quantises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quantiser {
    /// Rounding, as libjpeg does.
    Round,
    /// Rate-distortion optimised ([`trellis`]).
    Trellis,
}

/// The trellis' bit costs, luma and chroma: fixed (T.81's typical tables), so built once.
static TYPICAL_RATES: std::sync::LazyLock<[Rate; 2]> =
    std::sync::LazyLock::new(|| [Rate::typical(false), Rate::typical(true)]);

/// Components in scan order: Y (2×2 blocks per MCU), Cb, Cr.
const COMPONENTS: usize = 3;

/// The component of the `i`-th block of the scan (six per MCU).
fn component(i: usize) -> usize {
    match i % 6 {
        0..=3 => 0,
        4 => 1,
        _ => 2,
    }
}

/// Quantisation table / Huffman table slot of component `c`: 0 luma, 1 chroma.
fn slot(c: usize) -> usize {
    usize::from(c > 0)
}

/// The encoder's input picture.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// RGBX pixels, 4 bytes per pixel (the 4th ignored), `width·height·4` bytes.
    Rgbx(&'a [u8]),
    /// Y'CbCr planes already at 4:2:0: luma `width × height`, chroma
    /// `ceil(width/2) × ceil(height/2)`, no padding (what `resize_planes` makes).
    Planes(&'a Planes),
}

/// Encodes `src` as a baseline 4:2:0 JPEG at `quality` (1–100). `width` and `height` must be
/// 1–65 500 and match the source's buffers.
pub(crate) fn encode(
    src: Source<'_>,
    width: u32,
    height: u32,
    quality: u32,
    quant: Quantiser,
) -> Vec<u8> {
    let (w, h) = (width as usize, height as usize);
    assert!(w > 0 && h > 0 && w <= 65_500 && h <= 65_500);
    match src {
        Source::Rgbx(pixels) => assert_eq!(pixels.len(), w * h * 4),
        Source::Planes(p) => {
            let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
            assert!((p.width, p.height, p.chroma_step) == (width, height, (2, 2)));
            assert!((p.y.width, p.y.height, p.y.data.len()) == (width, height, w * h));
            for c in [&p.cb, &p.cr] {
                assert!((c.width, c.height, c.data.len()) == (cw, ch, (cw * ch) as usize));
            }
        }
    }
    let (luma_q, chroma_q) = super::jpeg_std::standard_tables(quality);
    // At quality 100 every step is 1: nothing to trade, the trellis would only round.
    let lambda = trellis::lambda(quality);
    let quant = if lambda.is_none() { Quantiser::Round } else { quant };
    let lambda = lambda.unwrap_or(0.0);
    let tables = [Quant::new(&luma_q, lambda), Quant::new(&chroma_q, lambda)];
    let nblocks = w.div_ceil(16) * h.div_ceil(16) * 6;

    let mut scan = Scan::new(nblocks);
    match quant {
        Quantiser::Round => for_each_block(src, w, h, |c, coef| {
            scan.push(c, coef, &tables[slot(c)], &trellis::round)
        }),
        Quantiser::Trellis => {
            let rates = &*TYPICAL_RATES;
            for_each_block(src, w, h, |c, coef| {
                let rate = &rates[slot(c)];
                scan.push(c, coef, &tables[slot(c)], &|k, q, o| trellis::trellis(k, q, rate, o))
            });
        }
    }
    let counts = scan.counts;
    let dc = entropy::tables(&counts[0].dc, &counts[1].dc);
    let ac = entropy::tables(&counts[0].ac, &counts[1].ac);
    let mut out = headers(width, height, &luma_q, &chroma_q, &dc, &ac);
    out.reserve(scan.blocks.len() * 16);
    let mut bw = BitWriter::new(out);
    let mut pred = [0i32; COMPONENTS];
    for (i, (q, &mask)) in scan.blocks.iter().zip(&scan.masks).enumerate() {
        let c = component(i);
        let (d, a) = (&dc[slot(c).min(dc.len() - 1)], &ac[slot(c).min(ac.len() - 1)]);
        bw.block(q, mask, i32::from(q[0]) - pred[c], d, a);
        pred[c] = i32::from(q[0]);
    }
    let mut out = bw.finish();
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// A quantiser: coefficients (zigzag order) and a table into quantised values.
type QuantiseFn<'a> = dyn Fn(&[f32; 64], &Quant, &mut [i16; 64]) + 'a;

/// Quantised blocks in scan order, their non-zero positions, and their symbol statistics.
struct Scan {
    blocks: Vec<[i16; 64]>,
    masks: Vec<u64>,
    counts: [Counts; 2],
    /// Each component's last DC, which the next block's is coded against.
    pred: [i32; COMPONENTS],
}

impl Scan {
    fn new(capacity: usize) -> Scan {
        Scan {
            blocks: Vec::with_capacity(capacity),
            masks: Vec::with_capacity(capacity),
            counts: [Counts::new(), Counts::new()],
            pred: [0; COMPONENTS],
        }
    }

    /// Quantises the next block, of component `c`, with `quantise` and table `q` (a dummy
    /// block when `coef` is None), and counts its symbols.
    fn push(&mut self, c: usize, coef: Option<&[f32; 64]>, q: &Quant, quantise: &QuantiseFn<'_>) {
        let mut out = [0i16; 64];
        match coef {
            Some(coef) => quantise(coef, q, &mut out),
            None => dummy(&mut out, self.pred[c]),
        }
        let mask = entropy::nonzero(&out);
        self.counts[slot(c)].add(&out, mask, i32::from(out[0]) - self.pred[c]);
        self.pred[c] = i32::from(out[0]);
        self.blocks.push(out);
        self.masks.push(mask);
    }
}

/// A block past the component's edge that only fills the last MCU: no AC, the previous DC
/// (a zero difference), as libjpeg writes them; decoders discard its pixels.
fn dummy(q: &mut [i16; 64], pred: i32) {
    q.fill(0);
    q[0] = pred as i16;
}

/// Calls `f(component, coefficients)` for every block of the 4:2:0 scan in MCU order (four Y
/// blocks, then Cb, then Cr), with the orthonormal DCT of its level-shifted samples (zigzag
/// order), or `None` for a Y block wholly outside the image's `ceil(w/8)×ceil(h/8)` blocks.
/// Edges are padded by repeating the last column and row. From RGBX, chroma is that of the mean
/// colour of each 2×2 square; from planes, it is the chroma planes' samples.
fn for_each_block(
    src: Source<'_>,
    w: usize,
    h: usize,
    mut f: impl FnMut(usize, Option<&[f32; 64]>),
) {
    let (yblocks_x, yblocks_y) = (w.div_ceil(8), h.div_ceil(8));
    let pw = w.div_ceil(16) * 16;
    let cw = pw / 2;
    let mut y = vec![0f32; 16 * pw];
    let mut cb = vec![0f32; 8 * cw];
    let mut cr = vec![0f32; 8 * cw];
    let mut block = [0f32; 64];
    for my in 0..h.div_ceil(16) {
        match src {
            Source::Rgbx(pixels) => rgbx_rows(pixels, w, h, my, &mut y, &mut cb, &mut cr),
            Source::Planes(p) => plane_rows(p, my, &mut y, &mut cb, &mut cr),
        }
        for mx in 0..pw / 16 {
            for (by, bx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                if mx * 2 + bx >= yblocks_x || my * 2 + by >= yblocks_y {
                    f(0, None);
                    continue;
                }
                load(&y, pw, by * 8, mx * 16 + bx * 8, &mut block);
                f(0, Some(&dct::forward(&mut block)));
            }
            for (c, plane) in [(1, &cb), (2, &cr)] {
                load(plane, cw, 0, mx * 8, &mut block);
                f(c, Some(&dct::forward(&mut block)));
            }
        }
    }
}

/// Fills MCU row `my`'s level-shifted luma (16 rows of `y`) and chroma (8 rows of `cb`, `cr`),
/// each row as wide as the buffers (whole MCUs), from RGBX pixels `w × h`.
fn rgbx_rows(
    pixels: &[u8],
    w: usize,
    h: usize,
    my: usize,
    y: &mut [f32],
    cb: &mut [f32],
    cr: &mut [f32],
) {
    let (pw, cw) = (y.len() / 16, cb.len() / 8);
    let row = |r: usize| &pixels[r.min(h - 1) * w * 4..][..w * 4];
    for r in 0..16 {
        let dst = &mut y[r * pw..][..pw];
        for (d, p) in dst.iter_mut().zip(row(my * 16 + r).chunks_exact(4)) {
            let (red, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
            *d = 0.299 * red + 0.587 * g + 0.114 * b - 128.0;
        }
        let last = dst[w - 1];
        dst[w..].fill(last);
    }
    for r in 0..8 {
        let (top, bottom) = (row(my * 16 + 2 * r), row(my * 16 + 2 * r + 1));
        let (cb_row, cr_row) = (&mut cb[r * cw..][..cw], &mut cr[r * cw..][..cw]);
        // Cb and Cr of the mean colour of each 2×2 square (the conversion is linear, so
        // this is the mean of the four pixels' Cb and Cr): the pairs of whole columns,
        // then the edge, whose missing column and padding repeat the last pixel.
        let chroma = |[red, g, b]: [i32; 3]| {
            let (red, g, b) = (red as f32 * 0.25, g as f32 * 0.25, b as f32 * 0.25);
            (-0.168_736 * red - 0.331_264 * g + 0.5 * b, 0.5 * red - 0.418_688 * g - 0.081_312 * b)
        };
        let pairs = w / 2;
        let squares = top.chunks_exact(8).zip(bottom.chunks_exact(8));
        for ((db, dr), (t, b)) in cb_row.iter_mut().zip(cr_row.iter_mut()).zip(squares) {
            let s = |c: usize| {
                i32::from(t[c]) + i32::from(t[c + 4]) + i32::from(b[c]) + i32::from(b[c + 4])
            };
            (*db, *dr) = chroma([s(0), s(1), s(2)]);
        }
        if pairs < cw {
            let (t, b) = (&top[(w - 1) * 4..], &bottom[(w - 1) * 4..]);
            let s = |c: usize| 2 * (i32::from(t[c]) + i32::from(b[c]));
            let (lb, lr) = chroma([s(0), s(1), s(2)]);
            cb_row[pairs..].fill(lb);
            cr_row[pairs..].fill(lr);
        }
    }
}

/// [`rgbx_rows`] from 4:2:0 planes: every sample level-shifted, edges repeated.
fn plane_rows(p: &Planes, my: usize, y: &mut [f32], cb: &mut [f32], cr: &mut [f32]) {
    fn rows(plane: &Plane, first: usize, dst: &mut [f32], n: usize) {
        let (w, h) = (plane.width as usize, plane.height as usize);
        let stride = dst.len() / n;
        for (r, out) in dst.chunks_exact_mut(stride).enumerate() {
            let src = &plane.data[(first + r).min(h - 1) * w..][..w];
            for (d, &s) in out.iter_mut().zip(src) {
                *d = f32::from(s) - 128.0;
            }
            let last = out[w - 1];
            out[w..].fill(last);
        }
    }
    rows(&p.y, my * 16, y, 16);
    rows(&p.cb, my * 8, cb, 8);
    rows(&p.cr, my * 8, cr, 8);
}

/// Copies the 8×8 block at (`row`, `col`) of a plane `stride` wide into `block`.
fn load(plane: &[f32], stride: usize, row: usize, col: usize, block: &mut [f32; 64]) {
    for r in 0..8 {
        let s = (row + r) * stride + col;
        block[r * 8..r * 8 + 8].copy_from_slice(&plane[s..s + 8]);
    }
}

/// SOI, JFIF APP0, one DQT segment with both tables, SOF0 (Y 2×2, Cb and Cr 1×1), one DHT
/// segment with the DC and AC tables (one or two of each: chroma uses the last), and the SOS
/// header. One segment per kind saves 4 bytes a table over libjpeg's layout.
fn headers(
    width: u32,
    height: u32,
    luma: &[u16; 64],
    chroma: &[u16; 64],
    dc: &[Table],
    ac: &[Table],
) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    let segment = |out: &mut Vec<u8>, marker: u8, body: &[u8]| {
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&(body.len() as u16 + 2).to_be_bytes());
        out.extend_from_slice(body);
    };
    // JFIF 1.01, no units, 1:1 aspect, no thumbnail (what libjpeg writes).
    segment(&mut out, 0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let mut body = Vec::with_capacity(130);
    for (id, t) in [luma, chroma].into_iter().enumerate() {
        body.push(id as u8);
        body.extend(super::jpeg_std::ZIGZAG.iter().map(|&z| t[z] as u8));
    }
    segment(&mut out, 0xDB, &body);
    let (w, h) = ((width as u16).to_be_bytes(), (height as u16).to_be_bytes());
    segment(&mut out, 0xC0, &[8, h[0], h[1], w[0], w[1], 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    let mut body = Vec::new();
    for (class, tables) in [(0u8, dc), (1, ac)] {
        for (id, t) in tables.iter().enumerate() {
            t.dht(class, id as u8, &mut body);
        }
    }
    segment(&mut out, 0xC4, &body);
    let chroma_tables = ((dc.len() - 1) << 4 | (ac.len() - 1)) as u8;
    segment(&mut out, 0xDA, &[3, 1, 0x00, 2, chroma_tables, 3, chroma_tables, 0, 63, 0]);
    out
}
