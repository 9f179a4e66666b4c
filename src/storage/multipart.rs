//! Multipart uploads (InitiateMultipartUpload, UploadPart, CompleteMultipartUpload,
//! AbortMultipartUpload, ListParts, ListMultipartUploads): what the SDKs' resumable uploaders
//! use for large files.
//!
//! An upload lives under `.ossimg/uploads/<bucket>/<upload id>/` in the backing store:
//! `upload.json` (key, metadata of the future object, initiation time) and one stored blob per
//! part at `part/<n>` (the same body + trailer format as objects, so each part has its MD5,
//! CRC-64 and size). Completion streams the listed parts, in order, through the ordinary object
//! write path — the object appears atomically, with the OSS multipart ETag
//! `"<MD5 of the parts' binary MD5s>-<part count>"` — and then removes the upload. The uploads
//! of a bucket are listed, in key order, from their registry (`uploads`).

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream};
use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::SystemTime;

use super::keys::{validate_bucket_name, validate_key};
use super::record::{self, internal};
use super::types::{ObjectAcl, ObjectMeta, PutResult, StorageClass};
use super::{parse_path, Storage};
use crate::{Error, ErrorKind, Result};

/// Where uploads in progress live in the backing store.
pub(super) const UPLOADS_DIR: &str = ".ossimg/uploads";

/// Part numbers run from 1 to this (OSS and S3).
pub const MAX_PART_NUMBER: u32 = 10_000;

/// Every part but the last must be at least this long (OSS: 100 KB).
pub const MIN_PART_SIZE: u64 = 100 * 1024;

/// What `upload.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct UploadRecord {
    key: String,
    initiated_ms: u64,
    content_type: Option<String>,
    #[serde(default)]
    user_meta: Vec<(String, String)>,
    #[serde(default)]
    acl: ObjectAcl,
    cache_control: Option<String>,
    content_disposition: Option<String>,
    content_encoding: Option<String>,
    expires: Option<String>,
    #[serde(default)]
    storage_class: StorageClass,
}

/// The key and initiation time (ms) an `upload.json` holds (`None`: not a record of ours).
pub(super) fn record_head(json: &[u8]) -> Option<(String, u64)> {
    serde_json::from_slice::<UploadRecord>(json).ok().map(|r| (r.key, r.initiated_ms))
}

/// One uploaded part, as ListParts shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartInfo {
    /// 1 to [`MAX_PART_NUMBER`].
    pub number: u32,
    /// Quoted upper-case hex MD5 of the part.
    pub etag: String,
    /// Part length in bytes.
    pub size: u64,
    /// CRC-64/ECMA of the part.
    pub crc64: u64,
    /// When the part was uploaded.
    pub last_modified: SystemTime,
}

/// One upload in progress, as ListMultipartUploads shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadInfo {
    /// The key the upload will create.
    pub key: String,
    /// The upload ID.
    pub upload_id: String,
    /// When it was initiated.
    pub initiated: SystemTime,
}

fn no_such_upload() -> Error {
    Error::new(
        ErrorKind::NoSuchUpload,
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    )
}

fn invalid_part() -> Error {
    Error::new(
        ErrorKind::InvalidPart,
        "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
    )
}

/// Upload IDs are 32 upper-case hex digits from the OS generator; anything else names no upload
/// (and never reaches a store path).
pub(super) fn valid_upload_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

fn upload_dir(bucket: &str, id: &str) -> String {
    format!("{UPLOADS_DIR}/{bucket}/{id}")
}

/// Where the record (`upload.json`) of upload `id` lives.
pub(super) fn upload_record_path(bucket: &str, id: &str) -> Result<Path> {
    parse_path(&format!("{}/upload.json", upload_dir(bucket, id)))
}

/// The part number as the upload's own part blobs name it (zero-padded, so names sort).
fn part_path(bucket: &str, id: &str, n: u32) -> Result<Path> {
    parse_path(&format!("{}/part/{n:05}", upload_dir(bucket, id)))
}

/// The label a part's record carries instead of a key.
fn part_label(id: &str, n: u32) -> String {
    format!("{id}#{n}")
}

/// `"ABC…"` and `abc…` name the same ETag.
fn same_etag(a: &str, b: &str) -> bool {
    a.trim().trim_matches('"').eq_ignore_ascii_case(b.trim().trim_matches('"'))
}

impl Storage {
    /// The upload's record, if `id` names an upload of `key` in `bucket`.
    async fn upload(&self, bucket: &str, key: &str, id: &str) -> Result<UploadRecord> {
        validate_bucket_name(bucket)?;
        validate_key(key)?;
        if !valid_upload_id(id) {
            return Err(no_such_upload());
        }
        let path = upload_record_path(bucket, id)?;
        let bytes = match self.store().get(&path).await {
            Ok(r) => r.bytes().await.map_err(super::backend)?,
            Err(object_store::Error::NotFound { .. }) => {
                self.require_bucket(bucket).await?;
                return Err(no_such_upload());
            }
            Err(e) => return Err(super::backend(e)),
        };
        let rec: UploadRecord =
            serde_json::from_slice(&bytes).map_err(|e| internal(format!("upload {id}: {e}")))?;
        if rec.key != key {
            return Err(no_such_upload());
        }
        Ok(rec)
    }

    /// InitiateMultipartUpload: a new upload of `key` whose object will carry `meta`; returns
    /// its upload ID.
    pub async fn initiate_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        meta: ObjectMeta,
    ) -> Result<String> {
        validate_key(key)?;
        self.require_bucket(bucket).await?;
        if let Some(m) = self.inner.mounts.get(bucket) {
            m.check_writable()?;
            m.path(key)?;
        }
        let mut raw = [0u8; 16];
        getrandom::fill(&mut raw).map_err(|e| internal(format!("no OS randomness: {e}")))?;
        let id = record::hex16(&raw).to_ascii_uppercase();
        let rec = UploadRecord {
            key: key.to_string(),
            initiated_ms: record::to_ms(self.now()),
            content_type: meta.content_type,
            user_meta: super::normalize_user_meta(meta.user_meta)?,
            acl: meta.acl,
            cache_control: meta.cache_control,
            content_disposition: meta.content_disposition,
            content_encoding: meta.content_encoding,
            expires: meta.expires,
            storage_class: meta.storage_class,
        };
        let json = serde_json::to_vec(&rec).map_err(|e| internal(format!("upload encode: {e}")))?;
        let path = upload_record_path(bucket, &id)?;
        // The record first: every upload listed has its record (a crash between the two leaves
        // a record nobody holds the ID of, never listed).
        self.store().put(&path, PutPayload::from(json)).await.map_err(super::backend)?;
        if let Err(e) = self.register_upload(bucket, key, &id, rec.initiated_ms).await {
            self.remove_upload_files(bucket, &id).await;
            return Err(e);
        }
        Ok(id)
    }

    /// UploadPart: stores part `n` (replacing an earlier upload of the same number), checking
    /// `content_md5_expected` like PutObject.
    pub async fn upload_part<S, E>(
        &self,
        bucket: &str,
        key: &str,
        id: &str,
        n: u32,
        body: S,
        content_md5_expected: Option<[u8; 16]>,
    ) -> Result<PutResult>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: fmt::Display,
    {
        check_part_number(n)?;
        self.upload(bucket, key, id).await?;
        let meta = ObjectMeta { content_md5_expected, ..Default::default() };
        self.write_blob(
            &part_path(bucket, id, n)?,
            &part_label(id, n),
            body,
            meta,
            false,
            None,
            None,
        )
        .await
    }

    /// ListParts: every part uploaded so far, by part number.
    pub async fn list_parts(&self, bucket: &str, key: &str, id: &str) -> Result<Vec<PartInfo>> {
        self.upload(bucket, key, id).await?;
        self.parts(bucket, id).await
    }

    async fn parts(&self, bucket: &str, id: &str) -> Result<Vec<PartInfo>> {
        let dir = parse_path(&format!("{}/part", upload_dir(bucket, id)))?;
        let metas: Vec<_> =
            self.store().list(Some(&dir)).try_collect().await.map_err(super::backend)?;
        let mut parts = Vec::with_capacity(metas.len());
        for m in metas {
            let Some(n) = m.location.filename().and_then(|f| f.parse::<u32>().ok()) else {
                continue;
            };
            // A part replaced or removed meanwhile is simply skipped.
            if let Some(o) = self.open(&m.location, &part_label(id, n)).await? {
                parts.push(PartInfo {
                    number: n,
                    etag: o.info.etag,
                    size: o.info.size,
                    // A part is an ossimg blob: its record always has the CRC.
                    crc64: o.info.crc64.unwrap_or_default(),
                    last_modified: o.info.last_modified,
                });
            }
        }
        parts.sort_by_key(|p| p.number);
        Ok(parts)
    }

    /// CompleteMultipartUpload: assembles the object from `parts` (`(number, ETag)` in strictly
    /// ascending order; `None` = every uploaded part, as `x-oss-complete-all: yes` asks), then
    /// removes the upload. Errors: `InvalidPartOrder`, `InvalidPart` (missing, or another ETag),
    /// `EntityTooSmall` (a part but the last under 100 KB), `FileAlreadyExists` with
    /// `forbid_overwrite`; on any of them the upload stays as it was.
    pub async fn complete_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        id: &str,
        parts: Option<&[(u32, String)]>,
        forbid_overwrite: bool,
    ) -> Result<PutResult> {
        let rec = self.upload(bucket, key, id).await?;
        let rec_initiated_ms = rec.initiated_ms;
        let uploaded = self.parts(bucket, id).await?;
        let chosen: Vec<PartInfo> = match parts {
            None => uploaded,
            Some(list) => {
                if list.windows(2).any(|w| w[0].0 >= w[1].0) {
                    return Err(Error::new(
                        ErrorKind::InvalidPartOrder,
                        "The list of parts was not in ascending order. Parts list must be specified in order by part number.",
                    ));
                }
                let by_number: std::collections::HashMap<u32, &PartInfo> =
                    uploaded.iter().map(|p| (p.number, p)).collect();
                let mut chosen = Vec::with_capacity(list.len());
                for (n, etag) in list {
                    let p = *by_number.get(n).ok_or_else(invalid_part)?;
                    if !same_etag(&p.etag, etag) {
                        return Err(invalid_part());
                    }
                    chosen.push(p.clone());
                }
                chosen
            }
        };
        if chosen.is_empty() {
            return Err(invalid_part());
        }
        if chosen[..chosen.len() - 1].iter().any(|p| p.size < MIN_PART_SIZE) {
            return Err(Error::new(
                ErrorKind::EntityTooSmall,
                "Your proposed upload is smaller than the minimum allowed size.",
            ));
        }
        // The multipart ETag: MD5 over the parts' binary MD5s, then "-<count>".
        let mut of_parts = Vec::with_capacity(16 * chosen.len());
        for p in &chosen {
            let hex = p.etag.trim_matches('"');
            for i in (0..hex.len()).step_by(2) {
                of_parts.push(
                    u8::from_str_radix(&hex[i..i + 2], 16)
                        .map_err(|_| internal("bad part ETag"))?,
                );
            }
        }
        let etag = {
            use md5::Digest as _;
            let d: [u8; 16] = md5::Md5::digest(&of_parts).into();
            format!("\"{}-{}\"", record::hex16(&d).to_ascii_uppercase(), chosen.len())
        };
        // Each part is read from the blob whose ETag was checked above; one replaced since
        // makes the read fail and the completion with it (the upload stays).
        let this = self.clone();
        let (bucket_s, id_s) = (bucket.to_string(), id.to_string());
        // (Each step is a boxed future: an unboxed async block here makes axum's handler fail
        // the `Send` check, the closure not being general over lifetimes.)
        let body = stream::iter(chosen)
            .then(move |p| -> BoxFuture<'static, Result<BoxStream<'static, Result<Bytes>>>> {
                let (this, bucket, id) = (this.clone(), bucket_s.clone(), id_s.clone());
                Box::pin(async move {
                    let path = part_path(&bucket, &id, p.number)?;
                    let o = this
                        .open(&path, &part_label(&id, p.number))
                        .await?
                        .ok_or_else(invalid_part)?;
                    if o.info.etag != p.etag {
                        return Err(invalid_part());
                    }
                    let body =
                        this.read_body(&o, 0..o.info.size).await?.ok_or_else(invalid_part)?;
                    Ok(body.into_stream())
                })
            })
            .try_flatten()
            .boxed();
        let meta = ObjectMeta {
            content_type: rec.content_type,
            content_md5_expected: None,
            user_meta: rec.user_meta,
            acl: rec.acl,
            cache_control: rec.cache_control,
            content_disposition: rec.content_disposition,
            content_encoding: rec.content_encoding,
            expires: rec.expires,
            storage_class: rec.storage_class,
        };
        let r = match self.inner.mounts.get(bucket) {
            // A mounted bucket gets the plain object, whose ETag is the store's (as a HEAD shows).
            Some(m) => m.put(key, body, meta, forbid_overwrite, u64::MAX).await?,
            None => {
                let path = self.object_path(bucket, key)?;
                let write =
                    self.write_blob(&path, key, body, meta, forbid_overwrite, None, Some(etag));
                self.changing(bucket, key, false, write).await?
            }
        };
        // The object is there: a failure to drop the upload leaves it listed, to be aborted.
        if let Err(e) = self.remove_upload(bucket, key, id, rec_initiated_ms).await {
            tracing::warn!("upload {id}: completed, but still listed: {}", e.message);
        }
        Ok(r)
    }

    /// AbortMultipartUpload: drops the upload and its parts.
    pub async fn abort_multipart_upload(&self, bucket: &str, key: &str, id: &str) -> Result<()> {
        let rec = self.upload(bucket, key, id).await?;
        self.remove_upload(bucket, key, id, rec.initiated_ms).await
    }

    /// Removes an upload's registry entry, then its record and parts (best effort: a leftover
    /// part is never read as an object). An upload whose entry could not be dropped stays
    /// whole (the error), to be aborted again.
    async fn remove_upload(
        &self,
        bucket: &str,
        key: &str,
        id: &str,
        initiated_ms: u64,
    ) -> Result<()> {
        self.unregister_upload(bucket, key, id, initiated_ms).await?;
        self.remove_upload_files(bucket, id).await;
        Ok(())
    }

    /// Removes an upload's record and parts.
    async fn remove_upload_files(&self, bucket: &str, id: &str) {
        let Ok(dir) = parse_path(&upload_dir(bucket, id)) else { return };
        let Ok(paths) =
            self.store().list(Some(&dir)).map_ok(|m| m.location).try_collect::<Vec<_>>().await
        else {
            return;
        };
        // upload.json last, so an interrupted removal still shows the upload (and can be aborted).
        let (record, parts): (Vec<_>, Vec<_>) =
            paths.into_iter().partition(|p| p.filename() == Some("upload.json"));
        for p in parts.into_iter().chain(record) {
            let _ = self.store().delete(&p).await;
        }
    }

    /// True when `bucket` has uploads in progress (DeleteBucket refuses then, as OSS does).
    /// Read from the upload records themselves, not the registry.
    pub(super) async fn has_uploads(&self, bucket: &str) -> Result<bool> {
        let dir = parse_path(&format!("{UPLOADS_DIR}/{bucket}"))?;
        let listing = self.store().list_with_delimiter(Some(&dir)).await.map_err(super::backend)?;
        for p in listing.common_prefixes {
            let Some(id) = p.filename().filter(|f| valid_upload_id(f)) else { continue };
            match self.store().head(&upload_record_path(bucket, id)?).await {
                Ok(_) => return Ok(true),
                Err(object_store::Error::NotFound { .. }) => continue, // completed meanwhile
                Err(e) => return Err(super::backend(e)),
            }
        }
        Ok(false)
    }

    /// Removes whatever is left under the bucket's uploads (a part written by an UploadPart that
    /// raced an abort, a crash's leftover marker) and its listing cards: called by DeleteBucket
    /// once no upload is in progress and no object is left.
    pub(super) async fn remove_upload_leftovers(&self, bucket: &str) {
        for root in [UPLOADS_DIR, super::uploads::MARKERS_DIR, super::cards::CARDS_DIR] {
            let Ok(dir) = parse_path(&format!("{root}/{bucket}")) else { continue };
            let Ok(paths) =
                self.store().list(Some(&dir)).map_ok(|m| m.location).try_collect::<Vec<_>>().await
            else {
                continue;
            };
            for p in paths {
                let _ = self.store().delete(&p).await;
            }
        }
    }
}

/// `partNumber` must be 1–10000.
pub fn check_part_number(n: u32) -> Result<()> {
    if (1..=MAX_PART_NUMBER).contains(&n) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidArgument,
            "Part number must be an integer between 1 and 10000, inclusive.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_ids_and_etags() {
        assert!(valid_upload_id("0004B9894A22E5B1888A1E29F8236E2D"));
        assert!(!valid_upload_id("0004b9894a22e5b1888a1e29f8236e2d"));
        assert!(!valid_upload_id("../../buckets/x.json/0000000000000"));
        assert!(!valid_upload_id(""));
        assert!(same_etag(
            "\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"",
            "5eb63bbbe01eeed093cb22bb8f5acdc3"
        ));
        assert!(!same_etag(
            "\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"",
            "\"5EB63BBBE01EEED093CB22BB8F5ACDC4\""
        ));
        assert!(check_part_number(1).is_ok() && check_part_number(10_000).is_ok());
        assert_eq!(check_part_number(0).unwrap_err().kind, ErrorKind::InvalidArgument);
        assert_eq!(check_part_number(10_001).unwrap_err().kind, ErrorKind::InvalidArgument);
    }
}
