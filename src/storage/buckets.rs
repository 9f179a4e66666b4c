//! Buckets: creation, deletion (only when empty), ListBuckets (the bucket-configuration files
//! alone, so its cost grows with the number of buckets, never with their objects) and the
//! bucket configuration (`.ossimg/buckets/<bucket>.json`: ACL, styles, IMG process
//! configuration, storage class, name layout), read in one request and updated by
//! read-modify-write.

use futures_util::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};
use std::time::SystemTime;

use super::record::internal;
use super::types::{Acl, BucketConfig, BucketInfo, StorageClass};
use super::{
    backend, bucket_exists, no_such_bucket, parse_path, validate_bucket_name, Storage, BUCKETS_DIR,
    CONFIG_ATTEMPTS, LIST_CONCURRENCY,
};
use crate::{Error, ErrorKind, Result};

impl Storage {
    pub(super) fn config_path(name: &str) -> Result<Path> {
        parse_path(&format!("{BUCKETS_DIR}/{name}.json"))
    }

    /// The stored configuration of bucket `name`; a mounted bucket always has one (its stored
    /// styles and process configuration, or a fresh one), with the mount's ACL.
    pub(super) async fn read_config(&self, name: &str) -> Result<Option<BucketConfig>> {
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
    pub(super) async fn require_bucket(&self, name: &str) -> Result<()> {
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
    pub(super) async fn put_if_absent(&self, path: &Path, payload: PutPayload) -> Result<bool> {
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
}
