//! `quality` (spec §3.13): relative `q`, absolute `Q` (case-sensitive keys), and the legacy bare
//! value `lossless`.

use super::args::{split_param, uint, Param};
use super::Quality;
use crate::{Error, ErrorKind, Result};
use std::fmt;

/// Largest `q`/`Q` (spec §3.13).
pub(super) const MAX: u32 = 100;

/// Parses `quality`: `q_1…100`, `Q_1…100`, the bare literal `lossless` (spec §3.13 \[U\]: supported).
/// Both `q` and `Q` are kept as written; `Q` wins, which the planner applies. At least one of the
/// three is required (400 MissingArgument). Unknown keys are ignored (spec §1.3 rule 6, \[U\]); a
/// repeated key is validated each time and the last one wins.
pub(super) fn parse(args: &[&str]) -> Result<Quality> {
    let mut q = Quality { relative: None, absolute: None, lossless: false };
    for token in args {
        match split_param(token) {
            ("lossless", None) => q.lossless = true,
            ("q", value) => {
                q.relative = Some(uint(value.unwrap_or(""), 1, MAX, Param::new("quality", "q"))?)
            }
            ("Q", value) => {
                q.absolute = Some(uint(value.unwrap_or(""), 1, MAX, Param::new("quality", "Q"))?)
            }
            _ => {}
        }
    }
    if q.relative.is_none() && q.absolute.is_none() && !q.lossless {
        return Err(Error::new(
            ErrorKind::MissingArgument,
            "quality: q, Q or lossless is required.",
        ));
    }
    Ok(q)
}

/// Canonical `quality`: `lossless` first (when set), then `q_`, then `Q_`.
pub(super) fn write(q: &Quality, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("quality")?;
    if q.lossless {
        f.write_str(",lossless")?;
    }
    if let Some(v) = q.relative {
        write!(f, ",q_{v}")?;
    }
    if let Some(v) = q.absolute {
        write!(f, ",Q_{v}")?;
    }
    Ok(())
}
