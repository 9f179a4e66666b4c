//! `ossimg migrate`'s work: moves the objects of S3 buckets created before the flat layout
//! (layout 0: objects under the per-segment `keys` names, listed by a full scan) to their flat,
//! ordered names (`layout`), then marks the bucket current, after which its listings cost the
//! page.
//!
//! Each object is copied byte for byte (body and trailer: the record names the key, not the
//! path; streamed past [`SINGLE_PUT_MAX`]) to its flat name, create-if-absent, then its old
//! copy is removed:
//!
//! - **resumable and idempotent**: an object already at its flat name (moved by an earlier run,
//!   or written since by the service) only has its old copy removed; a run that stops anywhere
//!   leaves every object readable (the service reads the flat name, then the old one);
//! - **safe while serving**: a write during the move lands on the flat name (create-if-absent
//!   keeps it), and a delete removes both names — the copy is undone when the old name is gone
//!   once it is made. On a server ignoring `If-None-Match` (Garage 2.x;
//!   [`MigrateReport::atomic`] tells) a check just before the copy narrows the window for a
//!   write to the copy itself, but a write landing inside it is lost: pause writes there. The bucket is marked current only after a final pass
//!   finds no old name left.
//!
//! It also enters the multipart uploads that an ossimg from before the ordered registry of
//! uploads began in that registry (`uploads`), so ListMultipartUploads shows them.

use futures_util::TryStreamExt;
use object_store::path::Path;
use object_store::{GetOptions, ObjectStoreExt, PutMode, PutOptions, PutPayload, WriteMultipart};

use super::keys;
use super::record::internal;
use super::types::CURRENT_LAYOUT;
use super::{backend, parse_path, Storage, PARTS_IN_FLIGHT, PART_SIZE, SINGLE_PUT_MAX};
use crate::Result;

/// Objects moved at once.
const MOVES_IN_FLIGHT: usize = 16;

/// What migrating one bucket did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrateReport {
    /// Objects copied to their flat names.
    pub moved: usize,
    /// Old copies removed whose flat name was already there (an earlier run, or a newer write).
    pub already_there: usize,
    /// Whether the bucket was of layout 0 (false: nothing to do).
    pub was_legacy: bool,
    /// Multipart uploads begun by an ossimg from before the ordered registry of uploads, entered
    /// in it (so ListMultipartUploads shows them).
    pub uploads_registered: usize,
    /// Whether the store honours create-if-absent (`If-None-Match: *`): when it does not
    /// (Garage 2.x), an object overwritten through the service at the very moment it is moved
    /// can lose that write, so run the migration while writes are paused.
    pub atomic: bool,
}

/// The name, in the per-segment layout of earlier versions, under which an S3 bucket of layout
/// 0 may hold `key` (`<bucket>/<segments…>` below the store's prefix).
pub fn legacy_name(bucket: &str, key: &str) -> String {
    format!("{bucket}/{}", keys::encode_key(key).join("/"))
}

impl Storage {
    /// Moves the objects of `bucket`, if it is an S3 bucket of layout 0, to the flat layout and
    /// marks it current (see the module doc), and enters uploads begun before the registry of
    /// uploads in it (`uploads`). On the local store: nothing.
    pub async fn migrate_bucket(&self, bucket: &str) -> Result<MigrateReport> {
        let mut report = MigrateReport {
            uploads_registered: self.register_existing_uploads(bucket).await?,
            ..MigrateReport::default()
        };
        if !self.legacy_bucket(bucket).await? {
            return Ok(report);
        }
        report.was_legacy = true;
        report.atomic = self.creates_atomically().await?;
        loop {
            let old = self.legacy_names(bucket).await?;
            if old.is_empty() {
                break;
            }
            for chunk in old.chunks(MOVES_IN_FLIGHT) {
                let moves = chunk.iter().map(|(path, key)| self.move_one(bucket, path, key));
                for r in futures_util::future::join_all(moves).await {
                    match r? {
                        Some(true) => report.moved += 1,
                        Some(false) => report.already_there += 1,
                        None => {}
                    }
                }
            }
        }
        self.update_bucket_config(bucket, |cfg| {
            let changed = cfg.layout < CURRENT_LAYOUT;
            cfg.layout = CURRENT_LAYOUT;
            Ok(changed)
        })
        .await?;
        self.inner
            .current_layout
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(bucket.to_string());
        Ok(report)
    }

    /// Whether the backing store honours create-if-absent (`If-None-Match: *`): a second
    /// create of the same name fails. Probed with a scratch object under `.ossimg/probe/`.
    pub async fn creates_atomically(&self) -> Result<bool> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = parse_path(&format!(".ossimg/probe/create-{}-{nanos}", std::process::id()))?;
        let create = || async {
            let opts = PutOptions { mode: PutMode::Create, ..Default::default() };
            self.store().put_opts(&path, PutPayload::from_static(b"probe"), opts).await
        };
        create().await.map_err(backend)?;
        let second = create().await;
        let _ = self.store().delete(&path).await;
        match second {
            Ok(_) => Ok(false),
            Err(object_store::Error::AlreadyExists { .. })
            | Err(object_store::Error::Precondition { .. }) => Ok(true),
            Err(e) => Err(backend(e)),
        }
    }

    /// Every object name of the earlier layout in `bucket`, with its key.
    async fn legacy_names(&self, bucket: &str) -> Result<Vec<(Path, String)>> {
        let dir = parse_path(bucket)?;
        let metas: Vec<object_store::ObjectMeta> =
            self.store().list(Some(&dir)).try_collect().await.map_err(backend)?;
        Ok(metas
            .into_iter()
            .filter_map(|m| {
                let parts: Vec<_> = m.location.parts().collect();
                if parts.first().map(|p| p.as_ref()) != Some(bucket) {
                    return None;
                }
                let key = keys::decode_key(parts[1..].iter().map(|p| p.as_ref()))?;
                Some((m.location, key))
            })
            .collect())
    }

    /// Moves the object at the old name `old` to its flat name: `Some(true)` when copied,
    /// `Some(false)` when the flat name was there already, `None` when the object went away
    /// meanwhile (deleted: nothing is left behind).
    async fn move_one(&self, bucket: &str, old: &Path, key: &str) -> Result<Option<bool>> {
        let flat = self.object_path(bucket, key)?;
        let exists = |p: Path| async move {
            match self.store().head(&p).await {
                Ok(m) => Ok(Some(m)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(backend(e)),
            }
        };
        // The ETag of the copy made here (`None`: the flat name was there already).
        let copied: Option<Option<String>> = if exists(flat.clone()).await?.is_some() {
            None
        } else {
            let r = match self.store().get_opts(old, GetOptions::default()).await {
                Ok(r) => r,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(backend(e)),
            };
            if r.meta.size <= SINGLE_PUT_MAX as u64 {
                let blob = r.bytes().await.map_err(backend)?;
                let opts = PutOptions { mode: PutMode::Create, ..Default::default() };
                match self.store().put_opts(&flat, PutPayload::from(blob), opts).await {
                    Ok(put) => Some(put.e_tag),
                    Err(object_store::Error::AlreadyExists { .. })
                    | Err(object_store::Error::Precondition { .. }) => None,
                    Err(e) => return Err(backend(e)),
                }
            } else {
                // Streamed (no create-if-absent for multipart uploads: the check above is all).
                let up = self.store().put_multipart(&flat).await.map_err(backend)?;
                let mut w = WriteMultipart::new_with_chunk_size(up, PART_SIZE);
                let mut body = r.into_stream();
                let fed: Result<()> = async {
                    while let Some(chunk) = body.try_next().await.map_err(backend)? {
                        w.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(backend)?;
                        w.put(chunk);
                    }
                    Ok(())
                }
                .await;
                if let Err(e) = fed {
                    let _ = w.abort().await;
                    return Err(e);
                }
                Some(w.finish().await.map_err(backend)?.e_tag)
            }
        };
        if let Some(ours) = &copied {
            if exists(old.clone()).await?.is_none() {
                // Deleted while being copied (the delete removed the flat name before the copy
                // made it): the copy goes too, unless a newer write replaced it since.
                if exists(flat.clone()).await?.is_some_and(|m| m.e_tag == *ours) {
                    match self.store().delete(&flat).await {
                        Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                        Err(e) => return Err(backend(e)),
                    }
                }
                return Ok(None);
            }
        }
        let copied = copied.is_some();
        match self.store().delete(old).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(Some(copied)),
            Err(e) => Err(internal(format!("{old}: {}", backend(e).message))),
        }
    }
}
