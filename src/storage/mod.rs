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
//! - `<bucket>/<encoded key>`: one backend object per OSS object. The key is mapped to segments
//!   by `keys` (reversible; `a` and `a/b`, `dir/`, `a//b`, `..` and 1023-byte names all fit on a
//!   filesystem, except keys so full of `/` and escaped bytes that their path passes the file
//!   system's 4 KB limit: those are refused with `InvalidObjectName` on the local store);
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
//! Listing reads every backend name under the deepest directory of the prefix, sorts them in
//! UTF-8 byte order, and then reads the trailers of the listed objects (≤ `max_keys`, in
//! parallel): fine for the buckets of a self-hosted service, linear in the bucket size.

mod keys;
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
use object_store::{
    Attributes, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload,
    UpdateVersion,
};
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

/// Trailers read at once while listing.
const LIST_CONCURRENCY: usize = 16;

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
                (Arc::new(fs), "local")
            }
            StorageConfig::S3 { ref bucket, ref prefix, .. } => {
                let store = s3_store(&config, bucket, prefix)?;
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
            }),
        }
    }

    /// The same store with another clock (tests use a fixed one).
    pub fn with_clock(self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Storage {
            inner: Arc::new(Inner {
                store: Arc::clone(&self.inner.store),
                clock: Arc::new(clock),
                backend: self.inner.backend,
                config_lock: Arc::clone(&self.inner.config_lock),
                max_path: self.inner.max_path,
                mounts: Arc::clone(&self.inner.mounts),
            }),
        }
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

    // ---- buckets -------------------------------------------------------------------------

    fn config_path(name: &str) -> Result<Path> {
        parse_path(&format!("{BUCKETS_DIR}/{name}.json"))
    }

    /// The stored configuration of bucket `name`; a mounted bucket always has one (its stored
    /// styles and process configuration, or a fresh one), with the mount's ACL.
    async fn read_config(&self, name: &str) -> Result<Option<BucketConfig>> {
        let path = Self::config_path(name)?;
        let mount = self.inner.mounts.get(name);
        let bytes = match self.store().get(&path).await {
            Ok(r) => r.bytes().await.map_err(backend)?,
            Err(object_store::Error::NotFound { .. }) => return Ok(mount.map(|m| m.fresh_config())),
            Err(e) => return Err(backend(e)),
        };
        let cfg: BucketConfig = serde_json::from_slice(&bytes)
            .map_err(|e| internal(format!("bucket config {name}: {e}")))?;
        Ok(Some(match mount {
            Some(m) => BucketConfig { acl: m.config().acl, ..cfg },
            None => cfg,
        }))
    }

    /// Fails with `NoSuchBucket` unless the bucket exists.
    async fn require_bucket(&self, name: &str) -> Result<()> {
        validate_bucket_name(name)?;
        if self.inner.mounts.get(name).is_some() {
            return Ok(());
        }
        match self.store().head(&Self::config_path(name)?).await {
            Ok(_) => Ok(()),
            Err(object_store::Error::NotFound { .. }) => Err(no_such_bucket()),
            Err(e) => Err(backend(e)),
        }
    }

    /// Writes `payload` to `path` only if nothing is there; `Ok(false)` when something is.
    async fn put_if_absent(&self, path: &Path, payload: PutPayload) -> Result<bool> {
        match self.store().head(path).await {
            Ok(_) => return Ok(false),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(backend(e)),
        }
        let opts = PutOptions { mode: PutMode::Create, ..Default::default() };
        match self.store().put_opts(path, payload.clone(), opts).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. })
            | Err(object_store::Error::Precondition { .. }) => Ok(false),
            // A backend without create-if-absent: the check above is all we have.
            Err(object_store::Error::NotImplemented { .. })
            | Err(object_store::Error::NotSupported { .. }) => {
                self.store().put(path, payload).await.map_err(backend)?;
                Ok(true)
            }
            Err(e) => Err(backend(e)),
        }
    }

    /// PutBucket: creates an empty bucket of storage class `class`. An existing name → `409
    /// BucketAlreadyExists` (also for the caller's own bucket, \[U\] of spec §10.1 as recommended).
    pub async fn create_bucket(&self, name: &str, acl: Acl, class: StorageClass) -> Result<()> {
        validate_bucket_name(name)?;
        if self.inner.mounts.get(name).is_some() {
            return Err(bucket_exists());
        }
        let cfg = BucketConfig { storage_class: class, ..BucketConfig::new(acl, self.now()) };
        let json =
            serde_json::to_vec(&cfg).map_err(|e| internal(format!("bucket config encode: {e}")))?;
        if self.put_if_absent(&Self::config_path(name)?, PutPayload::from(json)).await? {
            Ok(())
        } else {
            Err(bucket_exists())
        }
    }

    /// DeleteBucket: only an empty bucket (`409 BucketNotEmpty` otherwise). Holds the
    /// configuration lock, so an update in this process never writes a deleted bucket back.
    pub async fn delete_bucket(&self, name: &str) -> Result<()> {
        if let Some(m) = self.inner.mounts.get(name) {
            return Err(m.not_deletable());
        }
        let _one_at_a_time = self.inner.config_lock.lock().await;
        self.require_bucket(name).await?;
        let prefix = parse_path(name)?;
        let has_object = match self.store().list(Some(&prefix)).next().await {
            Some(first) => first.map(|_| true).map_err(backend)?,
            None => false,
        };
        // Uploads in progress count too: they would otherwise outlive the bucket.
        if has_object || self.has_uploads(name).await? {
            return Err(Error::new(
                ErrorKind::BucketNotEmpty,
                "The bucket you tried to delete is not empty.",
            ));
        }
        self.remove_upload_leftovers(name).await;
        match self.store().delete(&Self::config_path(name)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(backend(e)),
        }
    }

    /// ListBuckets: every bucket, by name.
    pub async fn list_buckets(&self) -> Result<Vec<BucketInfo>> {
        let dir = parse_path(BUCKETS_DIR)?;
        let metas: Vec<_> = self.store().list(Some(&dir)).try_collect().await.map_err(backend)?;
        let mut names: Vec<String> = metas
            .iter()
            .filter_map(|m| {
                m.location.filename().and_then(|f| f.strip_suffix(".json")).map(str::to_string)
            })
            .filter(|n| validate_bucket_name(n).is_ok())
            .chain(self.inner.mounts.names().map(str::to_string))
            .collect();
        names.sort();
        names.dedup();
        // Chunks of `join_all` rather than `stream::buffered`: a stream of borrowing closures makes
        // the future fail axum's `Send` check (the closure is not general over lifetimes).
        let mut configs: Vec<Result<Option<BucketConfig>>> = Vec::with_capacity(names.len());
        for chunk in names.chunks(LIST_CONCURRENCY) {
            configs.extend(
                futures_util::future::join_all(chunk.iter().map(|n| self.read_config(n))).await,
            );
        }
        let mut out = Vec::with_capacity(names.len());
        for (name, cfg) in names.into_iter().zip(configs) {
            // A bucket deleted while listing is simply not listed.
            if let Some(cfg) = cfg? {
                out.push(BucketInfo {
                    name,
                    creation_date: cfg.created,
                    storage_class: cfg.storage_class,
                });
            }
        }
        Ok(out)
    }

    /// The bucket's configuration (`404 NoSuchBucket` when it does not exist).
    pub async fn bucket(&self, name: &str) -> Result<BucketConfig> {
        validate_bucket_name(name)?;
        self.read_config(name).await?.ok_or_else(no_such_bucket)
    }

    /// Read-modify-write of a bucket's configuration (ACL, styles, process configuration):
    /// `edit` changes the current configuration and returns whether it changed anything
    /// (nothing is written otherwise); its error ends the update unwritten. Returns the
    /// configuration as it now stands. Concurrent updates never lose one another: this process
    /// runs them one at a time, and the write is conditional on the version that was read
    /// (`If-Match` on S3-compatible stores) — when another instance wrote in between, `edit`
    /// runs again on the newer configuration. A backend without conditional writes (the local
    /// filesystem, which one instance serves) relies on the process lock alone.
    pub async fn update_bucket_config(
        &self,
        name: &str,
        mut edit: impl FnMut(&mut BucketConfig) -> Result<bool>,
    ) -> Result<BucketConfig> {
        validate_bucket_name(name)?;
        let path = Self::config_path(name)?;
        let _one_at_a_time = self.inner.config_lock.lock().await;
        let mount = self.inner.mounts.get(name);
        for _ in 0..CONFIG_ATTEMPTS {
            let (mut cfg, mode): (BucketConfig, _) = match self.store().get(&path).await {
                Ok(r) => {
                    let read = UpdateVersion {
                        e_tag: r.meta.e_tag.clone(),
                        version: r.meta.version.clone(),
                    };
                    let bytes = r.bytes().await.map_err(backend)?;
                    let cfg = serde_json::from_slice(&bytes)
                        .map_err(|e| internal(format!("bucket config {name}: {e}")))?;
                    (cfg, PutMode::Update(read))
                }
                // A mounted bucket's first edit creates its stored configuration.
                Err(object_store::Error::NotFound { .. }) => match mount {
                    Some(m) => (m.fresh_config(), PutMode::Create),
                    None => return Err(no_such_bucket()),
                },
                Err(e) => return Err(backend(e)),
            };
            if let Some(m) = mount {
                cfg.acl = m.config().acl;
            }
            if !edit(&mut cfg)? {
                return Ok(cfg);
            }
            if let Some(m) = mount.filter(|m| m.config().acl != cfg.acl) {
                return Err(m.acl_is_configured());
            }
            let json = PutPayload::from(
                serde_json::to_vec(&cfg)
                    .map_err(|e| internal(format!("bucket config encode: {e}")))?,
            );
            let opts = PutOptions { mode, ..Default::default() };
            match self.store().put_opts(&path, json.clone(), opts).await {
                Ok(_) => return Ok(cfg),
                // Another instance wrote (or deleted, or created) it since the read: start over
                // from its version.
                Err(object_store::Error::Precondition { .. })
                | Err(object_store::Error::AlreadyExists { .. }) => continue,
                Err(object_store::Error::NotImplemented { .. })
                | Err(object_store::Error::NotSupported { .. }) => {
                    self.store().put(&path, json).await.map_err(backend)?;
                    return Ok(cfg);
                }
                Err(e) => return Err(backend(e)),
            }
        }
        Err(internal(format!("bucket config {name} kept changing while being updated")))
    }

    /// Whether the backing store honours conditional writes (`If-Match`), which keep concurrent
    /// bucket-configuration edits from several instances from overwriting each other (see
    /// [`Storage::update_bucket_config`]). Probed with a scratch object under `.ossimg/`: some
    /// S3-compatible servers (Garage 2.x) accept the header and ignore it. The local filesystem
    /// has none; one instance serves a data directory.
    pub async fn conditional_writes(&self) -> Result<bool> {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path =
            parse_path(&format!(".ossimg/probe/conditional-{}-{nanos}", std::process::id()))?;
        self.store().put(&path, PutPayload::from_static(b"0")).await.map_err(backend)?;
        let stale =
            UpdateVersion { e_tag: Some("\"ossimg-stale-version\"".to_string()), version: None };
        let opts = PutOptions { mode: PutMode::Update(stale), ..Default::default() };
        let r = self.store().put_opts(&path, PutPayload::from_static(b"1"), opts).await;
        let _ = self.store().delete(&path).await;
        match r {
            Ok(_) => Ok(false),
            Err(object_store::Error::Precondition { .. }) => Ok(true),
            Err(object_store::Error::NotImplemented { .. })
            | Err(object_store::Error::NotSupported { .. }) => Ok(false),
            Err(e) => Err(backend(e)),
        }
    }

    // ---- objects -------------------------------------------------------------------------

    /// The store path of `key`; a key whose escaped path the backend cannot hold (see
    /// `Inner::max_path`) is `400 InvalidObjectName` rather than a file-system error.
    fn object_path(&self, bucket: &str, key: &str) -> Result<Path> {
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
            if rec.key != key {
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
        match self.inner.mounts.get(bucket) {
            Some(m) => m.open(key).await,
            None => self.open(&self.object_path(bucket, key)?, key).await,
        }
    }

    /// DeleteObject: succeeds whether or not the key exists (spec §10.5); the bucket must.
    pub async fn delete_object(&self, bucket: &str, key: &str) -> Result<()> {
        validate_key(key)?;
        if let Some(m) = self.inner.mounts.get(bucket) {
            return m.delete(key).await;
        }
        self.require_bucket(bucket).await?;
        match self.store().delete(&self.object_path(bucket, key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(backend(e)),
        }
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
        self.write_blob(
            &self.object_path(bucket, key)?,
            key,
            body,
            meta,
            forbid_overwrite,
            None,
            None,
        )
        .await
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
            return self
                .write_blob(
                    &self.object_path(dst_bucket, dst_key)?,
                    dst_key,
                    body.into_stream(),
                    meta,
                    forbid_overwrite,
                    mtime,
                    etag,
                )
                .await;
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

    /// ListObjects: keys of `bucket` starting with `q.prefix` and greater than `q.marker`, in
    /// UTF-8 byte order, rolled up into common prefixes at `q.delimiter`, at most `q.max_keys`
    /// entries. A common prefix equal to the marker is skipped, so a page that ended on a common
    /// prefix is followed by the keys after it.
    pub async fn list_objects(&self, bucket: &str, q: &ListQuery) -> Result<ListPage> {
        if let Some(m) = self.inner.mounts.get(bucket) {
            return m.list(q).await;
        }
        self.require_bucket(bucket).await?;
        let dir_segs = keys::encode_dir_prefix(&q.prefix);
        let dir = if dir_segs.is_empty() {
            bucket.to_string()
        } else {
            format!("{bucket}/{}", dir_segs.join("/"))
        };
        if dir.len() > self.inner.max_path {
            // No object can be stored that deep: nothing to list.
            return Ok(ListPage::default());
        }
        let dir = parse_path(&dir)?;
        let metas: Vec<object_store::ObjectMeta> =
            self.store().list(Some(&dir)).try_collect().await.map_err(backend)?;
        let mut found: Vec<String> = metas
            .iter()
            .filter_map(|m| {
                let mut parts = m.location.parts();
                let first = parts.next()?;
                if first.as_ref() != bucket {
                    return None;
                }
                let rest: Vec<_> = parts.collect();
                keys::decode_key(rest.iter().map(|p| p.as_ref()))
            })
            .collect();
        found.sort_unstable();
        let (mut page, to_open) = q.roll_up(found);
        let mut opened: Vec<Result<Option<Opened>>> = Vec::with_capacity(to_open.len());
        for chunk in to_open.chunks(LIST_CONCURRENCY) {
            let reads = chunk
                .iter()
                .map(|k| async move { self.open(&self.object_path(bucket, k)?, k).await });
            opened.extend(futures_util::future::join_all(reads).await);
        }
        for o in opened {
            // An object deleted since the names were read is left out.
            if let Some(o) = o? {
                page.objects.push(o.info);
            }
        }
        Ok(page)
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
