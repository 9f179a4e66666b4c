//! Signature V1: the Go V2 SDK's header and presigned-URL vectors, the canonical resource and
//! headers, and every V1 error path.

use super::*;

fn v1_put_nelson() -> Req {
    Req::new("PUT", Some("examplebucket"), Some("nelson"))
        .h("Content-MD5", "eB5eJF1ptWaXm4bijSPyxw==")
        .h("Content-Type", "text/html")
        .h("x-oss-meta-author", "alice")
        .h("x-oss-meta-magic", "abracadabra")
        .h("x-oss-date", V1_DATE)
        .h("Date", V1_DATE)
}

#[test]
fn v1_header_vector_put_object() {
    let req = v1_put_nelson();
    assert_eq!(
        v1_string_to_sign(&req.view(), V1_DATE),
        "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson"
    );
    let auth = sign_v1_header(&req.view(), "ak", "sk");
    assert_eq!(auth, "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=");
    assert_eq!(req.clone().h("Authorization", &auth).auth(V1_TIME), key_ak());
}

#[test]
fn v1_header_vector_sub_resources() {
    // Go V2 case 2: `?acl` on the object.
    let req = v1_put_nelson().q("acl", "");
    assert!(v1_string_to_sign(&req.view(), V1_DATE).ends_with("\n/examplebucket/nelson?acl"));
    assert_eq!(sign_v1_header(&req.view(), "ak", "sk"), "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk=");

    // Case 3: `resourceGroup` is signed, an unknown parameter is not.
    let req = Req::new("GET", Some("examplebucket"), None)
        .q("resourceGroup", "")
        .q("non-resousce", "null")
        .h("x-oss-date", V1_DATE);
    assert_eq!(
        v1_string_to_sign(&req.view(), V1_DATE),
        "GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n/examplebucket/?resourceGroup"
    );
    assert_eq!(sign_v1_header(&req.view(), "ak", "sk"), "OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs=");

    // Case 4: sorted by name.
    let req = Req::new("GET", Some("examplebucket"), None)
        .q("resourceGroup", "")
        .q("acl", "")
        .h("x-oss-date", V1_DATE);
    assert!(
        v1_string_to_sign(&req.view(), V1_DATE).ends_with("\n/examplebucket/?acl&resourceGroup")
    );
    assert_eq!(sign_v1_header(&req.view(), "ak", "sk"), "OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk=");
    let signed = req.clone().h("authorization", "OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk=");
    assert_eq!(signed.auth(V1_TIME), key_ak());
}

#[test]
fn v1_canonical_resource_rules() {
    let q = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    };
    assert_eq!(v1_canonical_resource(None, None, &[]), "/");
    assert_eq!(v1_canonical_resource(Some("b"), None, &[]), "/b/");
    // The key stays raw UTF-8; values stay decoded; unsigned listing parameters are dropped;
    // any x-oss-* parameter is signed; a repeated parameter counts once with its first value.
    let query = q(&[
        ("prefix", "a"),
        ("x-oss-process", "image/resize,w_300"),
        ("versionId", "v 1"),
        ("x-oss-custom", ""),
        ("versionId", "v2"),
        ("max-keys", "10"),
        ("OSSAccessKeyId", "ak"),
        ("Expires", "1"),
        ("Signature", "s"),
    ]);
    assert_eq!(
        v1_canonical_resource(Some("b"), Some("dir/ä+1.jpg"), &query),
        "/b/dir/ä+1.jpg?versionId=v 1&x-oss-custom&x-oss-process=image/resize,w_300"
    );
    assert!(is_v1_signed_subresource("processConfiguration"));
    assert!(is_v1_signed_subresource("styleName"));
    assert!(!is_v1_signed_subresource("continuation"));
    assert!(!is_v1_signed_subresource("delimiter"));
}

#[test]
fn v1_canonical_headers_group_trim_and_sort() {
    let headers: Vec<(String, String)> =
        [("X-OSS-Meta-B", " 2 "), ("x-oss-meta-a", "1"), ("x-oss-meta-b", "3"), ("Host", "h")]
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
    assert_eq!(v1_canonical_oss_headers(&headers), "x-oss-meta-a:1\nx-oss-meta-b:2,3\n");
}

/// 1699807420 = Sun, 12 Nov 2023 16:43:40 GMT, the Expires of Go V2 TestV1AuthQuery case 1.
const V1_EXPIRES: i64 = 1_699_807_420;

#[test]
fn v1_presigned_vectors() {
    let req = Req::new("GET", Some("bucket"), Some("key")).q("versionId", "versionId");
    let query = presign_v1_url(&req.view(), "ak", "sk", V1_EXPIRES);
    assert_eq!(
        query.last(),
        Some(&("Signature".to_string(), "dcLTea+Yh9ApirQ8o8dOPqtvJXQ=".to_string()))
    );
    assert_eq!(
        encode_query(&query),
        "versionId=versionId&Expires=1699807420&OSSAccessKeyId=ak&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D"
    );
    let signed = Req { query, ..req };
    assert_eq!(signed.auth(V1_EXPIRES - 600), key_ak());
    assert_eq!(signed.auth(V1_EXPIRES), key_ak(), "the Expires second itself is still valid");

    // Case 2: STS token as the signed `security-token` sub-resource, key with `+`.
    let req = Req::new("GET", Some("bucket"), Some("key+123"))
        .q("versionId", "versionId")
        .q("security-token", "token");
    let query = presign_v1_url(&req.view(), "ak", "sk", 1_699_808_204);
    assert_eq!(query.last().map(|(_, v)| v.as_str()), Some("jzKYRrM5y6Br0dRFPaTGOsbrDhY="));
}

#[test]
fn v1_presigned_signature_tolerates_unescaped_plus() {
    // `dcLTea+Yh9…` sent without escaping `+` arrives as `dcLTea Yh9…`.
    let req = Req::new("GET", Some("bucket"), Some("key"))
        .q("versionId", "versionId")
        .q("OSSAccessKeyId", "ak")
        .q("Expires", "1699807420")
        .q("Signature", "dcLTea Yh9ApirQ8o8dOPqtvJXQ=");
    assert_eq!(req.auth(V1_EXPIRES - 1), key_ak());
}

#[test]
fn v1_presigned_expiry_comes_before_key_and_signature() {
    let req = Req::new("GET", Some("bucket"), Some("key"))
        .q("OSSAccessKeyId", "nobody")
        .q("Expires", "1699807420")
        .q("Signature", "garbage");
    let f = assert_fails(
        req.auth(V1_EXPIRES + 1),
        ErrorKind::AccessDenied,
        Some("0002-00000069"),
        Some("Request has expired."),
    );
    assert_eq!(f.detail("Expires"), Some("2023-11-12T16:43:40.000Z"));
    assert_eq!(f.detail("ServerTime"), Some("2023-11-12T16:43:41.000Z"));
    // Not expired: the unknown key is reported next.
    let f = assert_fails(
        req.auth(V1_EXPIRES),
        ErrorKind::InvalidAccessKeyId,
        None,
        Some(MSG_INVALID_ACCESS_KEY_ID),
    );
    assert_eq!(f.detail("OSSAccessKeyId"), Some("nobody"));
}

#[test]
fn v1_presigned_missing_or_bad_parameters() {
    let full = [("OSSAccessKeyId", "ak"), ("Expires", "1699807420"), ("Signature", "x")];
    for skip in 0..3 {
        let mut req = Req::new("GET", Some("bucket"), Some("key"));
        for (i, (n, v)) in full.iter().enumerate() {
            if i != skip {
                req = req.q(n, v);
            }
        }
        // Either of OSSAccessKeyId and Signature marks the request as a V1 presigned URL.
        assert_fails(
            req.auth(V1_EXPIRES - 1),
            ErrorKind::AccessDenied,
            None,
            Some(MSG_V1_QUERY_MISSING),
        );
    }
    let req = Req::new("GET", Some("bucket"), Some("key"))
        .q("OSSAccessKeyId", "ak")
        .q("Expires", "soon")
        .q("Signature", "x");
    assert_fails(req.auth(V1_EXPIRES), ErrorKind::AccessDenied, Some("0002-00000070"), None);
}

#[test]
fn v1_presigned_repeated_parameter_uses_first() {
    let req = Req::new("GET", Some("bucket"), Some("key")).q("versionId", "versionId");
    let mut query = presign_v1_url(&req.view(), "ak", "sk", V1_EXPIRES);
    query.push(("Signature".into(), "second-is-ignored".into()));
    query.push(("Expires".into(), "1".into()));
    assert_eq!(Req { query, ..req }.auth(V1_EXPIRES), key_ak());
}

#[test]
fn v1_mismatch_reports_string_to_sign() {
    let req = v1_put_nelson().h("Authorization", "OSS ak:AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    let f = assert_fails(
        req.auth(V1_TIME),
        ErrorKind::SignatureDoesNotMatch,
        Some("0002-00000040"),
        Some(MSG_SIGNATURE_MISMATCH),
    );
    assert_eq!(f.error.kind.http_status(), 403);
    let sts = v1_string_to_sign(&v1_put_nelson().view(), V1_DATE);
    assert_eq!(f.string_to_sign(), Some(sts.as_str()));
    assert_eq!(f.detail("SignatureProvided"), Some("AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    assert_eq!(f.detail("OSSAccessKeyId"), Some("ak"));
    assert!(f.detail("StringToSignBytes").is_some_and(|b| b.starts_with("50 55 54 0A 65 42 ")));
    let names: Vec<&str> = f.details.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["OSSAccessKeyId", "SignatureProvided", "StringToSign", "StringToSignBytes"]);

    // A signature made with another secret, and one that is not Base64, fail the same way.
    let other = sign_v1_header(&v1_put_nelson().view(), "ak", "not-sk");
    assert_fails(
        v1_put_nelson().h("Authorization", &other).auth(V1_TIME),
        ErrorKind::SignatureDoesNotMatch,
        Some("0002-00000040"),
        None,
    );
    assert_fails(
        v1_put_nelson().h("Authorization", "OSS ak:%%%").auth(V1_TIME),
        ErrorKind::SignatureDoesNotMatch,
        Some("0002-00000040"),
        None,
    );
}

#[test]
fn v1_retry_without_x_oss_process() {
    let req = Req::new("GET", Some("bucket"), Some("photo.jpg"))
        .q("x-oss-process", "image/resize,w_300")
        .h("Date", V1_DATE);
    // oss2 / Go / Java sign x-oss-process …
    let full = sign_v1_header(&req.view(), "ak", "sk");
    assert_eq!(req.clone().h("Authorization", &full).auth(V1_TIME), key_ak());
    // … the Python V2 SDK's V1 signer leaves it out; the retry accepts that too.
    let without = Req { query: Vec::new(), ..req.clone() };
    let python_v2 = sign_v1_header(&without.view(), "ak", "sk");
    assert_ne!(python_v2, full);
    assert_eq!(req.clone().h("Authorization", &python_v2).auth(V1_TIME), key_ak());
    // The retry drops only x-oss-process; a wrong key is still a mismatch reporting the full string.
    let bad = sign_v1_header(&without.view(), "ak", "other");
    let f = assert_fails(
        req.clone().h("Authorization", &bad).auth(V1_TIME),
        ErrorKind::SignatureDoesNotMatch,
        Some("0002-00000040"),
        None,
    );
    assert!(f
        .string_to_sign()
        .is_some_and(|s| s.ends_with("/bucket/photo.jpg?x-oss-process=image/resize,w_300")));
    // Presigned URLs get the same retry.
    let url = presign_v1_url(&without.view(), "ak", "sk", V1_EXPIRES);
    let mut query = req.query.clone();
    query.extend(url);
    assert_eq!(Req { query, ..req }.auth(V1_EXPIRES), key_ak());
}

#[test]
fn v1_header_time_checks() {
    let signed = |date: &str| {
        let req = Req::new("GET", Some("bucket"), Some("k")).h("Date", date);
        let auth = sign_v1_header(&req.view(), "ak", "sk");
        req.h("Authorization", &auth)
    };
    let req = signed(V1_DATE);
    // ±15 minutes exactly is accepted; one second more is not.
    assert_eq!(req.auth(V1_TIME + 900), key_ak());
    assert_eq!(req.auth(V1_TIME - 900), key_ak());
    let f = assert_fails(
        req.auth(V1_TIME + 901),
        ErrorKind::RequestTimeTooSkewed,
        Some("0002-00000504"),
        Some(MSG_TIME_TOO_SKEWED),
    );
    assert_eq!(
        f.error.message,
        "The difference between the request time and the current time is too large."
    );
    assert_eq!(f.detail("RequestTime"), Some("2022-12-28T10:27:41.000Z"));
    assert_fails(
        req.auth(V1_TIME - 901),
        ErrorKind::RequestTimeTooSkewed,
        Some("0002-00000504"),
        None,
    );

    // x-oss-date wins over Date for both the Date line and the clock check.
    let req = Req::new("GET", Some("bucket"), Some("k"))
        .h("Date", "Thu, 01 Jan 1970 00:00:00 GMT")
        .h("x-oss-date", V1_DATE);
    let auth = sign_v1_header(&req.view(), "ak", "sk");
    assert_eq!(req.h("Authorization", &auth).auth(V1_TIME), key_ak());

    let no_date = Req::new("GET", Some("bucket"), Some("k")).h("Authorization", "OSS ak:c2ln");
    assert_fails(no_date.auth(V1_TIME), ErrorKind::AccessDenied, None, None);
    let bad_date = signed("yesterday");
    assert_fails(bad_date.auth(V1_TIME), ErrorKind::AccessDenied, Some("0002-00000505"), None);
}

#[test]
fn v1_unknown_key() {
    let req = Req::new("GET", Some("bucket"), Some("k")).h("Date", V1_DATE);
    let auth = sign_v1_header(&req.view(), "ghost", "sk");
    let f = assert_fails(
        req.h("Authorization", &auth).auth(V1_TIME),
        ErrorKind::InvalidAccessKeyId,
        None,
        Some("The OSS Access Key Id you provided does not exist in our records."),
    );
    assert_eq!(f.error.kind.http_status(), 403);
    assert_eq!(f.details, vec![("OSSAccessKeyId", "ghost".to_string())]);
}
