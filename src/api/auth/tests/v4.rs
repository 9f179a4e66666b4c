//! Signature V4: the Go V2 SDK's header and query vectors, the canonical query, and every V4
//! error path.

use super::*;

/// The request of the Go V2 V4 vectors: PUT bucket/`1234+-/123/1.txt` with six query parameters
/// (names and values needing escapes, empty values) and headers of every kind.
fn v4_request(content_type: &str) -> Req {
    Req::new("PUT", Some("bucket"), Some("1234+-/123/1.txt"))
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
}

/// The header form as the SDK sends it at `t`: x-oss-date, Date and x-oss-content-sha256 added.
fn v4_header_request(t: i64) -> Req {
    v4_request("text/plain")
        .h("x-oss-content-sha256", UNSIGNED_PAYLOAD)
        .h("x-oss-date", &format_iso8601_basic(t))
        .h("Date", &format_http_date(t))
}

#[test]
fn v4_header_vector() {
    let req = v4_header_request(V4_HEADER_TIME);
    let canonical = v4_canonical_request(&req.view(), &[]);
    assert_eq!(
        canonical,
        "PUT\n/bucket/1234%2B-/123/1.txt\n%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\n\
         content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\nx-oss-head1:value\n\
         \n\nUNSIGNED-PAYLOAD"
    );
    let auth = sign_v4_header(&req.view(), "ak", "sk", REGION, &[]).unwrap();
    assert_eq!(
        auth,
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"
    );
    assert_eq!(req.clone().h("Authorization", &auth).auth(V4_HEADER_TIME), key_ak());
    // The documentation's `, ` separators are accepted as well.
    let spaced = auth.replace(",Signature", ", Signature");
    assert_eq!(req.h("Authorization", &spaced).auth(V4_HEADER_TIME + 60), key_ak());
}

#[test]
fn v4_header_vector_with_token() {
    // TestV4AuthHeaderToken: 1702784856 = 2023-12-17T03:47:36Z, x-oss-security-token header.
    let req = v4_header_request(1_702_784_856).h("x-oss-security-token", "token");
    assert_eq!(
        sign_v4_header(&req.view(), "ak", "sk", REGION, &[]).unwrap(),
        "OSS4-HMAC-SHA256 Credential=ak/20231217/cn-hangzhou/oss/aliyun_v4_request,Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea"
    );
}

#[test]
fn v4_header_vector_with_additional_headers() {
    // TestV4AuthHeaderWithAdditionalHeaders: 1702747512; default-signed and absent names dropped.
    let req = v4_header_request(1_702_747_512);
    let expected = "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=abc;zabc,Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f";
    assert_eq!(
        sign_v4_header(&req.view(), "ak", "sk", REGION, &["ZAbc", "abc"]).unwrap(),
        expected
    );
    assert_eq!(
        sign_v4_header(
            &req.view(),
            "ak",
            "sk",
            REGION,
            &["x-oss-no-exist", "ZAbc", "x-oss-head1", "abc"]
        )
        .unwrap(),
        expected
    );
    assert_eq!(req.clone().h("Authorization", expected).auth(1_702_747_512), key_ak());
    // Changing a header named in AdditionalHeaders breaks the signature.
    let mut tampered = req.h("Authorization", expected);
    tampered.headers.iter_mut().filter(|(n, _)| n == "abc").for_each(|(_, v)| *v = "other".into());
    assert_fails(
        tampered.auth(1_702_747_512),
        ErrorKind::SignatureDoesNotMatch,
        Some("0002-00000201"),
        None,
    );
}

#[test]
fn v4_cloudbox_vector_through_the_building_blocks() {
    // TestV4AuthHeaderWithCloudBox: product `oss-cloudbox`, region `cb-123`.
    let req = v4_header_request(V4_HEADER_TIME);
    let scope = v4_scope("20231216", "cb-123", "oss-cloudbox");
    let sts =
        v4_string_to_sign("20231216T162057Z", &scope, &v4_canonical_request(&req.view(), &[]));
    let key = v4_signing_key("sk", "20231216", "cb-123", "oss-cloudbox");
    assert_eq!(
        v4_sign(&key, &sts),
        "94ce1f12c17d148ea681030275a94449d3357f5b5b21133996eec80af3e08a43"
    );
    // This server serves product `oss` only.
    let auth = format!("OSS4-HMAC-SHA256 Credential=ak/{scope},Signature={}", v4_sign(&key, &sts));
    assert_fails(
        req.h("Authorization", &auth).auth_region(V4_HEADER_TIME, "cb-123"),
        ErrorKind::AccessDenied,
        None,
        None,
    );
}

impl Req {
    fn auth_region(&self, now: i64, region: &str) -> Result<Principal, AuthFailure> {
        authenticate(&self.view(), &keys(), at(now), region)
    }
}

/// 1702781677 = 2023-12-17T02:54:37Z (TestV4AuthQuery sign time; expiry 599 s later).
const V4_QUERY_TIME: i64 = 1_702_781_677;

fn get(query: &[(String, String)], name: &str) -> String {
    query.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

#[test]
fn v4_query_vector() {
    let req = v4_request("application/octet-stream");
    let query = presign_v4_query(&req.view(), "ak", "sk", REGION, V4_QUERY_TIME, 599, &[]);
    assert_eq!(get(&query, "x-oss-signature-version"), "OSS4-HMAC-SHA256");
    assert_eq!(get(&query, "x-oss-date"), "20231217T025437Z");
    assert_eq!(get(&query, "x-oss-expires"), "599");
    assert_eq!(get(&query, "x-oss-credential"), "ak/20231217/cn-hangzhou/oss/aliyun_v4_request");
    assert_eq!(get(&query, "x-oss-additional-headers"), "");
    assert_eq!(
        get(&query, "x-oss-signature"),
        "a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe"
    );

    let signed = Req { query, ..req };
    assert_eq!(signed.auth(V4_QUERY_TIME), key_ak());
    assert_eq!(signed.auth(V4_QUERY_TIME + 599), key_ak());
    let f = assert_fails(
        signed.auth(V4_QUERY_TIME + 600),
        ErrorKind::AccessDenied,
        Some("0002-00000069"),
        Some("Request has expired."),
    );
    assert_eq!(f.detail("Expires"), Some("2023-12-17T03:04:36.000Z"));
    // Up to 15 minutes of client clock running ahead is tolerated; more is "not yet valid".
    assert_eq!(signed.auth(V4_QUERY_TIME - 900), key_ak());
    assert_fails(
        signed.auth(V4_QUERY_TIME - 901),
        ErrorKind::AccessDenied,
        Some("0002-00000235"),
        None,
    );
}

#[test]
fn v4_query_vector_with_token() {
    // TestV4AuthQueryToken: 1702785388 = 2023-12-17T03:56:28Z, x-oss-security-token in the query.
    let req = v4_request("application/octet-stream").q("x-oss-security-token", "token");
    let query = presign_v4_query(&req.view(), "ak", "sk", REGION, 1_702_785_388, 599, &[]);
    assert_eq!(get(&query, "x-oss-date"), "20231217T035628Z");
    assert_eq!(
        get(&query, "x-oss-signature"),
        "3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5"
    );
    // The SDK's vector signs a made-up token with a permanent key: the signature is right, but
    // a token this server did not issue names no temporary key (see `sts`).
    let f = Req { query, ..req }.auth(1_702_785_388 + 10).expect_err("a foreign token");
    assert_eq!((f.error.kind, f.error.ec), (ErrorKind::InvalidAccessKeyId, Some("0002-00000006")));
}

#[test]
fn v4_query_vector_with_additional_headers() {
    // TestV4AuthQueryWithAdditionalHeaders: 1702783809 = 2023-12-17T03:30:09Z.
    let req = v4_request("application/octet-stream");
    for names in [&["ZAbc", "abc"][..], &["x-oss-no-exist", "abc", "x-oss-head1", "ZAbc"][..]] {
        let query = presign_v4_query(&req.view(), "ak", "sk", REGION, 1_702_783_809, 599, names);
        assert_eq!(get(&query, "x-oss-date"), "20231217T033009Z");
        assert_eq!(get(&query, "x-oss-additional-headers"), "abc;zabc");
        assert_eq!(
            get(&query, "x-oss-signature"),
            "6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7"
        );
        assert_eq!(Req { query, ..req.clone() }.auth(1_702_783_809), key_ak());
    }
}

#[test]
fn v4_query_cloudbox_vector_through_the_building_blocks() {
    // TestV4AuthQueryWithCloudBox case 1: product oss-cloudbox, region cb-123, AdditionalHeaders.
    let req = v4_request("application/octet-stream")
        .q("x-oss-signature-version", "OSS4-HMAC-SHA256")
        .q("x-oss-date", "20231217T025437Z")
        .q("x-oss-expires", "599")
        .q("x-oss-credential", "ak/20231217/cb-123/oss-cloudbox/aliyun_v4_request")
        .q("x-oss-additional-headers", "abc;zabc");
    let additional = ["abc".to_string(), "zabc".to_string()];
    let sts = v4_string_to_sign(
        "20231217T025437Z",
        &v4_scope("20231217", "cb-123", "oss-cloudbox"),
        &v4_canonical_request(&req.view(), &additional),
    );
    let key = v4_signing_key("sk", "20231217", "cb-123", "oss-cloudbox");
    assert_eq!(
        v4_sign(&key, &sts),
        "07284191b9b4978ac3520cd39ee2dea2747eda454089359371ff463a6c7ba20f"
    );
}

#[test]
fn v4_canonical_query_encodes_process_strings() {
    let req = Req::new("GET", Some("bucket"), Some("a b.jpg"))
        .q("x-oss-process", "image/resize,w_300/watermark,text_SGVsbG8=")
        .q("x-oss-signature", "dropped");
    let canonical = v4_canonical_request(&req.view(), &[]);
    let lines: Vec<&str> = canonical.split('\n').collect();
    assert_eq!(lines[1], "/bucket/a%20b.jpg");
    assert_eq!(lines[2], "x-oss-process=image%2Fresize%2Cw_300%2Fwatermark%2Ctext_SGVsbG8%3D");
    // A presigned URL for a processed image verifies.
    let plain =
        Req::new("GET", Some("bucket"), Some("a b.jpg")).q("x-oss-process", "image/resize,w_300");
    let query = presign_v4_query(&plain.view(), "ak", "sk", REGION, V4_QUERY_TIME, 3600, &[]);
    assert_eq!(Req { query, ..plain }.auth(V4_QUERY_TIME + 1), key_ak());
}

// ---------------------------------------------------------------- V4 error paths

fn v4_signed_header_request() -> Req {
    let req = v4_header_request(V4_HEADER_TIME);
    let auth = sign_v4_header(&req.view(), "ak", "sk", REGION, &[]).unwrap();
    req.h("Authorization", &auth)
}

#[test]
fn v4_header_region_and_product_checks() {
    let req = v4_signed_header_request();
    let f = assert_fails(
        req.auth_region(V4_HEADER_TIME, "cn-beijing"),
        ErrorKind::AccessDenied,
        Some("0002-00000228"),
        None,
    );
    assert_eq!(f.error.kind.http_status(), 403);
    let other_product = Req::new("GET", Some("b"), None).h("x-oss-date", "20231216T162057Z").h(
        "Authorization",
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/s3/aliyun_v4_request,Signature=00",
    );
    assert_fails(other_product.auth(V4_HEADER_TIME), ErrorKind::AccessDenied, None, None);
}

#[test]
fn v4_header_content_sha256_must_be_unsigned_payload() {
    let mut req = v4_signed_header_request();
    req.headers.iter_mut().filter(|(n, _)| n == "x-oss-content-sha256").for_each(|(_, v)| {
        *v = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into()
    });
    let f = assert_fails(
        req.auth(V4_HEADER_TIME),
        ErrorKind::InvalidArgument,
        Some("0002-00000214"),
        None,
    );
    assert_eq!(f.error.kind.http_status(), 400);
    // Absent, it hashes as UNSIGNED-PAYLOAD.
    let bare = v4_request("text/plain").h("x-oss-date", "20231216T162057Z");
    let auth = sign_v4_header(&bare.view(), "ak", "sk", REGION, &[]).unwrap();
    assert!(v4_canonical_request(&bare.view(), &[]).ends_with("\n\n\nUNSIGNED-PAYLOAD"));
    assert_eq!(bare.h("Authorization", &auth).auth(V4_HEADER_TIME), key_ak());
}

#[test]
fn v4_header_time_checks() {
    let req = v4_signed_header_request();
    assert_eq!(req.auth(V4_HEADER_TIME - 900), key_ak());
    assert_fails(
        req.auth(V4_HEADER_TIME + 901),
        ErrorKind::RequestTimeTooSkewed,
        Some("0002-00000504"),
        Some(MSG_TIME_TOO_SKEWED),
    );
    assert_fails(
        req.auth(V4_HEADER_TIME - 901),
        ErrorKind::RequestTimeTooSkewed,
        Some("0002-00000504"),
        None,
    );

    // The credential date must be the day of x-oss-date.
    let auth = req.view().header("authorization").unwrap().replace("/20231216/", "/20231215/");
    let mut wrong_day = req.clone();
    wrong_day.headers.retain(|(n, _)| n != "Authorization");
    assert_fails(
        wrong_day.clone().h("Authorization", &auth).auth(V4_HEADER_TIME),
        ErrorKind::AccessDenied,
        None,
        None,
    );

    // x-oss-date missing or unreadable.
    let mut no_date = req.clone();
    no_date.headers.retain(|(n, _)| n != "x-oss-date");
    assert_fails(no_date.auth(V4_HEADER_TIME), ErrorKind::AccessDenied, None, None);
    let mut bad_date = req;
    bad_date
        .headers
        .iter_mut()
        .filter(|(n, _)| n == "x-oss-date")
        .for_each(|(_, v)| *v = "Sat, 16 Dec 2023 16:20:57 GMT".into());
    assert_fails(
        bad_date.auth(V4_HEADER_TIME),
        ErrorKind::AccessDenied,
        Some("0002-00000505"),
        None,
    );
}

#[test]
fn v4_header_unknown_key_and_mismatch() {
    let req = v4_header_request(V4_HEADER_TIME);
    let ghost = sign_v4_header(&req.view(), "ghost", "sk", REGION, &[]).unwrap();
    let f = assert_fails(
        req.clone().h("Authorization", &ghost).auth(V4_HEADER_TIME),
        ErrorKind::InvalidAccessKeyId,
        None,
        Some(MSG_INVALID_ACCESS_KEY_ID),
    );
    assert_eq!(f.detail("OSSAccessKeyId"), Some("ghost"));

    let wrong = sign_v4_header(&req.view(), "ak", "wrong", REGION, &[]).unwrap();
    let f = assert_fails(
        req.clone().h("Authorization", &wrong).auth(V4_HEADER_TIME),
        ErrorKind::SignatureDoesNotMatch,
        Some("0002-00000201"),
        Some(MSG_SIGNATURE_MISMATCH),
    );
    let canonical = v4_canonical_request(&req.view(), &[]);
    let expected_sts = v4_string_to_sign(
        "20231216T162057Z",
        "20231216/cn-hangzhou/oss/aliyun_v4_request",
        &canonical,
    );
    assert_eq!(f.string_to_sign(), Some(expected_sts.as_str()));
    assert!(expected_sts.starts_with(
        "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\n"
    ));
    assert_eq!(f.detail("CanonicalRequest"), Some(canonical.as_str()));
    assert_eq!(f.detail("SignatureProvided"), wrong.rsplit('=').next());
    // A non-hex signature is a mismatch too, not a panic.
    let junk =
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=zz";
    assert_fails(
        req.h("Authorization", junk).auth(V4_HEADER_TIME),
        ErrorKind::SignatureDoesNotMatch,
        Some("0002-00000201"),
        None,
    );
}

#[test]
fn v4_query_parameter_errors() {
    let req = v4_request("application/octet-stream");
    let good = presign_v4_query(&req.view(), "ak", "sk", REGION, V4_QUERY_TIME, 599, &[]);
    let without = |name: &str| Req {
        query: good.iter().filter(|(n, _)| n != name).cloned().collect(),
        ..req.clone()
    };
    let replaced = |name: &str, value: &str| Req {
        query: good
            .iter()
            .map(|(n, v)| (n.clone(), if n == name { value.to_string() } else { v.clone() }))
            .collect(),
        ..req.clone()
    };
    let now = V4_QUERY_TIME + 1;
    assert_fails(
        without("x-oss-expires").auth(now),
        ErrorKind::AccessDenied,
        Some("0002-00000215"),
        None,
    );
    assert_fails(
        without("x-oss-signature").auth(now),
        ErrorKind::AccessDenied,
        Some("0002-00000219"),
        None,
    );
    assert_fails(without("x-oss-date").auth(now), ErrorKind::AccessDenied, None, None);
    assert_fails(without("x-oss-credential").auth(now), ErrorKind::AccessDenied, None, None);
    assert_fails(without("x-oss-signature-version").auth(now), ErrorKind::AccessDenied, None, None);
    assert_fails(
        replaced("x-oss-signature-version", "OSS2").auth(now),
        ErrorKind::InvalidArgument,
        None,
        None,
    );
    for bad in ["0", "604801", "-5", "ten"] {
        assert_fails(
            replaced("x-oss-expires", bad).auth(now),
            ErrorKind::AccessDenied,
            Some("0002-00000070"),
            None,
        );
    }
    assert_fails(
        replaced("x-oss-date", "2023-12-17").auth(now),
        ErrorKind::AccessDenied,
        Some("0002-00000505"),
        None,
    );
    assert_fails(
        replaced("x-oss-credential", "ak/20231217").auth(now),
        ErrorKind::InvalidArgument,
        None,
        None,
    );
    assert_fails(
        replaced("x-oss-credential", "ak/20231217/cn-shanghai/oss/aliyun_v4_request").auth(now),
        ErrorKind::AccessDenied,
        Some("0002-00000228"),
        None,
    );
    assert_fails(
        replaced("x-oss-credential", "ghost/20231217/cn-hangzhou/oss/aliyun_v4_request").auth(now),
        ErrorKind::InvalidAccessKeyId,
        None,
        None,
    );
    // x-oss-expires is signed: stretching it breaks the signature.
    let f = assert_fails(
        replaced("x-oss-expires", "604800").auth(now),
        ErrorKind::SignatureDoesNotMatch,
        Some("0002-00000201"),
        None,
    );
    assert!(f.detail("CanonicalRequest").is_some_and(|c| c.contains("x-oss-expires=604800")));

    // The longest validity, 7 days, is accepted.
    let week =
        presign_v4_query(&req.view(), "ak", "sk", REGION, V4_QUERY_TIME, V4_MAX_EXPIRES, &[]);
    assert_eq!(Req { query: week, ..req }.auth(V4_QUERY_TIME + 604_800), key_ak());
}
