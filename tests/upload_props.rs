//! ListMultipartUploads against an in-memory reference of OSS's rules, on every backend (memory,
//! local, and S3 when `OSSIMG_S3_ENDPOINT` names one — `.ci/garage.sh start`), issue 18: random
//! key sets from pieces that stress the store names (bytes that escape, `/` runs, unicode, long
//! keys whose marker names are hashed), one to three uploads per key, random queries (prefix,
//! delimiter, key marker, upload-ID marker, small max-uploads so pages end on common prefixes),
//! every page of the walk compared with the reference; then a random part of the uploads is
//! completed or aborted and the walk compared again. Plus the local registry across restarts.

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
use keygen::key_strategy;

/// One entry as the reference and the test compare it: `(key or prefix, upload ID or "")`.
type Row = (String, String);

/// OSS's rules, written plainly: uploads after `(key marker, upload-ID marker)` with the
/// prefix, rolled up at the delimiter, a common prefix equal to the key marker skipped, at most
/// `max` entries; and where the next page starts when there are more.
fn reference(uploads: &BTreeSet<Row>, q: &UploadQuery) -> (Vec<Row>, Option<Row>) {
    let mut rows: Vec<Row> = Vec::new();
    let mut last_prefix: Option<String> = None;
    for (k, id) in uploads.iter().filter(|(k, _)| k.starts_with(&q.prefix)) {
        let after = q.key_marker.is_empty()
            || *k > q.key_marker
            || (*k == q.key_marker && !q.upload_id_marker.is_empty() && *id > q.upload_id_marker);
        if !after {
            continue;
        }
        let rest = &k[q.prefix.len()..];
        let cp = match rest.find(&q.delimiter) {
            Some(i) if !q.delimiter.is_empty() => {
                Some(format!("{}{}", q.prefix, &rest[..i + q.delimiter.len()]))
            }
            _ => None,
        };
        if cp.as_ref().is_some_and(|c| *c == q.key_marker || last_prefix.as_ref() == Some(c)) {
            continue;
        }
        if rows.len() == q.max {
            return (rows.clone(), rows.last().cloned());
        }
        match cp {
            Some(c) => {
                last_prefix = Some(c.clone());
                rows.push((c, String::new()));
            }
            None => {
                last_prefix = None;
                rows.push((k.clone(), id.clone()));
            }
        }
    }
    (rows, None)
}

fn rows(page: &UploadsPage) -> Vec<Row> {
    page.entries
        .iter()
        .map(|e| match e {
            UploadListed::Upload(u) => (u.key.clone(), u.upload_id.clone()),
            UploadListed::Prefix(p) => (p.clone(), String::new()),
        })
        .collect()
}

/// Walks every page of `q` from the store and from the reference; they must agree page by page.
async fn compare_walk(
    s: &Storage,
    bucket: &str,
    uploads: &BTreeSet<Row>,
    mut q: UploadQuery,
) -> Result<(), TestCaseError> {
    for _ in 0..=uploads.len() + 1 {
        let page = s.list_uploads(bucket, &q).await.map_err(|e| TestCaseError::fail(e.message))?;
        let (want, next) = reference(uploads, &q);
        prop_assert_eq!(&rows(&page), &want, "entries of {:?}", q);
        prop_assert_eq!(page.truncated, next.is_some(), "truncation of {:?}", q);
        match next {
            Some((key, id)) => {
                prop_assert_eq!((&page.next_key_marker, &page.next_upload_id_marker), (&key, &id));
                q.key_marker = key;
                q.upload_id_marker = id;
            }
            None => {
                prop_assert_eq!(
                    (page.next_key_marker.as_str(), page.next_upload_id_marker.as_str()),
                    ("", "")
                );
                return Ok(());
            }
        }
    }
    Err(TestCaseError::fail("the walk does not end"))
}

/// A query, its markers drawn from the uploads themselves.
#[derive(Debug, Clone)]
struct Drawn {
    prefix_from: Option<(usize, usize)>,
    delimiter: String,
    marker_from: Option<usize>,
    with_id: bool,
    max: usize,
}

fn query_strategy() -> impl Strategy<Value = Drawn> {
    let delimiter = prop_oneof![
        2 => Just(String::new()),
        3 => Just("/".to_string()),
        1 => proptest::sample::select(&["a", "//", "é", "~", "\0"][..]).prop_map(str::to_string),
    ];
    (
        proptest::option::of((any::<usize>(), any::<usize>())),
        delimiter,
        proptest::option::of(any::<usize>()),
        any::<bool>(),
        1usize..5,
    )
        .prop_map(|(prefix_from, delimiter, marker_from, with_id, max)| Drawn {
            prefix_from,
            delimiter,
            marker_from,
            with_id,
            max,
        })
}

impl Drawn {
    fn query(&self, uploads: &[Row]) -> UploadQuery {
        let pick = |i: usize| uploads.get(i % uploads.len().max(1));
        let prefix = match self.prefix_from.and_then(|(i, cut)| pick(i).map(|r| (r, cut))) {
            Some(((k, _), cut)) => {
                let mut c = cut % (k.len() + 1);
                while !k.is_char_boundary(c) {
                    c -= 1;
                }
                k[..c].to_string()
            }
            None => String::new(),
        };
        let (key_marker, upload_id_marker) = match self.marker_from.and_then(pick) {
            Some((k, id)) if self.with_id => (k.clone(), id.clone()),
            Some((k, _)) => (k.clone(), String::new()),
            None => (String::new(), String::new()),
        };
        UploadQuery {
            prefix,
            delimiter: self.delimiter.clone(),
            key_marker,
            upload_id_marker,
            max: self.max,
        }
    }
}

/// The property on one backend: `cases` random upload sets and queries.
fn listing_matches_reference(s: Storage, cases: u32, tag: &str) {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut runner =
        TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let n = std::sync::atomic::AtomicU32::new(0);
    let strategy = (
        proptest::collection::btree_set(key_strategy(5), 0..12),
        proptest::collection::vec(1usize..4, 12),
        proptest::collection::vec(query_strategy(), 3),
        proptest::collection::vec(0u8..3, 36),
    );
    runner
        .run(&strategy, |(keys, counts, queries, fate)| {
            let bucket = format!("{tag}-{}", n.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
            rt.block_on(async {
                s.create_bucket(&bucket, Acl::Private, StorageClass::Standard).await.unwrap();
                let mut uploads = BTreeSet::new();
                for (k, c) in keys.iter().zip(&counts) {
                    for _ in 0..*c {
                        let id = s.initiate_multipart_upload(&bucket, k, ObjectMeta::default());
                        uploads.insert((k.clone(), id.await.unwrap()));
                    }
                }
                let drawn: Vec<Row> = uploads.iter().cloned().collect();
                for round in 0..2 {
                    for d in &queries {
                        compare_walk(&s, &bucket, &uploads, d.query(&drawn)).await?;
                    }
                    if round == 0 {
                        // Some uploads end: completed (the object appears) or aborted.
                        for ((k, id), f) in drawn.iter().zip(&fate) {
                            match f {
                                1 => {
                                    let body =
                                        futures_util::stream::iter([Ok::<_, std::io::Error>(
                                            Bytes::from_static(b"part"),
                                        )]);
                                    s.upload_part(&bucket, k, id, 1, body, None).await.unwrap();
                                    s.complete_multipart_upload(&bucket, k, id, None, false)
                                        .await
                                        .unwrap();
                                }
                                2 => s.abort_multipart_upload(&bucket, k, id).await.unwrap(),
                                _ => continue,
                            }
                            uploads.remove(&(k.clone(), id.clone()));
                        }
                    }
                }
                Ok(())
            })
        })
        .unwrap();
}

#[test]
fn memory_uploads_match_the_reference() {
    listing_matches_reference(Storage::new(StorageConfig::Memory).unwrap(), 48, "mem");
}

#[test]
fn local_uploads_match_the_reference() {
    let dir = TempDir::new("uploads");
    let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
    listing_matches_reference(s, 24, "loc");
}

#[test]
fn s3_uploads_match_the_reference() {
    let Some(env) = s3_env("s3_uploads_match_the_reference") else { return };
    let s = Storage::new(env.config(&S3Env::fresh_prefix("ossimg-uploads"))).unwrap();
    listing_matches_reference(s, 8, "s3");
}

/// The local registry of uploads survives a restart, and is filled from the upload records when
/// the index is new (a data directory from before the registry, or an index removed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_uploads_survive_restarts_and_index_loss() {
    let dir = TempDir::new("uploads-restart");
    let all = UploadQuery { max: 1000, ..UploadQuery::default() };
    let mut want = BTreeSet::new();
    {
        let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
        s.create_bucket("bkt", Acl::Private, StorageClass::Standard).await.unwrap();
        for k in ["z", "a/1", "a/2", "é"] {
            let id = s.initiate_multipart_upload("bkt", k, ObjectMeta::default()).await.unwrap();
            want.insert((k.to_string(), id));
        }
        assert_eq!(
            rows(&s.list_uploads("bkt", &all).await.unwrap()),
            want.iter().cloned().collect::<Vec<_>>()
        );
    }
    let reopened = |want: &BTreeSet<Row>| {
        let (root, want, all) = (dir.0.clone(), want.clone(), all.clone());
        async move {
            let s = Storage::new(StorageConfig::Local { root }).unwrap();
            assert_eq!(
                rows(&s.list_uploads("bkt", &all).await.unwrap()),
                want.into_iter().collect::<Vec<_>>()
            );
        }
    };
    reopened(&want).await;
    std::fs::remove_file(dir.0.join(".ossimg/index/objects.redb")).unwrap();
    reopened(&want).await;
}
