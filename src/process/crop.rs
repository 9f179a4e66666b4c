//! `crop` (spec §3.2) and `indexcrop` (spec §3.9): parameters and canonical forms. Whether the
//! start point lies inside the image is the planner's check.

use super::args::{gravity, split_param, uint, Param};
use super::{Crop, Gravity, IndexCrop};
use crate::{Error, ErrorKind, Result};
use std::fmt;

/// Parses the arguments of `crop`: `w`, `h`, `x`, `y` are non-negative integers (0 allowed, spec
/// §3.2), `g` one of the nine gravities. No parameter is required (`crop` alone keeps the whole
/// image). Unknown keys are ignored (spec §1.3 rule 6: OSS accepts `crop,…,r_1`); a repeated key
/// is validated each time and the last one wins.
pub(super) fn parse_crop(args: &[&str]) -> Result<Crop> {
    let p = |key| Param::new("crop", key);
    let mut c = Crop { w: None, h: None, x: 0, y: 0, g: Gravity::Nw };
    for token in args {
        let (key, value) = split_param(token);
        let value = value.unwrap_or("");
        match key {
            "w" => c.w = Some(uint(value, 0, u32::MAX, p("w"))?),
            "h" => c.h = Some(uint(value, 0, u32::MAX, p("h"))?),
            "x" => c.x = uint(value, 0, u32::MAX, p("x"))?,
            "y" => c.y = uint(value, 0, u32::MAX, p("y"))?,
            "g" => c.g = gravity(value, p("g"))?,
            _ => {}
        }
    }
    Ok(c)
}

/// Canonical `crop`: keys `w,h,x,y,g`; absent `w`/`h` and defaults (`x_0`, `y_0`, `g_nw`) omitted.
pub(super) fn write_crop(c: &Crop, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("crop")?;
    for (key, v) in [("w", c.w), ("h", c.h)] {
        if let Some(v) = v {
            write!(f, ",{key}_{v}")?;
        }
    }
    for (key, v) in [("x", c.x), ("y", c.y)] {
        if v != 0 {
            write!(f, ",{key}_{v}")?;
        }
    }
    if c.g != Gravity::Nw {
        write!(f, ",g_{}", c.g.name())?;
    }
    Ok(())
}

/// Parses the arguments of `indexcrop`: `x`/`y` ≥ 1 (the upper bound is the image size, checked by
/// the planner), `i` ≥ 0; one of `x`/`y` is required (400 MissingArgument). Both may be given; `y`
/// wins (spec §3.9), which the planner applies. Unknown keys are ignored (spec §1.3 rule 6, \[U\]).
pub(super) fn parse_indexcrop(args: &[&str]) -> Result<IndexCrop> {
    let p = |key| Param::new("indexcrop", key);
    let mut c = IndexCrop { x: None, y: None, i: 0 };
    for token in args {
        let (key, value) = split_param(token);
        let value = value.unwrap_or("");
        match key {
            "x" => c.x = Some(uint(value, 1, u32::MAX, p("x"))?),
            "y" => c.y = Some(uint(value, 1, u32::MAX, p("y"))?),
            // Any index past the last slice returns the source (§3.9), however large.
            "i" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                c.i = value.parse().unwrap_or(u32::MAX)
            }
            "i" => c.i = uint(value, 0, u32::MAX, p("i"))?,
            _ => {}
        }
    }
    if c.x.is_none() && c.y.is_none() {
        return Err(Error::new(ErrorKind::MissingArgument, "indexcrop: x or y is required."));
    }
    Ok(c)
}

/// Canonical `indexcrop`: keys `x,y,i`; absent values and `i_0` omitted.
pub(super) fn write_indexcrop(c: &IndexCrop, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("indexcrop")?;
    for (key, v) in [("x", c.x), ("y", c.y)] {
        if let Some(v) = v {
            write!(f, ",{key}_{v}")?;
        }
    }
    if c.i != 0 {
        write!(f, ",i_{}", c.i)?;
    }
    Ok(())
}
