//! Mounted buckets (storage/mount.rs) through the storage API, one test body for each source: a
//! folder always, and an S3 prefix on the S3 test server when there is one (tests/support/s3.rs:
//! `OSSIMG_S3_*`, `.ci/garage.sh start`; `OSSIMG_REQUIRE_S3=1` makes a missing one a failure). The source is seeded and checked directly (files on disk, objects through
//! object_store), never through ossimg: what is read is plain bytes other tools wrote, and what a
//! writable mount stores is plain bytes other tools read.

use bytes::Bytes;
use futures_util::stream;
use md5::Digest as _;
use object_store::path::Path as StorePath;
use object_store::{Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions};
use ossimg::storage::*;
use ossimg::ErrorKind;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

#[path = "support/s3.rs"]
mod s3;
use s3::{s3_env, S3Env};
#[path = "support/storage.rs"]
mod storage;
use storage::{all_pages, files_under, TempDir};

/// A test image from `tests/data`.
fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn md5_of(data: &[u8]) -> [u8; 16] {
    md5::Md5::digest(data).into()
}

fn kind<T: std::fmt::Debug>(r: ossimg::Result<T>) -> ErrorKind {
    r.expect_err("expected an error").kind
}

/// Where the mounted objects live, written and read without ossimg.
enum Source {
    Folder(TempDir),
    S3 { store: Arc<dyn ObjectStore>, bucket: String, prefix: String },
}

impl Source {
    /// The mount URL of `sub` (a folder or prefix below the source's root).
    fn url(&self, sub: &str) -> String {
        match self {
            Source::Folder(d) => format!("file://{}/{sub}", d.0.display()),
            Source::S3 { bucket, prefix, .. } => format!("s3://{bucket}/{prefix}/{sub}"),
        }
    }

    fn is_s3(&self) -> bool {
        matches!(self, Source::S3 { .. })
    }

    /// Writes `rel` as another tool would: a plain file, or a plain S3 object with an optional
    /// Content-Type.
    async fn put(&self, rel: &str, body: &[u8], content_type: Option<&str>) {
        match self {
            Source::Folder(d) => {
                let p = d.0.join(rel);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, body).unwrap();
            }
            Source::S3 { store, prefix, .. } => {
                let mut attributes = Attributes::new();
                if let Some(t) = content_type {
                    attributes.insert(Attribute::ContentType, t.to_string().into());
                }
                let opts = PutOptions { attributes, ..Default::default() };
                let path = StorePath::parse(format!("{prefix}/{rel}")).unwrap();
                store.put_opts(&path, Bytes::copy_from_slice(body).into(), opts).await.unwrap();
            }
        }
    }

    /// The bytes stored at `rel`, read without ossimg.
    async fn get(&self, rel: &str) -> Option<Vec<u8>> {
        match self {
            Source::Folder(d) => std::fs::read(d.0.join(rel)).ok(),
            Source::S3 { store, prefix, .. } => {
                match store.get(&StorePath::parse(format!("{prefix}/{rel}")).unwrap()).await {
                    Ok(r) => Some(r.bytes().await.unwrap().to_vec()),
                    Err(object_store::Error::NotFound { .. }) => None,
                    Err(e) => panic!("{rel}: {e}"),
                }
            }
        }
    }
}

async fn get(s: &Storage, bucket: &str, key: &str) -> (ObjectInfo, Vec<u8>) {
    let (info, body) = s.get_object(bucket, key, None).await.unwrap();
    (info, body.bytes().await.unwrap().to_vec())
}

fn query(prefix: &str, delimiter: &str, max_keys: usize) -> ListQuery {
    ListQuery {
        prefix: prefix.to_string(),
        delimiter: delimiter.to_string(),
        max_keys,
        ..Default::default()
    }
}

/// Keys that cannot map onto a source: refused before the store is asked.
const UNMAPPABLE: [&str; 7] = [
    "../outside.jpg",
    "a/../../outside.jpg",
    "a/..",
    "./cat.jpg",
    "a//hopper.jpg",
    "a/",
    "a/\u{1}x",
];

/// The shared body: a public-read, read-only mount `lib` and a private, writable mount `drop`
/// of the same source, beside an ordinary bucket.
async fn exercise(src: &Source, settings: &StorageConfig) {
    let (cat, hopper, png) = (data("cat.jpg"), data("hopper.jpg"), data("hopper.png"));
    src.put("lib/cat.jpg", &cat, None).await; // larger than the first read (16 KiB)
    src.put("lib/a/hopper.jpg", &hopper, None).await; // read whole by the first read
    src.put("lib/a/b/hopper.png", &png, Some("application/octet-stream")).await;
    src.put("lib/a/b/c.webp", &data("hopper.webp"), None).await;
    src.put("lib/notes.txt", b"plain text", Some("text/plain")).await;
    src.put("lib/empty", b"", None).await;
    src.put("lib/z \u{540d}.gif", &data("hopper.gif"), None).await;
    src.put("outside.jpg", b"never served", None).await;
    if let Source::Folder(d) = src {
        std::fs::create_dir_all(d.0.join("drop")).unwrap();
    }
    let s = Storage::memory()
        .with_mounts(
            vec![
                MountConfig { acl: Acl::PublicRead, ..MountConfig::new("lib", src.url("lib")) },
                MountConfig { writable: true, ..MountConfig::new("drop", src.url("drop")) },
            ],
            settings,
        )
        .unwrap();

    // ---- buckets
    s.create_bucket("kept", Acl::Private, StorageClass::Standard).await.unwrap();
    let names: Vec<String> = s.list_buckets().await.unwrap().into_iter().map(|b| b.name).collect();
    assert_eq!(names, ["drop", "kept", "lib"]);
    assert_eq!(s.bucket("lib").await.unwrap().acl, Acl::PublicRead);
    assert_eq!(s.bucket("drop").await.unwrap().acl, Acl::Private);
    assert_eq!(s.mount("lib").map(|m| m.writable), Some(false));
    assert_eq!(s.mount("kept"), None);
    assert_eq!(
        kind(s.create_bucket("lib", Acl::Private, StorageClass::Standard).await),
        ErrorKind::BucketAlreadyExists
    );
    assert_eq!(kind(s.delete_bucket("lib").await), ErrorKind::AccessDenied);
    // The ACL is the mount's; styles are stored as for any bucket.
    let set_acl = |acl| move |c: &mut BucketConfig| Ok(std::mem::replace(&mut c.acl, acl) != acl);
    assert_eq!(
        kind(s.update_bucket_config("lib", set_acl(Acl::Private)).await),
        ErrorKind::AccessDenied
    );
    s.update_bucket_config("lib", set_acl(Acl::PublicRead)).await.unwrap();
    let t = UNIX_EPOCH;
    s.update_bucket_config("lib", |c| {
        c.put_style("thumb", "image/resize,w_10", "image", t).map(|()| true)
    })
    .await
    .unwrap();
    let cfg = s.bucket("lib").await.unwrap();
    assert_eq!(
        (cfg.acl, cfg.styles.len(), cfg.styles[0].name.as_str()),
        (Acl::PublicRead, 1, "thumb")
    );

    // ---- reads: bytes as they are, metadata from the store
    let (info, body) = get(&s, "lib", "cat.jpg").await;
    assert_eq!(body, cat);
    assert_eq!((info.size, info.content_type.as_str()), (cat.len() as u64, "image/jpeg"));
    assert_eq!((info.md5, info.crc64, info.acl), (None, None, ObjectAcl::Default));
    assert_eq!((info.object_type(), info.etag.len()), ("Normal", 34));
    if src.is_s3() {
        // An S3 single-part ETag is the MD5: upper-cased, as OSS writes it.
        let hex: String = md5_of(&cat).iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(info.etag, format!("\"{hex}\""));
    }
    assert_eq!(s.head_object("lib", "cat.jpg").await.unwrap(), info);
    let (_, part) = s.get_object("lib", "cat.jpg", Some((100, 20_099))).await.unwrap();
    assert_eq!(part.bytes().await.unwrap(), cat[100..20_100]);
    assert_eq!(get(&s, "lib", "a/hopper.jpg").await.1, hopper);
    let (png_info, png_body) = get(&s, "lib", "a/b/hopper.png").await;
    assert_eq!((png_body, png_info.content_type.as_str()), (png.clone(), "image/png"));
    let text = s.head_object("lib", "notes.txt").await.unwrap();
    let want_text = if src.is_s3() { "text/plain" } else { "application/octet-stream" };
    assert_eq!(text.content_type, want_text);
    let (empty, empty_body) = get(&s, "lib", "empty").await;
    assert_eq!((empty.size, empty_body.len()), (0, 0));
    assert_eq!(get(&s, "lib", "z \u{540d}.gif").await.0.content_type, "image/gif");
    assert_eq!(kind(s.head_object("lib", "missing.jpg").await), ErrorKind::NoSuchKey);
    assert_eq!(kind(s.get_object("lib", "a", None).await), ErrorKind::NoSuchKey); // a directory
    for key in UNMAPPABLE {
        assert_eq!(kind(s.head_object("lib", key).await), ErrorKind::InvalidObjectName, "{key}");
        assert_eq!(kind(s.get_object("lib", key, None).await), ErrorKind::InvalidObjectName);
    }

    // ---- listing
    let all = ["a/b/c.webp", "a/b/hopper.png", "a/hopper.jpg", "cat.jpg", "empty", "notes.txt"];
    let mut all: Vec<String> = all.iter().map(|k| k.to_string()).collect();
    all.push("z \u{540d}.gif".to_string());
    let page = s.list_objects("lib", &query("", "", 100)).await.unwrap();
    assert_eq!(page.objects.iter().map(|o| o.key.clone()).collect::<Vec<_>>(), all);
    let listed_cat = page.objects.iter().find(|o| o.key == "cat.jpg").unwrap();
    assert_eq!(
        (listed_cat.size, &listed_cat.etag, listed_cat.last_modified),
        (info.size, &info.etag, info.last_modified)
    );
    let pages = all_pages(&s, "lib", query("", "", 3)).await;
    assert_eq!(pages.iter().map(|p| p.0.len()).collect::<Vec<_>>(), [3, 3, 1]);
    assert_eq!(pages.into_iter().flat_map(|p| p.0).collect::<Vec<_>>(), all);
    let root = s.list_objects("lib", &query("", "/", 100)).await.unwrap();
    let keys: Vec<&str> = root.objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, ["cat.jpg", "empty", "notes.txt", "z \u{540d}.gif"]);
    assert_eq!(root.common_prefixes, ["a/"]);
    assert_eq!(
        all_pages(&s, "lib", query("a/", "/", 1)).await,
        [(vec![], vec!["a/b/".to_string()]), (vec!["a/hopper.jpg".to_string()], vec![])]
    );
    let deep = s.list_objects("lib", &query("a/b/h", "/", 100)).await.unwrap();
    assert_eq!((deep.objects.len(), deep.objects[0].key.as_str()), (1, "a/b/hopper.png"));
    let after = ListQuery { marker: "a/hopper.jpg".to_string(), ..query("a", "", 100) };
    assert!(s.list_objects("lib", &after).await.unwrap().objects.is_empty());
    let rolled = s.list_objects("lib", &query("", "b/", 100)).await.unwrap();
    assert_eq!(rolled.common_prefixes, ["a/b/"]);
    assert!(s.list_objects("lib", &query("../", "", 100)).await.unwrap().objects.is_empty());
    for q in [query("nothing/", "/", 100), query("nothing/", "", 100), query("a/nothing", "/", 100)]
    {
        assert_eq!(s.list_objects("lib", &q).await.unwrap(), ListPage::default(), "{q:?}");
    }

    // ---- a read-only mount refuses every write, and its source stays as it was
    let plain = ObjectMeta::default();
    let put =
        s.put_object_bytes("lib", "new.jpg", Bytes::from(hopper.clone()), plain.clone(), false);
    assert_eq!(kind(put.await), ErrorKind::AccessDenied);
    assert_eq!(kind(s.delete_object("lib", "cat.jpg").await), ErrorKind::AccessDenied);
    let copy_meta = MetadataDirective::Copy { acl: ObjectAcl::Default, storage_class: None };
    let copy = s.copy_object("lib", "cat.jpg", "lib", "copy.jpg", copy_meta.clone(), false);
    assert_eq!(kind(copy.await), ErrorKind::AccessDenied);
    let upload = s.initiate_multipart_upload("lib", "big.jpg", plain.clone());
    assert_eq!(kind(upload.await), ErrorKind::AccessDenied);
    assert_eq!(
        kind(s.put_object_acl("lib", "cat.jpg", ObjectAcl::Private).await),
        ErrorKind::AccessDenied
    );
    assert_eq!(src.get("lib/cat.jpg").await, Some(cat.clone()));
    assert_eq!(src.get("lib/new.jpg").await, None);

    // ---- a writable mount stores plain bytes
    let meta = ObjectMeta {
        content_type: Some("image/jpeg".to_string()),
        user_meta: vec![("Who".to_string(), "me".to_string())],
        cache_control: Some("no-cache".to_string()),
        ..Default::default()
    };
    let r = s.put_object_bytes("drop", "x/photo.jpg", Bytes::from(hopper.clone()), meta, false);
    let r = r.await.unwrap();
    assert_eq!(src.get("drop/x/photo.jpg").await, Some(hopper.clone()));
    assert_eq!((r.size, r.md5, r.crc64), (hopper.len() as u64, md5_of(&hopper), crc64(&hopper)));
    let stored = s.head_object("drop", "x/photo.jpg").await.unwrap();
    assert_eq!((&stored.etag, stored.last_modified), (&r.etag, r.last_modified));
    assert_eq!(stored.content_type, "image/jpeg");
    if src.is_s3() {
        // S3 keeps the metadata; a folder keeps only the bytes.
        assert_eq!(stored.user_meta, [("who".to_string(), "me".to_string())]);
        assert_eq!(stored.cache_control.as_deref(), Some("no-cache"));
    } else {
        assert_eq!((stored.user_meta.len(), stored.cache_control), (0, None));
    }
    let again =
        s.put_object_bytes("drop", "x/photo.jpg", Bytes::from_static(b"x"), plain.clone(), true);
    assert_eq!(kind(again.await), ErrorKind::FileAlreadyExists);
    assert_eq!(src.get("drop/x/photo.jpg").await, Some(hopper.clone()));
    let wrong_md5 = ObjectMeta { content_md5_expected: Some([0; 16]), ..Default::default() };
    let bad = s.put_object_bytes("drop", "bad.jpg", Bytes::from(hopper.clone()), wrong_md5, false);
    assert_eq!(kind(bad.await), ErrorKind::InvalidDigest);
    assert_eq!(src.get("drop/bad.jpg").await, None);
    // Larger than one buffered put (8 MiB): streamed through a multipart upload.
    let big: Vec<u8> = (0..9 * 1024 * 1024 + 7).map(|i: usize| (i * 31 + i / 4093) as u8).collect();
    let chunks: Vec<std::io::Result<Bytes>> =
        big.chunks(1 << 20).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    let r =
        s.put_object("drop", "big.bin", stream::iter(chunks), plain.clone(), true).await.unwrap();
    assert_eq!((r.size, r.md5), (big.len() as u64, md5_of(&big)));
    assert!(src.get("drop/big.bin").await == Some(big.clone()), "big.bin differs");
    // Copies in, out and across mounts.
    let c = s.copy_object("lib", "cat.jpg", "drop", "copied/cat.jpg", copy_meta.clone(), false);
    assert_eq!(c.await.unwrap().md5, md5_of(&cat));
    assert_eq!(src.get("drop/copied/cat.jpg").await, Some(cat.clone()));
    s.copy_object("drop", "x/photo.jpg", "kept", "p.jpg", copy_meta.clone(), false).await.unwrap();
    let (kept, kept_body) = get(&s, "kept", "p.jpg").await;
    assert_eq!((kept_body, kept.md5), (hopper.clone(), Some(md5_of(&hopper))));
    // A multipart upload completes into a plain object.
    let id = s.initiate_multipart_upload("drop", "parts/all.bin", plain.clone()).await.unwrap();
    let (p1, p2) = (big[..200 * 1024].to_vec(), big[200 * 1024..300 * 1024].to_vec());
    for (n, p) in [(1, &p1), (2, &p2)] {
        let body = stream::iter([Ok::<_, std::io::Error>(Bytes::from(p.clone()))]);
        s.upload_part("drop", "parts/all.bin", &id, n, body, None).await.unwrap();
    }
    let r = s.complete_multipart_upload("drop", "parts/all.bin", &id, None, false).await.unwrap();
    assert_eq!((r.size, r.crc64), (300 * 1024, crc64(&big[..300 * 1024])));
    assert!(src.get("drop/parts/all.bin").await == Some(big[..300 * 1024].to_vec()));
    // Deletes remove the plain object (and, in a folder, the directory it leaves empty).
    s.delete_object("drop", "x/photo.jpg").await.unwrap();
    s.delete_object("drop", "x/photo.jpg").await.unwrap(); // gone already: still fine
    assert_eq!(src.get("drop/x/photo.jpg").await, None);
    let listed = s.list_objects("drop", &query("", "/", 100)).await.unwrap();
    assert_eq!(listed.common_prefixes, ["copied/", "parts/"]);
    assert_eq!(listed.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(), ["big.bin"]);
    for key in UNMAPPABLE {
        let put = s.put_object_bytes("drop", key, Bytes::from_static(b"x"), plain.clone(), false);
        assert_eq!(kind(put.await), ErrorKind::InvalidObjectName, "{key}");
        assert_eq!(kind(s.delete_object("drop", key).await), ErrorKind::InvalidObjectName);
    }
    assert_eq!(src.get("outside.jpg").await.as_deref(), Some(&b"never served"[..]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folder_mounts() {
    let src = Source::Folder(TempDir::new("folder"));
    exercise(&src, &StorageConfig::Memory).await;
    if let Source::Folder(d) = &src {
        // A folder mount writes nothing of ossimg's own into the folder, and leaves no empty
        // directory behind (`x/` went with its last file).
        let left = files_under(&d.0.join("drop"));
        assert_eq!(left, ["big.bin", "copied/cat.jpg", "parts/all.bin"]);
        let dirs = std::fs::read_dir(d.0.join("drop")).unwrap().count();
        assert_eq!(dirs, 3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folder_specific_names_and_config_errors() {
    let dir = TempDir::new("names");
    std::fs::write(dir.0.join("photo#12"), b"a staging file name").unwrap();
    std::fs::write(dir.0.join("ok.jpg"), data("hopper.jpg")).unwrap();
    let url = format!("file://{}", dir.0.display());
    let writable = MountConfig { writable: true, ..MountConfig::new("pics", url.as_str()) };
    let s = Storage::memory().with_mounts(vec![writable], &StorageConfig::Memory).unwrap();
    // Names a folder cannot hold, or that LocalFileSystem keeps for staging files.
    let long = "x".repeat(256);
    for key in ["photo#12", long.as_str()] {
        assert_eq!(kind(s.head_object("pics", key).await), ErrorKind::InvalidObjectName);
        let put =
            s.put_object_bytes("pics", key, Bytes::from_static(b"x"), Default::default(), false);
        assert_eq!(kind(put.await), ErrorKind::InvalidObjectName);
    }
    let keys: Vec<String> = s
        .list_objects("pics", &query("", "", 100))
        .await
        .unwrap()
        .objects
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(keys, ["ok.jpg"]);
    // A file name that is not UTF-8 can be no key: a listing that reaches it fails (module docs),
    // other reads do not.
    {
        use std::os::unix::ffi::OsStrExt as _;
        let bad = dir.0.join("odd").join(std::ffi::OsStr::from_bytes(b"bad\xff.jpg"));
        std::fs::create_dir_all(bad.parent().unwrap()).unwrap();
        std::fs::write(&bad, b"x").unwrap();
        let q = query("odd/", "", 100);
        assert_eq!(kind(s.list_objects("pics", &q).await), ErrorKind::InternalError);
        let top = s.list_objects("pics", &query("", "/", 100)).await.unwrap();
        assert_eq!((top.objects.len(), top.common_prefixes), (1, vec!["odd/".to_string()]));
        assert_eq!(s.head_object("pics", "ok.jpg").await.unwrap().size, 6412);
        std::fs::remove_dir_all(dir.0.join("odd")).unwrap();
    }
    // A plain path works as well as a file:// URL.
    let plain_path = MountConfig::new("other", dir.0.to_str().unwrap());
    let s = Storage::memory().with_mounts(vec![plain_path], &StorageConfig::Memory).unwrap();
    assert_eq!(s.head_object("other", "ok.jpg").await.unwrap().content_type, "image/jpeg");

    let bad = |m: MountConfig| Storage::memory().with_mounts(vec![m], &StorageConfig::Memory);
    let missing = format!("file://{}/missing", dir.0.display());
    for m in [
        MountConfig::new("pics", missing.as_str()),
        MountConfig::new("Bad_Name", url.as_str()),
        MountConfig::new("pics", "ftp://host/dir"),
        MountConfig::new("pics", "s3:///prefix"),
    ] {
        assert_eq!(kind(bad(m.clone())), ErrorKind::InvalidArgument, "{m:?}");
    }
    let twice =
        vec![MountConfig::new("pics", url.as_str()), MountConfig::new("pics", url.as_str())];
    assert_eq!(
        kind(Storage::memory().with_mounts(twice, &StorageConfig::Memory)),
        ErrorKind::InvalidArgument
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_mounts() {
    let Some(env) = s3_env("s3_mounts") else { return };
    // The mounts' S3 server comes from the backing store's settings ([storage]); their own
    // bucket and prefix play no part.
    let settings = env.config("unused");
    let prefix = S3Env::fresh_prefix("ossimg-mounts");
    let src = Source::S3 { store: env.store(), bucket: env.bucket.clone(), prefix };
    exercise(&src, &settings).await;
}
