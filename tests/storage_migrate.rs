//! `ossimg migrate` on the S3 test server (Garage in CI): a bucket written in the layout of
//! earlier versions (objects under per-segment names, bucket configuration of layout 0) is moved
//! to the flat, ordered names while writes and deletes go on, resumes after an interrupted run,
//! and a second run finds nothing to do. Skips without `OSSIMG_S3_ENDPOINT`.

#[path = "support/s3.rs"]
mod s3;

use std::collections::BTreeMap;
use std::process::Command;

use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use ossimg::storage::{
    legacy_name, Acl, ListQuery, ObjectMeta, Storage, StorageClass, UploadListed, UploadQuery,
    UploadsPage, CURRENT_LAYOUT,
};

const BUCKET: &str = "aged";

/// Keys with escapes, `/` runs, unicode and a trailing `/`.
fn keys() -> Vec<String> {
    let mut k: Vec<String> = ["a.jpg", "dir/b c.jpg", "dir//d", "dir/", "é/ü.png", "x%y#1", "z"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    k.extend((0..30).map(|i| format!("many/{i:03}.bin")));
    k
}

fn body(key: &str, version: u8) -> Bytes {
    Bytes::from(format!("{key} v{version} ").repeat(50 + key.len()))
}

/// Every name under `<prefix>/<bucket>/` in the backing store.
async fn raw_names(raw: &dyn ObjectStore, prefix: &str) -> Vec<Path> {
    let dir = Path::from(format!("{prefix}/{BUCKET}"));
    let metas: Vec<_> = raw.list(Some(&dir)).try_collect().await.unwrap();
    metas.into_iter().map(|m| m.location).collect()
}

/// The per-segment name of `key` under `prefix`.
fn old_name(prefix: &str, key: &str) -> Path {
    Path::parse(format!("{prefix}/{}", legacy_name(BUCKET, key))).unwrap()
}

/// Every (key, body) the store lists and reads back, pages of 7.
async fn contents(s: &Storage) -> BTreeMap<String, Bytes> {
    let mut out = BTreeMap::new();
    let mut marker = String::new();
    loop {
        let q = ListQuery {
            prefix: String::new(),
            delimiter: String::new(),
            marker: marker.clone(),
            max_keys: 7,
        };
        let page = s.list_objects(BUCKET, &q).await.unwrap();
        for o in &page.objects {
            let (_, b) = s.get_object(BUCKET, &o.key, None).await.unwrap();
            out.insert(o.key.clone(), b.bytes().await.unwrap());
        }
        match page.next_marker {
            Some(m) if page.is_truncated => marker = m,
            _ => return out,
        }
    }
}

/// Copies a blob (GET and PUT: Garage's CopyObject misreads some escaped source names).
async fn copy(raw: &dyn ObjectStore, from: &Path, to: &Path) {
    let blob = raw.get(from).await.unwrap().bytes().await.unwrap();
    raw.put(to, blob.into()).await.unwrap();
}

/// Asserts the store holds exactly `want`, naming the keys that differ.
fn same(got: &BTreeMap<String, Bytes>, want: &BTreeMap<String, Bytes>, what: &str) {
    let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    let changed: Vec<&String> =
        want.iter().filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v)).map(|(k, _)| k).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && changed.is_empty(),
        "{what}: missing {missing:?}, extra {extra:?}, other body {changed:?}"
    );
}

/// Writes `keys` into a fresh bucket, then turns it into one of the earlier layout: each object
/// moved to its per-segment name, the configuration marked layout 0.
async fn aged_bucket(env: &s3::S3Env, prefix: &str, keys: &[String]) {
    let raw = env.store();
    let s = Storage::new(env.config(prefix)).unwrap();
    s.create_bucket(BUCKET, Acl::Private, StorageClass::Standard).await.unwrap();
    for k in keys {
        let before = raw_names(raw.as_ref(), prefix).await;
        s.put_object_bytes(BUCKET, k, body(k, 1), ObjectMeta::default(), false).await.unwrap();
        // The flat name just written: the one new name.
        let flat: Vec<Path> = raw_names(raw.as_ref(), prefix)
            .await
            .into_iter()
            .filter(|n| !before.contains(n))
            .collect();
        assert_eq!(flat.len(), 1, "{flat:?}");
        copy(raw.as_ref(), &flat[0], &old_name(prefix, k)).await;
        raw.delete(&flat[0]).await.unwrap();
    }
    s.update_bucket_config(BUCKET, |c| {
        c.layout = 0;
        Ok(true)
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn migrate_moves_an_old_bucket_while_serving() {
    let Some(env) = s3::s3_env("migrate_moves_an_old_bucket_while_serving") else { return };
    let prefix = s3::S3Env::fresh_prefix("migrate");
    let keys = keys();
    aged_bucket(&env, &prefix, &keys).await;
    let raw = env.store();

    // The service reads the old layout as it is (a full scan lists it).
    let s = Storage::new(env.config(&prefix)).unwrap();
    let mut want: BTreeMap<String, Bytes> = keys.iter().map(|k| (k.clone(), body(k, 1))).collect();
    same(&contents(&s).await, &want, "before");
    assert_eq!(s.bucket(BUCKET).await.unwrap().layout, 0);

    // An interrupted earlier run: one object copied to its flat name, its old copy still there
    // (the flat name of `z` is the same in every bucket: made in a scratch one, copied over).
    {
        let scratch = Storage::new(env.config(&prefix)).unwrap();
        scratch.create_bucket("scratch", Acl::Private, StorageClass::Standard).await.unwrap();
        scratch
            .put_object_bytes("scratch", "z", body("z", 1), ObjectMeta::default(), false)
            .await
            .unwrap();
        let dir = Path::from(format!("{prefix}/scratch"));
        let metas: Vec<_> = raw.list(Some(&dir)).try_collect().await.unwrap();
        assert_eq!(metas.len(), 1);
        let part = metas[0].location.parts().next_back().unwrap();
        let to = Path::from(prefix.as_str()).join(BUCKET).join(part);
        copy(raw.as_ref(), &metas[0].location, &to).await;
    }

    // Migrate while another instance overwrites, deletes and adds objects.
    // Overwrites of objects being moved are safe only where the store creates atomically (not
    // Garage 2.x): elsewhere the overwrites go to keys the migration does not move.
    let atomic = s.creates_atomically().await.unwrap();
    println!("create-if-absent honoured: {atomic}");
    let serving = Storage::new(env.config(&prefix)).unwrap();
    let writes = async {
        for i in 0..10 {
            let k = format!("many/{i:03}.bin");
            if i % 2 == 0 {
                let k = if atomic { k } else { format!("new/{i}") };
                serving
                    .put_object_bytes(BUCKET, &k, body(&k, 2), ObjectMeta::default(), false)
                    .await
                    .unwrap();
            } else {
                serving.delete_object(BUCKET, &k).await.unwrap();
            }
            let n = format!("new/{i}");
            serving
                .put_object_bytes(BUCKET, &n, body(&n, 1), ObjectMeta::default(), false)
                .await
                .unwrap();
        }
    };
    let (report, ()) = tokio::join!(s.migrate_bucket(BUCKET), writes);
    let report = report.unwrap();
    assert!(report.was_legacy && report.atomic == atomic, "{report:?}");
    assert!(report.already_there >= 1, "{report:?}");
    assert!(report.moved + report.already_there <= keys.len(), "{report:?}");
    for i in 0..10 {
        let k = format!("many/{i:03}.bin");
        if i % 2 == 0 {
            let k = if atomic { k } else { format!("new/{i}") };
            want.insert(k.clone(), body(&k, 2));
        } else {
            want.remove(&k);
        }
        want.insert(format!("new/{i}"), body(&format!("new/{i}"), 1));
    }

    // A fresh instance: layout current, no old name left, the same objects, listed by pages.
    let fresh = Storage::new(env.config(&prefix)).unwrap();
    assert_eq!(fresh.bucket(BUCKET).await.unwrap().layout, CURRENT_LAYOUT);
    for k in &keys {
        let p = old_name(&prefix, k);
        assert!(raw.head(&p).await.is_err(), "{p}: a name of the earlier layout is left");
    }
    same(&contents(&fresh).await, &want, "after");
    // Again: nothing to do.
    let again = fresh.migrate_bucket(BUCKET).await.unwrap();
    assert!(!again.was_legacy && again.moved == 0, "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_command_line() {
    let Some(env) = s3::s3_env("migrate_command_line") else { return };
    let prefix = s3::S3Env::fresh_prefix("migrate-cli");
    let keys: Vec<String> = vec!["one".into(), "two/three".into()];
    aged_bucket(&env, &prefix, &keys).await;
    let dir = std::env::temp_dir().join(format!("ossimg-migrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("ossimg.toml");
    std::fs::write(&config, env.toml_section(&env.endpoint, &prefix)).unwrap();
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_ossimg"))
            .args(["migrate", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "migrate failed: {stderr}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(run(), format!("{BUCKET}: migrated (2 objects moved, 0 already in place)\n"));
    assert_eq!(run(), format!("{BUCKET}: already current\n"));
    let s = Storage::new(env.config(&prefix)).unwrap();
    assert_eq!(contents(&s).await.keys().cloned().collect::<Vec<_>>(), keys);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Multipart uploads begun by an ossimg from before the ordered registry of uploads (a record,
/// no marker) are not listed until `migrate` enters them; a second run finds nothing to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_enters_uploads_begun_before_the_registry() {
    let Some(env) = s3::s3_env("migrate_enters_uploads_begun_before_the_registry") else { return };
    let prefix = s3::S3Env::fresh_prefix("migrate-uploads");
    let s = Storage::new(env.config(&prefix)).unwrap();
    s.create_bucket("pending", Acl::Private, StorageClass::Standard).await.unwrap();
    let mut ids = Vec::new();
    for k in ["b/2.bin", "a.bin", "b/1.bin"] {
        ids.push((
            k.to_string(),
            s.initiate_multipart_upload("pending", k, ObjectMeta::default()).await.unwrap(),
        ));
    }
    ids.sort();
    let all = UploadQuery { max: 1000, ..UploadQuery::default() };
    let listed = |p: UploadsPage| -> Vec<(String, String)> {
        p.entries
            .into_iter()
            .map(|e| match e {
                UploadListed::Upload(u) => (u.key, u.upload_id),
                UploadListed::Prefix(p) => panic!("a common prefix {p}"),
            })
            .collect()
    };
    assert_eq!(listed(s.list_uploads("pending", &all).await.unwrap()), ids);
    // As an earlier version left them: the markers gone, the records there.
    let raw = env.store();
    let markers = Path::from(format!("{prefix}/.ossimg/upload-keys/pending"));
    let names: Vec<Path> =
        raw.list(Some(&markers)).map_ok(|m| m.location).try_collect().await.unwrap();
    assert_eq!(names.len(), 3);
    for n in &names {
        raw.delete(n).await.unwrap();
    }
    assert_eq!(listed(s.list_uploads("pending", &all).await.unwrap()), vec![]);
    let r = s.migrate_bucket("pending").await.unwrap();
    assert_eq!((r.uploads_registered, r.was_legacy), (3, false));
    assert_eq!(listed(s.list_uploads("pending", &all).await.unwrap()), ids);
    assert_eq!(s.migrate_bucket("pending").await.unwrap().uploads_registered, 0);
    // They complete as ever.
    let (k, id) = &ids[0];
    let part = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"x"))]);
    s.upload_part("pending", k, id, 1, part, None).await.unwrap();
    s.complete_multipart_upload("pending", k, id, None, false).await.unwrap();
    assert_eq!(listed(s.list_uploads("pending", &all).await.unwrap()), ids[1..].to_vec());
}
