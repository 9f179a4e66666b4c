//! Vectors from the Go V2 SDK (`oss/signer/signer_test.go`: TestV1AuthHeader, TestV1AuthQuery,
//! TestV4AuthHeader*, TestV4AuthQuery*) and every error path, with a fixed clock.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;

/// An owned request that lends a [`SignedRequest`].
#[derive(Clone)]
struct Req {
    method: &'static str,
    bucket: Option<&'static str>,
    key: Option<&'static str>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl Req {
    fn new(method: &'static str, bucket: Option<&'static str>, key: Option<&'static str>) -> Self {
        Req { method, bucket, key, query: Vec::new(), headers: Vec::new() }
    }
    fn q(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }
    fn h(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    fn view(&self) -> SignedRequest<'_> {
        SignedRequest {
            method: self.method,
            bucket: self.bucket,
            key: self.key,
            query: &self.query,
            headers: &self.headers,
        }
    }
    fn auth(&self, now: i64) -> Result<Principal, AuthFailure> {
        authenticate(&self.view(), &keys(), at(now), REGION)
    }
}

const REGION: &str = "cn-hangzhou";

fn keys() -> HashMap<String, String> {
    HashMap::from([("ak".to_string(), "sk".to_string())])
}

fn at(secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs as u64)
}

fn key_ak() -> Result<Principal, AuthFailure> {
    Ok(Principal::Key("ak".into()))
}

/// Asserts the failure's Code, HTTP status, EC and (when given) exact message.
fn assert_fails(
    r: Result<Principal, AuthFailure>,
    kind: ErrorKind,
    ec: Option<&str>,
    message: Option<&str>,
) -> AuthFailure {
    let f = r.expect_err("authentication must fail");
    assert_eq!(f.error.kind, kind, "{f}");
    assert_eq!(f.error.ec, ec, "{f}");
    if let Some(m) = message {
        assert_eq!(f.error.message, m);
    }
    f
}

// ---------------------------------------------------------------- V1 building blocks and vectors

/// 1672223261 = Wed, 28 Dec 2022 10:27:41 GMT, the time of the Go V2 V1 header vectors.
const V1_TIME: i64 = 1_672_223_261;
const V1_DATE: &str = "Wed, 28 Dec 2022 10:27:41 GMT";

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

// ---------------------------------------------------------------- classification

#[test]
fn anonymous_requests() {
    assert_eq!(Req::new("GET", Some("b"), Some("k")).auth(0), Ok(Principal::Anonymous));
    let req = Req::new("GET", Some("b"), Some("k"))
        .q("x-oss-process", "image/info")
        .q("Expires", "1")
        .h("Date", V1_DATE);
    assert_eq!(req.auth(0), Ok(Principal::Anonymous));
}

#[test]
fn header_and_query_together_is_invalid_argument() {
    let base =
        Req::new("GET", Some("b"), Some("k")).h("Date", V1_DATE).h("Authorization", "OSS ak:c2ln");
    for (name, value) in [
        ("OSSAccessKeyId", "ak"),
        ("Signature", "s"),
        ("x-oss-signature", "s"),
        ("x-oss-credential", "c"),
    ] {
        let f = assert_fails(
            base.clone().q(name, value).auth(V1_TIME),
            ErrorKind::InvalidArgument,
            None,
            None,
        );
        assert_eq!(f.error.kind.http_status(), 400);
    }
    // V1 and V4 query parameters together, too.
    let both =
        Req::new("GET", Some("b"), Some("k")).q("OSSAccessKeyId", "ak").q("x-oss-signature", "s");
    assert_fails(both.auth(0), ErrorKind::InvalidArgument, None, None);
}

#[test]
fn malformed_authorization_is_invalid_argument() {
    for value in [
        "",
        "OSS",
        "OSS ak",
        "OSS :c2ln",
        "OSS ak:",
        "OSS a k:c2ln",
        "Bearer token",
        "OSS2 AccessKeyId:ak,Signature:x",
        "OSS4-HMAC-SHA256",
        "OSS4-HMAC-SHA256Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=00",
        "OSS4-HMAC-SHA256 Signature=00",
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request",
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss,Signature=00",
        "OSS4-HMAC-SHA256 Credential=ak/2023121/cn-hangzhou/oss/aliyun_v4_request,Signature=00",
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aws4_request,Signature=00",
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Bogus=1,Signature=00",
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature",
    ] {
        let req = Req::new("GET", Some("b"), Some("k")).h("Date", V1_DATE).h("x-oss-date", "20231216T162057Z").h("Authorization", value);
        let f = req.auth(V1_TIME).expect_err(value);
        assert_eq!(f.error.kind, ErrorKind::InvalidArgument, "{value:?}: {f}");
    }
}

// ---------------------------------------------------------------- V4 vectors

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

/// 1702743657 = 2023-12-16T16:20:57Z (TestV4AuthHeader).
const V4_HEADER_TIME: i64 = 1_702_743_657;

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

#[test]
fn auth_failure_converts_to_crate_error() {
    let f = assert_fails(
        Req::new("GET", None, None).h("Authorization", "nonsense").auth(0),
        ErrorKind::InvalidArgument,
        None,
        None,
    );
    let e: Error = f.clone().into();
    assert_eq!(e, f.error);
    assert_eq!(f.to_string(), e.to_string());
}

// ---------------------------------------------------------------- hostile input

mod hostile {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // 512 cases: each runs in microseconds; enough to walk every parser branch.
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any Authorization value, date header and signature parameters end in an answer, never a
        /// panic, and never in a verified principal without the secret.
        #[test]
        fn never_panics_nor_accepts_garbage(
            prefix in prop::sample::select(vec!["OSS ", "OSS4-HMAC-SHA256 ", "", "OSS4-HMAC-SHA256"]),
            rest in "\\PC{0,80}",
            date in prop::sample::select(vec![V1_DATE.to_string(), "20231216T162057Z".to_string(), String::new()]),
            query_value in "\\PC{0,40}",
            use_query in 0u8..4,
        ) {
            let mut req = Req::new("GET", Some("b"), Some("k")).h("Date", &date).h("x-oss-date", &date);
            match use_query {
                0 => req = req.h("Authorization", &format!("{prefix}{rest}")),
                1 => req = req.q("OSSAccessKeyId", "ak").q("Expires", &query_value).q("Signature", &rest),
                2 => req = req
                    .q("x-oss-signature-version", V4_ALGORITHM)
                    .q("x-oss-credential", &format!("ak/20231216/{REGION}/oss/aliyun_v4_request"))
                    .q("x-oss-date", "20231216T162057Z")
                    .q("x-oss-expires", &query_value)
                    .q("x-oss-signature", &rest),
                _ => req = req.q("x-oss-credential", &rest).q("x-oss-date", &query_value),
            }
            let r = req.auth(V4_HEADER_TIME);
            prop_assert!(!matches!(r, Ok(Principal::Key(_))), "{r:?}");
        }
    }
}
