//! The canonical string of a request, a cascade and an action.
//!
//! Canonical form: actions joined by `/` after `image/`; each action's keys in a fixed order (the
//! order of the spec's parameter table); parameters that are absent or at their default are
//! omitted (so `resize,w_100` rather than `resize,m_lfit,w_100,limit_1`); numbers in plain decimal,
//! colours as six upper-case hex digits, Base64 values unpadded URL-safe; `blur` in its shortest
//! form. For every value `x` that [`parse`](super::parse) produced, `parse(&x.to_string()) ==
//! Ok(x)`, and the canonical string is never longer than the input it came from, so it also stays
//! within the 4 KiB cap.

use super::{blur, crop, quality, resize, watermark};
use super::{Action, ProcessRequest, ProcessSpec};
use std::fmt;

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Resize(r) => resize::write(r, f),
            Action::Crop(c) => crop::write_crop(c, f),
            Action::IndexCrop(c) => crop::write_indexcrop(c, f),
            Action::Circle(c) => write!(f, "circle,r_{}", c.r),
            Action::RoundedCorners(c) => write!(f, "rounded-corners,r_{}", c.r),
            Action::AutoOrient(on) => write!(f, "auto-orient,{}", u8::from(*on)),
            Action::Rotate(v) => write!(f, "rotate,{v}"),
            Action::Blur(b) => blur::write(b, f),
            Action::Bright(v) => write!(f, "bright,{v}"),
            Action::Contrast(v) => write!(f, "contrast,{v}"),
            Action::Sharpen(v) => write!(f, "sharpen,{v}"),
            Action::Format(v) => write!(f, "format,{}", v.name()),
            Action::Quality(q) => quality::write(q, f),
            Action::Interlace(on) => write!(f, "interlace,{}", u8::from(*on)),
            Action::Watermark(w) => watermark::write(w, f),
            Action::Info => f.write_str("info"),
            Action::AverageHue => f.write_str("average-hue"),
        }
    }
}

/// The canonical string `image/<action>/<action>…`: each action's keys in the order of the spec's
/// parameter table, absent and default-valued parameters omitted (`resize,w_100`, not
/// `resize,m_lfit,w_100,limit_1`), colours as upper-case hex, Base64 unpadded URL-safe, `blur` in
/// its shortest form. `parse(&spec.to_string())` gives `spec` back for every spec `parse` can
/// produce, and the string is never longer than the input it was parsed from. (An empty cascade
/// prints `image/`, which is not a valid request.)
impl fmt::Display for ProcessSpec {
    /// `image/<action>/<action>…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("image")?;
        for a in &self.actions {
            write!(f, "/{a}")?;
        }
        if self.actions.is_empty() {
            f.write_str("/")?;
        }
        Ok(())
    }
}

impl fmt::Display for ProcessRequest {
    /// `image/…` or `style/<name>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProcessRequest::Image(spec) => spec.fmt(f),
            ProcessRequest::Style(name) => write!(f, "style/{name}"),
        }
    }
}
