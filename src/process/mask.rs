//! `circle` (spec §3.10) and `rounded-corners` (spec §3.11): one radius each. Clamping the radius
//! to the image is the planner's.

use super::args::{split_param, uint, Param};
use crate::{Error, ErrorKind, Result};

/// Largest radius of `circle` and `rounded-corners` (spec §3.10, §3.11).
pub(super) const MAX_RADIUS: u32 = 4096;

/// Reads the required `r` (1–4096) of `circle` or `rounded-corners`; other keys are ignored (spec
/// §1.3 rule 6, \[U\]). A repeated `r` is validated each time and the last one wins.
pub(super) fn parse_radius(action: &'static str, args: &[&str]) -> Result<u32> {
    let mut r = None;
    for token in args {
        if let ("r", value) = split_param(token) {
            r = Some(uint(value.unwrap_or(""), 1, MAX_RADIUS, Param::new(action, "r"))?);
        }
    }
    r.ok_or_else(|| Error::new(ErrorKind::MissingArgument, format!("{action}: r is required.")))
}
