//! `blur` (spec §3.5): radius `r` and standard deviation `s`, each 1–50.

use super::args::{split_param, uint, Param};
use super::Blur;
use crate::{Error, ErrorKind, Result};
use std::fmt;

/// EC of an invalid `r` (spec §4.3).
const EC_R: &str = "0040-00000241";
/// EC of an invalid `s` (spec §4.3).
const EC_S: &str = "0040-00000242";
/// Largest `r` and `s` (spec §3.5).
pub(super) const MAX: u32 = 50;

/// The radius implied by a standard deviation when only `s` is given: `ceil(2·s)` (for an integer
/// `s` simply `2·s`), clamped to [`MAX`] so the result stays in range. Spec §3.5 \[U\].
pub(super) fn default_r(s: u32) -> u32 {
    s.saturating_mul(2).min(MAX)
}

/// Parses `blur`. At least one of `r`/`s` is required (400 MissingArgument); when only one is
/// given, the other follows spec §3.5's \[U\] recommendation: `s` defaults to `r`, `r` to
/// [`default_r`]`(s)`. Unknown keys are ignored (spec §1.3 rule 6, \[U\]); a repeated key is
/// validated each time and the last one wins.
pub(super) fn parse(args: &[&str]) -> Result<Blur> {
    let (mut r, mut s) = (None, None);
    for token in args {
        let (key, value) = split_param(token);
        let value = value.unwrap_or("");
        match key {
            "r" => r = Some(uint(value, 1, MAX, Param::new("blur", "r").ec(EC_R))?),
            "s" => s = Some(uint(value, 1, MAX, Param::new("blur", "s").ec(EC_S))?),
            _ => {}
        }
    }
    match (r, s) {
        (Some(r), Some(s)) => Ok(Blur { r, s }),
        (Some(r), None) => Ok(Blur { r, s: r }),
        (None, Some(s)) => Ok(Blur { r: default_r(s), s }),
        (None, None) => Err(Error::new(ErrorKind::MissingArgument, "blur: r or s is required.")),
    }
}

/// Canonical `blur`: the shortest form that parses back to the same values — `r_R` alone when
/// `s == r`, `s_S` alone when `r` is the default for `s`, else `r_R,s_S`.
pub(super) fn write(b: &Blur, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if b.s == b.r {
        write!(f, "blur,r_{}", b.r)
    } else if b.r == default_r(b.s) {
        write!(f, "blur,s_{}", b.s)
    } else {
        write!(f, "blur,r_{},s_{}", b.r, b.s)
    }
}
