//! Pieces of requests and answers the handlers share: small XML bodies, `Content-MD5`, streamed
//! upload bodies and their declared length, object metadata headers, `Range`, `encoding-type=url`,
//! and the ISO/HTTP dates and ACL names of answers.

use std::time::SystemTime;

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode};
use base64::Engine as _;

use super::auth::{format_http_date, format_iso8601, unix_seconds};
use super::context::Ctx;
use super::response::{empty, ApiError};
use super::xml::XmlWriter;
use crate::error::ErrorKind;
use crate::storage::{ObjectAcl, ObjectMeta, StorageClass};

/// Largest request body of the small XML APIs (styles, configurations, multi-delete of 1000 keys).
pub const MAX_XML_BODY: usize = 2 * 1024 * 1024;

/// Reads a small request body as UTF-8, checking its `Content-MD5` when one is given (the V2
/// SDKs send it with PutStyle and the other XML bodies); a client pausing longer than the
/// body-idle timeout gets `400 BadRequest`.
pub async fn read_small_body(ctx: &Ctx, body: Body) -> Result<String, ApiError> {
    use futures_util::StreamExt as _;
    let want = content_md5(ctx)?;
    let mut bytes = Vec::new();
    let mut pieces = std::pin::pin!(body_stream(ctx, body));
    while let Some(piece) = pieces.next().await {
        let piece = piece.map_err(|e| {
            ApiError::new(ErrorKind::BadRequest, format!("The request body could not be read: {e}"))
        })?;
        if bytes.len() + piece.len() > MAX_XML_BODY {
            return Err(ApiError::new(
                ErrorKind::InvalidArgument,
                "The request body is too large.",
            ));
        }
        bytes.extend_from_slice(&piece);
    }
    if want.is_some_and(|want| {
        use md5::Digest as _;
        <[u8; 16]>::from(md5::Md5::digest(&bytes)) != want
    }) {
        return Err(invalid_digest());
    }
    String::from_utf8(bytes).map_err(|_| malformed_xml())
}

/// `400 MalformedXML`.
pub fn malformed_xml() -> ApiError {
    ApiError::new(ErrorKind::MalformedXml, "The XML you provided was not well-formed or did not validate against our published schema.")
}

/// ISO 8601 as OSS prints `LastModified`/`CreationDate`: whole seconds and a literal `.000Z`
/// (oss2's parser accepts nothing else).
pub fn iso(t: std::time::SystemTime) -> String {
    format_iso8601(unix_seconds(t))
}

/// The `AccessControlPolicy` document of Get{Bucket,Object}Acl.
pub fn acl_policy(grant: &str) -> String {
    let mut w = XmlWriter::new();
    w.open("AccessControlPolicy");
    owner(&mut w);
    w.open("AccessControlList")
        .elem("Grant", grant)
        .close("AccessControlList")
        .close("AccessControlPolicy");
    w.finish()
}

/// The `encoding-type` parameter of listings and multipart answers: `url` percent-encodes keys
/// in the answer ([`url_encode`]); anything else but nothing is `InvalidArgument`.
pub fn url_encoding(ctx: &Ctx) -> Result<bool, ApiError> {
    match ctx.param("encoding-type") {
        None | Some("") => Ok(false),
        Some("url") => Ok(true),
        Some(other) => Err(ApiError::new(
            ErrorKind::InvalidArgument,
            format!("Invalid encoding-type: {other}"),
        )),
    }
}

/// Percent-encodes for `encoding-type=url`: everything but RFC 3986 unreserved characters and
/// `/`, so `+` is `%2B` and space `%20` (the V2 SDKs decode with a form unescape, spec §10.7).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Largest object PutObject accepts: 5 GB (spec §10.2).
const MAX_OBJECT_BYTES: u64 = 5 * 1024 * 1024 * 1024;

/// Largest total size of `x-oss-meta-*` names and values: 8 KB (spec §10.2).
const MAX_USER_META_BYTES: usize = 8 * 1024;

pub(super) fn http_date(t: SystemTime) -> String {
    format_http_date(unix_seconds(t))
}

/// The request's `Content-MD5` (base64 of 16 bytes); one that does not decode, or a body that
/// does not match it, is `400 InvalidDigest`.
pub(super) fn content_md5(ctx: &Ctx) -> Result<Option<[u8; 16]>, ApiError> {
    let Some(v) = ctx.header("content-md5") else { return Ok(None) };
    base64::engine::general_purpose::STANDARD
        .decode(v.trim())
        .ok()
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map(Some)
        .ok_or_else(invalid_digest)
}

/// `400 InvalidDigest`.
pub(super) fn invalid_digest() -> ApiError {
    ApiError::new(ErrorKind::InvalidDigest, "The Content-MD5 you specified is not valid.")
}

/// The request's `x-oss-storage-class`, validated.
pub(super) fn storage_class(ctx: &Ctx) -> Result<Option<StorageClass>, ApiError> {
    Ok(ctx.header("x-oss-storage-class").map(StorageClass::parse).transpose()?)
}

/// The metadata of a PutObject (or CopyObject with REPLACE, or InitiateMultipartUpload) request
/// into a bucket of class `bucket_class` (the object's class unless `x-oss-storage-class` names
/// one).
pub(super) fn object_meta(ctx: &Ctx, bucket_class: StorageClass) -> Result<ObjectMeta, ApiError> {
    let content_md5_expected = content_md5(ctx)?;
    let mut user_meta = Vec::new();
    let mut meta_bytes = 0;
    for (name, value) in ctx.headers.iter() {
        if let Some(n) = name.as_str().strip_prefix("x-oss-meta-") {
            let v = value.to_str().map_err(|_| {
                ApiError::new(ErrorKind::InvalidArgument, "User metadata must be ASCII.")
            })?;
            meta_bytes += n.len() + v.len();
            user_meta.push((n.to_string(), v.to_string()));
        }
    }
    if meta_bytes > MAX_USER_META_BYTES {
        return Err(ApiError::new(
            ErrorKind::InvalidArgument,
            "Your metadata headers exceed the maximum allowed metadata size.",
        ));
    }
    let acl = match ctx.header("x-oss-object-acl") {
        Some(v) => ObjectAcl::parse(v)?,
        None => ObjectAcl::Default,
    };
    let own = |h: &str| ctx.header(h).map(str::to_string);
    Ok(ObjectMeta {
        content_type: own("content-type"),
        content_md5_expected,
        user_meta,
        acl,
        cache_control: own("cache-control"),
        content_disposition: own("content-disposition"),
        content_encoding: own("content-encoding"),
        expires: own("expires"),
        storage_class: storage_class(ctx)?.unwrap_or(bucket_class),
    })
}

/// The request body as a stream of pieces, each of which must arrive within the service's
/// body-idle timeout: a client that stalls mid-upload fails it (`400`, nothing stored) instead
/// of holding the connection and a half-written staging file.
pub(super) fn body_stream(
    ctx: &Ctx,
    body: Body,
) -> impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static {
    use futures_util::StreamExt as _;
    let idle = ctx.body_idle;
    futures_util::stream::unfold(Some(body.into_data_stream()), move |stream| async move {
        let mut stream = stream?;
        match tokio::time::timeout(idle, stream.next()).await {
            Ok(Some(piece)) => Some((piece.map_err(std::io::Error::other), Some(stream))),
            Ok(None) => None,
            Err(_) => {
                let e = std::io::Error::new(std::io::ErrorKind::TimedOut, "no body data in time");
                Some((Err(e), None))
            }
        }
    })
}

/// The body-length rules of PutObject and UploadPart: a `Content-Length` up to 5 GB, or a
/// chunked body.
pub(super) fn check_upload_length(ctx: &Ctx) -> Result<(), ApiError> {
    let chunked =
        ctx.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    match ctx.header("content-length").map(str::parse::<u64>) {
        Some(Ok(n)) if n > MAX_OBJECT_BYTES => {
            return Err(ApiError::new(
                ErrorKind::InvalidArgument,
                "Your proposed upload exceeds the maximum allowed object size.",
            ))
        }
        Some(Ok(_)) => {}
        Some(Err(_)) => {
            return Err(ApiError::new(ErrorKind::InvalidArgument, "Invalid Content-Length."))
        }
        None if !chunked => {
            return Err(ApiError::new(
                ErrorKind::MissingContentLength,
                "You must provide the Content-Length HTTP header.",
            ))
        }
        None => {}
    }
    Ok(())
}

/// The empty `200` of PutObject and UploadPart: `ETag`, `Content-MD5` and the CRC-64 of what was
/// stored.
pub(super) fn stored(r: &crate::storage::PutResult) -> Response<Body> {
    let mut resp = empty(StatusCode::OK);
    let h = resp.headers_mut();
    set(h, "etag", &r.etag);
    set(h, "content-md5", &base64::engine::general_purpose::STANDARD.encode(r.md5));
    set(h, "x-oss-hash-crc64ecma", &r.crc64.to_string());
    resp
}

/// Sets a header when `value` is a valid header value.
pub(super) fn set(h: &mut axum::http::HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        h.insert(name, v);
    }
}

/// Parses a single `Range` (spec §10.3): `Ok(None)` means "serve the whole object with 200"
/// (OSS's default for invalid ranges), `Err(416)` only in `x-oss-range-behavior: standard` mode.
/// Multiple ranges: the first is served by default, 416 in standard mode \[U\].
pub fn parse_range(
    header: &str,
    size: u64,
    standard: bool,
) -> Result<Option<(u64, u64)>, ApiError> {
    let invalid = || -> Result<Option<(u64, u64)>, ApiError> {
        if standard {
            Err(ApiError::new(ErrorKind::InvalidRange, "The requested range cannot be satisfied."))
        } else {
            Ok(None)
        }
    };
    let Some(spec) = header.trim().strip_prefix("bytes=") else { return Ok(None) };
    if spec.contains(',') && standard {
        return invalid();
    }
    let first = spec.split(',').next().unwrap_or("").trim();
    let Some((a, b)) = first.split_once('-') else { return Ok(None) };
    let (a, b) = (a.trim(), b.trim());
    let parse = |s: &str| s.parse::<u64>().ok();
    let range = match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ok(None),
        (true, false) => {
            let Some(n) = parse(b) else { return Ok(None) };
            if n == 0 || size == 0 || (n > size && !standard) {
                return invalid();
            }
            (size.saturating_sub(n), size - 1)
        }
        (false, true) => {
            let Some(s) = parse(a) else { return Ok(None) };
            if s >= size {
                return invalid();
            }
            (s, size - 1)
        }
        (false, false) => {
            let (Some(s), Some(e)) = (parse(a), parse(b)) else { return Ok(None) };
            if s > e || s >= size {
                return invalid();
            }
            if e >= size {
                if !standard {
                    return Ok(None);
                }
                (s, size - 1)
            } else {
                (s, e)
            }
        }
    };
    if size == 0 {
        return invalid();
    }
    Ok(Some(range))
}

pub(super) fn owner(w: &mut XmlWriter) {
    w.open("Owner").elem("ID", "ossimg").elem("DisplayName", "ossimg").close("Owner");
}
