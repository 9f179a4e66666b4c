//! Authentication and ACLs through the router (spec §8, §9): the Go V2 SDK's signature vectors
//! replayed verbatim against a server whose clock reads the vector's time, then every failure
//! (wrong secret, unknown key, expiry, skew, two signatures, malformed header) and the anonymous
//! rules of each bucket ACL.

use ossimg::api::auth::{
    format_http_date, presign_v1_url, presign_v4_query, SignedRequest, MSG_SIGNATURE_MISMATCH,
};

use crate::harness::*;

/// 1672223261 = Wed, 28 Dec 2022 10:27:41 GMT: the V1 header vectors' time.
const V1_TIME: i64 = 1_672_223_261;
const V1_DATE: &str = "Wed, 28 Dec 2022 10:27:41 GMT";
/// The V1 presigned vector's Expires: Sun, 12 Nov 2023 16:43:40 GMT.
const V1_EXPIRES: i64 = 1_699_807_420;
/// 2023-12-16T16:20:57Z: TestV4AuthHeader's time.
const V4_HEADER_TIME: i64 = 1_702_743_657;
/// 2023-12-17T02:54:37Z: TestV4AuthQuery's sign time (valid 599 s).
const V4_QUERY_TIME: i64 = 1_702_781_677;

#[tokio::test]
async fn v1_header_vector_is_accepted() {
    let s = Server::at(V1_TIME);
    s.bucket("examplebucket").await;
    // Go V2 TestV1AuthHeader: the Authorization value is the vector's, not recomputed here.
    s.put("examplebucket/nelson")
        .anon()
        .h("Content-MD5", "eB5eJF1ptWaXm4bijSPyxw==")
        .h("Content-Type", "text/html")
        .h("x-oss-meta-author", "alice")
        .h("x-oss-meta-magic", "abracadabra")
        .h("x-oss-date", V1_DATE)
        .h("Date", V1_DATE)
        .h("Authorization", "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=")
        // The body whose MD5 is the vector's Content-MD5.
        .body("0123456789")
        .send()
        .await
        .status(200)
        .has("etag", "\"781E5E245D69B566979B86E28D23F2C7\"");
    s.get("examplebucket/nelson")
        .send()
        .await
        .status(200)
        .has("x-oss-meta-author", "alice")
        .body_is("0123456789");
}

#[tokio::test]
async fn v1_presigned_vector_is_accepted_until_it_expires() {
    let s = Server::at(V1_EXPIRES - 600);
    s.bucket("bucket").await;
    s.object("bucket/key", b"presigned").await;
    let get = || {
        s.get("bucket/key")
            .anon()
            .q("versionId", "versionId")
            .q("Expires", "1699807420")
            .q("OSSAccessKeyId", "ak")
            .q("Signature", "dcLTea+Yh9ApirQ8o8dOPqtvJXQ=")
            .send()
    };
    get().await.status(200).body_is("presigned");
    s.set_now(V1_EXPIRES);
    get().await.status(200);
    s.set_now(V1_EXPIRES + 1);
    get().await.err(403, "AccessDenied").msg("Request has expired.");
}

/// The request of the Go V2 V4 vectors: `PUT bucket/1234+-/123/1.txt` with six query parameters
/// needing escapes and headers of every kind.
fn v4_vector_request<'s>(s: &'s Server, content_type: &str) -> Req<'s> {
    s.put("bucket/1234+-/123/1.txt")
        .anon()
        .q("param1", "value1")
        .q("+param1", "value3")
        .q("|param1", "value4")
        .q("+param2", "")
        .q("|param2", "")
        .q("param2", "")
        .h("x-oss-head1", "value")
        .h("abc", "value")
        .h("ZAbc", "value")
        .h("XYZ", "value")
        .h("content-type", content_type)
        .body("v4 body")
}

#[tokio::test]
async fn v4_header_vector_is_accepted() {
    let s = Server::at(V4_HEADER_TIME);
    s.bucket("bucket").await;
    v4_vector_request(&s, "text/plain")
        .h("x-oss-content-sha256", "UNSIGNED-PAYLOAD")
        .h("x-oss-date", "20231216T162057Z")
        .h("Date", &format_http_date(V4_HEADER_TIME))
        .h(
            "Authorization",
            "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,\
             Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe",
        )
        .send()
        .await
        .status(200);
    s.get("bucket/1234+-/123/1.txt")
        .send()
        .await
        .status(200)
        .has("content-type", "text/plain")
        .body_is("v4 body");
}

#[tokio::test]
async fn v4_presigned_vector_is_accepted_until_it_expires() {
    let s = Server::at(V4_QUERY_TIME);
    s.bucket("bucket").await;
    let put = || {
        v4_vector_request(&s, "application/octet-stream")
            .q("x-oss-signature-version", "OSS4-HMAC-SHA256")
            .q("x-oss-date", "20231217T025437Z")
            .q("x-oss-expires", "599")
            .q("x-oss-credential", "ak/20231217/cn-hangzhou/oss/aliyun_v4_request")
            .q(
                "x-oss-signature",
                "a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe",
            )
            .send()
    };
    put().await.status(200);
    s.set_now(V4_QUERY_TIME + 599);
    put().await.status(200);
    s.set_now(V4_QUERY_TIME + 600);
    put().await.err(403, "AccessDenied").ec("0002-00000069").msg("Request has expired.");
}

/// Every scheme signs the same GET of an existing object.
const SCHEMES: [Auth; 4] = [Auth::V1, Auth::V1Url(NOW + 60), Auth::V4, Auth::V4Url(60)];

async fn server() -> Server {
    let s = Server::new();
    s.bucket("bkt").await;
    s.object("bkt/k", b"data").await;
    s
}

#[tokio::test]
async fn every_scheme_is_accepted_with_the_right_key() {
    let s = server().await;
    for auth in SCHEMES {
        s.get("bkt/k").auth(auth).send().await.status(200).body_is("data");
        // Signed sub-resources and x-oss-process travel through the signature.
        s.get("bkt/k").q("acl", "").auth(auth).send().await.status(200);
        s.put("bkt/p").auth(auth).body("put").send().await.status(200);
    }
    // Virtual-hosted requests sign the same canonical resource.
    for auth in SCHEMES {
        s.get("bkt/k").vhost().auth(auth).send().await.status(200).body_is("data");
    }
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match() {
    let s = server().await;
    for auth in SCHEMES {
        let r = s.get("bkt/k").auth(auth).secret("not-the-secret").send().await;
        r.err(403, "SignatureDoesNotMatch").msg(MSG_SIGNATURE_MISMATCH);
        assert!(r.el("StringToSign").is_some_and(|t| !t.is_empty()), "{}", r.text());
        assert_eq!(r.el("OSSAccessKeyId").as_deref(), Some(AK));
        assert!(r.el("SignatureProvided").is_some());
    }
    // The V1 StringToSign, exactly.
    let r = s.get("bkt/k").q("acl", "").auth(Auth::V1).secret("x").send().await;
    assert_eq!(
        r.el("StringToSign").as_deref(),
        Some("GET\n\n\nTue, 14 Nov 2023 22:13:20 GMT\n/bkt/k?acl")
    );
    let r = s.get("bkt/k").auth(Auth::V1Url(NOW + 60)).secret("x").send().await;
    assert_eq!(r.el("StringToSign").as_deref(), Some("GET\n\n\n1700000060\n/bkt/k"));
    // The V4 StringToSign starts with the algorithm, time and scope.
    let r = s.get("bkt/k").secret("x").send().await;
    let sts = r.el("StringToSign").unwrap();
    assert!(
        sts.starts_with(
            "OSS4-HMAC-SHA256\n20231114T221320Z\n20231114/cn-hangzhou/oss/aliyun_v4_request\n"
        ),
        "{sts}"
    );
}

#[tokio::test]
async fn a_presigned_url_is_bound_to_its_object_and_query() {
    let s = server().await;
    s.object("bkt/other", b"other").await;
    let signed_for = |key: &str, query: &[(String, String)], v4: bool| {
        let req = SignedRequest {
            method: "GET",
            bucket: Some("bkt"),
            key: Some(key),
            query,
            headers: &[],
        };
        if v4 {
            presign_v4_query(&req, AK, SK, REGION, NOW, 60, &[])
        } else {
            presign_v1_url(&req, AK, SK, NOW + 60)
        }
    };
    for v4 in [false, true] {
        let send = |key: &'static str, query: Vec<(String, String)>| {
            let mut r = s.get(key).anon();
            for (n, v) in &query {
                r = r.q(n, v);
            }
            r.send()
        };
        send("bkt/k", signed_for("k", &[], v4)).await.status(200);
        // Another key with the same signature.
        send("bkt/other", signed_for("k", &[], v4)).await.err(403, "SignatureDoesNotMatch");
        // A signed sub-resource added after signing.
        let mut q = signed_for("k", &[], v4);
        q.push(("response-content-type".into(), "text/html".into()));
        send("bkt/k", q).await.err(403, "SignatureDoesNotMatch");
        // x-oss-process added after signing: V4 refuses; V1 passes authentication because of the
        // retry without x-oss-process (spec §9.1 [U], for the Python V2 SDK's V1 signer), and
        // the unsigned process then runs (on bytes that are no image here).
        let mut q = signed_for("k", &[], v4);
        q.push(("x-oss-process".into(), "image/resize,w_1".into()));
        let r = send("bkt/k", q).await;
        if v4 {
            r.err(403, "SignatureDoesNotMatch");
        } else {
            r.err(403, "ImageDamage");
        }
    }
}

#[tokio::test]
async fn unknown_key_is_invalid_access_key_id() {
    let s = server().await;
    for auth in SCHEMES {
        let r = s.get("bkt/k").auth(auth).key_id("nobody").send().await;
        r.err(403, "InvalidAccessKeyId")
            .msg("The OSS Access Key Id you provided does not exist in our records.");
        assert_eq!(r.el("OSSAccessKeyId").as_deref(), Some("nobody"));
    }
}

#[tokio::test]
async fn expired_presigned_urls() {
    let s = server().await;
    s.get("bkt/k")
        .auth(Auth::V1Url(NOW - 1))
        .send()
        .await
        .err(403, "AccessDenied")
        .msg("Request has expired.");
    // Signed 1000 s ago, valid for 100 s.
    s.get("bkt/k")
        .auth(Auth::V4Url(100))
        .signed_at(NOW - 1000)
        .send()
        .await
        .err(403, "AccessDenied")
        .ec("0002-00000069");
    // Still valid: signed 50 s ago for 100 s.
    s.get("bkt/k").auth(Auth::V4Url(100)).signed_at(NOW - 50).send().await.status(200);
    // Missing one of the three V1 parameters.
    s.get("bkt/k")
        .anon()
        .q("OSSAccessKeyId", "ak")
        .q("Signature", "c2ln")
        .send()
        .await
        .err(403, "AccessDenied")
        .msg("Query-string authentication requires the Signature, Expires and OSSAccessKeyId parameters");
}

#[tokio::test]
async fn time_skew_is_request_time_too_skewed() {
    let s = server().await;
    // 15 minutes is the limit (spec §9.1, §9.3).
    for auth in [Auth::V1, Auth::V4] {
        for t in [NOW - 901, NOW + 901] {
            s.get("bkt/k")
                .auth(auth)
                .signed_at(t)
                .send()
                .await
                .err(403, "RequestTimeTooSkewed")
                .msg("The difference between the request time and the current time is too large.");
        }
        for t in [NOW - 900, NOW + 900] {
            s.get("bkt/k").auth(auth).signed_at(t).send().await.status(200);
        }
    }
}

#[tokio::test]
async fn header_and_query_signatures_together_are_invalid() {
    let s = server().await;
    for auth in [Auth::V1Url(NOW + 60), Auth::V4Url(60)] {
        s.get("bkt/k")
            .auth(auth)
            .h("Authorization", "OSS ak:c2lnbmF0dXJl")
            .send()
            .await
            .err(400, "InvalidArgument");
    }
}

#[tokio::test]
async fn malformed_authorization_is_invalid_argument() {
    let s = server().await;
    for value in ["Bearer token", "OSS ak", "OSS :sig", "OSS4-HMAC-SHA256 Signature=00"] {
        s.get("bkt/k")
            .anon()
            .h("Date", &format_http_date(NOW))
            .h("x-oss-date", "20231114T221320Z")
            .h("Authorization", value)
            .send()
            .await
            .err(400, "InvalidArgument");
    }
}

// ------------------------------------------------------------------ ACLs (§8.1)

#[tokio::test]
async fn anonymous_on_a_private_bucket() {
    let s = server().await;
    s.get("bkt/k")
        .anon()
        .send()
        .await
        .err(403, "AccessDenied")
        .msg("You have no right to access this object because of bucket acl.");
    s.head("bkt/k").anon().send().await.err(403, "AccessDenied");
    // A missing key does not tell anonymous callers it is missing.
    s.get("bkt/missing").anon().send().await.err(403, "AccessDenied");
    s.put("bkt/new").anon().body("x").send().await.err(403, "AccessDenied");
    s.delete("bkt/k").anon().send().await.err(403, "AccessDenied");
    s.put("anonbucket").anon().send().await.err(403, "AccessDenied");
    s.delete("bkt").anon().send().await.err(403, "AccessDenied");
    s.get("bkt/k").send().await.status(200).body_is("data");
}

#[tokio::test]
async fn public_read_bucket() {
    let s = Server::new();
    s.bucket_acl("pub", "public-read").await;
    s.object("pub/k", b"data").await;
    s.get("pub/k").anon().send().await.status(200).body_is("data");
    s.head("pub/k").anon().send().await.status(200).has("content-length", "4");
    s.get("pub/missing").anon().send().await.err(404, "NoSuchKey");
    s.put("pub/k").anon().body("overwrite").send().await.err(403, "AccessDenied");
    s.put("pub/new").anon().body("x").send().await.err(403, "AccessDenied");
    s.delete("pub/k").anon().send().await.err(403, "AccessDenied");
    s.get("pub/k").send().await.body_is("data");
    // An object's own ACL wins over the bucket's.
    s.put("pub/k").q("acl", "").h("x-oss-object-acl", "private").send().await.status(200);
    s.get("pub/k").anon().send().await.err(403, "AccessDenied");
}

#[tokio::test]
async fn public_read_write_bucket() {
    let s = Server::new();
    s.bucket_acl("open", "public-read-write").await;
    s.put("open/k").anon().body("anon").send().await.status(200);
    s.get("open/k").anon().send().await.status(200).body_is("anon");
    s.put("open/copy").anon().h("x-oss-copy-source", "/open/k").send().await.status(200);
    s.delete("open/k").anon().send().await.status(204);
    s.get("open/k").send().await.err(404, "NoSuchKey");
    // Bucket management stays with the owner.
    s.put("open")
        .q("acl", "")
        .h("x-oss-acl", "private")
        .anon()
        .send()
        .await
        .err(403, "AccessDenied");
    s.delete("open").anon().send().await.err(403, "AccessDenied");
}
