//! The seven single-value actions (spec §1.3 rule 3): `auto-orient`, `rotate`, `bright`,
//! `contrast`, `sharpen`, `interlace`, `format`. Each takes exactly one bare value; more is
//! EC 0040-00000203, none is the action's own "missing" error.

use super::args::{flag, sint, uint, Param};
use super::{Action, Format};
use crate::{Error, ErrorKind, Result};

/// EC of a single-value action given more than one value (spec §4.3).
const EC_TOO_MANY: &str = "0040-00000203";
/// EC of an invalid `format` value.
const EC_FORMAT: &str = "0040-00000206";
/// EC of an invalid `auto-orient` value.
const EC_AUTO_ORIENT: &str = "0040-00000215";
/// EC of `rotate` without a value.
const EC_ROTATE_MISSING: &str = "0040-00000216";
/// EC of an invalid `rotate` value.
const EC_ROTATE: &str = "0040-00000217";
/// EC of `bright` without a value.
const EC_BRIGHT_MISSING: &str = "0040-00000245";
/// EC of an invalid `bright` value.
const EC_BRIGHT: &str = "0040-00000246";
/// EC of `sharpen` without a value.
const EC_SHARPEN_MISSING: &str = "0040-00000279";
/// EC of an invalid `sharpen` value.
const EC_SHARPEN: &str = "0040-00000280";

/// Largest `rotate` angle in degrees (spec §3.4).
pub(super) const MAX_ROTATE: u32 = 360;
/// `bright`/`contrast` range limit: −100…100 (spec §3.6, §3.7).
pub(super) const MAX_ADJUST: i32 = 100;
/// `sharpen` range (spec §3.8).
pub(super) const SHARPEN: (u32, u32) = (50, 399);

impl Format {
    /// All formats, in the order of spec §3.12.
    pub const ALL: [Format; 8] = [
        Format::Jpg,
        Format::Png,
        Format::Webp,
        Format::Bmp,
        Format::Gif,
        Format::Tiff,
        Format::Heic,
        Format::Avif,
    ];

    /// The format of a `format,<value>` value: the short names, plus `jpeg` as an alias of `jpg`
    /// (spec §3.12 \[U\]). Case-sensitive.
    pub fn from_name(name: &str) -> Option<Format> {
        if name == "jpeg" {
            return Some(Format::Jpg);
        }
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// The one bare value of a single-value action, or the action's missing/too-many error.
fn one<'a>(action: &str, args: &[&'a str], missing_ec: Option<&'static str>) -> Result<&'a str> {
    match args {
        [value] => Ok(value),
        [] => Err(Error {
            kind: ErrorKind::MissingArgument,
            message: format!("{action}: a value is required."),
            ec: missing_ec,
        }),
        _ => Err(Error::invalid(
            EC_TOO_MANY,
            format!("{action}: takes exactly one value, got {}.", args.len()),
        )),
    }
}

/// Parses one of the seven single-value actions; `name` must be one of them.
pub(super) fn parse(name: &str, args: &[&str]) -> Result<Action> {
    let bare = |action| Param::new(action, "");
    Ok(match name {
        "auto-orient" => {
            let v = one(name, args, None)?;
            Action::AutoOrient(flag(v, bare("auto-orient").ec(EC_AUTO_ORIENT))?)
        }
        "rotate" => {
            let v = one(name, args, Some(EC_ROTATE_MISSING))?;
            Action::Rotate(uint(v, 0, MAX_ROTATE, bare("rotate").ec(EC_ROTATE))?)
        }
        "bright" => {
            let v = one(name, args, Some(EC_BRIGHT_MISSING))?;
            Action::Bright(sint(v, -MAX_ADJUST, MAX_ADJUST, bare("bright").ec(EC_BRIGHT))?)
        }
        "contrast" => {
            let v = one(name, args, None)?;
            Action::Contrast(sint(v, -MAX_ADJUST, MAX_ADJUST, bare("contrast"))?)
        }
        "sharpen" => {
            let v = one(name, args, Some(EC_SHARPEN_MISSING))?;
            Action::Sharpen(uint(v, SHARPEN.0, SHARPEN.1, bare("sharpen").ec(EC_SHARPEN))?)
        }
        "interlace" => Action::Interlace(flag(one(name, args, None)?, bare("interlace"))?),
        "format" => {
            let v = one(name, args, None)?;
            Action::Format(Format::from_name(v).ok_or_else(|| {
                bare("format")
                    .ec(EC_FORMAT)
                    .invalid("one of jpg, jpeg, png, webp, bmp, gif, tiff, heic, avif", v)
            })?)
        }
        // The dispatcher only sends the seven names above; anything else is an unknown action.
        _ => return Err(super::request::unknown_action(name)),
    })
}
