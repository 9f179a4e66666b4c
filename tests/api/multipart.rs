//! Multipart upload: InitiateMultipartUpload, UploadPart, ListParts, ListMultipartUploads,
//! CompleteMultipartUpload and AbortMultipartUpload with exact XML, headers and error codes.

use crate::harness::*;
use ossimg::storage::crc64;

/// The quoted upper-case hex MD5 ETag of `data`.
fn etag_of(data: &[u8]) -> String {
    use md5::Digest as _;
    let d: [u8; 16] = md5::Md5::digest(data).into();
    format!("\"{}\"", d.iter().map(|b| format!("{b:02X}")).collect::<String>())
}

fn complete_body(parts: &[(u32, &str)]) -> String {
    let mut s = String::from("<CompleteMultipartUpload>");
    for (n, e) in parts {
        s.push_str(&format!("<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>"));
    }
    s + "</CompleteMultipartUpload>"
}

async fn initiate(s: &Server, target: &str) -> String {
    let r = s
        .post(target)
        .q("uploads", "")
        .h("content-type", "image/jpeg")
        .h("x-oss-meta-a", "1")
        .send()
        .await;
    r.status(200).has("content-type", "application/xml");
    r.el("UploadId").expect("UploadId")
}

#[tokio::test]
async fn upload_list_complete_exact() {
    let s = Server::new();
    s.bucket("mpu").await;
    let r = s.post("mpu/dir/a b.jpg").q("uploads", "").send().await;
    let id = r.el("UploadId").unwrap();
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase()),
        "{id}"
    );
    r.status(200).body_is(&format!(
        "{PROLOG}<InitiateMultipartUploadResult><Bucket>mpu</Bucket><Key>dir/a b.jpg</Key>\
         <UploadId>{id}</UploadId></InitiateMultipartUploadResult>"
    ));
    s.post("mpu/dir/a b.jpg").q("uploads", "").q("encoding-type", "url").send().await.status(200);
    let id = initiate(&s, "mpu/photo.jpg").await;

    let p1 = vec![7u8; 100 * 1024];
    let p2 = b"last part".to_vec();
    let put = |n: &str, body: Vec<u8>| {
        s.put("mpu/photo.jpg").q("partNumber", n).q("uploadId", &id).body(body).send()
    };
    put("2", p2.clone()).await.status(200).has("etag", &etag_of(&p2)).body_is("");
    put("1", p1.clone())
        .await
        .status(200)
        .has("etag", &etag_of(&p1))
        .has("x-oss-hash-crc64ecma", &crc64(&p1).to_string());
    s.get("mpu/photo.jpg").q("uploadId", &id).send().await.status(200).body_is(&format!(
        "{PROLOG}<ListPartsResult><Bucket>mpu</Bucket><Key>photo.jpg</Key><UploadId>{id}</UploadId>\
         <PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>1000</MaxParts>\
         <IsTruncated>false</IsTruncated>\
         <Part><PartNumber>1</PartNumber><LastModified>2023-11-14T22:13:20.000Z</LastModified><ETag>{}</ETag>\
         <HashCrc64ecma>{}</HashCrc64ecma><Size>102400</Size></Part>\
         <Part><PartNumber>2</PartNumber><LastModified>2023-11-14T22:13:20.000Z</LastModified><ETag>{}</ETag>\
         <HashCrc64ecma>{}</HashCrc64ecma><Size>9</Size></Part></ListPartsResult>",
        etag_of(&p1),
        crc64(&p1),
        etag_of(&p2),
        crc64(&p2)
    ));
    // Paged: max-parts 1, then from the marker.
    let r = s.get("mpu/photo.jpg").q("uploadId", &id).q("max-parts", "1").send().await;
    assert_eq!(
        (r.el("IsTruncated").unwrap().as_str(), r.el("NextPartNumberMarker").unwrap().as_str()),
        ("true", "1")
    );
    let r = s.get("mpu/photo.jpg").q("uploadId", &id).q("part-number-marker", "1").send().await;
    assert_eq!(r.el("PartNumber").as_deref(), Some("2"));
    // ListMultipartUploads: by key, then upload ID.
    let r = s.get("mpu").q("uploads", "").q("prefix", "photo").send().await;
    r.status(200);
    assert_eq!(r.el("UploadId").as_deref(), Some(id.as_str()));
    assert!(
        r.text().contains("<Key>photo.jpg</Key>") && !r.text().contains("a b.jpg"),
        "{}",
        r.text()
    );
    assert_eq!(s.get("mpu").q("uploads", "").send().await.text().matches("<Upload>").count(), 3);
    s.delete("mpu").send().await.err(409, "BucketNotEmpty");

    let (e1, e2) = (etag_of(&p1), etag_of(&p2));
    let r = s
        .post("mpu/photo.jpg")
        .q("uploadId", &id)
        .body(complete_body(&[(1, &e1), (2, &e2)]))
        .send()
        .await;
    let of_parts: Vec<u8> = {
        use md5::Digest as _;
        [md5::Md5::digest(&p1), md5::Md5::digest(&p2)].concat()
    };
    let want = format!("{}-2\"", &etag_of(&of_parts)[..33]);
    let whole = [p1.as_slice(), &p2].concat();
    r.status(200).has("etag", &want).has("x-oss-hash-crc64ecma", &crc64(&whole).to_string()).body_is(&format!(
        "{PROLOG}<CompleteMultipartUploadResult><Location>http://{PATH_HOST}/mpu/photo.jpg</Location><Bucket>mpu</Bucket>\
         <Key>photo.jpg</Key><ETag>{want}</ETag></CompleteMultipartUploadResult>"
    ));
    let got = s.get("mpu/photo.jpg").send().await;
    got.status(200)
        .has("etag", &want)
        .has("x-oss-object-type", "Multipart")
        .has("content-type", "image/jpeg")
        .has("x-oss-meta-a", "1")
        .has("content-length", &whole.len().to_string())
        .lacks("content-md5");
    assert!(got.body == whole, "assembled body differs");
    assert!(s.get("mpu").send().await.text().contains("<Type>Multipart</Type>"));
    // Processing works on an assembled object like any other.
    let id = initiate(&s, "mpu/real.jpg").await;
    let jpg = data("photo-2mp.jpg");
    let (a, b) = jpg.split_at(200 * 1024);
    s.put("mpu/real.jpg").q("partNumber", "1").q("uploadId", &id).body(a).send().await.status(200);
    s.put("mpu/real.jpg").q("partNumber", "2").q("uploadId", &id).body(b).send().await.status(200);
    s.post("mpu/real.jpg")
        .q("uploadId", &id)
        .h("x-oss-complete-all", "yes")
        .send()
        .await
        .status(200);
    let r = s.get("mpu/real.jpg").q("x-oss-process", "image/info").send().await;
    r.status(200);
    assert!(r.text().contains("\"ImageWidth\": {\"value\": \"1632\"}"), "{}", r.text());
    // The upload is gone once completed.
    s.get("mpu/photo.jpg").q("uploadId", &id).send().await.err(404, "NoSuchUpload");
}

#[tokio::test]
async fn errors_and_permissions() {
    let s = Server::new();
    s.bucket("mpu").await;
    let id = initiate(&s, "mpu/k").await;
    let part =
        |n: &str| s.put("mpu/k").q("partNumber", n).q("uploadId", &id).body(vec![1u8; 10]).send();
    part("0").await.err(400, "InvalidArgument");
    part("10001").await.err(400, "InvalidArgument");
    part("x").await.err(400, "InvalidArgument");
    s.put("mpu/k").q("uploadId", &id).body("a").send().await.err(400, "MissingArgument");
    s.put("mpu/k")
        .q("partNumber", "1")
        .q("uploadId", &id)
        .h("content-md5", "AAAAAAAAAAAAAAAAAAAAAA==")
        .body("a")
        .send()
        .await
        .err(400, "InvalidDigest");
    let e1 = part("1").await.header("etag").unwrap().to_string();
    let e2 = part("2").await.header("etag").unwrap().to_string();
    let complete = |body: String| s.post("mpu/k").q("uploadId", &id).body(body).send();
    complete(complete_body(&[(2, &e2), (1, &e1)])).await.err(400, "InvalidPartOrder");
    complete(complete_body(&[(1, &e1), (3, &e2)])).await.err(400, "InvalidPart");
    complete(complete_body(&[(1, "\"00000000000000000000000000000000\"")]))
        .await
        .err(400, "InvalidPart");
    complete(complete_body(&[(1, &e1), (2, &e2)])).await.err(400, "EntityTooSmall");
    complete("<CompleteMultipartUpload></CompleteMultipartUpload>".into())
        .await
        .err(400, "MalformedXML");
    complete("not xml".into()).await.err(400, "MalformedXML");
    // A single small part is the last part: allowed.
    complete(complete_body(&[(2, &e2)])).await.status(200);
    s.get("mpu/k").send().await.status(200).has("content-length", "10");
    // Unknown, finished and foreign upload IDs.
    for bad in [id.as_str(), "0123456789ABCDEF0123456789ABCDEF", "../../x", ""] {
        s.get("mpu/k").q("uploadId", bad).send().await.err(404, "NoSuchUpload");
        s.delete("mpu/k").q("uploadId", bad).send().await.err(404, "NoSuchUpload");
    }
    let id = initiate(&s, "mpu/k2").await;
    s.get("mpu/other").q("uploadId", &id).send().await.err(404, "NoSuchUpload");
    s.get("nobucket/k2").q("uploadId", &id).send().await.err(404, "NoSuchBucket");
    s.post("nobucket/k2").q("uploads", "").send().await.err(404, "NoSuchBucket");
    // Abort: 204, then the upload is gone and the bucket can go.
    s.delete("mpu/k2").q("uploadId", &id).send().await.status(204).body_is("");
    s.get("mpu/k2").q("uploadId", &id).send().await.err(404, "NoSuchUpload");
    // Writers only: anonymous callers of a private or public-read bucket are denied.
    s.bucket_acl("pub", "public-read").await;
    s.post("pub/k").q("uploads", "").anon().send().await.err(403, "AccessDenied");
    s.get("pub").q("uploads", "").anon().send().await.err(403, "AccessDenied");
    s.bucket_acl("rwb", "public-read-write").await;
    let r = s.post("rwb/k").q("uploads", "").anon().send().await;
    r.status(200);
    let id = r.el("UploadId").unwrap();
    s.put("rwb/k")
        .q("partNumber", "1")
        .q("uploadId", &id)
        .body("x")
        .anon()
        .send()
        .await
        .status(200);
    // An open upload keeps its bucket from being deleted; once aborted, the bucket can go.
    s.bucket("solo").await;
    let id = initiate(&s, "solo/k").await;
    s.put("solo/k").q("partNumber", "1").q("uploadId", &id).body("x").send().await.status(200);
    s.delete("solo").send().await.err(409, "BucketNotEmpty");
    s.delete("solo/k").q("uploadId", &id).send().await.status(204);
    s.delete("solo").send().await.status(204);
    s.get("solo").q("uploads", "").send().await.err(404, "NoSuchBucket");
    // UploadPartCopy: a range of an object, or all of it; the caller must be able to read it.
    s.bucket("cps").await;
    let src: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    s.object("cps/src.bin", &src).await;
    let id = initiate(&s, "cps/dst.bin").await;
    let copy = |n: &str, range: Option<&str>| {
        let mut r = s
            .put("cps/dst.bin")
            .q("partNumber", n)
            .q("uploadId", &id)
            .h("x-oss-copy-source", "/cps/src.bin");
        if let Some(v) = range {
            r = r.h("x-oss-copy-source-range", v);
        }
        r.send()
    };
    let r = copy("1", Some("bytes=0-102399")).await;
    let e1 = etag_of(&src[..102_400]);
    r.status(200).has("etag", &e1).body_is(&format!(
        "{PROLOG}<CopyPartResult><LastModified>2023-11-14T22:13:20.000Z</LastModified><ETag>{e1}</ETag></CopyPartResult>"
    ));
    let e2 = copy("2", None).await.header("etag").unwrap().to_string();
    assert_eq!(e2, etag_of(&src));
    copy("3", Some("bytes=400000-400001")).await.err(416, "InvalidRange");
    // Open-ended and suffix ranges as GetObject reads them; an end past the source is clamped;
    // a malformed range is refused, never silently the whole source.
    for (range, part) in [
        ("bytes=200000-", &src[200_000..]),
        ("bytes=-1000", &src[299_000..]),
        ("bytes=299990-400000", &src[299_990..]),
    ] {
        let r = copy("4", Some(range)).await;
        assert_eq!(r.status(200).header("etag"), Some(etag_of(part).as_str()), "{range}");
    }
    copy("5", Some("bytes=abc")).await.err(400, "InvalidArgument");
    copy("5", Some("0-10")).await.err(400, "InvalidArgument");
    s.put("cps/dst.bin")
        .q("partNumber", "3")
        .q("uploadId", &id)
        .h("x-oss-copy-source", "/cps/src.bin")
        .h("x-oss-copy-source-if-match", "\"0123\"")
        .send()
        .await
        .err(412, "PreconditionFailed");
    s.put("cps/dst.bin")
        .q("partNumber", "3")
        .q("uploadId", &id)
        .h("x-oss-copy-source", "/cps/none")
        .send()
        .await
        .err(404, "NoSuchKey");
    s.object("mpu/private.bin", b"secret").await;
    s.bucket_acl("cpw", "public-read-write").await;
    let id2 = s.post("cpw/k").q("uploads", "").anon().send().await.el("UploadId").unwrap();
    s.put("cpw/k")
        .q("partNumber", "1")
        .q("uploadId", &id2)
        .h("x-oss-copy-source", "/mpu/private.bin")
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    s.post("cps/dst.bin")
        .q("uploadId", &id)
        .body(complete_body(&[(1, &e1), (2, &e2)]))
        .send()
        .await
        .status(200);
    let got = s.get("cps/dst.bin").send().await;
    assert!(got.body == [&src[..102_400], &src[..]].concat(), "copied parts differ");
    // Wrong methods.
    s.put("mpu/k").q("uploads", "").send().await.err(405, "MethodNotAllowed");
    s.post("mpu").q("uploads", "").send().await.err(405, "MethodNotAllowed");
}

#[tokio::test]
async fn list_uploads_with_delimiter_and_pages() {
    let s = Server::new();
    s.bucket("grp").await;
    let mut ids = std::collections::HashMap::new();
    for key in ["a/1", "a/2", "b", "c/x/y"] {
        ids.insert(key, initiate(&s, &format!("grp/{key}")).await);
    }
    let r = s.get("grp").q("uploads", "").q("delimiter", "/").send().await;
    r.status(200);
    let t = r.text();
    assert_eq!(r.el("Delimiter").as_deref(), Some("/"));
    assert_eq!(t.matches("<Upload>").count(), 1, "{t}");
    assert!(t.contains(&format!("<Key>b</Key><UploadId>{}</UploadId>", ids["b"])), "{t}");
    assert!(
        t.ends_with("<CommonPrefixes><Prefix>a/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>c/</Prefix></CommonPrefixes></ListMultipartUploadsResult>"),
        "{t}"
    );
    // One entry per page: a/, then b, then c/.
    let mut marker = (String::new(), String::new());
    let mut seen = Vec::new();
    loop {
        let r = s
            .get("grp")
            .q("uploads", "")
            .q("delimiter", "/")
            .q("max-uploads", "1")
            .q("key-marker", &marker.0)
            .q("upload-id-marker", &marker.1)
            .send()
            .await;
        let t = r.text();
        let group = t
            .split_once("<CommonPrefixes><Prefix>")
            .and_then(|(_, rest)| rest.split_once('<'))
            .map(|(p, _)| p.to_string());
        seen.push(group.or_else(|| r.el("Key")).unwrap_or_default());
        if r.el("IsTruncated").as_deref() != Some("true") {
            break;
        }
        marker = (r.el("NextKeyMarker").unwrap(), r.el("NextUploadIdMarker").unwrap_or_default());
        assert!(seen.len() < 5, "{t}");
    }
    assert_eq!(seen, ["a/", "b", "c/"]);
    // With a prefix, the grouping starts after it.
    let r = s.get("grp").q("uploads", "").q("prefix", "c/").q("delimiter", "/").send().await;
    assert!(
        r.text().contains("<CommonPrefixes><Prefix>c/x/</Prefix></CommonPrefixes>"),
        "{}",
        r.text()
    );
}
