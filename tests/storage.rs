//! The storage API, one test body for every backend: memory and local always, S3 when
//! `OSSIMG_S3_ENDPOINT` (with `OSSIMG_S3_REGION`, `OSSIMG_S3_BUCKET`, `OSSIMG_S3_ACCESS_KEY_ID`,
//! `OSSIMG_S3_SECRET_ACCESS_KEY`) is set — `.ci/garage.sh start` prints these for a local Garage
//! (tests/support/s3.rs). With `OSSIMG_REQUIRE_S3=1` a missing endpoint fails the S3 test instead
//! of skipping it.
//! Plus local-store atomicity: concurrent puts, failing bodies, leftover staging files.

use bytes::Bytes;
use futures_util::stream;
use md5::Digest as _;
use ossimg::storage::*;
use ossimg::ErrorKind;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

#[path = "support/s3.rs"]
mod s3;
use s3::{s3_env, S3Env};
#[path = "support/storage.rs"]
mod storage;
use storage::{all_pages, files_under, TempDir};

/// 2023-11-14T22:13:20.123Z: the first tick of the test clock.
const T0_MS: u64 = 1_700_000_000_123;

/// Every file under a local store's root but its object index (`.ossimg/index/`).
fn object_files(root: &std::path::Path) -> Vec<String> {
    files_under(root).into_iter().filter(|f| !f.starts_with(".ossimg/index/")).collect()
}

/// A clock that advances one second per reading, so every write gets its own `Last-Modified`.
fn ticking(s: Storage) -> Storage {
    let n = Arc::new(AtomicU64::new(0));
    s.with_clock(move || {
        UNIX_EPOCH + Duration::from_millis(T0_MS + 1000 * n.fetch_add(1, Ordering::SeqCst))
    })
}

fn md5_of(data: &[u8]) -> [u8; 16] {
    md5::Md5::digest(data).into()
}

fn meta(content_type: &str) -> ObjectMeta {
    ObjectMeta { content_type: Some(content_type.to_string()), ..Default::default() }
}

async fn put(s: &Storage, bucket: &str, key: &str, body: &[u8]) -> PutResult {
    s.put_object_bytes(bucket, key, Bytes::copy_from_slice(body), meta("text/plain"), false)
        .await
        .unwrap()
}

async fn get(s: &Storage, bucket: &str, key: &str) -> (ObjectInfo, Vec<u8>) {
    let (info, body) = s.get_object(bucket, key, None).await.unwrap();
    (info, body.bytes().await.unwrap().to_vec())
}

fn kind<T: std::fmt::Debug>(r: ossimg::Result<T>) -> ErrorKind {
    r.expect_err("expected an error").kind
}

/// A body of `len` bytes with a pattern that differs at every offset within a part.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| ((i * 31 + i / 4093) as u8) ^ seed).collect()
}

/// Streams `data` in `chunk`-byte pieces, then fails with an I/O error if `fail` is set.
fn chunked(
    data: Vec<u8>,
    chunk: usize,
    fail: bool,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send {
    let mut items: Vec<std::io::Result<Bytes>> =
        data.chunks(chunk).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    if fail {
        items.push(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "client went away",
        )));
    }
    stream::iter(items)
}

/// The shared body: everything the API layer relies on, on one backend.
async fn exercise(s: Storage) {
    let s = ticking(s);
    let t = |n: u64| UNIX_EPOCH + Duration::from_millis(T0_MS + 1000 * n);

    // ---- buckets
    assert!(s.list_buckets().await.unwrap().is_empty());
    s.create_bucket("alpha", Acl::PublicRead, StorageClass::Standard).await.unwrap(); // tick 0
    s.create_bucket("beta", Acl::Private, StorageClass::InfrequentAccess).await.unwrap(); // tick 1
    assert_eq!(
        kind(s.create_bucket("alpha", Acl::Private, StorageClass::Standard).await),
        ErrorKind::BucketAlreadyExists
    );
    assert_eq!(
        kind(s.create_bucket("Bad_Name", Acl::Private, StorageClass::Standard).await),
        ErrorKind::InvalidBucketName
    );
    assert_eq!(
        s.list_buckets().await.unwrap(),
        vec![
            BucketInfo {
                name: "alpha".into(),
                creation_date: t(0),
                storage_class: StorageClass::Standard
            },
            BucketInfo {
                name: "beta".into(),
                creation_date: t(1),
                storage_class: StorageClass::InfrequentAccess
            },
        ]
    );
    assert_eq!(s.bucket("alpha").await.unwrap().acl, Acl::PublicRead);
    assert_eq!(s.bucket("alpha").await.unwrap().process, ProcessConfig::default());
    assert_eq!(kind(s.bucket("nope").await), ErrorKind::NoSuchBucket);

    // ---- put / get / head with every piece of metadata
    let full = ObjectMeta {
        content_type: Some("text/plain".into()),
        content_md5_expected: Some(md5_of(b"hello world")),
        user_meta: vec![("Color".into(), "Blue".into()), ("a-b".into(), "x y".into())],
        acl: ObjectAcl::PublicRead,
        cache_control: Some("no-cache".into()),
        content_disposition: Some("attachment; filename=\"h.txt\"".into()),
        content_encoding: Some("identity".into()),
        expires: Some("Thu, 01 Jan 2037 00:00:00 GMT".into()),
        storage_class: StorageClass::Archive,
    };
    let r = s
        .put_object_bytes("alpha", "hello.txt", Bytes::from_static(b"hello world"), full, false)
        .await
        .unwrap();
    // MD5("hello world") in upper-case hex, quoted, as OSS answers.
    assert_eq!(r.etag, "\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"");
    assert_eq!(r.size, 11);
    // Stamped by the clock (whole ticks after the buckets' creation; millisecond precision kept).
    let lm = r.last_modified;
    assert!(
        lm > t(1)
            && (lm.duration_since(UNIX_EPOCH).unwrap().as_millis() - u128::from(T0_MS)) % 1000 == 0
    );
    let info = s.head_object("alpha", "hello.txt").await.unwrap();
    assert_eq!(
        info,
        ObjectInfo {
            key: "hello.txt".into(),
            size: 11,
            etag: "\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"".into(),
            md5: Some(md5_of(b"hello world")),
            crc64: Some(crc64(b"hello world")),
            last_modified: lm,
            content_type: "text/plain".into(),
            user_meta: vec![("color".into(), "Blue".into()), ("a-b".into(), "x y".into())],
            acl: ObjectAcl::PublicRead,
            cache_control: Some("no-cache".into()),
            content_disposition: Some("attachment; filename=\"h.txt\"".into()),
            content_encoding: Some("identity".into()),
            expires: Some("Thu, 01 Jan 2037 00:00:00 GMT".into()),
            storage_class: StorageClass::Archive,
        }
    );
    assert_eq!(info.content_md5().as_deref(), Some("XrY7u+Ae7tCTyyK7j1rNww=="));
    let (ginfo, body) = get(&s, "alpha", "hello.txt").await;
    assert_eq!((ginfo, body.as_slice()), (info.clone(), &b"hello world"[..]));

    // CRC-64/ECMA exact: the check value, and 0 for an empty body (spec §10.2).
    let r = put(&s, "alpha", "check", b"123456789").await;
    assert_eq!(r.crc64, 11051210869376104954);
    assert_eq!(s.head_object("alpha", "check").await.unwrap().crc64, Some(11051210869376104954));
    let r = put(&s, "alpha", "empty", b"").await;
    assert_eq!((r.crc64, r.size), (0, 0));
    assert_eq!(r.etag, "\"D41D8CD98F00B204E9800998ECF8427E\"");
    let (einfo, ebody) = get(&s, "alpha", "empty").await;
    assert_eq!((einfo.content_type.as_str(), ebody.len()), ("text/plain", 0));
    let r = s
        .put_object_bytes(
            "alpha",
            "untyped",
            Bytes::from_static(b"x"),
            ObjectMeta::default(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(r.size, 1);
    assert_eq!(
        s.head_object("alpha", "untyped").await.unwrap().content_type,
        "application/octet-stream"
    );

    // ---- ranges (inclusive pairs; the end is clamped; a start past the end is 416)
    let range = |a, b| {
        let s = s.clone();
        async move {
            let (_, body) = s.get_object("alpha", "hello.txt", Some((a, b))).await?;
            assert_eq!(body.range(), a..(b + 1).min(11));
            body.bytes().await
        }
    };
    assert_eq!(range(0, 4).await.unwrap(), &b"hello"[..]);
    assert_eq!(range(6, 100).await.unwrap(), &b"world"[..]);
    assert_eq!(range(10, 10).await.unwrap(), &b"d"[..]);
    assert_eq!(kind(range(11, 20).await), ErrorKind::InvalidRange);
    assert_eq!(kind(s.get_object("alpha", "empty", Some((0, 0))).await), ErrorKind::InvalidRange);
    let (_, body) =
        s.get_object_with("alpha", "hello.txt", |i| Ok(Some(2..i.size - 6))).await.unwrap();
    assert_eq!(body.bytes().await.unwrap(), &b"llo"[..]);
    assert_eq!(
        kind(s.get_object_with("alpha", "hello.txt", |_| Ok(Some(5..12))).await),
        ErrorKind::InvalidRange
    );
    let stop = s.get_object_with("alpha", "hello.txt", |_| {
        Err(ossimg::Error::new(ErrorKind::AccessDenied, "no"))
    });
    assert_eq!(kind(stop.await), ErrorKind::AccessDenied);

    // ---- missing things
    assert_eq!(kind(s.get_object("alpha", "nope", None).await), ErrorKind::NoSuchKey);
    assert_eq!(kind(s.head_object("alpha", "nope").await), ErrorKind::NoSuchKey);
    assert_eq!(kind(s.get_object("gamma", "hello.txt", None).await), ErrorKind::NoSuchBucket);
    assert_eq!(
        kind(s.put_object_bytes("gamma", "k", Bytes::new(), meta("a/b"), false).await),
        ErrorKind::NoSuchBucket
    );
    for bad in ["", "/x", "\\x"] {
        assert_eq!(
            kind(s.put_object_bytes("alpha", bad, Bytes::new(), meta("a/b"), false).await),
            ErrorKind::InvalidObjectName
        );
    }
    let long = "k".repeat(1024);
    assert_eq!(
        kind(s.put_object_bytes("alpha", &long, Bytes::new(), meta("a/b"), false).await),
        ErrorKind::InvalidObjectName
    );
    let longest = "é".repeat(511) + "k"; // 1023 bytes
    put(&s, "alpha", &longest, b"long name").await;
    assert_eq!(get(&s, "alpha", &longest).await.1, b"long name");
    s.delete_object("alpha", &longest).await.unwrap();

    // ---- Content-MD5 mismatch stores nothing and keeps the previous version
    let wrong = ObjectMeta { content_md5_expected: Some(md5_of(b"other")), ..meta("text/plain") };
    let e = s
        .put_object_bytes("alpha", "digest", Bytes::from_static(b"body"), wrong.clone(), false)
        .await;
    assert_eq!(kind(e), ErrorKind::InvalidDigest);
    assert_eq!(kind(s.head_object("alpha", "digest").await), ErrorKind::NoSuchKey);
    let e = s
        .put_object_bytes("alpha", "hello.txt", Bytes::from_static(b"body"), wrong.clone(), false)
        .await;
    assert_eq!(kind(e), ErrorKind::InvalidDigest);
    assert_eq!(s.head_object("alpha", "hello.txt").await.unwrap(), info);

    // ---- forbid-overwrite
    let r = s
        .put_object_bytes("alpha", "once", Bytes::from_static(b"first"), meta("text/plain"), true)
        .await;
    assert_eq!(r.unwrap().size, 5);
    let e = s
        .put_object_bytes("alpha", "once", Bytes::from_static(b"second"), meta("text/plain"), true)
        .await;
    assert_eq!(kind(e), ErrorKind::FileAlreadyExists);
    assert_eq!(get(&s, "alpha", "once").await.1, b"first");

    // ---- a body larger than one put: streamed as a multipart upload
    let big = pattern(SINGLE_PUT_MAX + 3 * 1024 * 1024 + 17, 0x5a);
    let r = s
        .put_object(
            "alpha",
            "big.bin",
            chunked(big.clone(), 1024 * 1024 - 3, false),
            meta("application/x-big"),
            false,
        )
        .await
        .unwrap();
    assert_eq!(r.size, big.len() as u64);
    assert_eq!(r.md5, md5_of(&big));
    assert_eq!(r.crc64, crc64(&big));
    let (binfo, bbody) = get(&s, "alpha", "big.bin").await;
    assert_eq!((binfo.size, binfo.md5), (big.len() as u64, Some(md5_of(&big))));
    assert!(bbody == big, "big body differs");
    // A range across the 8 MiB part boundary.
    let (a, b) = (SINGLE_PUT_MAX as u64 - 10, SINGLE_PUT_MAX as u64 + 9);
    let (_, part) = s.get_object("alpha", "big.bin", Some((a, b))).await.unwrap();
    assert_eq!(part.bytes().await.unwrap(), &big[a as usize..=b as usize]);
    // A large upload with the wrong Content-MD5 is aborted: the old body stays.
    let e = s
        .put_object(
            "alpha",
            "big.bin",
            chunked(pattern(SINGLE_PUT_MAX + 5, 1), 1 << 20, false),
            wrong,
            false,
        )
        .await;
    assert_eq!(kind(e), ErrorKind::InvalidDigest);
    assert_eq!(s.head_object("alpha", "big.bin").await.unwrap().md5, Some(md5_of(&big)));
    // forbid-overwrite on the streamed path too.
    let e = s
        .put_object(
            "alpha",
            "big.bin",
            chunked(pattern(SINGLE_PUT_MAX + 5, 2), 1 << 20, false),
            meta("x/y"),
            true,
        )
        .await;
    assert_eq!(kind(e), ErrorKind::FileAlreadyExists);
    s.delete_object("alpha", "big.bin").await.unwrap();

    // ---- listing in UTF-8 byte order, with prefix, delimiter, marker and max-keys
    let names = [
        "photos/2025/x.jpg",
        "a/c/d",
        "é",
        "a",
        "b",
        "dir/",
        "a-b",
        "photos/readme",
        "dir/x",
        "z//y",
        "a/b",
        "photos/2024/dog.jpg",
        "a+b",
        "photos/2024/cat.jpg",
    ];
    for n in names {
        put(&s, "beta", n, n.as_bytes()).await;
    }
    // '+' 0x2B < '-' 0x2D < '/' 0x2F; 'é' (0xC3 0xA9) after every ASCII key.
    let sorted = [
        "a",
        "a+b",
        "a-b",
        "a/b",
        "a/c/d",
        "b",
        "dir/",
        "dir/x",
        "photos/2024/cat.jpg",
        "photos/2024/dog.jpg",
        "photos/2025/x.jpg",
        "photos/readme",
        "z//y",
        "é",
    ];
    let q = |prefix: &str, delimiter: &str, marker: &str, max_keys: usize| ListQuery {
        prefix: prefix.into(),
        delimiter: delimiter.into(),
        marker: marker.into(),
        max_keys,
    };
    let page = s.list_objects("beta", &q("", "", "", 1000)).await.unwrap();
    assert_eq!(page.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(), sorted);
    assert!(!page.is_truncated && page.common_prefixes.is_empty());
    let dirx = page.objects.iter().find(|o| o.key == "dir/x").unwrap();
    let head = s.head_object("beta", "dir/x").await.unwrap();
    assert_eq!((head.md5, head.content_type.as_str()), (Some(md5_of(b"dir/x")), "text/plain"));
    assert_eq!(
        (dirx.size, &dirx.etag, dirx.last_modified, dirx.storage_class, dirx.object_type()),
        (5, &head.etag, head.last_modified, head.storage_class, "Normal")
    );
    // Exactly max-keys entries: not truncated.
    assert!(!s.list_objects("beta", &q("", "", "", 14)).await.unwrap().is_truncated);
    let page = s.list_objects("beta", &q("", "/", "", 1000)).await.unwrap();
    assert_eq!(
        page.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(),
        ["a", "a+b", "a-b", "b", "é"]
    );
    assert_eq!(page.common_prefixes, ["a/", "dir/", "photos/", "z/"]);
    let page = s.list_objects("beta", &q("photos/", "/", "", 1000)).await.unwrap();
    assert_eq!(page.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(), ["photos/readme"]);
    assert_eq!(page.common_prefixes, ["photos/2024/", "photos/2025/"]);
    let page = s.list_objects("beta", &q("pho", "", "", 1000)).await.unwrap();
    assert_eq!(page.objects.len(), 4);
    let page = s.list_objects("beta", &q("photos/2024/c", "", "", 1000)).await.unwrap();
    assert_eq!(
        page.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(),
        ["photos/2024/cat.jpg"]
    );
    let page = s.list_objects("beta", &q("", "", "a/b", 3)).await.unwrap();
    assert_eq!(
        page.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(),
        ["a/c/d", "b", "dir/"]
    );
    assert_eq!((page.is_truncated, page.next_marker.as_deref()), (true, Some("dir/")));
    // Paging without a delimiter visits every key once, in order.
    let pages = all_pages(&s, "beta", q("", "", "", 3)).await;
    assert_eq!(pages.len(), 5);
    assert_eq!(pages.iter().flat_map(|p| p.0.clone()).collect::<Vec<_>>(), sorted);
    // With a delimiter, a page ending on a common prefix continues after everything under it.
    let pages = all_pages(&s, "beta", q("", "/", "", 2)).await;
    let strs = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        pages,
        vec![
            (strs(&["a", "a+b"]), strs(&[])),
            (strs(&["a-b"]), strs(&["a/"])),
            (strs(&["b"]), strs(&["dir/"])),
            (strs(&[]), strs(&["photos/", "z/"])),
            (strs(&["é"]), strs(&[])),
        ]
    );
    assert!(s.list_objects("alpha", &q("zzz", "", "", 10)).await.unwrap().objects.is_empty());
    assert_eq!(kind(s.list_objects("gamma", &q("", "", "", 10)).await), ErrorKind::NoSuchBucket);

    // ---- copy
    let r = s
        .copy_object(
            "alpha",
            "hello.txt",
            "beta",
            "copy.txt",
            MetadataDirective::Copy { acl: ObjectAcl::Private, storage_class: None },
            false,
        )
        .await
        .unwrap();
    assert_eq!(r.etag, info.etag);
    let c = s.head_object("beta", "copy.txt").await.unwrap();
    assert_eq!(
        (c.content_type.as_str(), &c.user_meta, c.acl),
        ("text/plain", &info.user_meta, ObjectAcl::Private)
    );
    assert_eq!((c.crc64, c.cache_control.as_deref()), (info.crc64, Some("no-cache")));
    assert_eq!(c.storage_class, StorageClass::Archive, "COPY keeps the storage class");
    assert!(c.last_modified > info.last_modified, "a copy is a new write");
    assert_eq!(get(&s, "beta", "copy.txt").await.1, b"hello world");
    let listed = s.list_objects("beta", &q("copy", "", "", 10)).await.unwrap().objects;
    assert_eq!(listed.iter().map(|o| o.storage_class).collect::<Vec<_>>(), [StorageClass::Archive]);
    let replaced = ObjectMeta { user_meta: vec![("k".into(), "v".into())], ..meta("image/png") };
    s.copy_object(
        "alpha",
        "hello.txt",
        "alpha",
        "hello.txt",
        MetadataDirective::Replace(replaced),
        false,
    )
    .await
    .unwrap();
    let h = s.head_object("alpha", "hello.txt").await.unwrap();
    assert_eq!(
        (h.content_type.as_str(), h.user_meta.clone(), h.acl),
        ("image/png", vec![("k".into(), "v".into())], ObjectAcl::Default)
    );
    assert_eq!((h.etag.as_str(), h.cache_control.clone()), (info.etag.as_str(), None));
    assert_eq!(h.storage_class, StorageClass::Standard, "REPLACE takes the new class");
    let copy = MetadataDirective::Copy { acl: ObjectAcl::Default, storage_class: None };
    assert_eq!(
        kind(s.copy_object("alpha", "nope", "beta", "x", copy.clone(), false).await),
        ErrorKind::NoSuchKey
    );
    assert_eq!(
        kind(s.copy_object("alpha", "hello.txt", "beta", "copy.txt", copy.clone(), true).await),
        ErrorKind::FileAlreadyExists
    );
    assert_eq!(
        kind(s.copy_object("alpha", "hello.txt", "gamma", "x", copy, false).await),
        ErrorKind::NoSuchBucket
    );

    // ---- object ACL: changes the ACL only
    let before = s.head_object("alpha", "hello.txt").await.unwrap();
    s.put_object_acl("alpha", "hello.txt", ObjectAcl::PublicReadWrite).await.unwrap();
    assert_eq!(s.object_acl("alpha", "hello.txt").await.unwrap(), ObjectAcl::PublicReadWrite);
    let after = s.head_object("alpha", "hello.txt").await.unwrap();
    assert_eq!(after, ObjectInfo { acl: ObjectAcl::PublicReadWrite, ..before });
    assert_eq!(
        kind(s.put_object_acl("alpha", "nope", ObjectAcl::Private).await),
        ErrorKind::NoSuchKey
    );

    // ---- bucket configuration: ACL, styles in creation order, process configuration
    let mut cfg = s.bucket("alpha").await.unwrap();
    for (i, name) in ["small", "big", "a.b-c_d"].into_iter().enumerate() {
        cfg.put_style(
            name,
            &format!("image/resize,w_{}", 100 * (i + 1)),
            "image",
            t(100 + i as u64),
        )
        .unwrap();
    }
    cfg.put_style("small", "image/resize,p_50", "image", t(200)).unwrap();
    cfg.acl = Acl::PublicReadWrite;
    cfg.process = ProcessConfig {
        complied_host: CompliedHost::Img,
        source_file_protect: true,
        suffixes: vec!["jpg".into(), "png".into()],
        delimiters: vec!['-', '/'],
        oss_domain_support_at_process: false,
        last_modified: Some(t(300)),
    };
    let put = |c: &BucketConfig| {
        let c = c.clone();
        move |cur: &mut BucketConfig| {
            *cur = c.clone();
            Ok(true)
        }
    };
    assert_eq!(s.update_bucket_config("alpha", put(&cfg)).await.unwrap(), cfg);
    let back = s.bucket("alpha").await.unwrap();
    assert_eq!(back, cfg);
    assert_eq!(
        back.styles.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["small", "big", "a.b-c_d"]
    );
    let small = back.style("small").unwrap();
    assert_eq!(
        (small.content.as_str(), small.create_time, small.last_modify_time),
        ("image/resize,p_50", t(100), t(200))
    );
    assert_eq!(
        s.list_buckets().await.unwrap()[0].creation_date,
        t(0),
        "config edits keep the creation date"
    );
    assert_eq!(kind(s.update_bucket_config("gamma", put(&cfg)).await), ErrorKind::NoSuchBucket);
    // An edit that fails or changes nothing writes nothing.
    let e = s.update_bucket_config("alpha", |c| {
        c.acl = Acl::Private;
        Err(ossimg::Error::new(ErrorKind::InvalidArgument, "no"))
    });
    assert_eq!(kind(e.await), ErrorKind::InvalidArgument);
    assert_eq!(s.update_bucket_config("alpha", |_| Ok(false)).await.unwrap(), cfg);
    assert_eq!(s.bucket("alpha").await.unwrap(), cfg);
    // Concurrent edits of one configuration never lose one another.
    concurrent_style_edits(&s, &s, "alpha").await;
    multipart_upload(&s, "alpha").await;

    // ---- deletes
    s.delete_object("alpha", "once").await.unwrap();
    assert_eq!(kind(s.head_object("alpha", "once").await), ErrorKind::NoSuchKey);
    s.delete_object("alpha", "once").await.unwrap(); // missing is fine
    assert_eq!(kind(s.delete_object("gamma", "once").await), ErrorKind::NoSuchBucket);
    assert_eq!(kind(s.delete_bucket("beta").await), ErrorKind::BucketNotEmpty);
    for n in sorted.iter().chain(&["copy.txt"]) {
        s.delete_object("beta", n).await.unwrap();
    }
    assert!(s.list_objects("beta", &q("", "", "", 10)).await.unwrap().objects.is_empty());
    s.delete_bucket("beta").await.unwrap();
    assert_eq!(kind(s.delete_bucket("beta").await), ErrorKind::NoSuchBucket);
    assert_eq!(
        s.list_buckets().await.unwrap().iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
        ["alpha"]
    );
}

/// A multipart upload through every step: parts out of order and replaced, the part rules,
/// completion into an object with the OSS multipart ETag, abort, and the bucket kept from
/// deletion while an upload is open.
async fn multipart_upload(s: &Storage, bucket: &str) {
    let p1 = pattern(MIN_PART_SIZE as usize + 11, 1);
    let p2 = pattern(MIN_PART_SIZE as usize, 2);
    let p3 = pattern(1000, 3);
    let id =
        s.initiate_multipart_upload(bucket, "mp/big.bin", meta("application/x-mp")).await.unwrap();
    assert_eq!(id.len(), 32);
    let up = |n: u32, data: Vec<u8>| {
        let id = id.clone();
        async move {
            s.upload_part(bucket, "mp/big.bin", &id, n, chunked(data, 7777, false), None).await
        }
    };
    let r3 = up(3, p3.clone()).await.unwrap();
    up(1, pattern(500, 9)).await.unwrap(); // replaced below
    let r1 = up(1, p1.clone()).await.unwrap();
    let r2 = up(2, p2.clone()).await.unwrap();
    assert_eq!((r1.md5, r3.size), (md5_of(&p1), 1000));
    // Nothing is visible before completion.
    assert_eq!(kind(s.head_object(bucket, "mp/big.bin").await), ErrorKind::NoSuchKey);
    let parts = s.list_parts(bucket, "mp/big.bin", &id).await.unwrap();
    assert_eq!(
        parts.iter().map(|p| (p.number, p.size)).collect::<Vec<_>>(),
        [(1, p1.len() as u64), (2, p2.len() as u64), (3, 1000)]
    );
    let all = UploadQuery { max: 1000, ..UploadQuery::default() };
    let page = s.list_uploads(bucket, &all).await.unwrap();
    let listed: Vec<(&str, &str)> = page
        .entries
        .iter()
        .map(|e| match e {
            UploadListed::Upload(u) => (u.key.as_str(), u.upload_id.as_str()),
            UploadListed::Prefix(p) => (p.as_str(), ""),
        })
        .collect();
    assert_eq!(listed, [("mp/big.bin", id.as_str())]);
    assert_eq!(kind(s.delete_bucket(bucket).await), ErrorKind::BucketNotEmpty);
    // The rules: unknown upload or key, part numbers, order, ETags, the 100 KB minimum.
    let bad = "0123456789ABCDEF0123456789ABCDEF";
    assert_eq!(kind(s.list_parts(bucket, "mp/big.bin", bad).await), ErrorKind::NoSuchUpload);
    assert_eq!(kind(s.list_parts(bucket, "mp/other", &id).await), ErrorKind::NoSuchUpload);
    assert_eq!(kind(s.list_parts(bucket, "mp/big.bin", "../x").await), ErrorKind::NoSuchUpload);
    assert_eq!(kind(up(0, vec![1]).await), ErrorKind::InvalidArgument);
    assert_eq!(kind(up(10_001, vec![1]).await), ErrorKind::InvalidArgument);
    let e = s
        .upload_part(bucket, "mp/big.bin", &id, 4, chunked(vec![1, 2], 2, false), Some([0; 16]))
        .await;
    assert_eq!(kind(e), ErrorKind::InvalidDigest);
    let complete = |list: Vec<(u32, String)>| {
        let id = id.clone();
        async move { s.complete_multipart_upload(bucket, "mp/big.bin", &id, Some(&list), false).await }
    };
    let (e1, e2, e3) = (r1.etag.clone(), r2.etag.clone(), r3.etag.clone());
    assert_eq!(
        kind(complete(vec![(2, e2.clone()), (1, e1.clone())]).await),
        ErrorKind::InvalidPartOrder
    );
    assert_eq!(kind(complete(vec![(1, e2.clone())]).await), ErrorKind::InvalidPart);
    assert_eq!(
        kind(complete(vec![(1, e1.clone()), (5, e3.clone())]).await),
        ErrorKind::InvalidPart
    );
    assert_eq!(
        kind(complete(vec![(3, e3.clone()), (4, e3.clone())]).await),
        ErrorKind::InvalidPart
    );
    let small =
        s.initiate_multipart_upload(bucket, "mp/small", ObjectMeta::default()).await.unwrap();
    let a = s
        .upload_part(bucket, "mp/small", &small, 1, chunked(vec![7; 10], 10, false), None)
        .await
        .unwrap();
    let b = s
        .upload_part(bucket, "mp/small", &small, 2, chunked(vec![8; 10], 10, false), None)
        .await
        .unwrap();
    let e = s
        .complete_multipart_upload(
            bucket,
            "mp/small",
            &small,
            Some(&[(1, a.etag), (2, b.etag)]),
            false,
        )
        .await;
    assert_eq!(kind(e), ErrorKind::EntityTooSmall);
    s.abort_multipart_upload(bucket, "mp/small", &small).await.unwrap();
    assert_eq!(
        kind(s.abort_multipart_upload(bucket, "mp/small", &small).await),
        ErrorKind::NoSuchUpload
    );
    // Completion (quotes and case of the listed ETags do not matter).
    let r = complete(vec![
        (1, e1.to_lowercase()),
        (2, e2.trim_matches('"').to_string()),
        (3, e3.clone()),
    ])
    .await
    .unwrap();
    let whole: Vec<u8> = [p1.as_slice(), &p2, &p3].concat();
    let of_parts: Vec<u8> = [r1.md5, r2.md5, r3.md5].concat();
    let want = format!(
        "\"{}-3\"",
        md5_of(&of_parts).iter().map(|b| format!("{b:02X}")).collect::<String>()
    );
    assert_eq!(
        (r.etag.as_str(), r.size, r.md5, r.crc64),
        (want.as_str(), whole.len() as u64, md5_of(&whole), crc64(&whole))
    );
    let (info, body) = get(s, bucket, "mp/big.bin").await;
    assert!(body == whole, "assembled body differs");
    assert_eq!(
        (info.etag.as_str(), info.object_type(), info.content_type.as_str()),
        (want.as_str(), "Multipart", "application/x-mp")
    );
    assert_eq!(kind(s.list_parts(bucket, "mp/big.bin", &id).await), ErrorKind::NoSuchUpload);
    assert!(s.list_uploads(bucket, &all).await.unwrap().entries.is_empty());
    // An ACL change keeps the multipart ETag; a copy is a new, normal object.
    s.put_object_acl(bucket, "mp/big.bin", ObjectAcl::PublicRead).await.unwrap();
    assert_eq!(s.head_object(bucket, "mp/big.bin").await.unwrap().etag, want);
    s.delete_object(bucket, "mp/big.bin").await.unwrap();
}

/// Adds styles `c0`…`c23` with 24 concurrent configuration updates, alternating between `a`
/// and `b` (one instance twice, or two instances over the same store), then removes them the
/// same way: every edit must land.
async fn concurrent_style_edits(a: &Storage, b: &Storage, bucket: &str) {
    let before = a.bucket(bucket).await.unwrap().styles.len();
    let names: Vec<String> = (0..24).map(|i| format!("c{i}")).collect();
    let add = names.iter().enumerate().map(|(i, n)| {
        let s = if i % 2 == 0 { a } else { b };
        s.update_bucket_config(bucket, move |c| {
            c.put_style(n, "image/resize,w_10", "image", UNIX_EPOCH).map(|()| true)
        })
    });
    for r in futures_util::future::join_all(add).await {
        r.unwrap();
    }
    let styles = b.bucket(bucket).await.unwrap().styles;
    assert_eq!(styles.len(), before + names.len());
    assert!(
        names.iter().all(|n| styles.iter().any(|s| &s.name == n)),
        "a concurrent style edit was lost"
    );
    let remove = names.iter().enumerate().map(|(i, n)| {
        let s = if i % 2 == 0 { b } else { a };
        s.update_bucket_config(bucket, move |c| Ok(c.remove_style(n)))
    });
    for r in futures_util::future::join_all(remove).await {
        r.unwrap();
    }
    assert_eq!(a.bucket(bucket).await.unwrap().styles.len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_backend() {
    let s = Storage::new(StorageConfig::Memory).unwrap();
    assert!(
        s.conditional_writes().await.unwrap(),
        "object_store's in-memory store checks versions"
    );
    exercise(s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_backend() {
    let dir = TempDir::new("shared");
    let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
    assert!(!s.conditional_writes().await.unwrap(), "the local store has no conditional writes");
    exercise(s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_backend() {
    let Some(env) = s3_env("s3_backend") else { return };
    let config = env.config(&S3Env::fresh_prefix("ossimg-test"));
    let s = Storage::new(config.clone()).unwrap();
    assert_eq!(s.backend(), "s3");
    exercise(s.clone()).await;
    // Two instances sharing the store: conditional writes keep both instances' edits, on a
    // server that honours them (Garage 2.x accepts If-Match and ignores it).
    if s.conditional_writes().await.unwrap() {
        let other = Storage::new(config).unwrap();
        s.create_bucket("shared", Acl::Private, StorageClass::Standard).await.unwrap();
        concurrent_style_edits(&s, &other, "shared").await;
        s.delete_bucket("shared").await.unwrap();
    } else {
        eprintln!(
            "s3_backend: the server ignores If-Match; two-instance configuration edits not checked"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_layout_is_documented_one() {
    let dir = TempDir::new("layout");
    let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
    s.create_bucket("pics", Acl::Private, StorageClass::Standard).await.unwrap();
    put(&s, "pics", "a b/c.jpg", b"x").await;
    put(&s, "pics", "a b", b"y").await;
    assert_eq!(
        object_files(&dir.0),
        [".ossimg/buckets/pics.json", "pics/a b%", "pics/a b%2F/c.jpg%"]
    );
    // A stray file and a staging file left by a crash are not objects.
    std::fs::write(dir.0.join("pics/README"), b"not ours").unwrap();
    std::fs::write(dir.0.join("pics/a b%#1"), b"half a put").unwrap();
    let page = s.list_objects("pics", &ListQuery::default()).await.unwrap();
    assert_eq!(
        page.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(),
        ["a b", "a b/c.jpg"]
    );
    assert_eq!(get(&s, "pics", "a b").await.1, b"y");
}

/// A valid key whose escaped path is longer than the file system allows (1023 bytes of `/`
/// escape to ~4 KB) is refused as `InvalidObjectName`, never a 500, and listing that deep finds
/// nothing; long keys that fit still work, with deep directories.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_keys_past_the_path_limit_are_refused_cleanly() {
    let dir = TempDir::new("deep");
    let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
    s.create_bucket("bkt", Acl::Private, StorageClass::Standard).await.unwrap();
    let deep = format!("a{}", "/".repeat(1022));
    let e = s.put_object_bytes("bkt", &deep, Bytes::from_static(b"x"), meta("x/y"), false).await;
    assert_eq!(kind(e), ErrorKind::InvalidObjectName);
    assert_eq!(kind(s.head_object("bkt", &deep).await), ErrorKind::InvalidObjectName);
    assert_eq!(kind(s.delete_object("bkt", &deep).await), ErrorKind::InvalidObjectName);
    let q = ListQuery { prefix: deep.clone(), ..ListQuery::default() };
    assert!(s.list_objects("bkt", &q).await.unwrap().objects.is_empty());
    for key in ["k".repeat(1023), format!("{}x", "d/".repeat(511))] {
        put(&s, "bkt", &key, b"fits").await;
        assert_eq!(get(&s, "bkt", &key).await.1, b"fits", "{key}");
    }
    assert_eq!(object_files(&dir.0).iter().filter(|f| f.starts_with("bkt/")).count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_failed_bodies_keep_the_previous_version() {
    let dir = TempDir::new("fail");
    let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
    s.create_bucket("bkt", Acl::Private, StorageClass::Standard).await.unwrap();
    let v1 = put(&s, "bkt", "k", b"version one").await;
    // Fails after 1 KiB (buffered path) and after 10 MiB (multipart path, parts already written).
    for sent in [1024, SINGLE_PUT_MAX + 2 * 1024 * 1024] {
        let e = s
            .put_object("bkt", "k", chunked(pattern(sent, 3), 512 * 1024, true), meta("x/y"), false)
            .await;
        assert_eq!(kind(e), ErrorKind::BadRequest, "after {sent} bytes");
        let (info, body) = get(&s, "bkt", "k").await;
        assert_eq!((info.etag, body.as_slice()), (v1.etag.clone(), &b"version one"[..]));
        let page = s.list_objects("bkt", &ListQuery::default()).await.unwrap();
        assert_eq!(page.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(), ["k"]);
        // The aborted upload's staging file is gone too.
        assert_eq!(
            object_files(&dir.0),
            [".ossimg/buckets/bkt.json", "bkt/k%"],
            "after {sent} bytes"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn local_concurrent_puts_never_expose_a_mix() {
    let dir = TempDir::new("race");
    let s = Storage::new(StorageConfig::Local { root: dir.0.clone() }).unwrap();
    s.create_bucket("race", Acl::Private, StorageClass::Standard).await.unwrap();
    put(&s, "race", "k", &[0u8; 100]).await;
    // Writers: uniform bodies of different sizes, across both write paths (one put / multipart).
    let sizes = [100usize, 70_000, 3 << 20, SINGLE_PUT_MAX + (1 << 20)];
    let mut writers = Vec::new();
    for round in 0..2u8 {
        for (i, &len) in sizes.iter().enumerate() {
            let s = s.clone();
            let fill = 1 + round * 10 + i as u8;
            writers.push(tokio::spawn(async move {
                let body = vec![fill; len];
                s.put_object("race", "k", chunked(body, 256 * 1024, false), meta("x/y"), false)
                    .await
                    .unwrap();
            }));
        }
    }
    // A reader checks every version it sees: one fill byte, and the size and MD5 the info claims.
    let reader = {
        let s = s.clone();
        tokio::spawn(async move {
            let mut reads = 0;
            for _ in 0..60 {
                let (info, body) = s.get_object("race", "k", None).await.unwrap();
                let body = body.bytes().await.unwrap();
                assert_eq!(body.len() as u64, info.size);
                assert!(body.iter().all(|&b| b == body[0]), "a mixed body of {} bytes", body.len());
                assert_eq!(Some(md5_of(&body)), info.md5);
                reads += 1;
            }
            reads
        })
    };
    for w in writers {
        w.await.unwrap();
    }
    assert_eq!(reader.await.unwrap(), 60);
    let (info, body) = get(&s, "race", "k").await;
    assert!(sizes.contains(&body.len()) && body.iter().all(|&b| b == body[0]));
    assert_eq!(Some(md5_of(&body)), info.md5);
    assert_eq!(object_files(&dir.0), [".ossimg/buckets/race.json", "race/k%"]);
}
