//! The process string as a whole (spec §1.3, Appendix A): the `image/`/`style/` prefix, splitting
//! into actions, the action table, the limits of spec §1.4 and style expansion (spec §6.5).

use super::args::shown;
use super::{blur, crop, mask, quality, resize, single, watermark};
use super::{Action, Circle, ProcessRequest, ProcessSpec, RoundedCorners};
use crate::{Error, ErrorKind, Result};

/// EC of `image/` without any action (spec §4.3).
const EC_NO_ACTION: &str = "0040-00000212";
/// EC of an unknown action name.
const EC_UNKNOWN_ACTION: &str = "0040-00000213";

/// Most actions in one process string: spec §1.4 \[U\] recommends a cap of 20.
pub const MAX_ACTIONS: usize = 20;
/// Longest process string in bytes (after percent-decoding): spec §1.4 \[U\] recommends 4 KiB.
pub const MAX_PROCESS_BYTES: usize = 4096;

/// The 17 action names of spec §3, exactly as written in process strings.
pub const ACTION_NAMES: [&str; 17] = [
    "resize",
    "crop",
    "indexcrop",
    "circle",
    "rounded-corners",
    "auto-orient",
    "rotate",
    "blur",
    "bright",
    "contrast",
    "sharpen",
    "format",
    "quality",
    "interlace",
    "watermark",
    "info",
    "average-hue",
];

/// `400 InvalidArgument`, EC 0040-00000213, for an action name not among [`ACTION_NAMES`].
pub(super) fn unknown_action(name: &str) -> Error {
    Error::invalid(EC_UNKNOWN_ACTION, format!("Unknown action \"{}\".", shown(name)))
}

/// Parses a percent-decoded `x-oss-process` value: `image/<action>/…` or `style/<name>`.
///
/// Rules (spec §1.3, Appendix A): the input is at most [`MAX_PROCESS_BYTES`] bytes and at most
/// [`MAX_ACTIONS`] actions (400 InvalidArgument, spec §1.4 \[U\]); empty segments between `/` are
/// skipped, and `image/` with no action is EC 0040-00000212; every action name is checked (EC
/// 0040-00000213) before any argument is; `info` and `average-hue` must stand alone (400
/// InvalidArgument, spec §1.4 — \[U\] for `average-hue`); then each action's arguments are validated
/// left to right and the first failure is returned. Unknown keys inside a known action are ignored
/// (spec §1.3 rule 6, \[U\] recommendation). A `|` (e.g. `|sys/saveas`, which only a POST body may
/// carry, spec §7) is 400 InvalidArgument. A style name must be non-empty and contain no `/`
/// (`style/a/resize,w_10` is 400 InvalidArgument, spec §6.5 \[U\]). Anything else is 400
/// InvalidArgument.
pub fn parse(input: &str) -> crate::Result<ProcessRequest> {
    if input.len() > MAX_PROCESS_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "The process string is {} bytes long, at most {MAX_PROCESS_BYTES} are allowed.",
                input.len()
            ),
        ));
    }
    if let Some((_, after)) = input.split_once('|') {
        let message = if after.starts_with("sys/saveas") {
            "sys/saveas is only allowed in the body of a POST request.".to_owned()
        } else {
            format!("Unexpected \"|{}\" in the process string.", shown(after))
        };
        return Err(Error::new(ErrorKind::InvalidArgument, message));
    }
    if let Some(name) = input.strip_prefix("style/") {
        if name.is_empty() || name.contains('/') {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "Invalid style reference \"{}\": a style name cannot be empty or be combined with actions.",
                    shown(input)
                ),
            ));
        }
        return Ok(ProcessRequest::Style(name.to_owned()));
    }
    let Some(rest) = input.strip_prefix("image/") else {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "The process string must start with image/ or style/, got \"{}\".",
                shown(input)
            ),
        ));
    };
    parse_actions(rest).map(ProcessRequest::Image)
}

/// The actions of the part after `image/` as (name, arguments), empty segments skipped; `image/`
/// with no action is EC 0040-00000212, more than [`MAX_ACTIONS`] is 400 InvalidArgument.
fn segments(rest: &str) -> Result<Vec<(&str, Vec<&str>)>> {
    let segments: Vec<(&str, Vec<&str>)> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut parts = s.split(',');
            // `split` always yields at least one item.
            let name = parts.next().unwrap_or_default();
            (name, parts.collect())
        })
        .collect();
    if segments.is_empty() {
        return Err(Error::invalid(EC_NO_ACTION, "No action follows image/."));
    }
    if segments.len() > MAX_ACTIONS {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("Too many actions: {}, at most {MAX_ACTIONS} are allowed.", segments.len()),
        ));
    }
    // Appendix A step 5: names first.
    if let Some((name, _)) = segments.iter().find(|(n, _)| !ACTION_NAMES.contains(n)) {
        return Err(unknown_action(name));
    }
    Ok(segments)
}

/// Splits and parses the part after `image/`.
fn parse_actions(rest: &str) -> Result<ProcessSpec> {
    let segments = segments(rest)?;
    if segments.len() > 1 {
        if let Some((name, _)) = segments.iter().find(|(n, _)| matches!(*n, "info" | "average-hue"))
        {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{name} cannot be combined with other actions."),
            ));
        }
    }
    let actions = segments
        .iter()
        .map(|(name, args)| parse_action(name, args, false))
        .collect::<Result<Vec<_>>>()?;
    let images =
        actions.iter().filter(|a| matches!(a, Action::Watermark(w) if w.image.is_some())).count();
    if images > watermark::MAX_IMAGE_WATERMARKS {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "Too many image watermarks: {images}, at most {} are allowed.",
                watermark::MAX_IMAGE_WATERMARKS
            ),
        ));
    }
    Ok(ProcessSpec { actions })
}

/// Parses the nested process of a watermark image (the part after `image/` of
/// `<key>?x-oss-process=image/…`, spec §3.15): only the actions of [`watermark::NESTED_ACTIONS`]
/// (400 InvalidArgument for any other known action), and `resize` also takes `P`.
pub(super) fn parse_nested_actions(rest: &str) -> Result<Vec<Action>> {
    let segments = segments(rest)?;
    if let Some((name, _)) = segments.iter().find(|(n, _)| !watermark::NESTED_ACTIONS.contains(n)) {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "watermark: \"{name}\" cannot be used in a watermark image's process (allowed: {}).",
                watermark::NESTED_ACTIONS.join(", ")
            ),
        ));
    }
    segments.iter().map(|(name, args)| parse_action(name, args, true)).collect()
}

/// Parses one action from its name and its comma-separated arguments; `nested` for a watermark
/// image's own process.
fn parse_action(name: &str, args: &[&str], nested: bool) -> Result<Action> {
    Ok(match name {
        "resize" => Action::Resize(resize::parse(args, nested)?),
        "crop" => Action::Crop(crop::parse_crop(args)?),
        "indexcrop" => Action::IndexCrop(crop::parse_indexcrop(args)?),
        "circle" => Action::Circle(Circle { r: mask::parse_radius("circle", args)? }),
        "rounded-corners" => Action::RoundedCorners(RoundedCorners {
            r: mask::parse_radius("rounded-corners", args)?,
        }),
        "blur" => Action::Blur(blur::parse(args)?),
        "quality" => Action::Quality(quality::parse(args)?),
        "watermark" => Action::Watermark(watermark::parse(args)?),
        // `info` and `average-hue` take no parameters; like unknown keys, any are ignored.
        "info" => Action::Info,
        "average-hue" => Action::AverageHue,
        _ => single::parse(name, args)?,
    })
}

/// Parses `input` and expands a `style/<name>` reference through `styles` (the bucket's style
/// table: name → stored content). A missing style is `404 NoSuchStyle`; the stored content must
/// itself be an `image/…` string (a style naming another style is 400 InvalidArgument) and is
/// validated exactly as if it had been given inline (spec §6.5).
pub fn resolve(input: &str, styles: &dyn Fn(&str) -> Option<String>) -> Result<ProcessSpec> {
    match parse(input)? {
        ProcessRequest::Image(spec) => Ok(spec),
        ProcessRequest::Style(name) => {
            let content = styles(&name).ok_or_else(|| {
                Error::new(ErrorKind::NoSuchStyle, "The specified style does not exist.")
            })?;
            match parse(&content)? {
                ProcessRequest::Image(spec) => Ok(spec),
                ProcessRequest::Style(_) => Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!("Style \"{}\" refers to another style.", shown(&name)),
                )),
            }
        }
    }
}
