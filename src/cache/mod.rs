//! The result cache: processed variants on local disk under a byte budget, least recently used
//! first out, keyed by (bucket, key, source ETag, canonical process string), with single flight
//! for identical concurrent requests. Off unless `serve` is given a cache directory.
//!
//! Owns the files under its directory and nothing else; knows nothing of HTTP or the store
//! (std and tokio only). The caller decides what a key is: since the key carries the source's
//! ETag, a changed source is a different key, and a caller that checks the source's metadata
//! before asking is never served a stale or deleted variant.
//!
//! On disk: `<dir>/<2 hex>/<30 hex>` per entry (a stable 128-bit FNV-1a hash of the key), each
//! file holding the full key, the content type and the body, so a hash collision or a foreign
//! file reads as a miss. Files are written under `<dir>/tmp/` and renamed into place, so a crash
//! never leaves a torn entry. The index (size, last use) lives in memory: rebuilt from the files
//! at [`ResultCache::open`] (last use = modification time, which a hit refreshes), so the cache
//! survives a restart; a file removed under it is a miss that drops its index entry.

mod file;
mod index;

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use index::Index;

/// What identifies one processed variant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// The bucket of the source.
    pub bucket: String,
    /// The source object's key.
    pub key: String,
    /// The source object's ETag when it was read.
    pub source_etag: String,
    /// The canonical process string (and whatever else the result depends on: the caller's
    /// choice, e.g. the ETags of watermark objects).
    pub process: String,
}

impl CacheKey {
    /// The key as one unambiguous text: each field length-prefixed.
    fn text(&self) -> String {
        let mut s = String::new();
        for f in [&self.bucket, &self.key, &self.source_etag, &self.process] {
            s.push_str(&f.len().to_string());
            s.push(':');
            s.push_str(f);
            s.push('\n');
        }
        s
    }
}

/// A cached variant: its content type and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The `Content-Type` to answer with.
    pub content_type: String,
    /// The processed bytes.
    pub body: Arc<[u8]>,
}

/// What a computation hands to [`ResultCache::get_or_compute`]: the entry, and whether it may be
/// stored (a caller that saw the source change while reading it answers once, uncached).
#[derive(Debug, Clone)]
pub struct Computed {
    /// The result.
    pub entry: Entry,
    /// Store it under the key asked for.
    pub store: bool,
}

/// How a [`ResultCache::get_or_compute`] answer came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Read from the cache.
    Hit,
    /// Computed by this caller.
    Computed,
    /// Computed by a concurrent identical request this caller waited for.
    Shared,
}

/// One in-flight computation, shared by identical concurrent requests.
type Flight<E> = Arc<OnceCell<Result<Entry, E>>>;

/// The result cache (see the module docs). `E` is the error a computation may end with; it is
/// handed, cloned, to every request that waited for that computation.
pub struct ResultCache<E> {
    dir: PathBuf,
    max_bytes: u64,
    index: Arc<Mutex<Index>>,
    flights: Mutex<HashMap<CacheKey, Flight<E>>>,
}

impl<E: Clone + Send + Sync + 'static> ResultCache<E> {
    /// Opens (creating it if needed) the cache in `dir` with a budget of `max_bytes`: indexes
    /// the entries already there, oldest use first, and removes what exceeds the budget and any
    /// staging file left by a crash. Blocking (reads the directory).
    pub fn open(dir: impl Into<PathBuf>, max_bytes: u64) -> io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(dir.join(file::TMP))?;
        file::clear_tmp(&dir)?;
        let mut index = Index::default();
        for (name, size, used) in file::scan(&dir)? {
            index.insert(name, size, used);
        }
        let evicted = index.evict_to(max_bytes);
        for (name, _) in &evicted {
            file::remove(&dir, *name);
        }
        let cache = ResultCache {
            dir,
            max_bytes,
            index: Arc::new(Mutex::new(index)),
            flights: Mutex::new(HashMap::new()),
        };
        crate::telemetry::cache_bytes(cache.bytes());
        Ok(cache)
    }

    /// The directory the entries live in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The byte budget.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The bytes the indexed entries take on disk (headers included).
    pub fn bytes(&self) -> u64 {
        self.lock().bytes()
    }

    /// The number of indexed entries.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Index> {
        // The index holds no invariant a panicking holder could break half-way that matters
        // more than serving: take it back.
        self.index.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached entry for `key`, if any; refreshes its last use. A missing, unreadable or
    /// foreign file is a miss (and leaves the index).
    pub async fn get(&self, key: &CacheKey) -> Option<Entry> {
        let name = file::name(&key.text());
        if !self.lock().contains(name) {
            return None;
        }
        let (dir, text) = (self.dir.clone(), key.text());
        let read = tokio::task::spawn_blocking(move || file::read(&dir, name, &text)).await;
        match read {
            Ok(Some(entry)) => {
                self.lock().touch(name);
                Some(entry)
            }
            _ => {
                let mut index = self.lock();
                index.remove(name);
                crate::telemetry::cache_bytes(index.bytes());
                None
            }
        }
    }

    /// Stores `entry` under `key`, then evicts the least recently used entries until the budget
    /// holds. An entry larger than the whole budget is not stored. Write failures (disk full,
    /// directory removed) leave the cache as it was: the cache never fails a request.
    pub async fn insert(&self, key: &CacheKey, entry: &Entry) {
        let text = key.text();
        let name = file::name(&text);
        if file::encoded_len(&text, entry) > self.max_bytes {
            return;
        }
        let (dir, entry) = (self.dir.clone(), entry.clone());
        let written =
            tokio::task::spawn_blocking(move || file::write(&dir, name, &text, &entry)).await;
        let Ok(Ok(size)) = written else { return };
        let evicted = {
            let mut index = self.lock();
            index.insert(name, size, index::now());
            let evicted = index.evict_to(self.max_bytes);
            crate::telemetry::cache_bytes(index.bytes());
            evicted
        };
        if !evicted.is_empty() {
            let dir = self.dir.clone();
            let _ = tokio::task::spawn_blocking(move || {
                for (name, size) in evicted {
                    crate::telemetry::cache_evicted(size);
                    file::remove(&dir, name);
                }
            })
            .await;
        }
    }

    /// The entry for `key`: from the cache, or from `compute`, run once for any number of
    /// identical concurrent callers (each waiter receives the same entry or a clone of the same
    /// error). A computed entry is stored when it says so. Counts hits and misses.
    pub async fn get_or_compute<F, Fut>(
        &self,
        key: &CacheKey,
        compute: F,
    ) -> (Result<Entry, E>, Outcome)
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Computed, E>>,
    {
        if let Some(entry) = self.get(key).await {
            crate::telemetry::cache_hit();
            return (Ok(entry), Outcome::Hit);
        }
        let flight = {
            let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
            flights.entry(key.clone()).or_default().clone()
        };
        let mut outcome = Outcome::Shared;
        let result = flight
            .get_or_init(|| async {
                // A flight that ended between our look-up and joining may have stored it.
                if let Some(entry) = self.get(key).await {
                    outcome = Outcome::Hit;
                    return Ok(entry);
                }
                outcome = Outcome::Computed;
                let computed = compute().await?;
                if computed.store {
                    self.insert(key, &computed.entry).await;
                }
                Ok(computed.entry)
            })
            .await
            .clone();
        {
            let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
            if flights.get(key).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
                flights.remove(key);
            }
        }
        match outcome {
            Outcome::Computed => crate::telemetry::cache_miss(),
            Outcome::Hit | Outcome::Shared => crate::telemetry::cache_hit(),
        }
        (result, outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_text_is_unambiguous() {
        let a = CacheKey {
            bucket: "b".into(),
            key: "k\n1".into(),
            source_etag: "e".into(),
            process: "p".into(),
        };
        let b = CacheKey {
            bucket: "b".into(),
            key: "k".into(),
            source_etag: "1\ne".into(),
            process: "p".into(),
        };
        assert_ne!(a.text(), b.text());
        assert_ne!(file::name(&a.text()), file::name(&b.text()));
    }
}
