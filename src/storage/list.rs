//! ListObjects in time proportional to the page: the keys of a bucket come, in UTF-8 byte
//! order, from a source that can start at any key — the local index (`index`), or the backing
//! store's own ordered listing of the bucket's flat names (`layout`, S3 `start-after`) — and the
//! page builder takes them from `max(prefix, marker)` on, stopping at the end of the prefix and
//! jumping over each common prefix instead of reading its keys.
//!
//! The one exception: an S3 bucket created by an ossimg before the flat layout
//! ([`BucketConfig::layout`] `0`) may still hold objects under the old per-segment names, whose
//! store order is not key order; its listings read every name, as before.
//!
//! [`BucketConfig::layout`]: super::BucketConfig::layout

use futures_util::TryStreamExt;
use object_store::ObjectStoreExt;
use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::Arc;

use super::cards::Wanted;
use super::index::LocalIndex;
use super::layout::{Decoded, Names};
use super::pages::{Listing, REQUEST_MAX};
use super::record::Record;
use super::types::{ListPage, ListQuery, ListedObject, ObjectInfo, Offer, Pager};
use super::{backend, keys, parse_path, Opened, Storage, LIST_CONCURRENCY};

/// What listings showed of objects, kept in memory by store path and backend ETag (so an entry
/// is never stale: a rewritten object has another ETag), up to about [`CACHE_BYTES`].
#[derive(Default)]
pub(super) struct InfoCache {
    gens: std::sync::Mutex<CacheGens>,
}

#[derive(Default)]
struct CacheGens {
    young: std::collections::HashMap<(String, String), ListedObject>,
    old: std::collections::HashMap<(String, String), ListedObject>,
    young_bytes: usize,
}

/// Bytes of listed-object info the cache holds, at most (two generations of half of it).
const CACHE_BYTES: usize = 64 << 20;

/// About what one cached entry costs in memory.
fn info_bytes(path: &object_store::path::Path, info: &ListedObject) -> usize {
    2 * path.as_ref().len() + info.key.len() + 200
}

impl InfoCache {
    fn get(&self, path: &object_store::path::Path, tag: &str) -> Option<ListedObject> {
        let mut g = self.gens.lock().unwrap_or_else(|p| p.into_inner());
        let k = (path.as_ref().to_string(), tag.to_string());
        if let Some(i) = g.young.get(&k) {
            return Some(i.clone());
        }
        let info = g.old.remove(&k)?;
        g.young_bytes += info_bytes(path, &info);
        g.young.insert(k, info.clone());
        Some(info)
    }

    fn put(&self, path: &object_store::path::Path, tag: &str, info: &ListedObject) {
        let mut g = self.gens.lock().unwrap_or_else(|p| p.into_inner());
        g.young_bytes += info_bytes(path, info);
        g.young.insert((path.as_ref().to_string(), tag.to_string()), info.clone());
        if g.young_bytes > CACHE_BYTES / 2 {
            g.old = std::mem::take(&mut g.young);
            g.young_bytes = 0;
        }
    }
}
use crate::Result;

/// Index entries read by the first range read after a seek, doubling with each further read up
/// to [`INDEX_BATCH_MAX`]: a jump over a common prefix usually needs one entry, a page many.
const INDEX_BATCH: usize = 4;
const INDEX_BATCH_MAX: usize = 2048;
/// Keys of one common prefix walked over in the store's listing before the listing restarts
/// after the prefix: a restart is one more LIST request, walking is free while the keys are
/// in the page of names already fetched.
const WALK_BEFORE_SEEK: usize = 64;

/// A key from a source, with what the source knows of its object.
pub(super) struct Entry {
    pub(super) key: String,
    /// What the store name carries after the key's name (upload markers: ` <id> <ms>`); empty
    /// for objects.
    pub(super) tag: String,
    pub(super) known: Known,
}

/// What a source knows of an entry's object.
pub(super) enum Known {
    /// Its info (a record read already).
    Info(Box<ObjectInfo>),
    /// Its record's JSON, from the local index (parsed only if the entry makes the page).
    Record(Vec<u8>),
    /// Its store path and the backend ETag of the version listed (the trailer is read, or
    /// found in the info cache under that version).
    Blob(object_store::path::Path, Option<String>),
}

/// The keys of one bucket in order, from the local index.
struct IndexSource {
    ix: Arc<LocalIndex>,
    bucket: String,
    from: Option<Vec<u8>>,
    inclusive: bool,
    buf: VecDeque<Entry>,
    done: bool,
    batch: usize,
}

impl IndexSource {
    fn seek(&mut self, from: &[u8], inclusive: bool) {
        self.from = Some(from.to_vec());
        self.inclusive = inclusive;
        self.buf.clear();
        self.done = false;
        self.batch = INDEX_BATCH;
    }

    fn next(&mut self) -> Result<Option<Entry>> {
        if self.buf.is_empty() && !self.done {
            let from = match &self.from {
                None => Bound::Unbounded,
                Some(f) if self.inclusive => Bound::Included(f.as_slice()),
                Some(f) => Bound::Excluded(f.as_slice()),
            };
            let got = self.ix.scan(&self.bucket, from, self.batch)?;
            self.done = got.len() < self.batch;
            self.batch = (self.batch * 2).min(INDEX_BATCH_MAX);
            if let Some((last, _)) = got.last() {
                self.from = Some(last.as_bytes().to_vec());
                self.inclusive = false;
            }
            for (key, json) in got {
                self.buf.push_back(Entry { key, tag: String::new(), known: Known::Record(json) });
            }
        }
        Ok(self.buf.pop_front())
    }
}

/// What a flat-named store listing holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flat {
    /// A bucket's objects: `<bucket>/<name>`, a long key's in the object's record.
    Objects,
    /// Upload markers (`uploads`): `<name><tag>`, the tag [`Flat::tag_len`] bytes, a long
    /// key's in the marker's body.
    UploadMarkers,
}

impl Flat {
    /// Bytes of a store name after the key's name.
    pub(super) fn tag_len(self) -> usize {
        match self {
            Flat::Objects => 0,
            Flat::UploadMarkers => super::uploads::MARKER_TAG_LEN,
        }
    }
}

/// The keys under one store folder in order, from the backing store's listing of its flat
/// names: a bucket's objects, or a bucket's upload markers.
pub(super) struct StoreSource<'a> {
    s: &'a Storage,
    /// The folder listed (`<bucket>` for objects).
    root: String,
    kind: Flat,
    names: Names,
    listing: Option<Listing>,
    /// Names the first LIST request after the next seek asks for (S3).
    first: usize,
    /// A name read ahead while collecting a group.
    ahead: Option<object_store::ObjectMeta>,
    buf: VecDeque<Entry>,
    /// A common prefix being walked over, and how many of its keys were walked.
    walking: Option<(String, usize)>,
}

impl<'a> StoreSource<'a> {
    /// A source over the flat names under `root`, named by `names`.
    pub(super) fn new(s: &'a Storage, root: String, kind: Flat, names: Names) -> Self {
        StoreSource {
            s,
            root,
            kind,
            names,
            listing: None,
            first: REQUEST_MAX,
            ahead: None,
            buf: VecDeque::new(),
            walking: None,
        }
    }

    /// Asks the first LIST request for `n` names (a page's worth, and a little more): the
    /// default is a full request.
    pub(super) fn first_request(mut self, n: usize) -> Self {
        self.first = n;
        self
    }

    fn seek(&mut self, offset: Option<String>) -> Result<()> {
        self.listing = Some(Listing::new(self.s, &self.root, offset.as_deref(), self.first)?);
        // After a jump over a common prefix: the names walked before the next jump, and one.
        self.first = WALK_BEFORE_SEEK + 1;
        self.ahead = None;
        self.buf.clear();
        Ok(())
    }

    /// The next name of the bucket in store order (the name alone; `None` at the end).
    async fn pull(&mut self) -> Result<Option<(String, object_store::ObjectMeta)>> {
        loop {
            let m = match self.ahead.take() {
                Some(m) => m,
                None => match self.listing.as_mut() {
                    Some(l) => match l.next().await? {
                        Some(m) => m,
                        None => return Ok(None),
                    },
                    None => return Ok(None),
                },
            };
            let rest = m.location.as_ref().strip_prefix(self.root.as_str());
            let Some(name) = rest.and_then(|r| r.strip_prefix('/')) else { continue };
            if name.contains('/') {
                continue; // a name of the earlier layout, listed by the legacy path only
            }
            return Ok(Some((name.to_string(), m)));
        }
    }

    /// The next entry, in key order (then tag order).
    pub(super) async fn next(&mut self) -> Result<Option<Entry>> {
        loop {
            let e = match self.next_key().await? {
                Some(e) => e,
                None => return Ok(None),
            };
            let Some((cp, walked)) = &mut self.walking else { return Ok(Some(e)) };
            if !e.key.starts_with(cp.as_str()) {
                self.walking = None;
                return Ok(Some(e));
            }
            *walked += 1;
            if *walked >= WALK_BEFORE_SEEK {
                if let Some(off) = self.names.after_all_with(cp) {
                    self.walking = None;
                    self.seek(Some(off))?;
                }
            }
        }
    }

    async fn next_key(&mut self) -> Result<Option<Entry>> {
        loop {
            if let Some(e) = self.buf.pop_front() {
                return Ok(Some(e));
            }
            let Some((name, m)) = self.pull().await? else { return Ok(None) };
            let Some((stem, tag)) = self.split(&name) else { continue };
            let g = self.names.group_len();
            if stem.len() < g {
                if let Decoded::Key(key) = self.names.decode(stem) {
                    let tag = tag.to_string();
                    return Ok(Some(Entry { key, tag, known: Known::Blob(m.location, m.e_tag) }));
                }
                continue;
            }
            // A group: every name sharing the first `g` bytes, sorted by key (then tag).
            let head = stem[..g].to_string();
            let mut group = vec![(name, m)];
            while let Some((n, m)) = self.pull().await? {
                if n.as_bytes().starts_with(head.as_bytes()) {
                    group.push((n, m));
                } else {
                    self.ahead = Some(m);
                    break;
                }
            }
            let mut entries = Vec::with_capacity(group.len());
            for (n, m) in group {
                let Some((stem, tag)) = self.split(&n) else { continue };
                let tag = tag.to_string();
                match self.names.decode(stem) {
                    Decoded::Key(key) => {
                        entries.push(Entry { key, tag, known: Known::Blob(m.location, m.e_tag) })
                    }
                    Decoded::Hashed => {
                        // The key is in the record (the marker's body); the name must be the
                        // key's own.
                        let Some((key, known)) = Self::hashed(self.s, self.kind, m).await? else {
                            continue;
                        };
                        if self.names.name(&key) == stem {
                            entries.push(Entry { key, tag, known });
                        }
                    }
                    Decoded::Foreign => {}
                }
            }
            entries.sort_by(|a, b| (&a.key, &a.tag).cmp(&(&b.key, &b.tag)));
            self.buf.extend(entries);
        }
    }
}

impl StoreSource<'_> {
    /// A store name's key name and tag; `None` when it is too short to hold the tag.
    fn split<'n>(&self, name: &'n str) -> Option<(&'n str, &'n str)> {
        let cut = name.len().checked_sub(self.kind.tag_len())?;
        name.is_char_boundary(cut).then(|| name.split_at(cut))
    }

    /// The key of a long-key entry and what is known of it, read from the store (`None`: gone,
    /// or not ours). (Not a method: the source, holding a stream, is not `Sync`.)
    async fn hashed(
        s: &Storage,
        kind: Flat,
        m: object_store::ObjectMeta,
    ) -> Result<Option<(String, Known)>> {
        match kind {
            Flat::Objects => Ok(s.open_unchecked(&m.location).await?.map(|o| {
                let key = o.info.key.clone();
                (key, Known::Info(Box::new(o.info)))
            })),
            Flat::UploadMarkers => {
                let body = match s.inner.store.get(&m.location).await {
                    Ok(r) => r.bytes().await.map_err(backend)?,
                    Err(object_store::Error::NotFound { .. }) => return Ok(None),
                    Err(e) => return Err(backend(e)),
                };
                Ok(String::from_utf8(body.to_vec())
                    .ok()
                    .map(|key| (key, Known::Blob(m.location, m.e_tag))))
            }
        }
    }

    /// Positions the source at the first key `>= start`, or a little before it.
    pub(super) fn start_at(&mut self, start: &str) -> Result<()> {
        let off = self.names.start_before(start);
        self.seek(off)
    }

    /// Leaves out the keys starting with `cp` (walked over while few, else skipped by a seek).
    pub(super) fn skip_past(&mut self, cp: &str) {
        self.walking = Some((cp.to_string(), 0));
    }
}

/// Where the keys come from.
enum Source<'a> {
    Index(IndexSource),
    Store(StoreSource<'a>),
}

impl Source<'_> {
    /// Positions the source at the first key `>= start`, or a little before it.
    fn start_at(&mut self, start: &str) -> Result<()> {
        match self {
            Source::Index(s) => {
                s.seek(start.as_bytes(), true);
                Ok(())
            }
            Source::Store(s) => s.start_at(start),
        }
    }

    async fn next(&mut self) -> Result<Option<Entry>> {
        match self {
            Source::Index(s) => s.next(),
            Source::Store(s) => s.next().await,
        }
    }

    /// Leaves out the keys starting with `cp` (the rest of a common prefix).
    fn skip_past(&mut self, cp: &str) {
        match self {
            Source::Index(s) => {
                // 0xFF never occurs in UTF-8: above every key starting with `cp`.
                let mut after = cp.as_bytes().to_vec();
                after.push(0xFF);
                s.seek(&after, true);
            }
            Source::Store(s) => s.skip_past(cp),
        }
    }
}

/// Builds one page from `src`: see [`ListQuery`] for the rules. Entries without info are
/// returned for the caller to open.
async fn build_page(src: &mut Source<'_>, q: &ListQuery) -> Result<(ListPage, Vec<Entry>)> {
    let mut pager = Pager::new(q);
    src.start_at(q.prefix.as_str().max(q.marker.as_str()))?;
    while let Some(e) = src.next().await? {
        let key = e.key.clone();
        match pager.offer(&key, || e) {
            Offer::Rolled(cp) => src.skip_past(&cp),
            Offer::Full | Offer::Past => break,
            Offer::Skipped | Offer::Taken => {}
        }
    }
    Ok(pager.finish())
}

impl Storage {
    /// ListObjects: keys of `bucket` starting with `q.prefix` and greater than `q.marker`, in
    /// UTF-8 byte order, rolled up into common prefixes at `q.delimiter`, at most `q.max_keys`
    /// entries. A common prefix equal to the marker is skipped, so a page that ended on a common
    /// prefix is followed by the keys after it.
    pub async fn list_objects(&self, bucket: &str, q: &ListQuery) -> Result<ListPage> {
        if let Some(m) = self.inner.mounts.get(bucket) {
            return m.list(q).await;
        }
        let legacy = self.legacy_bucket(bucket).await?;
        if legacy {
            return self.list_full_scan(bucket, q).await;
        }
        let mut src = match (&self.inner.index, &self.inner.names) {
            (Some(ix), _) => Source::Index(IndexSource {
                ix: Arc::clone(ix),
                bucket: bucket.to_string(),
                from: None,
                inclusive: true,
                buf: VecDeque::new(),
                done: false,
                batch: INDEX_BATCH,
            }),
            (None, Some(names)) => Source::Store(
                // The page, the marker (listed again from just before it) and one more name,
                // which tells whether the page is the last.
                StoreSource::new(self, bucket.to_string(), Flat::Objects, *names)
                    .first_request(q.max_keys.saturating_add(2)),
            ),
            (None, None) => return self.list_full_scan(bucket, q).await,
        };
        // The cards of the page's objects are listed while their names are (`cards`).
        let start = q.prefix.as_str().max(q.marker.as_str());
        let has_cards = matches!(src, Source::Store(_));
        let prefetch = async {
            match has_cards {
                true => self.prefetch_cards(bucket, start, q.max_keys.saturating_add(2)).await,
                false => None,
            }
        };
        let (built, cards) = futures_util::join!(build_page(&mut src, q), prefetch);
        let (mut page, entries) = built?;
        let mut listed: Vec<Option<ListedObject>> = Vec::with_capacity(entries.len());
        // Objects known by their store name and version only: (position, path, version, key).
        let mut blobs = Vec::new();
        for (i, e) in entries.into_iter().enumerate() {
            listed.push(match e.known {
                Known::Info(info) => Some((*info).into()),
                Known::Record(json) => Some(Record::from_json(&json)?.info()?.into()),
                Known::Blob(path, tag) => {
                    match tag.as_deref().and_then(|t| self.inner.info_cache.get(&path, t)) {
                        Some(info) => Some(info),
                        None => {
                            blobs.push((i, path, tag, e.key));
                            None
                        }
                    }
                }
            });
        }
        // Their cards, where the card is of the version listed (remembered like trailers read).
        {
            let carded: Vec<(usize, Wanted<'_>)> = blobs
                .iter()
                .enumerate()
                .filter_map(|(b, (_, path, tag, key))| {
                    let name = path.filename().filter(|n| !n.contains(' '))?;
                    Some((b, Wanted { name, blob_etag: tag.as_deref()?, key }))
                })
                .collect();
            let wanted: Vec<&Wanted<'_>> = carded.iter().map(|(_, w)| w).collect();
            let found = self.read_cards(bucket, cards, &wanted).await?;
            for ((b, w), card) in carded.iter().zip(found) {
                if let Some(c) = card {
                    self.inner.info_cache.put(&blobs[*b].1, w.blob_etag, &c);
                    listed[blobs[*b].0] = Some(c);
                }
            }
        }
        // The rest: their trailers (one GET each, many at once), and the cards they lacked.
        let to_read: Vec<_> = blobs.into_iter().filter(|(i, ..)| listed[*i].is_none()).collect();
        for chunk in to_read.chunks(LIST_CONCURRENCY) {
            let reads = chunk.iter().map(|(_, path, _, key)| async move {
                match self.open(path, key).await? {
                    Some(o) => Ok(Some(o)),
                    // An object of the earlier layout (or one moved meanwhile).
                    None => self.open_object(bucket, key).await,
                }
            });
            let read: Vec<Result<Option<Opened>>> = futures_util::future::join_all(reads).await;
            for ((i, path, _, _), o) in chunk.iter().zip(read) {
                if let Some(o) = o? {
                    let info = ListedObject::from(o.info);
                    if let Some(tag) = &o.e_tag {
                        self.inner.info_cache.put(path, tag, &info);
                        if o.path == *path {
                            self.card_written(bucket, &info, Some(tag)).await;
                        }
                    }
                    listed[*i] = Some(info);
                }
            }
        }
        // An object deleted since its name was read is left out.
        page.objects.extend(listed.into_iter().flatten());
        Ok(page)
    }

    /// ListObjects by reading every name of the bucket (both layouts) and sorting them: the
    /// listing of an S3 bucket that may hold objects of the earlier layout.
    async fn list_full_scan(&self, bucket: &str, q: &ListQuery) -> Result<ListPage> {
        let dir = parse_path(bucket)?;
        let metas: Vec<object_store::ObjectMeta> =
            self.store().list(Some(&dir)).try_collect().await.map_err(backend)?;
        let mut found: Vec<String> = Vec::with_capacity(metas.len());
        for m in &metas {
            let parts: Vec<_> = m.location.parts().collect();
            if parts.first().map(|p| p.as_ref()) != Some(bucket) {
                continue;
            }
            let rest = &parts[1..];
            if let Some(k) = keys::decode_key(rest.iter().map(|p| p.as_ref())) {
                found.push(k);
                continue;
            }
            if let (Some(names), [name]) = (&self.inner.names, rest) {
                match names.decode(name.as_ref()) {
                    Decoded::Key(k) => found.push(k),
                    Decoded::Hashed => {
                        if let Some(o) = self.open_unchecked(&m.location).await? {
                            found.push(o.info.key);
                        }
                    }
                    Decoded::Foreign => {}
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        let (mut page, to_open) = q.roll_up(found);
        for chunk in to_open.chunks(LIST_CONCURRENCY) {
            let reads = chunk.iter().map(|k| async move { self.open_object(bucket, k).await });
            for o in futures_util::future::join_all(reads).await {
                // An object deleted since the names were read is left out.
                if let Some(o) = o? {
                    page.objects.push(o.info.into());
                }
            }
        }
        Ok(page)
    }
}
