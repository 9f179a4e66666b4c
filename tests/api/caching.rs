//! HTTP caching of processed results (issue 14 item 5): a strong ETag from the source's ETag and
//! the canonical process string, the same on two instances sharing one store and new when the
//! source changes; `If-None-Match` → `304` without processing; the source's `Last-Modified`;
//! `Cache-Control` per bucket or the source's own. Also the result cache behind the router.

use std::collections::HashMap;
use std::sync::Arc;

use ossimg::api::ResultCaching;
use ossimg::cache::ResultCache;
use ossimg::storage::{Storage, StorageConfig};

use crate::harness::*;
use crate::processing::{server, PHOTO};

/// A directory under the system temp dir, removed when dropped.
struct Tmp(std::path::PathBuf);

impl Tmp {
    fn new(tag: &str) -> Tmp {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p =
            std::env::temp_dir().join(format!("ossimg-api-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        Tmp(p)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `"` + 32 upper-case hex digits + `"`, as OSS writes ETags.
#[track_caller]
fn assert_strong_etag(etag: &str) {
    let hex = etag.strip_prefix('"').and_then(|e| e.strip_suffix('"')).expect("quoted");
    assert!(hex.len() == 32 && hex.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
}

#[tokio::test]
async fn etag_and_304_on_processed_results() {
    let s = server().await;
    let get = |p: &'static str| s.get("img/photo.jpg").q("x-oss-process", p);
    let r = get("image/resize,w_100").send().await;
    r.status(200).has("last-modified", "Tue, 14 Nov 2023 22:13:20 GMT");
    let etag = r.header("etag").unwrap().to_string();
    assert_strong_etag(&etag);
    // The same request, the same ETag; the canonical string decides, not its spelling.
    get("image/resize,w_100").send().await.has("etag", &etag);
    get("image/resize,w_100/").send().await.has("etag", &etag);
    // Another process string, another ETag.
    let other = get("image/resize,w_101").send().await;
    assert_ne!(other.header("etag"), Some(etag.as_str()));
    // If-None-Match with it (quoted or not, in a list): 304, no body, the validators.
    for tag in [etag.clone(), etag.trim_matches('"').to_lowercase(), format!("\"x\", {etag}")] {
        let r = get("image/resize,w_100").h("If-None-Match", &tag).send().await;
        r.status(304).has("etag", &etag).has("last-modified", "Tue, 14 Nov 2023 22:13:20 GMT");
        assert!(r.body.is_empty());
    }
    // A tag that does not match: the result.
    get("image/resize,w_100").h("If-None-Match", "\"0000\"").send().await.status(200);
    // If-Modified-Since at or after the source's time: 304; an If-Match that fails: 412.
    get("image/resize,w_100")
        .h("If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT")
        .send()
        .await
        .status(304);
    get("image/resize,w_100").h("If-Match", "\"0000\"").send().await.err(412, "PreconditionFailed");
    get("image/resize,w_100").h("If-Match", &etag).send().await.status(200);
    // The source's own ETag is not the result's: the rule of tests/api/processing.rs holds.
    let src = s.head("img/photo.jpg").send().await.header("etag").unwrap().to_string();
    get("image/resize,w_100").h("If-None-Match", &src).send().await.status(200);
    // Plain GETs keep GetObject's validators.
    s.get("img/photo.jpg").h("If-None-Match", &src).send().await.status(304);

    // A changed source: a new ETag, and the old one no longer matches.
    s.put("img/photo.jpg").body(data("hopper.jpg")).send().await.status(200);
    let r = get("image/resize,w_100").h("If-None-Match", &etag).send().await;
    r.status(200);
    assert_ne!(r.header("etag"), Some(etag.as_str()));
    // A deleted source: 404, whatever the client holds.
    s.delete("img/photo.jpg").send().await.status(204);
    get("image/resize,w_100").h("If-None-Match", &etag).send().await.err(404, "NoSuchKey");
}

#[tokio::test]
async fn if_none_match_answers_without_processing() {
    let s = server().await;
    // A source that cannot be decoded: processing it fails, a 304 never gets that far.
    s.put("img/bad.jpg").body(b"\xff\xd8\xff not a jpeg").send().await.status(200);
    let p = "image/resize,w_100";
    let r = s.get("img/bad.jpg").q("x-oss-process", p).send().await;
    assert_eq!(r.status / 100, 4, "undecodable source fails: {}", r.status);
    let src_etag = s.head("img/bad.jpg").send().await.header("etag").unwrap().to_string();
    let settings = ossimg::plan::Options::default();
    let etag = ossimg::api::result_etag(&src_etag, "image/resize,w_100", "", &settings);
    s.get("img/bad.jpg").q("x-oss-process", p).h("If-None-Match", &etag).send().await.status(304);
}

#[tokio::test]
async fn two_instances_on_one_store_answer_one_etag() {
    let dir = Tmp::new("two");
    let store = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
    let (a, b) = {
        let (s1, s2) = (store.clone(), store.clone());
        (Server::with_storage(move |_| s1), Server::with_storage(move |_| s2))
    };
    a.bucket("img").await;
    a.put("img/photo.jpg").body(data(PHOTO)).send().await.status(200);
    fn get(s: &Server) -> Req<'_> {
        s.get("img/photo.jpg").q("x-oss-process", "image/resize,w_80/format,png")
    }
    let ra = get(&a).send().await;
    let rb = get(&b).send().await;
    ra.status(200);
    rb.status(200);
    let etag = ra.header("etag").unwrap().to_string();
    assert_eq!(rb.header("etag"), Some(etag.as_str()));
    assert_eq!(ra.body, rb.body);
    assert_eq!(ra.header("last-modified"), rb.header("last-modified"));
    // A client that read through A revalidates through B.
    get(&b).h("If-None-Match", &etag).send().await.status(304).has("etag", &etag);
    // Overwritten through B: both answer a new ETag.
    b.put("img/photo.jpg").body(data("hopper.jpg")).send().await.status(200);
    let ra = get(&a).h("If-None-Match", &etag).send().await;
    ra.status(200);
    let new = ra.header("etag").unwrap().to_string();
    assert_ne!(new, etag);
    get(&b).send().await.has("etag", &new);
}

#[tokio::test]
async fn cache_control_per_bucket_or_the_source_s() {
    let s = Server::with_results(ResultCaching {
        cache: None,
        cache_control: HashMap::from([("cdn".to_string(), "public, max-age=86400".to_string())]),
    });
    for b in ["cdn", "plain"] {
        s.bucket(b).await;
        s.put(&format!("{b}/photo.jpg")).body(data(PHOTO)).send().await.status(200);
        s.put(&format!("{b}/own.jpg"))
            .h("Cache-Control", "max-age=60")
            .body(data(PHOTO))
            .send()
            .await
            .status(200);
    }
    let get = |t: &str| s.get(t).q("x-oss-process", "image/resize,w_20");
    get("cdn/photo.jpg").send().await.status(200).has("cache-control", "public, max-age=86400");
    get("cdn/own.jpg").send().await.has("cache-control", "public, max-age=86400");
    // Without a setting: the source's stored Cache-Control, as GetObject sends it, or none.
    get("plain/own.jpg").send().await.status(200).has("cache-control", "max-age=60");
    get("plain/photo.jpg").send().await.status(200).lacks("cache-control");
    // On a 304 too.
    let etag = get("cdn/photo.jpg").send().await.header("etag").unwrap().to_string();
    get("cdn/photo.jpg")
        .h("If-None-Match", &etag)
        .send()
        .await
        .status(304)
        .has("cache-control", "public, max-age=86400");
}

#[tokio::test]
async fn result_cache_behind_the_router() {
    let dir = Tmp::new("router-cache");
    let cache = Arc::new(ResultCache::open(&dir.0, 1 << 20).unwrap());
    let s =
        Server::with_results(ResultCaching { cache: Some(cache.clone()), ..Default::default() });
    s.bucket("img").await;
    s.put("img/photo.jpg").body(data(PHOTO)).send().await.status(200);
    let get = || s.get("img/photo.jpg").q("x-oss-process", "image/resize,w_60");
    let first = get().send().await;
    first.status(200);
    assert_eq!(cache.len(), 1);
    let again = get().send().await;
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.header("x-oss-hash-crc64ecma"), first.header("x-oss-hash-crc64ecma"));
    // Access rules still apply to a cached variant: the bucket is private.
    get().anon().send().await.err(403, "AccessDenied");
    // Overwritten: a new variant (another key), never the cached one.
    s.put("img/photo.jpg").body(data("hopper.jpg")).send().await.status(200);
    let changed = get().send().await;
    changed.status(200);
    assert_ne!(changed.body, first.body);
    assert_eq!(cache.len(), 2);
    // Deleted: 404 with the IMG EC.
    s.delete("img/photo.jpg").send().await.status(204);
    get().send().await.err(404, "NoSuchKey").ec("0040-00000024");
}
