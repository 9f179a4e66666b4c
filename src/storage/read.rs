//! Object reads: opening a stored object (its trailer, then a body range guarded by the
//! blob's ETag, starting over if it was replaced in between), GetObject and HeadObject.

use bytes::Bytes;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt};
use std::ops::Range;
use std::sync::Arc;

use super::body::{BodyInner, ObjectBody};
use super::keys::{validate_bucket_name, validate_key};
use super::record::{internal, Record, FOOTER_LEN};
use super::types::ObjectInfo;
use super::{backend, Storage, PROBE, READ_ATTEMPTS};
use crate::{Error, ErrorKind, Result};

/// An object opened for reading: its metadata (an ossimg trailer, or a mounted plain object's
/// store metadata), and the body too when the first read covered it.
pub(super) struct Opened {
    pub(super) info: ObjectInfo,
    /// The store holding it (the backing store, or a mount's).
    pub(super) store: Arc<dyn ObjectStore>,
    pub(super) path: Path,
    /// The backend ETag of the blob the trailer came from (guards the body read).
    pub(super) e_tag: Option<String>,
    pub(super) inline: Option<Bytes>,
}

impl Storage {
    /// Reads the last [`PROBE`] bytes of the blob at `path` (`None`: no such object). Some S3
    /// servers answer a suffix range longer than the object with `200` and the whole body, which
    /// `object_store` refuses; then the size is asked first and the same bytes read as a plain
    /// bounded range.
    pub(super) async fn probe(&self, path: &Path) -> Result<Option<object_store::GetResult>> {
        let opts = GetOptions { range: Some(GetRange::Suffix(PROBE)), ..Default::default() };
        let first_err = match self.store().get_opts(path, opts).await {
            Ok(r) => return Ok(Some(r)),
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => e,
        };
        let size = match self.store().head(path).await {
            Ok(m) => m.size,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(_) => return Err(backend(first_err)),
        };
        if size == 0 {
            return Err(internal(format!("stored object {path} is empty")));
        }
        let opts = GetOptions {
            range: Some(GetRange::Bounded(size.saturating_sub(PROBE)..size)),
            ..Default::default()
        };
        match self.store().get_opts(path, opts).await {
            Ok(r) => Ok(Some(r)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(backend(e)),
        }
    }

    /// Reads the trailer of the object at `path` (`None`: no such object).
    pub(super) async fn open(&self, path: &Path, key: &str) -> Result<Option<Opened>> {
        self.open_as(path, Some(key)).await
    }

    /// Reads the trailer of the object at `path` whatever key it holds (a long key's hashed
    /// name: the record tells the key).
    pub(super) async fn open_unchecked(&self, path: &Path) -> Result<Option<Opened>> {
        self.open_as(path, None).await
    }

    /// Reads the trailer of the object at `path`, which must hold `key` when one is given.
    pub(super) async fn open_as(&self, path: &Path, key: Option<&str>) -> Result<Option<Opened>> {
        for _ in 0..READ_ATTEMPTS {
            let Some(r) = self.probe(path).await? else { return Ok(None) };
            let blob_size = r.meta.size;
            let start = r.range.start;
            let e_tag = r.meta.e_tag.clone();
            let probe = match r.bytes().await {
                Ok(b) => b,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(backend(e)),
            };
            let plen = probe.len() as u64;
            if start + plen != blob_size {
                continue; // Replaced between the size and the read of the fallback probe.
            }
            if plen < FOOTER_LEN {
                return Err(internal(format!("stored object {path} is truncated")));
            }
            let n = Record::record_len(&probe[(plen - FOOTER_LEN) as usize..])?;
            let json_start = blob_size
                .checked_sub(FOOTER_LEN + n)
                .ok_or_else(|| internal(format!("stored object {path} has a bad trailer")))?;
            let json = if json_start >= start {
                probe.slice((json_start - start) as usize..(plen - FOOTER_LEN) as usize)
            } else {
                // A trailer longer than the probe: read exactly it, from the same blob.
                let opts = GetOptions {
                    range: Some(GetRange::Bounded(json_start..blob_size - FOOTER_LEN)),
                    if_match: e_tag.clone(),
                    ..Default::default()
                };
                match self.store().get_opts(path, opts).await {
                    Ok(r) => r.bytes().await.map_err(backend)?,
                    Err(object_store::Error::Precondition { .. })
                    | Err(object_store::Error::NotFound { .. }) => continue,
                    Err(e) => return Err(backend(e)),
                }
            };
            let rec = Record::parse(&json, blob_size)?;
            if key.is_some_and(|k| rec.key != k) {
                return Err(internal(format!("stored object {path} holds key {:?}", rec.key)));
            }
            let info = rec.info()?;
            let inline = (start == 0).then(|| probe.slice(0..rec.size as usize));
            let store = Arc::clone(&self.inner.store);
            return Ok(Some(Opened { info, store, path: path.clone(), e_tag, inline }));
        }
        Err(internal(format!("object {path} kept changing while being read")))
    }

    /// Reads the body range `range` of an opened object; `Ok(None)` when the object was replaced
    /// since it was opened (the caller starts over).
    pub(super) async fn read_body(
        &self,
        o: &Opened,
        range: Range<u64>,
    ) -> Result<Option<ObjectBody>> {
        if range.is_empty() {
            return Ok(Some(ObjectBody { range, inner: BodyInner::Bytes(Bytes::new()) }));
        }
        if let Some(b) = &o.inline {
            let inner = BodyInner::Bytes(b.slice(range.start as usize..range.end as usize));
            return Ok(Some(ObjectBody { range, inner }));
        }
        let opts = GetOptions {
            range: Some(GetRange::Bounded(range.clone())),
            if_match: o.e_tag.clone(),
            ..Default::default()
        };
        match o.store.get_opts(&o.path, opts).await {
            Ok(r) => Ok(Some(ObjectBody { range, inner: BodyInner::Backend(r) })),
            Err(object_store::Error::Precondition { .. })
            | Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(backend(e)),
        }
    }

    /// GetObject with the range decided after the metadata is known: `pick` sees the object's
    /// info and returns the half-open body range to read (`None` = all), or an error to stop
    /// (e.g. `304`/`412` from conditional headers, or a range policy). A range outside the body
    /// is `416 InvalidRange`. If the object is replaced during the read, `pick` runs again on the
    /// new version: the info and the body returned always belong together.
    pub async fn get_object_with<F>(
        &self,
        bucket: &str,
        key: &str,
        pick: F,
    ) -> Result<(ObjectInfo, ObjectBody)>
    where
        F: Fn(&ObjectInfo) -> Result<Option<Range<u64>>>,
    {
        validate_bucket_name(bucket)?;
        validate_key(key)?;
        for _ in 0..READ_ATTEMPTS {
            let Some(o) = self.open_object(bucket, key).await? else {
                return Err(self.missing(bucket).await);
            };
            let range = pick(&o.info)?.unwrap_or(0..o.info.size);
            if range.start > range.end || range.end > o.info.size {
                return Err(Error::new(
                    ErrorKind::InvalidRange,
                    "The requested range cannot be satisfied.",
                ));
            }
            if let Some(body) = self.read_body(&o, range).await? {
                return Ok((o.info, body));
            }
        }
        Err(internal(format!("object {bucket}/{key} kept changing while being read")))
    }

    /// GetObject. `range` is an inclusive `(first, last)` byte pair as in `Range: bytes=f-l`;
    /// `last` past the end is clamped to the last byte, and `first` past the end (or after
    /// `last`) is `416 InvalidRange` (the RFC behaviour; the OSS default of serving the whole
    /// object for a bad range is the API layer's choice, via [`Storage::get_object_with`]).
    pub async fn get_object(
        &self,
        bucket: &str,
        key: &str,
        range: Option<(u64, u64)>,
    ) -> Result<(ObjectInfo, ObjectBody)> {
        self.get_object_with(bucket, key, |info| match range {
            None => Ok(None),
            Some((first, last)) if first <= last && first < info.size => {
                Ok(Some(first..last.saturating_add(1).min(info.size)))
            }
            Some(_) => {
                Err(Error::new(ErrorKind::InvalidRange, "The requested range cannot be satisfied."))
            }
        })
        .await
    }

    /// HeadObject: the object's info without its body.
    pub async fn head_object(&self, bucket: &str, key: &str) -> Result<ObjectInfo> {
        validate_bucket_name(bucket)?;
        validate_key(key)?;
        match self.open_object(bucket, key).await? {
            Some(o) => Ok(o.info),
            None => Err(self.missing(bucket).await),
        }
    }

    /// Opens `key` of `bucket` for reading, from the backing store or the bucket's mount
    /// (`None`: no such object).
    pub(super) async fn open_object(&self, bucket: &str, key: &str) -> Result<Option<Opened>> {
        if let Some(m) = self.inner.mounts.get(bucket) {
            return m.open(key).await;
        }
        let found = self.open(&self.object_path(bucket, key)?, key).await?;
        if found.is_some() || !self.inner.legacy_reads {
            return Ok(found);
        }
        // An object of the earlier S3 layout (written before the flat names).
        match self.segments_path(bucket, key) {
            Ok(p) => self.open(&p, key).await,
            Err(_) => Ok(None),
        }
    }
}
