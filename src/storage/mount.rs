//! Buckets mounted on a folder or a store prefix of plain objects: an existing image library
//! (`file:///srv/images`, `s3://bucket/prefix`) served in place, without importing it. This
//! module owns the mount table, the mapping of keys onto the source, and reading, listing and
//! (when the mount is writable) writing plain objects — the bytes as they are, with no ossimg
//! trailer, so other tools keep reading and writing the same files.
//!
//! - **Keys** map one to one onto source paths (`a/b.jpg` → `<source>/a/b.jpg`). A key that
//!   cannot (empty, `.` or `..` segments, a trailing `/`, control characters; on a folder also
//!   names of more than 255 bytes and `name#<digits>`, which `LocalFileSystem` keeps for its
//!   staging files) is `400 InvalidObjectName` and never reaches the store, so no key escapes
//!   the source.
//! - **Metadata** comes from the store: size, `Last-Modified` (whole seconds), and the ETag
//!   (an S3 ETag upper-cased as OSS writes them; a local file's `inode-mtime-size` tag as the
//!   MD5 of that text, so it changes with the file and reads as a `Normal` object).
//!   `Content-Type` is the stored one (S3), else sniffed from the first bytes, else
//!   `application/octet-stream`; `x-oss-meta-*`, `Cache-Control`, `Content-Disposition` and
//!   `Content-Encoding` are S3 object metadata (a folder keeps none). MD5 and CRC-64 are unknown (nothing hashed the body), so
//!   reads carry neither `Content-MD5` nor `x-oss-hash-crc64ecma`.
//! - **Configuration**: the ACL is the mount's (`PutBucketAcl` with another one is `403`);
//!   styles and the process configuration are stored like any bucket's, in the backing store.
//!   A mounted name cannot be created (`409 BucketAlreadyExists`) or deleted (`403`).
//! - **Writes** (PutObject, CopyObject into it, multipart completion, DeleteObject, saveas)
//!   are `403 AccessDenied` unless the mount is writable; then they are atomic as on the
//!   backing store (a staging file renamed into place; one S3 PUT or multipart completion).
//!   Objects of a mount have no ACL of their own (`PutObjectAcl` is `403`).
//!
//! # Costs
//!
//! Opening an object is one ranged read of its first [`PROBE`] bytes (the whole of a small
//! object). Listing with the delimiter `/` reads one directory level (one `LIST` with a
//! delimiter on S3); without a delimiter an S3 prefix is read in key order from the marker and
//! stops after one page, while a folder is walked below the prefix's directory and sorted; other
//! delimiters walk everything below that directory. On a folder, directories with no files
//! below them still show as common prefixes.
//!
//! # Limits
//!
//! What object_store cannot name is not served: on S3, a key with an empty, `.` or `..` segment
//! makes a listing that reaches it fail (500), and a "folder" marker `dir/` lists as a key `dir`
//! (which reads as `404`) in listings without the delimiter `/`; in a folder, file names that
//! are not UTF-8 fail a listing that reaches them.

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::path::Path;
use object_store::{Attribute, Attributes, GetOptions, GetRange, ObjectStore, ObjectStoreExt};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use super::plain::{is_staging, PlainStore};
use super::record;
use super::types::{Acl, BucketConfig, ListPage, ListQuery, ObjectAcl, ObjectInfo, ObjectMeta};
use super::types::{PutResult, StorageClass};
use super::{backend, Inner, Opened, Storage, StorageConfig, WriteTarget, PROBE};
use crate::{Error, ErrorKind, Result};

/// The longest file name most file systems hold (ext4, xfs, btrfs), in bytes.
const MAX_FILE_NAME: usize = 255;

/// Content types that say nothing about the body (S3's defaults): sniffed instead.
const GENERIC_TYPES: [&str; 2] = ["application/octet-stream", "binary/octet-stream"];

/// One mounted bucket as configured (`[[mounts]]` of `ossimg serve`, or `--mount BUCKET=URL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountConfig {
    /// The OSS bucket name clients use.
    pub bucket: String,
    /// The source: `file:///dir` (or a plain directory path) or `s3://bucket[/prefix]`.
    pub source: String,
    /// The bucket's ACL.
    pub acl: Acl,
    /// Whether objects may be written and deleted (default false: `403 AccessDenied`).
    pub writable: bool,
}

impl MountConfig {
    /// A private, read-only mount of `source` as `bucket`.
    pub fn new(bucket: impl Into<String>, source: impl Into<String>) -> Self {
        MountConfig {
            bucket: bucket.into(),
            source: source.into(),
            acl: Acl::Private,
            writable: false,
        }
    }

    /// Parses `BUCKET=URL` (the `--mount` flag): a private, read-only mount.
    pub fn parse(pair: &str) -> Result<Self> {
        match pair.split_once('=') {
            Some((bucket, source)) if !bucket.is_empty() && !source.is_empty() => {
                Ok(MountConfig::new(bucket, source))
            }
            _ => Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("mount {pair:?}: expected BUCKET=URL"),
            )),
        }
    }
}

/// The mounted buckets of a [`Storage`], by name.
#[derive(Default)]
pub(super) struct Mounts(BTreeMap<String, Mount>);

impl Mounts {
    /// The mount serving `bucket`, if any.
    pub(super) fn get(&self, bucket: &str) -> Option<&Mount> {
        self.0.get(bucket)
    }

    /// The mounted bucket names, sorted.
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// One mounted bucket: its configuration and the store its objects live in.
pub(super) struct Mount {
    config: MountConfig,
    store: Arc<dyn ObjectStore>,
    /// A folder on the local file system (else an S3 prefix).
    local: bool,
    /// The bucket's `CreationDate`: when the mount was opened.
    created: SystemTime,
}

impl Storage {
    /// This storage with `mounts` (replacing any it had): buckets served from folders or store
    /// prefixes of plain objects (see the module docs). `s3_settings` supplies the endpoint,
    /// region and keys of `s3://` sources when it is an S3 configuration (the backing store's
    /// `[storage]`); otherwise they come from the `AWS_*` environment as object_store reads it.
    /// Fails on an invalid or repeated bucket name, an unknown scheme or a folder that does not
    /// exist.
    pub fn with_mounts(
        self,
        mounts: Vec<MountConfig>,
        s3_settings: &StorageConfig,
    ) -> Result<Self> {
        let created = self.now();
        let mut table = BTreeMap::new();
        for config in mounts {
            super::validate_bucket_name(&config.bucket)
                .map_err(|_| usage(format!("mount {}: not a valid bucket name", config.bucket)))?;
            if table.contains_key(&config.bucket) {
                return Err(usage(format!("bucket {} is mounted twice", config.bucket)));
            }
            let (store, local) = open_source(&config, s3_settings)?;
            table.insert(config.bucket.clone(), Mount { config, store, local, created });
        }
        let inner = &self.inner;
        Ok(Storage {
            inner: Arc::new(Inner { mounts: Arc::new(Mounts(table)), ..(**inner).clone() }),
        })
    }

    /// The configuration of `bucket` when it is mounted.
    pub fn mount(&self, bucket: &str) -> Option<&MountConfig> {
        self.inner.mounts.get(bucket).map(|m| &m.config)
    }
}

/// A configuration error of a mount (`400 InvalidArgument`; `serve` stops with its message).
fn usage(message: String) -> Error {
    Error::new(ErrorKind::InvalidArgument, message)
}

/// Opens the store of a mount's source; `true` with a local folder.
fn open_source(
    config: &MountConfig,
    s3_settings: &StorageConfig,
) -> Result<(Arc<dyn ObjectStore>, bool)> {
    let source = config.source.as_str();
    let failed = |e: &dyn fmt::Display| usage(format!("mount {}: {source}: {e}", config.bucket));
    if let Some(rest) = source.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(failed(&"no bucket in the URL"));
        }
        if let Some(store) = super::s3_store(s3_settings, bucket, prefix)? {
            return Ok((store, false));
        }
        let plain = PlainStore::open(source, false).map_err(|e| failed(&e.message))?;
        return Ok((plain.object_store(), false));
    }
    if source.contains("://") && !source.starts_with("file://") {
        return Err(failed(&"only file:// and s3:// sources are supported"));
    }
    let dir = source.strip_prefix("file://").unwrap_or(source);
    if !std::path::Path::new(dir).is_dir() {
        return Err(failed(&"not a directory"));
    }
    let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)
        .map_err(|e| failed(&e))?
        // Deleting the last file of a directory removes the directory, so it stops being listed.
        .with_automatic_cleanup(config.writable)
        // A write is durable when it returns, as on the backing store.
        .with_fsync(true);
    Ok((Arc::new(fs), true))
}

impl Mount {
    /// The mount as configured.
    pub(super) fn config(&self) -> &MountConfig {
        &self.config
    }

    /// The configuration of the bucket before anything was stored for it.
    pub(super) fn fresh_config(&self) -> BucketConfig {
        BucketConfig::new(self.config.acl, self.created)
    }

    /// `403 AccessDenied` unless the mount is writable.
    pub(super) fn check_writable(&self) -> Result<()> {
        if self.config.writable {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::AccessDenied,
            format!(
                "The bucket {} is mounted read-only: its objects cannot be written or deleted.",
                self.config.bucket
            ),
        ))
    }

    /// PutObjectAcl's answer: objects of a mount have no ACL of their own.
    pub(super) fn no_object_acl(&self) -> Error {
        Error::new(
            ErrorKind::AccessDenied,
            format!(
                "Objects of the mounted bucket {} have no ACL of their own: the bucket's applies.",
                self.config.bucket
            ),
        )
    }

    /// PutBucketAcl's answer when it would change the ACL the mount configures.
    pub(super) fn acl_is_configured(&self) -> Error {
        Error::new(
            ErrorKind::AccessDenied,
            format!(
                "The ACL of the mounted bucket {} is set in the server's configuration.",
                self.config.bucket
            ),
        )
    }

    /// DeleteBucket's answer: a mount is removed from the configuration, not deleted.
    pub(super) fn not_deletable(&self) -> Error {
        Error::new(
            ErrorKind::AccessDenied,
            format!(
                "The bucket {} is mounted from the server's configuration and cannot be deleted.",
                self.config.bucket
            ),
        )
    }

    /// The source path of `key`; `400 InvalidObjectName` for a key that cannot map onto it.
    pub(super) fn path(&self, key: &str) -> Result<Path> {
        let refuse = || {
            Error::new(
                ErrorKind::InvalidObjectName,
                "The object name cannot be mapped onto the mounted bucket's source.",
            )
        };
        let segments_ok = key.split('/').all(|s| {
            !s.is_empty() && s != "." && s != ".." && !(self.local && s.len() > MAX_FILE_NAME)
        });
        if !segments_ok || (self.local && is_staging(key)) {
            return Err(refuse());
        }
        Path::parse(key).map_err(|_| refuse())
    }

    /// Opens `key` with one ranged read of its first [`PROBE`] bytes (`None`: no such object,
    /// or a directory).
    pub(super) async fn open(&self, key: &str) -> Result<Option<Opened>> {
        let path = self.path(key)?;
        let opts = GetOptions { range: Some(GetRange::Bounded(0..PROBE)), ..Default::default() };
        let r = match self.store.get_opts(&path, opts).await {
            Ok(r) => r,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            // An empty object has no first byte to range over (S3 answers 416), and some
            // servers answer a range with the whole object: a small object is read whole.
            Err(first) => match self.store.head(&path).await {
                Ok(m) if m.size <= PROBE => match self.store.get(&path).await {
                    Ok(r) => r,
                    Err(object_store::Error::NotFound { .. }) => return Ok(None),
                    Err(e) => return Err(backend(e)),
                },
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Ok(_) | Err(_) => return Err(backend(first)),
            },
        };
        let (meta, attributes, start) = (r.meta.clone(), r.attributes.clone(), r.range.start);
        let head = match r.bytes().await {
            Ok(b) => b,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(backend(e)),
        };
        let info = plain_info(key.to_string(), &meta, Some((&head, &attributes)));
        let inline = (start == 0 && head.len() as u64 == meta.size).then_some(head);
        let store = Arc::clone(&self.store);
        Ok(Some(Opened { info, store, path, e_tag: meta.e_tag, inline }))
    }

    /// Writes `body` as the plain object `key` (see [`Storage::put_object`] for the failures),
    /// bodies up to `max_size` bytes. On S3 the Content-Type, Cache-Control,
    /// Content-Disposition, Content-Encoding and `x-oss-meta-*` become object metadata; a folder
    /// keeps only the bytes. The answer's ETag and `Last-Modified` are the store's.
    pub(super) async fn put<S, E>(
        &self,
        key: &str,
        body: S,
        meta: ObjectMeta,
        forbid_overwrite: bool,
        max_size: u64,
    ) -> Result<PutResult>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: fmt::Display,
    {
        self.check_writable()?;
        let path = self.path(key)?;
        let user_meta = super::normalize_user_meta(meta.user_meta.clone())?;
        let attributes = if self.local { Attributes::new() } else { attributes(&meta, user_meta) };
        let target = WriteTarget {
            store: self.store.as_ref(),
            path: &path,
            max_size,
            expected_md5: meta.content_md5_expected,
            forbid_overwrite,
            attributes,
        };
        let h = super::write_stream(target, body, |_| Ok(None)).await?;
        let stored = self.store.head(&path).await.map_err(backend)?;
        Ok(PutResult {
            etag: oss_etag(&stored),
            md5: h.md5,
            crc64: h.crc64,
            size: h.size,
            last_modified: last_modified(&stored),
        })
    }

    /// Deletes `key` (whether or not it exists).
    pub(super) async fn delete(&self, key: &str) -> Result<()> {
        self.check_writable()?;
        match self.store.delete(&self.path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(backend(e)),
        }
    }

    /// ListObjects over the source (costs in the module docs). Listed objects are not opened:
    /// their Content-Type reads `application/octet-stream`.
    pub(super) async fn list(&self, q: &ListQuery) -> Result<ListPage> {
        // Every key with the prefix lies below the prefix's directory (up to its last `/`).
        let dir = match q.prefix.rfind('/') {
            None => None,
            Some(i) => match self.path(&q.prefix[..i]) {
                Ok(p) => Some(p),
                // No key below an unmappable directory: nothing to list.
                Err(_) => return Ok(ListPage::default()),
            },
        };
        let mut found: BTreeMap<String, Option<object_store::ObjectMeta>> = BTreeMap::new();
        if q.delimiter == "/" {
            let listing = match self.store.list_with_delimiter(dir.as_ref()).await {
                Ok(l) => l,
                Err(object_store::Error::NotFound { .. }) => return Ok(ListPage::default()),
                Err(e) => return Err(backend(e)),
            };
            for p in listing.common_prefixes {
                found.insert(format!("{p}/"), None);
            }
            for m in listing.objects {
                found.insert(m.location.to_string(), Some(m));
            }
        } else {
            let sorted = !self.local && q.delimiter.is_empty();
            let offset = Path::parse(&q.marker).ok().filter(|_| sorted && !q.marker.is_empty());
            let mut names = match &offset {
                Some(o) => self.store.list_with_offset(dir.as_ref(), o),
                None => self.store.list(dir.as_ref()),
            };
            while let Some(m) = names.next().await {
                let m = m.map_err(backend)?;
                let key = m.location.to_string();
                // S3 lists in key order: past the prefix, or one key past a full page, nothing
                // more belongs in this page.
                if sorted && !key.starts_with(&q.prefix) && key > q.prefix {
                    break;
                }
                if key.starts_with(&q.prefix) && key > q.marker {
                    found.insert(key, Some(m));
                    if sorted && found.len() > q.max_keys {
                        break;
                    }
                }
            }
        }
        let (mut page, keys) = q.roll_up(found.keys().cloned());
        for k in keys {
            if let Some(Some(m)) = found.remove(&k) {
                page.objects.push(plain_info(k, &m, None).into());
            }
        }
        Ok(page)
    }
}

/// The S3 object metadata a writable mount stores with a put.
fn attributes(meta: &ObjectMeta, user_meta: Vec<(String, String)>) -> Attributes {
    let mut a = Attributes::new();
    for (attribute, value) in [
        (Attribute::ContentType, &meta.content_type),
        (Attribute::CacheControl, &meta.cache_control),
        (Attribute::ContentDisposition, &meta.content_disposition),
        (Attribute::ContentEncoding, &meta.content_encoding),
    ] {
        if let Some(v) = value {
            a.insert(attribute, v.clone().into());
        }
    }
    for (name, value) in user_meta {
        a.insert(Attribute::Metadata(name.into()), value.into());
    }
    a
}

/// The object's info from its store metadata and, when it was read, its first bytes and
/// stored attributes.
fn plain_info(
    key: String,
    meta: &object_store::ObjectMeta,
    read: Option<(&[u8], &Attributes)>,
) -> ObjectInfo {
    let attribute = |a: Attribute| -> Option<String> {
        read.and_then(|(_, stored)| stored.get(&a)).map(|v| v.to_string())
    };
    let content_type = attribute(Attribute::ContentType)
        .filter(|t| !GENERIC_TYPES.contains(&t.as_str()))
        .or_else(|| {
            read.and_then(|(head, _)| crate::codec::sniff(head)).map(|f| f.mime().to_string())
        })
        .unwrap_or_else(|| GENERIC_TYPES[0].to_string());
    let user_meta = read
        .map(|(_, stored)| {
            stored
                .iter()
                .filter_map(|(a, v)| match a {
                    Attribute::Metadata(name) => Some((name.to_ascii_lowercase(), v.to_string())),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    ObjectInfo {
        key,
        size: meta.size,
        etag: oss_etag(meta),
        md5: None,
        crc64: None,
        last_modified: last_modified(meta),
        content_type,
        user_meta,
        acl: ObjectAcl::Default,
        cache_control: attribute(Attribute::CacheControl),
        content_disposition: attribute(Attribute::ContentDisposition),
        content_encoding: attribute(Attribute::ContentEncoding),
        expires: None,
        storage_class: StorageClass::Standard,
    }
}

/// The store's `Last-Modified` in whole seconds: an S3 read (the `Last-Modified` header) says
/// no more, and a listing must show the same time as a read.
fn last_modified(meta: &object_store::ObjectMeta) -> SystemTime {
    record::from_ms(1000 * u64::try_from(meta.last_modified.timestamp()).unwrap_or(0))
}

/// The OSS ETag of a plain object: an S3 ETag (`<hex MD5>` or `<hex>-<parts>`) upper-cased and
/// quoted, as OSS writes them; any other tag (a local file's `inode-mtime-size`), or none, as
/// the MD5 of it (or of size and time), which changes whenever the file does.
fn oss_etag(meta: &object_store::ObjectMeta) -> String {
    let tag = meta.e_tag.as_deref().map(|t| t.trim_matches('"'));
    let is_hex = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let s3_like = tag.filter(|t| match t.split_once('-') {
        Some((hex, parts)) => is_hex(hex) && parts.parse::<u32>().is_ok(),
        None => is_hex(t),
    });
    if let Some(t) = s3_like {
        return format!("\"{}\"", t.to_ascii_uppercase());
    }
    let text = match tag {
        Some(t) => t.to_string(),
        None => format!("{}-{}", meta.size, meta.last_modified.timestamp_millis()),
    };
    use md5::Digest as _;
    let digest: [u8; 16] = md5::Md5::digest(text.as_bytes()).into();
    record::etag(&digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(e_tag: Option<&str>) -> object_store::ObjectMeta {
        object_store::ObjectMeta {
            location: Path::from("a.jpg"),
            last_modified: Default::default(),
            size: 3,
            e_tag: e_tag.map(str::to_string),
            version: None,
        }
    }

    #[test]
    fn etags_read_as_oss_writes_them() {
        let md5 = "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"";
        assert_eq!(oss_etag(&meta(Some(md5))), "\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"");
        let multi = "\"5eb63bbbe01eeed093cb22bb8f5acdc3-12\"";
        assert_eq!(oss_etag(&meta(Some(multi))), "\"5EB63BBBE01EEED093CB22BB8F5ACDC3-12\"");
        // A local file's tag: the MD5 of it, a Normal object's ETag.
        let local = oss_etag(&meta(Some("\"1a2b-5f3e2d1c-3\"")));
        assert_eq!(local.len(), 34);
        assert!(!local.contains('-'));
        assert_ne!(local, oss_etag(&meta(Some("\"1a2b-5f3e2d1d-3\""))));
        assert_eq!(oss_etag(&meta(None)), oss_etag(&meta(None)));
    }

    #[test]
    fn mount_flags_parse() {
        assert_eq!(
            MountConfig::parse("photos=file:///srv/images").unwrap(),
            MountConfig::new("photos", "file:///srv/images")
        );
        for bad in ["photos", "=file:///x", "photos="] {
            assert_eq!(MountConfig::parse(bad).unwrap_err().kind, ErrorKind::InvalidArgument);
        }
    }
}
