//! Vectors from the Go V2 SDK (`oss/signer/signer_test.go`: TestV1AuthHeader, TestV1AuthQuery,
//! TestV4AuthHeader*, TestV4AuthQuery*) and every error path, with a fixed clock: V1 in `v1`,
//! V4 in `v4`; here the request fixture and clock they share, the classification of requests and
//! hostile input.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;

mod v1;
mod v4;

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

/// 1672223261 = Wed, 28 Dec 2022 10:27:41 GMT, the time of the Go V2 V1 header vectors.
const V1_TIME: i64 = 1_672_223_261;
const V1_DATE: &str = "Wed, 28 Dec 2022 10:27:41 GMT";

/// 1702743657 = 2023-12-16T16:20:57Z (TestV4AuthHeader).
const V4_HEADER_TIME: i64 = 1_702_743_657;

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
