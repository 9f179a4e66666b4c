//! `resize` (spec §3.1): parameters, ranges and the canonical form. The precedence rules (`w`/`h`
//! over `l`/`s`, sizes over `p`) need the source size and belong to the planner.

use super::args::{color, color_hex, flag, split_param, uint, Param};
use super::{Resize, ResizeMode};
use crate::{Error, ErrorKind, Result};
use std::fmt;

/// EC of an invalid `m` value (spec §4.3).
const EC_MODE: &str = "0040-00000311";
/// Largest `w`/`h`/`l`/`s` (spec §3.1, current docs).
pub(super) const MAX_SIDE: u32 = 16384;
/// Largest `p` percentage (spec §3.1).
pub(super) const MAX_PERCENT: u32 = 1000;
/// Default `color` of `m_pad`: white.
pub(super) const DEFAULT_COLOR: [u8; 3] = [0xFF, 0xFF, 0xFF];

impl ResizeMode {
    /// All modes, in the order of spec §3.1.
    pub const ALL: [ResizeMode; 5] =
        [ResizeMode::Lfit, ResizeMode::Mfit, ResizeMode::Fill, ResizeMode::Pad, ResizeMode::Fixed];

    /// The name used in process strings (`lfit`, …).
    pub const fn name(self) -> &'static str {
        match self {
            ResizeMode::Lfit => "lfit",
            ResizeMode::Mfit => "mfit",
            ResizeMode::Fill => "fill",
            ResizeMode::Pad => "pad",
            ResizeMode::Fixed => "fixed",
        }
    }

    /// The mode of a process-string name (case-sensitive).
    pub fn from_name(name: &str) -> Option<ResizeMode> {
        ResizeMode::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// Largest `P` (watermark-relative percentage, spec §3.15).
pub(super) const MAX_MAIN_PERCENT: u32 = 100;

/// Parses the arguments of `resize`. Unknown keys are ignored (spec §1.3 rule 6, \[U\]
/// recommendation); a repeated key is validated each time and the last one wins. `P` (1–100) is a
/// key only in a watermark image's nested process (`nested`); elsewhere it is unknown, as in OSS.
pub(super) fn parse(args: &[&str], nested: bool) -> Result<Resize> {
    let p = |key| Param::new("resize", key);
    let mut r = Resize {
        mode: ResizeMode::default(),
        w: None,
        h: None,
        l: None,
        s: None,
        limit: true,
        color: DEFAULT_COLOR,
        p: None,
        main_percent: None,
    };
    for token in args {
        let (key, value) = split_param(token);
        let value = value.unwrap_or("");
        match key {
            "m" => {
                r.mode = ResizeMode::from_name(value).ok_or_else(|| {
                    p("m").ec(EC_MODE).invalid("one of lfit, mfit, fill, pad, fixed", value)
                })?
            }
            "w" => r.w = Some(uint(value, 1, MAX_SIDE, p("w"))?),
            "h" => r.h = Some(uint(value, 1, MAX_SIDE, p("h"))?),
            "l" => r.l = Some(uint(value, 1, MAX_SIDE, p("l"))?),
            "s" => r.s = Some(uint(value, 1, MAX_SIDE, p("s"))?),
            "p" => r.p = Some(uint(value, 1, MAX_PERCENT, p("p"))?),
            "limit" => r.limit = flag(value, p("limit"))?,
            "color" => r.color = color(value, p("color"))?,
            "P" if nested => r.main_percent = Some(uint(value, 1, MAX_MAIN_PERCENT, p("P"))?),
            _ => {}
        }
    }
    if [r.w, r.h, r.l, r.s, r.p, r.main_percent].iter().all(Option::is_none) {
        // Spec §3.1 [U]: recommend 400 MissingArgument.
        return Err(Error::new(
            ErrorKind::MissingArgument,
            if nested {
                "resize: one of w, h, l, s, p or P is required."
            } else {
                "resize: one of w, h, l, s or p is required."
            },
        ));
    }
    Ok(r)
}

/// Writes the canonical form: keys in the order `m,w,h,l,s,limit,color,p,P`, absent and default
/// values (`m_lfit`, `limit_1`, `color_FFFFFF`) omitted.
pub(super) fn write(r: &Resize, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("resize")?;
    if r.mode != ResizeMode::default() {
        write!(f, ",m_{}", r.mode.name())?;
    }
    for (key, v) in [("w", r.w), ("h", r.h), ("l", r.l), ("s", r.s)] {
        if let Some(v) = v {
            write!(f, ",{key}_{v}")?;
        }
    }
    if !r.limit {
        f.write_str(",limit_0")?;
    }
    if r.color != DEFAULT_COLOR {
        write!(f, ",color_{}", color_hex(r.color))?;
    }
    if let Some(v) = r.p {
        write!(f, ",p_{v}")?;
    }
    if let Some(v) = r.main_percent {
        write!(f, ",P_{v}")?;
    }
    Ok(())
}
