//! The result cache (`ossimg::cache`): hits, the byte budget (least recently used out first),
//! single flight, restarts, files removed or damaged under it; and end to end through a real
//! `ossimg serve --cache-dir`: 16 concurrent identical requests run one job (counted by
//! `/metrics`), overwrites and deletes of the source are never answered from the cache, and the
//! cache survives a restart and its files being removed.

#[path = "sdk/server.rs"]
mod server;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ossimg::api::auth::{format_http_date, sign_v1_header, unix_seconds, SignedRequest};
use ossimg::cache::{CacheKey, Computed, Entry, Outcome, ResultCache};
use server::{header, http, Server, TempDir, AK, SK};

fn key(n: usize) -> CacheKey {
    CacheKey {
        bucket: "b".into(),
        key: format!("k{n}.jpg"),
        source_etag: "\"E\"".into(),
        process: "image/resize,w_10".into(),
    }
}

fn entry(len: usize, fill: u8) -> Entry {
    Entry { content_type: "image/jpeg".into(), body: vec![fill; len].into() }
}

/// Bytes of the regular files under `dir`, recursively.
fn disk_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let m = e.metadata().unwrap();
        total += if m.is_dir() { disk_bytes(&e.path()) } else { m.len() };
    }
    total
}

type Cache = ResultCache<String>;

#[tokio::test]
async fn hit_after_store_and_foreign_or_removed_files_are_misses() {
    let dir = TempDir::new("cache-hit");
    let cache = Cache::open(dir.path(), 1 << 20).unwrap();
    assert!(cache.get(&key(1)).await.is_none());
    cache.insert(&key(1), &entry(100, 7)).await;
    assert_eq!(cache.get(&key(1)).await, Some(entry(100, 7)));
    // Another source ETag is another key.
    let mut changed = key(1);
    changed.source_etag = "\"F\"".into();
    assert!(cache.get(&changed).await.is_none());
    // A damaged file is a miss, and is dropped.
    let file = walk(dir.path()).into_iter().find(|p| !p.starts_with(dir.path().join("tmp")));
    let file = file.expect("one entry file");
    std::fs::write(&file, b"garbage").unwrap();
    assert!(cache.get(&key(1)).await.is_none());
    assert!(!file.exists());
    assert_eq!((cache.len(), cache.bytes()), (0, 0));
    // The whole directory removed under it: misses, then it stores again.
    cache.insert(&key(2), &entry(100, 2)).await;
    std::fs::remove_dir_all(dir.path()).unwrap();
    assert!(cache.get(&key(2)).await.is_none());
    assert_eq!(cache.len(), 0);
    cache.insert(&key(3), &entry(100, 3)).await;
    assert_eq!(cache.get(&key(3)).await, Some(entry(100, 3)));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[tokio::test]
async fn budget_holds_and_least_recently_used_goes_first() {
    let dir = TempDir::new("cache-budget");
    // Each entry is 3000 body bytes plus a header of under 100: three fit in 10 000, four not.
    let cache = Cache::open(dir.path(), 10_000).unwrap();
    for n in 0..3 {
        cache.insert(&key(n), &entry(3000, n as u8)).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(cache.len(), 3);
    // Using 0 makes 1 the least recently used.
    assert!(cache.get(&key(0)).await.is_some());
    cache.insert(&key(3), &entry(3000, 3)).await;
    assert!(cache.get(&key(1)).await.is_none(), "the least recently used entry was evicted");
    for n in [0, 2, 3] {
        assert!(cache.get(&key(n)).await.is_some(), "entry {n} kept");
    }
    for n in 4..20 {
        cache.insert(&key(n), &entry(3000, n as u8)).await;
    }
    assert!(cache.bytes() <= 10_000, "index says {}", cache.bytes());
    assert!(disk_bytes(dir.path()) <= 10_000, "disk holds {}", disk_bytes(dir.path()));
    assert_eq!(cache.len(), 3);
    // Larger than the whole budget: never stored.
    cache.insert(&key(99), &entry(20_000, 1)).await;
    assert!(cache.get(&key(99)).await.is_none());
}

#[tokio::test]
async fn survives_a_restart_within_a_smaller_budget() {
    let dir = TempDir::new("cache-restart");
    {
        let cache = Cache::open(dir.path(), 1 << 20).unwrap();
        for n in 0..4 {
            cache.insert(&key(n), &entry(1000, n as u8)).await;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // 0 used last.
        assert!(cache.get(&key(0)).await.is_some());
    }
    // A staging file left by a crash is cleared.
    std::fs::write(dir.path().join("tmp").join("leftover"), b"x").unwrap();
    let cache = Cache::open(dir.path(), 1 << 20).unwrap();
    assert_eq!(cache.len(), 4);
    assert_eq!(cache.get(&key(2)).await, Some(entry(1000, 2)));
    assert!(!dir.path().join("tmp").join("leftover").exists());
    drop(cache);
    // Reopened with room for two: the two most recently used stay (2, then 0).
    let cache = Cache::open(dir.path(), 2500).unwrap();
    assert_eq!(cache.len(), 2);
    assert!(cache.get(&key(2)).await.is_some());
    assert!(cache.get(&key(0)).await.is_some());
    assert!(cache.get(&key(1)).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn identical_concurrent_requests_compute_once() {
    let dir = TempDir::new("cache-flight");
    let cache = Arc::new(Cache::open(dir.path(), 1 << 20).unwrap());
    let runs = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (cache, runs) = (cache.clone(), runs.clone());
        tasks.push(tokio::spawn(async move {
            cache
                .get_or_compute(&key(1), || async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Ok(Computed { entry: entry(500, 9), store: true })
                })
                .await
        }));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        let (r, outcome) = t.await.unwrap();
        assert_eq!(r.unwrap(), entry(500, 9));
        outcomes.push(outcome);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(outcomes.iter().filter(|o| **o == Outcome::Computed).count(), 1);
    let (_, again) = cache.get_or_compute(&key(1), || async { Err("not run".to_string()) }).await;
    assert_eq!(again, Outcome::Hit);

    // An error is shared by the waiters too, and not stored: the next request computes again.
    let runs = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (cache, runs) = (cache.clone(), runs.clone());
        tasks.push(tokio::spawn(async move {
            cache
                .get_or_compute(&key(2), || async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Err::<Computed, _>("ImageDamage".to_string())
                })
                .await
                .0
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), Err("ImageDamage".to_string()));
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    // `store: false` answers without storing.
    let (r, _) = cache
        .get_or_compute(&key(3), || async { Ok(Computed { entry: entry(10, 1), store: false }) })
        .await;
    assert_eq!(r.unwrap(), entry(10, 1));
    assert!(cache.get(&key(3)).await.is_none());
}

// ---- end to end ----

const BUCKET: &str = "cached";

fn signed(method: &str, key: Option<&str>, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut headers = vec![("Date".to_string(), format_http_date(unix_seconds(SystemTime::now())))];
    headers.extend(extra.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    let req = SignedRequest { method, bucket: Some(BUCKET), key, query: &[], headers: &headers };
    let auth = sign_v1_header(&req, AK, SK);
    headers.push(("Authorization".into(), auth));
    headers
}

fn put(server: &Server, key: &str, body: &[u8]) {
    let (status, _, b) =
        http(server.addr, "PUT", &format!("/{BUCKET}/{key}"), &signed("PUT", Some(key), &[]), body)
            .unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&b));
}

const PROCESS: &str = "image/resize,w_200/blur,r_3,s_2";

/// An anonymous processed GET (the bucket is public-read): (status, headers, body).
fn processed(server: &Server, key: &str) -> server::Reply {
    http(server.addr, "GET", &format!("/{BUCKET}/{key}?x-oss-process={PROCESS}"), &[], &[]).unwrap()
}

/// The sum of every series of `name` in the Prometheus text of `/metrics`.
fn metric(server: &Server, name: &str) -> f64 {
    let (status, _, body) = http(server.addr, "GET", "/metrics", &[], &[]).unwrap();
    assert_eq!(status, 200, "/metrics: {}", String::from_utf8_lossy(&body));
    let text = String::from_utf8(body).unwrap();
    let mut total = 0.0;
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (series, value) = line.rsplit_once(' ').expect("name value");
        let series_name = series.split('{').next().unwrap();
        if series_name == name {
            total += value.parse::<f64>().expect("a number");
        }
    }
    total
}

fn start(data: &Path, cache: &Path) -> Server {
    Server::start(data, &["--cache-dir", cache.to_str().unwrap(), "--cache-max-bytes", "64M"])
}

#[test]
fn served_through_the_cache_end_to_end() {
    let (data, cache_dir) = (TempDir::new("cache-e2e-data"), TempDir::new("cache-e2e"));
    let server = start(data.path(), cache_dir.path());
    let acl = [("x-oss-acl", "public-read")];
    let (status, _, _) =
        http(server.addr, "PUT", &format!("/{BUCKET}/"), &signed("PUT", None, &acl), &[]).unwrap();
    assert_eq!(status, 200);
    let photo =
        std::fs::read(format!("{}/tests/data/hopper.jpg", env!("CARGO_MANIFEST_DIR"))).unwrap();
    put(&server, "a.jpg", &photo);

    // 16 identical requests at once: one job.
    let jobs = metric(&server, "ossimg_jobs_total");
    let addr = server.addr;
    let threads: Vec<_> = (0..16)
        .map(|_| {
            std::thread::spawn(move || {
                http(addr, "GET", &format!("/{BUCKET}/a.jpg?x-oss-process={PROCESS}"), &[], &[])
                    .unwrap()
            })
        })
        .collect();
    let replies: Vec<server::Reply> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    for (status, _, body) in &replies {
        assert_eq!(*status, 200, "{}", String::from_utf8_lossy(body));
        assert_eq!(body, &replies[0].2, "every answer has the same bytes");
    }
    assert_eq!(metric(&server, "ossimg_jobs_total") - jobs, 1.0, "one job for 16 requests");
    let first = replies[0].2.clone();
    let etag = header(&replies[0].1, "etag").unwrap().to_string();

    // A hit: no job, same bytes.
    let hits = metric(&server, "ossimg_result_cache_hits_total");
    let (status, h, body) = processed(&server, "a.jpg");
    assert_eq!((status, &body), (200, &first));
    assert_eq!(header(&h, "etag"), Some(etag.as_str()));
    assert_eq!(metric(&server, "ossimg_jobs_total") - jobs, 1.0);
    assert_eq!(metric(&server, "ossimg_result_cache_hits_total") - hits, 1.0);
    assert!(metric(&server, "ossimg_result_cache_bytes") >= first.len() as f64);

    // Overwritten with another image: a new job, new bytes, a new ETag.
    let other =
        std::fs::read(format!("{}/tests/data/cat.jpg", env!("CARGO_MANIFEST_DIR"))).unwrap();
    put(&server, "a.jpg", &other);
    let (status, h, body) = processed(&server, "a.jpg");
    assert_eq!(status, 200);
    assert_ne!(body, first);
    assert_ne!(header(&h, "etag"), Some(etag.as_str()));
    assert_eq!(metric(&server, "ossimg_jobs_total") - jobs, 2.0);
    let second = body;

    // Deleted: 404, never the cached variant.
    let (status, _, _) = http(
        server.addr,
        "DELETE",
        &format!("/{BUCKET}/a.jpg"),
        &signed("DELETE", Some("a.jpg"), &[]),
        &[],
    )
    .unwrap();
    assert_eq!(status, 204);
    let (status, _, body) = processed(&server, "a.jpg");
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));
    put(&server, "a.jpg", &other);

    // A restart keeps the cache: the same answer without a job.
    server.kill();
    let server = start(data.path(), cache_dir.path());
    let jobs = metric(&server, "ossimg_jobs_total");
    let (status, _, body) = processed(&server, "a.jpg");
    assert_eq!((status, &body), (200, &second));
    assert_eq!(metric(&server, "ossimg_jobs_total") - jobs, 0.0, "answered from the cache");

    // Its files removed under it: answered by a job again, and cached again.
    for e in std::fs::read_dir(cache_dir.path()).unwrap().flatten() {
        let _ = std::fs::remove_dir_all(e.path());
    }
    let (status, _, body) = processed(&server, "a.jpg");
    assert_eq!((status, &body), (200, &second));
    assert_eq!(metric(&server, "ossimg_jobs_total") - jobs, 1.0);
    let (status, _, body) = processed(&server, "a.jpg");
    assert_eq!((status, &body), (200, &second));
    assert_eq!(metric(&server, "ossimg_jobs_total") - jobs, 1.0);
}
