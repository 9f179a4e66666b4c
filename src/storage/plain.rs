//! Plain objects at a location named by a URL: a local folder (a path or `file:///dir`) or an
//! S3-compatible prefix (`s3://bucket/prefix`, endpoint, keys and region from the standard
//! `AWS_*` variables as object_store reads them). Plain means the bytes as they are — no ossimg
//! record trailer — so these are files people already have and files other tools read. What
//! `ossimg batch` reads its inputs from and writes its outputs to.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::{Error, ErrorKind, Result};

/// One plain object found by [`PlainStore::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainEntry {
    /// The path relative to the store's root, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
}

/// A folder or store prefix of plain objects.
#[derive(Clone)]
pub struct PlainStore {
    store: Arc<dyn ObjectStore>,
    /// The folder, for a local store.
    local_root: Option<std::path::PathBuf>,
    /// What the user named, for messages.
    location: String,
}

impl std::fmt::Debug for PlainStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PlainStore({})", self.location)
    }
}

/// A storage failure with what it concerned, as `500 InternalError` (the batch report shows the
/// message; nothing here reaches an HTTP client).
fn failed(what: impl std::fmt::Display, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::InternalError, format!("{what}: {e}"))
}

/// A relative `/`-separated path as an object_store path; `..`, empty segments and other
/// components object_store refuses are a `400 InvalidObjectName`.
fn object_path(rel: &str) -> Result<Path> {
    Path::parse(rel).map_err(|e| {
        Error::new(ErrorKind::InvalidObjectName, format!("\"{rel}\" is not a valid path: {e}"))
    })
}

impl PlainStore {
    /// Opens `location`: `s3://bucket[/prefix]`, `file:///dir`, or a local directory path
    /// (created when `create` is set, else it must exist).
    pub fn open(location: &str, create: bool) -> Result<PlainStore> {
        let usage = |m: String| Error::new(ErrorKind::InvalidArgument, m);
        let mut local_root = None;
        let store: Arc<dyn ObjectStore> = if let Some(rest) = location.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(usage(format!("{location}: no bucket in the URL")));
            }
            // reqwest has no bundled TLS provider (Cargo.toml): ring's, once.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let mut builder =
                object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
            if std::env::var("AWS_ENDPOINT_URL").is_ok_and(|e| e.starts_with("http://")) {
                builder = builder.with_allow_http(true);
            }
            let s3 = builder.build().map_err(|e| failed(location, e))?;
            let prefix = prefix.trim_matches('/');
            if prefix.is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(object_store::prefix::PrefixStore::new(s3, object_path(prefix)?))
            }
        } else {
            let dir = location.strip_prefix("file://").unwrap_or(location);
            if location.contains("://") && !location.starts_with("file://") {
                return Err(usage(format!(
                    "{location}: only s3:// and file:// URLs are supported"
                )));
            }
            if create {
                std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
            } else if !std::path::Path::new(dir).is_dir() {
                return Err(usage(format!("{dir} is not a directory")));
            }
            // Puts write a staging file and rename it: an interrupted write leaves no partial
            // output under the real name.
            let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)
                .map_err(|e| failed(dir, e))?;
            local_root = Some(std::path::PathBuf::from(dir));
            Arc::new(fs)
        };
        Ok(PlainStore { store, local_root, location: location.to_owned() })
    }

    /// The store itself (a mount serves it: `storage/mount.rs`).
    pub(super) fn object_store(&self) -> Arc<dyn ObjectStore> {
        Arc::clone(&self.store)
    }

    /// Where this store is, as the user named it.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Every object below the root, recursively, sorted by path (UTF-8 byte order). Staging
    /// files of interrupted local writes (`name#<n>`) are not objects and are left out.
    pub async fn list(&self) -> Result<Vec<PlainEntry>> {
        let mut entries: Vec<PlainEntry> = self
            .store
            .list(None)
            .map_ok(|m| PlainEntry { path: m.location.to_string(), size: m.size })
            .try_collect()
            .await
            .map_err(|e| failed(&self.location, e))?;
        entries.retain(|e| !is_staging(&e.path));
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(entries)
    }

    /// The bytes of `rel`; a missing object is `404 NoSuchKey`.
    pub async fn get(&self, rel: &str) -> Result<Bytes> {
        let path = object_path(rel)?;
        let got = self.store.get(&path).await.map_err(|e| self.error(rel, e))?;
        got.bytes().await.map_err(|e| self.error(rel, e))
    }

    /// The size of `rel`, or `None` when there is no such object.
    pub async fn size(&self, rel: &str) -> Result<Option<u64>> {
        match self.store.head(&object_path(rel)?).await {
            Ok(m) => Ok(Some(m.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error(rel, e)),
        }
    }

    /// Writes `bytes` as `rel`, replacing it whole: a local put writes a staging file and
    /// renames it, an S3 put is atomic, so a reader (or a resumed run) never sees part of it.
    pub async fn put(&self, rel: &str, bytes: Bytes) -> Result<()> {
        let path = object_path(rel)?;
        self.store
            .put(&path, PutPayload::from_bytes(bytes))
            .await
            .map_err(|e| self.error(rel, e))?;
        Ok(())
    }

    /// Deletes the staging files an interrupted run left for any of `names` (a local put killed
    /// between writing its staging file `name#<n>` and renaming it; object_store's listing does
    /// not show them, so the folder is walked); returns how many. Other files are never touched;
    /// a store prefix has none (S3 puts are atomic).
    pub async fn remove_staging(&self, names: &std::collections::HashSet<&str>) -> Result<usize> {
        let Some(root) = &self.local_root else {
            return Ok(0);
        };
        let mut removed = 0;
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    dirs.push(path);
                    continue;
                }
                let Some(rel) = path.strip_prefix(root).ok().and_then(|r| r.to_str()) else {
                    continue;
                };
                let rel = rel.replace(std::path::MAIN_SEPARATOR, "/");
                let ours = is_staging(&rel)
                    && rel.rsplit_once('#').is_some_and(|(name, _)| names.contains(name));
                if ours {
                    std::fs::remove_file(&path).map_err(|e| failed(path.display(), e))?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    fn error(&self, rel: &str, e: object_store::Error) -> Error {
        match e {
            object_store::Error::NotFound { .. } => Error::new(
                ErrorKind::NoSuchKey,
                format!("{rel} does not exist in {}", self.location),
            ),
            e => failed(format!("{} {rel}", self.location), e),
        }
    }
}

/// True for the staging files `LocalFileSystem` writes before renaming (`name#<digits>`).
pub(super) fn is_staging(path: &str) -> bool {
    path.rsplit_once('#')
        .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_folder_lists_reads_and_writes_plain_files() {
        let dir = std::env::temp_dir().join(format!("ossimg-plain-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        std::fs::write(dir.join("a/b/c.jpg"), b"jpeg").unwrap();
        std::fs::write(dir.join("top.png"), b"png!!").unwrap();
        std::fs::write(dir.join("left#123"), b"staging").unwrap();
        std::fs::write(dir.join("other#7"), b"staging").unwrap();
        let store = PlainStore::open(&format!("file://{}", dir.display()), false).unwrap();
        assert_eq!(
            store.list().await.unwrap(),
            vec![
                PlainEntry { path: "a/b/c.jpg".into(), size: 4 },
                PlainEntry { path: "top.png".into(), size: 5 }
            ]
        );
        assert_eq!(store.get("a/b/c.jpg").await.unwrap(), Bytes::from_static(b"jpeg"));
        assert_eq!(store.get("none").await.unwrap_err().kind, ErrorKind::NoSuchKey);
        assert_eq!(store.get("../x").await.unwrap_err().kind, ErrorKind::InvalidObjectName);
        assert_eq!(store.size("top.png").await.unwrap(), Some(5));
        assert_eq!(store.size("nope").await.unwrap(), None);
        // Writes are plain bytes on disk, directories made as needed.
        let out = PlainStore::open(dir.join("out").to_str().unwrap(), true).unwrap();
        out.put("x/y.webp", Bytes::from_static(b"RIFF")).await.unwrap();
        assert_eq!(std::fs::read(dir.join("out/x/y.webp")).unwrap(), b"RIFF");
        assert!(PlainStore::open(dir.join("missing").to_str().unwrap(), false).is_err());
        // Staging files of the named outputs only.
        let names: std::collections::HashSet<&str> = ["left"].into();
        assert_eq!(store.remove_staging(&names).await.unwrap(), 1);
        assert!(!dir.join("left#123").exists() && dir.join("other#7").exists());
        assert!(PlainStore::open("ftp://host/x", false).is_err());
        assert!(PlainStore::open("s3:///x", false).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
