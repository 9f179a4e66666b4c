//! Lexical helpers shared by the action parsers: splitting a parameter at its first `_`, and
//! reading integers, flags, colours and gravities with the error each parameter is documented to
//! give (spec §1.3, §4.3).

use super::Gravity;
use crate::{Error, ErrorKind, Result};
use std::fmt::Write as _;

/// The documented message for undecodable Base64 (spec §4.1, Appendix B).
pub(super) const BASE64_MESSAGE: &str = "Input is not base64 decoding.";

/// Longest part of a client-supplied value quoted back in an error message, in characters: enough
/// to recognise the value, short enough that a 4 KiB payload is not echoed whole.
const MAX_SHOWN_CHARS: usize = 40;

/// A client value as quoted in messages: truncated to [`MAX_SHOWN_CHARS`] characters.
pub(super) fn shown(value: &str) -> String {
    match value.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

/// Splits a parameter at its **first** `_` (spec §1.3 rule 2): `text_a_b` → (`text`, `a_b`).
/// A token without `_` is a bare value: (`token`, `None`).
pub(super) fn split_param(token: &str) -> (&str, Option<&str>) {
    match token.split_once('_') {
        Some((key, value)) => (key, Some(value)),
        None => (token, None),
    }
}

/// Names one parameter for error messages and carries the EC its invalid values get.
#[derive(Debug, Clone, Copy)]
pub(super) struct Param {
    /// The action, e.g. `resize`.
    pub action: &'static str,
    /// The key, e.g. `w`; empty for the bare value of a single-value action.
    pub key: &'static str,
    /// The EC of an invalid value, when the spec gives one.
    pub ec: Option<&'static str>,
}

impl Param {
    /// A keyed parameter without an EC.
    pub const fn new(action: &'static str, key: &'static str) -> Self {
        Param { action, key, ec: None }
    }

    /// The same parameter with the EC its invalid values carry.
    pub const fn ec(self, ec: &'static str) -> Self {
        Param { ec: Some(ec), ..self }
    }

    /// `400 InvalidArgument` (with this parameter's EC) saying what the value should have been.
    pub fn invalid(self, expected: &str, value: &str) -> Error {
        let mut message = String::new();
        // Writing into a String cannot fail.
        let _ = if self.key.is_empty() {
            write!(message, "{}: the value must be {expected}", self.action)
        } else {
            write!(message, "{}: {} must be {expected}", self.action, self.key)
        };
        let _ = write!(message, ", got \"{}\".", shown(value));
        Error { kind: ErrorKind::InvalidArgument, message, ec: self.ec }
    }
}

/// How a range is described in messages.
fn range_text(min: i64, max: i64) -> String {
    if max >= i64::from(u32::MAX) {
        if min == 0 {
            "a non-negative integer".to_owned()
        } else {
            format!("an integer of at least {min}")
        }
    } else if (min, max) == (0, 1) {
        "0 or 1".to_owned()
    } else {
        format!("an integer from {min} to {max}")
    }
}

/// Reads a plain decimal integer (optional leading `-`, then ASCII digits; no `+`, no fraction, no
/// spaces) and checks it against `min..=max`.
pub(super) fn int(value: &str, min: i64, max: i64, p: Param) -> Result<i64> {
    let invalid = || p.invalid(&range_text(min, max), value);
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    // Only digits (and one leading '-') reach here, so a parse failure is an i64 overflow:
    // certainly out of range.
    let n: i64 = value.parse().map_err(|_| invalid())?;
    if n < min || n > max {
        return Err(invalid());
    }
    Ok(n)
}

/// [`int`] for an unsigned parameter.
pub(super) fn uint(value: &str, min: u32, max: u32, p: Param) -> Result<u32> {
    let n = int(value, i64::from(min), i64::from(max), p)?;
    // `int` checked min..=max, which lies inside u32.
    u32::try_from(n).map_err(|_| p.invalid(&range_text(i64::from(min), i64::from(max)), value))
}

/// [`int`] for a signed parameter.
pub(super) fn sint(value: &str, min: i32, max: i32, p: Param) -> Result<i32> {
    let n = int(value, i64::from(min), i64::from(max), p)?;
    // `int` checked min..=max, which lies inside i32.
    i32::try_from(n).map_err(|_| p.invalid(&range_text(i64::from(min), i64::from(max)), value))
}

/// A `0`/`1` switch.
pub(super) fn flag(value: &str, p: Param) -> Result<bool> {
    Ok(int(value, 0, 1, p)? == 1)
}

/// An RGB colour written as exactly six hex digits without `#` (either case).
pub(super) fn color(value: &str, p: Param) -> Result<[u8; 3]> {
    let invalid = || p.invalid("6 hex digits (RRGGBB)", value);
    if value.len() != 6 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid());
    }
    let byte = |i: usize| u8::from_str_radix(&value[i..i + 2], 16).map_err(|_| invalid());
    Ok([byte(0)?, byte(2)?, byte(4)?])
}

/// Writes a colour the canonical way: six upper-case hex digits.
pub(super) fn color_hex(c: [u8; 3]) -> String {
    format!("{:02X}{:02X}{:02X}", c[0], c[1], c[2])
}

/// One of the nine gravity names (case-sensitive).
pub(super) fn gravity(value: &str, p: Param) -> Result<Gravity> {
    Gravity::from_name(value)
        .ok_or_else(|| p.invalid("one of nw, north, ne, west, center, east, sw, south, se", value))
}

impl Gravity {
    /// All nine gravities, row by row from the upper-left.
    pub const ALL: [Gravity; 9] = [
        Gravity::Nw,
        Gravity::North,
        Gravity::Ne,
        Gravity::West,
        Gravity::Center,
        Gravity::East,
        Gravity::Sw,
        Gravity::South,
        Gravity::Se,
    ];

    /// The name used in process strings (`nw`, `north`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Gravity::Nw => "nw",
            Gravity::North => "north",
            Gravity::Ne => "ne",
            Gravity::West => "west",
            Gravity::Center => "center",
            Gravity::East => "east",
            Gravity::Sw => "sw",
            Gravity::South => "south",
            Gravity::Se => "se",
        }
    }

    /// The gravity of a process-string name; `None` for anything else (names are case-sensitive).
    pub fn from_name(name: &str) -> Option<Gravity> {
        Gravity::ALL.into_iter().find(|g| g.name() == name)
    }
}
