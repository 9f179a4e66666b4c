//! Rasterisation of a laid-out line: glyph outlines, scaled and rotated, become anti-aliased
//! coverage (ab_glyph_rasterizer), which becomes the straight-alpha RGBA block, with its shadow.

use super::fonts::FontSet;
use super::layout::Line;
use crate::pipeline::Image;
use crate::{Error, ErrorKind, Result};
use ab_glyph_rasterizer::{point, Rasterizer};
use rustybuzz::ttf_parser::{self, GlyphId, OutlineBuilder};
use std::collections::HashMap;

/// Most pixels of a rendered block (and of one glyph's raster): 96 Mi px, 384 MiB of RGBA. Every
/// unrotated block of a valid mark fits: the widest, 64 × "M" at size 1000 in Droid Sans Fallback
/// (its Latin drawn by Zen Hei), is 52 438 × 1 309 px = 68.6 M px, 71.3 M with its shadow. A long
/// line rotated near 45° may not (its bounding box is mostly empty corners): it is refused rather
/// than allocating gigabytes.
pub(super) const MAX_BLOCK_PIXELS: u64 = 96 << 20;

/// Slack when rounding a box out: a side computed as 40.0000001 px (a float sum of advances, a
/// cosine of 360°) is 40 px, not 41.
const ROUND_OUT_SLACK: f64 = 1e-6;

/// The block's geometry: the unrotated box (`w`×`h`), the rotation, and the rotated box
/// (`out_w`×`out_h`) it is drawn in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    w: f64,
    h: f64,
    cos: f64,
    sin: f64,
    /// Width of the rotated block's bounding box, in px.
    pub out_w: u64,
    /// Height of the rotated block's bounding box, in px.
    pub out_h: u64,
}

/// `v` rounded up to whole pixels (at least 1, at most `u32::MAX`).
fn round_out(v: f64) -> u64 {
    if v.is_nan() {
        return 1;
    }
    (v - ROUND_OUT_SLACK).ceil().clamp(1.0, f64::from(u32::MAX)) as u64
}

impl Frame {
    /// The frame of a `w`×`h` px box (fractional; rounded out here) turned `rotate` degrees
    /// clockwise about its centre. Multiples of 90° use exact sines, so 0 and 360 give the box
    /// itself and 90 swaps its sides.
    pub(super) fn new(w: f64, h: f64, rotate: u32) -> Frame {
        let (w, h) = (round_out(w) as f64, round_out(h) as f64);
        let (sin, cos) = match rotate % 360 {
            0 => (0.0, 1.0),
            90 => (1.0, 0.0),
            180 => (0.0, -1.0),
            270 => (-1.0, 0.0),
            d => f64::from(d).to_radians().sin_cos(),
        };
        let out_w = round_out(w * cos.abs() + h * sin.abs());
        let out_h = round_out(w * sin.abs() + h * cos.abs());
        Frame { w, h, cos, sin, out_w, out_h }
    }

    /// A point of the unrotated box (px, y down) in the rotated box: rotated clockwise on the
    /// screen (y down) about the centres of both boxes.
    fn map(&self, x: f64, y: f64) -> (f64, f64) {
        let (dx, dy) = (x - self.w / 2.0, y - self.h / 2.0);
        (
            dx * self.cos - dy * self.sin + self.out_w as f64 / 2.0,
            dx * self.sin + dy * self.cos + self.out_h as f64 / 2.0,
        )
    }
}

/// The shadow's offset down and right in px for text of `size` px: 1/20 em, at least 1 px.
pub(super) fn shadow_offset(size: f64) -> u64 {
    (size / 20.0).round().max(1.0) as u64
}

/// What the block looks like.
#[derive(Debug, Clone, Copy)]
pub(super) struct Paint {
    /// Text colour.
    pub color: [u8; 3],
    /// Shadow opacity 0–100 (0: none).
    pub shadow: u32,
    /// Shadow offset in px (used when `shadow` > 0).
    pub shadow_offset: u64,
}

/// Refuses a block of `w`×`h` px over [`MAX_BLOCK_PIXELS`].
fn check_size(w: u64, h: u64) -> Result<()> {
    match w.checked_mul(h) {
        Some(n) if n <= MAX_BLOCK_PIXELS => Ok(()),
        _ => Err(Error::new(
            ErrorKind::WatermarkError,
            format!(
                "watermark: the text block would be {w}×{h} px, over the limit of \
                 {MAX_BLOCK_PIXELS} px; use a smaller size or a shorter text."
            ),
        )),
    }
}

/// Draws `line` in `frame` and paints it: the coverage of every glyph (`.notdef` never drawn),
/// then the colour and the shadow.
pub(super) fn draw(fonts: &FontSet, line: &Line, frame: &Frame, paint: &Paint) -> Result<Image> {
    let d = if paint.shadow > 0 { paint.shadow_offset } else { 0 };
    let (ow, oh) = (frame.out_w, frame.out_h);
    let (total_w, total_h) = (ow.saturating_add(d), oh.saturating_add(d));
    check_size(total_w, total_h)?;
    let coverage = coverage(fonts, line, frame)?;
    Ok(paint_block(&coverage, ow as usize, oh as usize, d as usize, paint))
}

/// A point of the rotated box, px.
type P = (f64, f64);

/// One outline segment in the rotated box.
#[derive(Debug, Clone, Copy)]
enum Segment {
    Line(P, P),
    Quad(P, P, P),
    Cubic(P, P, P, P),
}

/// Collects a glyph's outline in the rotated box (f64: blocks reach tens of thousands of px),
/// closing open contours, and the box of its points.
struct Collector<'a> {
    frame: &'a Frame,
    /// Origin of the glyph in the unrotated box, px.
    x: f64,
    y: f64,
    /// px per font unit.
    scale: f64,
    segments: Vec<Segment>,
    start: P,
    current: P,
    open: bool,
    min: P,
    max: P,
}

impl<'a> Collector<'a> {
    fn new(frame: &'a Frame, x: f64, y: f64, scale: f64) -> Self {
        Collector {
            frame,
            x,
            y,
            scale,
            segments: Vec::new(),
            start: (0.0, 0.0),
            current: (0.0, 0.0),
            open: false,
            min: (f64::INFINITY, f64::INFINITY),
            max: (f64::NEG_INFINITY, f64::NEG_INFINITY),
        }
    }

    /// A font-unit point (y up) in the rotated box.
    fn at(&mut self, fx: f32, fy: f32) -> P {
        let p = self
            .frame
            .map(self.x + f64::from(fx) * self.scale, self.y - f64::from(fy) * self.scale);
        self.min = (self.min.0.min(p.0), self.min.1.min(p.1));
        self.max = (self.max.0.max(p.0), self.max.1.max(p.1));
        p
    }

    /// Closes the open contour with a line back to its start.
    fn close_contour(&mut self) {
        if self.open && self.current != self.start {
            self.segments.push(Segment::Line(self.current, self.start));
        }
        self.current = self.start;
        self.open = false;
    }

    /// Adds the segments to `raster`, shifted so `origin` is its (0, 0).
    fn draw(&self, raster: &mut Rasterizer, origin: P) {
        let p = |(x, y): P| point((x - origin.0) as f32, (y - origin.1) as f32);
        for s in &self.segments {
            match *s {
                Segment::Line(a, b) => raster.draw_line(p(a), p(b)),
                Segment::Quad(a, b, c) => raster.draw_quad(p(a), p(b), p(c)),
                Segment::Cubic(a, b, c, d) => raster.draw_cubic(p(a), p(b), p(c), p(d)),
            }
        }
    }
}

impl OutlineBuilder for Collector<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close_contour();
        self.start = self.at(x, y);
        self.current = self.start;
        self.open = true;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.at(x, y);
        self.segments.push(Segment::Line(self.current, p));
        self.current = p;
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (c, p) = (self.at(x1, y1), self.at(x, y));
        self.segments.push(Segment::Quad(self.current, c, p));
        self.current = p;
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (c1, c2, p) = (self.at(x1, y1), self.at(x2, y2), self.at(x, y));
        self.segments.push(Segment::Cubic(self.current, c1, c2, p));
        self.current = p;
    }

    fn close(&mut self) {
        self.close_contour();
    }
}

/// The coverage (0–255) of every glyph of `line` in the rotated box, row-major `out_w`×`out_h`.
/// Each glyph is rasterised on its own, in a raster just larger than its outline (the curves lie
/// inside their control points' box, so no point falls outside it: ab_glyph_rasterizer needs
/// that), and added to the block with saturation — overlapping glyphs (a mark on its base) union.
/// Ink outside the box (an overhang past the first or last advance, a fallback glyph taller than
/// the primary font) is clipped.
fn coverage(fonts: &FontSet, line: &Line, frame: &Frame) -> Result<Vec<u8>> {
    let (ow, oh) = (frame.out_w as usize, frame.out_h as usize);
    let mut out = vec![0u8; ow * oh];
    let mut parsed: HashMap<usize, Option<ttf_parser::Face<'_>>> = HashMap::new();
    let mut raster = Rasterizer::new(0, 0);
    for g in &line.glyphs {
        if g.id == 0 {
            continue; // `.notdef`: never a tofu box
        }
        let Some(face) = parsed.entry(g.face).or_insert_with(|| fonts.face(g.face).parse()) else {
            continue;
        };
        let mut c = Collector::new(frame, g.x, g.y, g.scale);
        if face.outline_glyph(GlyphId(g.id), &mut c).is_none() {
            continue; // a space, or a glyph without an outline
        }
        c.close_contour();
        if c.segments.is_empty() || !(c.min.0.is_finite() && c.max.0.is_finite()) {
            continue;
        }
        // The glyph's raster: its box rounded out plus one pixel of margin each side.
        let (x0, y0) = (c.min.0.floor() - 1.0, c.min.1.floor() - 1.0);
        let (x1, y1) = (c.max.0.ceil() + 1.0, c.max.1.ceil() + 1.0);
        if x1 <= 0.0 || y1 <= 0.0 || x0 >= ow as f64 || y0 >= oh as f64 {
            continue; // wholly outside the block
        }
        let (rw, rh) = ((x1 - x0) as u64, (y1 - y0) as u64);
        check_size(rw, rh)?;
        let (rw, rh) = (rw as usize, rh as usize);
        raster.reset(rw, rh);
        c.draw(&mut raster, (x0, y0));
        let (gx, gy) = (x0 as i64, y0 as i64);
        raster.for_each_pixel(|i, a| {
            let (x, y) = (gx + (i % rw) as i64, gy + (i / rw) as i64);
            if a > 0.0 && x >= 0 && y >= 0 && (x as usize) < ow && (y as usize) < oh {
                let v = (a.min(1.0) * 255.0).round() as u8;
                let o = &mut out[y as usize * ow + x as usize];
                *o = o.saturating_add(v);
            }
        });
    }
    Ok(out)
}

/// The RGBA block: `coverage` (`w`×`h`) in `paint.color`, over its shadow when `d` > 0 — the
/// same coverage in black, alpha × shadow/100, `d` px down and right — in a block `d` px wider
/// and taller. Straight alpha; a fully transparent pixel keeps the text colour.
fn paint_block(coverage: &[u8], w: usize, h: usize, d: usize, paint: &Paint) -> Image {
    let [r, g, b] = paint.color;
    let (tw, th) = (w + d, h + d);
    let mut pixels = vec![0u8; tw * th * 4];
    if d == 0 {
        for (px, &a) in pixels.chunks_exact_mut(4).zip(coverage) {
            px.copy_from_slice(&[r, g, b, a]);
        }
        return Image { width: tw as u32, height: th as u32, pixels };
    }
    let k = paint.shadow.min(100);
    let color = [u32::from(r), u32::from(g), u32::from(b)];
    for (y, row) in pixels.chunks_exact_mut(tw * 4).enumerate() {
        for (x, px) in row.chunks_exact_mut(4).enumerate() {
            let a = if x < w && y < h { u32::from(coverage[y * w + x]) } else { 0 };
            let s = if x >= d && y >= d { u32::from(coverage[(y - d) * w + x - d]) } else { 0 };
            let s = (s * k + 50) / 100;
            // "Source over" in units of 255²: text alpha a over shadow alpha s.
            let out = a * 255 + s * (255 - a);
            if out == 0 {
                px.copy_from_slice(&[r, g, b, 0]);
                continue;
            }
            // The shadow is black: only the text contributes colour.
            let c = |v: u32| ((v * a * 255 + out / 2) / out) as u8;
            px.copy_from_slice(&[c(color[0]), c(color[1]), c(color[2]), ((out + 127) / 255) as u8]);
        }
    }
    Image { width: tw as u32, height: th as u32, pixels }
}
