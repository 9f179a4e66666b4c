//! The one atomic, streamed write under every stored body: an ossimg blob (body and record
//! trailer) and a mount's plain object alike. Digests (MD5, CRC-64) are computed on the way; the
//! body is buffered up to [`SINGLE_PUT_MAX`] and put once, or streamed through a multipart upload
//! past that; any failure (body error, Content-MD5 mismatch, size limit) aborts it, so the
//! previous version stays.

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::path::Path;
use object_store::{
    Attributes, ObjectStore, ObjectStoreExt, PutMode, PutMultipartOptions, PutOptions, PutPayload,
    WriteMultipart,
};
use std::fmt;

use super::record::Digests;
use super::{backend, file_exists, PARTS_IN_FLIGHT, PART_SIZE, SINGLE_PUT_MAX};
use crate::{Error, ErrorKind, Result};

/// Where and how [`write_stream`] writes.
pub(super) struct WriteTarget<'a> {
    pub(super) store: &'a dyn ObjectStore,
    pub(super) path: &'a Path,
    /// Longest body accepted (`400 InvalidArgument` beyond).
    pub(super) max_size: u64,
    /// The decoded `Content-MD5`: a body with another MD5 is `400 InvalidDigest`, not stored.
    pub(super) expected_md5: Option<[u8; 16]>,
    /// Create only (`409 FileAlreadyExists` when something is there).
    pub(super) forbid_overwrite: bool,
    /// Attributes of the stored object (a mount's Content-Type and metadata on S3).
    pub(super) attributes: Attributes,
}

/// The digests and length of a body [`write_stream`] stored.
pub(super) struct Hashed {
    pub(super) md5: [u8; 16],
    pub(super) crc64: u64,
    pub(super) size: u64,
    /// The backend ETag of the blob written (once written).
    pub(super) e_tag: Option<String>,
}

/// Streams `body`, then whatever `tail` returns once the body's digests are known (the record
/// trailer of an ossimg blob; nothing for a plain object), to `t.path` as one atomic write.
/// Bodies up to [`SINGLE_PUT_MAX`] are buffered and written with one put (create-if-absent with
/// `forbid_overwrite`); larger ones stream through a multipart upload, with `forbid_overwrite`
/// checked before and after. Any failure aborts the upload: the previous version stays.
pub(super) async fn write_stream<S, E, T>(t: WriteTarget<'_>, body: S, tail: T) -> Result<Hashed>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send,
    E: fmt::Display,
    T: FnOnce(&Hashed) -> Result<Option<Bytes>>,
{
    if t.forbid_overwrite && exists(t.store, t.path).await? {
        return Err(file_exists());
    }
    let mut digests = Digests::default();
    let mut buffered: Vec<Bytes> = Vec::new();
    let mut upload: Option<WriteMultipart> = None;
    let fed = feed(&t, body, &mut digests, &mut buffered, &mut upload).await;
    let size = digests.len;
    let (md5, crc64) = digests.finish();
    let mut hashed = Hashed { md5, crc64, size, e_tag: None };
    let tail = fed
        .and_then(|()| match t.expected_md5 {
            Some(want) if want != md5 => Err(Error::new(
                ErrorKind::InvalidDigest,
                "The Content-MD5 you specified is not valid.",
            )),
            _ => Ok(()),
        })
        .and_then(|()| tail(&hashed));
    let tail = match tail {
        Ok(tail) => tail,
        Err(e) => {
            if let Some(w) = upload {
                let _ = w.abort().await; // Best effort: an unfinished upload is never visible.
            }
            return Err(e);
        }
    };
    match upload {
        Some(mut w) => {
            if t.forbid_overwrite && exists(t.store, t.path).await? {
                let _ = w.abort().await;
                return Err(file_exists());
            }
            if let Some(tail) = tail {
                w.put(tail);
            }
            hashed.e_tag = w.finish().await.map_err(backend)?.e_tag;
        }
        None => {
            let payload: PutPayload = buffered.into_iter().chain(tail).collect();
            let overwrite = PutOptions { attributes: t.attributes.clone(), ..Default::default() };
            if t.forbid_overwrite {
                let opts = PutOptions { mode: PutMode::Create, ..overwrite.clone() };
                match t.store.put_opts(t.path, payload.clone(), opts).await {
                    Ok(r) => hashed.e_tag = r.e_tag,
                    Err(object_store::Error::AlreadyExists { .. })
                    | Err(object_store::Error::Precondition { .. }) => return Err(file_exists()),
                    // No create-if-absent: the check above is all there is.
                    Err(object_store::Error::NotImplemented { .. })
                    | Err(object_store::Error::NotSupported { .. }) => {
                        let r = t.store.put_opts(t.path, payload, overwrite).await;
                        hashed.e_tag = r.map_err(backend)?.e_tag;
                    }
                    Err(e) => return Err(backend(e)),
                }
            } else {
                let r = t.store.put_opts(t.path, payload, overwrite).await;
                hashed.e_tag = r.map_err(backend)?.e_tag;
            }
        }
    }
    Ok(hashed)
}

/// Reads the body into `buffered` until it passes [`SINGLE_PUT_MAX`], then continues into a
/// multipart upload left in `upload` (which the caller aborts on error). A body longer than
/// `t.max_size` is refused.
async fn feed<S, E>(
    t: &WriteTarget<'_>,
    body: S,
    digests: &mut Digests,
    buffered: &mut Vec<Bytes>,
    upload: &mut Option<WriteMultipart>,
) -> Result<()>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send,
    E: fmt::Display,
{
    let mut body = std::pin::pin!(body);
    let mut buffered_len = 0usize;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            Error::new(ErrorKind::BadRequest, format!("The request body could not be read: {e}"))
        })?;
        digests.update(&chunk);
        if digests.len > t.max_size {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "Your proposed upload exceeds the maximum allowed object size.",
            ));
        }
        match upload {
            Some(w) => {
                w.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(backend)?;
                w.put(chunk);
            }
            None => {
                buffered_len += chunk.len();
                buffered.push(chunk);
                if buffered_len > SINGLE_PUT_MAX {
                    let opts = PutMultipartOptions::from(t.attributes.clone());
                    let up = t.store.put_multipart_opts(t.path, opts).await.map_err(backend)?;
                    let mut w = WriteMultipart::new_with_chunk_size(up, PART_SIZE);
                    for b in buffered.drain(..) {
                        w.put(b);
                    }
                    *upload = Some(w);
                }
            }
        }
    }
    Ok(())
}

/// Whether something is stored at `path`.
async fn exists(store: &dyn ObjectStore, path: &Path) -> Result<bool> {
    match store.head(path).await {
        Ok(_) => Ok(true),
        Err(object_store::Error::NotFound { .. }) => Ok(false),
        Err(e) => Err(backend(e)),
    }
}
