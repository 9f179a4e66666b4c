//! Object operations: PutObject, GetObject (Range, conditional headers, `response-*`),
//! HeadObject, DeleteObject, CopyObject and Get/PutObjectAcl (spec §10.2–§10.5, §10.8).

use crate::buckets::acl_xml;
use crate::harness::*;

/// `"123456789"`: the CRC-64/XZ check string (spec §10.2), its MD5 as ETag and Content-MD5.
const CHECK: &[u8] = b"123456789";
const CHECK_ETAG: &str = "\"25F9E794323B453885F5181F1B624D0B\"";
const CHECK_MD5: &str = "JfnnlDI7RTiF9RgfG2JNCw==";
const CHECK_CRC: &str = "11051210869376104954";
/// The 10-byte object of the spec's Range examples (§10.3).
const ABC: &[u8] = b"abcdefghij";
/// `Last-Modified` of everything the fixed-clock store writes.
const NOW_HTTP: &str = "Tue, 14 Nov 2023 22:13:20 GMT";

async fn server() -> Server {
    let s = Server::new();
    s.bucket("bkt").await;
    s
}

#[tokio::test]
async fn put_object_answers_etag_md5_and_crc() {
    let s = server().await;
    let r = s.put("bkt/check.txt").body(CHECK).send().await;
    r.status(200)
        .has("etag", CHECK_ETAG)
        .has("content-md5", CHECK_MD5)
        .has("x-oss-hash-crc64ecma", CHECK_CRC)
        .has("content-length", "0")
        .body_is("");
    // An empty object (spec §10.2: CRC 0).
    s.put("bkt/empty")
        .send()
        .await
        .status(200)
        .has("x-oss-hash-crc64ecma", "0")
        .has("etag", "\"D41D8CD98F00B204E9800998ECF8427E\"");
    s.get("bkt/empty").send().await.status(200).has("content-length", "0").body_is("");
}

#[tokio::test]
async fn put_object_with_content_md5() {
    let s = server().await;
    s.put("bkt/k")
        .h("Content-MD5", CHECK_MD5)
        .body(CHECK)
        .send()
        .await
        .status(200)
        .has("etag", CHECK_ETAG);
    // A digest of other bytes: 400 InvalidDigest and nothing stored (nor replaced).
    s.put("bkt/k")
        .h("Content-MD5", "qSVXaULpSy71egZhAbSIdg==")
        .body("different")
        .send()
        .await
        .err(400, "InvalidDigest");
    s.get("bkt/k").send().await.status(200).body_is("123456789");
    s.put("bkt/new")
        .h("Content-MD5", "qSVXaULpSy71egZhAbSIdg==")
        .body(CHECK)
        .send()
        .await
        .err(400, "InvalidDigest");
    s.head("bkt/new").send().await.err(404, "NoSuchKey");
    // Not base64 of 16 bytes.
    s.put("bkt/new")
        .h("Content-MD5", "bm90LW1kNQ==")
        .body(CHECK)
        .send()
        .await
        .err(400, "InvalidDigest");
    s.put("bkt/new").h("Content-MD5", "%%%").body(CHECK).send().await.err(400, "InvalidDigest");
    s.head("bkt/new").send().await.err(404, "NoSuchKey");
}

#[tokio::test]
async fn put_object_forbid_overwrite() {
    let s = server().await;
    s.put("bkt/once").h("x-oss-forbid-overwrite", "true").body("first").send().await.status(200);
    s.put("bkt/once")
        .h("x-oss-forbid-overwrite", "true")
        .body("second")
        .send()
        .await
        .err(409, "FileAlreadyExists");
    s.get("bkt/once").send().await.body_is("first");
    s.put("bkt/once").h("x-oss-forbid-overwrite", "false").body("third").send().await.status(200);
    s.get("bkt/once").send().await.body_is("third");
}

#[tokio::test]
async fn put_object_without_length_is_411() {
    let s = server().await;
    s.put("bkt/k").no_length().send().await.err(411, "MissingContentLength");
}

#[tokio::test]
async fn put_object_rejects_bad_names_and_acls() {
    let s = server().await;
    s.put("bkt/k")
        .h("x-oss-object-acl", "everyone")
        .body("x")
        .send()
        .await
        .err(400, "InvalidArgument");
    s.put(&format!("bkt/{}", "k".repeat(1024)))
        .body("x")
        .send()
        .await
        .err(400, "InvalidObjectName");
    s.put(&format!("bkt/{}", "k".repeat(1023))).body("x").send().await.status(200);
}

#[tokio::test]
async fn metadata_round_trip() {
    let s = server().await;
    s.put("bkt/doc.html")
        .h("Content-Type", "text/html; charset=utf-8")
        .h("Cache-Control", "no-cache")
        .h("Content-Disposition", "attachment; filename=\"doc.html\"")
        .h("Content-Encoding", "identity")
        .h("Expires", "Wed, 21 Oct 2015 07:28:00 GMT")
        .h("x-oss-meta-Author", "alice")
        .h("x-oss-meta-magic", "abracadabra")
        .body(CHECK)
        .send()
        .await
        .status(200);
    for method in ["GET", "HEAD"] {
        let r = s.req(method, "bkt/doc.html").send().await;
        r.status(200)
            .has("content-type", "text/html; charset=utf-8")
            .has("cache-control", "no-cache")
            .has("content-disposition", "attachment; filename=\"doc.html\"")
            .has("content-encoding", "identity")
            .has("expires", "Wed, 21 Oct 2015 07:28:00 GMT")
            .has("x-oss-meta-author", "alice")
            .has("x-oss-meta-magic", "abracadabra")
            .has("content-length", "9")
            .has("etag", CHECK_ETAG)
            .has("content-md5", CHECK_MD5)
            .has("x-oss-hash-crc64ecma", CHECK_CRC)
            .has("last-modified", NOW_HTTP)
            .has("accept-ranges", "bytes")
            .has("x-oss-object-type", "Normal")
            .has("x-oss-storage-class", "Standard");
        assert_eq!(r.body, if method == "GET" { CHECK.to_vec() } else { Vec::new() });
    }
    // No Content-Type given: application/octet-stream (spec §10.2 recommendation).
    s.object("bkt/raw", b"x").await;
    s.head("bkt/raw").send().await.has("content-type", "application/octet-stream");
}

#[tokio::test]
async fn object_acl_header_and_api() {
    let s = server().await;
    s.put("bkt/pub.txt")
        .h("x-oss-object-acl", "public-read")
        .body("hello")
        .send()
        .await
        .status(200);
    s.object("bkt/priv.txt", b"secret").await;
    s.get("bkt/pub.txt").anon().send().await.status(200).body_is("hello");
    s.get("bkt/priv.txt").anon().send().await.err(403, "AccessDenied");
    s.get("bkt/pub.txt").q("acl", "").send().await.status(200).body_is(&acl_xml("public-read"));
    s.get("bkt/priv.txt").q("acl", "").send().await.status(200).body_is(&acl_xml("default"));
    // PutObjectAcl flips both.
    s.put("bkt/pub.txt")
        .q("acl", "")
        .h("x-oss-object-acl", "private")
        .send()
        .await
        .status(200)
        .body_is("");
    s.put("bkt/priv.txt")
        .q("acl", "")
        .h("x-oss-object-acl", "public-read-write")
        .send()
        .await
        .status(200);
    s.get("bkt/pub.txt").anon().send().await.err(403, "AccessDenied");
    s.get("bkt/priv.txt").anon().send().await.status(200).body_is("secret");
    s.get("bkt/pub.txt").q("acl", "").send().await.body_is(&acl_xml("private"));
    // Errors: bad value, missing header, missing object, anonymous.
    s.put("bkt/pub.txt")
        .q("acl", "")
        .h("x-oss-object-acl", "open")
        .send()
        .await
        .err(400, "InvalidArgument");
    s.put("bkt/pub.txt").q("acl", "").send().await.err(400, "MissingArgument");
    s.get("bkt/none").q("acl", "").send().await.err(404, "NoSuchKey");
    s.get("bkt/priv.txt").q("acl", "").anon().send().await.err(403, "AccessDenied");
}

#[tokio::test]
async fn get_missing_key_is_no_such_key_with_ec_and_key() {
    let s = server().await;
    let r = s.get("bkt/dir/missing.jpg").send().await;
    r.err(404, "NoSuchKey").msg("The specified key does not exist.").ec("0026-00000001");
    assert_eq!(r.el("Key").as_deref(), Some("dir/missing.jpg"));
}

#[tokio::test]
async fn head_missing_has_no_body_and_error_headers() {
    let s = server().await;
    let r = s.head("bkt/missing").send().await;
    // The harness checks the empty body and the envelope inside x-oss-err.
    r.err(404, "NoSuchKey").ec("0026-00000001");
    assert!(r.body.is_empty());
    assert_eq!(r.el("Key").as_deref(), Some("missing"));
}

// ------------------------------------------------------------------ Range (§10.3)

#[tokio::test]
async fn valid_ranges_are_206() {
    let s = server().await;
    s.object("bkt/abc", ABC).await;
    for (range, body, content_range) in [
        ("bytes=2-4", "cde", "bytes 2-4/10"),
        ("bytes=5-", "fghij", "bytes 5-9/10"),
        ("bytes=-3", "hij", "bytes 7-9/10"),
        ("bytes=0-9", "abcdefghij", "bytes 0-9/10"),
        // Several ranges: the first is served by default (spec §10.3 recommendation).
        ("bytes=0-1,3-4", "ab", "bytes 0-1/10"),
    ] {
        s.get("bkt/abc")
            .h("Range", range)
            .send()
            .await
            .status(206)
            .has("content-range", content_range)
            .has("content-length", &body.len().to_string())
            .has("accept-ranges", "bytes")
            .body_is(body);
    }
}

#[tokio::test]
async fn invalid_ranges_serve_the_whole_object() {
    let s = server().await;
    s.object("bkt/abc", ABC).await;
    // The documented invalid cases, scaled to a 10-byte object.
    for range in [
        "byte=0-4",
        "bytes=0-10",
        "bytes=10-20",
        "bytes=10-",
        "bytes=-20",
        "bytes=4-2",
        "bytes=x-y",
    ] {
        s.get("bkt/abc")
            .h("Range", range)
            .send()
            .await
            .status(200)
            .lacks("content-range")
            .has("content-length", "10")
            .body_is("abcdefghij");
    }
}

#[tokio::test]
async fn standard_range_behavior_clamps_or_416() {
    let s = server().await;
    s.object("bkt/abc", ABC).await;
    let standard = |range: &'static str| {
        s.get("bkt/abc").h("Range", range).h("x-oss-range-behavior", "standard").send()
    };
    standard("bytes=5-15").await.status(206).has("content-range", "bytes 5-9/10").body_is("fghij");
    standard("bytes=-20")
        .await
        .status(206)
        .has("content-range", "bytes 0-9/10")
        .body_is("abcdefghij");
    for bad in ["bytes=15-25", "bytes=10-", "bytes=0-1,3-4"] {
        standard(bad)
            .await
            .err(416, "InvalidRange")
            .msg("The requested range cannot be satisfied.");
    }
}

// ------------------------------------------------------------------ conditional requests (§10.3)

#[tokio::test]
async fn conditional_get_and_head() {
    let s = server().await;
    s.object("bkt/k", CHECK).await;
    let before = "Tue, 14 Nov 2023 22:13:19 GMT";
    for method in ["GET", "HEAD"] {
        let c =
            |name: &'static str, value: &'static str| s.req(method, "bkt/k").h(name, value).send();
        // If-None-Match: equal (quoted, unquoted, lower-case, *) → 304 without a body.
        for tag in [
            CHECK_ETAG,
            "25F9E794323B453885F5181F1B624D0B",
            "\"25f9e794323b453885f5181f1b624d0b\"",
            "*",
        ] {
            let r = c("If-None-Match", tag).await;
            r.status(304).has("etag", CHECK_ETAG).has("last-modified", NOW_HTTP);
            assert!(r.body.is_empty());
        }
        c("If-None-Match", "\"0000\"").await.status(200);
        // If-Modified-Since: not modified since then → 304; modified after → 200.
        c("If-Modified-Since", NOW_HTTP).await.status(304);
        c("If-Modified-Since", before).await.status(200);
        // If-Match mismatch and If-Unmodified-Since earlier → 412.
        c("If-Match", "\"0000\"").await.err(412, "PreconditionFailed");
        c("If-Match", CHECK_ETAG).await.status(200);
        c("If-Unmodified-Since", before).await.err(412, "PreconditionFailed");
        c("If-Unmodified-Since", NOW_HTTP).await.status(200);
    }
    // If-None-Match decides over If-Modified-Since.
    s.get("bkt/k")
        .h("If-None-Match", "\"0000\"")
        .h("If-Modified-Since", NOW_HTTP)
        .send()
        .await
        .status(200);
}

// ------------------------------------------------------------------ response-* overrides (§10.3)

#[tokio::test]
async fn response_overrides() {
    let s = Server::new();
    s.bucket_acl("pub", "public-read").await;
    s.put("pub/k").h("Content-Type", "text/plain").body("x").send().await.status(200);
    s.get("pub/k")
        .q("response-content-type", "application/x-test")
        .q("response-content-language", "fr")
        .q("response-expires", "Thu, 01 Dec 1994 16:00:00 GMT")
        .q("response-cache-control", "max-age=60")
        .q("response-content-disposition", "attachment; filename=\"x y.txt\"")
        .q("response-content-encoding", "gzip")
        .send()
        .await
        .status(200)
        .has("content-type", "application/x-test")
        .has("content-language", "fr")
        .has("expires", "Thu, 01 Dec 1994 16:00:00 GMT")
        .has("cache-control", "max-age=60")
        .has("content-disposition", "attachment; filename=\"x y.txt\"")
        .has("content-encoding", "gzip")
        .body_is("x");
    // Anonymous readers may read the object, but not with overrides.
    s.get("pub/k").anon().send().await.status(200).has("content-type", "text/plain");
    s.get("pub/k")
        .q("response-content-type", "text/html")
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
}

// ------------------------------------------------------------------ DeleteObject (§10.5)

#[tokio::test]
async fn delete_object_is_204_even_when_missing() {
    let s = server().await;
    s.object("bkt/k", b"x").await;
    s.delete("bkt/k").send().await.status(204).body_is("");
    s.get("bkt/k").send().await.err(404, "NoSuchKey");
    s.delete("bkt/k").send().await.status(204);
    s.delete("bkt/never").send().await.status(204);
    s.object("bkt/k", b"x").await;
    s.delete("bkt/k").anon().send().await.err(403, "AccessDenied");
    s.get("bkt/k").send().await.status(200);
}

// ------------------------------------------------------------------ CopyObject

fn copy_result(etag: &str) -> String {
    format!("{PROLOG}<CopyObjectResult><ETag>{etag}</ETag><LastModified>2023-11-14T22:13:20.000Z</LastModified></CopyObjectResult>")
}

#[tokio::test]
async fn copy_object_copy_directive_keeps_metadata() {
    let s = server().await;
    s.bucket("other").await;
    s.put("bkt/src dir/a+b.txt")
        .h("Content-Type", "text/plain")
        .h("x-oss-meta-color", "blue")
        .body(CHECK)
        .send()
        .await
        .status(200);
    // The source is URL-encoded in the header, as SDKs send it.
    s.put("other/copy.txt")
        .h("x-oss-copy-source", "/bkt/src%20dir/a%2Bb.txt")
        .send()
        .await
        .status(200)
        .has("content-type", "application/xml")
        .has("etag", CHECK_ETAG)
        .has("x-oss-hash-crc64ecma", CHECK_CRC)
        .body_is(&copy_result(CHECK_ETAG));
    s.get("other/copy.txt")
        .send()
        .await
        .status(200)
        .has("content-type", "text/plain")
        .has("x-oss-meta-color", "blue")
        .body_is("123456789");
}

#[tokio::test]
async fn copy_object_replace_directive_takes_new_metadata() {
    let s = server().await;
    s.put("bkt/src")
        .h("Content-Type", "text/plain")
        .h("x-oss-meta-color", "blue")
        .body(CHECK)
        .send()
        .await
        .status(200);
    s.put("bkt/dst")
        .h("x-oss-copy-source", "/bkt/src")
        .h("x-oss-metadata-directive", "REPLACE")
        .h("Content-Type", "application/json")
        .h("x-oss-meta-shape", "round")
        .send()
        .await
        .status(200)
        .body_is(&copy_result(CHECK_ETAG));
    let r = s.head("bkt/dst").send().await;
    r.status(200)
        .has("content-type", "application/json")
        .has("x-oss-meta-shape", "round")
        .lacks("x-oss-meta-color");
    // The source is untouched.
    s.head("bkt/src")
        .send()
        .await
        .has("content-type", "text/plain")
        .has("x-oss-meta-color", "blue");
}

#[tokio::test]
async fn copy_object_errors() {
    let s = server().await;
    s.object("bkt/src", b"x").await;
    // The not-found elements name the source, not the destination.
    let r = s.put("bkt/dst").h("x-oss-copy-source", "/bkt/missing").send().await;
    r.err(404, "NoSuchKey").ec("0026-00000001");
    assert_eq!(r.el("Key").as_deref(), Some("missing"));
    let r = s.put("bkt/dst").h("x-oss-copy-source", "/nobucket/src").send().await;
    r.err(404, "NoSuchBucket").ec("0015-00000101");
    assert_eq!(r.el("BucketName").as_deref(), Some("nobucket"));
    s.put("bkt/dst").h("x-oss-copy-source", "/bkt").send().await.err(400, "InvalidArgument");
    s.put("bkt/dst")
        .h("x-oss-copy-source", "/bkt/src")
        .h("x-oss-metadata-directive", "MERGE")
        .send()
        .await
        .err(400, "InvalidArgument");
    s.put("bkt/dst")
        .h("x-oss-copy-source", "/bkt/src")
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    s.head("bkt/dst").send().await.err(404, "NoSuchKey");
}

#[tokio::test]
async fn copy_object_source_conditions() {
    let s = server().await;
    let etag = s.object("bkt/src", b"x").await.header("etag").unwrap().to_string();
    let copy = |name: &str, value: &str| {
        s.put("bkt/dst").h("x-oss-copy-source", "/bkt/src").h(name, value).send()
    };
    // Written at NOW (2023-11-14T22:13:20Z).
    let (before, after) = ("Mon, 13 Nov 2023 00:00:00 GMT", "Wed, 15 Nov 2023 00:00:00 GMT");
    copy("x-oss-copy-source-if-match", "\"0123\"").await.err(412, "PreconditionFailed");
    copy("x-oss-copy-source-if-unmodified-since", before).await.err(412, "PreconditionFailed");
    copy("x-oss-copy-source-if-none-match", &etag).await.status(304);
    copy("x-oss-copy-source-if-modified-since", after).await.status(304);
    s.head("bkt/dst").send().await.err(404, "NoSuchKey");
    copy("x-oss-copy-source-if-match", &etag).await.status(200);
    copy("x-oss-copy-source-if-modified-since", before).await.status(200);
    copy("x-oss-copy-source-if-none-match", "\"0123\"").await.status(200);
    s.get("bkt/dst").send().await.status(200).body_is("x");
}

// ------------------------------------------------------------------ odd keys and bodies

#[tokio::test]
async fn odd_keys_round_trip_in_both_addressing_styles() {
    let s = server().await;
    let keys =
        ["a b+c%d.txt", "中文/图片.jpg", "q?x=1&y#z", "dir/", "a//b", "./..", "~!$'()*,;=:@"];
    for (i, k) in keys.iter().enumerate() {
        let body = format!("body {i}");
        s.put(&format!("bkt/{k}")).body(&body).send().await.status(200);
        s.get(&format!("bkt/{k}")).send().await.status(200).body_is(&body);
        s.get(&format!("bkt/{k}")).vhost().send().await.status(200).body_is(&body);
        s.get(&format!("bkt/{k}")).auth(Auth::V1).send().await.status(200);
        s.get(&format!("bkt/{k}")).auth(Auth::V1Url(NOW + 60)).send().await.status(200);
    }
    let r = s.get("bkt").send().await;
    let mut listed = ossimg::api::xml::elements(&r.text(), "Key").unwrap();
    let mut expected: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn chunked_put_without_length() {
    let s = server().await;
    s.put("bkt/chunked")
        .no_length()
        .h("Transfer-Encoding", "chunked")
        .body(CHECK)
        .send()
        .await
        .status(200)
        .has("x-oss-hash-crc64ecma", CHECK_CRC);
    s.get("bkt/chunked").send().await.status(200).has("content-length", "9").body_is("123456789");
}

#[tokio::test]
async fn ranges_on_an_empty_object() {
    let s = server().await;
    s.object("bkt/empty", b"").await;
    s.get("bkt/empty")
        .h("Range", "bytes=0-0")
        .send()
        .await
        .status(200)
        .lacks("content-range")
        .body_is("");
    s.get("bkt/empty")
        .h("Range", "bytes=0-0")
        .h("x-oss-range-behavior", "standard")
        .send()
        .await
        .err(416, "InvalidRange");
}

#[tokio::test]
async fn user_metadata_limits() {
    let s = server().await;
    // 8 KB of names and values in total (spec §10.2).
    let big = "v".repeat(8 * 1024);
    s.put("bkt/k").h("x-oss-meta-big", &big).body("x").send().await.err(400, "InvalidArgument");
    s.put("bkt/k").h("x-oss-meta-ok", &"v".repeat(8 * 1024 - 2)).body("x").send().await.status(200);
}

#[tokio::test]
async fn head_with_a_range_answers_like_get() {
    let s = server().await;
    s.object("bkt/abc", ABC).await;
    let r = s.head("bkt/abc").h("Range", "bytes=2-4").send().await;
    r.status(206).has("content-range", "bytes 2-4/10").has("content-length", "3");
    assert!(r.body.is_empty());
    s.head("bkt/abc")
        .h("Range", "bytes=0-99")
        .send()
        .await
        .status(200)
        .has("content-length", "10")
        .lacks("content-range");
}

#[tokio::test]
async fn copy_object_respects_the_source_object_acl() {
    let s = Server::new();
    s.bucket_acl("pubsrc", "public-read").await;
    s.bucket_acl("open", "public-read-write").await;
    s.put("pubsrc/private.txt")
        .h("x-oss-object-acl", "private")
        .body("secret")
        .send()
        .await
        .status(200);
    s.object("pubsrc/public.txt", b"public").await;
    s.bucket("privsrc").await;
    // Anonymous copies into a writable bucket: the private object stays private.
    s.put("open/leak")
        .anon()
        .h("x-oss-copy-source", "/pubsrc/private.txt")
        .send()
        .await
        .err(403, "AccessDenied");
    s.head("open/leak").send().await.err(404, "NoSuchKey");
    s.put("open/ok").anon().h("x-oss-copy-source", "/pubsrc/public.txt").send().await.status(200);
    s.get("open/ok").anon().send().await.body_is("public");
    // Nothing is learnt about the keys of a bucket the caller cannot read.
    s.put("open/x")
        .anon()
        .h("x-oss-copy-source", "/privsrc/missing")
        .send()
        .await
        .err(403, "AccessDenied");
    s.put("open/x")
        .anon()
        .h("x-oss-copy-source", "/pubsrc/missing")
        .send()
        .await
        .err(404, "NoSuchKey");
}

#[tokio::test]
async fn copy_object_forbid_overwrite() {
    let s = server().await;
    s.object("bkt/src", b"new").await;
    s.object("bkt/dst", b"old").await;
    s.put("bkt/dst")
        .h("x-oss-copy-source", "/bkt/src")
        .h("x-oss-forbid-overwrite", "true")
        .send()
        .await
        .err(409, "FileAlreadyExists");
    s.get("bkt/dst").send().await.body_is("old");
    s.put("bkt/dst").h("x-oss-copy-source", "/bkt/src").send().await.status(200);
    s.get("bkt/dst").send().await.body_is("new");
}

/// §8.1: an existing object's own ACL decides writes too, not only reads — anonymous callers may
/// overwrite and delete a `public-read-write` object of a private bucket, and may not touch a
/// `private` or `public-read` object of a `public-read-write` bucket (nor through CopyObject,
/// multipart or saveas onto it); a new key follows the bucket.
#[tokio::test]
async fn anonymous_writes_follow_the_object_acl() {
    let s = Server::new();
    s.bucket("closed").await;
    s.bucket_acl("open", "public-read-write").await;
    for key in ["closed/shared", "closed/shared2"] {
        s.put(key).h("x-oss-object-acl", "public-read-write").body("v1").send().await.status(200);
    }
    for acl in ["private", "public-read"] {
        s.put(&format!("open/{acl}"))
            .h("x-oss-object-acl", acl)
            .body("mine")
            .send()
            .await
            .status(200);
    }
    s.object("open/inherits", b"bucket acl").await;
    s.object("open/src", b"source").await;

    s.put("closed/shared").anon().body("v2").send().await.status(200);
    s.get("closed/shared").send().await.body_is("v2");
    // An overwrite is a new object: without x-oss-object-acl its ACL is `default` again.
    s.get("closed/shared").q("acl", "").send().await.body_is(&acl_xml("default"));
    s.delete("closed/shared").anon().send().await.err(403, "AccessDenied");
    s.put("closed/new").anon().body("x").send().await.err(403, "AccessDenied");
    s.delete("closed/shared2").anon().send().await.status(204);
    s.head("closed/shared2").send().await.err(404, "NoSuchKey");

    for key in ["open/private", "open/public-read"] {
        s.put(key).anon().body("overwritten").send().await.err(403, "AccessDenied");
        s.put(key).anon().h("x-oss-copy-source", "/open/src").send().await.err(403, "AccessDenied");
        s.post(key).q("uploads", "").anon().send().await.err(403, "AccessDenied");
        s.delete(key).anon().send().await.err(403, "AccessDenied");
        s.get(key).send().await.status(200).body_is("mine");
    }
    // DeleteMultipleObjects deletes nothing when one key is not the caller's to delete.
    let both =
        "<Delete><Object><Key>inherits</Key></Object><Object><Key>private</Key></Object></Delete>";
    s.post("open").q("delete", "").anon().body(both).send().await.err(403, "AccessDenied");
    s.head("open/inherits").send().await.status(200);
    s.put("open/inherits").anon().body("changed").send().await.status(200);
    s.delete("open/inherits").anon().send().await.status(204);
    s.put("open/fresh").anon().body("x").send().await.status(200);
    // The owner is never limited by an object ACL.
    s.put("open/private").body("owner").send().await.status(200);
    s.delete("open/private").send().await.status(204);
}

/// Storage classes (§10.1/§10.2): a bucket's class (PutBucket's `<StorageClass>`) is what its
/// objects get unless `x-oss-storage-class` names one; the class is reported by HEAD/GET,
/// listings, ListBuckets and GetBucketInfo, kept by CopyObject (COPY) unless the copy names one,
/// carried by multipart uploads; an unknown class is `400 InvalidArgument` and stores nothing.
#[tokio::test]
async fn storage_classes_are_validated_stored_and_reported() {
    let s = Server::new();
    let config =
        "<CreateBucketConfiguration><StorageClass>IA</StorageClass></CreateBucketConfiguration>";
    s.put("cold").body(config).send().await.status(200);
    let bad = "<CreateBucketConfiguration><StorageClass>Glacier</StorageClass></CreateBucketConfiguration>";
    s.put("bad-class").body(bad).send().await.err(400, "InvalidArgument");
    s.head("bad-class").send().await.err(404, "NoSuchBucket");
    let r = s.get("cold").q("bucketInfo", "").send().await;
    assert_eq!(r.el("StorageClass").as_deref(), Some("IA"));
    let r = s.get("").send().await;
    assert!(
        r.text().contains(
            "<Name>cold</Name><Region>cn-hangzhou</Region><StorageClass>IA</StorageClass>"
        ),
        "{}",
        r.text()
    );

    let class = |r: &Resp| r.header("x-oss-storage-class").map(str::to_string);
    s.put("cold/inherits").body("a").send().await.status(200);
    assert_eq!(class(&s.head("cold/inherits").send().await).as_deref(), Some("IA"));
    s.put("cold/archived").h("x-oss-storage-class", "Archive").body("b").send().await.status(200);
    assert_eq!(class(s.get("cold/archived").send().await.body_is("b")).as_deref(), Some("Archive"));
    for wrong in ["Glacier", "standard", ""] {
        let r = s.put("cold/wrong").h("x-oss-storage-class", wrong).body("c").send().await;
        r.err(400, "InvalidArgument");
    }
    s.head("cold/wrong").send().await.err(404, "NoSuchKey");
    let r = s.get("cold").q("list-type", "2").send().await;
    assert_eq!(r.text().matches("<StorageClass>").map(|_| ()).count(), 2, "{}", r.text());
    assert!(r.text().contains("<Key>archived</Key><LastModified>"), "{}", r.text());
    assert!(r.text().contains("<StorageClass>Archive</StorageClass>"), "{}", r.text());

    // CopyObject keeps the source's class, or takes the one it names.
    s.put("cold/kept").h("x-oss-copy-source", "/cold/archived").send().await.status(200);
    assert_eq!(class(&s.head("cold/kept").send().await).as_deref(), Some("Archive"));
    s.put("cold/moved")
        .h("x-oss-copy-source", "/cold/archived")
        .h("x-oss-storage-class", "ColdArchive")
        .send()
        .await
        .status(200);
    assert_eq!(class(&s.head("cold/moved").send().await).as_deref(), Some("ColdArchive"));

    // A multipart upload carries the class named at initiation.
    let r = s.post("cold/big").q("uploads", "").h("x-oss-storage-class", "Standard").send().await;
    let id = r.status(200).el("UploadId").unwrap();
    let part = s.put("cold/big").q("uploadId", &id).q("partNumber", "1").body("tail").send().await;
    let etag = part.status(200).header("etag").unwrap().to_string();
    let done = format!(
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>"
    );
    s.post("cold/big").q("uploadId", &id).body(done).send().await.status(200);
    assert_eq!(class(&s.head("cold/big").send().await).as_deref(), Some("Standard"));
}
