//! The listing benchmark of `benches/list.sh` (issue 18), not a timed test: ignored unless asked
//! for (`cargo test --release --test listing_bench -- --ignored --nocapture`). Fills a bucket
//! through the storage API in-process (64 puts in flight) with `OSSIMG_BENCH_LOCAL_N` small
//! objects on the local store (default 100 000) and `OSSIMG_BENCH_S3_N` on S3 (default 20 000,
//! when `OSSIMG_S3_ENDPOINT` is set), keys `dNN/NNNNNNN.jpg` in 100 directories, then times one
//! page of 1 000 at the start, middle and end, a delimiter listing at the root (100 common
//! prefixes, each skipped whole) and a full walk in pages of 1 000; on S3 each listing on a new
//! instance (nothing cached), and the backing store's own LIST of 1 000 names at the same places. Then ListMultipartUploads the same way:
//! `OSSIMG_BENCH_S3_PREFIX` lists the bucket an earlier run filled under that prefix instead of
//! filling a new one. `OSSIMG_BENCH_UPLOADS_N` uploads in progress (default 20 000; a fifth of it on S3), a page of
//! 1 000 at the start, middle and end and a delimiter listing at the root. Prints one Markdown
//! table row per figure.

use bytes::Bytes;
use futures_util::StreamExt;
use ossimg::storage::*;
use std::time::{Duration, Instant};

#[path = "support/s3.rs"]
mod s3;
use s3::{s3_env, S3Env};
#[path = "support/storage.rs"]
mod storage;
use storage::TempDir;

fn env_n(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn key(i: usize) -> String {
    format!("d{:02}/{i:07}.jpg", i % 100)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The median of `runs` timings of `f`.
async fn median<F, Fut>(runs: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut t = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f().await;
        t.push(start.elapsed());
    }
    t.sort();
    t[runs / 2]
}

/// `fresh` gives the storage each timed listing runs on: on S3 a new instance each time, so no
/// page is served from the in-memory cache of listed objects an instance keeps.
async fn bench(
    s: &Storage,
    fresh: &dyn Fn() -> Storage,
    label: &str,
    n: usize,
    raw: Option<std::sync::Arc<dyn object_store::ObjectStore>>,
) {
    // An error: the bucket is there already (`OSSIMG_BENCH_S3_PREFIX`).
    let _ = s.create_bucket("bench", Acl::Private, StorageClass::Standard).await;
    let one = ListQuery { max_keys: 1, ..ListQuery::default() };
    if !s.list_objects("bench", &one).await.unwrap().objects.is_empty() {
        // A bucket an earlier run filled (`OSSIMG_BENCH_S3_PREFIX`): listed as it is.
        println!("| {label} | {n} | fill | (filled by an earlier run) |");
    } else {
        fill_bucket(s, label, n).await;
    }
    bench_rest(s, fresh, label, n, raw).await;
}

/// Fills the bucket `bench` with `n` objects of 100 bytes, 64 puts in flight.
async fn fill_bucket(s: &Storage, label: &str, n: usize) {
    let fill = Instant::now();
    futures_util::stream::iter(0..n)
        .map(|i| {
            let body = Bytes::from(vec![b'x'; 100]);
            async move {
                s.put_object_bytes("bench", &key(i), body, ObjectMeta::default(), false)
                    .await
                    .unwrap();
            }
        })
        .buffer_unordered(64)
        .collect::<()>()
        .await;
    let fill = fill.elapsed();
    println!(
        "| {label} | {n} | fill (64 in flight) | {:.1} s ({:.0} puts/s) |",
        fill.as_secs_f64(),
        n as f64 / fill.as_secs_f64()
    );
}

async fn bench_rest(
    s: &Storage,
    fresh: &dyn Fn() -> Storage,
    label: &str,
    n: usize,
    raw: Option<std::sync::Arc<dyn object_store::ObjectStore>>,
) {
    let settle = Instant::now();
    s.settle().await;
    if raw.is_some() {
        println!(
            "| {label} | {n} | listing cards still being written after the fill | {:.1} s |",
            settle.elapsed().as_secs_f64()
        );
    }
    let mut sorted: Vec<String> = (0..n).map(key).collect();
    sorted.sort();
    for (place, marker) in [
        ("start", String::new()),
        ("middle", sorted[n / 2].clone()),
        ("end", sorted[n.saturating_sub(1000)].clone()),
    ] {
        let q = ListQuery { marker: marker.clone(), max_keys: 1000, ..ListQuery::default() };
        let t = median(5, || async {
            let p = fresh().list_objects("bench", &q).await.unwrap();
            assert!(!p.objects.is_empty());
        })
        .await;
        println!("| {label} | {n} | page of 1 000 at the {place} | {} |", ms(t));
    }
    let q = ListQuery { delimiter: "/".into(), max_keys: 1000, ..ListQuery::default() };
    let t = median(3, || async {
        let p = fresh().list_objects("bench", &q).await.unwrap();
        assert_eq!(p.common_prefixes.len(), 100.min(n));
    })
    .await;
    println!("| {label} | {n} | delimiter `/` at the root (100 common prefixes) | {} |", ms(t));
    let walk = Instant::now();
    let s = &fresh();
    let mut q = ListQuery { max_keys: 1000, ..ListQuery::default() };
    let mut seen = 0;
    loop {
        let p = s.list_objects("bench", &q).await.unwrap();
        seen += p.objects.len();
        if !p.is_truncated {
            break;
        }
        q.marker = p.next_marker.unwrap();
    }
    let walk = walk.elapsed();
    assert_eq!(seen, n);
    println!(
        "| {label} | {n} | full walk, pages of 1 000 | {:.2} s ({:.1} µs per key) |",
        walk.as_secs_f64(),
        walk.as_secs_f64() * 1e6 / n as f64
    );
    if let Some(raw) = raw {
        // The backing store's own LIST of 1 000 names from the same places (one request).
        for (place, i) in [("start", 0), ("middle", n / 2), ("end", n.saturating_sub(1000))] {
            let dir = object_store::path::Path::from("bench");
            let first = s3_name_of(&sorted[i]);
            let off = object_store::path::Path::parse(format!("bench/{first}")).unwrap();
            let t = median(5, || async {
                let got: Vec<_> = raw.list_with_offset(Some(&dir), &off).take(1000).collect().await;
                assert!(!got.is_empty());
            })
            .await;
            println!(
                "| {label} | {n} | the store's own LIST of 1 000 at the {place} | {} |",
                ms(t)
            );
        }
    }
}

/// ListMultipartUploads at scale: `n` uploads in progress, keys `uNN/NNNNNNN.bin`.
async fn bench_uploads(s: &Storage, label: &str, n: usize) {
    let b = format!("bench-uploads-{}", std::process::id());
    let b = b.as_str();
    s.create_bucket(b, Acl::Private, StorageClass::Standard).await.unwrap();
    let ukey = |i: usize| format!("u{:02}/{i:07}.bin", i % 100);
    let fill = Instant::now();
    let mut ids: Vec<(String, String)> = futures_util::stream::iter(0..n)
        .map(|i| async move {
            let k = ukey(i);
            let id = s.initiate_multipart_upload(b, &k, ObjectMeta::default());
            (k.clone(), id.await.unwrap())
        })
        .buffer_unordered(64)
        .collect()
        .await;
    let fill = fill.elapsed();
    ids.sort();
    println!(
        "| {label} | {n} uploads | initiate (64 in flight) | {:.1} s ({:.0}/s) |",
        fill.as_secs_f64(),
        n as f64 / fill.as_secs_f64()
    );
    for (place, i) in
        [("start", None), ("middle", Some(n / 2)), ("end", Some(n.saturating_sub(1000)))]
    {
        let (key_marker, upload_id_marker) = i.map(|i| ids[i].clone()).unwrap_or_default();
        let q = UploadQuery { key_marker, upload_id_marker, max: 1000, ..UploadQuery::default() };
        let t = median(5, || async {
            let p = s.list_uploads(b, &q).await.unwrap();
            assert!(!p.entries.is_empty());
        })
        .await;
        println!(
            "| {label} | {n} uploads | ListMultipartUploads page of 1 000 at the {place} | {} |",
            ms(t)
        );
    }
    let q = UploadQuery { delimiter: "/".into(), max: 1000, ..UploadQuery::default() };
    let t = median(3, || async {
        let p = s.list_uploads(b, &q).await.unwrap();
        assert_eq!(p.entries.len(), 100.min(n));
    })
    .await;
    println!(
        "| {label} | {n} uploads | ListMultipartUploads, delimiter `/` at the root (100 common prefixes) | {} |",
        ms(t)
    );
}

/// The flat S3 name of a short key of only kept bytes, `/` and `.` (src/storage/layout.rs).
fn s3_name_of(key: &str) -> String {
    key.replace('/', "!2F").replace('.', "!2E")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a benchmark: benches/list.sh runs it"]
async fn listing_benchmark() {
    // Ends the harness's "test listing_benchmark ... " line: every row starts a line.
    println!();
    let n = env_n("OSSIMG_BENCH_LOCAL_N", 100_000);
    if n > 0 {
        let dir = TempDir::new("bench");
        let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
        bench(&s, &|| s.clone(), "local", n, None).await;
        bench_uploads(&s, "local", env_n("OSSIMG_BENCH_UPLOADS_N", 20_000)).await;
        let size: u64 = walk_size(&dir.0);
        println!(
            "| local | {n} | disk used (files + index, 100-byte bodies) | {:.0} bytes per object |",
            size as f64 / n as f64
        );
        let index = std::fs::metadata(dir.0.join(".ossimg/index/objects.redb")).unwrap().len();
        println!("| local | {n} | index file | {:.0} bytes per object |", index as f64 / n as f64);
        drop(s);
        std::fs::remove_dir_all(dir.0.join(".ossimg/index")).unwrap();
        let t = Instant::now();
        let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
        println!(
            "| local | {n} | index rebuilt from the objects at start-up | {:.1} s |",
            t.elapsed().as_secs_f64()
        );
        drop(s);
    }
    let n = env_n("OSSIMG_BENCH_S3_N", 20_000);
    if let (true, Some(env)) = (n > 0, s3_env("listing_benchmark")) {
        let prefix = std::env::var("OSSIMG_BENCH_S3_PREFIX")
            .unwrap_or_else(|_| S3Env::fresh_prefix("ossimg-bench"));
        let s = Storage::new(env.config(&prefix)).unwrap();
        let raw: std::sync::Arc<dyn object_store::ObjectStore> =
            std::sync::Arc::new(object_store::prefix::PrefixStore::new(
                env.store(),
                object_store::path::Path::from(prefix.as_str()),
            ));
        let fresh = || Storage::new(env.config(&prefix)).unwrap();
        bench(&s, &fresh, "s3 (Garage)", n, Some(raw)).await;
        bench_uploads(&s, "s3 (Garage)", env_n("OSSIMG_BENCH_UPLOADS_N", 20_000) / 5).await;
    }
}

/// Bytes of disk used under `dir` (allocated blocks).
fn walk_size(dir: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            total += m.blocks() * 512;
            if m.is_dir() {
                todo.push(e.path());
            }
        }
    }
    total
}
