//! Helpers of the storage test targets (tests/storage.rs, tests/mounts.rs, the mount tests of
//! tests/api/ and tests/sdk/): temporary directories, every page of a listing, every file under
//! a directory.
#![allow(dead_code)] // each test target uses a different part

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use ossimg::storage::{ListQuery, Storage};

/// A fresh, empty directory under the system temp dir, removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// A new directory whose name contains `tag`.
    pub fn new(tag: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
        let p = std::env::temp_dir().join(format!(
            "ossimg-storage-{tag}-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Lists every page of a query, returning each page's (objects, common prefixes).
pub async fn all_pages(
    s: &Storage,
    bucket: &str,
    mut q: ListQuery,
) -> Vec<(Vec<String>, Vec<String>)> {
    let mut pages = Vec::new();
    loop {
        let p = s.list_objects(bucket, &q).await.unwrap();
        pages.push((p.objects.iter().map(|o| o.key.clone()).collect(), p.common_prefixes.clone()));
        if !p.is_truncated {
            assert_eq!(p.next_marker, None);
            return pages;
        }
        q.marker = p.next_marker.expect("a truncated page has a next marker");
        assert!(pages.len() < 100, "listing does not end");
    }
}

/// Every regular file under `dir`, relative to it, sorted.
pub fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}
