//! The plain data of the storage API: ACLs, bucket configuration (styles, IMG process
//! configuration), the metadata stored with an object and what reads and lists return.

use serde::{Deserialize, Serialize};
use std::time::SystemTime;

use crate::{Error, ErrorKind, Result};

/// A bucket ACL (spec §8.1), spelled on the wire as in `x-oss-acl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Acl {
    /// `private` (the default): only the owner.
    #[default]
    #[serde(rename = "private")]
    Private,
    /// `public-read`: anyone may read objects.
    #[serde(rename = "public-read")]
    PublicRead,
    /// `public-read-write`: anyone may read, write and delete objects.
    #[serde(rename = "public-read-write")]
    PublicReadWrite,
}

impl Acl {
    /// The wire spelling (`private`, `public-read`, `public-read-write`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Acl::Private => "private",
            Acl::PublicRead => "public-read",
            Acl::PublicReadWrite => "public-read-write",
        }
    }

    /// Parses the wire spelling; anything else is `400 InvalidArgument`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "private" => Ok(Acl::Private),
            "public-read" => Ok(Acl::PublicRead),
            "public-read-write" => Ok(Acl::PublicReadWrite),
            _ => Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("no such bucket access control exists: {s}"),
            )),
        }
    }
}

/// An OSS storage class (spec §10.1), spelled as in `x-oss-storage-class` and `<StorageClass>`.
/// A bucket has one (its objects' default) and every object has one. ossimg keeps every object
/// on its one store: the class is validated, recorded and reported as OSS does, and changes
/// nothing else (an `Archive` object is readable without a restore).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum StorageClass {
    /// `Standard` (the default).
    #[default]
    Standard,
    /// `IA`: infrequent access.
    #[serde(rename = "IA")]
    InfrequentAccess,
    /// `Archive`.
    Archive,
    /// `ColdArchive`.
    ColdArchive,
    /// `DeepColdArchive`.
    DeepColdArchive,
}

impl StorageClass {
    /// The wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            StorageClass::Standard => "Standard",
            StorageClass::InfrequentAccess => "IA",
            StorageClass::Archive => "Archive",
            StorageClass::ColdArchive => "ColdArchive",
            StorageClass::DeepColdArchive => "DeepColdArchive",
        }
    }

    /// Parses the wire spelling (exact case); anything else is `400 InvalidArgument`.
    pub fn parse(s: &str) -> Result<Self> {
        [
            StorageClass::Standard,
            StorageClass::InfrequentAccess,
            StorageClass::Archive,
            StorageClass::ColdArchive,
            StorageClass::DeepColdArchive,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
        .ok_or_else(|| {
            Error::new(ErrorKind::InvalidArgument, format!("Invalid storage class: {s}"))
        })
    }

    /// True for the default class (records leave it out).
    pub fn is_standard(&self) -> bool {
        *self == StorageClass::Standard
    }
}

/// An object ACL (spec §8.1): `default` inherits the bucket's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ObjectAcl {
    /// `default`: the bucket ACL decides.
    #[default]
    #[serde(rename = "default")]
    Default,
    /// `private`.
    #[serde(rename = "private")]
    Private,
    /// `public-read`.
    #[serde(rename = "public-read")]
    PublicRead,
    /// `public-read-write`.
    #[serde(rename = "public-read-write")]
    PublicReadWrite,
}

impl ObjectAcl {
    /// The wire spelling, as in `x-oss-object-acl`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ObjectAcl::Default => "default",
            ObjectAcl::Private => "private",
            ObjectAcl::PublicRead => "public-read",
            ObjectAcl::PublicReadWrite => "public-read-write",
        }
    }

    /// Parses the wire spelling; anything else is `400 InvalidArgument`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "default" => Ok(ObjectAcl::Default),
            other => Acl::parse(other).map(Self::from).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidArgument,
                    format!("no such object access control exists: {s}"),
                )
            }),
        }
    }

    /// The ACL that decides for this object: its own, or the bucket's when `default`.
    pub const fn effective(self, bucket: Acl) -> Acl {
        match self {
            ObjectAcl::Default => bucket,
            ObjectAcl::Private => Acl::Private,
            ObjectAcl::PublicRead => Acl::PublicRead,
            ObjectAcl::PublicReadWrite => Acl::PublicReadWrite,
        }
    }
}

impl From<Acl> for ObjectAcl {
    fn from(a: Acl) -> Self {
        match a {
            Acl::Private => ObjectAcl::Private,
            Acl::PublicRead => ObjectAcl::PublicRead,
            Acl::PublicReadWrite => ObjectAcl::PublicReadWrite,
        }
    }
}

/// A named, stored process string of a bucket (spec §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Style {
    /// The style name (1–63 of letters, digits, `_`, `-`, `.`; validated by the API layer).
    pub name: String,
    /// The process string, with its `image/` prefix, stored verbatim.
    pub content: String,
    /// `image`, `document` or `video`.
    pub category: String,
    /// When the style was first created.
    pub create_time: SystemTime,
    /// When the style was last put.
    pub last_modify_time: SystemTime,
}

/// Which hosts may serve processed images: `CompliedHost` of spec §5.3 (sic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CompliedHost {
    /// `Img`.
    Img,
    /// `Both` (the value of a fresh bucket).
    #[default]
    Both,
}

/// The IMG configuration of a bucket (spec §5.3); a fresh bucket has the defaults
/// (`Both`, protection disabled, no suffixes, no delimiters).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcessConfig {
    /// `CompliedHost`.
    pub complied_host: CompliedHost,
    /// `SourceFileProtect`: Enabled = true.
    pub source_file_protect: bool,
    /// `SourceFileProtectSuffix`, split at `,` (`*` = all).
    pub suffixes: Vec<String>,
    /// `StyleDelimiters`, each one of `-`, `_`, `/`, `!`.
    pub delimiters: Vec<char>,
    /// `OssDomainSupportAtProcess`: Enabled = true.
    pub oss_domain_support_at_process: bool,
    /// When the configuration was last put (`None` for a fresh bucket).
    pub last_modified: Option<SystemTime>,
}

/// Most styles one bucket may hold (spec §6.1).
pub const MAX_STYLES: usize = 50;

/// Everything stored about a bucket besides its objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketConfig {
    /// The bucket ACL.
    pub acl: Acl,
    /// Creation time (the `CreationDate` of ListBuckets).
    pub created: SystemTime,
    /// Styles in creation order (spec §6.4: ListStyle answers in creation order).
    #[serde(default)]
    pub styles: Vec<Style>,
    /// The IMG process configuration.
    #[serde(default)]
    pub process: ProcessConfig,
    /// The bucket's storage class: what its objects get unless a writer names one.
    #[serde(default)]
    pub storage_class: StorageClass,
    /// How the bucket's objects are named in an S3-compatible store: [`CURRENT_LAYOUT`] for a
    /// bucket created by this version (flat, ordered names), `0` (absent) for one created
    /// before, which may still hold objects under the earlier per-segment names (read as a
    /// fallback; its listings read every name).
    #[serde(default)]
    pub layout: u32,
}

/// The store-name layout of buckets created now (see [`BucketConfig::layout`]).
pub const CURRENT_LAYOUT: u32 = 2;

impl BucketConfig {
    /// A fresh bucket's configuration.
    pub fn new(acl: Acl, created: SystemTime) -> Self {
        BucketConfig {
            acl,
            created,
            styles: Vec::new(),
            process: ProcessConfig::default(),
            storage_class: StorageClass::Standard,
            layout: CURRENT_LAYOUT,
        }
    }

    /// The style called `name`.
    pub fn style(&self, name: &str) -> Option<&Style> {
        self.styles.iter().find(|s| s.name == name)
    }

    /// Creates or replaces a style. A replaced style keeps its place and `create_time` and gets
    /// `now` as `last_modify_time` (\[U\] of spec §6.3, as recommended). A 51st style is refused with
    /// `403 AccessDenied` as the legacy manual says.
    pub fn put_style(
        &mut self,
        name: &str,
        content: &str,
        category: &str,
        now: SystemTime,
    ) -> Result<()> {
        if let Some(s) = self.styles.iter_mut().find(|s| s.name == name) {
            s.content = content.to_string();
            s.category = category.to_string();
            s.last_modify_time = now;
            return Ok(());
        }
        if self.styles.len() >= MAX_STYLES {
            return Err(Error::new(ErrorKind::AccessDenied, "Your style count is exceeded 50."));
        }
        self.styles.push(Style {
            name: name.to_string(),
            content: content.to_string(),
            category: category.to_string(),
            create_time: now,
            last_modify_time: now,
        });
        Ok(())
    }

    /// Removes a style; `false` when there was none.
    pub fn remove_style(&mut self, name: &str) -> bool {
        let before = self.styles.len();
        self.styles.retain(|s| s.name != name);
        self.styles.len() != before
    }
}

/// One entry of ListBuckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketInfo {
    /// The bucket name.
    pub name: String,
    /// When it was created.
    pub creation_date: SystemTime,
    /// Its storage class.
    pub storage_class: StorageClass,
}

/// What a writer says about a new object (PutObject headers, spec §10.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectMeta {
    /// `Content-Type`; `None` stores `application/octet-stream` (\[U\] of §10.2, as recommended).
    pub content_type: Option<String>,
    /// The decoded `Content-MD5` header: when set and the body differs, nothing is stored and the
    /// put fails with `400 InvalidDigest`.
    pub content_md5_expected: Option<[u8; 16]>,
    /// `x-oss-meta-*` pairs, names without the prefix; names are stored lower-cased. At most
    /// 8 KB of names and values together (spec §10.2).
    pub user_meta: Vec<(String, String)>,
    /// `x-oss-object-acl`.
    pub acl: ObjectAcl,
    /// `Cache-Control`, stored and returned verbatim.
    pub cache_control: Option<String>,
    /// `Content-Disposition`, stored and returned verbatim.
    pub content_disposition: Option<String>,
    /// `Content-Encoding`, stored and returned verbatim.
    pub content_encoding: Option<String>,
    /// `Expires`, stored and returned verbatim.
    pub expires: Option<String>,
    /// The object's storage class (the API layer fills in the bucket's when the writer names
    /// none).
    pub storage_class: StorageClass,
}

/// What a completed put reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutResult {
    /// The `ETag` header value: the quoted upper-case hex MD5 of the body.
    pub etag: String,
    /// The MD5 of the body (base64 of it is the `Content-MD5` response header).
    pub md5: [u8; 16],
    /// CRC-64/ECMA (XZ) of the body, for `x-oss-hash-crc64ecma`.
    pub crc64: u64,
    /// Body length in bytes.
    pub size: u64,
    /// The object's `Last-Modified`.
    pub last_modified: SystemTime,
}

/// Everything known about a stored object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The object key.
    pub key: String,
    /// Body length in bytes.
    pub size: u64,
    /// Quoted upper-case hex MD5 (`"5EB63BBBE01EEED093CB22BB8F5ACDC3"`).
    pub etag: String,
    /// MD5 of the body (`None` for a mounted plain object: not known without reading it).
    pub md5: Option<[u8; 16]>,
    /// CRC-64/ECMA (XZ) of the body (`None` for a mounted plain object).
    pub crc64: Option<u64>,
    /// When the object was written (millisecond precision).
    pub last_modified: SystemTime,
    /// `Content-Type`.
    pub content_type: String,
    /// `x-oss-meta-*` pairs (lower-cased names), in the order they were given.
    pub user_meta: Vec<(String, String)>,
    /// The object's own ACL.
    pub acl: ObjectAcl,
    /// Stored `Cache-Control`.
    pub cache_control: Option<String>,
    /// Stored `Content-Disposition`.
    pub content_disposition: Option<String>,
    /// Stored `Content-Encoding`.
    pub content_encoding: Option<String>,
    /// Stored `Expires`.
    pub expires: Option<String>,
    /// The storage class.
    pub storage_class: StorageClass,
}

/// `x-oss-object-type` / `<Type>` of an object with this ETag: `Multipart` for one assembled by
/// CompleteMultipartUpload (its ETag ends in `-<parts>`), else `Normal`.
fn object_type_of(etag: &str) -> &'static str {
    if etag.trim_matches('"').contains('-') {
        "Multipart"
    } else {
        "Normal"
    }
}

impl ObjectInfo {
    /// `x-oss-object-type` / `<Type>`: `Multipart` for an object assembled by
    /// CompleteMultipartUpload (its ETag ends in `-<parts>`), else `Normal`.
    pub fn object_type(&self) -> &'static str {
        object_type_of(&self.etag)
    }

    /// The `Content-MD5` header value: base64 of the MD5, when it is known.
    pub fn content_md5(&self) -> Option<String> {
        use base64::Engine as _;
        self.md5.map(|m| base64::engine::general_purpose::STANDARD.encode(m))
    }

    /// The metadata a copy with `x-oss-metadata-directive: COPY` keeps (everything but the ACL,
    /// which the copy request sets; the storage class too, unless the request names one).
    pub fn to_meta(&self, acl: ObjectAcl) -> ObjectMeta {
        ObjectMeta {
            content_type: Some(self.content_type.clone()),
            content_md5_expected: None,
            user_meta: self.user_meta.clone(),
            acl,
            cache_control: self.cache_control.clone(),
            content_disposition: self.content_disposition.clone(),
            content_encoding: self.content_encoding.clone(),
            expires: self.expires.clone(),
            storage_class: self.storage_class,
        }
    }
}

/// `x-oss-metadata-directive` of CopyObject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataDirective {
    /// `COPY`: keep the source's metadata; the destination gets the given ACL.
    Copy {
        /// The destination object's ACL (`x-oss-object-acl` of the copy request).
        acl: ObjectAcl,
        /// `x-oss-storage-class` of the copy request; `None` keeps the source's.
        storage_class: Option<StorageClass>,
    },
    /// `REPLACE`: use this metadata instead.
    Replace(ObjectMeta),
}

/// The parameters of ListObjects (spec §10.6/§10.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Only keys starting with this.
    pub prefix: String,
    /// Group keys whose rest after the prefix contains this into common prefixes ("" = none).
    pub delimiter: String,
    /// Only keys (and common prefixes) strictly greater than this, in UTF-8 byte order.
    pub marker: String,
    /// At most this many entries (objects plus common prefixes).
    pub max_keys: usize,
}

impl Default for ListQuery {
    fn default() -> Self {
        // 100 is the OSS default of `max-keys` (spec §10.6).
        ListQuery {
            prefix: String::new(),
            delimiter: String::new(),
            marker: String::new(),
            max_keys: 100,
        }
    }
}

impl ListQuery {
    /// Rolls keys, in UTF-8 byte order, into one page (see [`Pager`]). Returns the page without
    /// its objects and the keys whose objects belong in it, in order.
    pub(super) fn roll_up(
        &self,
        sorted_keys: impl IntoIterator<Item = String>,
    ) -> (ListPage, Vec<String>) {
        let mut pager = Pager::new(self);
        for k in sorted_keys {
            if matches!(pager.offer(&k, || k.clone()), Offer::Full | Offer::Past) {
                break;
            }
        }
        pager.finish()
    }
}

/// What [`Pager::offer`] did with a key.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Offer {
    /// Not on the page (not after the marker, or before the prefix).
    Skipped,
    /// Rolled into this common prefix (taken now or already): every key under it may be skipped.
    Rolled(String),
    /// Taken as an object of the page.
    Taken,
    /// The page is full: stop.
    Full,
    /// Past every key of the prefix: stop.
    Past,
}

/// Builds one ListObjects page from keys offered in UTF-8 byte order: keys outside the prefix
/// or not after the marker are skipped; a key holding the delimiter after the prefix becomes its
/// common prefix (once; one equal to the marker is skipped, so a page that ended on a common
/// prefix is followed by the keys after it); at most `max_keys` entries. The one paging rule
/// of every listing (the index, the store's own LIST, a full scan).
pub(super) struct Pager<'q, T> {
    q: &'q ListQuery,
    page: ListPage,
    items: Vec<T>,
    /// The last entry taken, a key or a common prefix: the next page's marker.
    last: Option<String>,
}

impl<'q, T> Pager<'q, T> {
    pub(super) fn new(q: &'q ListQuery) -> Self {
        Pager { q, page: ListPage::default(), items: Vec::new(), last: None }
    }

    /// Offers the next key; `item` makes what the page keeps for it when it is taken.
    pub(super) fn offer(&mut self, key: &str, item: impl FnOnce() -> T) -> Offer {
        let (prefix, delimiter, marker) =
            (self.q.prefix.as_str(), self.q.delimiter.as_str(), self.q.marker.as_str());
        if key <= marker {
            return Offer::Skipped;
        }
        if !key.starts_with(prefix) {
            return if key > prefix { Offer::Past } else { Offer::Skipped };
        }
        let rolled = (!delimiter.is_empty())
            .then(|| key[prefix.len()..].find(delimiter))
            .flatten()
            .map(|i| key[..prefix.len() + i + delimiter.len()].to_string());
        if let Some(cp) = rolled.as_ref() {
            if cp == marker || self.page.common_prefixes.last() == Some(cp) {
                return Offer::Rolled(cp.clone());
            }
        }
        if self.items.len() + self.page.common_prefixes.len() == self.q.max_keys {
            self.page.is_truncated = true;
            self.page.next_marker = self.last.take();
            return Offer::Full;
        }
        match rolled {
            Some(cp) => {
                self.last = Some(cp.clone());
                self.page.common_prefixes.push(cp.clone());
                Offer::Rolled(cp)
            }
            None => {
                self.last = Some(key.to_string());
                self.items.push(item());
                Offer::Taken
            }
        }
    }

    /// The page (without objects) and the items taken, in order.
    pub(super) fn finish(self) -> (ListPage, Vec<T>) {
        (self.page, self.items)
    }
}

/// One object of a ListObjects page: what its `<Contents>` entry shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedObject {
    /// The object key.
    pub key: String,
    /// Body length in bytes.
    pub size: u64,
    /// The ETag, quoted, as [`ObjectInfo::etag`].
    pub etag: String,
    /// When the object was written (millisecond precision).
    pub last_modified: SystemTime,
    /// The storage class.
    pub storage_class: StorageClass,
}

impl ListedObject {
    /// `<Type>`: `Multipart` or `Normal`, as [`ObjectInfo::object_type`].
    pub fn object_type(&self) -> &'static str {
        object_type_of(&self.etag)
    }
}

impl From<ObjectInfo> for ListedObject {
    fn from(i: ObjectInfo) -> Self {
        ListedObject {
            key: i.key,
            size: i.size,
            etag: i.etag,
            last_modified: i.last_modified,
            storage_class: i.storage_class,
        }
    }
}

/// One page of ListObjects.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListPage {
    /// Objects, in UTF-8 byte order of their keys.
    pub objects: Vec<ListedObject>,
    /// Common prefixes, in byte order, each once.
    pub common_prefixes: Vec<String>,
    /// More entries follow.
    pub is_truncated: bool,
    /// When truncated: the last key or common prefix of this page, the next page's marker.
    pub next_marker: Option<String>,
}
