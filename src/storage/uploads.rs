//! The ordered registry of multipart uploads in progress, and ListMultipartUploads pages read
//! from it in time proportional to the page (plus the log of the bucket's uploads):
//!
//! - local store: the `uploads` table of the index (`index`), `(key, upload ID)` → initiation;
//! - S3 and memory: one marker object per upload under `.ossimg/upload-keys/<bucket>/`, named
//!   `<the key's flat name> <upload ID> <initiation ms, 16 hex digits>`. The key's name is the
//!   object naming of `layout` (bounded a little lower, for the folder and the tag), so the
//!   store's own ordered listing is `(key, upload ID)` order, a long key's markers in a group
//!   read and sorted as object groups are (the marker's body holds the key); a delimiter
//!   listing skips each common prefix with a seek, as ListObjects does (`list`).
//!
//! Initiation writes the upload's record (`upload.json`) before its registry entry, and removal
//! drops the entry before the record, so every upload listed has its record and a page needs no
//! read beyond the registry's. A crash between the two leaves a record without an entry: an
//! upload whose initiation never answered (nobody holds its ID) or that was being aborted or
//! completed — never listed; DeleteBucket, which reads the records, still sees it (`ossimg
//! migrate` enters such records on S3, so they can be listed and aborted).

use object_store::{ObjectStoreExt, PutPayload};
use std::collections::VecDeque;
use std::sync::Arc;

use super::index::LocalIndex;
use super::list::{Flat, StoreSource};
use super::multipart::{upload_record_path, UploadInfo};
use super::record;
use super::{backend, parse_path, Storage};
use crate::Result;

/// Where the upload markers of S3 and memory stores live.
pub(super) const MARKERS_DIR: &str = ".ossimg/upload-keys";
/// A marker name's tag: ` <32 hex digits> <16 hex digits>`.
pub(super) const MARKER_TAG_LEN: usize = 1 + 32 + 1 + 16;
/// Index entries read by the first range read after a seek, doubling up to the second.
const INDEX_BATCH: usize = 4;
const INDEX_BATCH_MAX: usize = 1024;

/// What a ListMultipartUploads request asks for: uploads of keys starting with `prefix`, after
/// `(key_marker, upload_id_marker)`, rolled up into common prefixes at `delimiter` (one equal
/// to the key marker skipped, as ListObjects skips it), at most `max` entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadQuery {
    /// Only keys starting with this.
    pub prefix: String,
    /// Rolls keys up into common prefixes at the first occurrence after the prefix (`""`: none).
    pub delimiter: String,
    /// Start after this key (after its uploads up to `upload_id_marker`, when that is set).
    pub key_marker: String,
    /// With `key_marker`: the uploads of that key after this ID are listed too.
    pub upload_id_marker: String,
    /// Most entries (uploads plus common prefixes) in the page.
    pub max: usize,
}

/// One entry of a ListMultipartUploads page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadListed {
    /// An upload in progress.
    Upload(UploadInfo),
    /// A common prefix standing for the uploads of every key under it.
    Prefix(String),
}

/// One ListMultipartUploads page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadsPage {
    /// Uploads and common prefixes, in key order.
    pub entries: Vec<UploadListed>,
    /// More entries follow.
    pub truncated: bool,
    /// Where the next page starts (empty unless truncated).
    pub next_key_marker: String,
    /// With `next_key_marker`: the upload ID to start after (empty after a common prefix).
    pub next_upload_id_marker: String,
}

/// One registry entry.
struct Item {
    key: String,
    id: String,
    initiated_ms: u64,
}

/// The marker name of an upload, after the key's name.
fn marker_tag(id: &str, initiated_ms: u64) -> String {
    format!(" {id} {initiated_ms:016x}")
}

/// Reads a marker tag back: `(upload ID, initiation ms)`.
fn parse_tag(tag: &str) -> Option<(String, u64)> {
    let (id, ms) = tag.strip_prefix(' ')?.split_once(' ')?;
    let hex = |s: &str, upper: bool| {
        s.bytes().all(|b| {
            b.is_ascii_digit()
                || if upper { (b'A'..=b'F').contains(&b) } else { (b'a'..=b'f').contains(&b) }
        })
    };
    if id.len() != 32 || ms.len() != 16 || !hex(id, true) || !hex(ms, false) {
        return None;
    }
    Some((id.to_string(), u64::from_str_radix(ms, 16).ok()?))
}

/// The uploads of one bucket in order, from the local index.
struct IndexUploads {
    ix: Arc<LocalIndex>,
    bucket: String,
    from: (Vec<u8>, String),
    inclusive: bool,
    buf: VecDeque<Item>,
    done: bool,
    batch: usize,
}

impl IndexUploads {
    fn seek(&mut self, key: &[u8]) {
        self.from = (key.to_vec(), String::new());
        self.inclusive = true;
        self.buf.clear();
        self.done = false;
        self.batch = INDEX_BATCH;
    }

    fn next(&mut self) -> Result<Option<Item>> {
        if self.buf.is_empty() && !self.done {
            let from = (self.from.0.as_slice(), self.from.1.as_str());
            let got = self.ix.scan_uploads(&self.bucket, from, self.inclusive, self.batch)?;
            self.done = got.len() < self.batch;
            self.batch = (self.batch * 2).min(INDEX_BATCH_MAX);
            if let Some((key, id, _)) = got.last() {
                self.from = (key.as_bytes().to_vec(), id.clone());
                self.inclusive = false;
            }
            self.buf.extend(got.into_iter().map(|(key, id, initiated_ms)| Item {
                key,
                id,
                initiated_ms,
            }));
        }
        Ok(self.buf.pop_front())
    }
}

/// Where a page's uploads come from.
enum Uploads<'a> {
    Index(IndexUploads),
    Markers(StoreSource<'a>),
}

impl Uploads<'_> {
    /// Positions the source at the first key `>= start`, or a little before it.
    fn start_at(&mut self, start: &str) -> Result<()> {
        match self {
            Uploads::Index(s) => {
                s.seek(start.as_bytes());
                Ok(())
            }
            Uploads::Markers(s) => s.start_at(start),
        }
    }

    async fn next(&mut self) -> Result<Option<Item>> {
        match self {
            Uploads::Index(s) => s.next(),
            Uploads::Markers(s) => loop {
                let Some(e) = s.next().await? else { return Ok(None) };
                if let Some((id, initiated_ms)) = parse_tag(&e.tag) {
                    return Ok(Some(Item { key: e.key, id, initiated_ms }));
                }
            },
        }
    }

    /// Leaves out the keys starting with `cp`.
    fn skip_past(&mut self, cp: &str) {
        match self {
            Uploads::Index(s) => {
                // 0xFF never occurs in UTF-8: above every key starting with `cp`.
                let mut after = cp.as_bytes().to_vec();
                after.push(0xFF);
                s.seek(&after);
            }
            Uploads::Markers(s) => s.skip_past(cp),
        }
    }
}

/// Builds one page from `src` by the ListMultipartUploads rules.
async fn build_page(src: &mut Uploads<'_>, q: &UploadQuery) -> Result<UploadsPage> {
    let (prefix, marker, id_marker) = (&q.prefix, &q.key_marker, &q.upload_id_marker);
    let mut page = UploadsPage::default();
    src.start_at(prefix.as_str().max(marker.as_str()))?;
    while let Some(it) = src.next().await? {
        if !it.key.starts_with(prefix.as_str()) {
            if it.key.as_str() > prefix.as_str() {
                break;
            }
            continue;
        }
        let after = marker.is_empty()
            || it.key.as_str() > marker.as_str()
            || (it.key == *marker && !id_marker.is_empty() && it.id.as_str() > id_marker.as_str());
        if !after {
            continue;
        }
        let group = (!q.delimiter.is_empty())
            .then(|| it.key[prefix.len()..].find(q.delimiter.as_str()))
            .flatten()
            .map(|i| it.key[..prefix.len() + i + q.delimiter.len()].to_string());
        if let Some(g) = &group {
            // A common prefix that is the marker (the last entry of the previous page), or the
            // entry just added, stands for these keys already.
            if g == marker {
                src.skip_past(g);
                continue;
            }
            if matches!(page.entries.last(), Some(UploadListed::Prefix(last)) if last == g) {
                continue;
            }
        }
        if page.entries.len() >= q.max {
            page.truncated = true;
            break;
        }
        match group {
            Some(g) => {
                src.skip_past(&g);
                page.entries.push(UploadListed::Prefix(g));
            }
            None => {
                page.entries.push(UploadListed::Upload(UploadInfo {
                    key: it.key,
                    upload_id: it.id,
                    initiated: record::from_ms(it.initiated_ms),
                }));
            }
        }
    }
    if page.truncated {
        match page.entries.last() {
            Some(UploadListed::Upload(u)) => {
                page.next_key_marker = u.key.clone();
                page.next_upload_id_marker = u.upload_id.clone();
            }
            Some(UploadListed::Prefix(p)) => page.next_key_marker = p.clone(),
            None => {}
        }
    }
    Ok(page)
}

impl Storage {
    /// The marker path of an upload (S3 and memory stores).
    fn marker_path(
        &self,
        bucket: &str,
        key: &str,
        id: &str,
        initiated_ms: u64,
    ) -> Result<Option<object_store::path::Path>> {
        let Some(names) = self.inner.names else { return Ok(None) };
        let names = names.reserving(MARKERS_DIR.len() + 1 + MARKER_TAG_LEN);
        let name = names.name(key) + &marker_tag(id, initiated_ms);
        parse_path(&format!("{MARKERS_DIR}/{bucket}/{name}")).map(Some)
    }

    /// Enters a new upload in the registry (once its record is written).
    pub(super) async fn register_upload(
        &self,
        bucket: &str,
        key: &str,
        id: &str,
        initiated_ms: u64,
    ) -> Result<()> {
        if let Some(ix) = &self.inner.index {
            return ix.add_upload(bucket, key, id, initiated_ms).await;
        }
        if let Some(path) = self.marker_path(bucket, key, id, initiated_ms)? {
            let body = PutPayload::from(key.as_bytes().to_vec());
            self.store().put(&path, body).await.map_err(backend)?;
        }
        Ok(())
    }

    /// Drops an upload from the registry (before its record is removed).
    pub(super) async fn unregister_upload(
        &self,
        bucket: &str,
        key: &str,
        id: &str,
        initiated_ms: u64,
    ) -> Result<()> {
        if let Some(ix) = &self.inner.index {
            return ix.remove_upload(bucket, key, id).await;
        }
        if let Some(path) = self.marker_path(bucket, key, id, initiated_ms)? {
            match self.store().delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(backend(e)),
            }
        }
        Ok(())
    }

    /// Enters the uploads of `bucket` that an ossimg from before the registry began (their
    /// record without a marker) in the registry of an S3 or memory store; returns how many.
    /// Idempotent, and safe while serving (a marker is added for a record that exists, and
    /// taken back if the upload ended meanwhile). `ossimg migrate` runs it.
    pub(super) async fn register_existing_uploads(&self, bucket: &str) -> Result<usize> {
        if self.inner.index.is_some() || self.inner.names.is_none() {
            return Ok(0);
        }
        let dir = parse_path(&format!("{}/{bucket}", super::multipart::UPLOADS_DIR))?;
        let listing = self.store().list_with_delimiter(Some(&dir)).await.map_err(backend)?;
        let mut added = 0;
        for p in listing.common_prefixes {
            let Some(id) = p.filename().filter(|f| super::multipart::valid_upload_id(f)) else {
                continue;
            };
            let id = id.to_string();
            let json = match self.store().get(&upload_record_path(bucket, &id)?).await {
                Ok(r) => r.bytes().await.map_err(backend)?,
                Err(object_store::Error::NotFound { .. }) => continue,
                Err(e) => return Err(backend(e)),
            };
            let Some((key, ms)) = super::multipart::record_head(&json) else { continue };
            let Some(marker) = self.marker_path(bucket, &key, &id, ms)? else { continue };
            match self.store().head(&marker).await {
                Ok(_) => continue,
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(backend(e)),
            }
            self.register_upload(bucket, &key, &id, ms).await?;
            match self.store().head(&upload_record_path(bucket, &id)?).await {
                Ok(_) => added += 1,
                Err(object_store::Error::NotFound { .. }) => {
                    self.unregister_upload(bucket, &key, &id, ms).await?;
                }
                Err(e) => return Err(backend(e)),
            }
        }
        Ok(added)
    }

    /// ListMultipartUploads: one page of the uploads in progress in `bucket`, in key then upload
    /// ID order, by the rules of [`UploadQuery`].
    pub async fn list_uploads(&self, bucket: &str, q: &UploadQuery) -> Result<UploadsPage> {
        self.require_bucket(bucket).await?;
        let mut src = match (&self.inner.index, self.inner.names) {
            (Some(ix), _) => Uploads::Index(IndexUploads {
                ix: Arc::clone(ix),
                bucket: bucket.to_string(),
                from: (Vec::new(), String::new()),
                inclusive: true,
                buf: VecDeque::new(),
                done: false,
                batch: INDEX_BATCH,
            }),
            (None, Some(names)) => {
                let names = names.reserving(MARKERS_DIR.len() + 1 + MARKER_TAG_LEN);
                let root = format!("{MARKERS_DIR}/{bucket}");
                let source = StoreSource::new(self, root, Flat::UploadMarkers, names);
                // The page, the uploads at the marker and one more, as ListObjects asks.
                Uploads::Markers(source.first_request(q.max.saturating_add(2)))
            }
            (None, None) => return Err(super::internal("no ordered store for uploads")),
        };
        build_page(&mut src, q).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_tags_round_trip_and_reject_garbage() {
        let id = "0004B9894A22E5B1888A1E29F8236E2D";
        let tag = marker_tag(id, 1_764_000_000_123);
        assert_eq!(tag.len(), MARKER_TAG_LEN);
        assert_eq!(parse_tag(&tag), Some((id.to_string(), 1_764_000_000_123)));
        assert_eq!(parse_tag(&tag.to_lowercase()), None);
        assert_eq!(parse_tag(&tag[1..]), None);
        assert_eq!(parse_tag(" x 0"), None);
    }

    #[test]
    fn marker_names_sort_by_key_then_id() {
        let names = crate::storage::layout::Names::new("")
            .reserving(MARKERS_DIR.len() + 1 + MARKER_TAG_LEN);
        let (a, b) = ("0000000000000000000000000000000A", "0000000000000000000000000000000B");
        let keys = ["a", "a\u{0}", "a b", "a/", "a/b", "ab", "b", "\u{7f}", "é"];
        let mut expected = Vec::new();
        for k in keys {
            expected.push((k, a));
            expected.push((k, b));
        }
        let mut by_name = expected.clone();
        by_name.sort_by_key(|(k, id)| names.name(k) + &marker_tag(id, 99));
        let mut by_key = expected;
        by_key.sort();
        assert_eq!(by_name, by_key);
    }
}
