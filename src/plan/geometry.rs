//! OSS geometry: how each pixel-changing action turns the running image size into stages
//! (resize modes §3.1, crop gravities §3.2, indexcrop §3.9, circle §3.10, rounded corners §3.11,
//! rotate §3.4, and the size-preserving filters). Pure integer arithmetic on sizes; no pixels.

use crate::error::{Error, ErrorKind, Result};
use crate::pipeline::{
    BlurParams, ColorAdjustParams, CropParams, FillParams, MaskParams, OrientParams, ResizeParams,
    RotateParams, SharpenParams, Stage,
};
use crate::process::{Circle, Crop, Gravity, IndexCrop, Resize, ResizeMode, RoundedCorners};

/// EC of a `resize` whose result exceeds the output limits (spec §2, §4.3).
pub(super) const EC_RESIZE_RESULT: &str = "0040-00000007";
/// EC of a `rotate` on an image with a side over 4096 px (spec §2, §4.3).
pub(super) const EC_ROTATE_SOURCE: &str = "0040-00000006";

/// Largest side a `resize` may produce (spec §2, current docs).
const MAX_RESIZE_SIDE: u32 = 16_384;
/// Largest pixel count a `resize` may produce: 4096² (spec §2).
const MAX_RESIZE_PIXELS: u64 = 16_777_216;
/// Largest side `rotate` accepts (spec §2, §3.4).
const MAX_ROTATE_SIDE: u32 = 4_096;
/// Subtracted before `ceil` of the rotated canvas so that float noise on an exact integer
/// (e.g. 100·cos 0° = 100.000000000001) does not add a spurious pixel; far below any real fraction
/// a u32 image side times cos/sin can produce that matters for a canvas size.
const CEIL_EPSILON: f64 = 1e-9;
/// The only message OSS documents for crop errors (spec §4.3); clients may match on it.
pub(super) const CROP_OUT_OF_IMAGE: &str = "Advance cut's position is out of image.";

/// The running image size and the stages that produced it.
#[derive(Debug, Clone)]
pub(super) struct Canvas {
    /// Current logical width.
    pub width: u32,
    /// Current logical height.
    pub height: u32,
    /// Stages so far, in order.
    pub stages: Vec<Stage>,
}

/// `round(n / d)`, round-half-up, for positive `d`, never below 1 (a side of 0 is not an image),
/// saturating at `u32::MAX` (callers check the limits afterwards).
fn round_div(n: u64, d: u64) -> u32 {
    let q = (2 * n + d) / (2 * d);
    u32::try_from(q).unwrap_or(u32::MAX).max(1)
}

/// Fails with EC 0040-00000007 when a resize result exceeds 16384 px on a side or 4096² pixels.
fn check_resize_result(w: u32, h: u32) -> Result<()> {
    if w > MAX_RESIZE_SIDE || h > MAX_RESIZE_SIDE || u64::from(w) * u64::from(h) > MAX_RESIZE_PIXELS
    {
        return Err(Error::invalid(
            EC_RESIZE_RESULT,
            format!(
                "The resize result {w}x{h} exceeds the limit of {MAX_RESIZE_SIDE} px per side \
                 and {MAX_RESIZE_PIXELS} pixels."
            ),
        ));
    }
    Ok(())
}

/// An RGB colour as an opaque RGBA colour in 0–1.
fn opaque(rgb: [u8; 3]) -> [f32; 4] {
    [f32::from(rgb[0]) / 255.0, f32::from(rgb[1]) / 255.0, f32::from(rgb[2]) / 255.0, 1.0]
}

/// The result of fitting `W×H` proportionally to a target.
struct Fit {
    width: u32,
    height: u32,
    /// The scale factor `k` exceeds 1.
    enlarges: bool,
}

/// Proportional fit of `W×H` to `w×h` (either may be absent, not both): `cover = false` is `lfit`
/// (`k = min(w/W, h/H)`), `cover = true` is `mfit` (`k = max(…)`). The driving side gets the target
/// exactly, the other side `round(side·k)`, round-half-up (spec §3.1, "四舍五入").
fn fit(src_w: u32, src_h: u32, w: Option<u32>, h: Option<u32>, cover: bool) -> Fit {
    let (sw, sh) = (u64::from(src_w), u64::from(src_h));
    let width_driven = match (w, h) {
        (Some(_), None) => true,
        (None, _) => false,
        // k_w = w/W vs k_h = h/H, compared exactly as w·H vs h·W.
        (Some(w), Some(h)) => {
            let (kw, kh) = (u64::from(w) * sh, u64::from(h) * sw);
            if cover {
                kw >= kh
            } else {
                kw <= kh
            }
        }
    };
    match (width_driven, w, h) {
        (true, Some(w), _) => {
            Fit { width: w, height: round_div(sh * u64::from(w), sw), enlarges: w > src_w }
        }
        (_, _, Some(h)) => {
            Fit { width: round_div(sw * u64::from(h), sh), height: h, enlarges: h > src_h }
        }
        // Unreachable by construction (callers pass at least one side); keep the size.
        _ => Fit { width: src_w, height: src_h, enlarges: false },
    }
}

impl Canvas {
    /// A canvas of `width`×`height` with no stages yet.
    pub fn new(width: u32, height: u32) -> Self {
        Canvas { width, height, stages: Vec::new() }
    }

    /// Resamples to `w×h`; no stage when the size does not change.
    fn push_resize(&mut self, w: u32, h: u32) {
        if (w, h) != (self.width, self.height) {
            self.stages.push(Stage::Resize(ResizeParams { width: w, height: h, _pad: [0; 2] }));
            self.width = w;
            self.height = h;
        }
    }

    /// Keeps the rectangle (clipped to the image); no stage when it is the whole image.
    fn push_crop(&mut self, x: u32, y: u32, w: u32, h: u32) {
        let x = x.min(self.width.saturating_sub(1));
        let y = y.min(self.height.saturating_sub(1));
        let w = w.min(self.width - x).max(1);
        let h = h.min(self.height - y).max(1);
        if (x, y, w, h) != (0, 0, self.width, self.height) {
            self.stages.push(Stage::Crop(CropParams { x, y, width: w, height: h }));
            self.width = w;
            self.height = h;
        }
    }

    /// Applies one EXIF orientation transform (2–8); 5–8 swap the sides.
    pub fn push_orient(&mut self, orientation: u32) {
        if (2..=8).contains(&orientation) {
            self.stages.push(Stage::Orient(OrientParams { orientation, _pad: [0; 3] }));
            if orientation >= 5 {
                std::mem::swap(&mut self.width, &mut self.height);
            }
        }
    }

    /// `resize` (§3.1). `is_gif`: GIF sources are never enlarged, whatever `limit` says \[C\].
    ///
    /// Precedence: `w`/`h` ⇒ `l`/`s` and `p` ignored; else `l`/`s` map to the larger/smaller
    /// current side; else `p`. With one side only, `lfit`/`mfit` follow the aspect ratio and
    /// `fill`/`pad`/`fixed` use the same value for the missing side.
    ///
    /// \[U\] (spec recommendation): enlargement means `k > 1` for `lfit`/`mfit`/`fill`/`pad` and
    /// `w > W` or `h > H` for `fixed`; with `limit_1` the whole action is then skipped (no pad or
    /// crop either). \[U\] `p` always applies, `limit` or not — except on GIF sources, which are never
    /// enlarged. \[U\] Odd free space of `fill`/`pad` puts the extra pixel right/bottom. \[U\] The
    /// padding of `pad` is opaque. Results over 16384 px/side or 4096² pixels fail (EC
    /// 0040-00000007) rather than being clamped \[U\]; the check applies to every resize that is not
    /// skipped, to the result of `fill`/`pad` (not to `fill`'s covering size: when that is over the
    /// limits, the centred region is cropped first and then resized).
    pub fn resize(&mut self, r: &Resize, is_gif: bool) -> Result<()> {
        let nonzero = |v: Option<u32>| v.filter(|&v| v > 0);
        let (src_w, src_h) = (self.width, self.height);
        let (w, h) = if r.w.is_some() || r.h.is_some() {
            (nonzero(r.w), nonzero(r.h))
        } else if r.l.is_some() || r.s.is_some() {
            // l is the larger current side, s the smaller (spec §3.1 practical rule [D/U]).
            if src_w >= src_h {
                (nonzero(r.l), nonzero(r.s))
            } else {
                (nonzero(r.s), nonzero(r.l))
            }
        } else if let Some(p) = nonzero(r.p) {
            return self.resize_percent(p, is_gif);
        } else {
            (None, None)
        };
        if w.is_none() && h.is_none() {
            return Err(Error::new(
                ErrorKind::MissingArgument,
                "resize needs one of w, h, l, s or p.",
            ));
        }
        let refuse = |enlarges: bool| enlarges && (r.limit || is_gif);
        // The fixed-size modes use the same value for a missing side.
        let square = || match (w, h) {
            (Some(w), Some(h)) => (w, h),
            (Some(v), None) | (None, Some(v)) => (v, v),
            (None, None) => (src_w, src_h),
        };
        match r.mode {
            ResizeMode::Lfit | ResizeMode::Mfit => {
                let f = fit(src_w, src_h, w, h, r.mode == ResizeMode::Mfit);
                if refuse(f.enlarges) {
                    return Ok(());
                }
                check_resize_result(f.width, f.height)?;
                self.push_resize(f.width, f.height);
            }
            ResizeMode::Fill => {
                let (tw, th) = square();
                let f = fit(src_w, src_h, Some(tw), Some(th), true);
                if refuse(f.enlarges) {
                    return Ok(());
                }
                check_resize_result(tw, th)?;
                if check_resize_result(f.width, f.height).is_ok() {
                    self.push_resize(f.width, f.height);
                    // mfit covers tw×th, so both excesses are ≥ 0; offset = floor(excess/2).
                    let x = f.width.saturating_sub(tw) / 2;
                    let y = f.height.saturating_sub(th) / 2;
                    self.push_crop(x, y, tw, th);
                } else {
                    // The covering size itself is over the limits (an extreme aspect ratio, e.g.
                    // 1000×10 filled to 200×200 covers at 20000×200): take the centred source
                    // region of the target's aspect and resize it straight to tw×th — the same
                    // picture, without the oversized intermediate.
                    let k =
                        (f64::from(tw) / f64::from(src_w)).max(f64::from(th) / f64::from(src_h));
                    let cw = ((f64::from(tw) / k).round() as u32).clamp(1, src_w);
                    let ch = ((f64::from(th) / k).round() as u32).clamp(1, src_h);
                    self.push_crop((src_w - cw) / 2, (src_h - ch) / 2, cw, ch);
                    self.push_resize(tw, th);
                }
            }
            ResizeMode::Pad => {
                let (tw, th) = square();
                let f = fit(src_w, src_h, Some(tw), Some(th), false);
                if refuse(f.enlarges) {
                    return Ok(());
                }
                check_resize_result(f.width, f.height)?;
                check_resize_result(tw, th)?;
                self.push_resize(f.width, f.height);
                if (tw, th) != (self.width, self.height) {
                    // lfit fits inside tw×th, so both free spaces are ≥ 0; offset = floor(free/2).
                    let x = tw.saturating_sub(self.width) / 2;
                    let y = th.saturating_sub(self.height) / 2;
                    self.stages.push(Stage::Fill(FillParams {
                        width: tw,
                        height: th,
                        x,
                        y,
                        color: opaque(r.color),
                    }));
                    self.width = tw;
                    self.height = th;
                }
            }
            ResizeMode::Fixed => {
                let (tw, th) = square();
                if refuse(tw > src_w || th > src_h) {
                    return Ok(());
                }
                check_resize_result(tw, th)?;
                self.push_resize(tw, th);
            }
        }
        Ok(())
    }

    /// `resize,p_<p>`: `round(W·p/100) × round(H·p/100)`. \[U\] Applies whatever `limit` says;
    /// GIF sources are still never enlarged (`p > 100` is skipped on them).
    fn resize_percent(&mut self, p: u32, is_gif: bool) -> Result<()> {
        if is_gif && p > 100 {
            return Ok(());
        }
        let w = round_div(u64::from(self.width) * u64::from(p), 100);
        let h = round_div(u64::from(self.height) * u64::from(p), 100);
        check_resize_result(w, h)?;
        self.push_resize(w, h);
        Ok(())
    }

    /// `crop` (§3.2). The origin of tile `g` uses the crop size (floor for the `/2` terms \[U\]); the
    /// start is origin + (x, y). A start outside the image is a 400 `BadRequest` with OSS's message.
    /// \[U\] `w`/`h` absent or 0 mean "to the image edge": the full current side is used for the
    /// origin, so such an axis always starts at its offset. The rectangle is clipped to the edge
    /// \[C\]; a negative origin (crop larger than the image) clamps to 0 \[U\].
    pub fn crop(&mut self, c: &Crop) -> Result<()> {
        let (src_w, src_h) = (self.width, self.height);
        let cw = c.w.filter(|&v| v > 0).unwrap_or(src_w);
        let ch = c.h.filter(|&v| v > 0).unwrap_or(src_h);
        let (x0, y0) = gravity_origin(c.g, src_w, src_h, cw, ch);
        let x = u64::from(x0) + u64::from(c.x);
        let y = u64::from(y0) + u64::from(c.y);
        if x >= u64::from(src_w) || y >= u64::from(src_h) {
            return Err(Error::new(ErrorKind::BadRequest, CROP_OUT_OF_IMAGE));
        }
        // x < src_w and y < src_h, so these fit in u32.
        let (x, y) = (x as u32, y as u32);
        self.push_crop(x, y, cw.min(src_w - x), ch.min(src_h - y));
        Ok(())
    }

    /// `indexcrop` (§3.9): cut into slices of `y` rows (wins over `x` \[C\]) or `x` columns and keep
    /// slice `i`; `count = ceil(side/slice)` \[D\], the last slice may be narrower. An index past the
    /// last slice leaves the image unchanged \[C\]; a slice longer than the side is the whole axis.
    pub fn index_crop(&mut self, ic: &IndexCrop) -> Result<()> {
        let (src_w, src_h) = (self.width, self.height);
        if ic.x.is_none() && ic.y.is_none() {
            return Err(Error::new(ErrorKind::MissingArgument, "indexcrop needs x or y."));
        }
        // A slice size is valid within 1–side [C]; `y` wins only when valid, and with neither
        // valid the slice would be the whole image: the source is unchanged.
        let valid = |v: Option<u32>, side: u32| v.filter(|&v| (1..=side).contains(&v));
        if let Some(y) = valid(ic.y, src_h) {
            if let Some(top) = slice_start(src_h, y, ic.i) {
                self.push_crop(0, top, src_w, y.min(src_h - top));
            }
        } else if let Some(x) = valid(ic.x, src_w) {
            if let Some(left) = slice_start(src_w, x, ic.i) {
                self.push_crop(left, 0, x.min(src_w - left), src_h);
            }
        }
        Ok(())
    }

    /// `circle` (§3.10): a centred `(2r+1)²` square (floor centring), then the incircle mask.
    /// When `2r+1` does not fit the shorter side, `r = (shorter − 1)/2` (integer), which is the
    /// documented clamp \[C\] extended to `r = shorter/2` for even sides, where `2r+1` would
    /// otherwise exceed the image by one pixel \[D\].
    pub fn circle(&mut self, c: &Circle) {
        let shorter = self.width.min(self.height);
        let max_r = shorter.saturating_sub(1) / 2;
        let r = c.r.min(max_r);
        let side = 2 * r + 1;
        let x = self.width.saturating_sub(side) / 2;
        let y = self.height.saturating_sub(side) / 2;
        self.push_crop(x, y, side, side);
        self.stages.push(Stage::MaskCircle(MaskParams { radius: r, _pad: [0; 3] }));
    }

    /// `rounded-corners` (§3.11): size unchanged; `r` is reduced to half the shorter side \[C\].
    pub fn rounded_corners(&mut self, rc: &RoundedCorners) {
        let r = rc.r.min(self.width.min(self.height) / 2);
        self.stages.push(Stage::MaskRounded(MaskParams { radius: r, _pad: [0; 3] }));
    }

    /// `rotate` (§3.4). 0 and 360 do nothing; 90/180/270 are exact orientation transforms; other
    /// angles grow the canvas to `ceil(W|cos|+H|sin|) × ceil(W|sin|+H|cos|)` \[U\] with transparent
    /// corners \[U\] (the encoder flattens on white for formats without alpha, which gives the
    /// spec's white-for-JPEG). A current side over 4096 fails with EC 0040-00000006 \[C\]; the check
    /// is made for every angle that rotates.
    pub fn rotate(&mut self, degrees: u32) -> Result<()> {
        let d = degrees % 360;
        if d == 0 {
            return Ok(());
        }
        if self.width > MAX_ROTATE_SIDE || self.height > MAX_ROTATE_SIDE {
            return Err(Error::invalid(
                EC_ROTATE_SOURCE,
                format!(
                    "Picture exceed the maximum allowable rotation range: {}x{} (max {MAX_ROTATE_SIDE} per side).",
                    self.width, self.height
                ),
            ));
        }
        match d {
            90 => self.push_orient(6),
            180 => self.push_orient(3),
            270 => self.push_orient(8),
            d => {
                let theta = f64::from(d).to_radians();
                let (c, s) = (theta.cos().abs(), theta.sin().abs());
                let (w, h) = (f64::from(self.width), f64::from(self.height));
                // Sides ≤ 4096, so the canvas is ≤ 4096·√2 and the casts cannot overflow.
                let cw = ((w * c + h * s - CEIL_EPSILON).ceil() as u32).max(1);
                let chh = ((w * s + h * c - CEIL_EPSILON).ceil() as u32).max(1);
                self.stages.push(Stage::Rotate(RotateParams {
                    degrees: d as f32,
                    width: cw,
                    height: chh,
                    _pad: 0,
                    fill: [0.0; 4],
                }));
                self.width = cw;
                self.height = chh;
            }
        }
        Ok(())
    }

    /// `blur,r_,s_` (§3.5): size unchanged.
    pub fn blur(&mut self, radius: u32, sigma: u32) {
        self.stages.push(Stage::Blur(BlurParams { radius, sigma: sigma as f32, _pad: [0; 2] }));
    }

    /// `bright` / `contrast` (§3.6, §3.7): one `ColorAdjust` per action; 0 is a no-op and adds no
    /// stage.
    pub fn color_adjust(&mut self, bright: i32, contrast: i32) {
        if bright != 0 || contrast != 0 {
            self.stages.push(Stage::ColorAdjust(ColorAdjustParams {
                bright,
                contrast,
                _pad: [0; 2],
            }));
        }
    }

    /// `sharpen` (§3.8): size unchanged.
    pub fn sharpen(&mut self, amount: u32) {
        self.stages.push(Stage::Sharpen(SharpenParams { amount, _pad: [0; 3] }));
    }
}

/// The start of slice `i` of length `len` along a side of `side` px, or `None` when `i` is past
/// the last slice.
fn slice_start(side: u32, len: u32, i: u32) -> Option<u32> {
    let start = u64::from(len) * u64::from(i);
    (start < u64::from(side)).then_some(start as u32)
}

/// Origin of a `crop` tile (§3.2 table), floor for `/2`, negative values clamped to 0 \[U\].
fn gravity_origin(g: Gravity, src_w: u32, src_h: u32, w: u32, h: u32) -> (u32, u32) {
    let centre = |s: u32, c: u32| (s / 2).saturating_sub(c / 2);
    let far = |s: u32, c: u32| s.saturating_sub(c);
    let x = match g {
        Gravity::Nw | Gravity::West | Gravity::Sw => 0,
        Gravity::North | Gravity::Center | Gravity::South => centre(src_w, w),
        Gravity::Ne | Gravity::East | Gravity::Se => far(src_w, w),
    };
    let y = match g {
        Gravity::Nw | Gravity::North | Gravity::Ne => 0,
        Gravity::West | Gravity::Center | Gravity::East => centre(src_h, h),
        Gravity::Sw | Gravity::South | Gravity::Se => far(src_h, h),
    };
    (x, y)
}
