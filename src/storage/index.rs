//! The ordered index of the local store: one embedded, crash-safe database (redb) at
//! `.ossimg/index/objects.redb` under the data directory, mapping `<bucket>/<key>` (so keys sort
//! in UTF-8 byte order within a bucket) to the object's record (the JSON of its trailer). A
//! listing page is one range read of it: no directory is read, no object file opened.
//!
//! The objects stay the source of truth; the index follows them:
//!
//! - before a write or delete of a key, the key is added to a `pending` table, durably (the one
//!   fsync'd commit per operation); after it, the key's entry is set from what the object file
//!   now holds — under a per-key lock, so the last one to look sees the last change — and the
//!   pending mark is dropped (a commit without fsync: a crash loses it, and the mark stays);
//! - at start-up, every key still marked pending (the operations a crash interrupted) is set from
//!   its object file; an index that is missing, of another format, or was never completely built
//!   (a data directory from before the index, a crash during the build) is rebuilt by walking
//!   the bucket directories and reading each object's trailer.
//!
//! So after any crash the index lists exactly the readable objects. A second table registers
//! the multipart uploads in progress in ListMultipartUploads order (`uploads`), filled once from
//! the upload records when it is new.
//!
//! A full disk: writes are refused (507) while the file system has less than [`SPACE_RESERVE`]
//! free, so redb's own commits keep room; redb latches any failed write (every later operation
//! fails until the database is reopened), so a failure closes it and the next operation reopens
//! it and replays the pending marks.
//!
//! The first open in a process also sweeps the staging files a crash left
//! (`fault::sweep_staging`). One process holds the database (a second `serve` on the same data directory fails at start); several [`Storage`]s
//! of one process share it.
//!
//! [`Storage`]: super::Storage

use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use super::keys;
use super::record::{internal, Record, FOOTER_LEN};
use super::PROBE;
use crate::Result;

/// `<bucket>/<key>` → the record's JSON.
const OBJECTS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("objects");
/// `<bucket>/<key>` → operations begun on it and not yet reflected.
const PENDING: TableDefinition<&[u8], u64> = TableDefinition::new("pending");
/// `(<bucket>/<key>, upload ID)` → initiation time (ms since the epoch): the multipart uploads
/// in progress, in ListMultipartUploads order (`uploads`).
const UPLOADS: TableDefinition<(&[u8], &str), u64> = TableDefinition::new("uploads");
/// `format` → [`FORMAT`] once a build has completed; `uploads` → 1 once [`UPLOADS`] was filled
/// from the upload records (a data directory from before that table).
const STATE: TableDefinition<&str, u64> = TableDefinition::new("state");
/// The index format; another value (or none) means rebuild.
const FORMAT: u64 = 1;
/// Where the database lives, under the data directory.
pub(super) const INDEX_FILE: &str = ".ossimg/index/objects.redb";
/// Per-key locks (striped by hash): enough that unrelated keys rarely wait on each other.
const STRIPES: usize = 256;
/// redb's page cache (its default is 1 GiB, filled as copy-on-write pages churn under writes and
/// deletes and never given back: a slow RSS rise under a long mixed load). 64 MiB holds the
/// interior nodes of an index of tens of millions of keys; leaves a listing reads sequentially
/// come from the kernel's page cache.
const CACHE_BYTES: usize = 64 << 20;
/// Free bytes kept on the data directory's file system for the index: below this (plus an
/// eighth of the index file, the most one commit grows it by), an operation that would write
/// it answers 507 before asking redb, which latches a failed write until it is reopened.
const SPACE_RESERVE: u64 = 4 << 20;
/// Entries written per transaction while rebuilding.
const REBUILD_BATCH: usize = 50_000;

/// The index of one data directory.
pub(super) struct LocalIndex {
    /// The database (see [`LocalIndex::with_db`]).
    db: Mutex<Slot>,
    /// Where it lives.
    file: PathBuf,
    root: PathBuf,
    stripes: Vec<tokio::sync::Mutex<()>>,
}

/// The database of a [`LocalIndex`]: open, or closed after an I/O failure until the last
/// operation still holding it ends (then the next operation reopens the file: never two handles
/// on it at once).
enum Slot {
    Open(Arc<Database>),
    Closed(Weak<Database>),
}

impl std::fmt::Debug for LocalIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LocalIndex({})", self.root.display())
    }
}

/// An index failure: `507` when the disk is full (redb keeps only the message of the I/O error
/// in some of its errors, hence the text), else a 500.
fn db_err(e: impl std::fmt::Display) -> crate::Error {
    let msg = e.to_string();
    if msg.contains("(os error 28)") || msg.contains("(os error 122)") {
        return super::fault::out_of_space();
    }
    internal(format!("object index: {msg}"))
}

/// Bytes free for this process on the file system of `path` (`None`: unknown).
fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: an all-zero `statvfs` is a valid value of this plain C struct.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a NUL-terminated path and `st` a valid, exclusive out-parameter.
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    // `c_ulong`/`fsblkcnt_t` are `u64` on 64-bit Linux, narrower elsewhere.
    #[allow(clippy::useless_conversion)]
    Some(u64::from(st.f_bavail).saturating_mul(u64::from(st.f_frsize)))
}

/// The lock stripe of `key` in `bucket`.
fn stripe(bucket: &str, key: &str) -> usize {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (bucket, key).hash(&mut h);
    (h.finish() % STRIPES as u64) as usize
}

/// Opens (or creates) the database file.
fn open_db(file: &Path) -> std::result::Result<Database, redb::DatabaseError> {
    redb::Builder::new().set_cache_size(CACHE_BYTES).create(file)
}

/// The index key of `key` in `bucket`.
fn composite(bucket: &str, key: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(bucket.len() + 1 + key.len());
    v.extend_from_slice(bucket.as_bytes());
    v.push(b'/');
    v.extend_from_slice(key.as_bytes());
    v
}

/// The open indexes of this process, by data directory.
fn registry() -> &'static Mutex<HashMap<PathBuf, Weak<LocalIndex>>> {
    static OPEN: OnceLock<Mutex<HashMap<PathBuf, Weak<LocalIndex>>>> = OnceLock::new();
    OPEN.get_or_init(Default::default)
}

/// Reads the record of the object file at `path` (`None`: no such file). A file that is not an
/// ossimg object (no trailer) is an error.
fn read_record(path: &Path) -> std::io::Result<Option<Record>> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let size = f.metadata()?.len();
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    if size < FOOTER_LEN {
        return Err(bad("truncated object"));
    }
    let take = size.min(PROBE);
    f.seek(SeekFrom::Start(size - take))?;
    let mut tail = vec![0u8; take as usize];
    f.read_exact(&mut tail)?;
    let n = Record::record_len(&tail[tail.len() - FOOTER_LEN as usize..])
        .map_err(|e| bad(&e.message))?;
    let json_len = usize::try_from(n).map_err(|_| bad("record too long"))?;
    let json = if n + FOOTER_LEN <= take {
        tail[tail.len() - FOOTER_LEN as usize - json_len..tail.len() - FOOTER_LEN as usize].to_vec()
    } else {
        let start = size.checked_sub(FOOTER_LEN + n).ok_or_else(|| bad("bad trailer"))?;
        f.seek(SeekFrom::Start(start))?;
        let mut json = vec![0u8; json_len];
        f.read_exact(&mut json)?;
        json
    };
    Record::parse(&json, size).map(Some).map_err(|e| bad(&e.message))
}

/// "Now" by the clock the file system stamps files with: the modification time of a file
/// created for the purpose. File times come from the kernel's coarse clock, which lags
/// `SystemTime::now()` by up to a tick, so a put begun just after `now()` could carry an older
/// time and be swept as a crash's leftover (seen in CI: a bucket's first write lost its staging
/// file). Falls back to a second before `now()` (keeping what is recent) if the probe fails.
fn file_system_now(root: &Path) -> std::time::SystemTime {
    let probe = root.join(".ossimg/index/clock-probe");
    let stamped = std::fs::write(&probe, b"").and_then(|()| std::fs::metadata(&probe)?.modified());
    let _ = std::fs::remove_file(&probe);
    stamped.unwrap_or_else(|_| std::time::SystemTime::now() - std::time::Duration::from_secs(1))
}

impl LocalIndex {
    /// The index of the data directory `root` (canonical), opened (and built or repaired) once
    /// per process.
    pub(super) fn open(root: &Path) -> Result<Arc<Self>> {
        let mut open = registry().lock().unwrap_or_else(|p| p.into_inner());
        if let Some(ix) = open.get(root).and_then(Weak::upgrade) {
            return Ok(ix);
        }
        let file = root.join(INDEX_FILE);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| internal(format!("{}: {e}", dir.display())))?;
        }
        let db = open_db(&file).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => internal(format!(
                "{}: the data directory is in use by another ossimg process",
                root.display()
            )),
            e => db_err(format!("{}: {e}", file.display())),
        })?;
        let stripes = (0..STRIPES).map(|_| tokio::sync::Mutex::new(())).collect();
        let ix = Arc::new(LocalIndex {
            db: Mutex::new(Slot::Open(Arc::new(db))),
            file,
            root: root.to_path_buf(),
            stripes,
        });
        ix.build_or_repair(&*ix.db()?)?;
        // First open in this process (one process holds a data directory): what a crash left,
        // staging files of puts and parts in progress (never read nor listed), is removed in the
        // background. Files newer than now are this process's own puts in progress: kept.
        let (dir, started) = (root.to_path_buf(), file_system_now(root));
        std::thread::spawn(move || {
            let n = super::fault::sweep_staging(&dir, started);
            if n > 0 {
                tracing::info!("removed {n} staging files left by an earlier crash");
            }
        });
        open.retain(|_, w| w.strong_count() > 0);
        open.insert(root.to_path_buf(), Arc::downgrade(&ix));
        Ok(ix)
    }

    /// The database, reopened first if an I/O failure closed it. While operations begun
    /// before the failure still hold the old handle, a 503.
    fn db(&self) -> Result<Arc<Database>> {
        let mut slot = self.db.lock().unwrap_or_else(|p| p.into_inner());
        let busy = match &*slot {
            Slot::Open(db) => return Ok(Arc::clone(db)),
            Slot::Closed(old) => old.strong_count() > 0,
        };
        let db = match busy {
            true => Err(redb::DatabaseError::DatabaseAlreadyOpen),
            false => open_db(&self.file),
        };
        let db = Arc::new(db.map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => crate::Error::new(
                crate::ErrorKind::ServiceUnavailable,
                "The object index is being reopened after an I/O error; try again.",
            ),
            e => db_err(format!("{}: {e}", self.file.display())),
        })?);
        // The entries of commits made without fsync since the last durable one are gone with
        // the failure; their pending marks are back: replay them.
        self.repair(&db, true)?;
        tracing::info!("object index reopened after an I/O error");
        *slot = Slot::Open(Arc::clone(&db));
        Ok(db)
    }

    /// A 507 when the data directory's file system is too full for an index write (see
    /// [`SPACE_RESERVE`]).
    fn check_space(&self) -> Result<()> {
        let file = std::fs::metadata(&self.file).map(|m| m.len()).unwrap_or(0);
        match free_bytes(&self.file) {
            Some(free) if free < SPACE_RESERVE + file / 8 => Err(super::fault::out_of_space()),
            _ => Ok(()),
        }
    }

    /// Runs `f` on the database. redb latches an I/O failure (a full disk): every later
    /// operation fails with "Previous I/O error" until the database is reopened. So a failure
    /// that may be one closes it, and the next operation reopens it — once space is freed,
    /// the index works again without a restart. (Pending marks of operations that failed
    /// meanwhile are replayed at the next start.)
    fn with_db<T>(&self, f: impl FnOnce(&Database) -> Result<T>) -> Result<T> {
        let db = self.db()?;
        let r = f(&db);
        if let Err(e) = &r {
            let io = e.kind == crate::ErrorKind::InsufficientStorage
                || e.message.contains("I/O")
                || e.message.contains("os error");
            if io {
                let mut slot = self.db.lock().unwrap_or_else(|p| p.into_inner());
                if matches!(&*slot, Slot::Open(d) if Arc::ptr_eq(d, &db)) {
                    tracing::warn!("object index: closing it after an I/O error: {}", e.message);
                    *slot = Slot::Closed(Arc::downgrade(&db));
                }
            }
        }
        r
    }

    /// The object file of `key` in `bucket`.
    fn file_of(&self, bucket: &str, key: &str) -> PathBuf {
        let mut p = self.root.join(bucket);
        for seg in keys::encode_key(key) {
            p.push(seg);
        }
        p
    }

    /// The record JSON of the object file of `key` (`None`: no object).
    fn observe(&self, bucket: &str, key: &str) -> Result<Option<Vec<u8>>> {
        let path = self.file_of(bucket, key);
        match read_record(&path) {
            Ok(Some(rec)) if rec.key == key => Ok(Some(rec.to_json()?)),
            Ok(_) => Ok(None),
            Err(e) => Err(internal(format!("{}: {e}", path.display()))),
        }
    }

    /// Rebuilds the index when it was never completely built; otherwise reflects the operations
    /// a crash interrupted.
    fn build_or_repair(&self, db: &Database) -> Result<()> {
        let built = {
            let tx = db.begin_read().map_err(db_err)?;
            match tx.open_table(STATE) {
                Ok(t) => t.get("format").map_err(db_err)?.map(|v| v.value()),
                Err(redb::TableError::TableDoesNotExist(_)) => None,
                Err(e) => return Err(db_err(e)),
            }
        };
        if built != Some(FORMAT) {
            self.rebuild(db)?;
        } else {
            self.repair(db, false)?;
        }
        self.fill_uploads(db)
    }

    /// Reflects the operations on objects that a crash (or, `live`, an I/O failure of the
    /// database while serving) interrupted. Live, a key whose lock is held is left out: its
    /// operation is still running and will set its entry (its pending mark is replayed at the
    /// next start).
    fn repair(&self, db: &Database, live: bool) -> Result<()> {
        let pending: Vec<Vec<u8>> = {
            let tx = db.begin_read().map_err(db_err)?;
            let t = match tx.open_table(PENDING) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
                Err(e) => return Err(db_err(e)),
            };
            let mut v = Vec::new();
            for r in t.iter().map_err(db_err)? {
                v.push(r.map_err(db_err)?.0.value().to_vec());
            }
            v
        };
        if pending.is_empty() {
            return Ok(());
        }
        let tx = db.begin_write().map_err(db_err)?;
        {
            let mut objects = tx.open_table(OBJECTS).map_err(db_err)?;
            let mut marks = tx.open_table(PENDING).map_err(db_err)?;
            let mut held = Vec::new();
            for ck in pending {
                let Some((bucket, key)) =
                    std::str::from_utf8(&ck).ok().and_then(|s| s.split_once('/'))
                else {
                    marks.remove(ck.as_slice()).map_err(db_err)?;
                    continue;
                };
                if live {
                    match self.stripes[stripe(bucket, key)].try_lock() {
                        Ok(guard) => held.push(guard),
                        Err(_) => continue,
                    }
                }
                marks.remove(ck.as_slice()).map_err(db_err)?;
                match self.observe(bucket, key)? {
                    Some(json) => objects.insert(ck.as_slice(), json.as_slice()).map_err(db_err)?,
                    None => objects.remove(ck.as_slice()).map_err(db_err)?,
                };
            }
        }
        tx.commit().map_err(db_err)
    }

    /// Empties the index and fills it from the object files of every bucket directory.
    fn rebuild(&self, db: &Database) -> Result<()> {
        let tx = db.begin_write().map_err(db_err)?;
        for t in ["objects", "pending", "state"] {
            // Any type: a table of an older format is dropped too.
            let _ = tx.delete_table(TableDefinition::<&[u8], &[u8]>::new(t));
        }
        tx.open_table(OBJECTS).map_err(db_err)?;
        tx.open_table(PENDING).map_err(db_err)?;
        tx.commit().map_err(db_err)?;
        let mut batch: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let rd = match std::fs::read_dir(&self.root) {
            Ok(rd) => rd,
            Err(e) => return Err(internal(format!("{}: {e}", self.root.display()))),
        };
        for entry in rd {
            let entry = entry.map_err(|e| internal(format!("{}: {e}", self.root.display())))?;
            let Some(bucket) = entry.file_name().to_str().map(str::to_string) else { continue };
            if keys::validate_bucket_name(&bucket).is_err() || !entry.path().is_dir() {
                continue;
            }
            let mut todo = vec![(entry.path(), Vec::<String>::new())];
            while let Some((dir, segs)) = todo.pop() {
                let rd = std::fs::read_dir(&dir)
                    .map_err(|e| internal(format!("{}: {e}", dir.display())))?;
                for e in rd {
                    let e = e.map_err(|e| internal(format!("{}: {e}", dir.display())))?;
                    let Some(name) = e.file_name().to_str().map(str::to_string) else { continue };
                    let mut s = segs.clone();
                    s.push(name);
                    let ft = e.file_type().map_err(|e| internal(format!("{e}")))?;
                    if ft.is_dir() {
                        todo.push((e.path(), s));
                        continue;
                    }
                    let Some(key) = keys::decode_key(s.iter().map(String::as_str)) else {
                        continue; // a staging file or a foreign file
                    };
                    match read_record(&e.path()) {
                        Ok(Some(rec)) if rec.key == key => {
                            batch.push((composite(&bucket, &key), rec.to_json()?));
                        }
                        // Not an object of ours (or gone meanwhile): not listed, as before.
                        _ => {}
                    }
                    if batch.len() >= REBUILD_BATCH {
                        self.insert_all(db, std::mem::take(&mut batch))?;
                    }
                }
            }
        }
        self.insert_all(db, batch)?;
        let mut tx = db.begin_write().map_err(db_err)?;
        tx.set_durability(Durability::Immediate).map_err(db_err)?;
        tx.open_table(STATE).map_err(db_err)?.insert("format", FORMAT).map_err(db_err)?;
        tx.commit().map_err(db_err)
    }

    fn insert_all(&self, db: &Database, batch: Vec<(Vec<u8>, Vec<u8>)>) -> Result<()> {
        let tx = db.begin_write().map_err(db_err)?;
        {
            let mut t = tx.open_table(OBJECTS).map_err(db_err)?;
            for (k, v) in &batch {
                t.insert(k.as_slice(), v.as_slice()).map_err(db_err)?;
            }
        }
        tx.commit().map_err(db_err)
    }

    /// Fills [`UPLOADS`] from the upload records under `.ossimg/uploads/<bucket>/<id>/`, once
    /// per index (later, initiation and removal keep it).
    fn fill_uploads(&self, db: &Database) -> Result<()> {
        {
            let tx = db.begin_read().map_err(db_err)?;
            match tx.open_table(STATE) {
                Ok(t) if t.get("uploads").map_err(db_err)?.is_some() => return Ok(()),
                Ok(_) | Err(redb::TableError::TableDoesNotExist(_)) => {}
                Err(e) => return Err(db_err(e)),
            }
        }
        let mut found = Vec::new();
        let dir = self.root.join(super::multipart::UPLOADS_DIR);
        for b in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let Some(bucket) = b.file_name().to_str().map(str::to_string) else { continue };
            for u in std::fs::read_dir(b.path()).into_iter().flatten().flatten() {
                let Some(id) = u.file_name().to_str().map(str::to_string) else { continue };
                let Ok(json) = std::fs::read(u.path().join("upload.json")) else { continue };
                if let Some((key, ms)) = super::multipart::record_head(&json) {
                    found.push((composite(&bucket, &key), id, ms));
                }
            }
        }
        let mut tx = db.begin_write().map_err(db_err)?;
        tx.set_durability(Durability::Immediate).map_err(db_err)?;
        {
            let mut t = tx.open_table(UPLOADS).map_err(db_err)?;
            t.retain(|_, _| false).map_err(db_err)?;
            for (ck, id, ms) in &found {
                t.insert((ck.as_slice(), id.as_str()), ms).map_err(db_err)?;
            }
            tx.open_table(STATE).map_err(db_err)?.insert("uploads", 1).map_err(db_err)?;
        }
        tx.commit().map_err(db_err)
    }

    /// Records the upload `id` of `key` (durably: before its record is written).
    pub(super) async fn add_upload(
        self: &Arc<Self>,
        bucket: &str,
        key: &str,
        id: &str,
        initiated_ms: u64,
    ) -> Result<()> {
        let (ix, ck, id) = (Arc::clone(self), composite(bucket, key), id.to_string());
        tokio::task::spawn_blocking(move || {
            ix.check_space()?;
            ix.with_db(|db| {
                let tx = db.begin_write().map_err(db_err)?;
                tx.open_table(UPLOADS)
                    .map_err(db_err)?
                    .insert((ck.as_slice(), id.as_str()), initiated_ms)
                    .map_err(db_err)?;
                tx.commit().map_err(db_err)
            })
        })
        .await
        .map_err(internal)?
    }

    /// Forgets the upload `id` of `key` (after its files are gone).
    pub(super) async fn remove_upload(
        self: &Arc<Self>,
        bucket: &str,
        key: &str,
        id: &str,
    ) -> Result<()> {
        let (ix, ck, id) = (Arc::clone(self), composite(bucket, key), id.to_string());
        tokio::task::spawn_blocking(move || {
            ix.with_db(|db| {
                let tx = db.begin_write().map_err(db_err)?;
                tx.open_table(UPLOADS)
                    .map_err(db_err)?
                    .remove((ck.as_slice(), id.as_str()))
                    .map_err(db_err)?;
                tx.commit().map_err(db_err)
            })
        })
        .await
        .map_err(internal)?
    }

    /// Up to `limit` uploads of `bucket` from `(key, id)` on (`inclusive` or not), in
    /// ListMultipartUploads order: `(key, upload ID, initiation ms)`.
    pub(super) fn scan_uploads(
        &self,
        bucket: &str,
        from: (&[u8], &str),
        inclusive: bool,
        limit: usize,
    ) -> Result<Vec<(String, String, u64)>> {
        self.with_db(|db| {
            let tx = db.begin_read().map_err(db_err)?;
            let t = match tx.open_table(UPLOADS) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
                Err(e) => return Err(db_err(e)),
            };
            let lo_key = composite_bytes(bucket, from.0);
            let lo = (lo_key.as_slice(), from.1);
            // `0` is the byte after `/`: the end of the bucket's range.
            let hi_key = format!("{bucket}0").into_bytes();
            let hi = (hi_key.as_slice(), "");
            let lo = if inclusive { Bound::Included(lo) } else { Bound::Excluded(lo) };
            let mut out = Vec::with_capacity(limit.min(4096));
            for r in t.range::<(&[u8], &str)>((lo, Bound::Excluded(hi))).map_err(db_err)? {
                let (k, v) = r.map_err(db_err)?;
                let (ck, id) = k.value();
                let key = String::from_utf8(ck[bucket.len() + 1..].to_vec())
                    .map_err(|_| internal("upload index: a key that is not UTF-8"))?;
                out.push((key, id.to_string(), v.value()));
                if out.len() >= limit {
                    break;
                }
            }
            Ok(out)
        })
    }

    /// The lock of `key`'s stripe: held while an object's state is read and written to the index.
    pub(super) async fn lock(&self, bucket: &str, key: &str) -> tokio::sync::MutexGuard<'_, ()> {
        self.stripes[stripe(bucket, key)].lock().await
    }

    /// Marks `key` pending, durably, before an operation changes its object. Refused on a
    /// nearly full disk unless the operation `deletes` (which frees space; the reserve leaves
    /// its commit room).
    pub(super) async fn begin(
        self: &Arc<Self>,
        bucket: &str,
        key: &str,
        deletes: bool,
    ) -> Result<()> {
        let (ix, ck) = (Arc::clone(self), composite(bucket, key));
        tokio::task::spawn_blocking(move || {
            if !deletes {
                ix.check_space()?;
            }
            ix.with_db(|db| {
                let tx = db.begin_write().map_err(db_err)?;
                {
                    let mut t = tx.open_table(PENDING).map_err(db_err)?;
                    let n = t.get(ck.as_slice()).map_err(db_err)?.map(|v| v.value()).unwrap_or(0);
                    t.insert(ck.as_slice(), n + 1).map_err(db_err)?;
                }
                tx.commit().map_err(db_err)
            })
        })
        .await
        .map_err(internal)?
    }

    /// Sets `key`'s entry to `record` (the record JSON of its object, `None`: no object) and
    /// drops one pending mark. Call with the key's [`lock`](Self::lock) held, `record` read
    /// under it.
    pub(super) async fn finish(
        self: &Arc<Self>,
        bucket: &str,
        key: &str,
        record: Option<Vec<u8>>,
    ) -> Result<()> {
        let (ix, ck) = (Arc::clone(self), composite(bucket, key));
        tokio::task::spawn_blocking(move || {
            ix.with_db(|db| {
                let mut tx = db.begin_write().map_err(db_err)?;
                // The pending mark was made durable: a crash before a later durable commit replays
                // this from the object file.
                tx.set_durability(Durability::None).map_err(db_err)?;
                {
                    let mut objects = tx.open_table(OBJECTS).map_err(db_err)?;
                    match &record {
                        Some(json) => {
                            objects.insert(ck.as_slice(), json.as_slice()).map_err(db_err)?
                        }
                        None => objects.remove(ck.as_slice()).map_err(db_err)?,
                    };
                    let mut marks = tx.open_table(PENDING).map_err(db_err)?;
                    let n =
                        marks.get(ck.as_slice()).map_err(db_err)?.map(|v| v.value()).unwrap_or(0);
                    if n > 1 {
                        marks.insert(ck.as_slice(), n - 1).map_err(db_err)?;
                    } else {
                        marks.remove(ck.as_slice()).map_err(db_err)?;
                    }
                }
                tx.commit().map_err(db_err)
            })
        })
        .await
        .map_err(internal)?
    }

    /// Up to `limit` entries of `bucket` from key `from` on (inclusive or exclusive), in key
    /// order: `(key, record JSON)`.
    pub(super) fn scan(
        &self,
        bucket: &str,
        from: Bound<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        self.with_db(|db| {
            let tx = db.begin_read().map_err(db_err)?;
            let t = match tx.open_table(OBJECTS) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
                Err(e) => return Err(db_err(e)),
            };
            let lo = match from {
                Bound::Included(k) => Bound::Included(composite_bytes(bucket, k)),
                Bound::Excluded(k) => Bound::Excluded(composite_bytes(bucket, k)),
                Bound::Unbounded => Bound::Included(composite_bytes(bucket, b"")),
            };
            // `0` is the byte after `/`: the end of the bucket's range.
            let hi = Bound::Excluded(format!("{bucket}0").into_bytes());
            let lo_ref = match &lo {
                Bound::Included(v) => Bound::Included(v.as_slice()),
                Bound::Excluded(v) => Bound::Excluded(v.as_slice()),
                Bound::Unbounded => Bound::Unbounded,
            };
            let hi_ref = match &hi {
                Bound::Excluded(v) => Bound::Excluded(v.as_slice()),
                _ => Bound::Unbounded,
            };
            let mut out = Vec::with_capacity(limit.min(4096));
            for r in t.range::<&[u8]>((lo_ref, hi_ref)).map_err(db_err)? {
                let (k, v) = r.map_err(db_err)?;
                let key = String::from_utf8(k.value()[bucket.len() + 1..].to_vec())
                    .map_err(|_| internal("object index: a key that is not UTF-8"))?;
                out.push((key, v.value().to_vec()));
                if out.len() >= limit {
                    break;
                }
            }
            Ok(out)
        })
    }

    /// Reads the state of `key`'s object file under its lock and writes it to the index, after
    /// an operation [`begin`](Self::begin) marked.
    pub(super) async fn reflect(self: &Arc<Self>, bucket: &str, key: &str) -> Result<()> {
        let _one = self.lock(bucket, key).await;
        let (ix, b, k) = (Arc::clone(self), bucket.to_string(), key.to_string());
        let record =
            tokio::task::spawn_blocking(move || ix.observe(&b, &k)).await.map_err(internal)??;
        self.finish(bucket, key, record).await
    }
}

/// `<bucket>/` followed by raw key bytes.
fn composite_bytes(bucket: &str, key: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(bucket.len() + 1 + key.len());
    v.extend_from_slice(bucket.as_bytes());
    v.push(b'/');
    v.extend_from_slice(key);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use redb::ReadableTableMetadata;

    /// An I/O failure closes the database; the next operation reopens it (refused with a 503
    /// while a handle from before is still held) and replays the pending marks.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_write_closes_the_database_and_the_next_use_reopens_it() {
        let root = std::env::temp_dir().join(format!("ossimg-reopen-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("bkt")).unwrap();
        let ix = LocalIndex::open(&root).unwrap();
        // An operation begun (its mark durable) whose object never came: the replay drops it.
        ix.begin("bkt", "k", false).await.unwrap();
        let held = ix.db().unwrap();
        let failed: Result<()> = ix.with_db(|_| Err(super::super::fault::out_of_space()));
        assert_eq!(failed.unwrap_err().kind, crate::ErrorKind::InsufficientStorage);
        let busy = ix.scan("bkt", Bound::Unbounded, 10).unwrap_err();
        assert_eq!(busy.kind, crate::ErrorKind::ServiceUnavailable);
        drop(held);
        assert_eq!(ix.scan("bkt", Bound::Unbounded, 10).unwrap(), vec![]);
        let db = ix.db().unwrap();
        let tx = db.begin_read().unwrap();
        let marks = tx.open_table(PENDING).unwrap();
        assert_eq!(ReadableTableMetadata::len(&marks).unwrap(), 0, "the mark was replayed");
        drop(marks);
        drop((tx, db));
        // The reopened database serves writes again.
        ix.add_upload("bkt", "k", "0123456789ABCDEF0123456789ABCDEF", 5).await.unwrap();
        let ups = ix.scan_uploads("bkt", (b"", ""), true, 10).unwrap();
        assert_eq!(ups, vec![("k".into(), "0123456789ABCDEF0123456789ABCDEF".into(), 5)]);
        drop(ix);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn composite_keys_keep_buckets_apart_and_in_order() {
        let range = composite("abc", "")..b"abc0".to_vec();
        for k in ["a", "z", "z/", "\u{10FFFF}"] {
            assert!(range.contains(&composite("abc", k)), "{k}");
        }
        assert!(!range.contains(&composite("abc-d", "a")));
        assert!(!range.contains(&composite("abcd", "a")));
        assert!(composite("abc", "a/") < composite("abc", "a0"));
    }
}
