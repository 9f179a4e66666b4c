//! Who may read and write which object: the object's own ACL, else its bucket's (§8.1), the
//! protected-source rule of styles, and how a missing or hidden object is answered. Shared by
//! the object, multipart, bucket and processing handlers.

use super::context::{denied, AppState, Ctx};
use super::response::ApiError;
use crate::error::ErrorKind;
use crate::storage::ObjectInfo;

/// Reads an object's info after checking the caller may read it (object ACL, else bucket ACL).
pub(super) async fn read_allowed(
    state: &AppState,
    ctx: &Ctx,
    cfg: &crate::storage::BucketConfig,
    key: &str,
) -> Result<ObjectInfo, ApiError> {
    let info = state
        .0
        .storage
        .head_object(ctx.bucket()?, key)
        .await
        .map_err(|e| missing_or_denied(e, ctx, cfg, key))?;
    check_read(ctx, cfg, &info)?;
    Ok(info)
}

/// [`read_allowed`] and the body in one read, for processing: a missing source carries the IMG
/// EC, and a source over 20 MB is refused from its stored size, before anything is read.
pub(super) async fn read_allowed_body(
    state: &AppState,
    ctx: &Ctx,
    cfg: &crate::storage::BucketConfig,
    key: &str,
) -> Result<(ObjectInfo, bytes::Bytes), ApiError> {
    let (info, body) = state
        .0
        .storage
        .get_object(ctx.bucket()?, key, None)
        .await
        .map_err(|e| processing_source(missing_or_denied(e, ctx, cfg, key)))?;
    check_read(ctx, cfg, &info)?;
    crate::job::check_source_size(info.size)?;
    Ok((info, body.bytes().await?))
}

/// A missing object as the source of image processing: `NoSuchKey` with the IMG EC
/// 0040-00000024 (spec §4.2/§4.3) instead of GetObject's; other errors pass.
pub(super) fn processing_source(mut e: ApiError) -> ApiError {
    if e.error.kind == ErrorKind::NoSuchKey {
        e.error.ec = Some("0040-00000024");
    }
    e
}

/// A missing key is `NoSuchKey` with its EC and `<Key>`, except for callers who may not read the
/// bucket: they learn nothing about which keys exist.
pub(super) fn missing_or_denied(
    e: crate::Error,
    ctx: &Ctx,
    cfg: &crate::storage::BucketConfig,
    key: &str,
) -> ApiError {
    match e.kind {
        ErrorKind::NoSuchKey if !ctx.can_read(cfg.acl) => denied("object"),
        ErrorKind::NoSuchKey => ApiError::from(crate::Error::with_ec(
            ErrorKind::NoSuchKey,
            "0026-00000001",
            "The specified key does not exist.",
        ))
        .with("Key", key),
        _ => e.into(),
    }
}

/// Whether the caller may overwrite or delete `key` of the bucket configured by `cfg`: an
/// existing object's own ACL decides, else the bucket's (§8.1) — anonymous callers may write a
/// `public-read-write` object of a private bucket, and may not touch a `private` object of a
/// `public-read-write` bucket. Owners always may (no look-up).
pub(super) async fn check_write(
    state: &AppState,
    ctx: &Ctx,
    (bucket, cfg): (&str, &crate::storage::BucketConfig),
    key: &str,
) -> Result<(), ApiError> {
    if ctx.is_owner() {
        return Ok(());
    }
    let acl = match state.0.storage.head_object(bucket, key).await {
        Ok(info) => info.acl.effective(cfg.acl),
        Err(e) if e.kind == ErrorKind::NoSuchKey => cfg.acl,
        Err(e) => return Err(e.into()),
    };
    if ctx.can_write(acl) {
        Ok(())
    } else {
        Err(denied("object"))
    }
}

/// The object's own ACL decides, else the bucket's.
pub(super) fn check_read(
    ctx: &Ctx,
    cfg: &crate::storage::BucketConfig,
    info: &ObjectInfo,
) -> Result<(), ApiError> {
    if ctx.can_read(info.acl.effective(cfg.acl)) {
        Ok(())
    } else {
        Err(denied("object"))
    }
}

/// Source-file protection (spec §5.1): anonymous direct downloads and inline `image/` processing
/// of protected suffixes are refused with 403 (EC 0040-00000031); styles are allowed.
pub(super) fn protected(cfg: &crate::storage::BucketConfig, ctx: &Ctx, key: &str) -> bool {
    if ctx.is_owner() || !cfg.process.source_file_protect {
        return false;
    }
    let ext = key.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    cfg.process.suffixes.iter().any(|s| s == "*" || Some(s.to_ascii_lowercase()) == ext)
}

/// `403 AccessDenied` for a protected source (EC 0040-00000031).
pub(super) fn protection_denied() -> ApiError {
    crate::Error::with_ec(
        ErrorKind::AccessDenied,
        "0040-00000031",
        "You have no right to access this object because of source image protection.",
    )
    .into()
}
