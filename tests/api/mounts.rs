//! Mounted buckets through the router: one folder of plain images served as `lib` (public-read,
//! read-only), `vault` (private, read-only) and `drop` (a private, writable subfolder) — reads,
//! listings, processing, styles, delimiter URLs, presigned URLs and saveas as on any bucket;
//! every write refused on a read-only mount; plain bytes on disk from a writable one; keys that
//! would leave the folder refused.

use std::time::UNIX_EPOCH;

use ossimg::process::Format;
use ossimg::storage::{Acl, MountConfig, StorageConfig};

use crate::buckets::configure;
use crate::harness::*;
use crate::processing::{assert_image, b64, PHOTO};
use crate::styles::put_style;

#[path = "../support/storage.rs"]
mod storage;
use storage::TempDir;

/// The bytes of `rel` below the folder `f`, if the file exists.
fn on_disk(f: &TempDir, rel: &str) -> Option<Vec<u8>> {
    std::fs::read(f.0.join(rel)).ok()
}

/// The server and its folder: `lib/photo.jpg` (the 400×267 test photo), `lib/sub/hopper.png`,
/// `lib/notes.txt`, and `outside.jpg` beside the mounted folders.
fn mounted() -> (Server, TempDir) {
    let f = TempDir::new("api-mounts");
    std::fs::create_dir_all(f.0.join("lib/sub")).unwrap();
    std::fs::create_dir_all(f.0.join("drop")).unwrap();
    std::fs::write(f.0.join("lib/photo.jpg"), data(PHOTO)).unwrap();
    std::fs::write(f.0.join("lib/sub/hopper.png"), data("hopper.png")).unwrap();
    std::fs::write(f.0.join("lib/notes.txt"), b"plain text").unwrap();
    std::fs::write(f.0.join("outside.jpg"), b"never served").unwrap();
    let url = |sub: &str| format!("file://{}/{sub}", f.0.display());
    let mounts = vec![
        MountConfig { acl: Acl::PublicRead, ..MountConfig::new("lib", url("lib")) },
        MountConfig::new("vault", url("lib")),
        MountConfig { writable: true, ..MountConfig::new("drop", url("drop")) },
    ];
    let s = Server::with_storage(|st| st.with_mounts(mounts, &StorageConfig::Memory).unwrap());
    (s, f)
}

#[tokio::test]
async fn mounted_objects_read_as_stored() {
    let (s, f) = mounted();
    let photo = data(PHOTO);
    let r = s.get("lib/photo.jpg").send().await;
    r.status(200).has("content-type", "image/jpeg").has("x-oss-object-type", "Normal");
    assert_eq!(r.body, photo);
    // Nothing hashed the file: no Content-MD5, no CRC-64.
    r.lacks("content-md5").lacks("x-oss-hash-crc64ecma");
    let etag = r.header("etag").unwrap().to_string();
    assert!(etag.len() == 34 && etag.starts_with('"') && !etag.contains('-'), "{etag}");
    let modified = std::fs::metadata(f.0.join("lib/photo.jpg")).unwrap().modified().unwrap();
    let secs = modified.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    r.has("last-modified", &ossimg::api::auth::format_http_date(secs));
    let h = s.head("lib/photo.jpg").send().await;
    h.status(200).has("etag", &etag).has("content-length", &photo.len().to_string());
    s.get("lib/photo.jpg").anon().send().await.status(200); // public-read
    let part = s.get("lib/photo.jpg").h("Range", "bytes=0-9").send().await;
    part.status(206).has("content-range", &format!("bytes 0-9/{}", photo.len()));
    assert_eq!(part.body, photo[..10]);
    s.get("lib/photo.jpg").h("If-None-Match", &etag).send().await.status(304);
    let png = s.get("lib/sub/hopper.png").send().await;
    png.status(200).has("content-type", "image/png");
    s.get("lib/notes.txt").send().await.has("content-type", "application/octet-stream");
    s.get("lib/missing.jpg").send().await.err(404, "NoSuchKey");
    s.get("lib/sub").send().await.err(404, "NoSuchKey"); // a directory is no object
                                                         // The same folder mounted privately.
    s.get("vault/photo.jpg").anon().send().await.err(403, "AccessDenied");
    s.get("vault/photo.jpg").auth(Auth::V4Url(60)).send().await.status(200);
    let r = s.get("vault/photo.jpg").auth(Auth::V1Url(NOW + 60)).send().await;
    assert_eq!(r.status(200).body, photo);
}

#[tokio::test]
async fn mounted_buckets_list() {
    let (s, _f) = mounted();
    let keys = |r: &Resp| ossimg::api::xml::elements(&r.text(), "Key").unwrap();
    let prefixes = |r: &Resp| ossimg::api::xml::elements(&r.text(), "Prefix").unwrap();
    let all = s.get("lib").send().await;
    assert_eq!(keys(all.status(200)), ["notes.txt", "photo.jpg", "sub/hopper.png"]);
    let top = s.get("lib").q("delimiter", "/").send().await;
    assert_eq!(keys(&top), ["notes.txt", "photo.jpg"]);
    // The listing's own (empty) <Prefix>, then the common prefix.
    assert_eq!(prefixes(&top), ["", "sub/"]);
    let v2 = s.get("lib").q("list-type", "2").q("max-keys", "2").send().await;
    assert_eq!(keys(v2.status(200)), ["notes.txt", "photo.jpg"]);
    assert_eq!(v2.el("IsTruncated").as_deref(), Some("true"));
    let token = v2.el("NextContinuationToken").unwrap();
    let rest = s.get("lib").q("list-type", "2").q("continuation-token", &token).send().await;
    assert_eq!(keys(rest.status(200)), ["sub/hopper.png"]);
    let listed = s.get("lib").q("prefix", "photo").send().await;
    let etag = s.head("lib/photo.jpg").send().await.header("etag").unwrap().to_string();
    assert_eq!(listed.el("ETag").as_deref(), Some(etag.as_str()));
    assert_eq!(listed.el("Size"), Some(data(PHOTO).len().to_string()));
    // ListBuckets names the mounts.
    let buckets = s.get("").send().await;
    assert_eq!(
        ossimg::api::xml::elements(&buckets.text(), "Name").unwrap(),
        ["drop", "lib", "vault"]
    );
}

#[tokio::test]
async fn mounted_buckets_process_style_and_save() {
    let (s, f) = mounted();
    let r = s.get("lib/photo.jpg").q("x-oss-process", "image/resize,w_100").send().await;
    assert_image(&r, Format::Jpg, "image/jpeg", 100, 67); // 267 × 100 / 400 = 66.75 → 67
    put_style(&s, "lib", "small", "image/resize,w_50").await;
    let r = s.get("lib/photo.jpg").q("x-oss-process", "style/small").send().await;
    assert_image(&r, Format::Jpg, "image/jpeg", 50, 33);
    configure(&s, "lib", "Both", "Disabled", "", "!").await;
    let r = s.get("lib/photo.jpg!small").anon().send().await;
    assert_image(&r, Format::Jpg, "image/jpeg", 50, 33);
    // saveas from the read-only mount into the writable one: plain bytes on disk.
    let save = |process: &str, to: &str| {
        format!("x-oss-process={process}|sys/saveas,o_{},b_{}", b64("t/s.jpg"), b64(to))
    };
    let body = save("style/small", "drop");
    let r = s.post("lib/photo.jpg").q("x-oss-process", "").body(body).send().await;
    r.status(200);
    let saved = s.get("drop/t/s.jpg").send().await;
    saved.status(200).has("content-type", "image/jpeg").lacks("x-oss-hash-crc64ecma");
    let info = ossimg::codec::probe(&saved.body).expect("a decodable image");
    assert_eq!((info.format, info.width, info.height), (Format::Jpg, 50, 33));
    assert_eq!(on_disk(&f, "drop/t/s.jpg"), Some(saved.body.clone()));
    // ... and never into the read-only one.
    let body = save("image/resize,w_20", "lib");
    let r = s.post("drop/t/s.jpg").q("x-oss-process", "").body(body).send().await;
    r.err(403, "AccessDenied");
    assert_eq!(on_disk(&f, "lib/t/s.jpg"), None);
}

#[tokio::test]
async fn read_only_mounts_refuse_every_write() {
    let (s, f) = mounted();
    // Refused before the body is read: the small body is drained, so the connection stays
    // (tests/api/load.rs: a large one closes it, and the answer says so).
    let r = s.put("lib/new.jpg").body(b"x").send().await;
    r.err(403, "AccessDenied").lacks("connection");
    s.get("lib/none.jpg").send().await.err(404, "NoSuchKey").lacks("connection");
    s.put("lib/photo.jpg").body(b"x").send().await.err(403, "AccessDenied");
    s.delete("lib/photo.jpg").send().await.err(403, "AccessDenied");
    s.delete("lib/missing.jpg").send().await.err(403, "AccessDenied");
    s.post("lib/big.bin").q("uploads", "").send().await.err(403, "AccessDenied");
    s.put("lib/copy.jpg")
        .h("x-oss-copy-source", "/lib/photo.jpg")
        .send()
        .await
        .err(403, "AccessDenied");
    let delete = "<Delete><Object><Key>photo.jpg</Key></Object></Delete>";
    s.post("lib").q("delete", "").body(delete).send().await.err(403, "AccessDenied");
    let acl = s.put("lib/photo.jpg").q("acl", "").h("x-oss-object-acl", "private").send().await;
    acl.err(403, "AccessDenied");
    // Anonymous writers are refused by the ACL first, as on any public-read bucket.
    s.put("lib/anon.jpg").anon().body(b"x").send().await.err(403, "AccessDenied");
    assert_eq!(on_disk(&f, "lib/photo.jpg"), Some(data(PHOTO)));
    for gone in ["lib/new.jpg", "lib/copy.jpg", "lib/anon.jpg"] {
        assert_eq!(on_disk(&f, gone), None, "{gone}");
    }
    // The bucket itself: its name is taken, it cannot be deleted, its ACL is the mount's.
    s.put("lib").send().await.err(409, "BucketAlreadyExists");
    s.delete("lib").send().await.err(403, "AccessDenied");
    s.put("lib").q("acl", "").h("x-oss-acl", "private").send().await.err(403, "AccessDenied");
    s.put("lib").q("acl", "").h("x-oss-acl", "public-read").send().await.status(200);
    let r = s.get("lib").q("acl", "").send().await;
    assert_eq!(r.status(200).el("Grant").as_deref(), Some("public-read"));
}

#[tokio::test]
async fn writable_mounts_store_plain_bytes() {
    let (s, f) = mounted();
    let hopper = data("hopper.png");
    let put = s.put("drop/up/a.png").h("Content-Type", "image/png").body(&hopper).send().await;
    put.status(200).has("x-oss-hash-crc64ecma", &ossimg::storage::crc64(&hopper).to_string());
    assert_eq!(on_disk(&f, "drop/up/a.png"), Some(hopper.clone()));
    let head = s.head("drop/up/a.png").send().await;
    head.status(200).has("etag", put.header("etag").unwrap()).has("content-type", "image/png");
    let forbid = s.put("drop/up/a.png").h("x-oss-forbid-overwrite", "true").body(b"x").send().await;
    forbid.err(409, "FileAlreadyExists");
    s.put("drop/c.jpg").h("x-oss-copy-source", "/lib/photo.jpg").send().await.status(200);
    assert_eq!(on_disk(&f, "drop/c.jpg"), Some(data(PHOTO)));
    s.delete("drop/up/a.png").send().await.status(204);
    assert_eq!(on_disk(&f, "drop/up/a.png"), None);
    assert!(!f.0.join("drop/up").exists(), "the emptied directory is removed");
    // A private mount: anonymous writers are refused.
    s.put("drop/anon.jpg").anon().body(b"x").send().await.err(403, "AccessDenied");
}

#[tokio::test]
async fn keys_never_leave_the_folder() {
    let (s, f) = mounted();
    for key in [
        "../outside.jpg",
        "sub/../../outside.jpg",
        "sub/..",
        "./photo.jpg",
        "sub//hopper.png",
        "sub/",
    ] {
        s.get(&format!("lib/{key}")).send().await.err(400, "InvalidObjectName");
        s.head(&format!("lib/{key}")).send().await.err(400, "InvalidObjectName");
        let put = s.put(&format!("drop/{key}")).body(b"escaped").send().await;
        put.err(400, "InvalidObjectName");
        s.delete(&format!("drop/{key}")).send().await.err(400, "InvalidObjectName");
    }
    // `%2F` in a key is part of the name (`..%2Foutside.jpg`), no separator: there is no such file.
    s.get("lib/..%2Foutside.jpg").send().await.err(404, "NoSuchKey");
    assert_eq!(on_disk(&f, "outside.jpg").as_deref(), Some(&b"never served"[..]));
    assert_eq!(on_disk(&f, "escaped"), None);
}
