//! Watermark geometry (spec §3.15): where a watermark block lands on the running image, how a
//! text and an image part share one block (`order`, `align`, `interval`), how `fill` tiles it,
//! and how a watermark image's nested process is resolved against the main image (`P`). The
//! overlays' pixels come from an [`Overlays`] provider; this module only places them as
//! [`Stage::Composite`] stages.

use std::sync::Arc;

use super::geometry::Canvas;
use super::Overlays;
use crate::error::Result;
use crate::pipeline::{Image, Stage, Tiling};
use crate::process::{Action, Gravity, ProcessSpec, Resize, ResizeMode, Watermark};

/// Largest side a nested `resize,P_` asks for (the `resize` limit of spec §2): a watermark as wide
/// as a main image over 16384 px is clipped rather than refused.
const MAX_P_SIDE: u32 = 16_384;

/// The top-left corner of a `block` (w, h) placed on `main` (W, H) by anchor `g` with margins `x`,
/// `y` and `voffset`, exactly per the table of spec §3.15: `x` counts from the left edge for the
/// west tiles and from the right edge for the east ones (ignored for north/center/south), `y`
/// likewise from the top or bottom (ignored for west/center/east), and a positive `voffset` moves
/// a west/center/east block up (spec \[U\] recommendation). Centring divides by two rounding toward
/// negative infinity, so a block wider than the image overhangs one pixel more on the right.
/// The result may lie partly or wholly outside the image (the compositor clips).
pub fn place(
    g: Gravity,
    (x, y, voffset): (u32, u32, i32),
    (main_w, main_h): (u32, u32),
    (w, h): (u32, u32),
) -> (i64, i64) {
    let (free_w, free_h) = (i64::from(main_w) - i64::from(w), i64::from(main_h) - i64::from(h));
    let (x, y, voffset) = (i64::from(x), i64::from(y), i64::from(voffset));
    let left = match g {
        Gravity::Nw | Gravity::West | Gravity::Sw => x,
        Gravity::North | Gravity::Center | Gravity::South => free_w.div_euclid(2),
        Gravity::Ne | Gravity::East | Gravity::Se => free_w - x,
    };
    let top = match g {
        Gravity::Nw | Gravity::North | Gravity::Ne => y,
        Gravity::West | Gravity::Center | Gravity::East => free_h.div_euclid(2) - voffset,
        Gravity::Sw | Gravity::South | Gravity::Se => free_h - y,
    };
    (left, top)
}

/// One part of a watermark block: its offset inside the block and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// Left edge inside the block.
    pub x: u32,
    /// Top edge inside the block.
    pub y: u32,
}

/// The block of a text + image watermark (spec §3.15, "text and image in one action"): the parts
/// side by side, the first on the left (`order`: image first unless `text_first`), `interval` px
/// apart, aligned vertically by `align` (0 top, 1 middle — the smaller part at
/// `(H − h) / 2` rounded down —, 2 bottom). Returns the block size and each part's offset,
/// `(image, text)`.
pub fn layout_mixed(
    image: (u32, u32),
    text: (u32, u32),
    text_first: bool,
    align: u32,
    interval: u32,
) -> ((u32, u32), Part, Part) {
    let (first, second) = if text_first { (text, image) } else { (image, text) };
    let width = first.0.saturating_add(interval).saturating_add(second.0);
    let height = first.1.max(second.1);
    let top = |h: u32| match align {
        0 => 0,
        1 => (height - h) / 2,
        _ => height - h,
    };
    let first_part = Part { x: 0, y: top(first.1) };
    let second_part = Part { x: first.0.saturating_add(interval), y: top(second.1) };
    let (image_part, text_part) =
        if text_first { (second_part, first_part) } else { (first_part, second_part) };
    ((width, height), image_part, text_part)
}

/// The tiling of a `fill_1` block of `block` size for a text of font size `size`: the block
/// repeats every `block + size` px on both axes (a gap of one font size), and each row is shifted
/// right by half a period (a brick pattern, so rotated or long texts do not form stripes).
pub fn fill_tiling(block: (u32, u32), size: u32) -> Tiling {
    let step_x = block.0.saturating_add(size).max(1);
    let step_y = block.1.saturating_add(size).max(1);
    Tiling { step_x, step_y, row_shift: step_x / 2 }
}

/// The nested cascade of a watermark image, ready to plan against the watermark's own header:
/// every `resize` with `P` becomes a proportional `resize` to `P`% of the main image's width
/// (`round(W·P/100)`, at least 1 and at most 16384 px), enlarging if it must (spec §3.15 \[U\]:
/// `P` replaces the resize's other sizes and its `limit`); other actions are kept as written.
pub fn nested_spec(actions: &[Action], main: (u32, u32)) -> ProcessSpec {
    let actions = actions
        .iter()
        .map(|a| match a {
            Action::Resize(Resize { main_percent: Some(p), color, .. }) => {
                let w = (u64::from(main.0) * u64::from(*p) + 50) / 100;
                let w = u32::try_from(w).unwrap_or(u32::MAX).clamp(1, MAX_P_SIDE);
                Action::Resize(Resize {
                    mode: ResizeMode::Lfit,
                    w: Some(w),
                    h: None,
                    l: None,
                    s: None,
                    limit: false,
                    color: *color,
                    p: None,
                    main_percent: None,
                })
            }
            a => a.clone(),
        })
        .collect();
    ProcessSpec { actions }
}

/// An i64 offset as the i32 a composite carries; offsets this far out are off the image anyway
/// (images are at most 30000 px a side), so saturating keeps them outside.
fn offset(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX })
}

/// Moves a tiled lattice's origin next to the image without changing the lattice: whole periods
/// are taken off `y` (each one carries a row shift on `x`), then off `x`.
fn normalise(x: i64, y: i64, t: &Tiling) -> (i64, i64) {
    let rows = y.div_euclid(i64::from(t.step_y));
    let x = x - rows * i64::from(t.row_shift);
    (x.rem_euclid(i64::from(t.step_x)), y.rem_euclid(i64::from(t.step_y)))
}

impl Canvas {
    /// A `watermark` action: asks `overlays` for its parts (the text block, the watermark image
    /// processed for the current size), lays them out, places the block, and pushes one
    /// [`Stage::Composite`] per part at opacity `t`. The image keeps its size. `t_0` draws
    /// nothing (the parts are still prepared, so a missing watermark object is an error either
    /// way).
    pub(super) fn watermark(&mut self, w: &Watermark, overlays: &mut dyn Overlays) -> Result<()> {
        let main = (self.width, self.height);
        let image = match &w.image {
            Some(img) => Some(overlays.image(img, main)?),
            None => None,
        };
        let text = match &w.text {
            Some(mark) => Some(overlays.text(mark)?),
            None => None,
        };
        let size = |i: &Arc<Image>| (i.width, i.height);
        let (block, parts): (_, Vec<(Arc<Image>, Part)>) = match (image, text) {
            (Some(img), Some(txt)) => {
                let (block, ip, tp) =
                    layout_mixed(size(&img), size(&txt), w.order_text_first, w.align, w.interval);
                (block, vec![(img, ip), (txt, tp)])
            }
            (Some(one), None) | (None, Some(one)) => (size(&one), vec![(one, Part { x: 0, y: 0 })]),
            (None, None) => return Ok(()),
        };
        if w.t == 0 {
            return Ok(());
        }
        let (left, top) = place(w.g, (w.x, w.y, w.voffset), main, block);
        let tiling = w.text.as_ref().filter(|m| m.fill).map(|m| fill_tiling(block, m.size));
        for (overlay, part) in parts {
            let (x, y) = (left + i64::from(part.x), top + i64::from(part.y));
            let stage = match &tiling {
                None => Stage::composite(overlay, offset(x), offset(y), w.t),
                Some(t) => {
                    let (x, y) = normalise(x, y, t);
                    Stage::composite_tiled(overlay, offset(x), offset(y), w.t, *t)
                }
            };
            self.stages.push(stage);
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "watermark_tests.rs"]
mod tests;
