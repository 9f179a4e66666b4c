//! ListObjects against an in-memory reference of OSS's rules, on every backend (memory, local,
//! and S3 when `OSSIMG_S3_ENDPOINT` names one — `.ci/garage.sh start`): random key sets built from
//! pieces that stress the store names (bytes that escape, `/` runs, unicode, `~` and `!` that
//! sort between escaped and kept bytes, DEL, long keys whose names are hashed), random queries
//! (prefix, delimiter, marker, small max-keys so pages end on common prefixes), every page of
//! the walk compared with the reference; then a random part of the keys is deleted and the walk
//! compared again. Plus the long-key cases of issue 17 (1023-byte keys round-trip and list).

use bytes::Bytes;
use ossimg::storage::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::BTreeSet;

#[path = "support/s3.rs"]
mod s3;
use s3::{s3_env, S3Env};
#[path = "support/storage.rs"]
mod storage;
use storage::TempDir;
#[path = "support/keygen.rs"]
mod keygen;
use keygen::{key_strategy, PIECES};

/// A query: prefix, delimiter and marker each drawn from pieces or from the keys themselves.
#[derive(Debug, Clone)]
struct Query {
    prefix: String,
    delimiter: String,
    marker: String,
    max_keys: usize,
}

fn query_strategy() -> impl Strategy<Value = (usize, usize, Query)> {
    let text = prop_oneof![
        3 => Just(String::new()),
        2 => proptest::sample::select(PIECES).prop_map(str::to_string),
    ];
    let delimiter = prop_oneof![
        2 => Just(String::new()),
        3 => Just("/".to_string()),
        1 => proptest::sample::select(&["a", "//", "é", "~", "!"][..]).prop_map(str::to_string),
    ];
    // (which key to take a prefix from, how much of it, the query)
    (any::<usize>(), any::<usize>(), text.clone(), delimiter, text, 1usize..5).prop_map(
        |(i, cut, prefix, delimiter, marker, max_keys)| {
            (i, cut, Query { prefix, delimiter, marker, max_keys })
        },
    )
}

/// OSS's rules, written plainly: keys after the marker with the prefix, rolled up at the
/// delimiter, a common prefix equal to the marker skipped, at most `max_keys` entries.
fn reference(keys: &BTreeSet<String>, q: &ListQuery) -> (Vec<String>, Vec<String>, Option<String>) {
    let (mut objects, mut prefixes) = (Vec::new(), Vec::<String>::new());
    let mut last = None;
    for k in keys.iter().filter(|k| k.starts_with(&q.prefix) && **k > q.marker) {
        let rest = &k[q.prefix.len()..];
        let cp = match rest.find(&q.delimiter) {
            Some(i) if !q.delimiter.is_empty() => {
                Some(format!("{}{}", q.prefix, &rest[..i + q.delimiter.len()]))
            }
            _ => None,
        };
        if cp.as_ref().is_some_and(|c| *c == q.marker || prefixes.last() == Some(c)) {
            continue;
        }
        if objects.len() + prefixes.len() == q.max_keys {
            return (objects, prefixes, last);
        }
        match cp {
            Some(c) => {
                last = Some(c.clone());
                prefixes.push(c);
            }
            None => {
                last = Some(k.clone());
                objects.push(k.clone());
            }
        }
    }
    (objects, prefixes, None)
}

/// Walks every page of `q` from the store and from the reference; they must agree page by page.
async fn compare_walk(
    s: &Storage,
    bucket: &str,
    keys: &BTreeSet<String>,
    mut q: ListQuery,
) -> Result<(), TestCaseError> {
    for _ in 0..=keys.len() + 1 {
        let page = s.list_objects(bucket, &q).await.map_err(|e| TestCaseError::fail(e.message))?;
        let (objects, prefixes, next) = reference(keys, &q);
        let got: Vec<String> = page.objects.iter().map(|o| o.key.clone()).collect();
        prop_assert_eq!(&got, &objects, "objects of {:?}", q);
        prop_assert_eq!(&page.common_prefixes, &prefixes, "prefixes of {:?}", q);
        prop_assert_eq!(page.is_truncated, next.is_some(), "truncation of {:?}", q);
        for o in &page.objects {
            // Each body is its key: the listed size is the object's own.
            prop_assert_eq!(o.size, o.key.len() as u64);
        }
        match next {
            Some(m) => {
                prop_assert_eq!(page.next_marker.as_ref(), Some(&m));
                q.marker = m;
            }
            None => return Ok(()),
        }
    }
    Err(TestCaseError::fail("the walk does not end"))
}

async fn put_all(s: &Storage, bucket: &str, keys: &BTreeSet<String>) {
    let keys: Vec<&String> = keys.iter().collect();
    for chunk in keys.chunks(16) {
        let puts = chunk.iter().map(|k| {
            let body = Bytes::copy_from_slice(k.as_bytes());
            s.put_object_bytes(bucket, k, body, ObjectMeta::default(), false)
        });
        for r in futures_util::future::join_all(puts).await {
            r.unwrap();
        }
    }
}

/// The property on one backend: `cases` random key sets and queries.
fn listing_matches_reference(s: Storage, cases: u32, tag: &str) {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut runner =
        TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let n = std::sync::atomic::AtomicU32::new(0);
    let strategy = (
        proptest::collection::btree_set(key_strategy(6), 0..24),
        proptest::collection::vec(query_strategy(), 3),
        proptest::collection::vec(any::<bool>(), 24),
    );
    runner
        .run(&strategy, |(keys, queries, drop)| {
            let bucket = format!("{tag}-{}", n.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
            rt.block_on(async {
                s.create_bucket(&bucket, Acl::Private, StorageClass::Standard).await.unwrap();
                put_all(&s, &bucket, &keys).await;
                let all: Vec<&String> = keys.iter().collect();
                let mut keys = keys.clone();
                for round in 0..2 {
                    for (i, cut, q) in &queries {
                        // A prefix cut from a key (often a key's own directory), when drawn.
                        let prefix = match (q.prefix.is_empty(), all.get(i % all.len().max(1))) {
                            (true, Some(k)) if i % 2 == 0 => {
                                let mut c = cut % (k.len() + 1);
                                while !k.is_char_boundary(c) {
                                    c -= 1;
                                }
                                k[..c].to_string()
                            }
                            _ => q.prefix.clone(),
                        };
                        let lq = ListQuery {
                            prefix,
                            delimiter: q.delimiter.clone(),
                            marker: q.marker.clone(),
                            max_keys: q.max_keys,
                        };
                        compare_walk(&s, &bucket, &keys, lq).await?;
                    }
                    if round == 0 {
                        for (k, d) in all.iter().zip(&drop) {
                            if *d {
                                s.delete_object(&bucket, k).await.unwrap();
                                keys.remove(*k);
                            }
                        }
                    }
                }
                Ok(())
            })
        })
        .unwrap();
}

#[test]
fn memory_listing_matches_the_reference() {
    listing_matches_reference(Storage::new(StorageConfig::Memory).unwrap(), 64, "mem");
}

#[test]
fn local_listing_matches_the_reference() {
    let dir = TempDir::new("props");
    let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
    listing_matches_reference(s, 24, "loc");
}

#[test]
fn s3_listing_matches_the_reference() {
    let Some(env) = s3_env("s3_listing_matches_the_reference") else { return };
    let s = Storage::new(env.config(&S3Env::fresh_prefix("ossimg-props"))).unwrap();
    listing_matches_reference(s, 12, "s3");
}

/// Issue 17 item 4: valid 1023-byte keys — plain, all `/` after one byte, all two-byte
/// characters — round-trip and list (alone, by prefix, after a marker, rolled up) on `s`.
async fn long_keys_round_trip_and_list(s: &Storage, slashes: bool) {
    s.create_bucket("long", Acl::Private, StorageClass::Standard).await.unwrap();
    let mut keys = vec![
        "k".repeat(1023),
        format!("{}x", "é".repeat(511)),
        format!("{}a", "k".repeat(1022)),
        format!("{}/b", "k".repeat(1021)),
    ];
    if slashes {
        // Escapes to ~3 KB: past S3's 1024-byte key limit unless bounded.
        keys.push(format!("a{}", "/".repeat(1022)));
        keys.push(format!("a{}b", "/".repeat(1021)));
    }
    for k in &keys {
        assert_eq!(k.len(), 1023);
        let body = Bytes::from(format!("body of {}", k.len()));
        s.put_object_bytes("long", k, body, ObjectMeta::default(), false).await.unwrap();
    }
    let sorted: BTreeSet<String> = keys.iter().cloned().collect();
    for k in &keys {
        let (info, body) = s.get_object("long", k, None).await.unwrap();
        assert_eq!((&info.key, body.bytes().await.unwrap()), (k, Bytes::from("body of 1023")));
        assert_eq!(s.head_object("long", k).await.unwrap().size, 12);
    }
    let listed = |p: ListPage| p.objects.into_iter().map(|o| o.key).collect::<Vec<_>>();
    let all = ListQuery { max_keys: 1000, ..ListQuery::default() };
    let all = s.list_objects("long", &all).await.unwrap();
    assert_eq!(listed(all), sorted.iter().cloned().collect::<Vec<_>>());
    // By prefix, after a marker, and one key per page.
    let q = ListQuery { prefix: "k".repeat(1000), max_keys: 1000, ..ListQuery::default() };
    let want: Vec<String> = sorted.iter().filter(|k| k.starts_with(&q.prefix)).cloned().collect();
    assert_eq!(listed(s.list_objects("long", &q).await.unwrap()), want);
    let mut q = ListQuery { max_keys: 1, ..ListQuery::default() };
    let mut walked = Vec::new();
    loop {
        let p = s.list_objects("long", &q).await.unwrap();
        let (t, next) = (p.is_truncated, p.next_marker.clone());
        walked.extend(listed(p));
        if !t {
            break;
        }
        q.marker = next.unwrap();
    }
    assert_eq!(walked, sorted.iter().cloned().collect::<Vec<_>>());
    let q = ListQuery { delimiter: "/".into(), max_keys: 1000, ..ListQuery::default() };
    let p = s.list_objects("long", &q).await.unwrap();
    let mut cps: Vec<String> =
        sorted.iter().filter_map(|k| k.find('/').map(|i| k[..=i].to_string())).collect();
    cps.dedup();
    assert_eq!(p.common_prefixes, cps);
    for k in &keys {
        s.delete_object("long", k).await.unwrap();
    }
    assert!(s.list_objects("long", &ListQuery::default()).await.unwrap().objects.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_long_keys() {
    long_keys_round_trip_and_list(&Storage::new(StorageConfig::Memory).unwrap(), true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_long_keys() {
    let dir = TempDir::new("long");
    let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
    // 1022 `/` escape past the file system's path limit: refused there (tests/storage.rs).
    long_keys_round_trip_and_list(&s, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_long_keys() {
    let Some(env) = s3_env("s3_long_keys") else { return };
    // A store prefix too: the names must fit beside it.
    let s = Storage::new(env.config(&S3Env::fresh_prefix("ossimg-long-keys"))).unwrap();
    long_keys_round_trip_and_list(&s, true).await;
}

/// The local index follows the objects across restarts: a reopened store lists what it held; an
/// index removed (or a data directory from before the index) is rebuilt from the object files;
/// two stores of one process on one directory share it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_index_is_rebuilt_from_the_objects() {
    let dir = TempDir::new("rebuild");
    let keys: BTreeSet<String> = (0..40).map(|i| format!("d{}/k{i:03}", i % 3)).collect();
    let q = ListQuery { max_keys: 1000, ..ListQuery::default() };
    let listed = |p: ListPage| p.objects.into_iter().map(|o| o.key).collect::<Vec<_>>();
    let want: Vec<String> = keys.iter().cloned().collect();
    {
        let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
        s.create_bucket("bkt", Acl::Private, StorageClass::Standard).await.unwrap();
        put_all(&s, "bkt", &keys).await;
        let twin = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
        assert_eq!(listed(twin.list_objects("bkt", &q).await.unwrap()), want);
    }
    let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
    assert_eq!(listed(s.list_objects("bkt", &q).await.unwrap()), want);
    drop(s);
    std::fs::remove_dir_all(dir.0.join(".ossimg/index")).unwrap();
    // A stray file in the bucket is no object, as before.
    std::fs::write(dir.0.join("bkt/README"), b"not ours").unwrap();
    let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
    let page = s.list_objects("bkt", &q).await.unwrap();
    assert_eq!(page.objects[0].size, "d0/k000".len() as u64);
    assert_eq!(listed(page), want);
}

/// An S3 bucket created before the flat layout (its configuration without `layout`, objects
/// under the per-segment names of `keys`) keeps working: its objects read, list in order beside
/// new ones, and a write or delete of such a key leaves no stale copy behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_objects_of_the_earlier_layout_are_read_and_listed() {
    use futures_util::StreamExt as _;
    use object_store::path::Path;
    use object_store::ObjectStoreExt as _;
    let Some(env) = s3_env("s3_objects_of_the_earlier_layout_are_read_and_listed") else { return };
    let prefix = S3Env::fresh_prefix("ossimg-legacy");
    let s = Storage::new(env.config(&prefix)).unwrap();
    let raw = env.store();
    let at = |p: &str| Path::parse(format!("{prefix}/{p}")).unwrap();
    // Objects as the earlier layout stored them: the same blobs (body + trailer) at the old
    // names. Written here through a scratch bucket, then moved.
    s.create_bucket("scratch", Acl::Private, StorageClass::Standard).await.unwrap();
    let old = [("a b/c.jpg", "a b%2F/c.jpg%"), ("a-z", "a-z%"), ("dir/", "dir%2F/%")];
    for (key, old_name) in old {
        let body = Bytes::from(format!("old {key}"));
        s.put_object_bytes("scratch", key, body, ObjectMeta::default(), false).await.unwrap();
        let flat = raw.list(Some(&at("scratch"))).next().await.unwrap().unwrap().location;
        let blob = raw.get(&flat).await.unwrap().bytes().await.unwrap();
        raw.put(&at(&format!("legacy/{old_name}")), blob.into()).await.unwrap();
        raw.delete(&flat).await.unwrap();
    }
    let cfg =
        br#"{"acl":"private","created":{"secs_since_epoch":1700000000,"nanos_since_epoch":0}}"#;
    raw.put(&at(".ossimg/buckets/legacy.json"), Bytes::from_static(cfg).into()).await.unwrap();
    assert_eq!(s.bucket("legacy").await.unwrap().layout, 0);
    // Read, and listed in key order beside an object written now.
    s.put_object_bytes("legacy", "a/new", Bytes::from("new"), ObjectMeta::default(), false)
        .await
        .unwrap();
    for (key, _) in old {
        let (_, body) = s.get_object("legacy", key, None).await.unwrap();
        assert_eq!(body.bytes().await.unwrap(), Bytes::from(format!("old {key}")));
    }
    let keys = |p: ListPage| p.objects.into_iter().map(|o| o.key).collect::<Vec<_>>();
    let page = s.list_objects("legacy", &ListQuery::default()).await.unwrap();
    assert_eq!(keys(page), ["a b/c.jpg", "a-z", "a/new", "dir/"]);
    let q = ListQuery { delimiter: "/".into(), marker: "a b/".into(), ..ListQuery::default() };
    let page = s.list_objects("legacy", &q).await.unwrap();
    assert_eq!(
        (keys(page.clone()), page.common_prefixes),
        (vec!["a-z".to_string()], vec!["a/".to_string(), "dir/".to_string()])
    );
    // A rewrite replaces the old copy; a delete removes it: nothing old comes back.
    s.put_object_bytes("legacy", "a-z", Bytes::from("v2"), ObjectMeta::default(), false)
        .await
        .unwrap();
    s.delete_object("legacy", "a b/c.jpg").await.unwrap();
    assert_eq!(kind_of(s.head_object("legacy", "a b/c.jpg").await), ossimg::ErrorKind::NoSuchKey);
    let (_, body) = s.get_object("legacy", "a-z", None).await.unwrap();
    assert_eq!(body.bytes().await.unwrap(), Bytes::from("v2"));
    let page = s.list_objects("legacy", &ListQuery::default()).await.unwrap();
    assert_eq!(keys(page), ["a-z", "a/new", "dir/"]);
    let old_names: Vec<_> =
        raw.list(Some(&at("legacy"))).map(|m| m.unwrap().location.to_string()).collect().await;
    assert!(!old_names.iter().any(|n| n.contains("a-z%") || n.contains("c.jpg%")), "{old_names:?}");
}

fn kind_of<T: std::fmt::Debug>(r: ossimg::Result<T>) -> ossimg::ErrorKind {
    r.expect_err("expected an error").kind
}
