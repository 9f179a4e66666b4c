//! Buckets and objects over the `object_store` crate: the local filesystem (the embedded
//! default), any S3-compatible store, or memory (tests). This module owns the storage layout,
//! object metadata, bucket configuration (ACL, styles, IMG process configuration) and the
//! consistency rules; the HTTP layer (`api/`) calls the async methods of [`Storage`].
//!
//! # Layout
//!
//! One backing store (a local root directory, one S3 bucket with an optional key prefix, or one
//! in-memory store) holds everything, so several stateless ossimg instances sharing an S3 bucket
//! share all buckets, objects and configuration:
//!
//! - `.ossimg/buckets/<bucket>.json`: a bucket exists iff this file does; it holds the
//!   [`BucketConfig`] as JSON. Bucket names cannot start with `.`, so this never collides;
//! - `.ossimg/probe/…`: a scratch object written and removed by [`Storage::conditional_writes`];
//! - `.ossimg/uploads/<bucket>/<upload id>/`: a multipart upload in progress (`upload.json` and
//!   one stored blob per part, see `multipart`), removed on completion or abort;
//! - `.ossimg/upload-keys/<bucket>/<name> <upload id> <ms>` (S3 and memory): an empty marker per
//!   upload in progress, in key order (`uploads`; the local store keeps these in its index);
//! - `.ossimg/list-cards/<bucket>/<name> <fields>` (S3 and memory): an empty *listing card* per
//!   object, its name carrying what ListObjects shows and the version of the blob it describes
//!   (`cards`; a hint checked against the listed blob, never the truth);
//! - `<bucket>/<name>`: one backend object per OSS object. On S3 and in memory the name is one
//!   flat, order-preserving, bounded segment (`layout`: the store's own ordered listing is the
//!   key order, and a 1023-byte key fits S3's 1024-byte limit through a hashed tail). On the
//!   local store the key is mapped to directory segments by `keys` (reversible; `a` and `a/b`,
//!   `dir/`, `a//b`, `..` and 1023-byte names all fit on a filesystem, except keys so full of
//!   `/` and escaped bytes that their path passes the file system's 4 KB limit: those are
//!   refused with `InvalidObjectName`), and an ordered index (`index`,
//!   `.ossimg/index/objects.redb`) lists them. S3 buckets created before the flat layout keep
//!   their objects under `keys` paths, read as a fallback (see [`BucketConfig::layout`]);
//! - each backend object is the body followed by a metadata trailer (see `record`), so body and
//!   metadata are published by one atomic write and always agree. The stored form is ossimg's
//!   own: read it through ossimg, not directly from the backing store.
//! - a mounted bucket (`mount`) keeps its objects elsewhere, plain, in a folder or S3 prefix of
//!   its own; only its configuration lives here, in `.ossimg/buckets/` like any bucket's.
//!
//! # Consistency
//!
//! - Writes are atomic. Bodies up to [`SINGLE_PUT_MAX`] are buffered and written with one put
//!   (the local store writes a `<name>#<n>` staging file and renames it; S3 one PUT); larger
//!   bodies stream through a multipart upload (local: the same staging file, renamed on
//!   completion; S3: parts invisible until completed). A failed or aborted upload — body stream
//!   error, Content-MD5 mismatch, size limit — is aborted and leaves the previous version. A
//!   crash may leave a staging file behind; it is never listed nor read (`object_store` hides
//!   `#<digits>` names) and is removed at the next start-up (`fault`).
//! - Readers never see a mix: a read first fetches the trailer (the last [`PROBE`] bytes, which
//!   for small objects is the whole object), then the body range with `If-Match` on the backend
//!   ETag of that same blob; if the object was replaced in between, the read starts over.
//! - `x-oss-forbid-overwrite` is atomic (create-if-absent: a hard link on the local store,
//!   `If-None-Match: *` on S3) for bodies up to [`SINGLE_PUT_MAX`]; above that, and on S3
//!   servers that ignore `If-None-Match`, it is a check before and after the upload.
//! - Bucket configuration changes are read-modify-write ([`Storage::update_bucket_config`]):
//!   one at a time within an instance, and conditional on the version read (`If-Match`, retried
//!   on a conflict) between instances, so concurrent edits — two styles added at once — are
//!   all kept. An S3 server that ignores `If-Match` (Garage 2.x; [`Storage::conditional_writes`]
//!   tells, and `serve` warns at start) leaves edits made at the same moment through two
//!   instances last-writer-wins. A bucket deleted while a put into it is in flight may keep
//!   that object, which reappears if the bucket is created again.
//! - Changing an object's ACL rewrites the stored object (body and trailer), keeping its
//!   `Last-Modified`.
//!
//! # Costs
//!
//! A ListObjects page costs the page plus a seek (`list`): on the local store, range reads of
//! the index (the records are there: no object file is opened); on S3, the store's own LIST from
//! the page's start (`start-after`) and, at the same time, the LIST of the listing cards from
//! there (`cards`); only objects without a card of the version listed (and not in the in-memory
//! cache of listed versions) cost a read of their trailer (one GET each, many at once), after
//! which their card is written. A delimiter listing jumps
//! over each common prefix. PUT, GET, HEAD and DELETE touch one object (and, locally, one
//! index entry: O(log n)); ListBuckets reads the bucket-configuration files only. The linear
//! paths left: listing an S3 bucket of layout 0 (created before the flat layout, until `ossimg
//! migrate` moves it: `migrate`). ListMultipartUploads reads its page from the ordered registry of
//! uploads (`uploads`) in the same way.
//!
//! # Files
//!
//! This file: [`Storage`] (construction, paths, the object write paths: put, copy, ACL, delete).
//! `config`: [`StorageConfig`] and the S3 client (timeouts). `read`: GetObject/HeadObject and
//! the consistent read of a stored object; `body`: [`ObjectBody`]. `write`: the atomic streamed
//! write. `record`: the metadata trailer. `keys`/`layout`: store names; `index`: the local
//! ordered index; `list`: ListObjects (paging rule: `types::Pager`). `buckets`, `multipart`,
//! `mount`/`plain`: bucket configuration, multipart uploads, mounted buckets; `uploads`: the
//! ordered registry of uploads and ListMultipartUploads; `cards`: listing cards. `fault`: store
//! faults as OSS errors (503, 507) and the start-up sweep of staging files. `migrate`: moving
//! layout-0 buckets to the flat names.

mod body;
mod buckets;
mod cards;
mod config;
mod fault;
mod index;
mod keys;
mod layout;
mod list;
mod migrate;
mod mount;
mod multipart;
mod pages;
mod plain;
mod read;
mod record;
mod types;
mod uploads;
mod write;

/// The key mappings, for the fuzz targets (`fuzz/`) only.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;

pub use body::ObjectBody;
pub use config::StorageConfig;
pub use keys::{validate_bucket_name, validate_key, MAX_KEY_LEN};
pub use migrate::{legacy_name, MigrateReport};
pub use mount::MountConfig;
pub use multipart::{check_part_number, PartInfo, UploadInfo, MAX_PART_NUMBER, MIN_PART_SIZE};
pub use plain::{PlainEntry, PlainStore};
pub use record::crc64;
pub use types::*;
pub use uploads::{UploadListed, UploadQuery, UploadsPage};

use bytes::Bytes;
use futures_util::stream;
use futures_util::Stream;
use object_store::path::Path;
use object_store::{Attributes, ObjectStore, ObjectStoreExt};
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::{Error, ErrorKind, Result};
use config::{s3_store, s3_store_paged};
use fault::backend;
use read::Opened;
use record::{internal, Record};
use write::{write_stream, Hashed, WriteTarget};

/// Bytes read from the end of a stored object to find its trailer. 16 KiB holds the largest
/// trailer of a well-formed put (8 KB of user metadata plus the fixed fields) in one read, and
/// serves objects up to about 16 KB whole from that same read.
pub const PROBE: u64 = 16 * 1024;

/// Bodies up to this size are buffered and written with one put; larger ones stream through a
/// multipart upload. 8 MiB: above S3's 5 MiB minimum part size, and small enough that many
/// concurrent uploads stay within memory.
pub const SINGLE_PUT_MAX: usize = 8 * 1024 * 1024;

/// Part size of multipart uploads (≥ S3's 5 MiB minimum for all parts but the last).
const PART_SIZE: usize = 8 * 1024 * 1024;

/// Parts of one upload in flight at once: bounds an upload's memory to about 3 parts.
const PARTS_IN_FLIGHT: usize = 2;

/// Largest object accepted by PutObject: 5 GB (spec §10.2).
pub const MAX_OBJECT_SIZE: u64 = 5 * 1024 * 1024 * 1024;

/// Most bytes of user metadata (names plus values) one object may carry: 8 KB (spec §10.2).
pub const MAX_USER_META: usize = 8 * 1024;

/// Trailers read at once while listing (objects the local index does not describe): one GET each
/// on S3, so many at once keep a page of 1 000 within a few round trips.
const LIST_CONCURRENCY: usize = 64;

/// Times a read starts over when the object is replaced under it before giving up.
const READ_ATTEMPTS: usize = 5;

/// Times a bucket-configuration update re-reads and re-applies its edit after another instance
/// wrote the configuration in between, before giving up.
const CONFIG_ATTEMPTS: usize = 16;

/// Where bucket configurations live in the backing store.
const BUCKETS_DIR: &str = ".ossimg/buckets";

/// The clock stamping `Last-Modified` and creation times.
type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Buckets and objects on one backing store. Cheap to clone (one `Arc`); share it freely.
#[derive(Clone)]
pub struct Storage {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    store: Arc<dyn ObjectStore>,
    clock: Clock,
    backend: &'static str,
    /// Serialises bucket-configuration updates (and bucket deletion) in this process.
    config_lock: Arc<tokio::sync::Mutex<()>>,
    /// Longest store path (`bucket/segments…`) the backend can hold: on the local store, what
    /// the file system's path limit leaves after the root directory (a 1023-byte key of `/`s
    /// escapes to ~4 KB); unbounded elsewhere.
    max_path: usize,
    /// Buckets served from folders or store prefixes of plain objects, by name.
    mounts: Arc<mount::Mounts>,
    /// The flat, ordered names of objects (S3 and memory, see `layout`); `None`: the local
    /// store's per-segment paths (`keys`), listed through `index`.
    names: Option<layout::Names>,
    /// The ordered index of the local store.
    index: Option<Arc<index::LocalIndex>>,
    /// An S3 store, whose buckets of layout 0 may hold objects under `keys` paths.
    legacy_reads: bool,
    /// Buckets known to be of the current layout (a bucket never goes back to layout 0).
    current_layout: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// Trailers of listed S3 objects, by version (`list`).
    info_cache: Arc<list::InfoCache>,
    /// The store's paged LIST (S3; `pages`).
    paged: Option<pages::Paged>,
    /// Permits of the background card tasks (`cards`).
    background: Arc<tokio::sync::Semaphore>,
}

/// Linux's `PATH_MAX` (bytes, with the terminating NUL).
const PATH_MAX: usize = 4096;
/// Room kept for `LocalFileSystem`'s staging suffix (`#<u64>`) and the path separator.
const STAGING_ROOM: usize = 24;

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Storage({})", self.inner.store)
    }
}

fn no_such_key() -> Error {
    Error::new(ErrorKind::NoSuchKey, "The specified key does not exist.")
}

fn no_such_bucket() -> Error {
    Error::new(ErrorKind::NoSuchBucket, "The specified bucket does not exist.")
}

fn bucket_exists() -> Error {
    Error::new(
        ErrorKind::BucketAlreadyExists,
        "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
    )
}

fn file_exists() -> Error {
    Error::new(
        ErrorKind::FileAlreadyExists,
        "The object you specified already exists and can not be overwritten.",
    )
}

fn parse_path(s: &str) -> Result<Path> {
    Path::parse(s).map_err(|e| internal(format!("path {s:?}: {e}")))
}

impl Storage {
    /// Opens the backing store described by `config`.
    pub fn new(config: StorageConfig) -> Result<Self> {
        let mut max_path = usize::MAX;
        let mut index = None;
        let mut names = Some(layout::Names::new(""));
        let mut paged = None;
        let (store, backend): (Arc<dyn ObjectStore>, &'static str) = match config {
            StorageConfig::Memory => (Arc::new(object_store::memory::InMemory::new()), "memory"),
            StorageConfig::Local { root } => {
                std::fs::create_dir_all(&root).map_err(|e| {
                    internal(format!("cannot create data directory {}: {e}", root.display()))
                })?;
                let absolute = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
                max_path =
                    PATH_MAX.saturating_sub(1 + absolute.as_os_str().len() + 1 + STAGING_ROOM);
                let fs = object_store::local::LocalFileSystem::new_with_prefix(&root)
                    .map_err(backend)?
                    // Remove directories emptied by deletes, so they do not pile up.
                    .with_automatic_cleanup(true)
                    // A put is durable when it returns, as it is on S3: "a crash never destroys
                    // the previous version" needs the data on disk before the rename.
                    .with_fsync(true);
                index = Some(index::LocalIndex::open(&absolute)?);
                names = None;
                (Arc::new(fs), "local")
            }
            StorageConfig::S3 { ref bucket, ref prefix, .. } => {
                let (store, p) = s3_store_paged(&config, bucket, prefix)?
                    .ok_or_else(|| internal("not an S3 configuration"))?;
                names = Some(layout::Names::new(prefix));
                paged = Some(p);
                (store, "s3")
            }
        };
        Ok(Storage {
            inner: Arc::new(Inner {
                store,
                clock: Arc::new(SystemTime::now),
                backend,
                config_lock: Default::default(),
                max_path,
                mounts: Default::default(),
                names,
                legacy_reads: backend == "s3",
                index,
                current_layout: Default::default(),
                info_cache: Default::default(),
                paged,
                background: Arc::new(tokio::sync::Semaphore::new(cards::BACKGROUND_MAX as usize)),
            }),
        })
    }

    /// A fresh in-memory store.
    pub fn memory() -> Self {
        Storage {
            inner: Arc::new(Inner {
                store: Arc::new(object_store::memory::InMemory::new()),
                clock: Arc::new(SystemTime::now),
                backend: "memory",
                config_lock: Default::default(),
                max_path: usize::MAX,
                mounts: Default::default(),
                names: Some(layout::Names::new("")),
                index: None,
                legacy_reads: false,
                current_layout: Default::default(),
                info_cache: Default::default(),
                paged: None,
                background: Arc::new(tokio::sync::Semaphore::new(cards::BACKGROUND_MAX as usize)),
            }),
        }
    }

    /// The same store with another clock (tests use a fixed one).
    pub fn with_clock(self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Storage { inner: Arc::new(Inner { clock: Arc::new(clock), ..(*self.inner).clone() }) }
    }

    /// `local`, `s3` or `memory`.
    pub fn backend(&self) -> &'static str {
        self.inner.backend
    }

    /// Now, to the millisecond (what listings can show).
    fn now(&self) -> SystemTime {
        record::from_ms(record::to_ms((self.inner.clock)()))
    }

    fn store(&self) -> &dyn ObjectStore {
        self.inner.store.as_ref()
    }

    // ---- objects -------------------------------------------------------------------------

    /// The store path of `key`; a key whose escaped path the backend cannot hold (see
    /// `Inner::max_path`) is `400 InvalidObjectName` rather than a file-system error.
    fn object_path(&self, bucket: &str, key: &str) -> Result<Path> {
        if let Some(names) = &self.inner.names {
            return parse_path(&format!("{bucket}/{}", names.name(key)));
        }
        self.segments_path(bucket, key)
    }

    /// The path of `key` in the per-segment layout (`keys`): the local store's, and the one S3
    /// buckets of layout 0 may still hold objects under.
    fn segments_path(&self, bucket: &str, key: &str) -> Result<Path> {
        let path = format!("{bucket}/{}", keys::encode_key(key).join("/"));
        if path.len() > self.inner.max_path {
            return Err(Error::new(
                ErrorKind::InvalidObjectName,
                format!(
                    "The object name is too long for this store once escaped ({} bytes of path).",
                    path.len()
                ),
            ));
        }
        parse_path(&path)
    }

    /// The error for a missing object: `NoSuchBucket` if the bucket is gone too.
    async fn missing(&self, bucket: &str) -> Error {
        match self.require_bucket(bucket).await {
            Ok(()) => no_such_key(),
            Err(e) => e,
        }
    }

    /// Whether `bucket` (which must exist: `NoSuchBucket` otherwise) may hold objects under
    /// the earlier per-segment S3 names: an S3 bucket of layout 0.
    async fn legacy_bucket(&self, bucket: &str) -> Result<bool> {
        if !self.inner.legacy_reads || self.inner.mounts.get(bucket).is_some() {
            self.require_bucket(bucket).await?;
            return Ok(false);
        }
        let known = |s: &Self| {
            s.inner.current_layout.lock().unwrap_or_else(|p| p.into_inner()).contains(bucket)
        };
        if known(self) {
            // A deleted bucket's name may stay known: its existence is still checked.
            self.require_bucket(bucket).await?;
            return Ok(false);
        }
        let cfg = self.read_config(bucket).await?.ok_or_else(no_such_bucket)?;
        if cfg.layout >= CURRENT_LAYOUT {
            let mut set = self.inner.current_layout.lock().unwrap_or_else(|p| p.into_inner());
            set.insert(bucket.to_string());
            return Ok(false);
        }
        Ok(true)
    }

    /// Removes the earlier-layout copy of `key`, if `bucket` may hold one (after a write or
    /// delete of the key under its current name).
    async fn drop_legacy(&self, bucket: &str, key: &str) -> Result<()> {
        if !self.inner.legacy_reads
            || self.inner.current_layout.lock().unwrap_or_else(|p| p.into_inner()).contains(bucket)
            || !self.legacy_bucket(bucket).await?
        {
            return Ok(());
        }
        let Ok(p) = self.segments_path(bucket, key) else { return Ok(()) };
        match self.store().delete(&p).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(backend(e)),
        }
    }

    /// Runs `op`, which writes or deletes the object `key` of `bucket`, keeping the local index
    /// in step (marked before, set from the object after, whether `op` succeeded or not) and
    /// dropping an earlier-layout copy on S3 after a success. `deletes`: `op` frees space, so
    /// it runs even on a nearly full disk.
    async fn changing<T>(
        &self,
        bucket: &str,
        key: &str,
        deletes: bool,
        op: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        if let Some(ix) = &self.inner.index {
            ix.begin(bucket, key, deletes).await?;
            let r = op.await;
            ix.reflect(bucket, key).await?;
            return r;
        }
        let r = op.await?;
        self.drop_legacy(bucket, key).await?;
        Ok(r)
    }

    /// DeleteObject: succeeds whether or not the key exists (spec §10.5); the bucket must.
    pub async fn delete_object(&self, bucket: &str, key: &str) -> Result<()> {
        validate_key(key)?;
        if let Some(m) = self.inner.mounts.get(bucket) {
            return m.delete(key).await;
        }
        self.require_bucket(bucket).await?;
        let path = self.object_path(bucket, key)?;
        // The earlier-layout copy first: `migrate` undoes a copy whose old name is gone once
        // made, so a delete racing the move of the same object never leaves the copy behind.
        self.drop_legacy(bucket, key).await?;
        self.changing(bucket, key, true, async {
            match self.store().delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(backend(e)),
            }
        })
        .await?;
        self.card_deleted(bucket, key).await;
        Ok(())
    }

    /// PutObject from one buffer. See [`Storage::put_object`].
    pub async fn put_object_bytes(
        &self,
        bucket: &str,
        key: &str,
        body: Bytes,
        meta: ObjectMeta,
        forbid_overwrite: bool,
    ) -> Result<PutResult> {
        let body = stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
        self.put_object(bucket, key, body, meta, forbid_overwrite).await
    }

    /// PutObject, streaming the body. Computes MD5 (ETag) and CRC-64 on the way. With
    /// `meta.content_md5_expected` set and a different body → `400 InvalidDigest` and nothing is
    /// stored; `forbid_overwrite` and an existing key → `409 FileAlreadyExists`; a body error →
    /// `400 BadRequest`; over 5 GB → `400 InvalidArgument`. In every failure the previous version
    /// (if any) stays as it was.
    pub async fn put_object<S, E>(
        &self,
        bucket: &str,
        key: &str,
        body: S,
        meta: ObjectMeta,
        forbid_overwrite: bool,
    ) -> Result<PutResult>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: fmt::Display,
    {
        validate_key(key)?;
        if let Some(m) = self.inner.mounts.get(bucket) {
            return m.put(key, body, meta, forbid_overwrite, MAX_OBJECT_SIZE).await;
        }
        self.require_bucket(bucket).await?;
        let path = self.object_path(bucket, key)?;
        let write = self.write_blob(&path, key, body, meta, forbid_overwrite, None, None);
        self.changing(bucket, key, false, write).await
    }

    /// Writes one stored blob (body and trailer) at `path`, its record naming `key`: the write
    /// path of put, copy, ACL changes and multipart completion (an object at
    /// [`Self::object_path`]), and of upload parts. `mtime` overrides `Last-Modified`, `etag`
    /// the MD5 ETag.
    #[allow(clippy::too_many_arguments)]
    async fn write_blob<S, E>(
        &self,
        path: &Path,
        key: &str,
        body: S,
        meta: ObjectMeta,
        forbid_overwrite: bool,
        mtime: Option<SystemTime>,
        etag: Option<String>,
    ) -> Result<PutResult>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: fmt::Display,
    {
        let user_meta = normalize_user_meta(meta.user_meta)?;
        let class = meta.storage_class;
        let target = WriteTarget {
            store: self.store(),
            path,
            // PutObject's 5 GB cap; an object assembled from parts (or rewritten keeping its
            // multipart ETag) is bounded by its parts instead (10 000 × 5 GB, as on OSS).
            max_size: if etag.is_some() { u64::MAX } else { MAX_OBJECT_SIZE },
            expected_md5: meta.content_md5_expected,
            forbid_overwrite,
            attributes: Attributes::new(),
        };
        let mut last_modified = None;
        let trailer = |h: &Hashed| -> Result<Option<Bytes>> {
            let t = mtime.map(|t| record::from_ms(record::to_ms(t))).unwrap_or_else(|| self.now());
            last_modified = Some(t);
            let rec = Record {
                key: key.to_string(),
                size: h.size,
                md5: record::hex16(&h.md5),
                crc64: h.crc64,
                mtime_ms: record::to_ms(t),
                content_type: meta
                    .content_type
                    .unwrap_or_else(|| "application/octet-stream".to_string()),
                meta: user_meta,
                acl: meta.acl,
                cache_control: meta.cache_control,
                content_disposition: meta.content_disposition,
                content_encoding: meta.content_encoding,
                expires: meta.expires,
                etag: etag.clone(),
                class: meta.storage_class,
            };
            Ok(Some(Bytes::from(rec.to_trailer()?)))
        };
        let h = write_stream(target, body, trailer).await?;
        let put = PutResult {
            etag: etag.unwrap_or_else(|| record::etag(&h.md5)),
            md5: h.md5,
            crc64: h.crc64,
            size: h.size,
            last_modified: last_modified.unwrap_or_else(|| self.now()),
        };
        // An object (`<bucket>/<name>`; upload parts live under `.ossimg/`): its listing card.
        if let Some((bucket, _)) =
            path.as_ref().split_once('/').filter(|(b, _)| !b.starts_with('.'))
        {
            let listed = ListedObject {
                key: key.to_string(),
                size: put.size,
                etag: put.etag.clone(),
                last_modified: put.last_modified,
                storage_class: class,
            };
            self.card_written(bucket, &listed, h.e_tag.as_deref()).await;
        }
        Ok(put)
    }

    /// Rewrites the object at `src` as `dst_bucket/dst_key` with metadata from `make_meta`,
    /// streaming the body from one consistent version of the source.
    #[allow(clippy::too_many_arguments)]
    async fn rewrite<M>(
        &self,
        src_bucket: &str,
        src_key: &str,
        dst_bucket: &str,
        dst_key: &str,
        make_meta: M,
        forbid_overwrite: bool,
        keep_mtime: bool,
    ) -> Result<PutResult>
    where
        M: Fn(&ObjectInfo) -> ObjectMeta,
    {
        for _ in 0..READ_ATTEMPTS {
            let Some(o) = self.open_object(src_bucket, src_key).await? else {
                return Err(self.missing(src_bucket).await);
            };
            let Some(body) = self.read_body(&o, 0..o.info.size).await? else { continue };
            if let Some(m) = self.inner.mounts.get(dst_bucket) {
                let meta = make_meta(&o.info);
                let stream = body.into_stream();
                return m.put(dst_key, stream, meta, forbid_overwrite, MAX_OBJECT_SIZE).await;
            }
            let mtime = keep_mtime.then_some(o.info.last_modified);
            // An ACL change keeps the object as it is, multipart ETag included; a copy is a
            // new object whose ETag is its MD5.
            let etag =
                (keep_mtime && o.info.object_type() == "Multipart").then(|| o.info.etag.clone());
            let meta = make_meta(&o.info);
            let path = self.object_path(dst_bucket, dst_key)?;
            let write = self.write_blob(
                &path,
                dst_key,
                body.into_stream(),
                meta,
                forbid_overwrite,
                mtime,
                etag,
            );
            return self.changing(dst_bucket, dst_key, false, write).await;
        }
        Err(internal(format!("object {src_bucket}/{src_key} kept changing while being copied")))
    }

    /// CopyObject: copies the body of `src_bucket/src_key` to `dst_bucket/dst_key` with the
    /// source's metadata (`Copy`) or new metadata (`Replace`). The copy gets a new
    /// `Last-Modified`; its ETag and CRC are the source's (same body).
    pub async fn copy_object(
        &self,
        src_bucket: &str,
        src_key: &str,
        dst_bucket: &str,
        dst_key: &str,
        directive: MetadataDirective,
        forbid_overwrite: bool,
    ) -> Result<PutResult> {
        validate_bucket_name(src_bucket)?;
        validate_key(src_key)?;
        validate_key(dst_key)?;
        self.require_bucket(dst_bucket).await?;
        if let Some(m) = self.inner.mounts.get(dst_bucket) {
            m.check_writable()?;
        }
        let make_meta = |info: &ObjectInfo| match &directive {
            MetadataDirective::Copy { acl, storage_class } => ObjectMeta {
                storage_class: storage_class.unwrap_or(info.storage_class),
                ..info.to_meta(*acl)
            },
            MetadataDirective::Replace(m) => ObjectMeta { content_md5_expected: None, ..m.clone() },
        };
        self.rewrite(src_bucket, src_key, dst_bucket, dst_key, make_meta, forbid_overwrite, false)
            .await
    }

    /// PutObjectACL: sets the object's own ACL, keeping body, metadata and `Last-Modified`.
    pub async fn put_object_acl(&self, bucket: &str, key: &str, acl: ObjectAcl) -> Result<()> {
        validate_bucket_name(bucket)?;
        validate_key(key)?;
        if let Some(m) = self.inner.mounts.get(bucket) {
            return Err(m.no_object_acl());
        }
        self.rewrite(bucket, key, bucket, key, |info| info.to_meta(acl), false, true).await?;
        Ok(())
    }

    /// GetObjectACL: the object's own ACL (`default` = the bucket's decides).
    pub async fn object_acl(&self, bucket: &str, key: &str) -> Result<ObjectAcl> {
        Ok(self.head_object(bucket, key).await?.acl)
    }
}

/// Lower-cases user-metadata names and checks the 8 KB limit.
fn normalize_user_meta(meta: Vec<(String, String)>) -> Result<Vec<(String, String)>> {
    let total: usize = meta.iter().map(|(k, v)| k.len() + v.len()).sum();
    if total > MAX_USER_META {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "Your metadata headers exceed the maximum allowed metadata size.",
        ));
    }
    Ok(meta.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect())
}
