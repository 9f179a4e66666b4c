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
//!   `#<digits>` names) and can be removed by hand.
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
//! the page's start (`start-after`) and the trailers of the listed objects not yet in the
//! in-memory cache of listed versions (one GET each, many at once). A delimiter listing jumps
//! over each common prefix. PUT, GET, HEAD and DELETE touch one object (and, locally, one
//! index entry: O(log n)); ListBuckets reads the bucket-configuration files only. The one
//! linear path left: listing an S3 bucket of layout 0 (created before the flat layout).

mod buckets;
mod index;
mod keys;
mod layout;
mod list;
mod mount;
mod multipart;
mod plain;
mod record;
mod types;
mod write;

pub use keys::{validate_bucket_name, validate_key, MAX_KEY_LEN};
pub use mount::MountConfig;
pub use multipart::{check_part_number, PartInfo, UploadInfo, MAX_PART_NUMBER, MIN_PART_SIZE};
pub use plain::{PlainEntry, PlainStore};
pub use record::crc64;
pub use types::*;

use bytes::Bytes;
use futures_util::stream::{self, BoxStream};
use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{Attributes, GetOptions, GetRange, ObjectStore, ObjectStoreExt};
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use crate::{Error, ErrorKind, Result};
use record::{internal, Record, FOOTER_LEN};
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

/// Which backing store to use.
#[derive(Clone, PartialEq, Eq)]
pub enum StorageConfig {
    /// A directory on the local filesystem (created if missing): the embedded default.
    Local {
        /// The data directory.
        root: PathBuf,
    },
    /// One bucket of an S3-compatible server (AWS, Garage, MinIO, …).
    S3 {
        /// Endpoint URL, e.g. `http://127.0.0.1:3900`; `http://` is allowed.
        endpoint: String,
        /// Signing region (`garage` for Garage, `us-east-1` for MinIO).
        region: String,
        /// The backing S3 bucket.
        bucket: String,
        /// A key prefix inside the backing bucket ("" = its root), e.g. to share one bucket.
        prefix: String,
        /// Access key id.
        access_key_id: String,
        /// Secret access key.
        secret_access_key: String,
        /// Path-style addressing (`http://host/bucket/key`), as Garage and MinIO expect.
        path_style: bool,
    },
    /// A store in memory, empty at start and gone at exit (tests).
    Memory,
}

impl fmt::Debug for StorageConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageConfig::Local { root } => f.debug_struct("Local").field("root", root).finish(),
            StorageConfig::S3 {
                endpoint,
                region,
                bucket,
                prefix,
                access_key_id,
                path_style,
                ..
            } => f
                .debug_struct("S3")
                .field("endpoint", endpoint)
                .field("region", region)
                .field("bucket", bucket)
                .field("prefix", prefix)
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &"<redacted>")
                .field("path_style", path_style)
                .finish(),
            StorageConfig::Memory => f.write_str("Memory"),
        }
    }
}

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

/// A body being read: a byte range of the object, in memory or streaming from the backend.
pub struct ObjectBody {
    range: Range<u64>,
    inner: BodyInner,
}

enum BodyInner {
    Bytes(Bytes),
    /// The backend's answer, kept whole: `bytes()` on a local file reads the range in one
    /// blocking call, while its stream reads 8 KiB per blocking call (366 thread hand-offs for a
    /// 3 MB photo, ~9 ms of a 12 MP thumbnail request when measured).
    Backend(object_store::GetResult),
}

impl fmt::Debug for ObjectBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectBody({:?})", self.range)
    }
}

impl ObjectBody {
    /// The byte range of the object this body covers (half-open).
    pub fn range(&self) -> Range<u64> {
        self.range.clone()
    }

    /// The body length in bytes.
    pub fn len(&self) -> u64 {
        self.range.end - self.range.start
    }

    /// True for an empty body.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The whole body in memory. A local file is read with one positioned read into an
    /// uninitialised buffer on the blocking pool (object_store's own `bytes()` zeroes the buffer
    /// first: 3 MB of memset per 12 MP photo, the largest cost of a thumbnail request outside
    /// the codec and the resize).
    pub async fn bytes(self) -> Result<Bytes> {
        match self.inner {
            BodyInner::Bytes(b) => Ok(b),
            BodyInner::Backend(object_store::GetResult {
                payload: object_store::GetResultPayload::File(file, path),
                range,
                ..
            }) => tokio::task::spawn_blocking(move || {
                read_file_range(&file, range)
                    .map_err(|e| internal(format!("{}: {e}", path.display())))
            })
            .await
            .map_err(internal)?,
            BodyInner::Backend(r) => r.bytes().await.map_err(backend),
        }
    }

    /// The body as a stream of chunks (for an HTTP response body).
    pub fn into_stream(self) -> BoxStream<'static, Result<Bytes>> {
        match self.inner {
            BodyInner::Bytes(b) => stream::once(async move { Ok(b) }).boxed(),
            BodyInner::Backend(r) => r.into_stream().map_err(backend).boxed(),
        }
    }
}

/// Reads exactly `range` of `file` into a new buffer (never zero-filled: `read_buf` writes into
/// the spare capacity). A file shorter than the range, which an atomically replaced object
/// never is, is an error rather than a short body.
fn read_file_range(file: &std::fs::File, range: Range<u64>) -> std::io::Result<Bytes> {
    use std::io::{Read, Seek, SeekFrom};
    let len = usize::try_from(range.end - range.start).map_err(std::io::Error::other)?;
    let mut file = file;
    file.seek(SeekFrom::Start(range.start))?;
    let mut buf = Vec::with_capacity(len);
    file.take(len as u64).read_to_end(&mut buf)?;
    if buf.len() != len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "object file shorter than its range",
        ));
    }
    Ok(buf.into())
}

/// The store of one S3 bucket (and key prefix, "" = its root) on the server `settings` names
/// (endpoint, region, keys, addressing; its own bucket and prefix are not used); `None` when
/// `settings` is not an S3 configuration.
fn s3_store(
    settings: &StorageConfig,
    bucket: &str,
    prefix: &str,
) -> Result<Option<Arc<dyn ObjectStore>>> {
    let StorageConfig::S3 {
        endpoint, region, access_key_id, secret_access_key, path_style, ..
    } = settings
    else {
        return Ok(None);
    };
    // reqwest is built with rustls but no bundled crypto provider (see Cargo.toml); install
    // ring's once for HTTPS endpoints. An error means one is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let s3 = object_store::aws::AmazonS3Builder::new()
        .with_allow_http(endpoint.starts_with("http://"))
        .with_endpoint(endpoint)
        .with_region(region)
        .with_bucket_name(bucket)
        .with_access_key_id(access_key_id)
        .with_secret_access_key(secret_access_key)
        .with_virtual_hosted_style_request(!path_style)
        .build()
        .map_err(backend)?;
    Ok(Some(if prefix.trim_matches('/').is_empty() {
        Arc::new(s3)
    } else {
        let p = parse_path(prefix.trim_matches('/'))?;
        Arc::new(object_store::prefix::PrefixStore::new(s3, p))
    }))
}

/// A backend failure as a 500 that keeps the cause in its message.
fn backend(e: object_store::Error) -> Error {
    internal(e)
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

/// An object opened for reading: its metadata (an ossimg trailer, or a mounted plain object's
/// store metadata), and the body too when the first read covered it.
struct Opened {
    info: ObjectInfo,
    /// The store holding it (the backing store, or a mount's).
    store: Arc<dyn ObjectStore>,
    path: Path,
    /// The backend ETag of the blob the trailer came from (guards the body read).
    e_tag: Option<String>,
    inline: Option<Bytes>,
}

impl Storage {
    /// Opens the backing store described by `config`.
    pub fn new(config: StorageConfig) -> Result<Self> {
        let mut max_path = usize::MAX;
        let mut index = None;
        let mut names = Some(layout::Names::new(""));
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
                let store = s3_store(&config, bucket, prefix)?;
                names = Some(layout::Names::new(prefix));
                (store.ok_or_else(|| internal("not an S3 configuration"))?, "s3")
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

    /// Reads the last [`PROBE`] bytes of the blob at `path` (`None`: no such object). Some S3
    /// servers answer a suffix range longer than the object with `200` and the whole body, which
    /// `object_store` refuses; then the size is asked first and the same bytes read as a plain
    /// bounded range.
    async fn probe(&self, path: &Path) -> Result<Option<object_store::GetResult>> {
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
    async fn open(&self, path: &Path, key: &str) -> Result<Option<Opened>> {
        self.open_as(path, Some(key)).await
    }

    /// Reads the trailer of the object at `path` whatever key it holds (a long key's hashed
    /// name: the record tells the key).
    async fn open_unchecked(&self, path: &Path) -> Result<Option<Opened>> {
        self.open_as(path, None).await
    }

    /// Reads the trailer of the object at `path`, which must hold `key` when one is given.
    async fn open_as(&self, path: &Path, key: Option<&str>) -> Result<Option<Opened>> {
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
    async fn read_body(&self, o: &Opened, range: Range<u64>) -> Result<Option<ObjectBody>> {
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
    async fn open_object(&self, bucket: &str, key: &str) -> Result<Option<Opened>> {
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
    /// dropping an earlier-layout copy on S3 after a success.
    async fn changing<T>(
        &self,
        bucket: &str,
        key: &str,
        op: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        if let Some(ix) = &self.inner.index {
            ix.begin(bucket, key).await?;
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
        self.changing(bucket, key, async {
            match self.store().delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(backend(e)),
            }
        })
        .await
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
        self.changing(bucket, key, write).await
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
        Ok(PutResult {
            etag: etag.unwrap_or_else(|| record::etag(&h.md5)),
            md5: h.md5,
            crc64: h.crc64,
            size: h.size,
            last_modified: last_modified.unwrap_or_else(|| self.now()),
        })
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
            return self.changing(dst_bucket, dst_key, write).await;
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
