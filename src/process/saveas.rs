//! The POST body of `sys/saveas` (spec §7): `x-oss-process=<process>[|sys/saveas,o_…,b_…]`.

use std::borrow::Cow;

use super::args::{shown, split_param};
use super::base64url::decode_base64url;
use super::percent::form_decode;
use super::{parse, ProcessRequest};
use crate::{Error, ErrorKind, Result};

/// The literal start of every POST body (spec §7).
const BODY_PREFIX: &str = "x-oss-process=";
/// How every process string begins (spec §1.3): a body value that begins so is raw.
const RAW_STARTS: [&str; 2] = ["image/", "style/"];
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

/// Parses a POST body `x-oss-process=<process>[|sys/saveas,o_<key>[,b_<bucket>]]` (spec §7).
///
/// The value after `x-oss-process=` comes in two forms, told apart by its first characters:
/// - **raw** (spec §7; the Go, Java and Python SDKs): it begins `image/` or `style/`, and is taken
///   byte for byte. It is never percent-decoded: standard Base64 in `o`/`b` (the Java SDK's) has
///   `+` and `/`, which decoding would corrupt.
/// - **form-encoded** (`application/x-www-form-urlencoded`; ali-oss's `querystring.stringify`):
///   anything else, decoded once (`+` is a space, then `%XX`; a malformed escape or non-UTF-8
///   result is 400 InvalidArgument), e.g. `image%2Fresize%2Cw_100%7Csys%2Fsaveas%2Co_ZC5qcGc%3D`.
///
/// No body is read both ways: every process string begins `image/` or `style/` (spec §1.3), and a
/// form encoder always escapes that `/` (`image%2F…`), so an encoded body never begins like a raw
/// one; and nothing in a valid raw body is an escape (Base64 of either alphabet and the process
/// grammar have no `%`; an object name's own `%` is inside its Base64). A decoded value that is no
/// process string, a double-encoded one included, fails as a raw one would.
///
/// The process part is parsed by [`parse`]. After it, `|` may introduce exactly one `sys/saveas`
/// segment, split only on `,` (standard Base64 may contain `/`); `o` (required, 400
/// MissingArgument) and `b` accept padded or unpadded Base64 in either alphabet (undecodable: 400
/// BadRequest `Input is not base64 decoding.`) and must decode to UTF-8 naming a valid object key
/// (1–1023 bytes, not starting with `/` or `\`) and bucket (3–63 of `a-z 0-9 -`, starting and
/// ending alphanumeric), else 400 InvalidArgument. Unknown keys in the segment are ignored (as in
/// actions). `saveas` without `sys/`, any other segment, or a second saveas is 400
/// InvalidArgument.
pub fn parse_post_body(body: &str) -> Result<(ProcessRequest, Option<SaveAs>)> {
    let Some(value) = body.strip_prefix(BODY_PREFIX) else {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "The request body must start with x-oss-process=.",
        ));
    };
    let value = body_value(value)?;
    let mut segments = value.split('|');
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

/// The process text of a body's value: the raw form as it is, the form-encoded one decoded (the
/// rule of [`parse_post_body`]).
fn body_value(value: &str) -> Result<Cow<'_, str>> {
    if RAW_STARTS.iter().any(|p| value.starts_with(p)) {
        return Ok(Cow::Borrowed(value));
    }
    form_decode(value).map(Cow::Owned).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidArgument,
            "The form-encoded request body has a malformed escape or is not UTF-8.",
        )
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::encode_base64url;
    use crate::ErrorKind::{BadRequest, InvalidArgument};
    use proptest::prelude::*;

    /// A value as Node's `querystring.stringify` (ali-oss) writes it: every byte but
    /// `A–Z a–z 0–9 - _ . ! ~ * ' ( )` as `%XX`, upper-case hex.
    fn stringify(value: &str) -> String {
        value
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    /// Standard, padded Base64 (what ali-oss's js-base64 and the Java SDK write for `o`/`b`).
    fn std_base64(s: &str) -> String {
        let mut out = encode_base64url(s.as_bytes()).replace('-', "+").replace('_', "/");
        while !out.len().is_multiple_of(4) {
            out.push('=');
        }
        out
    }

    fn body(value: &str) -> Result<(ProcessRequest, Option<SaveAs>)> {
        parse_post_body(&format!("{BODY_PREFIX}{value}"))
    }

    #[test]
    fn form_encoded_bodies_mean_what_their_raw_form_means() {
        // The body, byte for byte as ali-oss sends it: "dest.jpg" in padded Base64.
        let (request, save) =
            body("image%2Fresize%2Cw_100%7Csys%2Fsaveas%2Co_ZGVzdC5qcGc%3D").unwrap();
        assert_eq!(request.to_string(), "image/resize,w_100");
        assert_eq!(save, Some(SaveAs { object: "dest.jpg".into(), bucket: None }));
        // Object names with `%`, spaces and characters whose standard Base64 has `+` and `/`;
        // buckets; styles; lower-case hex escapes.
        let name = "100% a%2Fb/??>>é.jpg";
        for raw in [
            format!("image/resize,w_100|sys/saveas,o_{},b_{}", std_base64(name), std_base64("dst")),
            format!("image/resize,w_100|sys/saveas,o_{}", encode_base64url(name.as_bytes())),
            format!("style/small|sys/saveas,o_{}", std_base64(name)),
            "image/resize,w_100".to_string(),
        ] {
            let expected = body(&raw).unwrap();
            if raw.contains("sys/saveas") {
                assert_eq!(expected.1.as_ref().map(|s| s.object.as_str()), Some(name), "{raw}");
            }
            let encoded = stringify(&raw);
            assert!(encoded.contains("%2F"), "{encoded}");
            assert_eq!(body(&encoded).as_ref(), Ok(&expected), "{encoded}");
            let lower = encoded.replace("%2F", "%2f").replace("%2C", "%2c").replace("%7C", "%7c");
            assert_eq!(body(&lower).as_ref(), Ok(&expected), "{lower}");
        }
    }

    #[test]
    fn raw_bodies_are_never_decoded_and_encoded_ones_once() {
        // Raw: `+` is Base64's plus ("out/a??>>.jpg"); form-encoded: `+` is a space, so the same
        // unescaped `+` breaks the Base64.
        let raw = "image/resize,w_100|sys/saveas,o_b3V0L2E/Pz4+LmpwZw==";
        assert_eq!(body(raw).unwrap().1.unwrap().object, "out/a??>>.jpg");
        let e = body("image%2Fresize%2Cw_100%7Csys%2Fsaveas%2Co_b3V0L2E%2FPz4+LmpwZw%3D%3D")
            .unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (BadRequest, "Input is not base64 decoding."));
        // A raw body with an escape is not decoded: `%2C` is no `,` there.
        let e = body("image/resize%2Cw_100").unwrap_err();
        assert_eq!((e.kind, e.ec), (InvalidArgument, Some("0040-00000213")));
        // Decoded once: a double-encoded body is no process string.
        let e = body("image%252Fresize%252Cw_100").unwrap_err();
        assert_eq!(e.kind, InvalidArgument);
        assert!(e.message.contains("image/ or style/"), "{}", e.message);
        // Malformed escapes and non-UTF-8 results.
        for bad in ["image%2", "image%2Fresize%2Cw_100%7", "image%zz", "%FF%2F", "image%C3%2F"] {
            let e = body(bad).unwrap_err();
            assert_eq!(
                (e.kind, e.message.as_str()),
                (
                    InvalidArgument,
                    "The form-encoded request body has a malformed escape or is not UTF-8."
                ),
                "{bad}"
            );
        }
        // The other rules hold after decoding: saveas needs `sys/`.
        let e = body("image%2Fresize%2Cw_100%7Csaveas%2Co_dGVzdA").unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (InvalidArgument, "saveas must be written sys/saveas.")
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn any_target_name_round_trips_in_both_forms(
            name in "[^/\\\\][\\PC]{0,40}",
            bucket in "[a-z0-9][a-z0-9-]{1,20}[a-z0-9]",
            standard in any::<bool>(),
        ) {
            let enc = |s: &str| if standard { std_base64(s) } else { encode_base64url(s.as_bytes()) };
            let raw = format!("image/resize,w_10|sys/saveas,o_{},b_{}", enc(&name), enc(&bucket));
            let want = Some(SaveAs { object: name.clone(), bucket: Some(bucket.clone()) });
            prop_assert_eq!(&body(&raw).unwrap().1, &want);
            prop_assert_eq!(&body(&stringify(&raw)).unwrap().1, &want);
        }

        #[test]
        fn hostile_bodies_never_panic(s in "(image/|image%2F|style%2f)?[a-z0-9_,/|=+%A-F-]{0,64}") {
            let _ = body(&s);
        }
    }
}
