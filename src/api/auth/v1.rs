//! Signature V1 (`Authorization: OSS <id>:<sig>` and `?OSSAccessKeyId=…&Expires=…&Signature=…`):
//! HMAC-SHA1 over VERB, Content-MD5, Content-Type, Date, the `x-oss-*` headers and the canonical
//! resource (spec §9.1, §9.2).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::time::{format_iso8601, parse_http_date, parse_iso8601_basic};
use super::{
    access_denied, check_skew, lookup_secret, malformed, mismatch, AuthFailure, KeyStore,
    Principal, SignedRequest,
};

type HmacSha1 = Hmac<Sha1>;

/// Query parameters that V1 signs (spec §9.1: the union of the documented list and the SDKs'
/// lists). Every parameter whose name starts with `x-oss-` is signed as well.
pub const V1_SIGNED_SUBRESOURCES: &[&str] = &[
    "acl",
    "uploads",
    "location",
    "cors",
    "logging",
    "website",
    "referer",
    "lifecycle",
    "delete",
    "append",
    "tagging",
    "objectMeta",
    "uploadId",
    "partNumber",
    "security-token",
    "position",
    "img",
    "style",
    "styleName",
    "replication",
    "replicationProgress",
    "replicationLocation",
    "cname",
    "bucketInfo",
    "comp",
    "qos",
    "live",
    "status",
    "vod",
    "startTime",
    "endTime",
    "symlink",
    "x-oss-process",
    "response-content-type",
    "response-content-language",
    "response-expires",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "udf",
    "udfName",
    "udfImage",
    "udfId",
    "udfImageDesc",
    "udfApplication",
    "udfApplicationLog",
    "restore",
    "callback",
    "callback-var",
    "qosInfo",
    "policy",
    "stat",
    "encryption",
    "versions",
    "versioning",
    "versionId",
    "requestPayment",
    "x-oss-request-payer",
    "sequential",
    "inventory",
    "inventoryId",
    "continuation-token",
    "asyncFetch",
    "worm",
    "wormId",
    "wormExtend",
    "transferAcceleration",
    "regionList",
    "cloudboxes",
    "metaQuery",
    "resourceGroup",
    "rtc",
    "x-oss-async-process",
    "x-oss-traffic-limit",
    "processConfiguration",
];

/// Whether a query parameter is part of the V1 canonical resource.
pub fn is_v1_signed_subresource(name: &str) -> bool {
    name.starts_with("x-oss-") || V1_SIGNED_SUBRESOURCES.contains(&name)
}

/// EC of a V1 signature mismatch (the OSS troubleshooting page's sample body).
const EC_V1_MISMATCH: &str = "0002-00000040";
/// EC of a presigned URL past its `Expires` (EC page 0002-00000069).
const EC_URL_EXPIRED: &str = "0002-00000069";
/// EC of an unparseable `Expires` / `x-oss-expires` (EC page 0002-00000070).
pub(super) const EC_BAD_EXPIRES: &str = "0002-00000070";
/// EC of an unparseable request time (EC page 0002-00000505).
pub(super) const EC_BAD_TIME: &str = "0002-00000505";

/// The exact message OSS sends when a V1 presigned URL lacks one of its three parameters.
pub const MSG_V1_QUERY_MISSING: &str =
    "Query-string authentication requires the Signature, Expires and OSSAccessKeyId parameters";

/// The V1 canonical resource: `/bucket/key` (`/bucket/` for a bucket, `/` for the service; the
/// key raw, not URL-encoded), then `?` and the signed sub-resources sorted by name, each `name`
/// or `name=value` with the value decoded. A repeated parameter counts once, with its first value.
pub fn v1_canonical_resource(
    bucket: Option<&str>,
    key: Option<&str>,
    query: &[(String, String)],
) -> String {
    canonical_resource(bucket, key, query, false)
}

/// [`v1_canonical_resource`], optionally without `x-oss-process` (the §9.1 compatibility retry).
fn canonical_resource(
    bucket: Option<&str>,
    key: Option<&str>,
    query: &[(String, String)],
    drop_process: bool,
) -> String {
    let mut out = String::from("/");
    if let Some(b) = bucket {
        out.push_str(b);
        out.push('/');
    }
    if let Some(k) = key {
        out.push_str(k);
    }
    let mut params: Vec<(&str, &str)> = Vec::new();
    for (name, value) in query {
        let signed = is_v1_signed_subresource(name) && !(drop_process && name == "x-oss-process");
        if signed && !params.iter().any(|(n, _)| *n == name.as_str()) {
            params.push((name, value));
        }
    }
    params.sort_by(|a, b| a.0.cmp(b.0));
    for (i, (name, value)) in params.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(name);
        if !value.is_empty() {
            out.push('=');
            out.push_str(value);
        }
    }
    out
}

/// CanonicalizedOSSHeaders: every `x-oss-*` header, name lower-cased, values trimmed and joined
/// with `,` in arrival order, sorted by name, each rendered `name:value\n`.
pub fn v1_canonical_oss_headers(headers: &[(String, String)]) -> String {
    let mut grouped: Vec<(String, Vec<&str>)> = Vec::new();
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if !lower.starts_with("x-oss-") {
            continue;
        }
        match grouped.iter_mut().find(|(n, _)| *n == lower) {
            Some((_, values)) => values.push(value.trim()),
            None => grouped.push((lower, vec![value.trim()])),
        }
    }
    grouped.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::new();
    for (name, values) in grouped {
        out.push_str(&name);
        out.push(':');
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out
}

/// The V1 StringToSign of a request, with `date_line` in the Date position (the `x-oss-date` or
/// `Date` header for the header form, the `Expires` value for a presigned URL).
pub fn v1_string_to_sign(req: &SignedRequest<'_>, date_line: &str) -> String {
    string_to_sign(req, date_line, false)
}

fn string_to_sign(req: &SignedRequest<'_>, date_line: &str, drop_process: bool) -> String {
    format!(
        "{}\n{}\n{}\n{}\n{}{}",
        req.method,
        req.header("content-md5").unwrap_or(""),
        req.header("content-type").unwrap_or(""),
        date_line,
        v1_canonical_oss_headers(req.headers),
        canonical_resource(req.bucket, req.key, req.query, drop_process),
    )
}

fn mac(secret: &str, string_to_sign: &str) -> HmacSha1 {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut m = <HmacSha1 as Mac>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    m.update(string_to_sign.as_bytes());
    m
}

/// `Base64(HMAC-SHA1(secret, string_to_sign))`.
pub fn v1_sign(secret: &str, string_to_sign: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(mac(secret, string_to_sign).finalize().into_bytes())
}

/// Whether `provided` (Base64) is the V1 signature of `string_to_sign`, compared in constant
/// time. A space is read as `+`: a `+` left unescaped in a URL arrives decoded as a space.
fn v1_verify(secret: &str, string_to_sign: &str, provided: &str) -> bool {
    let cleaned = provided.trim().replace(' ', "+");
    match base64::engine::general_purpose::STANDARD.decode(cleaned) {
        Ok(sig) => mac(secret, string_to_sign).verify_slice(&sig).is_ok(),
        Err(_) => false,
    }
}

/// The value of the `Authorization` header for `req` (`OSS <id>:<signature>`). The Date line is
/// the request's `x-oss-date` header, else its `Date` header, else empty.
pub fn sign_v1_header(req: &SignedRequest<'_>, access_key_id: &str, secret: &str) -> String {
    let date = req.header("x-oss-date").or_else(|| req.header("date")).unwrap_or("");
    format!("OSS {access_key_id}:{}", v1_sign(secret, &v1_string_to_sign(req, date)))
}

/// The query of a V1 presigned URL for `req`, valid until `expires` (Unix seconds): `req.query`
/// followed by `Expires`, `OSSAccessKeyId` and `Signature`, decoded (render it with
/// [`super::encode_query`]).
pub fn presign_v1_url(
    req: &SignedRequest<'_>,
    access_key_id: &str,
    secret: &str,
    expires: i64,
) -> Vec<(String, String)> {
    let expires = expires.to_string();
    let signature = v1_sign(secret, &v1_string_to_sign(req, &expires));
    let mut query = req.query.to_vec();
    query.push(("Expires".into(), expires));
    query.push(("OSSAccessKeyId".into(), access_key_id.into()));
    query.push(("Signature".into(), signature));
    query
}

/// Verifies against every candidate StringToSign: the full one, then (§9.1 compatibility retry,
/// recommended **[U]**) the one without `x-oss-process` in the canonical resource, which the
/// Python V2 SDK's V1 signer produces. On failure the error carries the full StringToSign.
fn verify_signature(
    req: &SignedRequest<'_>,
    access_key_id: &str,
    secret: &str,
    date_line: &str,
    provided: &str,
) -> Result<Principal, AuthFailure> {
    let full = string_to_sign(req, date_line, false);
    if v1_verify(secret, &full, provided) {
        return Ok(Principal::Key(access_key_id.to_string()));
    }
    if req.query.iter().any(|(n, _)| n == "x-oss-process") {
        let without = string_to_sign(req, date_line, true);
        if v1_verify(secret, &without, provided) {
            return Ok(Principal::Key(access_key_id.to_string()));
        }
    }
    Err(mismatch(EC_V1_MISMATCH, access_key_id, provided, &full, None))
}

/// Verifies `Authorization: OSS <id>:<signature>`; `credentials` is the text after `OSS `.
pub(super) fn verify_header(
    req: &SignedRequest<'_>,
    credentials: &str,
    keys: &dyn KeyStore,
    now: i64,
) -> Result<Principal, AuthFailure> {
    let (access_key_id, provided) = credentials.trim().split_once(':').ok_or_else(malformed)?;
    if access_key_id.is_empty()
        || provided.is_empty()
        || access_key_id.contains(char::is_whitespace)
    {
        return Err(malformed());
    }
    // The x-oss-date header, when present, replaces Date in the Date line (spec §9.1).
    let date_line = req.header("x-oss-date").or_else(|| req.header("date")).ok_or_else(|| {
        access_denied(None, "Missing required header for this request: Date or x-oss-date.")
    })?;
    let time =
        parse_http_date(date_line).or_else(|| parse_iso8601_basic(date_line)).ok_or_else(|| {
            access_denied(Some(EC_BAD_TIME), "Invalid date format of the request time.")
        })?;
    check_skew(time, now)?;
    let secret = lookup_secret(keys, access_key_id)?;
    verify_signature(req, access_key_id, &secret, date_line, provided)
}

/// Verifies a V1 presigned URL: the three parameters (first occurrence of each), then `Expires`
/// against the clock, then the key, then the signature (spec §9.2).
pub(super) fn verify_query(
    req: &SignedRequest<'_>,
    keys: &dyn KeyStore,
    now: i64,
) -> Result<Principal, AuthFailure> {
    let (Some(access_key_id), Some(expires), Some(provided)) = (
        req.query_param("OSSAccessKeyId"),
        req.query_param("Expires"),
        req.query_param("Signature"),
    ) else {
        return Err(access_denied(None, MSG_V1_QUERY_MISSING));
    };
    let expires_at: i64 = expires.trim().parse().map_err(|_| {
        access_denied(
            Some(EC_BAD_EXPIRES),
            "Invalid argument: Expires must be a Unix time in seconds.",
        )
    })?;
    if now > expires_at {
        return Err(expired(expires_at, now));
    }
    let secret = lookup_secret(keys, access_key_id)?;
    verify_signature(req, access_key_id, &secret, expires, provided)
}

/// `403 AccessDenied` for a presigned URL used after its expiry, with the `<Expires>` and
/// `<ServerTime>` elements OSS adds (message and element shapes **[U]**: commonly observed).
pub(super) fn expired(expires_at: i64, now: i64) -> AuthFailure {
    access_denied(Some(EC_URL_EXPIRED), "Request has expired.")
        .with("Expires", format_iso8601(expires_at))
        .with("ServerTime", format_iso8601(now))
}
