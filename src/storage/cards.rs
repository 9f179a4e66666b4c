//! Listing cards (S3 and memory stores): what a ListObjects page shows of an object — ETag,
//! size, `Last-Modified`, storage class — kept in the *name* of an empty marker object, so a page
//! reads its objects' names and their cards with two ordered LISTs instead of one GET of each
//! object's trailer.
//!
//! - A card is `.ossimg/list-cards/<bucket>/<name><tag>`: `name` the object's flat name
//!   (`layout`, the same escape, so cards sort in key order like the objects), `tag` a space
//!   and the fixed-width fields of [`Card`]. Long keys, whose names are hashed, get no card.
//! - A card is a hint, never the truth: it carries the *version* of the stored blob it describes
//!   (a digest of the blob's backend ETag), and a listing uses it only for the blob it listed
//!   under that same ETag. A missing or stale card costs the trailer read a listing did before.
//! - Cards are written after the object (put, copy, ACL change, multipart completion), and
//!   removed after a delete, in the background: at most [`BACKGROUND_MAX`] tasks at once (past
//!   that a write's card is left out, and a delete waits for a slot), so writes answer as fast
//!   as without them. A listing that had to read a trailer writes the card it lacked, so
//!   objects written before cards existed get theirs on the first listing. The writer of a card
//!   removes the key's other cards (one small LIST from the key's name); a delete removes them
//!   all; DeleteBucket the folder.

use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};
use sha2::Digest as _;
use std::sync::Arc;

use super::layout::Names;
use super::pages::{Listing, REQUEST_MAX};
use super::record::{from_ms, to_ms};
use super::types::{ListedObject, StorageClass};
use super::{backend, parse_path, Storage};
use crate::Result;

/// Where the cards live.
pub(super) const CARDS_DIR: &str = ".ossimg/list-cards";
/// A card's tag: ` <version 16> <MD5 32> <parts 4> <size 16> <ms 12> <class 1>` (hex digits).
const TAG_LEN: usize = 1 + 16 + 1 + 32 + 1 + 4 + 1 + 16 + 1 + 12 + 1 + 1;
/// Background card tasks in flight at once, at most.
pub(super) const BACKGROUND_MAX: u32 = 256;
/// Cards of other keys walked over while looking for the next wanted one before the listing
/// restarts at it (a restart is one more LIST request).
const WALK_BEFORE_SEEK: usize = 64;
/// Storage classes by their digit in a tag.
const CLASSES: [StorageClass; 5] = [
    StorageClass::Standard,
    StorageClass::InfrequentAccess,
    StorageClass::Archive,
    StorageClass::ColdArchive,
    StorageClass::DeepColdArchive,
];

/// The version a card names: the first 8 bytes of the SHA-256 of the blob's backend ETag, hex.
pub(super) fn version_of(blob_etag: &str) -> String {
    let d = sha2::Sha256::digest(blob_etag.as_bytes());
    d[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// What a card says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Card {
    version: String,
    md5_hex: String,
    /// Parts of a multipart ETag (`0`: the ETag is the MD5).
    parts: u16,
    size: u64,
    mtime_ms: u64,
    class: StorageClass,
}

impl Card {
    /// The card of `o` as the blob of `blob_etag`; `None` when its fields do not fit a tag.
    fn of(o: &ListedObject, blob_etag: &str) -> Option<Card> {
        let e = o.etag.strip_prefix('"')?.strip_suffix('"')?;
        let (md5_hex, parts) = match e.split_once('-') {
            Some((h, n)) => (h, n.parse::<u16>().ok().filter(|n| *n > 0)?),
            None => (e, 0),
        };
        let hex = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b));
        let mtime_ms = to_ms(o.last_modified);
        if md5_hex.len() != 32 || !hex(md5_hex) || mtime_ms >= 1 << 48 {
            return None;
        }
        let card = Card {
            version: version_of(blob_etag),
            md5_hex: md5_hex.to_string(),
            parts,
            size: o.size,
            mtime_ms,
            class: o.storage_class,
        };
        // Only what reads back as the same ETag (a canonical one).
        (card.etag() == o.etag).then_some(card)
    }

    fn etag(&self) -> String {
        match self.parts {
            0 => format!("\"{}\"", self.md5_hex),
            n => format!("\"{}-{n}\"", self.md5_hex),
        }
    }

    fn tag(&self) -> String {
        let class = CLASSES.iter().position(|c| *c == self.class).unwrap_or(0);
        format!(
            " {} {} {:04x} {:016x} {:012x} {class}",
            self.version, self.md5_hex, self.parts, self.size, self.mtime_ms
        )
    }

    fn parse(tag: &str) -> Option<Card> {
        let f: Vec<&str> = tag.strip_prefix(' ')?.split(' ').collect();
        let [version, md5_hex, parts, size, ms, class] = f[..] else { return None };
        let lower = |s: &str, n: usize| {
            s.len() == n && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        let upper = md5_hex.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b));
        if !(lower(version, 16) && md5_hex.len() == 32 && upper)
            || !(lower(parts, 4) && lower(size, 16) && lower(ms, 12) && class.len() == 1)
        {
            return None;
        }
        Some(Card {
            version: version.to_string(),
            md5_hex: md5_hex.to_string(),
            parts: u16::from_str_radix(parts, 16).ok()?,
            size: u64::from_str_radix(size, 16).ok()?,
            mtime_ms: u64::from_str_radix(ms, 16).ok()?,
            class: *CLASSES.get(class.parse::<usize>().ok()?)?,
        })
    }

    fn listed(&self, key: String) -> ListedObject {
        ListedObject {
            key,
            size: self.size,
            etag: self.etag(),
            last_modified: from_ms(self.mtime_ms),
            storage_class: self.class,
        }
    }
}

/// A card's store name split into the object's name and the tag.
fn split(name: &str) -> Option<(&str, &str)> {
    let cut = name.len().checked_sub(TAG_LEN)?;
    name.is_char_boundary(cut).then(|| name.split_at(cut))
}

/// A listed object a page wants the card of.
pub(super) struct Wanted<'a> {
    /// Its flat name (the card's stem).
    pub(super) name: &'a str,
    /// The backend ETag of the blob listed.
    pub(super) blob_etag: &'a str,
    /// Its key.
    pub(super) key: &'a str,
}

impl Storage {
    /// The naming of cards: object names bounded a little lower for the folder and the tag;
    /// `None` on the local store (its index holds the records).
    fn card_names(&self) -> Option<Names> {
        if self.inner.index.is_some() {
            return None;
        }
        Some(self.inner.names?.reserving(CARDS_DIR.len() + 1 + TAG_LEN))
    }

    /// The object name of `key` that its cards start with, when it has cards at all.
    fn card_stem(&self, key: &str) -> Option<String> {
        let name = self.card_names()?.name(key);
        // A hashed name (a long key) holds a space: no card.
        (!name.contains(' ')).then_some(name)
    }

    /// Records, in the background, the card of `o` as now stored in the blob of `blob_etag`, and
    /// removes the key's other cards.
    pub(super) async fn card_written(
        &self,
        bucket: &str,
        o: &ListedObject,
        blob_etag: Option<&str>,
    ) {
        let (Some(stem), Some(tag)) = (self.card_stem(&o.key), blob_etag) else { return };
        let Some(card) = Card::of(o, tag) else { return };
        let Ok(path) = parse_path(&format!("{CARDS_DIR}/{bucket}/{stem}{}", card.tag())) else {
            return;
        };
        let bucket = bucket.to_string();
        let task = move |s: Storage| async move {
            s.store().put(&path, PutPayload::new()).await.map_err(backend)?;
            s.drop_cards(&bucket, &stem, Some(&path)).await
        };
        // Under load a card is left out (the first listing that misses it writes it).
        self.background(false, task).await;
    }

    /// Removes, in the background, every card of `key` (after a delete). Waits for a free task
    /// slot: a card left behind is never listed, but listings walk over it until DeleteBucket.
    pub(super) async fn card_deleted(&self, bucket: &str, key: &str) {
        let Some(stem) = self.card_stem(key) else { return };
        let bucket = bucket.to_string();
        let task = move |s: Storage| async move { s.drop_cards(&bucket, &stem, None).await };
        self.background(true, task).await;
    }

    /// Runs `task` on this storage in the background, once fewer than [`BACKGROUND_MAX`] run
    /// (`wait`), or only if fewer run now. Its failure is dropped: a card is only a hint.
    async fn background<F>(&self, wait: bool, task: impl FnOnce(Storage) -> F + Send + 'static)
    where
        F: std::future::Future<Output = Result<()>> + Send + 'static,
    {
        let Ok(rt) = tokio::runtime::Handle::try_current() else { return };
        let sem = Arc::clone(&self.inner.background);
        let permit = match wait {
            true => sem.acquire_owned().await.ok(),
            false => sem.try_acquire_owned().ok(),
        };
        let Some(permit) = permit else { return };
        let s = self.clone();
        rt.spawn(async move {
            let _ = task(s).await;
            drop(permit);
        });
    }

    /// Waits until the background card work started so far has finished (tests, benchmarks
    /// and shutdown).
    pub async fn settle(&self) {
        if let Ok(all) = self.inner.background.acquire_many(BACKGROUND_MAX).await {
            drop(all);
        }
    }

    /// Deletes the cards of the object name `stem`, but `keep`.
    async fn drop_cards(&self, bucket: &str, stem: &str, keep: Option<&Path>) -> Result<()> {
        // Cards of this name follow it at once (a space sorts below every name byte, and no
        // card's name part holds one): the first other name ends them. One small LIST.
        let ours = format!("{stem} ");
        let mut found = Vec::new();
        let mut names = Listing::new(self, &format!("{CARDS_DIR}/{bucket}"), Some(stem), 16)?;
        while let Some(m) = names.next().await? {
            if !m.location.filename().unwrap_or_default().starts_with(&ours) {
                break;
            }
            found.push(m.location);
        }
        for p in found.iter().filter(|p| Some(*p) != keep) {
            match self.store().delete(p).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(backend(e)),
            }
        }
        Ok(())
    }

    /// The first `n` card names (at most one LIST request's worth) of `bucket` from the first
    /// card of a key `>= start` on: fetched while the page's object names are, so the page
    /// waits for one round trip, not two. `None` on stores without cards.
    pub(super) async fn prefetch_cards(
        &self,
        bucket: &str,
        start: &str,
        n: usize,
    ) -> Option<Cards> {
        let names = self.card_names()?;
        let dir = format!("{CARDS_DIR}/{bucket}");
        let n = n.clamp(1, REQUEST_MAX);
        let mut listing = Listing::new(self, &dir, names.start_before(start).as_deref(), n).ok()?;
        let mut buf = std::collections::VecDeque::new();
        while buf.len() < n {
            match listing.next().await {
                Ok(Some(m)) => buf.push_back(m.location.filename().unwrap_or_default().to_string()),
                Ok(None) => break,
                // A failed prefetch is only a lost head start: the page seeks its cards itself.
                Err(_) => return None,
            }
        }
        Some(Cards { dir, buf, listing: Some(listing) })
    }

    /// The listed objects of `wanted` (in key order) that have a card of the very blob listed,
    /// by position in `wanted`: read from `cards` (prefetched from the page's start), restarted
    /// at a wanted name when many other cards lie before it.
    pub(super) async fn read_cards(
        &self,
        bucket: &str,
        cards: Option<Cards>,
        wanted: &[&Wanted<'_>],
    ) -> Result<Vec<Option<ListedObject>>> {
        let mut out: Vec<Option<ListedObject>> = vec![None; wanted.len()];
        if wanted.is_empty() || self.card_names().is_none() {
            return Ok(out);
        }
        let mut cards = match cards {
            Some(c) => c,
            None => {
                let dir = format!("{CARDS_DIR}/{bucket}");
                let mut c = Cards { dir, buf: Default::default(), listing: None };
                c.seek(self, wanted[0].name)?;
                c
            }
        };
        let mut ahead: Option<String> = None;
        for (i, w) in wanted.iter().enumerate() {
            let version = version_of(w.blob_etag);
            let mut walked = 0;
            loop {
                let card = match ahead.take() {
                    Some(c) => c,
                    None => match cards.next().await? {
                        Some(c) => c,
                        None => break,
                    },
                };
                let Some((stem, tag)) = split(&card) else { continue };
                match stem.cmp(w.name) {
                    std::cmp::Ordering::Less => {
                        walked += 1;
                        if walked >= WALK_BEFORE_SEEK {
                            cards.seek(self, w.name)?;
                            walked = 0;
                        }
                    }
                    std::cmp::Ordering::Equal => {
                        if let Some(c) = Card::parse(tag).filter(|c| c.version == version) {
                            out[i] = Some(c.listed(w.key.to_string()));
                            // Other cards of this name are of other versions: not read (the
                            // last wanted card found asks for no more names).
                            break;
                        }
                    }
                    std::cmp::Ordering::Greater => {
                        ahead = Some(card);
                        break;
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The card names of one bucket in store order, read ahead.
pub(super) struct Cards {
    /// `.ossimg/list-cards/<bucket>`.
    dir: String,
    /// Names read and not yet taken.
    buf: std::collections::VecDeque<String>,
    /// The listing after `buf`.
    listing: Option<Listing>,
}

impl Cards {
    /// Restarts at the first card of the object name `name` (or after it).
    fn seek(&mut self, s: &Storage, name: &str) -> Result<()> {
        self.buf.clear();
        self.listing = Some(Listing::new(s, &self.dir, Some(name), WALK_BEFORE_SEEK + 1)?);
        Ok(())
    }

    /// The next card name; `None` at the end.
    async fn next(&mut self) -> Result<Option<String>> {
        if let Some(n) = self.buf.pop_front() {
            return Ok(Some(n));
        }
        let Some(l) = self.listing.as_mut() else { return Ok(None) };
        Ok(l.next().await?.map(|m| m.location.filename().unwrap_or_default().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(etag: &str, class: StorageClass) -> ListedObject {
        ListedObject {
            key: "k".into(),
            size: 12_345,
            etag: etag.into(),
            last_modified: from_ms(1_764_000_000_123),
            storage_class: class,
        }
    }

    #[test]
    fn cards_round_trip_their_listing_fields() {
        for (etag, class) in [
            ("\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"", StorageClass::Standard),
            ("\"5EB63BBBE01EEED093CB22BB8F5ACDC3-3\"", StorageClass::Archive),
            ("\"00000000000000000000000000000000-10000\"", StorageClass::DeepColdArchive),
        ] {
            let o = listed(etag, class);
            let card = Card::of(&o, "\"blob-etag\"").unwrap();
            let tag = card.tag();
            assert_eq!(tag.len(), TAG_LEN, "{tag}");
            let back = Card::parse(&tag).unwrap();
            assert_eq!(back, card);
            assert_eq!(back.listed("k".into()), o);
            assert_eq!(back.version, version_of("\"blob-etag\""));
        }
    }

    #[test]
    fn odd_etags_get_no_card_and_bad_tags_do_not_parse() {
        for etag in
            ["\"5eb63bbbe01eeed093cb22bb8f5acdc3\"", "5EB63BBBE01EEED093CB22BB8F5ACDC3", "\"X\""]
        {
            assert_eq!(Card::of(&listed(etag, StorageClass::Standard), "e"), None, "{etag}");
        }
        let o = listed("\"5EB63BBBE01EEED093CB22BB8F5ACDC3-0\"", StorageClass::Standard);
        assert_eq!(Card::of(&o, "e"), None);
        let good = Card::of(
            &listed("\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"", StorageClass::InfrequentAccess),
            "e",
        )
        .unwrap()
        .tag();
        assert!(Card::parse(&good).is_some());
        assert_eq!(Card::parse(&good.to_uppercase()), None);
        assert_eq!(Card::parse(&good[1..]), None);
        assert_eq!(Card::parse(&good.replace(" 1", " 9")), None);
    }

    #[test]
    fn a_card_name_splits_into_its_stem_and_tag() {
        let tag =
            Card::of(&listed("\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"", StorageClass::Standard), "e")
                .unwrap()
                .tag();
        let name = format!("img!2Fa{tag}");
        assert_eq!(split(&name), Some(("img!2Fa", tag.as_str())));
        assert_eq!(split("short"), None);
    }

    /// The same storage with an empty cache of listed objects (another instance).
    fn fresh(s: &Storage) -> Storage {
        let inner = super::super::Inner { info_cache: Default::default(), ..(*s.inner).clone() };
        Storage { inner: Arc::new(inner) }
    }

    /// The names of the card folder of `bucket`.
    async fn card_names_of(s: &Storage, bucket: &str) -> Vec<String> {
        use futures_util::TryStreamExt as _;
        let dir = parse_path(&format!("{CARDS_DIR}/{bucket}")).unwrap();
        let metas: Vec<_> = s.store().list(Some(&dir)).try_collect().await.unwrap();
        let mut names: Vec<String> =
            metas.iter().map(|m| m.location.filename().unwrap().to_string()).collect();
        names.sort();
        names
    }

    /// The card of `key`, which must have exactly one.
    async fn only_card(s: &Storage, bucket: &str, key: &str) -> (Path, Card) {
        let stem = s.card_stem(key).unwrap();
        let mine: Vec<String> = card_names_of(s, bucket)
            .await
            .into_iter()
            .filter(|n| split(n).is_some_and(|(st, _)| st == stem))
            .collect();
        assert_eq!(mine.len(), 1, "cards of {key}: {mine:?}");
        let card = Card::parse(split(&mine[0]).unwrap().1).unwrap();
        (parse_path(&format!("{CARDS_DIR}/{bucket}/{}", mine[0])).unwrap(), card)
    }

    async fn put_card(s: &Storage, bucket: &str, key: &str, card: &Card) {
        let name = format!("{CARDS_DIR}/{bucket}/{}{}", s.card_stem(key).unwrap(), card.tag());
        s.store().put(&parse_path(&name).unwrap(), PutPayload::new()).await.unwrap();
    }

    async fn listed_of(s: &Storage, bucket: &str) -> Vec<ListedObject> {
        let q = crate::storage::ListQuery { max_keys: 1000, ..Default::default() };
        fresh(s).list_objects(bucket, &q).await.unwrap().objects
    }

    /// Cards follow every write and delete, a page uses the card of the version it listed and
    /// only that one, and a page that had to read a trailer leaves the right card behind.
    async fn cards_scenario(s: Storage) {
        use crate::storage::{Acl, ObjectMeta};
        let b = "cards";
        s.create_bucket(b, Acl::Private, StorageClass::Standard).await.unwrap();
        let put = |k: &'static str, body: &'static [u8], class: StorageClass| {
            let s = s.clone();
            async move {
                let meta = ObjectMeta { storage_class: class, ..Default::default() };
                s.put_object_bytes(b, k, body.into(), meta, false).await.unwrap();
            }
        };
        put("a", b"hello", StorageClass::Standard).await;
        put("dir/b", b"bee", StorageClass::Archive).await;
        put("c", b"sea", StorageClass::Standard).await;
        s.settle().await;
        assert_eq!(card_names_of(&s, b).await.len(), 3);
        let mut heads = Vec::new();
        for k in ["a", "c", "dir/b"] {
            let head = ListedObject::from(s.head_object(b, k).await.unwrap());
            let (_, card) = only_card(&s, b, k).await;
            assert_eq!(card.listed(k.to_string()), head);
            heads.push(head);
        }
        assert_eq!(listed_of(&s, b).await, heads);

        // A page takes what the card of the listed version says (no trailer read) ...
        let (path, card) = only_card(&s, b, "a").await;
        s.store().delete(&path).await.unwrap();
        put_card(&s, b, "a", &Card { size: 999, ..card.clone() }).await;
        assert_eq!(listed_of(&s, b).await[0].size, 999);
        // ... and never a card of another version: the trailer is read, the card written.
        let (path, _) = only_card(&s, b, "a").await;
        s.store().delete(&path).await.unwrap();
        let stale = Card { size: 777, version: version_of("another blob"), ..card.clone() };
        put_card(&s, b, "a", &stale).await;
        assert_eq!(listed_of(&s, b).await, heads);
        s.settle().await;
        assert_eq!(only_card(&s, b, "a").await.1, card);

        // An overwrite leaves the new version's card alone; a delete leaves none.
        put("c", b"another sea", StorageClass::Standard).await;
        s.settle().await;
        let head = ListedObject::from(s.head_object(b, "c").await.unwrap());
        assert_eq!(only_card(&s, b, "c").await.1.listed("c".into()), head);
        s.delete_object(b, "dir/b").await.unwrap();
        s.settle().await;
        let left = card_names_of(&s, b).await;
        assert_eq!(left.len(), 2, "{left:?}");
        assert_eq!(listed_of(&s, b).await.iter().map(|o| o.size).collect::<Vec<_>>(), [5, 11]);
        // DeleteBucket takes the folder with it.
        s.delete_object(b, "a").await.unwrap();
        s.delete_object(b, "c").await.unwrap();
        s.settle().await;
        put_card(&s, b, "orphan", &card).await;
        s.delete_bucket(b).await.unwrap();
        assert_eq!(card_names_of(&s, b).await, Vec::<String>::new());
    }

    #[tokio::test]
    async fn cards_on_the_memory_store() {
        cards_scenario(Storage::memory()).await;
    }

    #[tokio::test]
    async fn cards_on_s3() {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let Some(endpoint) = var("OSSIMG_S3_ENDPOINT") else {
            assert_ne!(var("OSSIMG_REQUIRE_S3").as_deref(), Some("1"), "no OSSIMG_S3_ENDPOINT");
            println!("cards_on_s3: skipped, OSSIMG_S3_ENDPOINT is not set");
            return;
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let config = crate::storage::StorageConfig::S3 {
            endpoint,
            region: var("OSSIMG_S3_REGION").unwrap(),
            bucket: var("OSSIMG_S3_BUCKET").unwrap(),
            prefix: format!("cards-{}-{nanos}", std::process::id()),
            access_key_id: var("OSSIMG_S3_ACCESS_KEY_ID").unwrap(),
            secret_access_key: var("OSSIMG_S3_SECRET_ACCESS_KEY").unwrap(),
            path_style: true,
        };
        cards_scenario(Storage::new(config).unwrap()).await;
    }
}
