//! Store faults as OSS errors: a backing store that does not answer (connection refused or
//! reset, a timeout) is `503 ServiceUnavailable`, one out of space `507 InsufficientStorage`;
//! anything else is a `500 InternalError` keeping the cause. Also the start-up sweep of the
//! staging files a crash left in the local store.

use std::error::Error as StdError;
use std::path::Path;
use std::time::SystemTime;

use super::plain::is_staging;
use super::record::internal;
use crate::{Error, ErrorKind};

/// Linux `ENOSPC` and `EDQUOT`.
const ENOSPC: i32 = 28;
const EDQUOT: i32 = 122;

/// A backend failure as an OSS error (see the module doc).
pub(super) fn backend(e: object_store::Error) -> Error {
    classify(&e).unwrap_or_else(|| internal(e))
}

/// The 503 or 507 that `e` (or an error in its source chain) stands for, if any.
pub(super) fn classify(e: &(dyn StdError + 'static)) -> Option<Error> {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if matches!(io.raw_os_error(), Some(ENOSPC | EDQUOT))
                || matches!(
                    io.kind(),
                    std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
                )
            {
                return Some(out_of_space());
            }
        }
        if let Some(h) = err.downcast_ref::<object_store::client::HttpError>() {
            use object_store::client::HttpErrorKind as K;
            if matches!(h.kind(), K::Connect | K::Request | K::Timeout | K::Interrupted) {
                return Some(unavailable(err));
            }
        }
        cur = err.source();
    }
    None
}

/// The 507 of a full store.
pub(super) fn out_of_space() -> Error {
    Error::new(
        ErrorKind::InsufficientStorage,
        "The storage backing this service is full; nothing was written. Try again once space is freed.",
    )
}

/// The 503 of a store that does not answer. The cause (which names the store's address) goes
/// to the log, not to the client.
fn unavailable(cause: &dyn std::fmt::Display) -> Error {
    tracing::warn!("backing store unavailable: {cause}");
    Error::new(
        ErrorKind::ServiceUnavailable,
        "The storage backing this service does not answer; try again later.",
    )
}

/// Removes the staging files (`name#<digits>`: a put or upload in progress) under `root` that
/// are older than `before` — what a crash left — and returns how many. Every `#` of a stored
/// name is escaped (`keys`), so nothing else has that form. Files written after `before` (this
/// process's own puts in progress) are kept.
pub(super) fn sweep_staging(root: &Path, before: SystemTime) -> usize {
    let mut removed = 0;
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let Ok(ft) = entry.file_type() else { continue };
            let path = entry.path();
            if ft.is_dir() {
                dirs.push(path);
            } else if ft.is_file()
                && entry.file_name().to_str().is_some_and(is_staging)
                && entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < before)
                && std::fs::remove_file(&path).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_space_and_unreachable_are_classified() {
        let full = object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(std::io::Error::from_raw_os_error(ENOSPC)),
        };
        assert_eq!(backend(full).kind, ErrorKind::InsufficientStorage);
        let other = object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(std::io::Error::from_raw_os_error(13)),
        };
        assert_eq!(backend(other).kind, ErrorKind::InternalError);
    }

    #[test]
    fn sweep_removes_old_staging_files_only() {
        let dir = std::env::temp_dir().join(format!("ossimg-sweep-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("b/x")).unwrap();
        for f in ["b/a.jpg", "b/a.jpg#12", "b/x/part#7", "b/x/y%23"] {
            std::fs::write(dir.join(f), b"z").unwrap();
        }
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        assert_eq!(sweep_staging(&dir, SystemTime::UNIX_EPOCH), 0, "nothing older than 1970");
        assert_eq!(sweep_staging(&dir, later), 2);
        assert!(dir.join("b/a.jpg").exists() && dir.join("b/x/y%23").exists());
        assert!(!dir.join("b/a.jpg#12").exists() && !dir.join("b/x/part#7").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
