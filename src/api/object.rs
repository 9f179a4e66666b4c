//! Object operations (spec §10.2–§10.5, §10.8): PutObject (streamed, Content-MD5 checked),
//! GetObject/HeadObject (Range, conditional headers, `response-*` overrides; `x-oss-process` and
//! delimiter styles hand over to `processing`), DeleteObject, CopyObject and Get/PutObjectAcl.

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use futures_util::TryStreamExt as _;

use super::access::{check_write, protected, protection_denied, read_allowed};
use super::auth::unix_seconds;
use super::common::{
    acl_policy, body_stream, check_upload_length, http_date, iso, object_meta, parse_range, set,
    storage_class, stored,
};
use super::context::{denied, not_found_details, AppState, Ctx};
use super::response::{empty, xml, ApiError};
use super::xml::XmlWriter;
use super::{processing, wire};
use crate::error::ErrorKind;
use crate::storage::{MetadataDirective, ObjectAcl, ObjectInfo};

/// `PUT /<key>` — PutObject, streamed to the store.
pub async fn put(state: &AppState, ctx: &Ctx, body: Body) -> Result<Response<Body>, ApiError> {
    let bucket = ctx.bucket()?;
    let cfg = state.0.storage.bucket(bucket).await?;
    check_write(state, ctx, (bucket, &cfg), ctx.key()).await?;
    check_upload_length(ctx)?;
    let meta = object_meta(ctx, cfg.storage_class)?;
    let forbid =
        ctx.header("x-oss-forbid-overwrite").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let stream = body_stream(ctx, body);
    let r = state.0.storage.put_object(bucket, ctx.key(), stream, meta, forbid).await?;
    Ok(stored(&r))
}

/// `GET`/`HEAD /<key>` — GetObject/HeadObject, or processing when `x-oss-process` is present or
/// the key ends in a configured style delimiter and style.
pub async fn get(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let bucket = ctx.bucket()?;
    let cfg = state.0.storage.bucket(bucket).await?;
    if let Some(process) = ctx.param("x-oss-process") {
        return processing::process(state, ctx, &cfg, ctx.key(), process).await;
    }
    // Delimiter styles (spec §5.2): split at the last configured delimiter, use the right part as
    // a style only when the bucket has such a style, else treat the whole path as the key [U].
    if !cfg.process.delimiters.is_empty() {
        let key = ctx.key();
        if let Some((i, _)) =
            key.char_indices().rev().find(|(_, c)| cfg.process.delimiters.contains(c))
        {
            let (object_key, style) = (&key[..i], &key[i + 1..]);
            if !object_key.is_empty() && cfg.style(style).is_some() {
                return processing::process(
                    state,
                    ctx,
                    &cfg,
                    object_key,
                    &format!("style/{style}"),
                )
                .await;
            }
        }
    }
    let key = ctx.key();
    let info = match read_allowed(state, ctx, &cfg, key).await {
        Err(e) if e.error.kind == ErrorKind::NoSuchKey => {
            return Err(missing_style_or(state, ctx, &cfg, key, e).await)
        }
        r => r?,
    };
    if protected(&cfg, ctx, key) {
        return Err(protection_denied());
    }
    if let Some(resp) = conditional(ctx, &info, "")? {
        return Ok(resp);
    }
    let head = ctx.method == Method::HEAD;
    let range = match ctx.header("range") {
        Some(r) => {
            parse_range(r, info.size, ctx.header("x-oss-range-behavior") == Some("standard"))?
        }
        None => None,
    };
    let (status, body) = if head {
        // HEAD answers what GET would, without the body: 206 for a served range.
        (if range.is_some() { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK }, Body::empty())
    } else {
        let (_, body) = state.0.storage.get_object(bucket, key, range).await?;
        let stream = body.into_stream().map_err(|e| std::io::Error::other(e.to_string()));
        (
            if range.is_some() { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK },
            Body::from_stream(stream),
        )
    };
    let len = range.map_or(info.size, |(a, b)| b - a + 1);
    let mut resp = Response::builder()
        .status(status)
        .body(body)
        .map_err(|_| ApiError::from(crate::Error::internal()))?;
    let h = resp.headers_mut();
    object_headers(h, &info);
    set(h, "content-length", &len.to_string());
    if let Some((a, b)) = range {
        set(h, "content-range", &format!("bytes {a}-{b}/{}", info.size));
    }
    response_overrides(ctx, h)?;
    Ok(resp)
}

/// The error for a missing `key`: `404 NoSuchStyle` when the key is an existing object, a
/// configured delimiter and a name that is no style of the bucket (spec §5.2 \[U\]), else
/// `not_found` unchanged.
async fn missing_style_or(
    state: &AppState,
    ctx: &Ctx,
    cfg: &crate::storage::BucketConfig,
    key: &str,
    not_found: ApiError,
) -> ApiError {
    let Some((i, _)) = key.char_indices().rev().find(|(_, c)| cfg.process.delimiters.contains(c))
    else {
        return not_found;
    };
    let (object_key, style) = (&key[..i], &key[i + 1..]);
    let Ok(bucket) = ctx.bucket() else { return not_found };
    if object_key.is_empty()
        || style.is_empty()
        || state.0.storage.head_object(bucket, object_key).await.is_err()
    {
        return not_found;
    }
    ApiError::new(ErrorKind::NoSuchStyle, "The specified style does not exist.")
}

/// The stored headers of an object.
fn object_headers(h: &mut axum::http::HeaderMap, info: &ObjectInfo) {
    set(h, "content-type", &info.content_type);
    set(h, "etag", &info.etag);
    set(h, "last-modified", &http_date(info.last_modified));
    set(h, "accept-ranges", "bytes");
    set(h, "x-oss-object-type", info.object_type());
    set(h, "x-oss-storage-class", info.storage_class.as_str());
    // A mounted plain object has neither: its body was never hashed.
    if let Some(crc) = info.crc64 {
        set(h, "x-oss-hash-crc64ecma", &crc.to_string());
    }
    // OSS sends Content-MD5 for Normal objects only (§10.3): a multipart object's ETag is not
    // its MD5 either.
    if let Some(md5) = info.content_md5().filter(|_| info.object_type() == "Normal") {
        set(h, "content-md5", &md5);
    }
    for (name, value) in [
        ("cache-control", &info.cache_control),
        ("content-disposition", &info.content_disposition),
        ("content-encoding", &info.content_encoding),
        ("expires", &info.expires),
    ] {
        if let Some(v) = value {
            set(h, name, v);
        }
    }
    for (n, v) in &info.user_meta {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(format!("x-oss-meta-{n}").as_bytes()),
            HeaderValue::from_str(v),
        ) {
            h.insert(name, value);
        }
    }
}

/// `response-*` query overrides (spec §10.3); not allowed for anonymous requests.
fn response_overrides(ctx: &Ctx, h: &mut axum::http::HeaderMap) -> Result<(), ApiError> {
    const OVERRIDES: [(&str, &str); 6] = [
        ("response-content-type", "content-type"),
        ("response-content-language", "content-language"),
        ("response-expires", "expires"),
        ("response-cache-control", "cache-control"),
        ("response-content-disposition", "content-disposition"),
        ("response-content-encoding", "content-encoding"),
    ];
    for (param, name) in OVERRIDES {
        if let Some(v) = ctx.param(param) {
            if !ctx.is_owner() {
                return Err(ApiError::new(
                    ErrorKind::AccessDenied,
                    "Anonymous requests cannot use response-* overrides.",
                ));
            }
            set(h, name, v);
        }
    }
    Ok(())
}

/// Strips quotes and compares ETags case-insensitively (spec §10.3 \[U\]).
fn etag_eq(a: &str, b: &str) -> bool {
    a.trim().trim_matches('"').eq_ignore_ascii_case(b.trim().trim_matches('"'))
}

/// If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since (spec §10.3): `Some(304)`,
/// an error 412, or `None` to proceed.
/// The conditional headers of GetObject (`prefix` "") or of a copy's source (`prefix`
/// `x-oss-copy-source-`): a failed If-Match / If-Unmodified-Since is `412`; a matching
/// If-None-Match or an unmodified If-Modified-Since answers `304` (the response returned).
fn conditional(
    ctx: &Ctx,
    info: &ObjectInfo,
    prefix: &str,
) -> Result<Option<Response<Body>>, ApiError> {
    let h = |name: &str| ctx.header(&format!("{prefix}{name}"));
    let modified = unix_seconds(info.last_modified);
    let failed = || {
        ApiError::new(
            ErrorKind::PreconditionFailed,
            "At least one of the pre-conditions you specified did not hold.",
        )
    };
    if let Some(m) = h("if-match") {
        if !m.split(',').any(|t| t.trim() == "*" || etag_eq(t, &info.etag)) {
            return Err(failed());
        }
    }
    if let Some(d) = h("if-unmodified-since").and_then(super::auth::parse_http_date) {
        if modified > d {
            return Err(failed());
        }
    }
    let not_modified = || {
        let mut r = empty(StatusCode::NOT_MODIFIED);
        r.headers_mut().remove(header::CONTENT_LENGTH);
        set(r.headers_mut(), "etag", &info.etag);
        set(r.headers_mut(), "last-modified", &http_date(info.last_modified));
        r
    };
    if let Some(m) = h("if-none-match") {
        if m.split(',').any(|t| t.trim() == "*" || etag_eq(t, &info.etag)) {
            return Ok(Some(not_modified()));
        }
    } else if let Some(d) = h("if-modified-since").and_then(super::auth::parse_http_date) {
        if modified <= d {
            return Ok(Some(not_modified()));
        }
    }
    Ok(None)
}

/// `DELETE /<key>` — 204 whether or not the key exists.
pub async fn delete(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let bucket = ctx.bucket()?;
    let cfg = state.0.storage.bucket(bucket).await?;
    check_write(state, ctx, (bucket, &cfg), ctx.key()).await?;
    state.0.storage.delete_object(bucket, ctx.key()).await?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// The `x-oss-copy-source` of CopyObject and UploadPartCopy (`/bucket/key`, percent-encoded)
/// after checking its `x-oss-copy-source-if-*` conditions and that the caller may read it: the source's own ACL decides, else its bucket's (a
/// private object in a public bucket is not copyable anonymously); callers who cannot read the
/// bucket learn nothing of its keys.
pub(super) async fn copy_source(state: &AppState, ctx: &Ctx) -> Result<CopySource, ApiError> {
    let source = ctx.header("x-oss-copy-source").unwrap_or_default();
    let source = wire::percent_decode(source)
        .ok_or_else(|| ApiError::new(ErrorKind::InvalidArgument, "Invalid x-oss-copy-source."))?;
    let (src_bucket, src_key) = source
        .trim_start_matches('/')
        .split_once('/')
        .filter(|(b, k)| !b.is_empty() && !k.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                ErrorKind::InvalidArgument,
                "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.",
            )
        })?;
    let src_err = |e: crate::Error| not_found_details(e.into(), Some(src_bucket), Some(src_key));
    let src_cfg = state.0.storage.bucket(src_bucket).await.map_err(src_err)?;
    let src_info = match state.0.storage.head_object(src_bucket, src_key).await {
        Err(e) if e.kind == ErrorKind::NoSuchKey && !ctx.can_read(src_cfg.acl) => {
            return Err(denied("object"))
        }
        r => r.map_err(src_err)?,
    };
    if !ctx.can_read(src_info.acl.effective(src_cfg.acl)) {
        return Err(denied("object"));
    }
    if let Some(not_modified) = conditional(ctx, &src_info, "x-oss-copy-source-")? {
        return Ok(CopySource::NotModified(not_modified));
    }
    Ok(CopySource::Object(src_bucket.to_string(), src_key.to_string()))
}

/// What [`copy_source`] found.
pub(super) enum CopySource {
    /// Copy this bucket and key.
    Object(String, String),
    /// `x-oss-copy-source-if-none-match` / `-if-modified-since` held: answer this `304`.
    NotModified(Response<Body>),
}

/// `PUT /<key>` with `x-oss-copy-source` — CopyObject.
pub async fn copy(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let bucket = ctx.bucket()?;
    let cfg = state.0.storage.bucket(bucket).await?;
    check_write(state, ctx, (bucket, &cfg), ctx.key()).await?;
    let (src_bucket, src_key) = match copy_source(state, ctx).await? {
        CopySource::Object(b, k) => (b, k),
        CopySource::NotModified(r) => return Ok(r),
    };
    let (src_bucket, src_key) = (src_bucket.as_str(), src_key.as_str());
    let acl = match ctx.header("x-oss-object-acl") {
        Some(v) => ObjectAcl::parse(v)?,
        None => ObjectAcl::Default,
    };
    let directive = match ctx.header("x-oss-metadata-directive").unwrap_or("COPY") {
        d if d.eq_ignore_ascii_case("COPY") => {
            MetadataDirective::Copy { acl, storage_class: storage_class(ctx)? }
        }
        d if d.eq_ignore_ascii_case("REPLACE") => {
            MetadataDirective::Replace(object_meta(ctx, cfg.storage_class)?)
        }
        _ => {
            return Err(ApiError::new(
                ErrorKind::InvalidArgument,
                "Invalid x-oss-metadata-directive.",
            ))
        }
    };
    let forbid =
        ctx.header("x-oss-forbid-overwrite").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let r = state
        .0
        .storage
        .copy_object(src_bucket, src_key, bucket, ctx.key(), directive, forbid)
        .await?;
    let mut w = XmlWriter::new();
    w.open("CopyObjectResult")
        .elem("ETag", &r.etag)
        .elem("LastModified", &iso(r.last_modified))
        .close("CopyObjectResult");
    let mut resp = xml(w.finish());
    set(resp.headers_mut(), "etag", &r.etag);
    set(resp.headers_mut(), "x-oss-hash-crc64ecma", &r.crc64.to_string());
    Ok(resp)
}

/// `?acl` on an object — GetObjectAcl / PutObjectAcl (owners only).
pub async fn acl(state: &AppState, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    if !ctx.is_owner() {
        return Err(denied("object"));
    }
    let bucket = ctx.bucket()?;
    if ctx.method == Method::PUT {
        let v = ctx.header("x-oss-object-acl").ok_or_else(|| {
            ApiError::new(ErrorKind::MissingArgument, "The x-oss-object-acl header is missing.")
        })?;
        state.0.storage.put_object_acl(bucket, ctx.key(), ObjectAcl::parse(v)?).await?;
        return Ok(empty(StatusCode::OK));
    }
    let info = state.0.storage.head_object(bucket, ctx.key()).await?;
    Ok(xml(acl_policy(info.acl.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_oss() {
        // Default behaviour on a 1000-byte object (spec §10.3).
        assert_eq!(parse_range("bytes=0-499", 1000, false).unwrap(), Some((0, 499)));
        assert_eq!(parse_range("bytes=500-", 1000, false).unwrap(), Some((500, 999)));
        assert_eq!(parse_range("bytes=-500", 1000, false).unwrap(), Some((500, 999)));
        for bad in ["byte=0-499", "bytes=0-1000", "bytes=1000-2000", "bytes=1000-", "bytes=-2000"] {
            assert_eq!(parse_range(bad, 1000, false).unwrap(), None, "{bad}");
        }
        // Standard behaviour on a 10-byte object: clamp the end, 416 past the start.
        assert_eq!(parse_range("bytes=5-15", 10, true).unwrap(), Some((5, 9)));
        assert_eq!(
            parse_range("bytes=15-25", 10, true).unwrap_err().error.kind,
            ErrorKind::InvalidRange
        );
        assert_eq!(parse_range("bytes=0-1,3-4", 10, false).unwrap(), Some((0, 1)));
        assert!(parse_range("bytes=0-1,3-4", 10, true).is_err());
    }
}
