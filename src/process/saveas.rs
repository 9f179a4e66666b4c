//! The POST body of `sys/saveas` (spec §7): `x-oss-process=<process>[|sys/saveas,o_…,b_…]`.

use super::args::{shown, split_param};
use super::base64url::decode_base64url;
use super::{parse, ProcessRequest};
use crate::{Error, ErrorKind, Result};

/// The literal start of every POST body (spec §7).
const BODY_PREFIX: &str = "x-oss-process=";
/// Longest object key in bytes (spec §1.1).
const MAX_KEY_BYTES: usize = 1023;
/// Bucket name length bounds in bytes (spec §1.1).
const BUCKET_LEN: (usize, usize) = (3, 63);

/// Where `sys/saveas` stores the processed result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveAs {
    /// The decoded target object key (`o`).
    pub object: String,
    /// The decoded target bucket (`b`); `None` = the source bucket.
    pub bucket: Option<String>,
}

/// Parses a POST body `x-oss-process=<process>[|sys/saveas,o_<key>[,b_<bucket>]]` (spec §7). The body
/// is taken raw (SDKs do not URL-encode it). The process part is parsed by [`parse`]. After it, `|`
/// may introduce exactly one `sys/saveas` segment, split only on `,` (standard Base64 may contain
/// `/`); `o` (required, 400 MissingArgument) and `b` accept padded or unpadded Base64 in either
/// alphabet (undecodable: 400 BadRequest `Input is not base64 decoding.`) and must decode to UTF-8
/// naming a valid object key (1–1023 bytes, not starting with `/` or `\`) and bucket (3–63 of
/// `a-z 0-9 -`, starting and ending alphanumeric), else 400 InvalidArgument. Unknown keys in the
/// segment are ignored (as in actions). `saveas` without `sys/`, any other segment, or a second
/// saveas is 400 InvalidArgument.
pub fn parse_post_body(body: &str) -> Result<(ProcessRequest, Option<SaveAs>)> {
    let Some(rest) = body.strip_prefix(BODY_PREFIX) else {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "The request body must start with x-oss-process=.",
        ));
    };
    let mut segments = rest.split('|');
    // `split` always yields at least one item.
    let request = parse(segments.next().unwrap_or_default())?;
    let mut save = None;
    for segment in segments {
        let args = if segment == "sys/saveas" {
            ""
        } else if let Some(args) = segment.strip_prefix("sys/saveas,") {
            args
        } else if segment.starts_with("saveas") {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "saveas must be written sys/saveas.",
            ));
        } else {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("Unknown processing segment \"{}\".", shown(segment)),
            ));
        };
        if save.is_some() {
            return Err(Error::new(ErrorKind::InvalidArgument, "sys/saveas is given twice."));
        }
        save = Some(parse_saveas(args)?);
    }
    Ok((request, save))
}

/// Parses the arguments after `sys/saveas,`.
fn parse_saveas(args: &str) -> Result<SaveAs> {
    let (mut object, mut bucket) = (None, None);
    for token in args.split(',') {
        match split_param(token) {
            ("o", value) => object = Some(decode_utf8(value.unwrap_or(""), "o")?),
            ("b", value) => bucket = Some(decode_utf8(value.unwrap_or(""), "b")?),
            _ => {}
        }
    }
    let object = object
        .ok_or_else(|| Error::new(ErrorKind::MissingArgument, "sys/saveas: o is required."))?;
    if object.is_empty()
        || object.len() > MAX_KEY_BYTES
        || object.starts_with('/')
        || object.starts_with('\\')
    {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("sys/saveas: invalid object name \"{}\".", shown(&object)),
        ));
    }
    if let Some(b) = &bucket {
        if !valid_bucket(b) {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("sys/saveas: invalid bucket name \"{}\".", shown(b)),
            ));
        }
    }
    Ok(SaveAs { object, bucket })
}

/// Decodes a saveas value to UTF-8.
fn decode_utf8(value: &str, key: &str) -> Result<String> {
    String::from_utf8(decode_base64url(value)?).map_err(|_| {
        Error::new(ErrorKind::InvalidArgument, format!("sys/saveas: {key} is not valid UTF-8."))
    })
}

/// Bucket naming rules of spec §1.1.
fn valid_bucket(b: &str) -> bool {
    let bytes = b.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    (BUCKET_LEN.0..=BUCKET_LEN.1).contains(&bytes.len())
        && bytes.iter().all(|c| alnum(c) || *c == b'-')
        && bytes.first().is_some_and(alnum)
        && bytes.last().is_some_and(alnum)
}
