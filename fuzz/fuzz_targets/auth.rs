//! Request authentication (`api::auth`): V1 and V4 `Authorization` headers, V1 and V4
//! presigned-URL queries, STS tokens, and the date parsers they use.
//!
//! Arbitrary requests — with the header or query shaped like one of the four schemes so the
//! parsers are reached — never panic and fail only with 400 or 403. Requests signed by the
//! crate's own signers (V1/V4 header, V1/V4 presigned URL) over arbitrary methods, buckets,
//! keys, queries and headers always verify, and a flipped signature never does.
#![no_main]

use std::collections::HashMap;
use std::time::{Duration, UNIX_EPOCH};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use ossimg::api::auth::{
    authenticate, format_http_date, format_iso8601_basic, presign_v1_url, presign_v4_query,
    sign_v1_header, sign_v4_header, KeyStore, Principal, SignedRequest, UNSIGNED_PAYLOAD,
};

const AK: &str = "ak";
const SK: &str = "sk";
const REGION: &str = "cn-hangzhou";
/// The server clock: 2023-11-14T22:13:20Z.
const NOW: i64 = 1_700_000_000;

#[derive(Arbitrary, Debug)]
struct Input {
    /// How the request is shaped or signed.
    mode: u8,
    method: String,
    bucket: Option<String>,
    key: Option<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    /// Text appended to a scheme's prefix (the header value or a query field).
    tail: String,
    /// Clock offset in seconds, for the skew and expiry checks.
    skew: i16,
}

/// Names that choose or carry the signature: kept out of the requests the signers sign.
fn is_auth_name(n: &str) -> bool {
    let l = n.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "authorization"
            | "date"
            | "x-oss-date"
            | "x-oss-security-token"
            | "security-token"
            | "x-oss-content-sha256"
            | "signature"
            | "ossaccesskeyid"
            | "expires"
    ) || l.starts_with("x-oss-signature")
        || l.starts_with("x-oss-credential")
        || l.starts_with("x-oss-expires")
        || l.starts_with("x-oss-additional-headers")
}

fn check_failure(r: &Result<Principal, ossimg::api::auth::AuthFailure>) {
    if let Err(f) = r {
        let status = f.error.kind.http_status();
        assert!(status == 400 || status == 403, "auth failed with {status}: {f:?}");
    }
}

fuzz_target!(|input: Input| {
    let keys: HashMap<String, String> = HashMap::from([(AK.to_string(), SK.to_string())]);
    let keys: &dyn KeyStore = &keys;
    let now = UNIX_EPOCH + Duration::from_secs(NOW as u64);
    let signed_at = NOW + i64::from(input.skew);
    let req = SignedRequest {
        method: &input.method,
        bucket: input.bucket.as_deref(),
        key: input.key.as_deref(),
        query: &input.query,
        headers: &input.headers,
    };
    // Raw: whatever the fuzzer built, plus one scheme-shaped field.
    let mut headers = input.headers.clone();
    let mut query = input.query.clone();
    match input.mode % 8 {
        0 => headers.push(("Authorization".into(), format!("OSS {}", input.tail))),
        1 => headers.push(("Authorization".into(), format!("OSS4-HMAC-SHA256 {}", input.tail))),
        2 => headers.push((
            "Authorization".into(),
            format!("OSS4-HMAC-SHA256 Credential={AK}/{}", input.tail),
        )),
        3 => query.push(("OSSAccessKeyId".into(), input.tail.clone())),
        4 => query.push(("x-oss-credential".into(), input.tail.clone())),
        5 => query.push(("x-oss-security-token".into(), input.tail.clone())),
        _ => {}
    }
    let raw = SignedRequest { headers: &headers, query: &query, ..req };
    check_failure(&authenticate(&raw, keys, now, REGION));

    // Signed by the crate's signers: must verify.
    // What an HTTP request can carry: token names, values without controls or outer spaces.
    let token = |n: &str| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+.^_`|~-".contains(&b))
    };
    let value = |v: &str| v == v.trim() && !v.chars().any(char::is_control);
    let headers: Vec<(String, String)> = input
        .headers
        .iter()
        .filter(|(n, v)| token(n) && value(v) && !is_auth_name(n))
        .cloned()
        .collect();
    if !token(&input.method) {
        return;
    }
    let query: Vec<(String, String)> =
        input.query.iter().filter(|(n, _)| !is_auth_name(n)).cloned().collect();
    let clean = SignedRequest { headers: &headers, query: &query, ..req };
    let skew_ok = input.skew.unsigned_abs() <= 900;
    let (headers, query) = match input.mode % 4 {
        0 => {
            let mut h = headers.clone();
            h.push(("Date".into(), format_http_date(signed_at)));
            let auth = sign_v1_header(&SignedRequest { headers: &h, ..clean }, AK, SK);
            h.push(("Authorization".into(), auth));
            (h, query.clone())
        }
        1 => {
            let mut h = headers.clone();
            h.push(("x-oss-date".into(), format_iso8601_basic(signed_at)));
            h.push(("x-oss-content-sha256".into(), UNSIGNED_PAYLOAD.into()));
            let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).take(3).collect();
            let signing = SignedRequest { headers: &h, ..clean };
            let Ok(auth) = sign_v4_header(&signing, AK, SK, REGION, &names) else { return };
            h.push(("Authorization".into(), auth));
            (h, query.clone())
        }
        2 => {
            let q = presign_v1_url(&clean, AK, SK, signed_at + 60);
            (headers.clone(), q)
        }
        _ => {
            let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).take(3).collect();
            let q = presign_v4_query(&clean, AK, SK, REGION, signed_at, 3600, &names);
            (headers.clone(), q)
        }
    };
    let signed = SignedRequest { headers: &headers, query: &query, ..req };
    let verdict = authenticate(&signed, keys, now, REGION);
    check_failure(&verdict);
    // V1 presigned URLs only expire (60 s after `signed_at`); the others are skew-checked.
    let in_time = match input.mode % 4 {
        2 => signed_at + 60 >= NOW,
        3 => signed_at <= NOW + 900 && signed_at + 3600 >= NOW,
        _ => skew_ok,
    };
    if in_time {
        assert_eq!(verdict, Ok(Principal::Key(AK.to_string())), "a signed request was refused");
    }
});
